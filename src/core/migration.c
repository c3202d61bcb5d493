/* migration.c — how a portfolio moved between two dates: the quadrant transition tables by
 * count and by revenue, the movers, the accounts sliding towards Transactional, the stale
 * ones, and a Markov projection of the mix. The rules are stated once, in cvom.h. */
#include "cvom.h"
#include "core/mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void cvom_migration_options_init(struct cvom_migration_options *o)
{
    o->from = o->to = 0;
    o->periods = CVOM_MIG_PERIODS_DEFAULT;
    o->slide_points = CVOM_MIG_SLIDE_POINTS;
}

#define Q CVOM_Q_COUNT

enum cvom_status cvom_markov_estimate(const double *flow, double *p, int *kept)
{
    for (int i = 0; i < Q * Q; i++)
        if (!isfinite(flow[i]) || flow[i] < 0)
            return CVOM_EINVAL;
    for (int i = 0; i < Q; i++) {
        double sum = 0;
        for (int j = 0; j < Q; j++)
            sum += flow[i * Q + j];
        /* Nothing observed leaving or staying: the best guess is that it stays put. */
        int keep = !(sum > 0);
        for (int j = 0; j < Q; j++)
            p[i * Q + j] = keep ? (i == j) : flow[i * Q + j] / sum;
        if (kept)
            kept[i] = keep;
    }
    return CVOM_OK;
}

enum cvom_status cvom_markov_project(const double *p, const double *start, int periods, double *mix)
{
    if (periods < 0 || periods > CVOM_MIG_PERIODS_MAX)
        return CVOM_EINVAL;
    memmove(mix, start, Q * sizeof *mix);
    /* start × P^k one step at a time: each row is the previous one times P, which is what
     * the power means and needs no matrix products. */
    for (int k = 1; k <= periods; k++) {
        const double *prev = mix + (k - 1) * Q;
        for (int j = 0; j < Q; j++) {
            double s = 0;
            for (int i = 0; i < Q; i++)
                s += prev[i] * p[i * Q + j];
            mix[k * Q + j] = s;
        }
    }
    return CVOM_OK;
}

void cvom_migration_cleanup(struct cvom_migration *m)
{
    free(m->movers);
    free(m->slides);
    free(m->stale);
    m->movers = NULL;
    m->slides = NULL;
    m->stale = NULL;
    m->n_movers = m->n_slides = m->n_stale = 0;
}

static int placed(const struct cvom_score *s)
{
    return s->state != CVOM_STATE_INSUFFICIENT;
}

/* The row or column of a score in the transition tables. */
static int state_of(const struct cvom_score *s)
{
    return placed(s) ? (int)s->quadrant : CVOM_MIG_NOT_PLACED;
}

static enum cvom_status check_input(const struct cvom_migration_options *o,
                                    const struct cvom_migration_account *a, size_t n,
                                    struct cvom_error *err)
{
    if (o->from >= o->to)
        return cvom_error_set(err, CVOM_EINVAL, "the earlier date must come before the later");
    /* A gap that does not fit in days of int32_t is no pair of calendar dates. */
    if ((int64_t)o->to - o->from > INT32_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "the dates are too far apart");
    if (o->periods < 1 || o->periods > CVOM_MIG_PERIODS_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "periods: expected 1 to %d", CVOM_MIG_PERIODS_MAX);
    if (!isfinite(o->slide_points) || o->slide_points < 0)
        return cvom_error_set(err, CVOM_EINVAL, "slide points: expected a number from 0");
    for (size_t i = 0; i < n; i++) {
        const struct cvom_score *s[2] = {&a[i].from, &a[i].to};
        if (!isfinite(a[i].revenue) || a[i].revenue < 0)
            return cvom_error_set(err, CVOM_EINVAL, "account %zu: bad revenue", i);
        for (int d = 0; d < 2; d++) {
            if ((unsigned)s[d]->state >= CVOM_STATE_COUNT ||
                (placed(s[d]) && ((unsigned)s[d]->quadrant >= CVOM_Q_COUNT ||
                                  !isfinite(s[d]->value[CVOM_DIM_INTELLECTUAL]) ||
                                  !isfinite(s[d]->value[CVOM_DIM_EMOTIONAL]))))
                return cvom_error_set(err, CVOM_EINVAL, "account %zu: bad score", i);
        }
    }
    return CVOM_OK;
}

/* Ordering of the lists: larger revenue first, then the caller's order (qsort is not
 * stable, so the index is the last key). */
static int by_revenue(double rx, size_t x, double ry, size_t y)
{
    if (rx != ry)
        return rx < ry ? 1 : -1;
    return (x > y) - (x < y);
}

static int cmp_mover(const void *x, const void *y)
{
    const struct cvom_migration_mover *a = x, *b = y;
    return by_revenue(a->revenue, a->index, b->revenue, b->index);
}

static int cmp_stale(const void *x, const void *y)
{
    const struct cvom_migration_stale *a = x, *b = y;
    return by_revenue(a->revenue, a->index, b->revenue, b->index);
}

static int cmp_slide(const void *x, const void *y)
{
    const struct cvom_migration_slide *a = x, *b = y;
    if (a->entered != b->entered)
        return b->entered - a->entered;
    if (a->fall != b->fall)
        return a->fall < b->fall ? 1 : -1;
    return by_revenue(a->revenue, a->index, b->revenue, b->index);
}

static void tabulate(struct cvom_migration *m, const struct cvom_migration_account *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int r = state_of(&a[i].from), c = state_of(&a[i].to);
        m->count[r][c]++;
        m->revenue[r][c] += a[i].revenue;
        m->count_from[r]++;
        m->count_to[c]++;
        m->revenue_from[r] += a[i].revenue;
        m->revenue_to[c] += a[i].revenue;
        m->total_revenue += a[i].revenue;
        m->placed_both += r != CVOM_MIG_NOT_PLACED && c != CVOM_MIG_NOT_PLACED;
    }
}

/* One chain: P from the 4×4 core of a table, started from the later date's mix. */
static void chain(struct cvom_migration_chain *ch, const double *flow, const double *at_to,
                  int periods)
{
    double total = 0, start[Q];
    /* The flows were checked (finite, >= 0), so estimating cannot fail. */
    (void)cvom_markov_estimate(flow, &ch->p[0][0], ch->kept);
    for (int q = 0; q < Q; q++)
        total += at_to[q];
    ch->available = total > 0;
    for (int q = 0; q < Q; q++)
        start[q] = ch->available ? at_to[q] / total : NAN;
    (void)cvom_markov_project(&ch->p[0][0], start, periods, &ch->mix[0][0]);
    for (int k = periods + 1; k <= CVOM_MIG_PERIODS_MAX; k++)
        for (int q = 0; q < Q; q++)
            ch->mix[k][q] = NAN;
}

static void chains(struct cvom_migration *m)
{
    double fc[Q * Q], fr[Q * Q], tc[Q], tr[Q];
    for (int i = 0; i < Q; i++) {
        for (int j = 0; j < Q; j++) {
            fc[i * Q + j] = (double)m->count[i][j];
            fr[i * Q + j] = m->revenue[i][j];
        }
        tc[i] = (double)m->count_to[i];
        tr[i] = m->revenue_to[i];
    }
    chain(&m->by_count, fc, tc, m->options.periods);
    chain(&m->by_revenue, fr, tr, m->options.periods);
}

static double axis_sum(const struct cvom_score *s)
{
    return s->value[CVOM_DIM_INTELLECTUAL] + s->value[CVOM_DIM_EMOTIONAL];
}

/* Movers and slides of one account placed on both dates. */
static void moves(struct cvom_migration *m, const struct cvom_migration_account *a, size_t i)
{
    const struct cvom_score *f = &a->from, *t = &a->to;
    double change[CVOM_DIM_COUNT];
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        change[d] = t->value[d] - f->value[d];
    if (f->quadrant != t->quadrant) {
        struct cvom_migration_mover *mv = &m->movers[m->n_movers++];
        mv->index = i;
        mv->revenue = a->revenue;
        mv->from = f->quadrant;
        mv->to = t->quadrant;
        memcpy(mv->change, change, sizeof change);
    }
    double fall = axis_sum(f) - axis_sum(t);
    int entered = t->quadrant == CVOM_Q_TRANSACTIONAL && f->quadrant != CVOM_Q_TRANSACTIONAL;
    if (entered || fall >= m->options.slide_points) {
        struct cvom_migration_slide *sl = &m->slides[m->n_slides++];
        sl->index = i;
        sl->revenue = a->revenue;
        sl->entered = entered;
        sl->fall = fall;
        sl->from = f->quadrant;
        sl->to = t->quadrant;
        memcpy(sl->change, change, sizeof change);
    }
}

enum cvom_status cvom_migration_build(const struct cvom_migration_options *o,
                                      const struct cvom_migration_account *a, size_t n,
                                      struct cvom_migration *out, struct cvom_error *err)
{
    memset(out, 0, sizeof *out);
    enum cvom_status st = check_input(o, a, n, err);
    if (st)
        return st;
    out->options = *o;
    out->n_accounts = n;
    out->period_days = o->to - o->from;
    size_t cap = n ? n : 1;
    if (cap > SIZE_MAX / sizeof *out->slides)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    out->movers = malloc(cap * sizeof *out->movers);
    out->slides = malloc(cap * sizeof *out->slides);
    out->stale = malloc(cap * sizeof *out->stale);
    if (!out->movers || !out->slides || !out->stale) {
        cvom_migration_cleanup(out);
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    }
    tabulate(out, a, n);
    chains(out);
    for (size_t i = 0; i < n; i++) {
        if (placed(&a[i].from) && placed(&a[i].to))
            moves(out, &a[i], i);
        if (a[i].stale)
            out->stale[out->n_stale++] = (struct cvom_migration_stale){
                .index = i,
                .revenue = a[i].revenue,
                .age_days =
                    a[i].last_assessed > 0 ? (int32_t)((int64_t)o->to - a[i].last_assessed) : -1,
            };
    }
    cvom__sort(out->movers, out->n_movers, sizeof *out->movers, cmp_mover);
    cvom__sort(out->slides, out->n_slides, sizeof *out->slides, cmp_slide);
    cvom__sort(out->stale, out->n_stale, sizeof *out->stale, cmp_stale);
    return CVOM_OK;
}
