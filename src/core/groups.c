/* groups.c — account groups: a parent account and everyone below it rolled up into one
 * point on the matrix, with an interval from the members' own, the group's revenue and
 * whether its members are split across quadrants (the rule is in cvom.h). */
#include "core/internal.h"

#include <math.h>
#include <string.h>

const char *cvom_group_weights_name(enum cvom_group_weights w)
{
    return w == CVOM_GROUP_BY_REVENUE ? "revenue" : "equal";
}

static int has_revenue(double r)
{
    return !isnan(r) && r > 0;
}

/* Each member's weight: its revenue, or 1 when any placed member lacks one. */
static enum cvom_group_weights weigh(const struct cvom_group_member *m, size_t n, double *w)
{
    enum cvom_group_weights how = CVOM_GROUP_BY_REVENUE;
    for (size_t i = 0; i < n; i++)
        if (m[i].placed && !has_revenue(m[i].revenue))
            how = CVOM_GROUP_EQUAL;
    for (size_t i = 0; i < n; i++)
        w[i] = !m[i].placed ? 0.0 : how == CVOM_GROUP_EQUAL ? 1.0 : m[i].revenue;
    return how;
}

/* One axis of the group's point: the weighted mean and the members' intervals combined. */
static void roll_axis(const struct cvom_group_member *m, size_t n, const double *share, int d,
                      struct cvom_score *s)
{
    double v = 0, h2 = 0, se2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (share[i] <= 0)
            continue;
        const struct cvom_score *ms = &m[i].score;
        v += share[i] * ms->value[d];
        h2 += share[i] * share[i] * ms->half[d] * ms->half[d];
        se2 += share[i] * share[i] * ms->se[d] * ms->se[d];
        s->respondents[d] += ms->respondents[d];
    }
    s->value[d] = v;
    s->self_value[d] = NAN;
    s->half[d] = sqrt(h2); /* NaN when a member has no interval */
    s->se[d] = sqrt(se2);
    s->lo[d] = isnan(h2) ? NAN : fmax(0.0, v - s->half[d]);
    s->hi[d] = isnan(h2) ? NAN : fmin(100.0, v + s->half[d]);
}

static void unplaced(struct cvom_score *s)
{
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        s->value[d] = s->se[d] = s->lo[d] = s->hi[d] = s->half[d] = s->self_value[d] = NAN;
}

enum cvom_status cvom_group_rollup(const struct cvom_config *cfg, const struct cvom_group_member *m,
                                   size_t n, double *share, struct cvom_group *out)
{
    if (cvom_config_validate(cfg, NULL) || n == 0 || !share)
        return CVOM_EINVAL;
    struct cvom_group g;
    memset(&g, 0, sizeof g);
    g.members = n;
    double sw = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i].placed) {
            g.placed++;
            g.quadrants |= 1u << m[i].score.quadrant;
        }
        if (has_revenue(m[i].revenue))
            g.revenue += m[i].revenue;
        else
            g.no_revenue++;
    }
    g.split = (g.quadrants & (g.quadrants - 1)) != 0;
    g.spread = NAN;
    unplaced(&g.score);
    if (g.placed == 0) {
        g.weights = CVOM_GROUP_EQUAL;
        g.score.state = CVOM_STATE_INSUFFICIENT;
        memset(share, 0, n * sizeof *share);
        *out = g;
        return CVOM_OK;
    }
    double *w = share;
    g.weights = weigh(m, n, w);
    for (size_t i = 0; i < n; i++)
        sw += w[i];
    for (size_t i = 0; i < n; i++)
        w[i] /= sw;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        roll_axis(m, n, w, d, &g.score);
    cvom__score_settle(cfg, &g.score);
    if (g.placed >= 2) {
        double d2 = 0;
        for (size_t i = 0; i < n; i++)
            if (w[i] > 0)
                d2 += w[i] * (pow(m[i].score.value[0] - g.score.value[0], 2) +
                              pow(m[i].score.value[1] - g.score.value[1], 2));
        g.spread = sqrt(d2);
    }
    *out = g;
    return CVOM_OK;
}
