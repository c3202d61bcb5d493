/* chart.c — the portfolio matrix drawn with cairo and pango. One drawing function serves
 * PNG, PDF and SVG and the account one-pager's embedded matrix; the output formats differ
 * only in the cairo surface behind the context. Text is laid out with pango as plain text
 * (never markup) in DejaVu Sans, with hinted metrics off so that every format measures text
 * alike and labels land in the same places. */
#include "render/chart.h"

#include "render/layout.h"
#include "render/palette.h"
#include "io/util.h"
#include "core/mem.h"

#include "lazy_cairo.h" /* cairo and Pango, loaded by the first picture */
#include <png.h>

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FONT_FAMILY "DejaVu Sans"
#define SIZE_MIN 50.0       /* points: the smallest picture that still shows the matrix */
#define SIZE_MAX_PT 14400.0 /* points: 200 inches */
#define DPI_MIN 10.0
#define DPI_MAX 2400.0
#define PIXELS_MAX 16384L   /* per side of a PNG */
#define TEXT_CAP 1024       /* longest text drawn; longer text is cut */
#define LABEL_WIDTH_MAX 150 /* widest account label before it is shortened with "…" */
#define TREND_STEADY 2.0    /* points of movement below which a trend is "steady" */
#define TWO_PI 6.283185307179586

enum { X = CVOM_DIM_INTELLECTUAL, Y = CVOM_DIM_EMOTIONAL };
enum halign { LEFT, CENTRE, RIGHT };
enum valign { TOP, MIDDLE, BOTTOM };
enum trend { TREND_RISING, TREND_FALLING, TREND_STEADY_, TREND_NONE, TREND_COUNT };

static const struct cvom_rgb trend_fg[TREND_COUNT] = {
    [TREND_RISING] = {0.173, 0.596, 0.329},
    [TREND_FALLING] = {0.820, 0.271, 0.231},
    [TREND_STEADY_] = {0.478, 0.502, 0.549},
    [TREND_NONE] = {0.760, 0.772, 0.800},
};
static const char *const trend_name[TREND_COUNT] = {
    [TREND_RISING] = "rising",
    [TREND_FALLING] = "falling",
    [TREND_STEADY_] = "steady",
    [TREND_NONE] = "no earlier score",
};
static const struct cvom_rgb ink = {0.13, 0.14, 0.16};
static const struct cvom_rgb grey = {0.40, 0.42, 0.46};
static const struct cvom_rgb rule = {0.33, 0.35, 0.38};

/* Where things go, in the drawing's user units (points). */
struct frame {
    double x, y, w, h;     /* the whole rectangle */
    double s;              /* scale of text, strokes and margins */
    double px, py, pw, ph; /* the plot area */
    double lx, lw;         /* the legend column; lw 0: no legend */
    double top;            /* baseline band for the title */
};

/* Bubble sizes: area proportional to revenue, never below rmin. */
struct sizing {
    double rmin, rmax, rev_max;
};

/* Marks a point that is no crowded dot in draw_crowded; no batch_key is this large. */
#define NO_BATCH UINT64_MAX

struct dot {
    double x, y;  /* where a crowded dot is drawn, in user space */
    uint64_t key; /* its batch (batch_key), or NO_BATCH */
};

struct ctx {
    cairo_t *cr;
    PangoLayout *lay;
    PangoFontDescription *font;
    const struct cvom_chart_opts *o;
    const struct cvom_chart_point *pts;
    size_t n;
    struct frame f;
    struct sizing z;
    size_t *order;                 /* drawable points, by revenue, largest first */
    size_t nd;                     /* how many are drawable */
    size_t hidden;                 /* insufficient evidence */
    double *radius;                /* per point */
    const struct dot *dots;        /* per point, while crowded dots are drawn */
    struct cvom_layout_item *obst; /* quadrant names, as rows of circles */
    size_t n_obst, cap_obst;
    int any_borderline, any_highlight, any_arrow;
    size_t labelled; /* labels placed */
    char buf[TEXT_CAP];
};

void cvom__chart_opts_init(struct cvom_chart_opts *o)
{
    memset(o, 0, sizeof *o);
    o->width = 800;
    o->height = 600;
    o->dpi = 96;
    o->threshold[X] = 50;
    o->threshold[Y] = 50;
    o->label_max = 40;
    o->colour = CVOM_COLOUR_QUADRANT;
    o->arrows = 0;
    o->title = NULL;
    o->footer = NULL;
    o->since = NULL;
    o->stats = NULL;
}

int cvom__chart_format_parse(const char *s)
{
    static const char *const names[CVOM_CHART_FORMAT_COUNT] = {
        [CVOM_CHART_PNG] = "png", [CVOM_CHART_PDF] = "pdf", [CVOM_CHART_SVG] = "svg"};
    for (int i = 0; s && i < CVOM_CHART_FORMAT_COUNT; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* ---- checks ----------------------------------------------------------------------------- */

static int drawable(const struct cvom_chart_point *p)
{
    return p->state != CVOM_STATE_INSUFFICIENT;
}

static enum cvom_status check_opts(const struct cvom_chart_opts *o, struct cvom_error *err)
{
    if (!o)
        return cvom_error_set(err, CVOM_EINVAL, "no chart options");
    if (!(o->width >= SIZE_MIN && o->width <= SIZE_MAX_PT && o->height >= SIZE_MIN &&
          o->height <= SIZE_MAX_PT))
        return cvom_error_set(err, CVOM_EINVAL,
                              "the picture must be %.0f to %.0f points wide "
                              "and high",
                              SIZE_MIN, SIZE_MAX_PT);
    if (!(o->dpi >= DPI_MIN && o->dpi <= DPI_MAX))
        return cvom_error_set(err, CVOM_EINVAL, "the resolution must be %.0f to %.0f dpi", DPI_MIN,
                              DPI_MAX);
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (!(o->threshold[d] >= 0 && o->threshold[d] <= 100))
            return cvom_error_set(err, CVOM_EINVAL, "thresholds must lie between 0 and 100");
    if ((unsigned)o->colour >= CVOM_COLOUR_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "unknown colour scheme");
    return CVOM_OK;
}

static enum cvom_status check_points(const struct cvom_chart_point *pts, size_t n,
                                     struct cvom_error *err)
{
    if (n && !pts)
        return cvom_error_set(err, CVOM_EINVAL, "no points");
    for (size_t i = 0; i < n; i++) {
        const struct cvom_chart_point *p = &pts[i];
        if ((unsigned)p->state >= CVOM_STATE_COUNT || (unsigned)p->quadrant >= CVOM_Q_COUNT)
            return cvom_error_set(err, CVOM_EINVAL, "point %zu: unknown state or quadrant", i);
        if (!drawable(p))
            continue;
        if (!isfinite(p->x) || !isfinite(p->y))
            return cvom_error_set(err, CVOM_EINVAL, "point %zu: no position", i);
        if (!(p->revenue >= 0) || !isfinite(p->revenue))
            return cvom_error_set(err, CVOM_EINVAL, "point %zu: revenue must be a number >= 0", i);
    }
    return CVOM_OK;
}

/* ---- text ------------------------------------------------------------------------------- */

/* Copy s into c->buf as valid UTF-8 without control characters, cut at TEXT_CAP. */
static const char *clean(struct ctx *c, const char *s)
{
    size_t used = 0;
    const char *p = s ? s : "";
    while (*p && used + 4 < sizeof c->buf) {
        const gchar *end;
        gboolean ok = g_utf8_validate(p, -1, &end);
        size_t good = (size_t)(end - p);
        for (size_t i = 0; i < good && used + 4 < sizeof c->buf;) {
            gunichar ch = g_utf8_get_char(p + i);
            int len = g_utf8_skip[(unsigned char)p[i]];
            if ((size_t)len > sizeof c->buf - 4 - used)
                break;
            if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
                c->buf[used++] = ' ';
            else {
                memcpy(c->buf + used, p + i, (size_t)len);
                used += (size_t)len;
            }
            i += (size_t)len;
        }
        if (ok || good >= strlen(p))
            break;
        p = end + 1; /* an invalid byte shows as a replacement mark */
        memcpy(c->buf + used, "\xEF\xBF\xBD", 3);
        used += 3;
    }
    c->buf[used] = '\0';
    return c->buf;
}

/* Prepare the layout to show s at size (user units) in a width of at most max_w (0: no
 * limit), shortened with an ellipsis when longer. */
static void text_set(struct ctx *c, const char *s, double size, int bold, double max_w)
{
    pango_font_description_set_absolute_size(c->font, size * PANGO_SCALE);
    pango_font_description_set_weight(c->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(c->lay, c->font);
    pango_layout_set_width(c->lay, max_w > 0 ? (int)(max_w * PANGO_SCALE) : -1);
    pango_layout_set_ellipsize(c->lay, max_w > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_text(c->lay, clean(c, s), -1);
}

static void text_extent(struct ctx *c, double *w, double *h)
{
    PangoRectangle log_r;
    pango_layout_get_extents(c->lay, NULL, &log_r);
    *w = (double)log_r.width / PANGO_SCALE;
    *h = (double)log_r.height / PANGO_SCALE;
}

/* Show the prepared text with its logical box aligned to (x, y). */
static void text_show(struct ctx *c, double x, double y, enum halign ha, enum valign va,
                      struct cvom_rgb col, double alpha)
{
    double w, h;
    pango_cairo_update_layout(c->cr, c->lay);
    text_extent(c, &w, &h);
    x -= ha == CENTRE ? w / 2 : ha == RIGHT ? w : 0;
    y -= va == MIDDLE ? h / 2 : va == BOTTOM ? h : 0;
    cairo_set_source_rgba(c->cr, col.r, col.g, col.b, alpha);
    cairo_move_to(c->cr, x, y);
    pango_cairo_show_layout(c->cr, c->lay);
}

static void text_at(struct ctx *c, const char *s, double size, int bold, double x, double y,
                    enum halign ha, enum valign va, struct cvom_rgb col)
{
    text_set(c, s, size, bold, 0);
    text_show(c, x, y, ha, va, col, 1);
}

/* ---- geometry --------------------------------------------------------------------------- */

/* Scores are 0–100; rounding may put one a hair outside, which must not leave the plot. */
static double clamp100(double v)
{
    return v < 0 ? 0 : v > 100 ? 100 : v;
}

static double px_of(const struct frame *f, double v)
{
    return f->px + f->pw * clamp100(v) / 100;
}

static double py_of(const struct frame *f, double v)
{
    return f->py + f->ph * (1 - clamp100(v) / 100);
}

/* Above this many drawable accounts the bubbles merge into a density picture: they are drawn
 * in batches, and only the labelled ones keep labels off themselves. */
#define CROWDED 2000

static int crowded(const struct ctx *c)
{
    return c->nd > CROWDED;
}

/* Whether the k-th largest drawable account gets a label. */
static int labelled(const struct ctx *c, size_t k)
{
    return k < c->o->label_max || c->pts[c->order[k]].highlight;
}

static void frame_compute(struct frame *f, double x, double y, double w, double h,
                          const struct cvom_chart_opts *o)
{
    f->x = x;
    f->y = y;
    f->w = w;
    f->h = h;
    double s = fmin(w / 800, h / 600);
    f->s = s = s < 0.55 ? 0.55 : s > 1.6 ? 1.6 : s;
    f->top = o->title && o->title[0] ? 36 * s : 12 * s;
    f->lw = w >= 480 * s ? 118 * s : 0;
    double left = 60 * s, right = 60 * s + f->lw, top = f->top + 16 * s, bottom = 66 * s;
    f->px = x + left;
    f->py = y + top;
    f->pw = fmax(w - left - right, 10);
    f->ph = fmax(h - top - bottom, 10);
    f->lx = f->px + f->pw + 58 * s;
}

static void sizing_compute(struct ctx *c)
{
    const struct frame *f = &c->f;
    double rev_max = 0, frac = 0, area = f->pw * f->ph;
    for (size_t k = 0; k < c->nd; k++)
        rev_max = fmax(rev_max, c->pts[c->order[k]].revenue);
    for (size_t k = 0; rev_max > 0 && k < c->nd; k++)
        frac += c->pts[c->order[k]].revenue / rev_max;
    /* The smallest bubbles shrink on crowded pictures, down to a dot. */
    double rmin = c->nd ? sqrt(0.05 * area / (M_PI * (double)c->nd)) : 2.6 * f->s;
    rmin = fmin(2.6 * f->s, fmax(0.9 * f->s, rmin));
    /* The largest is at most 5.5 % of the plot's side, and all together cover about a
     * fifth of the plot, so that a portfolio of many large accounts does not drown. */
    double rmax = 0.055 * fmin(f->pw, f->ph);
    if (frac > 0)
        rmax = fmin(rmax, sqrt(0.22 * area / (M_PI * frac)));
    c->z = (struct sizing){.rmin = rmin, .rmax = fmax(rmax, 5 * rmin), .rev_max = rev_max};
}

static double radius_of(const struct sizing *z, double revenue)
{
    if (!(z->rev_max > 0) || !(revenue > 0))
        return z->rmin;
    return fmax(z->rmin, z->rmax * sqrt(revenue / z->rev_max));
}

static enum trend trend_of(const struct cvom_chart_point *p)
{
    if (!isfinite(p->x0) || !isfinite(p->y0))
        return TREND_NONE;
    double dx = p->x - p->x0, dy = p->y - p->y0;
    if (hypot(dx, dy) < TREND_STEADY)
        return TREND_STEADY_;
    return dx + dy >= 0 ? TREND_RISING : TREND_FALLING;
}

static struct cvom_rgb colour_of(const struct ctx *c, const struct cvom_chart_point *p)
{
    if (c->o->colour == CVOM_COLOUR_TREND)
        return trend_fg[trend_of(p)];
    return cvom__palette_fg[p->quadrant];
}

static struct cvom_rgb darker(struct cvom_rgb c, double k)
{
    return (struct cvom_rgb){c.r * k, c.g * k, c.b * k};
}

/* Drawable points are ordered by revenue, largest first; equal revenue by label, then by
 * input order. The keys travel with the index so that sorting needs no shared state. */
static enum cvom_status add_obstacle(struct ctx *c, double cx, double cy, double r)
{
    if (c->n_obst == c->cap_obst) {
        size_t cap = c->cap_obst ? c->cap_obst * 2 : 64;
        struct cvom_layout_item *g = realloc(c->obst, cap * sizeof *g);
        if (!g)
            return CVOM_ENOMEM;
        c->obst = g;
        c->cap_obst = cap;
    }
    c->obst[c->n_obst++] = (struct cvom_layout_item){.cx = cx, .cy = cy, .r = r};
    return CVOM_OK;
}

/* A text box as a row of overlapping circles, which covers it with little spill. */
static enum cvom_status add_box_obstacle(struct ctx *c, double x, double y, double w, double h)
{
    double step = h / 2, r = h * 0.56;
    enum cvom_status st = CVOM_OK;
    for (double t = x + step / 2; !st && t < x + w + step / 2; t += step)
        st = add_obstacle(c, fmin(t, x + w), y + h / 2, r);
    return st;
}

/* ---- drawing ---------------------------------------------------------------------------- */

static void fill_rect(cairo_t *cr, double x, double y, double w, double h, struct cvom_rgb col,
                      double alpha)
{
    cairo_rectangle(cr, x, y, w, h);
    cairo_set_source_rgba(cr, col.r, col.g, col.b, alpha);
    cairo_fill(cr);
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1)
{
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}

/* The four quadrants of the plot: their rectangles and the corner their name goes in. */
struct quad_box {
    double x0, y0, x1, y1;
    enum halign ha;
    enum valign va;
};

static void quad_boxes(const struct ctx *c, struct quad_box q[CVOM_Q_COUNT])
{
    const struct frame *f = &c->f;
    double tx = px_of(f, c->o->threshold[X]), ty = py_of(f, c->o->threshold[Y]);
    double right = f->px + f->pw, bottom = f->py + f->ph;
    q[CVOM_Q_TRANSACTIONAL] = (struct quad_box){f->px, ty, tx, bottom, LEFT, BOTTOM};
    q[CVOM_Q_INTELLECTUAL] = (struct quad_box){tx, ty, right, bottom, RIGHT, BOTTOM};
    q[CVOM_Q_EMOTIONAL] = (struct quad_box){f->px, f->py, tx, ty, LEFT, TOP};
    q[CVOM_Q_PARTNERSHIP] = (struct quad_box){tx, f->py, right, ty, RIGHT, TOP};
}

/* Quadrant backgrounds and light grid lines. */
static void draw_quadrants(struct ctx *c)
{
    const struct frame *f = &c->f;
    cairo_t *cr = c->cr;
    struct quad_box q[CVOM_Q_COUNT];
    quad_boxes(c, q);
    for (int k = 0; k < CVOM_Q_COUNT; k++)
        fill_rect(cr, q[k].x0, q[k].y0, q[k].x1 - q[k].x0, q[k].y1 - q[k].y0, cvom__palette_bg[k],
                  1);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 0.8 * f->s);
    for (int v = 25; v <= 75; v += 25) {
        line(cr, px_of(f, v), f->py, px_of(f, v), f->py + f->ph);
        line(cr, f->px, py_of(f, v), f->px + f->pw, py_of(f, v));
    }
}

/* The quadrant names in the outer corners, kept free of labels. On a crowded picture they
 * are drawn over the bubbles on a light backing, or they would vanish under them. */
static enum cvom_status draw_quadrant_names(struct ctx *c, int backing)
{
    const struct frame *f = &c->f;
    struct quad_box q[CVOM_Q_COUNT];
    quad_boxes(c, q);
    double inset = 7 * f->s, size = 13 * f->s, pad = 3 * f->s;
    enum cvom_status st = CVOM_OK;
    for (int k = 0; k < CVOM_Q_COUNT && !st; k++) {
        double w, h;
        text_set(c, cvom_quadrant_title((enum cvom_quadrant)k), size, 1, 0);
        text_extent(c, &w, &h);
        if (w + 2 * inset > q[k].x1 - q[k].x0 || h + 2 * inset > q[k].y1 - q[k].y0)
            continue; /* a threshold at the edge leaves no room for this name */
        double x = q[k].ha == LEFT ? q[k].x0 + inset : q[k].x1 - inset;
        double y = q[k].va == TOP ? q[k].y0 + inset : q[k].y1 - inset;
        double bx = q[k].ha == LEFT ? x : x - w, by = q[k].va == TOP ? y : y - h;
        if (backing)
            fill_rect(c->cr, bx - pad, by, w + 2 * pad, h, (struct cvom_rgb){1, 1, 1}, 0.85);
        text_show(c, x, y, q[k].ha, q[k].va, darker(cvom__palette_fg[k], 0.8), backing ? 1 : 0.75);
        st = add_box_obstacle(c, bx, by, w, h);
    }
    return st;
}

static void tick_text(char *buf, size_t cap, double v)
{
    if (fabs(v - round(v)) < 1e-9)
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%.1f", v);
}

/* The plot's frame, ticks at 0, 25, 50, 75 and 100, and what each axis means. */
static void draw_axes(struct ctx *c)
{
    const struct frame *f = &c->f;
    cairo_t *cr = c->cr;
    double s = f->s, bottom = f->py + f->ph;
    cairo_set_source_rgb(cr, 0.72, 0.74, 0.77);
    cairo_set_line_width(cr, 0.8 * s);
    cairo_rectangle(cr, f->px, f->py, f->pw, f->ph);
    cairo_stroke(cr);
    char t[16];
    for (int v = 0; v <= 100; v += 25) {
        cairo_set_source_rgb(cr, grey.r, grey.g, grey.b);
        line(cr, px_of(f, v), bottom, px_of(f, v), bottom + 4 * s);
        line(cr, f->px - 4 * s, py_of(f, v), f->px, py_of(f, v));
        tick_text(t, sizeof t, v);
        text_at(c, t, 8 * s, 0, px_of(f, v), bottom + 6 * s, CENTRE, TOP, grey);
        text_at(c, t, 8 * s, 0, f->px - 6 * s, py_of(f, v), RIGHT, MIDDLE, grey);
    }
    text_set(c, "Intellectual value: expertise, insight, network \u2192", 9.5 * s, 1, f->pw);
    text_show(c, f->px + f->pw / 2, bottom + 22 * s, CENTRE, TOP, ink, 1);
    /* The vertical axis reads bottom to top. */
    cairo_save(cr);
    cairo_translate(cr, f->px - 34 * s, f->py + f->ph / 2);
    cairo_rotate(cr, -M_PI / 2);
    text_set(c, "Emotional value: trust, loyalty, identity \u2192", 9.5 * s, 1, f->ph);
    text_show(c, 0, 0, CENTRE, BOTTOM, ink, 1);
    cairo_restore(cr);
    pango_cairo_update_layout(cr, c->lay);
}

/* The thresholds as dashed lines; their values go just outside the plot. */
static void draw_thresholds(struct ctx *c)
{
    const struct frame *f = &c->f;
    cairo_t *cr = c->cr;
    double s = f->s, tx = px_of(f, c->o->threshold[X]), ty = py_of(f, c->o->threshold[Y]);
    const double dash[2] = {5 * s, 3 * s};
    cairo_save(cr);
    cairo_set_source_rgb(cr, rule.r, rule.g, rule.b);
    cairo_set_line_width(cr, 1.1 * s);
    cairo_set_dash(cr, dash, 2, 0);
    line(cr, tx, f->py, tx, f->py + f->ph);
    line(cr, f->px, ty, f->px + f->pw, ty);
    cairo_restore(cr);
}

static void draw_thresholds_values(struct ctx *c)
{
    const struct frame *f = &c->f;
    double s = f->s, tx = px_of(f, c->o->threshold[X]), ty = py_of(f, c->o->threshold[Y]);
    char v[16], t[48];
    tick_text(v, sizeof v, c->o->threshold[X]);
    snprintf(t, sizeof t, "threshold %s", v);
    text_at(c, t, 7.5 * s, 0, tx, f->py - 3 * s, CENTRE, BOTTOM, rule);
    tick_text(v, sizeof v, c->o->threshold[Y]);
    snprintf(t, sizeof t, "threshold %s", v);
    text_at(c, t, 7.5 * s, 0, f->px + f->pw + 5 * s, ty, LEFT, MIDDLE, rule);
}

static void arrow_head(cairo_t *cr, double x, double y, double ux, double uy, double size)
{
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x - ux * size - uy * size * 0.45, y - uy * size + ux * size * 0.45);
    cairo_line_to(cr, x - ux * size + uy * size * 0.45, y - uy * size - ux * size * 0.45);
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* Trajectories: from the earlier position to the edge of today's bubble. */
static void draw_arrows(struct ctx *c)
{
    const struct frame *f = &c->f;
    cairo_t *cr = c->cr;
    double s = f->s, head = 5 * s;
    cairo_set_line_width(cr, 1.1 * s);
    for (size_t k = 0; k < c->nd; k++) {
        const struct cvom_chart_point *p = &c->pts[c->order[k]];
        if (!isfinite(p->x0) || !isfinite(p->y0))
            continue;
        double x0 = px_of(f, p->x0), y0 = py_of(f, p->y0);
        double x1 = px_of(f, p->x), y1 = py_of(f, p->y), r = c->radius[c->order[k]];
        double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
        if (len <= r + head + 2 * s)
            continue; /* the move is hidden under the bubble itself */
        double ux = dx / len, uy = dy / len;
        double ex = x1 - ux * (r + 0.5 * s), ey = y1 - uy * (r + 0.5 * s);
        c->any_arrow = 1;
        cairo_set_source_rgba(cr, 0.22, 0.24, 0.28, 0.7);
        line(cr, x0, y0, ex - ux * head * 0.8, ey - uy * head * 0.8);
        arrow_head(cr, ex, ey, ux, uy, head);
        cairo_arc(cr, x0, y0, 1.8 * s, 0, TWO_PI);
        cairo_fill(cr);
    }
}

static void bubble(cairo_t *cr, double x, double y, double r, struct cvom_rgb col, double fill,
                   double stroke, double width)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, TWO_PI);
    cairo_set_source_rgba(cr, col.r, col.g, col.b, fill);
    cairo_fill_preserve(cr);
    struct cvom_rgb d = darker(col, 0.72);
    cairo_set_source_rgba(cr, d.r, d.g, d.b, stroke);
    cairo_set_line_width(cr, width);
    cairo_stroke(cr);
}

static void ring(cairo_t *cr, double x, double y, double r, double s)
{
    const double dash[2] = {2.2 * s, 1.8 * s};
    cairo_save(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 0.9 * s);
    cairo_set_source_rgba(cr, rule.r, rule.g, rule.b, 0.95);
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, TWO_PI);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* How far a bubble reaches, its borderline ring included. */
static double reach(const struct ctx *c, size_t i)
{
    const struct cvom_chart_point *p = &c->pts[i];
    double r = c->radius[i] + 0.5 * c->f.s;
    if (p->state == CVOM_STATE_BORDERLINE)
        r = c->radius[i] + 2.8 * c->f.s;
    if (p->highlight)
        r = c->radius[i] + 4.5 * c->f.s;
    return r;
}

#define BATCH_MAX 512        /* bubbles in one batched path */
#define DOT_QUANTUM 0.015625 /* points (1/64): radii within a batch are rounded to this */
#define DOT_ALPHA 0.45       /* opacity of a crowded batch */

/* On crowded pictures, bubbles of one colour and one size are drawn as one path: at that
 * density the picture looks the same, and a PDF or SVG holds one paint per batch instead of
 * one per account, which keeps them small and quick to write and to open. Each bubble is a
 * dot: a sub-path of no length with round caps, stroked as wide as the bubble, which every
 * format draws as a filled circle from one point instead of four curves. A PNG stamps its
 * dots instead (struct stamp). */

/* A dot's batch as a sort key: larger first (by half-octaves of radius above the minimum),
 * then by colour; within one colour the order of translucent dots of that colour changes
 * nothing, so they go by size (one batch per size), and then stay in revenue order (the sort
 * is stable). */
#define SIZE_BITS 40
static uint64_t batch_key(int bucket, int colour, long size)
{
    uint64_t b = (uint64_t)(bucket < 0 ? 0 : bucket > 255 ? 255 : bucket);
    uint64_t z = (uint64_t)(size < 1 ? 1 : size) & (((uint64_t)1 << SIZE_BITS) - 1);
    return (255 - b) << 56 | (uint64_t)(colour & 0xffff) << SIZE_BITS |
           ((((uint64_t)1 << SIZE_BITS) - 1) - z);
}

static int batch_colour(uint64_t key)
{
    return (int)((key >> SIZE_BITS) & 0xffff);
}

static long batch_size(uint64_t key)
{
    return (long)((((uint64_t)1 << SIZE_BITS) - 1) - (key & (((uint64_t)1 << SIZE_BITS) - 1)));
}

static int colour_class(const struct ctx *c, const struct cvom_chart_point *p)
{
    return c->o->colour == CVOM_COLOUR_TREND ? (int)trend_of(p) : (int)p->quadrant;
}

static struct cvom_rgb class_rgb(const struct ctx *c, int k)
{
    return c->o->colour == CVOM_COLOUR_TREND ? trend_fg[k] : cvom__palette_fg[k];
}

/* A raster target that crowded dots are stamped into directly. cairo strokes a dot through
 * its general path scan converter, some 2 µs each, which is most of a 100,000-account PNG;
 * a dot is a disc, so its coverage of each pixel is read off the distance of the pixel's
 * centre from the dot's centre (one pixel of anti-aliasing ramp), blended as cairo's OVER
 * operator would. Within a batch the coverage is the union of its dots, as a stroke of one
 * path is, so a PNG shades overlaps as the PDF and SVG of the same picture do. The plot is
 * cut into two bands of rows, stamped by two threads: each pixel still sees every batch in
 * the same order, so the picture is the same to the byte. */
struct stamp {
    unsigned char *data; /* the image's pixels: premultiplied ARGB32 */
    int stride;
    double xx, x0, yy, y0;  /* user to device: x' = xx·x + x0, y' = yy·y + y0 */
    int cx0, cy0, cx1, cy1; /* the clip in pixels, [cx0, cx1) × [cy0, cy1): the plot or a band */
    unsigned char *cov;     /* per clip pixel: the batch's coverage so far, 0–255 */
    uint32_t *touched;      /* clip pixels with coverage, to blend and clear */
    size_t n_touched, cap_touched;
};

static void stamp_free(struct stamp *sp)
{
    if (sp) {
        free(sp->cov);
        free(sp->touched);
        free(sp);
    }
}

/* A stamp for c's target, or NULL when it is not a plain raster (vector surfaces, a rotated,
 * skewed or unevenly scaled transformation, under which a dot is no longer round; no
 * memory): those draw through cairo. */
static struct stamp *stamp_new(struct ctx *c)
{
    cairo_surface_t *t = cairo_get_target(c->cr);
    cairo_matrix_t m;
    cairo_get_matrix(c->cr, &m);
    if (cairo_surface_get_type(t) != CAIRO_SURFACE_TYPE_IMAGE ||
        cairo_image_surface_get_format(t) != CAIRO_FORMAT_ARGB32 || m.xy != 0 || m.yx != 0 ||
        !(m.xx > 0) || !(m.yy > 0) || fabs(m.xx - m.yy) > 0.01 * m.xx)
        return NULL;
    double dx, dy;
    cairo_surface_get_device_offset(t, &dx, &dy);
    struct stamp *sp = calloc(1, sizeof *sp);
    if (!sp)
        return NULL;
    *sp = (struct stamp){.xx = m.xx, .x0 = m.x0 + dx, .yy = m.yy, .y0 = m.y0 + dy};
    int w = cairo_image_surface_get_width(t), h = cairo_image_surface_get_height(t);
    const struct frame *f = &c->f;
    double l = f->px * sp->xx + sp->x0, r = (f->px + f->pw) * sp->xx + sp->x0;
    double top = f->py * sp->yy + sp->y0, bottom = (f->py + f->ph) * sp->yy + sp->y0;
    sp->cx0 = (int)fmax(0, fmin(w, lround(l)));
    sp->cx1 = (int)fmax(sp->cx0, fmin(w, lround(r)));
    sp->cy0 = (int)fmax(0, fmin(h, lround(top)));
    sp->cy1 = (int)fmax(sp->cy0, fmin(h, lround(bottom)));
    size_t area = (size_t)(sp->cx1 - sp->cx0) * (size_t)(sp->cy1 - sp->cy0);
    sp->cov = calloc(area ? area : 1, 1);
    if (!sp->cov) {
        stamp_free(sp);
        return NULL;
    }
    cairo_surface_flush(t);
    sp->data = cairo_image_surface_get_data(t);
    sp->stride = cairo_image_surface_get_stride(t);
    return sp;
}

/* Cut the rows of sp in two: sp keeps the upper band, the result (NULL when sp is too short
 * or memory runs out, and sp then keeps all) stamps the lower one. */
static struct stamp *stamp_split(struct stamp *sp)
{
    int mid = sp->cy0 + (sp->cy1 - sp->cy0) / 2;
    if (mid <= sp->cy0)
        return NULL;
    struct stamp *lo = malloc(sizeof *lo);
    size_t width = (size_t)(sp->cx1 - sp->cx0);
    unsigned char *cov = lo ? calloc(width * (size_t)(sp->cy1 - mid) + 1, 1) : NULL;
    if (!cov) {
        free(lo);
        return NULL;
    }
    *lo = *sp;
    lo->cy0 = mid;
    lo->cov = cov;
    lo->touched = NULL;
    lo->n_touched = lo->cap_touched = 0;
    sp->cy1 = mid;
    return lo;
}

/* Add a disc of radius r (user units) at (x, y) to the batch's coverage. */
static int stamp_dot(struct stamp *sp, double x, double y, double r)
{
    double cx = x * sp->xx + sp->x0, cy = y * sp->yy + sp->y0, reach = r * sp->xx + 0.5;
    int i0 = (int)fmax(sp->cx0, floor(cx - reach)), i1 = (int)fmin(sp->cx1, ceil(cx + reach));
    int j0 = (int)fmax(sp->cy0, floor(cy - reach)), j1 = (int)fmin(sp->cy1, ceil(cy + reach));
    if (i0 >= i1 || j0 >= j1)
        return 0;
    size_t width = (size_t)(sp->cx1 - sp->cx0);
    size_t box = (size_t)(i1 - i0) * (size_t)(j1 - j0);
    if (sp->cap_touched - sp->n_touched < box) {
        void *g = cvom__grow(sp->touched, &sp->cap_touched, sp->n_touched + box,
                             sizeof *sp->touched, SIZE_MAX / sizeof *sp->touched);
        if (!g)
            return -1;
        sp->touched = g;
    }
    double reach2 = reach * reach;
    for (int j = j0; j < j1; j++) {
        double dy = j + 0.5 - cy;
        size_t row = (size_t)(j - sp->cy0) * width;
        for (int i = i0; i < i1; i++) {
            double dx = i + 0.5 - cx, d2 = dx * dx + dy * dy;
            if (d2 >= reach2)
                continue;
            double a = reach - sqrt(d2);
            unsigned v = a >= 1 ? 255 : (unsigned)(a * 255 + 0.5);
            size_t at = row + (size_t)(i - sp->cx0);
            unsigned char *p = sp->cov + at;
            if (*p == 0 && v)
                sp->touched[sp->n_touched++] = (uint32_t)at;
            if (v > *p)
                *p = (unsigned char)v;
        }
    }
    return 0;
}

static unsigned mul255(unsigned a, unsigned b)
{
    unsigned t = a * b + 128;
    return (t + (t >> 8)) >> 8;
}

/* Blend the batch's coverage in colour d at opacity alpha over the image, and clear it. */
static void stamp_blend(struct stamp *sp, struct cvom_rgb d, double alpha)
{
    size_t width = (size_t)(sp->cx1 - sp->cx0);
    unsigned sa = (unsigned)lround(alpha * 255);
    unsigned sr = (unsigned)lround(d.r * 255), sg = (unsigned)lround(d.g * 255),
             sb = (unsigned)lround(d.b * 255);
    for (size_t k = 0; k < sp->n_touched; k++) {
        uint32_t at = sp->touched[k];
        unsigned a = mul255(sa, sp->cov[at]), ia = 255 - a;
        sp->cov[at] = 0;
        size_t j = at / width + (size_t)sp->cy0, i = at % width + (size_t)sp->cx0;
        uint32_t *px = (uint32_t *)(void *)(sp->data + j * (size_t)sp->stride) + i;
        uint32_t v = *px;
        unsigned pa = v >> 24, pr = (v >> 16) & 255, pg = (v >> 8) & 255, pb = v & 255;
        pa = a + mul255(pa, ia);
        pr = mul255(sr, a) + mul255(pr, ia);
        pg = mul255(sg, a) + mul255(pg, ia);
        pb = mul255(sb, a) + mul255(pb, ia);
        *px = (uint32_t)pa << 24 | pr << 16 | pg << 8 | pb;
    }
    sp->n_touched = 0;
}

/* A batch is dots of one size and colour, drawn at once in the darker shade of their colour.
 * At this density outlines and borderline rings would only add noise; the labelled accounts
 * get theirs when drawn again on top. This is the shade and radius of the batch at e. */
static void batch_look(const struct ctx *c, const struct cvom_keyed *e, struct cvom_rgb *shade,
                       double *r)
{
    *shade = darker(class_rgb(c, batch_colour(e->key)), 0.72);
    *r = (double)batch_size(e->key) * DOT_QUANTUM;
}

/* One batch stamped into a raster band. Returns -1 when memory runs out. */
static int stamp_batch(struct ctx *c, struct stamp *sp, const struct cvom_keyed *e, size_t n)
{
    struct cvom_rgb shade;
    double r;
    batch_look(c, e, &shade, &r);
    for (size_t k = 0; k < n; k++) {
        const struct dot *d = &c->dots[e[k].index];
        if (stamp_dot(sp, d->x, d->y, r))
            return -1;
    }
    stamp_blend(sp, shade, DOT_ALPHA);
    return 0;
}

/* Vector dots are placed on a grid of 1/DOT_GRID point. cairo writes a coordinate with up to
 * three decimals; on the grid a coordinate ends in one of 16 tails instead of 1,000, so the
 * content of a crowded PDF deflates to a seventh less, in less time. A dot moves by at most
 * 1/32 point along each axis (0.011 mm). */
#define DOT_GRID 16.0

/* One batch as a single path, stroked once. */
static void stroke_batch(struct ctx *c, const struct cvom_keyed *e, size_t n)
{
    cairo_t *cr = c->cr;
    struct cvom_rgb d;
    double r;
    batch_look(c, e, &d, &r);
    /* Each dot a sub-path of no length, which is stroked with round caps as a circle: in a
     * PDF closed where it starts ("x y m h", half the bytes of a line), elsewhere a line to
     * the point it starts from, which every SVG reader draws. */
    cairo_surface_type_t type = cairo_surface_get_type(cairo_get_target(cr));
    int closed = type == CAIRO_SURFACE_TYPE_PDF;
    cairo_new_path(cr);
    for (size_t k = 0; k < n; k++) {
        const struct dot *p = &c->dots[e[k].index];
        double x = nearbyint(p->x * DOT_GRID) / DOT_GRID;
        double y = nearbyint(p->y * DOT_GRID) / DOT_GRID;
        cairo_move_to(cr, x, y);
        if (closed)
            cairo_close_path(cr);
        else
            cairo_line_to(cr, x, y);
    }
    cairo_save(cr);
    /* A PDF or SVG draws round caps itself, but cairo still strokes the whole path into a
     * polygon to learn what it covers, each cap a polygon of as many sides as the tolerance
     * asks: 28 for these dots at the default. With the dot's radius (in device space) as the
     * tolerance it takes 4, which still span the dot exactly, and cairo_show_page of a
     * crowded PDF takes a fifth less time; the file is the same. A tolerance past four radii
     * would leave one side, no area, and cairo would drop the dots. A raster target would
     * draw with the polygons, so it keeps the default. */
    if (type == CAIRO_SURFACE_TYPE_PDF || type == CAIRO_SURFACE_TYPE_SVG) {
        double ax = r, ay = 0, bx = 0, by = r;
        cairo_user_to_device_distance(cr, &ax, &ay);
        cairo_user_to_device_distance(cr, &bx, &by);
        cairo_set_tolerance(cr, fmax(hypot(ax, ay), hypot(bx, by)));
    }
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_width(cr, 2 * r);
    cairo_set_source_rgba(cr, d.r, d.g, d.b, DOT_ALPHA);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* The end of the batch that starts at e[a], of e[0..m). */
static size_t batch_end(const struct cvom_keyed *e, size_t m, size_t a)
{
    size_t b = a + 1;
    while (b < m && b - a < BATCH_MAX && e[b].key == e[a].key)
        b++;
    return b;
}

/* Every batch of e[0..m) stamped into one band. */
struct stamp_job {
    struct ctx *c;
    struct stamp *sp;
    const struct cvom_keyed *e;
    size_t m;
    int failed;
};

static void *stamp_band(void *arg)
{
    struct stamp_job *j = arg;
    for (size_t a = 0, b; a < j->m && !j->failed; a = b) {
        b = batch_end(j->e, j->m, a);
        j->failed = stamp_batch(j->c, j->sp, j->e + a, b - a) != 0;
    }
    return NULL;
}

static enum cvom_status draw_crowded(struct ctx *c)
{
    const struct frame *f = &c->f;
    struct cvom_keyed *e = cvom__alloc_array(2 * c->nd * sizeof *e);
    struct dot *dots = cvom__alloc_array(c->n * sizeof *dots);
    if (!e || !dots) {
        free(e);
        free(dots);
        return CVOM_ENOMEM;
    }
    /* Each dot's batch and position, from the points in the order memory holds them: in
     * revenue order every point was a cache miss, and then another when it was drawn. */
    for (size_t i = 0; i < c->n; i++) {
        const struct cvom_chart_point *p = &c->pts[i];
        dots[i].key = NO_BATCH;
        if (!drawable(p) || p->highlight)
            continue;
        int bucket = (int)floor(2 * log2(c->radius[i] / c->z.rmin));
        long size = lround(c->radius[i] / DOT_QUANTUM);
        dots[i] = (struct dot){px_of(f, p->x), py_of(f, p->y),
                               batch_key(bucket, colour_class(c, p), size)};
    }
    size_t m = 0;
    for (size_t k = 0; k < c->nd; k++) {
        size_t i = c->order[k];
        if (dots[i].key != NO_BATCH)
            e[m++] = (struct cvom_keyed){dots[i].key, i};
    }
    cvom__sort_keyed(e, e + c->nd, m);
    c->dots = dots;
    struct stamp *sp = stamp_new(c);
    enum cvom_status st = CVOM_OK;
    if (sp) {
        struct stamp *lower = stamp_split(sp);
        struct stamp_job up = {c, sp, e, m, 0}, down = {c, lower, e, m, 0};
        pthread_t t;
        int threaded = lower && pthread_create(&t, NULL, stamp_band, &down) == 0;
        stamp_band(&up);
        if (threaded)
            pthread_join(t, NULL);
        else if (lower)
            stamp_band(&down);
        if (up.failed || down.failed)
            st = CVOM_ENOMEM;
        cairo_surface_mark_dirty(cairo_get_target(c->cr));
        stamp_free(lower);
        stamp_free(sp);
    } else {
        for (size_t a = 0, b; a < m; a = b) {
            b = batch_end(e, m, a);
            stroke_batch(c, e + a, b - a);
        }
    }
    c->dots = NULL;
    free(dots);
    free(e);
    return st;
}

/* Bubbles from the largest down, so that small ones stay visible on top; borderline rings
 * around theirs; the highlighted account last, in full strength. */
static enum cvom_status draw_bubbles(struct ctx *c)
{
    const struct frame *f = &c->f;
    cairo_t *cr = c->cr;
    double s = f->s;
    enum cvom_status st = CVOM_OK;
    if (crowded(c))
        st = draw_crowded(c);
    for (size_t k = 0; !st && k < c->nd; k++) {
        size_t i = c->order[k];
        const struct cvom_chart_point *p = &c->pts[i];
        /* A crowded picture shows its labelled accounts again on top, so that each label
         * points at a bubble that can be seen. */
        if (p->highlight || (crowded(c) && !labelled(c, k)))
            continue;
        double x = px_of(f, p->x), y = py_of(f, p->y);
        if (crowded(c)) {
            bubble(cr, x, y, c->radius[i] + 0.5 * s, colour_of(c, p), 1, 0, 0);
            cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
            cairo_set_line_width(cr, 1.1 * s);
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, c->radius[i] + 0.5 * s, 0, TWO_PI);
            cairo_stroke(cr);
        } else {
            bubble(cr, x, y, c->radius[i], colour_of(c, p), 0.58, 0.9, 0.9 * s);
        }
        if (p->state == CVOM_STATE_BORDERLINE) {
            ring(cr, x, y, c->radius[i] + 2 * s, s);
            c->any_borderline = 1;
        }
    }
    for (size_t k = 0; !st && k < c->nd; k++) {
        size_t i = c->order[k];
        const struct cvom_chart_point *p = &c->pts[i];
        if (!p->highlight)
            continue;
        double x = px_of(f, p->x), y = py_of(f, p->y);
        c->any_highlight = 1;
        bubble(cr, x, y, c->radius[i], colour_of(c, p), 0.9, 1, 2 * s);
        cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
        cairo_set_line_width(cr, 1.4 * s);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, c->radius[i] + 3.5 * s, 0, TWO_PI);
        cairo_stroke(cr);
        if (p->state == CVOM_STATE_BORDERLINE)
            c->any_borderline = 1;
    }
    return st;
}

#define LABEL_SIZE 8.5
#define LABEL_PAD_X 1.5
#define LABEL_PAD_Y 0.5

static void label_text(struct ctx *c, const struct cvom_chart_point *p)
{
    text_set(c, p->label, LABEL_SIZE * c->f.s, p->highlight, LABEL_WIDTH_MAX * c->f.s);
}

/* Labels for the largest label_max accounts (and any highlighted one), placed so that
 * they overlap no bubble and no other label, with leader lines where they had to move. */
static enum cvom_status draw_labels(struct ctx *c)
{
    const struct frame *f = &c->f;
    double s = f->s;
    /* The accounts that take part: on a crowded picture only the labelled ones, as the
     * others are part of the density picture, which labels may cover. */
    size_t *ks = malloc((c->nd ? c->nd : 1) * sizeof *ks), nk = 0;
    for (size_t k = 0; ks && k < c->nd; k++)
        if (!crowded(c) || labelled(c, k))
            ks[nk++] = k;
    size_t m = nk + c->n_obst;
    struct cvom_layout_item *it = calloc(m ? m : 1, sizeof *it);
    struct cvom_layout_result *res = calloc(m ? m : 1, sizeof *res);
    if (!ks || !it || !res) {
        free(ks);
        free(it);
        free(res);
        return CVOM_ENOMEM;
    }
    for (size_t j = 0; j < nk; j++) {
        size_t k = ks[j], i = c->order[k];
        const struct cvom_chart_point *p = &c->pts[i];
        it[j] = (struct cvom_layout_item){
            .cx = px_of(f, p->x), .cy = py_of(f, p->y), .r = reach(c, i), .priority = p->revenue};
        if (labelled(c, k)) {
            double w, h;
            label_text(c, p);
            text_extent(c, &w, &h);
            it[j].label_w = w + 2 * LABEL_PAD_X * s;
            it[j].label_h = h + 2 * LABEL_PAD_Y * s;
            if (p->highlight)
                it[j].priority = DBL_MAX;
        }
    }
    cvom__copy(it + nk, c->obst, c->n_obst * sizeof *it);
    struct cvom_rect bounds = {f->px + 2 * s, f->py + 2 * s, f->pw - 4 * s, f->ph - 4 * s};
    enum cvom_status st = cvom__layout_labels(it, m, bounds, res);
    for (size_t j = 0; !st && j < nk; j++) {
        if (!res[j].placed)
            continue;
        c->labelled++;
        size_t i = c->order[ks[j]];
        const struct cvom_chart_point *p = &c->pts[i];
        struct cvom_rect b = res[j].box;
        cairo_t *cr = c->cr;
        if (res[j].leader) {
            double dx = res[j].lx - it[j].cx, dy = res[j].ly - it[j].cy, len = hypot(dx, dy);
            double r = c->radius[i];
            cairo_set_source_rgba(cr, grey.r, grey.g, grey.b, 0.9);
            cairo_set_line_width(cr, 0.6 * s);
            line(cr, it[j].cx + dx / len * r, it[j].cy + dy / len * r, res[j].lx, res[j].ly);
        }
        fill_rect(cr, b.x, b.y, b.w, b.h, (struct cvom_rgb){1, 1, 1}, crowded(c) ? 0.85 : 0.6);
        label_text(c, p);
        text_show(c, b.x + LABEL_PAD_X * s, b.y + LABEL_PAD_Y * s, LEFT, TOP, ink, 1);
    }
    free(ks);
    free(it);
    free(res);
    return st;
}

/* Revenue in a few characters: 950, 2.5k, 350k, 1.2M, 3B. */
static void compact(char *buf, size_t cap, double v)
{
    static const struct {
        double unit;
        const char *suffix;
    } units[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof *units && v < units[u].unit)
        u++;
    double d = v / units[u].unit;
    if (d < 10 && fabs(d - round(d)) > 0.05)
        snprintf(buf, cap, "%.1f%s", d, units[u].suffix);
    else
        snprintf(buf, cap, "%.0f%s", d, units[u].suffix);
}

/* The largest of 1, 2, 2.5, 5 × 10^k not above v. */
static double nice_floor(double v)
{
    if (!(v > 0))
        return 0;
    double p = pow(10, floor(log10(v))), m = v / p;
    double c = m >= 5 ? 5 : m >= 2.5 ? 2.5 : m >= 2 ? 2 : 1;
    return c * p;
}

static double legend_heading(struct ctx *c, double y, const char *text)
{
    double w, h;
    text_set(c, text, 8.5 * c->f.s, 1, c->f.lw);
    text_extent(c, &w, &h);
    text_show(c, c->f.lx, y, LEFT, TOP, ink, 1);
    return y + h + 4 * c->f.s;
}

/* Nested reference bubbles with their revenue. Returns the y below. */
static double legend_sizes(struct ctx *c, double y)
{
    const struct frame *f = &c->f;
    double s = f->s;
    y = legend_heading(c, y, "Revenue (bubble area)");
    if (!(c->z.rev_max > 0)) {
        text_set(c, "not known", 8 * s, 0, f->lw);
        text_show(c, f->lx, y, LEFT, TOP, grey, 1);
        return y + 14 * s;
    }
    double v[3], r[3];
    size_t nv = 0;
    for (double div = 1; div <= 16 && nv < 3; div *= 4) {
        double val = nice_floor(c->z.rev_max / div), rad = radius_of(&c->z, val);
        /* Leave out sizes too close to the previous to tell apart, or at the minimum. */
        if (val <= 0 || (nv && (2 * (r[nv - 1] - rad) < 10 * s || rad <= c->z.rmin)))
            continue;
        v[nv] = val;
        r[nv++] = rad;
    }
    double cx = f->lx + r[0] + 1 * s, base = y + 2 * r[0] + 2 * s;
    cairo_t *cr = c->cr;
    for (size_t k = 0; k < nv; k++) {
        char t[32];
        double top = base - 2 * r[k];
        cairo_set_source_rgba(cr, grey.r, grey.g, grey.b, 0.9);
        cairo_set_line_width(cr, 0.8 * s);
        cairo_new_sub_path(cr);
        cairo_arc(cr, cx, base - r[k], r[k], 0, TWO_PI);
        cairo_stroke(cr);
        cairo_set_line_width(cr, 0.5 * s);
        line(cr, cx, top, cx + r[0] + 6 * s, top);
        compact(t, sizeof t, v[k]);
        text_at(c, t, 8 * s, 0, cx + r[0] + 8 * s, top, LEFT, MIDDLE, ink);
    }
    return base + 12 * s;
}

static double legend_row(struct ctx *c, double y, const char *text)
{
    double s = c->f.s;
    text_set(c, text, 8 * s, 0, c->f.lw - 16 * s);
    text_show(c, c->f.lx + 16 * s, y + 6 * s, LEFT, MIDDLE, ink, 1);
    return y + 15 * s;
}

static double legend_colours(struct ctx *c, double y)
{
    double s = c->f.s, fill = 0.58;
    char head[96];
    if (c->o->colour == CVOM_COLOUR_TREND) {
        snprintf(head, sizeof head, "Trend%s%s", c->o->since ? " since " : "",
                 c->o->since ? c->o->since : "");
        y = legend_heading(c, y, head);
        for (int t = 0; t < TREND_COUNT; t++) {
            bubble(c->cr, c->f.lx + 6 * s, y + 6 * s, 4.5 * s, trend_fg[t], fill, 0.9, 0.9 * s);
            y = legend_row(c, y, trend_name[t]);
        }
    } else {
        y = legend_heading(c, y, "Quadrant");
        static const enum cvom_quadrant order[CVOM_Q_COUNT] = {
            CVOM_Q_PARTNERSHIP, CVOM_Q_INTELLECTUAL, CVOM_Q_EMOTIONAL, CVOM_Q_TRANSACTIONAL};
        for (int k = 0; k < CVOM_Q_COUNT; k++) {
            bubble(c->cr, c->f.lx + 6 * s, y + 6 * s, 4.5 * s, cvom__palette_fg[order[k]], fill,
                   0.9, 0.9 * s);
            y = legend_row(c, y, cvom_quadrant_title(order[k]));
        }
    }
    return y + 8 * s;
}

static double legend_marks(struct ctx *c, double y)
{
    double s = c->f.s, x = c->f.lx + 6 * s;
    cairo_t *cr = c->cr;
    if (c->any_borderline) {
        bubble(cr, x, y + 6 * s, 3.2 * s, (struct cvom_rgb){0.6, 0.62, 0.66}, 0.58, 0.9, 0.9 * s);
        ring(cr, x, y + 6 * s, 5.2 * s, s);
        y = legend_row(c, y, "borderline");
    }
    if (c->any_arrow) {
        char t[96];
        snprintf(t, sizeof t, "moved%s%s", c->o->since ? " since " : "",
                 c->o->since ? c->o->since : "");
        cairo_set_source_rgba(cr, 0.22, 0.24, 0.28, 0.7);
        cairo_set_line_width(cr, 1.1 * s);
        line(cr, x - 6 * s, y + 6 * s, x + 2 * s, y + 6 * s);
        arrow_head(cr, x + 6 * s, y + 6 * s, 1, 0, 5 * s);
        y = legend_row(c, y, t);
    }
    if (c->any_highlight) {
        cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
        cairo_set_line_width(cr, 1.4 * s);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y + 6 * s, 5 * s, 0, TWO_PI);
        cairo_stroke(cr);
        y = legend_row(c, y, "this account");
    }
    return y;
}

static void draw_legend(struct ctx *c)
{
    if (c->f.lw <= 0)
        return;
    cairo_save(c->cr);
    cairo_rectangle(c->cr, c->f.lx, c->f.py, c->f.lw, c->f.ph);
    cairo_clip(c->cr);
    double y = legend_sizes(c, c->f.py);
    y = legend_colours(c, y);
    legend_marks(c, y);
    cairo_restore(c->cr);
}

/* A count with thousands separators: 100,000. */
static void grouped(char *buf, size_t cap, size_t v)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", v);
    size_t used = 0;
    for (int i = 0; i < len && used + 2 < cap; i++) {
        if (i && (len - i) % 3 == 0)
            buf[used++] = ',';
        buf[used++] = digits[i];
    }
    buf[used] = '\0';
}

static void draw_title_footer(struct ctx *c)
{
    const struct frame *f = &c->f;
    double s = f->s, w, h;
    if (c->o->title && c->o->title[0]) {
        text_set(c, c->o->title, 15 * s, 1, f->w - 32 * s);
        text_show(c, f->x + 16 * s, f->y + 12 * s, LEFT, TOP, ink, 1);
    }
    /* Every account is counted: those drawn, and those not placed for want of evidence or
     * never assessed. */
    char counts[256], all[32], hidden[32], few[32], never[32];
    size_t total = c->n + c->o->unassessed, off = c->hidden + c->o->unassessed;
    grouped(all, sizeof all, total);
    grouped(hidden, sizeof hidden, off);
    grouped(few, sizeof few, c->hidden);
    grouped(never, sizeof never, c->o->unassessed);
    if (c->hidden && c->o->unassessed)
        snprintf(counts, sizeof counts,
                 "%s account%s, %s not placed: %s without enough "
                 "evidence, %s never assessed",
                 all, total == 1 ? "" : "s", hidden, few, never);
    else if (off)
        snprintf(counts, sizeof counts, "%s account%s, %s not placed: %s", all,
                 total == 1 ? "" : "s", hidden,
                 c->hidden ? "not enough evidence" : "never assessed");
    else
        snprintf(counts, sizeof counts, "%s account%s", all, total == 1 ? "" : "s");
    double y = f->y + f->h - 8 * s;
    text_set(c, counts, 8 * s, 0, f->w - 32 * s);
    text_extent(c, &w, &h);
    text_show(c, f->x + f->w - 16 * s, y, RIGHT, BOTTOM, grey, 1);
    double room = f->w - 32 * s - w - 16 * s;
    if (c->o->footer && c->o->footer[0] && room > 20 * s) {
        text_set(c, c->o->footer, 8 * s, 0, room);
        text_show(c, f->x + 16 * s, y, LEFT, BOTTOM, grey, 1);
    }
}

static void draw_empty(struct ctx *c)
{
    const struct frame *f = &c->f;
    text_at(c, "No accounts to show", 11 * f->s, 0, f->px + f->pw / 2, f->py + f->ph / 2, CENTRE,
            MIDDLE, grey);
}

/* Everything not already in the context: which points are drawable, in what order, and
 * their radii. */
static enum cvom_status prepare(struct ctx *c)
{
    c->order = malloc((c->n ? c->n : 1) * sizeof *c->order);
    c->radius = calloc(c->n ? c->n : 1, sizeof *c->radius);
    if (!c->order || !c->radius)
        return CVOM_ENOMEM;
    /* The drawable points by revenue, largest first, then by label. */
    struct cvom_revenue_rank *r = cvom__alloc_array(c->n * sizeof *r);
    if (!r)
        return CVOM_ENOMEM;
    for (size_t i = 0; i < c->n; i++) {
        const struct cvom_chart_point *p = &c->pts[i];
        if (drawable(p))
            r[c->nd++] = (struct cvom_revenue_rank){p->revenue, p->label ? p->label : "", i};
        else
            c->hidden++;
    }
    if (cvom__rank_by_revenue(r, c->nd)) {
        free(r);
        return CVOM_ENOMEM;
    }
    for (size_t k = 0; k < c->nd; k++)
        c->order[k] = r[k].index;
    free(r);
    sizing_compute(c);
    for (size_t i = 0; i < c->n; i++)
        if (drawable(&c->pts[i]))
            c->radius[i] = radius_of(&c->z, c->pts[i].revenue);
    return CVOM_OK;
}

static PangoLayout *new_layout(cairo_t *cr)
{
    PangoLayout *lay = pango_cairo_create_layout(cr);
    if (!lay)
        return NULL;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_layout_get_context(lay), fo);
    cairo_font_options_destroy(fo);
    pango_layout_context_changed(lay);
    pango_layout_set_single_paragraph_mode(lay, TRUE);
    return lay;
}

void cvom__chart_warm(void)
{
    if (cvom__chart_ready(NULL))
        return; /* the picture itself will say why */
    /* A layout on no surface: cairo numbers its surfaces, and an SVG names its groups by
     * that number, so a surface made here would change the picture's bytes. */
    PangoContext *ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
    PangoLayout *lay = ctx ? pango_layout_new(ctx) : NULL;
    PangoFontDescription *font = pango_font_description_from_string(FONT_FAMILY);
    if (lay && font) {
        int w, h;
        pango_layout_set_font_description(lay, font);
        pango_layout_set_text(lay, "Partnership", -1);
        pango_layout_get_size(lay, &w, &h);
    }
    if (font)
        pango_font_description_free(font);
    if (lay)
        g_object_unref(lay);
    if (ctx)
        g_object_unref(ctx);
}

static enum cvom_status draw_all(struct ctx *c)
{
    cairo_t *cr = c->cr;
    const struct frame *f = &c->f;
    enum cvom_status st = prepare(c);
    if (st)
        return st;
    fill_rect(cr, f->x, f->y, f->w, f->h, (struct cvom_rgb){1, 1, 1}, 1);
    draw_quadrants(c);
    if (!crowded(c) && (st = draw_quadrant_names(c, 0)) != CVOM_OK)
        return st;
    draw_axes(c);
    /* Marks inside the plot stay inside it. */
    cairo_save(cr);
    cairo_rectangle(cr, f->px, f->py, f->pw, f->ph);
    cairo_clip(cr);
    draw_thresholds(c);
    if (c->o->arrows)
        draw_arrows(c);
    st = draw_bubbles(c);
    if (!st && crowded(c))
        st = draw_quadrant_names(c, 1);
    if (!st)
        st = draw_labels(c);
    cairo_restore(cr);
    if (st)
        return st;
    draw_thresholds_values(c);
    if (!c->nd)
        draw_empty(c);
    draw_legend(c);
    draw_title_footer(c);
    return CVOM_OK;
}

enum cvom_status cvom__chart_draw(cairo_t *cr, double x, double y, double w, double h,
                                  const struct cvom_chart_point *pts, size_t n,
                                  const struct cvom_chart_opts *o)
{
    if (!cr || check_opts(o, NULL) || check_points(pts, n, NULL) || !isfinite(x) || !isfinite(y) ||
        !(w > 0) || !(h > 0) || !isfinite(w) || !isfinite(h))
        return CVOM_EINVAL;
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.cr = cr;
    c.o = o;
    c.pts = pts;
    c.n = n;
    frame_compute(&c.f, x, y, w, h, o);
    cairo_save(cr);
    c.lay = new_layout(cr);
    c.font = pango_font_description_from_string(FONT_FAMILY);
    enum cvom_status st = c.lay && c.font ? draw_all(&c) : CVOM_ENOMEM;
    cairo_restore(cr);
    if (c.font)
        pango_font_description_free(c.font);
    if (c.lay)
        g_object_unref(c.lay);
    free(c.order);
    free(c.radius);
    free(c.obst);
    if (!st && cairo_status(cr) == CAIRO_STATUS_NO_MEMORY)
        st = CVOM_ENOMEM;
    if (!st && o->stats)
        *o->stats =
            (struct cvom_chart_stats){.drawn = c.nd, .hidden = c.hidden, .labelled = c.labelled};
    return st;
}

enum cvom_status cvom__chart_ready(struct cvom_error *err)
{
    const char *why = cvom__lazy_cairo_load();
    return why ? cvom_error_set(err, CVOM_EIO, "cannot draw: %s", why) : CVOM_OK;
}

void cvom__chart_release(void)
{
    if (!cvom__lazy_cairo_loaded())
        return;
    /* Dropping the default font map frees the fonts, glyph caches and fontconfig patterns it
     * holds. cairo_debug_reset_static_data() would go further, but now and then it found a
     * font still referenced and aborted on an assertion, so it is not called. */
    pango_cairo_font_map_set_default(NULL);
}

/* ---- output ----------------------------------------------------------------------------- */

struct sink {
    cvom_chart_write_fn write;
    void *closure;
    int failed;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *k = closure;
    if (k->failed || k->write(k->closure, data, len) != 0) {
        k->failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* The image as a PNG through libpng. cairo's own writer leaves libpng at its defaults: every
 * row tried with all five filters, deflated at level 6, which took as long as drawing
 * 100,000 dots. A chart is flat colour broken by dots and anti-aliased text, where the
 * filters predict nothing: unfiltered rows at deflate level 1 came out 20 % smaller than
 * cairo's file, in a third of the time. An opaque image (every chart: its background is
 * white) is written as RGB; otherwise as RGBA, with cairo's premultiplied colour divided
 * back out. */
struct png_out {
    struct sink *k;
    jmp_buf jump;
};

static void png_sink(png_structp png, png_bytep data, size_t len)
{
    struct png_out *o = png_get_io_ptr(png);
    for (size_t done = 0; done < len;) {
        unsigned part = len - done > UINT_MAX ? UINT_MAX : (unsigned)(len - done);
        if (sink_write(o->k, data + done, part) != CAIRO_STATUS_SUCCESS)
            png_error(png, "write failed");
        done += part;
    }
}

static void png_flush_none(png_structp png)
{
    (void)png;
}

static void png_fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    struct png_out *o = png_get_error_ptr(png);
    longjmp(o->jump, 1);
}

static void png_warn_none(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static int opaque(const unsigned char *data, int stride, int w, int h)
{
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++)
            if ((row[x] >> 24) != 255)
                return 0;
    }
    return 1;
}

static void png_row_of(const uint32_t *in, unsigned char *out, int w, int alpha)
{
    for (int x = 0; x < w; x++) {
        uint32_t v = in[x];
        unsigned a = v >> 24, r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
        if (alpha && a != 255) {
            r = a ? (r * 255 + a / 2) / a : 0;
            g = a ? (g * 255 + a / 2) / a : 0;
            b = a ? (b * 255 + a / 2) / a : 0;
        }
        *out++ = (unsigned char)r;
        *out++ = (unsigned char)g;
        *out++ = (unsigned char)b;
        if (alpha)
            *out++ = (unsigned char)a;
    }
}

static enum cvom_status write_png(cairo_surface_t *surface, struct sink *k, struct cvom_error *err)
{
    cairo_surface_flush(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    if (!data)
        return cvom_error_set(err, CVOM_EIO, "the picture has no pixels to write");
    int alpha = !opaque(data, stride, w, h);
    struct png_out o = {.k = k};
    unsigned char *volatile row = malloc((size_t)w * 4);
    png_structp png =
        row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, &o, png_fail, png_warn_none) : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        free(row);
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory while writing the picture");
    }
    if (setjmp(o.jump)) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return k->failed ? cvom_error_set(err, CVOM_EIO, "writing the picture failed")
                         : cvom_error_set(err, CVOM_EIO, "the PNG could not be encoded");
    }
    png_set_write_fn(png, &o, png_sink, png_flush_none);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, 1);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        png_row_of((const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride), row, w,
                   alpha);
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    return CVOM_OK;
}

static enum cvom_status cairo_fail(cairo_status_t cs, const struct sink *k, struct cvom_error *err)
{
    if (k->failed)
        return cvom_error_set(err, CVOM_EIO, "writing the picture failed");
    if (cs == CAIRO_STATUS_NO_MEMORY)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory while drawing");
    return cvom_error_set(err, CVOM_EIO, "drawing failed: %s", cairo_status_to_string(cs));
}

static long pixels(double points, double dpi)
{
    return lround(points * dpi / 72);
}

/* Draw onto a fresh context of surface, then finish a vector surface. */
static enum cvom_status render_on(cairo_surface_t *surface, double sx, double sy,
                                  const struct cvom_chart_point *pts, size_t n,
                                  const struct cvom_chart_opts *o, struct sink *k,
                                  struct cvom_error *err)
{
    cairo_status_t cs = cairo_surface_status(surface);
    if (cs != CAIRO_STATUS_SUCCESS)
        return cairo_fail(cs, k, err);
    cairo_t *cr = cairo_create(surface);
    cairo_scale(cr, sx, sy);
    enum cvom_status st = cvom__chart_draw(cr, 0, 0, o->width, o->height, pts, n, o);
    if (!st && (cs = cairo_status(cr)) != CAIRO_STATUS_SUCCESS)
        st = cairo_fail(cs, k, err);
    else if (st)
        cvom_error_set(err, st, "%s",
                       st == CVOM_ENOMEM ? "out of memory while drawing"
                                         : "the chart could not be drawn");
    if (!st)
        cairo_show_page(cr);
    cairo_destroy(cr);
    /* Finishing a vector surface writes it out; an image surface is written by the caller. */
    if (cairo_surface_get_type(surface) != CAIRO_SURFACE_TYPE_IMAGE)
        cairo_surface_finish(surface);
    if (!st && (cs = cairo_surface_status(surface)) != CAIRO_STATUS_SUCCESS)
        st = cairo_fail(cs, k, err);
    return st;
}

enum cvom_status cvom__chart_matrix(enum cvom_chart_format fmt, const struct cvom_chart_point *pts,
                                    size_t n, const struct cvom_chart_opts *o,
                                    cvom_chart_write_fn write, void *closure,
                                    struct cvom_error *err)
{
    enum cvom_status st = check_opts(o, err);
    if (st || (st = check_points(pts, n, err)) != CVOM_OK)
        return st;
    if (!write || (unsigned)fmt >= CVOM_CHART_FORMAT_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "unknown picture format");
    if ((st = cvom__chart_ready(err)) != CVOM_OK)
        return st;
    struct sink k = {.write = write, .closure = closure};
    cairo_surface_t *surface;
    if (fmt == CVOM_CHART_PNG) {
        long wp = pixels(o->width, o->dpi), hp = pixels(o->height, o->dpi);
        if (wp < 1 || hp < 1 || wp > PIXELS_MAX || hp > PIXELS_MAX)
            return cvom_error_set(err, CVOM_EINVAL,
                                  "a PNG may have 1 to %ld pixels a side, "
                                  "not %ld × %ld",
                                  PIXELS_MAX, wp, hp);
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)wp, (int)hp);
        st = render_on(surface, (double)wp / o->width, (double)hp / o->height, pts, n, o, &k, err);
        if (!st) {
            st = write_png(surface, &k, err);
        }
    } else if (fmt == CVOM_CHART_PDF) {
        surface = cairo_pdf_surface_create_for_stream(sink_write, &k, o->width, o->height);
        if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                           o->title && o->title[0] ? o->title
                                                                   : "Customer Value "
                                                                     "Orientation Matrix");
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
                                           "cvom " CVOM_VERSION);
        }
        st = render_on(surface, 1, 1, pts, n, o, &k, err);
    } else {
        surface = cairo_svg_surface_create_for_stream(sink_write, &k, o->width, o->height);
        if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS)
            cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
        st = render_on(surface, 1, 1, pts, n, o, &k, err);
    }
    cairo_surface_destroy(surface);
    return st;
}

/* ---- files ------------------------------------------------------------------------------ */

static int file_write(void *closure, const unsigned char *data, size_t len)
{
    return fwrite(data, 1, len, closure) == len ? 0 : -1;
}

enum cvom_status cvom__chart_matrix_file(const char *path, enum cvom_chart_format fmt,
                                         const struct cvom_chart_point *pts, size_t n,
                                         const struct cvom_chart_opts *o, struct cvom_error *err)
{
    enum cvom_status st = check_opts(o, err);
    if (st || (st = check_points(pts, n, err)) != CVOM_OK)
        return st;
    if (!path || !path[0])
        return cvom_error_set(err, CVOM_EINVAL, "no file name");
    if ((st = cvom__chart_ready(err)) != CVOM_OK)
        return st;
    char tmp[PATH_MAX];
    int fd = cvom__open_beside(path, tmp, sizeof tmp);
    if (fd < 0)
        return cvom_error_set(err, CVOM_EIO, "cannot write %s: %s", path, strerror(errno));
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        st = cvom_error_set(err, CVOM_EIO, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        goto out;
    }
    st = cvom__chart_matrix(fmt, pts, n, o, file_write, f, err);
    int failed = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int e = errno;
    failed |= fclose(f) != 0;
    if (!st && failed)
        st = cvom_error_set(err, CVOM_EIO, "cannot write %s: %s", path, strerror(e ? e : errno));
    if (!st && rename(tmp, path) != 0)
        st = cvom_error_set(err, CVOM_EIO, "cannot write %s: %s", path, strerror(errno));
out:
    if (st)
        unlink(tmp);
    return st;
}
