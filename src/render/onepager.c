/* onepager.c — the account one-pager on an A4 page, drawn once with cairo and pango for
 * both PDF and PNG. Text is plain (never markup), set in DejaVu Sans, and wraps within its
 * column instead of running over; a table that would overflow the page says how many rows
 * it left out. */
#include "render/onepager.h"

#include "io/util.h"

#include "render/chart.h"
#include "render/palette.h"
#include "core/mem.h"

#include "lazy_cairo.h" /* cairo and Pango, loaded by the first picture */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FONT_FAMILY "DejaVu Sans"
#define MARGIN 40.0
#define FOOTER_H 22.0
#define PAD 2.5
#define FACT_MIN 96.0           /* a fact in the header narrower than this never wraps */
#define MATRIX_UNITS 262.0      /* the chart's own size before it is scaled onto the page */
#define MATRIX_COUNT_STRIP 10.0 /* the chart's bottom strip where it counts its points */

static const struct cvom_rgb ink = {0.13, 0.14, 0.16};
static const struct cvom_rgb muted = {0.37, 0.40, 0.45};
static const struct cvom_rgb rule = {0.80, 0.82, 0.85};
static const struct cvom_rgb head_bg = {0.93, 0.945, 0.96};
static const struct cvom_rgb late = {0.70, 0.16, 0.12}; /* overdue actions */
static const char *const dim_title[CVOM_DIM_COUNT] = {"Intellectual", "Emotional"};

int cvom__onepager_format_parse(const char *s)
{
    if (s && strcmp(s, "pdf") == 0)
        return CVOM_ONEPAGER_PDF;
    if (s && strcmp(s, "png") == 0)
        return CVOM_ONEPAGER_PNG;
    return -1;
}

void cvom__onepager_png_size(double dpi, int *width, int *height)
{
    *width = (int)lround(CVOM_ONEPAGER_WIDTH * dpi / 72.0);
    *height = (int)lround(CVOM_ONEPAGER_HEIGHT * dpi / 72.0);
}

/* ---- text and tables ------------------------------------------------------------------- */

struct page {
    cairo_t *cr;
    PangoLayout *layout;
    PangoFontDescription *font;
    double left, right, bottom; /* the content box; bottom leaves room for the footer */
    double y;                   /* where the next block starts */
    const struct cvom_onepager *p;
    int page;  /* 1, 2, …: the page being drawn */
    int pages; /* how many there are (0 while they are being counted) */
    int below; /* 1: a new page goes under the last one (PNG), 0: a new PDF page */
};

static void set_colour(cairo_t *cr, struct cvom_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* Lay out s in the given size and weight, wrapped to width (no wrap when width <= 0);
 * returns the height it takes. */
static double lay(struct page *pg, const char *s, double size, int bold, double width,
                  PangoAlignment align)
{
    pango_font_description_set_absolute_size(pg->font, size * PANGO_SCALE);
    pango_font_description_set_weight(pg->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(pg->layout, pg->font);
    pango_layout_set_width(pg->layout, width > 0 ? (int)(width * PANGO_SCALE) : -1);
    pango_layout_set_wrap(pg->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(pg->layout, align);
    pango_layout_set_text(pg->layout, s ? s : "", -1);
    int w, h;
    pango_layout_get_size(pg->layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* The width of what was laid out last. */
static double width_of(struct page *pg)
{
    PangoRectangle ink_r, logical;
    pango_layout_get_extents(pg->layout, &ink_r, &logical);
    return (double)logical.width / PANGO_SCALE;
}

/* Draw s at (x, y) wrapped to width; returns its height. */
static double text(struct page *pg, double x, double y, double width, const char *s, double size,
                   int bold, struct cvom_rgb col)
{
    double h = lay(pg, s, size, bold, width, PANGO_ALIGN_LEFT);
    set_colour(pg->cr, col);
    cairo_move_to(pg->cr, x, y);
    pango_cairo_show_layout(pg->cr, pg->layout);
    return h;
}

static void hline(struct page *pg, double y, double x0, double x1, struct cvom_rgb col, double w)
{
    set_colour(pg->cr, col);
    cairo_set_line_width(pg->cr, w);
    cairo_move_to(pg->cr, x0, y);
    cairo_line_to(pg->cr, x1, y);
    cairo_stroke(pg->cr);
}

/* A section heading with a rule under it; 0 when it and a little content fit, -1 if not. */
static int heading(struct page *pg, const char *s)
{
    double h = lay(pg, s, 11.5, 1, pg->right - pg->left, PANGO_ALIGN_LEFT);
    if (pg->y + h + 30 > pg->bottom)
        return -1;
    text(pg, pg->left, pg->y, pg->right - pg->left, s, 11.5, 1, ink);
    pg->y += h + 2;
    hline(pg, pg->y, pg->left, pg->right, ink, 0.8);
    pg->y += 4;
    return 0;
}

struct tcol {
    const char *title;
    double frac; /* share of the table's width */
    int right;   /* 1: right-aligned (numbers) */
};

/* One table row from x0 to x1; cells wrap inside their column. Returns -1 (drawing nothing)
 * when the row does not fit above bottom. */
static int table_row(struct page *pg, double x0, double x1, const struct tcol *cols, size_t n,
                     const char *const *cells, int header, double size, double bottom)
{
    double width = x1 - x0, h = 0;
    for (size_t j = 0; j < n; j++) {
        double ch = lay(pg, cells[j], size, header, cols[j].frac * width - 2 * PAD,
                        cols[j].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        if (ch > h)
            h = ch;
    }
    h += 2 * PAD;
    if (pg->y + h > bottom)
        return -1;
    if (header) {
        set_colour(pg->cr, head_bg);
        cairo_rectangle(pg->cr, x0, pg->y, width, h);
        cairo_fill(pg->cr);
    }
    double x = x0;
    for (size_t j = 0; j < n; j++) {
        double w = cols[j].frac * width;
        lay(pg, cells[j], size, header, w - 2 * PAD,
            cols[j].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        set_colour(pg->cr, ink);
        cairo_move_to(pg->cr, x + PAD, pg->y + PAD);
        pango_cairo_show_layout(pg->cr, pg->layout);
        x += w;
    }
    pg->y += h;
    hline(pg, pg->y, x0, x1, header ? ink : rule, header ? 0.8 : 0.5);
    return 0;
}

/* A table's header and rows from row(i); when rows run out of room, a last line says how
 * many were left out. */
static void table(struct page *pg, double x0, double x1, const struct tcol *cols, size_t ncol,
                  size_t nrows, void (*row)(const void *ctx, size_t i, char cells[][160]),
                  const void *ctx, double size)
{
    const char *head[8];
    for (size_t j = 0; j < ncol && j < 8; j++)
        head[j] = cols[j].title;
    double note = lay(pg, "x", size, 0, 0, PANGO_ALIGN_LEFT) + 4;
    if (table_row(pg, x0, x1, cols, ncol, head, 1, size, pg->bottom - note))
        return;
    for (size_t i = 0; i < nrows; i++) {
        char cells[8][160];
        const char *ptr[8];
        row(ctx, i, cells);
        for (size_t j = 0; j < ncol && j < 8; j++)
            ptr[j] = cells[j];
        /* Keep room for the "more" line unless this is the last row. */
        double limit = i + 1 < nrows ? pg->bottom - note : pg->bottom;
        if (table_row(pg, x0, x1, cols, ncol, ptr, 0, size, limit)) {
            char more[96];
            snprintf(more, sizeof more, "… and %zu more not shown on this page", nrows - i);
            pg->y += 2 + text(pg, x0, pg->y + 2, x1 - x0, more, size, 0, muted);
            return;
        }
    }
}

/* ---- the page's parts ------------------------------------------------------------------ */

static void fmt_score(char *buf, size_t cap, double v)
{
    if (isnan(v))
        snprintf(buf, cap, "—");
    else
        snprintf(buf, cap, "%.1f", v);
}

/* 1840000 -> "EUR 1,840,000", as every face shows money. */
static void fmt_money(char *buf, size_t cap, double v, const char *currency)
{
    char code[9];
    cvom__copy_str(code, sizeof code, currency ? currency : "");
    cvom__money_format(buf, cap, v, code);
}

static void header(struct page *pg, const struct cvom_onepager *p)
{
    double w = pg->right - pg->left;
    char date[11];
    cvom_date_format(p->as_of, date);
    pg->y += text(pg, pg->left, pg->y, w, "ACCOUNT ONE-PAGER", 8, 1, muted) + 2;
    /* A long name takes a smaller size rather than a third line. */
    double size = lay(pg, p->name, 20, 1, w, PANGO_ALIGN_LEFT) > 60 ? 15 : 20;
    pg->y += text(pg, pg->left, pg->y, w, p->name, size, 1, ink) + 4;
    char rev[64], pot[64];
    fmt_money(rev, sizeof rev, p->revenue, p->currency);
    fmt_money(pot, sizeof pot, p->potential, p->currency);
    const char *facts[][2] = {{"OWNER", p->owner},
                              {"INDUSTRY", p->industry},
                              {"REGION", p->region},
                              {"REVENUE", rev},
                              {"POTENTIAL", p->potential > 0 ? pot : ""},
                              {"CRM ID", p->external_id},
                              {"AS OF", date}};
    size_t n = 0, shown[sizeof facts / sizeof *facts];
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++)
        if (facts[i][1] && facts[i][1][0])
            shown[n++] = i;
    /* The facts side by side, each column as wide as its value where the line allows, and
     * values wrapping within their column where it does not. */
    double want[sizeof facts / sizeof *facts], total = 0, h = 0, x = pg->left;
    for (size_t k = 0; k < n; k++) {
        lay(pg, facts[shown[k]][1], 9.5, 0, -1, PANGO_ALIGN_LEFT);
        want[k] = width_of(pg) + 14;
        lay(pg, facts[shown[k]][0], 7, 1, -1, PANGO_ALIGN_LEFT);
        want[k] = fmax(want[k], width_of(pg) + 14);
        total += want[k];
    }
    /* Short values keep their width; long ones give way down to FACT_MIN and share what
     * is left in proportion to what they would like. */
    double least = 0, extra = 0;
    for (size_t k = 0; k < n; k++) {
        least += fmin(want[k], FACT_MIN);
        extra += want[k] - fmin(want[k], FACT_MIN);
    }
    for (size_t k = 0; k < n; k++) {
        double base = fmin(want[k], FACT_MIN), more = want[k] - base, colw;
        if (total <= w)
            colw = want[k] + (w - total) / (double)n;
        else if (least <= w)
            colw = base + (extra > 0 ? more * (w - least) / extra : 0);
        else
            colw = base * w / least;
        double y = pg->y;
        y += text(pg, x, y, colw - 10, facts[shown[k]][0], 7, 1, muted) + 1;
        y += text(pg, x, y, colw - 10, facts[shown[k]][1], 9.5, 0, ink);
        h = fmax(h, y - pg->y);
        x += colw;
    }
    pg->y += h + 8;
    hline(pg, pg->y, pg->left, pg->right, ink, 1.2);
    pg->y += 10;
}

/* The matrix with the account emphasised and each stakeholder who scored on both axes as a
 * small point of their own. */
static enum cvom_status matrix(struct page *pg, const struct cvom_onepager *p, double x, double y,
                               double w, double h)
{
    struct cvom_chart_point *pts = calloc(p->n_stakeholders + 1, sizeof *pts);
    if (!pts)
        return CVOM_ENOMEM;
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    cfg.threshold[0] = p->threshold[0];
    cfg.threshold[1] = p->threshold[1];
    size_t n = 0;
    for (size_t i = 0; i < p->n_stakeholders; i++) {
        const struct cvom_onepager_stakeholder *s = &p->stakeholders[i];
        if (isnan(s->score[0]) || isnan(s->score[1]))
            continue;
        pts[n++] =
            (struct cvom_chart_point){.label = s->name,
                                      .x = s->score[0],
                                      .y = s->score[1],
                                      .x0 = NAN,
                                      .y0 = NAN,
                                      .revenue = 0,
                                      .quadrant = cvom_classify(&cfg, s->score[0], s->score[1]),
                                      .state = CVOM_STATE_OK};
    }
    const struct cvom_score *sc = &p->ex->score;
    if (n == 0 && sc->state == CVOM_STATE_INSUFFICIENT) {
        /* Nothing to place: say so rather than draw an empty matrix. */
        free(pts);
        set_colour(pg->cr, head_bg);
        cairo_rectangle(pg->cr, x + 24, y + 14, w - 36, h - 40);
        cairo_fill(pg->cr);
        lay(pg,
            "Not on the matrix yet: nobody at the account has answered enough items to "
            "be placed.",
            9, 0, w - 72, PANGO_ALIGN_CENTER);
        set_colour(pg->cr, muted);
        cairo_move_to(pg->cr, x + 42, y + h / 2 - 16);
        pango_cairo_show_layout(pg->cr, pg->layout);
        return CVOM_OK;
    }
    /* Every point the same small size: a revenue-sized bubble for the account would hide
     * the stakeholders gathered around it. The ring marks the account. */
    pts[n++] = (struct cvom_chart_point){.label = p->name,
                                         .x = sc->value[0],
                                         .y = sc->value[1],
                                         .x0 = NAN,
                                         .y0 = NAN,
                                         .revenue = 0,
                                         .quadrant = sc->quadrant,
                                         .state = sc->state,
                                         .highlight = 1};
    struct cvom_chart_opts o;
    cvom__chart_opts_init(&o);
    /* Drawn small enough that the chart leaves out its revenue legend (sizes mean nothing
     * here), then scaled up to fill its place on the page. */
    o.width = o.height = MATRIX_UNITS;
    o.threshold[0] = p->threshold[0];
    o.threshold[1] = p->threshold[1];
    o.label_max = 12;
    cairo_save(pg->cr);
    cairo_translate(pg->cr, x, y);
    cairo_scale(pg->cr, w / MATRIX_UNITS, h / MATRIX_UNITS);
    /* The chart counts its points along its bottom edge; here they are one account and its
     * people, so that count would mislead: the strip is left out. */
    cairo_rectangle(pg->cr, 0, 0, MATRIX_UNITS, MATRIX_UNITS - MATRIX_COUNT_STRIP);
    cairo_clip(pg->cr);
    enum cvom_status st = cvom__chart_draw(pg->cr, 0, 0, MATRIX_UNITS, MATRIX_UNITS, pts, n, &o);
    cairo_restore(pg->cr);
    free(pts);
    return st;
}

/* A bar from 0 to 100 with the interval as a band, the score as a dot and the threshold as
 * a tick: the figures beside it say the same in words. */
static void interval_bar(struct page *pg, double x, double y, double w, double value, double lo,
                         double hi, double threshold, struct cvom_rgb col)
{
    cairo_t *cr = pg->cr;
    set_colour(cr, rule);
    cairo_rectangle(cr, x, y + 2, w, 3);
    cairo_fill(cr);
    if (!isnan(lo) && !isnan(hi)) {
        cairo_set_source_rgba(cr, col.r, col.g, col.b, 0.45);
        cairo_rectangle(cr, x + w * lo / 100, y, w * (hi - lo) / 100, 7);
        cairo_fill(cr);
    }
    set_colour(cr, ink);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, x + w * threshold / 100, y - 3);
    cairo_line_to(cr, x + w * threshold / 100, y + 10);
    cairo_stroke(cr);
    if (!isnan(value)) {
        set_colour(cr, col);
        cairo_arc(cr, x + w * value / 100, y + 3.5, 3.6, 0, 2 * M_PI);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 0.8);
        cairo_stroke(cr);
    }
}

static const char *state_sentence(const struct cvom_onepager *p, char *buf, size_t cap)
{
    const struct cvom_score *s = &p->ex->score;
    if (s->state == CVOM_STATE_INSUFFICIENT)
        return "Insufficient evidence: no respondent has answered enough items on an axis, so "
               "the account is not a point on the matrix yet.";
    if (s->state == CVOM_STATE_OK)
        return "Placed: both intervals lie clear of the thresholds.";
    unsigned axes = cvom_borderline_axes(s, p->threshold);
    int on[CVOM_DIM_COUNT];
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        on[d] = (axes >> d) & 1;
    snprintf(buf, cap,
             "Borderline: the %s interval%s a threshold, so the quadrant should not "
             "be over-read.",
             on[0] && on[1] ? "intellectual and emotional"
             : on[0]        ? "intellectual"
                            : "emotional",
             on[0] && on[1] ? "s cross" : " crosses");
    return buf;
}

/* The right-hand column beside the matrix: quadrant, state, scores, evidence. Returns the
 * y where it ends. */
static double position(struct page *pg, const struct cvom_onepager *p, double x, double y, double w)
{
    const struct cvom_score *s = &p->ex->score;
    int placed = s->state != CVOM_STATE_INSUFFICIENT;
    struct cvom_rgb qc = placed ? cvom__palette_fg[s->quadrant] : muted;
    char buf[512];
    y += text(pg, x, y, w, "QUADRANT", 7.5, 1, muted) + 1;
    y += text(pg, x, y, w, placed ? cvom_quadrant_title(s->quadrant) : "Not placed", 17, 1, qc) + 3;
    y += text(pg, x, y, w, state_sentence(p, buf, sizeof buf), 8.5, 0, ink) + 10;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        char label[64], v[16];
        snprintf(label, sizeof label, "%s VALUE", d ? "EMOTIONAL" : "INTELLECTUAL");
        y += text(pg, x, y, w, label, 7.5, 1, muted) + 1;
        fmt_score(v, sizeof v, s->value[d]);
        double vh = text(pg, x, y, w, v, 15, 1, ink), tw = width_of(pg);
        if (isnan(s->value[d]))
            snprintf(buf, sizeof buf, "no score: too few answers on this axis");
        else if (isnan(s->lo[d]))
            snprintf(buf, sizeof buf, "threshold %g · interval not estimable", p->threshold[d]);
        else
            snprintf(buf, sizeof buf, "%.0f %% interval %.1f–%.1f\nthreshold %g · %d respondent%s",
                     100 * p->confidence, s->lo[d], s->hi[d], p->threshold[d], s->respondents[d],
                     s->respondents[d] == 1 ? "" : "s");
        double th = text(pg, x + tw + 8, y + 1, w - tw - 8, buf, 8, 0, muted);
        y += (vh > th ? vh : th) + 4;
        interval_bar(pg, x, y, w, s->value[d], s->lo[d], s->hi[d], p->threshold[d],
                     placed ? qc : muted);
        y += 18;
    }
    char newest[11] = "";
    if (p->newest)
        cvom_date_format(p->newest, newest);
    y += text(pg, x, y, w, "EVIDENCE", 7.5, 1, muted) + 1;
    if (p->assessments)
        snprintf(buf, sizeof buf, "%d assessment%s (%d by the customer's people), newest %s%s",
                 p->assessments, p->assessments == 1 ? "" : "s", p->customer_assessments, newest,
                 p->stale ? " — stale: due for a new assessment" : " — current");
    else
        snprintf(buf, sizeof buf, "No assessments yet.");
    y += text(pg, x, y, w, buf, 8.5, 0, ink) + 6;
    if (!isnan(s->self_value[0]) || !isnan(s->self_value[1])) {
        size_t used = (size_t)snprintf(buf, sizeof buf, "Our own view:");
        for (int d = 0; d < CVOM_DIM_COUNT && used < sizeof buf; d++) {
            char v[16];
            fmt_score(v, sizeof v, s->self_value[d]);
            int n = snprintf(buf + used, sizeof buf - used, "%s %s %s", d ? "," : "",
                             d ? "emotional" : "intellectual", v);
            used += n > 0 ? (size_t)n : 0;
            if (!isnan(s->self_value[d]) && !isnan(s->value[d]) && used < sizeof buf) {
                n = snprintf(buf + used, sizeof buf - used, " (gap %+.1f)",
                             s->self_value[d] - s->value[d]);
                used += n > 0 ? (size_t)n : 0;
            }
        }
        y += text(pg, x, y, w, buf, 8.5, 0, ink) + 4;
    }
    if (placed)
        y += 6 + text(pg, x, y + 6, w,
                      "On the matrix, the ringed point is the account and the small points are "
                      "its stakeholders, each at their own scores; dashed lines are the "
                      "thresholds.",
                      7.5, 0, muted);
    return y;
}

/* ---- stakeholders ---------------------------------------------------------------------- */

/* The stakeholders in the table's order: the most influential first, so that a table cut
 * short by the page leaves out those who weigh least. */
struct people {
    const struct cvom_onepager_stakeholder *v;
    size_t *order;
};

static int by_influence(const void *x, const void *y, const struct cvom_onepager_stakeholder *v)
{
    const struct cvom_onepager_stakeholder *a = &v[*(const size_t *)x], *b = &v[*(const size_t *)y];
    if (a->influence != b->influence)
        return a->influence < b->influence ? 1 : -1;
    return strcmp(a->name, b->name);
}

/* A plain insertion sort: decision-making units are small, and qsort has no context. */
static void order_people(struct people *pp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pp->order[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && by_influence(&pp->order[k - 1], &pp->order[k], pp->v) > 0;
             k--) {
            size_t t = pp->order[k];
            pp->order[k] = pp->order[k - 1];
            pp->order[k - 1] = t;
        }
}

static void stakeholder_row(const void *ctx, size_t i, char cells[][160])
{
    const struct people *pp = ctx;
    const struct cvom_onepager_stakeholder *s = &pp->v[pp->order ? pp->order[i] : i];
    snprintf(cells[0], 160, "%s", s->name);
    snprintf(cells[1], 160, "%s", s->role && s->role[0] ? s->role : "—");
    snprintf(cells[2], 160, "%.2f", s->influence);
    snprintf(cells[3], 160, "%s", s->stance && s->stance[0] ? s->stance : "unknown");
    fmt_score(cells[4], 160, s->score[0]);
    fmt_score(cells[5], 160, s->score[1]);
}

/* Room kept below the stakeholders for the explanation, when there is one to show, yet
 * always enough for the first few stakeholders. */
#define EXPLANATION_ROOM 270.0
#define STAKEHOLDERS_ROOM 110.0

static void stakeholders(struct page *pg, const struct cvom_onepager *p)
{
    if (heading(pg, "Stakeholders"))
        return;
    if (!p->n_stakeholders) {
        pg->y += text(pg, pg->left, pg->y, pg->right - pg->left,
                      "No stakeholders recorded for this account.", 8.5, 0, muted) +
                 8;
        return;
    }
    static const struct tcol cols[] = {{"Name", 0.27, 0},         {"Role", 0.23, 0},
                                       {"Influence", 0.11, 1},    {"Stance", 0.13, 0},
                                       {"Intellectual", 0.13, 1}, {"Emotional", 0.13, 1}};
    struct people pp = {p->stakeholders, malloc(p->n_stakeholders * sizeof(size_t))};
    if (pp.order)
        order_people(&pp, p->n_stakeholders);
    double bottom = pg->bottom;
    if (!isnan(p->ex->score.value[0]) || !isnan(p->ex->score.value[1]))
        pg->bottom = fmax(pg->y + STAKEHOLDERS_ROOM, bottom - EXPLANATION_ROOM);
    table(pg, pg->left, pg->right, cols, 6, p->n_stakeholders, stakeholder_row, &pp, 8.5);
    pg->bottom = bottom;
    free(pp.order);
    pg->y += 10;
}

/* ---- the explanation ------------------------------------------------------------------- */

/* An item and how many points it stands for on one axis. */

static int by_points(const void *x, const void *y)
{
    const struct cvom_lever *a = x, *b = y;
    if (a->reach != b->reach)
        return a->reach < b->reach ? 1 : -1;
    return (a->item > b->item) - (a->item < b->item);
}

/* Items answered on axis d with their points: what they add now (rise == 0 and not
 * crossing), or how far they could carry the score — up by headroom, down by contribution.
 * Sorted by points, largest first; returns how many. */
static size_t levers(const struct cvom_explanation *ex, const struct cvom_instrument *ins, int d,
                     int use_headroom, struct cvom_lever *out)
{
    size_t n = 0;
    for (size_t j = 0; j < ex->n_items && j < ins->n_items && n < CVOM_ITEMS_MAX; j++) {
        const struct cvom_explain_item *it = &ex->items[j];
        if (!it->answered || !cvom_item_on_dim(&ins->items[j], (enum cvom_dim)d))
            continue;
        double pts = use_headroom ? it->headroom[d] : it->contribution[d];
        if (pts > 0.005)
            out[n++] = (struct cvom_lever){j, pts};
    }
    cvom__sort(out, n, sizeof *out, by_points);
    return n;
}

static const char *item_text(const struct cvom_item *it)
{
    return it->construct[0] ? it->construct : it->statement;
}

struct lever_rows {
    const struct cvom_instrument *ins;
    const struct cvom_lever *lv;
    const char *sign;
    int reverse_note; /* 1: say how a reverse-coded item moves the score */
    int rise;
};

static void lever_row(const void *ctx, size_t i, char cells[][160])
{
    const struct lever_rows *r = ctx;
    const struct cvom_item *it = &r->ins->items[r->lv[i].item];
    snprintf(cells[0], 160, "%s", it->code);
    char text[128]; /* the cell's room, cut at a character boundary, before the note */
    cvom__copy_str(text, sizeof text, item_text(it));
    snprintf(cells[1], 160, "%s%s", text,
             r->reverse_note && it->reverse ? (r->rise ? " (by disagreeing)" : " (by agreeing)")
                                            : "");
    snprintf(cells[2], 160, "%s%.1f", r->sign, r->lv[i].reach);
}

static const struct tcol item_cols[] = {
    {"Item", 0.17, 0}, {"Measures", 0.63, 0}, {"Points", 0.20, 1}};

/* The largest contributions to each axis, side by side. */
static void drivers(struct page *pg, const struct cvom_onepager *p)
{
    const struct cvom_explanation *ex = p->ex;
    if (isnan(ex->score.value[0]) && isnan(ex->score.value[1]))
        return;
    if (heading(pg, "Why it sits there: the largest contributions"))
        return;
    double gap = 16, colw = (pg->right - pg->left - gap) / 2, top = pg->y, end = top;
    struct cvom_lever *lv = malloc(CVOM_ITEMS_MAX * sizeof *lv);
    if (!lv)
        return;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        double x0 = pg->left + d * (colw + gap);
        char title[96], v[16];
        pg->y = top;
        fmt_score(v, sizeof v, ex->score.value[d]);
        const struct cvom_blend *bl = &ex->blend;
        int blended = !isnan(ex->score.value[d]) && bl->survey_share[d] < 1;
        snprintf(title, sizeof title, "%s %s = the sum of its %s points", dim_title[d], v,
                 blended ? "items' and signals'" : "items'");
        pg->y += text(pg, x0, pg->y, colw, title, 8.5, 1, ink) + 3;
        if (blended) {
            /* The survey's share, then each signal's points on this axis. */
            char line[512];
            int m = snprintf(line, sizeof line, "Survey %.1f \u00d7 %.0f %%", bl->survey[d],
                             100 * bl->survey_share[d]);
            size_t used = m > 0 ? (size_t)m : 0;
            for (size_t i = 0; i < bl->n && used < sizeof line; i++) {
                if (!bl->counted[i] || !p->signal_name[i] || bl->axis[i] != (enum cvom_dim)d)
                    continue;
                m = snprintf(line + used, sizeof line - used, "; %s +%.1f", p->signal_name[i],
                             bl->contribution[i]);
                used += m > 0 ? (size_t)m : 0;
            }
            pg->y += text(pg, x0, pg->y, colw, line, 7.5, 0, muted) + 3;
        }
        if (isnan(ex->score.value[d])) {
            pg->y += text(pg, x0, pg->y, colw, "No score on this axis.", 8, 0, muted);
        } else {
            size_t n = levers(ex, p->ins, d, 0, lv);
            struct lever_rows rows = {p->ins, lv, "", 0, 0};
            table(pg, x0, x0 + colw, item_cols, 3, n < 4 ? n : 4, lever_row, &rows, 8);
        }
        if (pg->y > end)
            end = pg->y;
    }
    free(lv);
    pg->y = end + 10;
}

/* What would carry the account across a threshold, the nearest first. */
static void moves(struct page *pg, const struct cvom_onepager *p)
{
    const struct cvom_explanation *ex = p->ex;
    if (heading(pg, "What would move it"))
        return;
    double w = pg->right - pg->left;
    int nearest = cvom_explain_nearest(ex);
    if (nearest < 0) {
        pg->y +=
            text(pg, pg->left, pg->y, w,
                 "Nothing yet: the account needs more answers before it is a point.", 8.5, 0, ink) +
            8;
        return;
    }
    for (int k = 0; k < CVOM_DIM_COUNT; k++) {
        int d = k == 0 ? nearest : 1 - nearest;
        if (isnan(ex->distance[d]) || pg->y + 30 > pg->bottom)
            continue;
        struct cvom_move mv;
        if (cvom_explain_move(ex, (enum cvom_dim)d, &mv))
            continue;
        const struct cvom_lever *lv = mv.levers;
        double dist = mv.rise ? mv.distance : -mv.distance;
        double sum = mv.needed ? mv.distance : mv.total;
        int rise = mv.rise;
        size_t need = mv.needed;
        char buf[1024];
        int len = snprintf(buf, sizeof buf, "%s%s %.1f is %.1f points %s its threshold %g. ",
                           d == nearest ? "Nearest: " : "", dim_title[d], ex->score.value[d],
                           fabs(dist), rise ? "below" : "above", p->threshold[d]);
        size_t used = len > 0 ? (size_t)len : 0;
        if (sum < fabs(dist))
            snprintf(buf + used, sizeof buf - used,
                     "Even %s answers on every item would move it only %.1f points: it takes %s.",
                     rise ? "the best" : "the worst", sum,
                     rise ? "new evidence (more respondents, other stakeholders) to cross"
                          : "a change in many answers at once");
        else
            used += (size_t)snprintf(buf + used, sizeof buf - used,
                                     "It would cross if every respondent gave %s their %s rating%s",
                                     need == 1 ? "this item" : "these items",
                                     rise ? "best" : "worst", k == 0 ? ":" : "");
        if (k == 0) {
            pg->y += text(pg, pg->left, pg->y, w, buf, 8.5, 1, ink) + 3;
            if (sum >= fabs(dist)) {
                struct lever_rows rows = {p->ins, lv, rise ? "+" : "\u2212", 1, rise};
                table(pg, pg->left, pg->right, item_cols, 3, need < 4 ? need : 4, lever_row, &rows,
                      8);
                if (need > 4 && pg->y + 14 < pg->bottom) {
                    char more[64];
                    snprintf(more, sizeof more, "… and %zu more item%s", need - 4,
                             need - 4 == 1 ? "" : "s");
                    pg->y += 2 + text(pg, pg->left, pg->y + 2, w, more, 8, 0, muted);
                }
            }
        } else {
            /* The farther threshold in one paragraph, the items named inline. */
            for (size_t i = 0; sum >= fabs(dist) && i < need && used < sizeof buf; i++) {
                const struct cvom_item *it = &p->ins->items[lv[i].item];
                int m = i == 4 ? snprintf(buf + used, sizeof buf - used, " and %zu more", need - 4)
                               : snprintf(buf + used, sizeof buf - used, "%s %s %s (%s%.1f)",
                                          i ? "," : ":", it->code, item_text(it),
                                          rise ? "+" : "\u2212", lv[i].reach);
                used += m > 0 ? (size_t)m : 0;
                if (i == 4)
                    break;
            }
            if (sum >= fabs(dist) && used + 1 < sizeof buf)
                buf[used++] = '.', buf[used] = '\0';
            double h = lay(pg, buf, 8.5, 0, w, PANGO_ALIGN_LEFT);
            if (pg->y + h <= pg->bottom)
                pg->y += text(pg, pg->left, pg->y, w, buf, 8.5, 0, ink);
        }
        pg->y += 10;
    }
}

/* ---- the second half: actions, plays, over-serving, health, alignment -------------------- */

static void footer(struct page *pg);

/* Finish the page and go on at the top of the next one. */
static void new_page(struct page *pg)
{
    footer(pg);
    if (pg->below)
        cairo_translate(pg->cr, 0, CVOM_ONEPAGER_HEIGHT);
    else
        cairo_show_page(pg->cr);
    pg->page++;
    pg->y = MARGIN;
}

/* Make room for a block h points tall: a new page when this one cannot take it. */
static void room(struct page *pg, double h)
{
    if (pg->y + h > pg->bottom && pg->y > MARGIN)
        new_page(pg);
}

/* One paragraph in the page's width, on the next page when it does not fit here. */
static void para(struct page *pg, const char *s, double size, int bold, struct cvom_rgb col)
{
    double w = pg->right - pg->left, h = lay(pg, s, size, bold, w, PANGO_ALIGN_LEFT);
    room(pg, h);
    pg->y += text(pg, pg->left, pg->y, w, s, size, bold, col) + 2;
}

/* A section's heading with a rule, kept together with the first line under it. */
static void section(struct page *pg, const char *title)
{
    double w = pg->right - pg->left, hh = lay(pg, title, 10, 1, w, PANGO_ALIGN_LEFT);
    room(pg, hh + 4 + 24);
    pg->y += 4;
    text(pg, pg->left, pg->y, w, title, 10, 1, ink);
    pg->y += hh + 1;
    hline(pg, pg->y, pg->left, pg->right, ink, 0.6);
    pg->y += 3;
}

static void open_actions(struct page *pg, const struct cvom_onepager *p)
{
    size_t overdue = 0;
    char title[96];
    for (size_t i = 0; i < p->n_actions; i++)
        overdue += p->actions[i].overdue != 0;
    snprintf(title, sizeof title, "Open actions (%zu, %zu overdue)", p->n_actions, overdue);
    section(pg, title);
    if (!p->n_actions)
        para(pg, "No open actions in the plan.", 8, 0, muted);
    for (size_t i = 0; i < p->n_actions; i++) {
        const struct cvom_onepager_action *a = &p->actions[i];
        char due[11] = "", line[640];
        if (a->due)
            cvom_date_format(a->due, due);
        int n =
            snprintf(line, sizeof line, "\u2022 %s%s \u2014 %s%s%s", a->overdue ? "OVERDUE: " : "",
                     a->title, a->owner[0] ? a->owner : "no owner", due[0] ? ", due " : "", due);
        if (a->axis >= 0 && n > 0 && (size_t)n < sizeof line)
            snprintf(line + n, sizeof line - (size_t)n, "; %s %+.1f expected",
                     cvom_dim_name((enum cvom_dim)a->axis), a->effect);
        para(pg, line, 8, a->overdue, a->overdue ? late : ink);
    }
}

static void suggested_plays(struct page *pg, const struct cvom_onepager *p)
{
    section(pg, "Suggested plays");
    if (!p->n_plays)
        para(pg, "The playbook has no play for this account's situation.", 8, 0, muted);
    for (size_t i = 0; i < p->n_plays; i++) {
        const struct cvom_play *pl = &p->plays[i];
        char line[CVOM_PLAY_TEXT_MAX + 256];
        snprintf(line, sizeof line, "%s (%s, on %s, cost %s): %s", pl->title, pl->key,
                 cvom_play_axis_name(pl->axis), cvom_cost_level_name(pl->cost), pl->text);
        para(pg, line, 8, 0, ink);
    }
}

static void overserving(struct page *pg, const struct cvom_onepager *p)
{
    char line[512], total[64], unvalued[64];
    section(pg, "Over-serving");
    if (!p->rated) {
        para(pg,
             "No offering is rated for this account: nothing to weigh its cost to serve "
             "against.",
             8, 0, muted);
        return;
    }
    fmt_money(total, sizeof total, p->total_cost, p->currency);
    fmt_money(unvalued, sizeof unvalued, p->unvalued_cost, p->currency);
    snprintf(line, sizeof line,
             "Cost to serve %s; unvalued cost %s (%.1f %%), spent on offerings it rates below "
             "%.1f of 7: %s (above %.0f %%).",
             total, unvalued, 100 * p->unvalued_share, p->importance_threshold,
             p->overserved ? "over-served" : "not over-served", 100 * p->overserved_share);
    para(pg, line, 8, p->overserved, p->overserved ? late : ink);
    for (size_t i = 0; i < p->n_unvalued; i++) {
        const struct cvom_onepager_offering *o = &p->unvalued[i];
        char cost[64];
        fmt_money(cost, sizeof cost, o->cost, p->currency);
        snprintf(line, sizeof line, "\u2022 %s (%s): importance %.1f, cost %s", o->name, o->code,
                 o->importance, cost);
        para(pg, line, 8, 0, ink);
    }
}

static void health(struct page *pg, const struct cvom_onepager *p)
{
    const struct cvom_health *h = p->health;
    char line[512];
    section(pg, "Partnership health");
    if (!h || h->state != CVOM_HEALTH_OK) {
        para(pg,
             h && h->state == CVOM_HEALTH_PARTIAL
                 ? "Not known: a pillar or trust has no score yet (too few answers)."
                 : "Not known: nobody answered the partnership pillars and trust.",
             8, 0, muted);
        return;
    }
    size_t used = 0;
    for (int m = 0; m < CVOM_PILLAR_COUNT && used < sizeof line; m++) {
        int n = snprintf(line + used, sizeof line - used, "%s%s %.1f", m ? " \u00b7 " : "",
                         cvom_pillar_title((enum cvom_pillar)m), h->measure[m].value);
        used += n > 0 ? (size_t)n : 0;
    }
    char head[256];
    snprintf(head, sizeof head, "Health %.1f of 100%s; weakest pillar: %s.", h->health,
             h->capped ? " (held down by trust)" : "",
             h->weakest >= 0 ? cvom_pillar_title((enum cvom_pillar)h->weakest) : "none");
    para(pg, head, 8, 1, ink);
    para(pg, line, 8, 0, ink);
}

static void alignment(struct page *pg, const struct cvom_onepager *p)
{
    char line[256];
    section(pg, "Alignment of values");
    if (!p->aligned) {
        para(pg,
             "Not known: our value hierarchy or the account's is not ranked (cvom align "
             "rank).",
             8, 0, muted);
        return;
    }
    if (isnan(p->tau))
        snprintf(line, sizeof line, "Unknown: fewer than two values ranked by both (%zu).",
                 p->common);
    else
        snprintf(line, sizeof line, "Kendall's tau-b %.2f over the %zu values both rank%s.", p->tau,
                 p->common, p->at_risk ? ": a partnership at risk" : "");
    para(pg, line, 8, p->at_risk, p->at_risk ? late : ink);
    if (p->at_risk) {
        snprintf(line, sizeof line, "A partnership aligned below %.2f is at risk.",
                 p->at_risk_threshold);
        para(pg, line, 8, 0, muted);
    }
}

/* The relationship map as an indented tree: a line per person under whom they report to,
 * a dot in their stance's colour, and their gaps in red beneath; it goes on over as many
 * pages as it needs. */
static void relationship_map(struct page *pg, const struct cvom_onepager *p)
{
    char title[96];
    snprintf(title, sizeof title, "Relationship map (%zu stakeholder%s, %zu with a coverage gap)",
             p->n_map, p->n_map == 1 ? "" : "s", p->map_flagged);
    section(pg, title);
    if (!p->n_map) {
        para(pg, "No stakeholders recorded.", 8, 0, muted);
        return;
    }
    for (size_t i = 0; i < p->n_map; i++) {
        const struct cvom_onepager_map_person *m = &p->map[i];
        double indent = 10.0 * (m->depth < 12 ? m->depth : 12);
        double x = pg->left + indent + 9, w = pg->right - x;
        char line[640], day[11] = "never", gaps[256] = "";
        if (m->last_contact)
            cvom_date_format(m->last_contact, day);
        snprintf(line, sizeof line,
                 "%s%s — %s, influence %.2f, %s%s%s; last contact %s%s%s%s; "
                 "counterpart %s",
                 m->name, m->decider ? " [decision maker]" : "", m->role[0] ? m->role : "no role",
                 m->influence, m->stance_name, m->quadrant >= 0 ? ", " : "",
                 m->quadrant >= 0 ? cvom_quadrant_title((enum cvom_quadrant)m->quadrant) : "", day,
                 m->channel[0] ? " (" : "", m->channel, m->channel[0] ? ")" : "",
                 m->counterpart[0] ? m->counterpart : "none");
        size_t used = 0;
        for (int g = 0; g < CVOM_MAP_GAP_KINDS; g++)
            if (m->gaps & (1u << g)) {
                int n = snprintf(gaps + used, sizeof gaps - used, "%sgap: %s", used ? "; " : "",
                                 cvom_map_gap_text(1u << g));
                used += n > 0 && (size_t)n < sizeof gaps - used ? (size_t)n : 0;
            }
        double h = lay(pg, line, 8, m->gaps != 0, w, PANGO_ALIGN_LEFT);
        double hg = gaps[0] ? lay(pg, gaps, 7.5, 0, w, PANGO_ALIGN_LEFT) : 0;
        room(pg, h + hg);
        double r = 1.5 + 2.5 * (m->influence < 0 ? 0 : m->influence > 1 ? 1 : m->influence);
        set_colour(
            pg->cr,
            cvom__palette_stance[(unsigned)m->stance < CVOM_STANCE_COUNT ? m->stance
                                                                         : CVOM_STANCE_UNKNOWN]);
        cairo_arc(pg->cr, pg->left + indent + 4, pg->y + 5, r, 0, 2 * M_PI);
        cairo_fill(pg->cr);
        pg->y += text(pg, x, pg->y, w, line, 8, m->gaps != 0, ink);
        if (gaps[0])
            pg->y += text(pg, x, pg->y, w, gaps, 7.5, 0, late);
        pg->y += 1;
    }
}

/* The account's group: the rolled-up point, weights, revenue and split, then each member as
 * an indented line with a dot in its quadrant's colour; over as many pages as it needs. */
static void group_section(struct page *pg, const struct cvom_onepager *p)
{
    const struct cvom_group *g = p->group;
    const struct cvom_score *s = &g->score;
    char title[96], line[640], money[64];
    snprintf(title, sizeof title, "Group (this account and %zu below it, %zu placed)",
             g->members - 1, g->placed);
    section(pg, title);
    fmt_money(money, sizeof money, g->revenue, p->currency);
    if (!g->placed)
        snprintf(line, sizeof line, "No member is placed: the group has no point. Revenue %s.",
                 money);
    else
        snprintf(line, sizeof line,
                 "Group point: intellectual %.1f, emotional %.1f \u2014 %s%s, the placed members "
                 "weighted %s. Group revenue %s.",
                 s->value[0], s->value[1], cvom_quadrant_title(s->quadrant),
                 s->state == CVOM_STATE_BORDERLINE ? " (borderline)" : "",
                 g->weights == CVOM_GROUP_BY_REVENUE ? "by revenue"
                                                     : "equally (a revenue is missing)",
                 money);
    para(pg, line, 8, 1, ink);
    if (g->split) {
        size_t used = 0;
        int n = snprintf(line, sizeof line, "Split: its members sit in");
        used = n > 0 ? (size_t)n : 0;
        for (int q = 0, k = 0; q < CVOM_Q_COUNT && used < sizeof line; q++)
            if (g->quadrants & (1u << q)) {
                n = snprintf(line + used, sizeof line - used, "%s %s", k++ ? "," : "",
                             cvom_quadrant_title((enum cvom_quadrant)q));
                used += n > 0 ? (size_t)n : 0;
            }
        if (used < sizeof line)
            snprintf(line + used, sizeof line - used, " (spread %.1f points).", g->spread);
        para(pg, line, 8, 1, late);
    }
    for (size_t i = 0; i < p->n_group; i++) {
        const struct cvom_onepager_group_member *m = &p->group_members[i];
        double indent = 10.0 * (m->depth < 12 ? m->depth : 12);
        double x = pg->left + indent + 9, w = pg->right - x;
        fmt_money(money, sizeof money, m->revenue, p->currency);
        if (m->placed)
            snprintf(line, sizeof line,
                     "%s \u2014 %s, intellectual %.1f, emotional %.1f, share "
                     "%.0f %%; revenue %s",
                     m->name, cvom_quadrant_title(m->quadrant), m->score[0], m->score[1],
                     100 * m->share, money);
        else
            snprintf(line, sizeof line, "%s \u2014 not placed (%s); revenue %s", m->name,
                     m->assessed ? "not enough evidence" : "never assessed", money);
        double h = lay(pg, line, 8, 0, w, PANGO_ALIGN_LEFT);
        room(pg, h);
        if (m->placed) {
            set_colour(pg->cr, cvom__palette_fg[m->quadrant]);
            cairo_arc(pg->cr, pg->left + indent + 4, pg->y + 5, 3, 0, 2 * M_PI);
            cairo_fill(pg->cr);
        }
        pg->y += text(pg, x, pg->y, w, line, 8, 0, m->placed ? ink : muted) + 1;
    }
    if (p->group_hidden) {
        snprintf(line, sizeof line, "%zu more member%s, owned by others, count in the group.",
                 p->group_hidden, p->group_hidden == 1 ? "" : "s");
        para(pg, line, 8, 0, muted);
    }
}

static void footer(struct page *pg)
{
    char date[11], buf[320], of[32] = "";
    cvom_date_format(pg->p->as_of, date);
    if (pg->pages > 1)
        snprintf(of, sizeof of, " · page %d of %d", pg->page, pg->pages);
    snprintf(buf, sizeof buf,
             "Customer Value Orientation Matrix · account one-pager as of %s · scores 0–100, "
             "%.0f %% intervals · cvom %s%s",
             date, 100 * pg->p->confidence, CVOM_VERSION, of);
    double y = CVOM_ONEPAGER_HEIGHT - MARGIN + 4;
    hline(pg, y - 4, pg->left, pg->right, rule, 0.6);
    text(pg, pg->left, y, pg->right - pg->left, buf, 7, 0, muted);
}

/* ---- the page -------------------------------------------------------------------------- */

/* Draw every page into cr: a new PDF page for each (below 0), or each under the last, one
 * A4 page tall (below 1). pages: how many there are, for the footers (0 when not known
 * yet); *used receives how many were drawn. */
static enum cvom_status draw_pages(cairo_t *cr, const struct cvom_onepager *p, int below, int pages,
                                   int *used)
{
    struct page pg = {.cr = cr,
                      .left = MARGIN,
                      .right = CVOM_ONEPAGER_WIDTH - MARGIN,
                      .bottom = CVOM_ONEPAGER_HEIGHT - MARGIN - FOOTER_H,
                      .y = MARGIN,
                      .p = p,
                      .page = 1,
                      .pages = pages,
                      .below = below};
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    pg.layout = pango_cairo_create_layout(cr);
    pg.font = pango_font_description_from_string(FONT_FAMILY);
    if (!pg.layout || !pg.font) {
        if (pg.layout)
            g_object_unref(pg.layout);
        pango_font_description_free(pg.font);
        return CVOM_ENOMEM;
    }
    /* Unhinted metrics: the PDF and every PNG resolution break lines at the same places. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pango_layout_get_context(pg.layout), fo);
    pango_layout_context_changed(pg.layout);
    cairo_font_options_destroy(fo);

    header(&pg, p);
    double chart = 272, top = pg.y;
    enum cvom_status st = matrix(&pg, p, pg.left - 10, top - 4, chart, chart);
    double side = position(&pg, p, pg.left + chart + 4, top, pg.right - pg.left - chart - 4);
    pg.y = (top + chart - 14 > side ? top + chart - 14 : side) + 8;
    if (!st) {
        stakeholders(&pg, p);
        drivers(&pg, p);
        moves(&pg, p);
        open_actions(&pg, p);
        suggested_plays(&pg, p);
        overserving(&pg, p);
        health(&pg, p);
        alignment(&pg, p);
        relationship_map(&pg, p);
        if (p->group)
            group_section(&pg, p);
        footer(&pg);
    }
    *used = pg.page;
    pango_font_description_free(pg.font);
    g_object_unref(pg.layout);
    if (!st && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        st = cairo_status(cr) == CAIRO_STATUS_NO_MEMORY ? CVOM_ENOMEM : CVOM_EIO;
    return st;
}

/* How many pages the one-pager takes: the same drawing on a scratch surface, since text
 * is laid out with unhinted metrics whatever the surface. */
static enum cvom_status count_pages(const struct cvom_onepager *p, int *pages)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return CVOM_ENOMEM;
    }
    cairo_t *cr = cairo_create(s);
    enum cvom_status st = draw_pages(cr, p, 1, 0, pages);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return st;
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static enum cvom_status render_pdf(FILE *f, const struct cvom_onepager *p, int pages)
{
    cairo_surface_t *s =
        cairo_pdf_surface_create_for_stream(to_file, f, CVOM_ONEPAGER_WIDTH, CVOM_ONEPAGER_HEIGHT);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, p->name);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "cvom " CVOM_VERSION);
    cairo_t *cr = cairo_create(s);
    int used;
    enum cvom_status st = draw_pages(cr, p, 0, pages, &used);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (!st && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        st = CVOM_EIO;
    cairo_surface_destroy(s);
    return st;
}

static enum cvom_status render_png(FILE *f, double dpi, const struct cvom_onepager *p, int pages)
{
    int w, h, used;
    cvom__onepager_png_size(dpi, &w, &h);
    if (h > INT_MAX / pages)
        return CVOM_ENOMEM;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h * pages);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return CVOM_ENOMEM;
    }
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, (double)w / CVOM_ONEPAGER_WIDTH, (double)h / CVOM_ONEPAGER_HEIGHT);
    enum cvom_status st = draw_pages(cr, p, 1, pages, &used);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    if (!st && cairo_surface_write_to_png_stream(s, to_file, f) != CAIRO_STATUS_SUCCESS)
        st = CVOM_EIO;
    cairo_surface_destroy(s);
    return st;
}

static enum cvom_status render(FILE *f, enum cvom_onepager_format fmt, double dpi,
                               const struct cvom_onepager *p, int pages, const char *path,
                               struct cvom_error *err)
{
    enum cvom_status st =
        fmt == CVOM_ONEPAGER_PDF ? render_pdf(f, p, pages) : render_png(f, dpi, p, pages);
    if (st == CVOM_ENOMEM)
        return cvom_error_set(err, st, "out of memory drawing the one-pager");
    if (st)
        return cvom_error_set(err, st, "%s: writing the one-pager failed", path);
    return CVOM_OK;
}

enum cvom_status cvom__onepager_write_file(const char *path, enum cvom_onepager_format fmt,
                                           double dpi, const struct cvom_onepager *p, int *pages,
                                           struct cvom_error *err)
{
    if (!p || !p->ex || !p->ins || !p->name || (unsigned)fmt >= CVOM_ONEPAGER_FORMAT_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "nothing to draw");
    if (fmt == CVOM_ONEPAGER_PNG && !(dpi >= 36 && dpi <= 600))
        return cvom_error_set(err, CVOM_EINVAL, "the resolution must be 36 to 600 dpi");
    enum cvom_status ready = cvom__chart_ready(err);
    if (ready)
        return ready;
    int n;
    enum cvom_status counted = count_pages(p, &n);
    if (counted)
        return cvom_error_set(err, counted, "out of memory drawing the one-pager");
    if (pages)
        *pages = n;
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        /* A device such as /dev/null cannot be replaced by a rename: write it directly. */
        FILE *f = fopen(path, "wb");
        if (!f)
            return cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
        enum cvom_status st = render(f, fmt, dpi, p, n, path, err);
        if (fclose(f) && !st)
            st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
        return st;
    }
    char tmp[PATH_MAX];
    int fd = cvom__open_beside(path, tmp, sizeof tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    }
    enum cvom_status st = render(f, fmt, dpi, p, n, path, err);
    if (!st && (fflush(f) || fsync(fd)))
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    if (fclose(f) && !st)
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    if (!st && rename(tmp, path))
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    if (st)
        unlink(tmp);
    return st;
}
