/* score.c — scoring as product.md states it once: item scores 0–100, respondents' weighted
 * means per axis, the account's influence-weighted mean with a t interval, quadrant and
 * evidence state. */
#include "cvom.h"
#include "core/internal.h"

#include <math.h>
#include <string.h>

void cvom_config_init(struct cvom_config *cfg)
{
    cfg->threshold[CVOM_DIM_INTELLECTUAL] = 50.0;
    cfg->threshold[CVOM_DIM_EMOTIONAL] = 50.0;
    cfg->confidence = 0.90;
    cfg->min_respondents = 1;
    cfg->include_self = 0;
    cfg->validity_days = 180;
    cfg->survey_weight = 1.0;
    cfg->tcache = NULL;
}

double cvom_t_quantile_cached(struct cvom_tcache *c, double confidence, double df)
{
    if (!c || !(df > 0) || df > CVOM_TCACHE_DF_MAX)
        return cvom_t_quantile(confidence, df);
    if (c->confidence != confidence) {
        memset(c->t, 0, sizeof c->t);
        memset(c->fraction, 0, sizeof c->fraction);
        c->confidence = confidence;
    }
    if (df != floor(df)) {
        /* Weighted respondents give fractional df, but a portfolio repeats a few thousand
         * of them: the same df, bit for bit, gives the same quantile. */
        uint64_t bits;
        memcpy(&bits, &df, sizeof bits);
        size_t slot = (size_t)((bits * 0x9E3779B97F4A7C15ULL) >> 52) % CVOM_TCACHE_FRACTIONS;
        if (c->fraction[slot].df != df) {
            c->fraction[slot].df = df;
            c->fraction[slot].t = cvom_t_quantile(confidence, df);
        }
        return c->fraction[slot].t;
    }
    size_t i = (size_t)df;
    if (c->t[i] == 0)
        c->t[i] = cvom_t_quantile(confidence, df);
    return c->t[i];
}

enum cvom_status cvom_config_validate(const struct cvom_config *cfg, struct cvom_error *err)
{
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (!(cfg->threshold[d] > 0 && cfg->threshold[d] < 100))
            return cvom_error_set(err, CVOM_EINVAL, "the %s threshold must lie between 0 and 100",
                                  cvom_dim_name((enum cvom_dim)d));
    if (!(cfg->confidence >= 0.5 && cfg->confidence < 1))
        return cvom_error_set(err, CVOM_EINVAL, "confidence must lie in [0.5, 1)");
    if (cfg->min_respondents < 1 || cfg->min_respondents > 1000)
        return cvom_error_set(err, CVOM_EINVAL, "min_respondents must lie in 1..1000");
    if (cfg->validity_days < 1)
        return cvom_error_set(err, CVOM_EINVAL, "validity_days must be 1 or more");
    if (!(cfg->survey_weight > 0 && cfg->survey_weight <= CVOM_SIGNAL_WEIGHT_MAX))
        return cvom_error_set(err, CVOM_EINVAL, "signals.survey_weight must lie in (0, %g]",
                              CVOM_SIGNAL_WEIGHT_MAX);
    return CVOM_OK;
}

void cvom_acc_merge(struct cvom_acc *into, const struct cvom_acc *from)
{
    into->sw += from->sw;
    into->swx += from->swx;
    into->swx2 += from->swx2;
    into->sw2 += from->sw2;
    into->n += from->n;
}

double cvom_acc_mean(const struct cvom_acc *a)
{
    return a->n ? a->swx / a->sw : NAN;
}

double cvom_acc_se(const struct cvom_acc *a, double *df)
{
    if (a->n < 2 || !(a->sw > 0))
        return NAN;
    double n_eff = a->sw * a->sw / a->sw2;
    if (!(n_eff > 1.0 + 1e-12))
        return NAN;
    double m = a->swx / a->sw;
    double v = a->swx2 / a->sw - m * m;
    /* Scores are bounded to 0–100, so the one-pass variance loses at most ~1e-12 relative;
     * clamp the rounding noise of identical values to an exact zero. */
    if (v < 1e-12 * (a->swx2 / a->sw))
        v = 0;
    if (df)
        *df = n_eff - 1.0;
    return sqrt(v / (n_eff - 1.0));
}

enum cvom_status cvom_respondent_answer(struct cvom_respondent *r, const struct cvom_item *item,
                                        double raw)
{
    double s;
    if (cvom_item_normalise(item, raw, &s))
        return CVOM_EINVAL;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (cvom_item_on_dim(item, (enum cvom_dim)d))
            cvom_acc_add(&r->dim[d], item->weight, s);
    return CVOM_OK;
}

enum cvom_quadrant cvom_classify(const struct cvom_config *cfg, double intellectual,
                                 double emotional)
{
    int hi_i = intellectual >= cfg->threshold[CVOM_DIM_INTELLECTUAL] - CVOM_ON_LINE;
    int hi_e = emotional >= cfg->threshold[CVOM_DIM_EMOTIONAL] - CVOM_ON_LINE;
    if (hi_i && hi_e)
        return CVOM_Q_PARTNERSHIP;
    if (hi_i)
        return CVOM_Q_INTELLECTUAL;
    if (hi_e)
        return CVOM_Q_EMOTIONAL;
    return CVOM_Q_TRANSACTIONAL;
}

int cvom_interval_crosses(double lo, double hi, double line)
{
    if (fabs(hi - lo) <= CVOM_ON_LINE && fabs(lo - line) <= CVOM_ON_LINE)
        return 1;
    return lo < line - CVOM_ON_LINE && hi > line + CVOM_ON_LINE;
}

unsigned cvom_borderline_axes(const struct cvom_score *s, const double threshold[CVOM_DIM_COUNT])
{
    unsigned axes = 0;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (cvom_interval_crosses(s->lo[d], s->hi[d], threshold[d]))
            axes |= 1u << d;
    return axes;
}

static int counts(const struct cvom_config *cfg, const struct cvom_respondent *r)
{
    return r->kind == CVOM_RESP_CUSTOMER || cfg->include_self;
}

/* One axis: the influence-weighted mean of counted respondents' scores and its interval. */
static void score_dim(const struct cvom_config *cfg, int min_items, const struct cvom_respondent *r,
                      size_t n, int d, struct cvom_score *out)
{
    struct cvom_acc acc = {0}, self = {0};
    const struct cvom_respondent *only = NULL;
    for (size_t i = 0; i < n; i++) {
        if (r[i].dim[d].n < (uint32_t)min_items)
            continue;
        double s = cvom_acc_mean(&r[i].dim[d]);
        if (r[i].kind == CVOM_RESP_SELF)
            cvom_acc_add(&self, r[i].influence, s);
        if (counts(cfg, &r[i])) {
            cvom_acc_add(&acc, r[i].influence, s);
            only = &r[i];
        }
    }
    out->self_value[d] = cvom_acc_mean(&self);
    out->respondents[d] = (int)acc.n;
    out->value[d] = out->se[d] = out->lo[d] = out->hi[d] = out->half[d] = NAN;
    if (acc.n == 0 || acc.n < (uint32_t)cfg->min_respondents)
        return;
    double v = cvom_acc_mean(&acc), df = NAN;
    /* A lone respondent's uncertainty comes from the spread of their own items. */
    double se = acc.n >= 2 ? cvom_acc_se(&acc, &df) : cvom_acc_se(&only->dim[d], &df);
    out->value[d] = v;
    out->se[d] = se;
    if (isnan(se))
        return;
    double half = se > 0 ? cvom_t_quantile_cached(cfg->tcache, cfg->confidence, df) * se : 0.0;
    out->half[d] = half;
    out->lo[d] = fmax(0.0, v - half);
    out->hi[d] = fmin(100.0, v + half);
}

enum cvom_status cvom_score_account(const struct cvom_config *cfg, int min_items,
                                    const struct cvom_respondent *r, size_t n,
                                    struct cvom_score *out)
{
    if (cvom_config_validate(cfg, NULL) || min_items < 1)
        return CVOM_EINVAL;
    struct cvom_score s;
    memset(&s, 0, sizeof s);
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        score_dim(cfg, min_items, r, n, d, &s);
    cvom__score_settle(cfg, &s);
    *out = s;
    return CVOM_OK;
}

void cvom__score_settle(const struct cvom_config *cfg, struct cvom_score *s)
{
    s->quadrant = cvom_classify(cfg, s->value[0], s->value[1]);
    s->state = CVOM_STATE_OK;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (isnan(s->value[d]))
            s->state = CVOM_STATE_INSUFFICIENT;
    if (s->state == CVOM_STATE_OK && cvom_borderline_axes(s, cfg->threshold))
        s->state = CVOM_STATE_BORDERLINE;
}
