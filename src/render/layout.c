/* layout.c — greedy label placement for the matrix picture. Labels are taken in priority
 * order; each tries the places right beside its bubble first, then further out along rays
 * with a leader line, and takes the first that overlaps no bubble, no label already placed,
 * no leader line already drawn, and stays inside the bounds. A uniform grid over the bounds
 * keeps every collision query local, so 100,000 bubbles cost little more than 100. */
#include "render/layout.h"
#include "core/mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GRID_CELLS_MAX (1u << 20)   /* cells in the grid */
#define GRID_ENTRIES_MAX (1u << 24) /* bubble-cell entries before the cells grow */
#define RING_COUNT 28               /* distances tried along each ray */
#define RING_FINE 12                /* of which the nearest are closer together */
#define RAY_COUNT 24                /* directions tried at each distance */
#define GAP_FRACTION 0.15           /* gap between bubble and label, × label height */
#define NEAR_COUNT 8                /* candidates right beside the bubble */
#define RELAXED_RINGS 8             /* rings where a leader may cross bubbles, as a last resort */
#define CANDIDATE_COUNT (NEAR_COUNT + RING_COUNT * RAY_COUNT)

/* A placed label or leader line, kept in per-cell lists. */
enum obstacle_kind { OB_LABEL, OB_LEADER };

struct obstacle {
    enum obstacle_kind kind;
    struct cvom_rect box;  /* the label, or the leader's bounding box */
    double x0, y0, x1, y1; /* the leader line */
};

struct link {
    uint32_t obstacle;
    uint32_t next; /* UINT32_MAX ends the list */
};

struct grid {
    double x0, y0, cell;
    uint32_t cols, rows;
    /* Bubbles: built once, compressed rows (start[c] .. start[c + 1] in ids). */
    uint32_t *start, *ids;
    /* Placed labels and leaders: a linked list per cell. */
    uint32_t *head;
    struct link *links;
    size_t n_links, cap_links;
    struct obstacle *obs;
    size_t n_obs, cap_obs;
    /* Query stamps, so that an object found in several cells is tested once. */
    uint32_t *bubble_stamp, *obs_stamp;
    uint32_t stamp;
};

int cvom__rect_overlap(struct cvom_rect a, struct cvom_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

int cvom__rect_circle_overlap(struct cvom_rect a, double cx, double cy, double r)
{
    double nx = cx < a.x ? a.x : cx > a.x + a.w ? a.x + a.w : cx;
    double ny = cy < a.y ? a.y : cy > a.y + a.h ? a.y + a.h : cy;
    double dx = cx - nx, dy = cy - ny;
    return dx * dx + dy * dy < r * r;
}

/* Whether the segment (x0,y0)–(x1,y1) passes through the inside of rectangle a
 * (Liang–Barsky clipping; touching the border does not count). */
static int segment_rect_overlap(double x0, double y0, double x1, double y1, struct cvom_rect a)
{
    double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {x0 - a.x, a.x + a.w - x0, y0 - a.y, a.y + a.h - y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] <= 0)
                return 0;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) {
            if (t > t0)
                t0 = t;
        } else if (t < t1) {
            t1 = t;
        }
        if (t0 >= t1)
            return 0;
    }
    return 1;
}

/* Whether the segment passes through the inside of a circle. */
static int segment_circle_overlap(const double *seg, double cx, double cy, double r)
{
    double dx = seg[2] - seg[0], dy = seg[3] - seg[1], len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((cx - seg[0]) * dx + (cy - seg[1]) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = seg[0] + t * dx - cx, ey = seg[1] + t * dy - cy;
    return ex * ex + ey * ey < r * r;
}

static int finite_nonneg(double v)
{
    return isfinite(v) && v >= 0;
}

static enum cvom_status validate(const struct cvom_layout_item *items, size_t n, struct cvom_rect b)
{
    if (!isfinite(b.x) || !isfinite(b.y) || !finite_nonneg(b.w) || !finite_nonneg(b.h))
        return CVOM_EINVAL;
    if (n > UINT32_MAX / 4)
        return CVOM_ELIMIT;
    for (size_t i = 0; i < n; i++) {
        const struct cvom_layout_item *it = &items[i];
        if (!isfinite(it->cx) || !isfinite(it->cy) || !finite_nonneg(it->r) ||
            !finite_nonneg(it->label_w) || !finite_nonneg(it->label_h) || isnan(it->priority))
            return CVOM_EINVAL;
    }
    return CVOM_OK;
}

/* ---- the grid ---------------------------------------------------------------------------- */

/* The range of cells a box touches, clipped to the grid. 0 when it misses the grid. */
static int cell_span(const struct grid *g, double x, double y, double w, double h, uint32_t *c0,
                     uint32_t *c1, uint32_t *r0, uint32_t *r1)
{
    double fx0 = floor((x - g->x0) / g->cell), fx1 = floor((x + w - g->x0) / g->cell);
    double fy0 = floor((y - g->y0) / g->cell), fy1 = floor((y + h - g->y0) / g->cell);
    if (fx1 < 0 || fy1 < 0 || fx0 >= g->cols || fy0 >= g->rows)
        return 0;
    *c0 = fx0 < 0 ? 0 : (uint32_t)fx0;
    *r0 = fy0 < 0 ? 0 : (uint32_t)fy0;
    *c1 = fx1 >= g->cols ? g->cols - 1 : (uint32_t)fx1;
    *r1 = fy1 >= g->rows ? g->rows - 1 : (uint32_t)fy1;
    return 1;
}

static int bubble_span(const struct grid *g, const struct cvom_layout_item *it, uint32_t *c0,
                       uint32_t *c1, uint32_t *r0, uint32_t *r1)
{
    if (it->r <= 0)
        return 0;
    return cell_span(g, it->cx - it->r, it->cy - it->r, 2 * it->r, 2 * it->r, c0, c1, r0, r1);
}

/* Size the cells from the labels' typical height, then grow them until the cell count and
 * the bubble entries fit their caps. Returns the number of bubble entries. */
static size_t grid_size(struct grid *g, const struct cvom_layout_item *items, size_t n,
                        struct cvom_rect b)
{
    double sum = 0;
    size_t labels = 0;
    for (size_t i = 0; i < n; i++)
        if (items[i].label_w > 0 && items[i].label_h > 0) {
            sum += items[i].label_h;
            labels++;
        }
    double span = b.w > b.h ? b.w : b.h;
    g->cell = labels ? sum / (double)labels : span / 64;
    if (!(g->cell > 0))
        g->cell = 1;
    g->x0 = b.x;
    g->y0 = b.y;
    for (;;) {
        double cols = floor(b.w / g->cell) + 1, rows = floor(b.h / g->cell) + 1;
        if (cols * rows > GRID_CELLS_MAX) {
            g->cell *= 2;
            continue;
        }
        g->cols = (uint32_t)cols;
        g->rows = (uint32_t)rows;
        size_t entries = 0;
        for (size_t i = 0; i < n && entries <= GRID_ENTRIES_MAX; i++) {
            uint32_t c0, c1, r0, r1;
            if (bubble_span(g, &items[i], &c0, &c1, &r0, &r1))
                entries += (size_t)(c1 - c0 + 1) * (r1 - r0 + 1);
        }
        if (entries <= GRID_ENTRIES_MAX)
            return entries;
        g->cell *= 2;
    }
}

static void grid_free(struct grid *g)
{
    free(g->start);
    free(g->ids);
    free(g->head);
    free(g->links);
    free(g->obs);
    free(g->bubble_stamp);
    free(g->obs_stamp);
}

static enum cvom_status grid_build(struct grid *g, const struct cvom_layout_item *items, size_t n,
                                   struct cvom_rect b)
{
    memset(g, 0, sizeof *g);
    size_t entries = grid_size(g, items, n, b);
    size_t cells = (size_t)g->cols * g->rows;
    g->start = calloc(cells + 1, sizeof *g->start);
    g->ids = malloc((entries ? entries : 1) * sizeof *g->ids);
    g->head = malloc(cells * sizeof *g->head);
    g->bubble_stamp = calloc(n ? n : 1, sizeof *g->bubble_stamp);
    if (!g->start || !g->ids || !g->head || !g->bubble_stamp) {
        grid_free(g);
        return CVOM_ENOMEM;
    }
    for (size_t c = 0; c < cells; c++)
        g->head[c] = UINT32_MAX;
    /* Count per cell, turn the counts into starts, then fill. */
    for (size_t i = 0; i < n; i++) {
        uint32_t c0, c1, r0, r1;
        if (!bubble_span(g, &items[i], &c0, &c1, &r0, &r1))
            continue;
        for (uint32_t r = r0; r <= r1; r++)
            for (uint32_t c = c0; c <= c1; c++)
                g->start[(size_t)r * g->cols + c + 1]++;
    }
    for (size_t c = 0; c < cells; c++)
        g->start[c + 1] += g->start[c];
    uint32_t *fill = malloc((cells ? cells : 1) * sizeof *fill);
    if (!fill) {
        grid_free(g);
        return CVOM_ENOMEM;
    }
    memcpy(fill, g->start, cells * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        uint32_t c0, c1, r0, r1;
        if (!bubble_span(g, &items[i], &c0, &c1, &r0, &r1))
            continue;
        for (uint32_t r = r0; r <= r1; r++)
            for (uint32_t c = c0; c <= c1; c++)
                g->ids[fill[(size_t)r * g->cols + c]++] = (uint32_t)i;
    }
    free(fill);
    return CVOM_OK;
}

/* Start a query: a new stamp, resetting the stamps when they wrap. */
static void next_stamp(struct grid *g, size_t n)
{
    if (++g->stamp == UINT32_MAX) {
        memset(g->bubble_stamp, 0, (n ? n : 1) * sizeof *g->bubble_stamp);
        if (g->obs_stamp)
            memset(g->obs_stamp, 0, g->cap_obs * sizeof *g->obs_stamp);
        g->stamp = 1;
    }
}

/* Whether a label box (seg == NULL) overlaps a bubble, or a leader line (seg = x0,y0,x1,y1
 * with box its bounds) crosses one. A leader may leave through bubbles that overlap its own
 * at its start: in a cluster there is no other way out. */
static int hits_bubble(struct grid *g, const struct cvom_layout_item *items, struct cvom_rect box,
                       const double *seg, uint32_t self, uint32_t c0, uint32_t c1, uint32_t r0,
                       uint32_t r1)
{
    for (uint32_t r = r0; r <= r1; r++)
        for (uint32_t c = c0; c <= c1; c++) {
            size_t cell = (size_t)r * g->cols + c;
            for (uint32_t k = g->start[cell]; k < g->start[cell + 1]; k++) {
                uint32_t id = g->ids[k];
                if (g->bubble_stamp[id] == g->stamp)
                    continue;
                g->bubble_stamp[id] = g->stamp;
                const struct cvom_layout_item *it = &items[id];
                if (!seg) {
                    if (cvom__rect_circle_overlap(box, it->cx, it->cy, it->r))
                        return 1;
                } else if (id != self && segment_circle_overlap(seg, it->cx, it->cy, it->r)) {
                    double ex = seg[0] - it->cx, ey = seg[1] - it->cy;
                    if (ex * ex + ey * ey >= it->r * it->r)
                        return 1;
                }
            }
        }
    return 0;
}

/* Whether two segments cross (touching does not count). */
static int segments_cross(const double *a, const double *b)
{
    double d1 = (a[2] - a[0]) * (b[1] - a[1]) - (a[3] - a[1]) * (b[0] - a[0]);
    double d2 = (a[2] - a[0]) * (b[3] - a[1]) - (a[3] - a[1]) * (b[2] - a[0]);
    double d3 = (b[2] - b[0]) * (a[1] - b[1]) - (b[3] - b[1]) * (a[0] - b[0]);
    double d4 = (b[2] - b[0]) * (a[3] - b[1]) - (b[3] - b[1]) * (a[2] - b[0]);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/* Whether a label box (seg == NULL) or a leader line (seg = x0,y0,x1,y1 with box its bounds)
 * collides with a label or leader already placed. Leaders cross leaders only when not
 * strict. */
static int hits_placed(struct grid *g, struct cvom_rect box, const double *seg, int strict,
                       uint32_t c0, uint32_t c1, uint32_t r0, uint32_t r1)
{
    for (uint32_t r = r0; r <= r1; r++)
        for (uint32_t c = c0; c <= c1; c++)
            for (uint32_t k = g->head[(size_t)r * g->cols + c]; k != UINT32_MAX;
                 k = g->links[k].next) {
                uint32_t id = g->links[k].obstacle;
                if (g->obs_stamp[id] == g->stamp)
                    continue;
                g->obs_stamp[id] = g->stamp;
                const struct obstacle *o = &g->obs[id];
                if (o->kind == OB_LABEL) {
                    if (seg ? segment_rect_overlap(seg[0], seg[1], seg[2], seg[3], o->box)
                            : cvom__rect_overlap(box, o->box))
                        return 1;
                } else if (!seg) {
                    if (segment_rect_overlap(o->x0, o->y0, o->x1, o->y1, box))
                        return 1;
                } else if (strict) {
                    const double other[4] = {o->x0, o->y0, o->x1, o->y1};
                    if (segments_cross(seg, other))
                        return 1;
                }
            }
    return 0;
}

static enum cvom_status grid_add(struct grid *g, const struct obstacle *ob)
{
    if (g->n_obs == g->cap_obs) {
        size_t cap = g->cap_obs ? g->cap_obs * 2 : 64;
        if (cap > UINT32_MAX / 2)
            return CVOM_ELIMIT;
        struct obstacle *o = realloc(g->obs, cap * sizeof *o);
        if (!o)
            return CVOM_ENOMEM;
        g->obs = o;
        uint32_t *s = realloc(g->obs_stamp, cap * sizeof *s);
        if (!s)
            return CVOM_ENOMEM;
        memset(s + g->cap_obs, 0, (cap - g->cap_obs) * sizeof *s);
        g->obs_stamp = s;
        g->cap_obs = cap;
    }
    uint32_t id = (uint32_t)g->n_obs;
    g->obs[g->n_obs++] = *ob;
    uint32_t c0, c1, r0, r1;
    if (!cell_span(g, ob->box.x, ob->box.y, ob->box.w, ob->box.h, &c0, &c1, &r0, &r1))
        return CVOM_OK;
    for (uint32_t r = r0; r <= r1; r++)
        for (uint32_t c = c0; c <= c1; c++) {
            if (g->n_links == g->cap_links) {
                size_t cap = g->cap_links ? g->cap_links * 2 : 256;
                if (cap > UINT32_MAX / 2)
                    return CVOM_ELIMIT;
                struct link *l = realloc(g->links, cap * sizeof *l);
                if (!l)
                    return CVOM_ENOMEM;
                g->links = l;
                g->cap_links = cap;
            }
            size_t cell = (size_t)r * g->cols + c;
            g->links[g->n_links] = (struct link){.obstacle = id, .next = g->head[cell]};
            g->head[cell] = (uint32_t)g->n_links++;
        }
    return CVOM_OK;
}

/* ---- candidates ------------------------------------------------------------------------- */

static int inside(struct cvom_rect box, struct cvom_rect b)
{
    return box.x >= b.x && box.y >= b.y && box.x + box.w <= b.x + b.w && box.y + box.h <= b.y + b.h;
}

/* Slide [*x, *x + w] into [lo, hi] without letting it stop covering `keep`. */
static void slide(double *x, double w, double lo, double hi, double keep)
{
    double min = fmax(lo, keep - w), max = fmin(hi - w, keep);
    if (min > max)
        return; /* cannot fit; the bounds check will reject it */
    *x = *x < min ? min : *x > max ? max : *x;
}

/* Candidate k of an item: 0–7 beside the bubble (right, left, above, below, then the
 * diagonals), then RING_COUNT rings of RAY_COUNT rays further out. For ray candidates
 * *leader is 1 and (*lx, *ly) is where the leader meets the box. A box that sticks out of
 * the bounds slides back along the side that faces the bubble, as far as that side still
 * touches the bubble's centre line or the leader's end. Returns 0 past the last. */
static int candidate(const struct cvom_layout_item *it, int k, struct cvom_rect b,
                     struct cvom_rect *box, int *leader, double *lx, double *ly)
{
    /* Beside the bubble: right, left, above, below, then the diagonals, whose corner
     * touches the bubble at 45°. */
    static const struct {
        signed char dx, dy;
    } beside[NEAR_COUNT] = {{1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
    double w = it->label_w, h = it->label_h, gap = GAP_FRACTION * h, r = it->r;
    box->w = w;
    box->h = h;
    *leader = 0;
    if (k < NEAR_COUNT) {
        int dx = beside[k].dx, dy = beside[k].dy;
        double off = dx && dy ? r * 0.70710678118654752 + gap : r + gap;
        box->x = dx > 0 ? it->cx + off : dx < 0 ? it->cx - off - w : it->cx - w / 2;
        box->y = dy > 0 ? it->cy + off : dy < 0 ? it->cy - off - h : it->cy - h / 2;
        if (!dy)
            slide(&box->y, h, b.y, b.y + b.h, it->cy);
        else if (!dx)
            slide(&box->x, w, b.x, b.x + b.w, it->cx);
        return 1;
    }
    k -= NEAR_COUNT;
    if (k >= RING_COUNT * RAY_COUNT)
        return 0;
    int ring = k / RAY_COUNT, ray = k % RAY_COUNT;
    /* Rays alternate around the horizontal: 0, +1, −1, +2, −2 … steps of 360°/RAY_COUNT,
     * so sideways places, where labels read best, come first. */
    int step = (ray + 1) / 2 * (ray % 2 ? 1 : -1);
    double a = step * (2 * 3.14159265358979323846 / RAY_COUNT);
    /* Rings 0.6 label heights apart near the bubble, where narrow gaps are worth finding,
     * then 1.2 apart out to about 27 label heights. */
    double steps =
        ring < RING_FINE ? 0.6 * (ring + 1) : 0.6 * RING_FINE + 1.2 * (ring - RING_FINE + 1);
    double dist = r + gap + steps * h;
    double ca = cos(a), sa = sin(a), px = it->cx + dist * ca, py = it->cy + dist * sa;
    box->x = ca > 0.38 ? px : ca < -0.38 ? px - w : px - w / 2;
    box->y = sa > 0.38 ? py : sa < -0.38 ? py - h : py - h / 2;
    if (fabs(sa) > 0.38) /* the leader meets the top or bottom side */
        slide(&box->x, w, b.x, b.x + b.w, px);
    else /* the left or right side */
        slide(&box->y, h, b.y, b.y + b.h, py);
    *leader = 1;
    *lx = px;
    *ly = py;
    return 1;
}

/* A label to place: sorted by priority, highest first, then by input order. */
struct rank {
    double priority;
    uint32_t index;
};

static int by_priority(const void *x, const void *y)
{
    const struct rank *a = x, *b = y;
    if (a->priority != b->priority)
        return a->priority > b->priority ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* The leader of item i from its bubble's edge to (lx, ly), in *line. Whether it cuts through
 * a label already placed or, when strict, through another bubble or leader. One stamp serves
 * bubbles and placed obstacles alike: they are stamped in separate arrays. */
static int leader_blocked(struct grid *g, const struct cvom_layout_item *items, size_t n,
                          uint32_t i, double lx, double ly, int strict, struct obstacle *line)
{
    const struct cvom_layout_item *it = &items[i];
    double dx = lx - it->cx, dy = ly - it->cy, len = hypot(dx, dy);
    line->x0 = it->cx + (len > 0 ? dx / len * it->r : 0);
    line->y0 = it->cy + (len > 0 ? dy / len * it->r : 0);
    line->x1 = lx;
    line->y1 = ly;
    line->box = (struct cvom_rect){fmin(line->x0, lx), fmin(line->y0, ly), fabs(lx - line->x0),
                                   fabs(ly - line->y0)};
    const double seg[4] = {line->x0, line->y0, line->x1, line->y1};
    uint32_t c0, c1, r0, r1;
    if (!cell_span(g, line->box.x, line->box.y, line->box.w, line->box.h, &c0, &c1, &r0, &r1))
        return 0;
    next_stamp(g, n);
    return hits_placed(g, line->box, seg, strict, c0, c1, r0, r1) ||
           (strict && hits_bubble(g, items, line->box, seg, i, c0, c1, r0, r1));
}

/* How hard a label is looked for: first only where it is unmistakably its bubble's, then
 * right beside it even if another bubble is as close, then with short leaders that cross
 * other bubbles or leaders. */
enum pass { PASS_CLEAR, PASS_NEAR, PASS_CROSSING, PASS_COUNT };

static const struct {
    int first, last; /* candidates tried */
} passes[PASS_COUNT] = {
    [PASS_CLEAR] = {0, CANDIDATE_COUNT},
    [PASS_NEAR] = {0, NEAR_COUNT},
    [PASS_CROSSING] = {NEAR_COUNT, NEAR_COUNT + RELAXED_RINGS *RAY_COUNT},
};

/* Whether a label right beside bubble i (no leader) comes within half its height of another
 * bubble: it could then be read as that bubble's label. */
static int near_other(struct grid *g, const struct cvom_layout_item *items, size_t n, uint32_t i,
                      struct cvom_rect box)
{
    double m = 0.5 * box.h;
    struct cvom_rect grown = {box.x - m, box.y - m, box.w + 2 * m, box.h + 2 * m};
    uint32_t c0, c1, r0, r1;
    if (!cell_span(g, grown.x, grown.y, grown.w, grown.h, &c0, &c1, &r0, &r1))
        return 0;
    next_stamp(g, n);
    g->bubble_stamp[i] = g->stamp; /* its own bubble is meant to be close */
    return hits_bubble(g, items, grown, NULL, i, c0, c1, r0, r1);
}

/* Try candidate k of item i. CVOM_OK with *res filled when it fits (recorded in the grid),
 * CVOM_ENOTFOUND when it does not, or a failure to record it. */
static enum cvom_status try_candidate(struct grid *g, const struct cvom_layout_item *items,
                                      size_t n, uint32_t i, int k, enum pass pass,
                                      struct cvom_rect bounds, struct cvom_layout_result *res)
{
    int strict = pass == PASS_CLEAR;
    struct cvom_rect box;
    int leader;
    double lx = 0, ly = 0;
    uint32_t c0, c1, r0, r1;
    candidate(&items[i], k, bounds, &box, &leader, &lx, &ly);
    if (!inside(box, bounds) || !cell_span(g, box.x, box.y, box.w, box.h, &c0, &c1, &r0, &r1))
        return CVOM_ENOTFOUND;
    next_stamp(g, n);
    if (hits_bubble(g, items, box, NULL, i, c0, c1, r0, r1) ||
        hits_placed(g, box, NULL, 1, c0, c1, r0, r1))
        return CVOM_ENOTFOUND;
    if (!leader && strict && near_other(g, items, n, i, box))
        return CVOM_ENOTFOUND;
    struct obstacle line = {.kind = OB_LEADER};
    if (leader && leader_blocked(g, items, n, i, lx, ly, strict, &line))
        return CVOM_ENOTFOUND;
    struct obstacle label = {.kind = OB_LABEL, .box = box};
    enum cvom_status st = grid_add(g, &label);
    if (!st && leader)
        st = grid_add(g, &line);
    if (st)
        return st;
    *res = (struct cvom_layout_result){
        .placed = 1, .box = box, .leader = leader, .lx = leader ? lx : 0, .ly = leader ? ly : 0};
    return CVOM_OK;
}

/* Try the candidates of item i pass by pass and keep the first that fits. Short leaders that
 * pass over other bubbles or cross other leaders are the last resort: a bubble deep in a
 * cluster has no other way to a label. */
static enum cvom_status place(struct grid *g, const struct cvom_layout_item *items, size_t n,
                              uint32_t i, struct cvom_rect bounds, struct cvom_layout_result *res)
{
    for (int p = 0; p < PASS_COUNT; p++)
        for (int k = passes[p].first; k < passes[p].last; k++) {
            enum cvom_status st = try_candidate(g, items, n, i, k, (enum pass)p, bounds, res);
            if (st != CVOM_ENOTFOUND)
                return st;
        }
    return CVOM_OK;
}

enum cvom_status cvom__layout_labels(const struct cvom_layout_item *items, size_t n,
                                     struct cvom_rect bounds, struct cvom_layout_result *out)
{
    enum cvom_status st = validate(items, n, bounds);
    if (st)
        return st;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += items[i].label_w > 0 && items[i].label_h > 0;
    struct rank *order = malloc((m ? m : 1) * sizeof *order);
    struct cvom_layout_result *res = calloc(n ? n : 1, sizeof *res);
    struct grid g;
    if (!order || !res || (st = grid_build(&g, items, n, bounds)) != CVOM_OK) {
        free(order);
        free(res);
        return st ? st : CVOM_ENOMEM;
    }
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (items[i].label_w > 0 && items[i].label_h > 0)
            order[m++] = (struct rank){.priority = items[i].priority, .index = (uint32_t)i};
    cvom__sort(order, m, sizeof *order, by_priority);
    for (size_t k = 0; k < m && !st; k++)
        st = place(&g, items, n, order[k].index, bounds, &res[order[k].index]);
    grid_free(&g);
    free(order);
    if (!st)
        cvom__copy(out, res, n * sizeof *out);
    free(res);
    return st;
}
