/* whatif.c — what a plan would do if it worked: planned actions' expected effects added to
 * an account's current scores, the projected quadrant and evidence state, the cost, and the
 * portfolio's quadrant mix before and after. An estimate of a plan, never evidence. */
#include "cvom.h"

#include <math.h>
#include <string.h>

/* The same tolerance as the quadrant lines in the scoring. */

static double clamp100(double v, int *cut)
{
    if (v < 0) {
        *cut = 1;
        return 0;
    }
    if (v > 100) {
        *cut = 1;
        return 100;
    }
    return v;
}

static enum cvom_status check_step(const struct cvom_whatif_step *s, size_t i,
                                   struct cvom_error *err)
{
    if (s->axis < -1 || s->axis >= CVOM_DIM_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "action %zu: the axis is out of range", i + 1);
    if (!isfinite(s->effect) || fabs(s->effect) > CVOM_WHATIF_EFFECT_MAX)
        return cvom_error_set(err, CVOM_EINVAL,
                              "action %zu: the effect must lie between -100 and 100 points", i + 1);
    if (s->axis == -1 && s->effect != 0)
        return cvom_error_set(err, CVOM_EINVAL, "action %zu: an effect needs an axis", i + 1);
    if (!isfinite(s->cost) || s->cost < 0)
        return cvom_error_set(err, CVOM_EINVAL, "action %zu: the cost must be 0 or more", i + 1);
    return CVOM_OK;
}

/* The moved point judged as the scoring judges a point: insufficient without a score on
 * an axis, borderline when a moved interval strictly contains a threshold. */
static enum cvom_state judge(const struct cvom_config *cfg, const struct cvom_whatif *w)
{
    enum cvom_state s = CVOM_STATE_OK;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        if (isnan(w->after[d]))
            return CVOM_STATE_INSUFFICIENT;
        if (cvom_interval_crosses(w->lo[d], w->hi[d], cfg->threshold[d]))
            s = CVOM_STATE_BORDERLINE;
    }
    return s;
}

enum cvom_status cvom_whatif_project(const struct cvom_config *cfg, const struct cvom_score *now,
                                     const struct cvom_whatif_step *steps, size_t n,
                                     struct cvom_whatif *out, struct cvom_error *err)
{
    enum cvom_status st = cvom_config_validate(cfg, err);
    if (st)
        return st;
    if (n > CVOM_WHATIF_STEPS_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "at most %d actions in one projection",
                              CVOM_WHATIF_STEPS_MAX);
    struct cvom_whatif w;
    memset(&w, 0, sizeof w);
    w.steps = n;
    for (size_t i = 0; i < n; i++) {
        if ((st = check_step(&steps[i], i, err)) != CVOM_OK)
            return st;
        if (steps[i].axis >= 0)
            w.effect[steps[i].axis] += steps[i].effect;
        w.cost += steps[i].cost;
    }
    int placed = now->state != CVOM_STATE_INSUFFICIENT;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        w.before[d] = now->value[d];
        if (!placed || isnan(now->value[d])) {
            w.after[d] = w.lo[d] = w.hi[d] = NAN;
            continue;
        }
        w.after[d] = clamp100(now->value[d] + w.effect[d], &w.capped[d]);
        /* The interval keeps its width around the moved point; the plan narrows nothing. */
        double shift = w.after[d] - now->value[d];
        int ignored = 0;
        w.lo[d] = isnan(now->lo[d]) ? NAN : clamp100(now->lo[d] + shift, &ignored);
        w.hi[d] = isnan(now->hi[d]) ? NAN : clamp100(now->hi[d] + shift, &ignored);
    }
    w.quadrant_before = now->quadrant;
    w.state_before = now->state;
    w.state_after = placed ? judge(cfg, &w) : CVOM_STATE_INSUFFICIENT;
    w.quadrant_after = w.state_after == CVOM_STATE_INSUFFICIENT
                           ? now->quadrant
                           : cvom_classify(cfg, w.after[0], w.after[1]);
    *out = w;
    return CVOM_OK;
}

void cvom_whatif_tally(const struct cvom_whatif *w, size_t n, struct cvom_whatif_mix *out)
{
    memset(out, 0, sizeof *out);
    out->accounts = n;
    for (size_t i = 0; i < n; i++) {
        int placed_before = w[i].state_before != CVOM_STATE_INSUFFICIENT;
        int placed_after = w[i].state_after != CVOM_STATE_INSUFFICIENT;
        out->before[placed_before ? w[i].quadrant_before : CVOM_Q_COUNT]++;
        out->after[placed_after ? w[i].quadrant_after : CVOM_Q_COUNT]++;
        if (placed_before && placed_after && w[i].quadrant_before != w[i].quadrant_after)
            out->moved++;
        if (w[i].steps)
            out->with_steps++;
        out->cost += w[i].cost;
    }
}
