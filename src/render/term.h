/* term.h — the portfolio matrix drawn as text for a terminal: axes with their meaning,
 * thresholds, quadrant names, one marker per account, a legend. Colour only when asked. */
#ifndef CVOM_RENDER_TERM_H
#define CVOM_RENDER_TERM_H

#include "cvom.h"

#include <stdio.h>

struct cvom_term_point {
    const char *label;  /* account name; borrowed */
    double x;           /* intellectual score 0–100 */
    double y;           /* emotional score 0–100 */
    enum cvom_quadrant quadrant;
    enum cvom_state state; /* INSUFFICIENT points are listed, not plotted */
    double revenue;     /* for ordering the legend; >= 0 */
};

struct cvom_term_opts {
    int width;          /* columns of the whole drawing, >= 40; default 80 */
    int height;         /* rows of the plot area, >= 10; default 24 */
    int color;          /* 1: ANSI colours per quadrant */
    double threshold[CVOM_DIM_COUNT];
    const char *title;  /* may be NULL */
    const char *subtitle; /* e.g. the date and the filters; may be NULL */
};

void cvom_term_opts_init(struct cvom_term_opts *o);

/* Draw the matrix of n points to out. Points are numbered in the order given; the legend
 * below the plot maps numbers to labels with their scores, quadrant and state. Returns
 * CVOM_EINVAL for bad options, CVOM_ENOMEM, or CVOM_EIO when writing fails. */
enum cvom_status cvom_term_matrix(FILE *out, const struct cvom_term_point *pts, size_t n,
                                  const struct cvom_term_opts *o);

#endif
