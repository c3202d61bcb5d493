/* term.h — the portfolio matrix drawn as text for a terminal: axes with their meaning,
 * thresholds, quadrant names, one marker per account, a legend. Colour only when asked. */
#ifndef CVOM_RENDER_TERM_H
#define CVOM_RENDER_TERM_H

#include "cvom.h"

#include <stdio.h>

struct cvom_term_point {
    const char *label; /* account name; borrowed */
    double x;          /* intellectual score 0–100 */
    double y;          /* emotional score 0–100 */
    enum cvom_quadrant quadrant;
    enum cvom_state state; /* INSUFFICIENT points are listed, not plotted */
    double revenue;        /* for ordering the legend; >= 0 */
    int unassessed;        /* 1: never assessed; listed apart from those without enough evidence */
    int stale;             /* 1: its newest assessment is older than the validity period (the
                              scan's evidence.stale): the legend's state says so */
};

struct cvom_term_opts {
    int width;        /* columns of the whole drawing, >= 40; default 80 */
    int height;       /* rows of the plot area, >= 10; default 24 */
    int color;        /* 1: ANSI colours per quadrant */
    int ascii;        /* 1: ASCII only (for a terminal whose locale is not UTF-8): lines of
                         - | +, and any other character outside ASCII shown as '?' */
    size_t elsewhere; /* accounts placed in other quadrants, left out by a filter: counted
                         in the totals, not listed */
    double threshold[CVOM_DIM_COUNT];
    const char *title;    /* may be NULL */
    const char *subtitle; /* e.g. the date and the filters; may be NULL */
    const char *noun;     /* what a point is, in the plural: "accounts" (the default) or
                             "groups" */
};

#define CVOM_TERM_PLOT_MAX 100

void cvom__term_opts_init(struct cvom_term_opts *o);

/* Draw the matrix of n points to out. Points are numbered in the order given; the legend
 * below the plot maps numbers to labels with their scores, quadrant and state; the
 * accounts without enough evidence and those never assessed are listed after it, and the
 * totals count every account given (with o->elsewhere). The plot itself is at most
 * CVOM_TERM_PLOT_MAX columns wide, however wide the drawing: the legend takes the rest. Returns
 * CVOM_EINVAL for bad options, CVOM_ENOMEM, or CVOM_EIO when writing fails. */
enum cvom_status cvom__term_matrix(FILE *out, const struct cvom_term_point *pts, size_t n,
                                   const struct cvom_term_opts *o);

#endif
