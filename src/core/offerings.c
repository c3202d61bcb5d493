/* offerings.c — what we spend on offerings and whether the customer values them: the
 * importance–performance quadrant of each rating, the unvalued cost of an account (spent
 * on what it rates unimportant), the over-served flag, and the portfolio's totals. */
#include "cvom.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const ip_keys[CVOM_IP_COUNT] = {
    [CVOM_IP_CONCENTRATE] = "concentrate",
    [CVOM_IP_KEEP_UP] = "keep_up",
    [CVOM_IP_LOW_PRIORITY] = "low_priority",
    [CVOM_IP_OVERKILL] = "overkill",
};
static const char *const ip_labels[CVOM_IP_COUNT] = {
    [CVOM_IP_CONCENTRATE] = "concentrate here",
    [CVOM_IP_KEEP_UP] = "keep up the good work",
    [CVOM_IP_LOW_PRIORITY] = "low priority",
    [CVOM_IP_OVERKILL] = "possible overkill",
};

const char *cvom_ip_quadrant_key(enum cvom_ip_quadrant q)
{
    return (unsigned)q < CVOM_IP_COUNT ? ip_keys[q] : "?";
}

const char *cvom_ip_quadrant_label(enum cvom_ip_quadrant q)
{
    return (unsigned)q < CVOM_IP_COUNT ? ip_labels[q] : "?";
}

void cvom_serving_config_init(struct cvom_serving_config *cfg)
{
    cfg->importance_threshold = CVOM_RATING_MIDPOINT;
    cfg->performance_threshold = CVOM_RATING_MIDPOINT;
    cfg->overserved_share = CVOM_OVERSERVED_SHARE;
}

static int on_scale(double v)
{
    return isfinite(v) && v >= CVOM_RATING_MIN && v <= CVOM_RATING_MAX;
}

static void name_field(struct cvom_error *err, const char *field)
{
    if (err)
        snprintf(err->field, sizeof err->field, "%s", field);
}

enum cvom_status cvom_serving_config_validate(const struct cvom_serving_config *cfg,
                                              struct cvom_error *err)
{
    if (!on_scale(cfg->importance_threshold) || !on_scale(cfg->performance_threshold))
        return cvom_error_set(err, CVOM_EINVAL, "a rating threshold must lie between 1 and 7");
    if (!isfinite(cfg->overserved_share) || cfg->overserved_share < 0 || cfg->overserved_share > 1)
        return cvom_error_set(err, CVOM_EINVAL, "the over-served share must lie between 0 and 1");
    return CVOM_OK;
}

enum cvom_ip_quadrant cvom_ip_classify(const struct cvom_serving_config *cfg, double importance,
                                       double performance)
{
    int important = importance >= cfg->importance_threshold;
    int good = performance >= cfg->performance_threshold;
    if (important)
        return good ? CVOM_IP_KEEP_UP : CVOM_IP_CONCENTRATE;
    return good ? CVOM_IP_OVERKILL : CVOM_IP_LOW_PRIORITY;
}

enum cvom_status cvom_offer_rating_validate(const struct cvom_offer_rating *r,
                                            struct cvom_error *err)
{
    enum cvom_status st = CVOM_OK;
    if (!on_scale(r->importance)) {
        st = cvom_error_set(err, CVOM_EINVAL, "importance must lie between 1 and 7");
        name_field(err, "importance");
    } else if (!on_scale(r->performance)) {
        st = cvom_error_set(err, CVOM_EINVAL, "performance must lie between 1 and 7");
        name_field(err, "performance");
    } else if (!isfinite(r->cost) || r->cost < 0) {
        st = cvom_error_set(err, CVOM_EINVAL, "cost must be an amount of 0 or more");
        name_field(err, "cost");
    }
    return st;
}

enum cvom_status cvom_serving_assess(const struct cvom_serving_config *cfg,
                                     const struct cvom_offer_rating *r, size_t n,
                                     struct cvom_serving *out, struct cvom_error *err)
{
    enum cvom_status st = cvom_serving_config_validate(cfg, err);
    if (st)
        return st;
    struct cvom_serving s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < n; i++) {
        if ((st = cvom_offer_rating_validate(&r[i], err)) != CVOM_OK) {
            char msg[sizeof err->message];
            snprintf(msg, sizeof msg, "rating %zu: %.200s", i + 1, err ? err->message : "");
            return cvom_error_set(err, st, "%s", msg);
        }
        s.offerings++;
        s.total_cost += r[i].cost;
        s.by_quadrant[cvom_ip_classify(cfg, r[i].importance, r[i].performance)]++;
        if (r[i].importance < cfg->importance_threshold) {
            s.unvalued++;
            s.unvalued_cost += r[i].cost;
        }
    }
    s.share = s.total_cost > 0 ? s.unvalued_cost / s.total_cost : 0;
    s.overserved = s.total_cost > 0 && s.share > cfg->overserved_share;
    *out = s;
    return CVOM_OK;
}

void cvom_serving_tally(const struct cvom_serving *v, size_t n, struct cvom_serving_total *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (!v[i].offerings)
            continue;
        out->accounts++;
        out->total_cost += v[i].total_cost;
        out->unvalued_cost += v[i].unvalued_cost;
        if (v[i].overserved) {
            out->overserved++;
            out->overserved_unvalued_cost += v[i].unvalued_cost;
        }
    }
    out->share = out->total_cost > 0 ? out->unvalued_cost / out->total_cost : 0;
}
