/* chart.h — the portfolio matrix as a picture: PNG, PDF and SVG from one drawing code on
 * cairo and pango. Quadrant backgrounds and names, axes that say what they mean, the
 * thresholds, bubbles sized by revenue, labels that never overlap, borderline marks,
 * optional trajectory arrows, title, date and filters in a footer.
 *
 * Rendering never queries the store: callers pass the points in.
 */
#ifndef CVOM_RENDER_CHART_H
#define CVOM_RENDER_CHART_H

#include "cvom.h"

#include <stddef.h>

typedef struct _cairo cairo_t; /* cairo's own type, so callers need not include cairo.h */

enum cvom_chart_format {
    CVOM_CHART_PNG = 0,
    CVOM_CHART_PDF,
    CVOM_CHART_SVG,
    CVOM_CHART_FORMAT_COUNT
};

/* Parse "png", "pdf" or "svg"; -1 otherwise. */
int cvom__chart_format_parse(const char *s);

enum cvom_chart_colour {
    CVOM_COLOUR_QUADRANT = 0, /* each bubble in its quadrant's colour */
    CVOM_COLOUR_TREND,        /* green rising, red falling, grey steady (needs x0/y0) */
    CVOM_COLOUR_COUNT
};

struct cvom_chart_point {
    const char *label; /* borrowed */
    double x, y;       /* intellectual, emotional, 0–100 */
    double x0, y0;     /* an earlier position for arrows and trend; NaN = none */
    double revenue;    /* >= 0; bubble area grows with it */
    enum cvom_quadrant quadrant;
    enum cvom_state state; /* INSUFFICIENT points are not drawn */
    int highlight;         /* 1: drawn emphasised (the account of a one-pager) */
};

/* What a drawing did, for callers that report it. */
struct cvom_chart_stats {
    size_t drawn;    /* points drawn */
    size_t hidden;   /* points not drawn: not enough evidence (o->unassessed not included) */
    size_t labelled; /* labels that found a place */
};

struct cvom_chart_opts {
    double width, height; /* in points (1/72 in); default 800 × 600 */
    double dpi;           /* PNG only: pixels = points × dpi / 72; default 96 */
    double threshold[CVOM_DIM_COUNT];
    size_t label_max; /* only the largest N by revenue get labels; default 40 */
    enum cvom_chart_colour colour;
    int arrows;                     /* 1: arrows from (x0,y0) to (x,y) where both are known */
    const char *title;              /* may be NULL */
    const char *footer;             /* e.g. "as of 2026-10-31 · owner = Priya"; may be NULL */
    const char *since;              /* the date of x0/y0, e.g. "2026-04-30", named in the
                                       legend of arrows and trend colours; may be NULL */
    size_t unassessed;              /* accounts never assessed, not among the points: counted
                                       in the line under the plot with those not drawn */
    struct cvom_chart_stats *stats; /* when not NULL, filled after a successful drawing */
};

void cvom__chart_opts_init(struct cvom_chart_opts *o);

/* Where the output goes: called with successive chunks; returns 0 on success. */
typedef int (*cvom_chart_write_fn)(void *closure, const unsigned char *data, size_t len);

/* Draw the matrix of n points in the given format through write. CVOM_EINVAL for bad
 * options, CVOM_EIO when write fails, CVOM_ENOMEM. */
enum cvom_status cvom__chart_matrix(enum cvom_chart_format fmt, const struct cvom_chart_point *pts,
                                    size_t n, const struct cvom_chart_opts *o,
                                    cvom_chart_write_fn write, void *closure,
                                    struct cvom_error *err);

/* The same into a file, written beside it and renamed into place, so a failure never leaves
 * half a picture. */
enum cvom_status cvom__chart_matrix_file(const char *path, enum cvom_chart_format fmt,
                                         const struct cvom_chart_point *pts, size_t n,
                                         const struct cvom_chart_opts *o, struct cvom_error *err);

/* Draw the matrix into the rectangle (x, y, w, h) of an existing cairo context, for
 * documents that place it on a page (the account one-pager). */
enum cvom_status cvom__chart_draw(cairo_t *cr, double x, double y, double w, double h,
                                  const struct cvom_chart_point *pts, size_t n,
                                  const struct cvom_chart_opts *o);

/* Free the fonts and caches that drawing keeps for the rest of the process, so that a leak
 * checker sees only real leaks. Call it once, after the last drawing, on the thread that
 * drew; drawing again afterwards works and loads the fonts anew. */
void cvom__chart_release(void);

/* Load cairo and Pango, which the program opens by its first picture rather than at start-up
 * (scripts/lazylib.py). CVOM_EIO, saying why, when they cannot be loaded. Every function
 * here that draws calls it; a caller needs it only before making a cairo_t of its own. */
enum cvom_status cvom__chart_ready(struct cvom_error *err);

/* Load the libraries and read the font configuration, finding and opening the text font,
 * some 20 ms that a caller can spend while other work goes on: cvom render does it on a
 * second thread during its scan. Failures are left for the picture to report. */
void cvom__chart_warm(void);

#endif
