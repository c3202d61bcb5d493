/* pillars.c — partnership health and the stakeholders' spread on the matrix. Both read an
 * explanation: health scores the pillars and trust from its answers the way the axes are
 * scored and gates the pillars' mean by trust; the spread places each stakeholder at its
 * own scores and measures how far apart they sit. */
#include "cvom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The same tolerance as the quadrant lines: a score a rounding error below a level is on it. */

static const char *const pillar_names[CVOM_PILLAR_COUNT] = {
    [CVOM_PILLAR_PASSION] = "passion",   [CVOM_PILLAR_RESONANCE] = "resonance",
    [CVOM_PILLAR_SECURITY] = "security", [CVOM_PILLAR_CREATIVITY] = "creativity",
    [CVOM_PILLAR_TRUST] = "trust",
};
static const char *const pillar_titles[CVOM_PILLAR_COUNT] = {
    [CVOM_PILLAR_PASSION] = "Passion",   [CVOM_PILLAR_RESONANCE] = "Resonance",
    [CVOM_PILLAR_SECURITY] = "Security", [CVOM_PILLAR_CREATIVITY] = "Creativity",
    [CVOM_PILLAR_TRUST] = "Trust",
};
static const char *const health_state_names[CVOM_HEALTH_STATE_COUNT] = {
    [CVOM_HEALTH_OK] = "ok",
    [CVOM_HEALTH_PARTIAL] = "partial",
    [CVOM_HEALTH_NONE] = "none",
};
static const char *const trend_names[CVOM_TREND_COUNT] = {
    [CVOM_TREND_UNKNOWN] = "",          [CVOM_TREND_HELD] = "held",
    [CVOM_TREND_CRUMBLED] = "crumbled", [CVOM_TREND_REBUILT] = "rebuilt",
    [CVOM_TREND_WEAK] = "weak",
};

const char *cvom_pillar_name(enum cvom_pillar p)
{
    return (unsigned)p < CVOM_PILLAR_COUNT ? pillar_names[p] : "?";
}

const char *cvom_pillar_title(enum cvom_pillar p)
{
    return (unsigned)p < CVOM_PILLAR_COUNT ? pillar_titles[p] : "?";
}

const char *cvom_health_state_name(enum cvom_health_state s)
{
    return (unsigned)s < CVOM_HEALTH_STATE_COUNT ? health_state_names[s] : "?";
}

const char *cvom_pillar_trend_name(enum cvom_pillar_trend t)
{
    return (unsigned)t < CVOM_TREND_COUNT ? trend_names[t] : "?";
}

int cvom_axis_pillar(enum cvom_axis a)
{
    if (a < CVOM_AXIS_PASSION || a > CVOM_AXIS_TRUST)
        return -1;
    return (int)(a - CVOM_AXIS_PASSION);
}

double cvom_health_gate(double pillars_mean, double trust, double margin, int *capped)
{
    if (isnan(pillars_mean) || isnan(trust) || isnan(margin)) {
        if (capped)
            *capped = 0;
        return NAN;
    }
    double cap = trust + margin;
    if (capped)
        *capped = cap < pillars_mean - CVOM_ON_LINE;
    return fmin(pillars_mean, cap);
}

static int sound(double v)
{
    return v >= CVOM_PILLAR_SOUND - CVOM_ON_LINE;
}

enum cvom_pillar_trend cvom_pillar_trend_between(double before, double now)
{
    if (isnan(before) || isnan(now))
        return CVOM_TREND_UNKNOWN;
    if (sound(before))
        return sound(now) ? CVOM_TREND_HELD : CVOM_TREND_CRUMBLED;
    return sound(now) ? CVOM_TREND_REBUILT : CVOM_TREND_WEAK;
}

/* ---- partnership health ---------------------------------------------------------------- */

void cvom_health_cleanup(struct cvom_health *h)
{
    if (!h)
        return;
    free(h->respondents_detail);
    free(h->items);
    h->respondents_detail = NULL;
    h->items = NULL;
    h->n_respondents = h->n_items = 0;
}

static int counts(const struct cvom_config *cfg, enum cvom_respondent_kind k)
{
    return k == CVOM_RESP_CUSTOMER || cfg->include_self;
}

/* Each respondent's item accumulators per measure: the same sums the axes keep. */
static void respondent_sums(const struct cvom_instrument *ins,
                            const struct cvom_explain_respondent *er,
                            struct cvom_acc acc[CVOM_PILLAR_COUNT])
{
    memset(acc, 0, CVOM_PILLAR_COUNT * sizeof *acc);
    for (size_t j = 0; j < er->n_answers; j++) {
        const struct cvom_item *it = &ins->items[er->answers[j].item];
        int m = cvom_axis_pillar(it->axis);
        if (m >= 0)
            cvom_acc_add(&acc[m], it->weight, er->answers[j].score);
    }
}

/* The account's score on measure m from the respondents' sums, as score.c does an axis. */
static void score_measure(const struct cvom_config *cfg, const struct cvom_explanation *ex,
                          const struct cvom_acc (*sums)[CVOM_PILLAR_COUNT], int m,
                          struct cvom_pillar_score *out)
{
    struct cvom_acc acc = {0}, self = {0};
    const struct cvom_acc *only = NULL;
    for (size_t i = 0; i < ex->n_respondents; i++) {
        const struct cvom_explain_respondent *er = &ex->respondents[i];
        if (sums[i][m].n == 0)
            continue;
        double s = cvom_acc_mean(&sums[i][m]);
        if (er->kind == CVOM_RESP_SELF)
            cvom_acc_add(&self, er->influence, s);
        if (counts(cfg, er->kind)) {
            cvom_acc_add(&acc, er->influence, s);
            only = &sums[i][m];
        }
    }
    out->self_value = cvom_acc_mean(&self);
    out->respondents = (int)acc.n;
    out->value = out->se = out->lo = out->hi = NAN;
    if (acc.n == 0 || acc.n < (uint32_t)cfg->min_respondents)
        return;
    double df = NAN;
    /* A lone respondent's uncertainty comes from the spread of their own items. */
    double se = acc.n >= 2 ? cvom_acc_se(&acc, &df) : cvom_acc_se(only, &df);
    out->value = cvom_acc_mean(&acc);
    out->se = se;
    if (isnan(se))
        return;
    double half = se > 0 ? cvom_t_quantile_cached(cfg->tcache, cfg->confidence, df) * se : 0.0;
    out->lo = fmax(0.0, out->value - half);
    out->hi = fmin(100.0, out->value + half);
}

/* Shares of the counted respondents and what each answered item adds to its measure. */
static void attribute(const struct cvom_config *cfg, const struct cvom_instrument *ins,
                      const struct cvom_explanation *ex,
                      const struct cvom_acc (*sums)[CVOM_PILLAR_COUNT], struct cvom_health *h)
{
    double total[CVOM_PILLAR_COUNT] = {0};
    for (size_t i = 0; i < ex->n_respondents; i++) {
        struct cvom_health_respondent *hr = &h->respondents_detail[i];
        int any = 0;
        for (int m = 0; m < CVOM_PILLAR_COUNT; m++) {
            hr->score[m] = cvom_acc_mean(&sums[i][m]);
            hr->item_weight[m] = sums[i][m].sw;
            hr->counted[m] = !isnan(hr->score[m]) && !isnan(h->measure[m].value) &&
                             counts(cfg, ex->respondents[i].kind);
            if (hr->counted[m])
                total[m] += ex->respondents[i].influence;
            any |= !isnan(hr->score[m]) && counts(cfg, ex->respondents[i].kind);
        }
        h->respondents += any;
    }
    double sw_item[CVOM_ITEMS_MAX] = {0}, swx_item[CVOM_ITEMS_MAX] = {0};
    for (size_t i = 0; i < ex->n_respondents; i++) {
        struct cvom_health_respondent *hr = &h->respondents_detail[i];
        const struct cvom_explain_respondent *er = &ex->respondents[i];
        for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
            hr->share[m] = hr->counted[m] ? er->influence / total[m] : 0.0;
        for (size_t j = 0; j < er->n_answers; j++) {
            size_t k = er->answers[j].item;
            int m = h->items[k].measure;
            if (m < 0 || !hr->counted[m])
                continue;
            const struct cvom_item *it = &ins->items[k];
            h->items[k].answered++;
            h->items[k].contribution +=
                hr->share[m] * it->weight * er->answers[j].score / hr->item_weight[m];
            sw_item[k] += er->influence;
            swx_item[k] += er->influence * er->answers[j].score;
        }
    }
    for (size_t k = 0; k < h->n_items; k++)
        h->items[k].mean = h->items[k].answered ? swx_item[k] / sw_item[k] : NAN;
}

/* Pillars' mean, the trust gate, the weakest pillar and the state. */
static void gate(struct cvom_health *h)
{
    int scored = 0;
    double sum = 0;
    h->weakest = -1;
    for (int p = 0; p < CVOM_PILLARS; p++) {
        double v = h->measure[p].value;
        if (isnan(v))
            continue;
        scored++;
        sum += v;
        if (h->weakest < 0 || v < h->measure[h->weakest].value)
            h->weakest = p;
    }
    double trust = h->measure[CVOM_PILLAR_TRUST].value;
    h->pillars_mean = scored == CVOM_PILLARS ? sum / CVOM_PILLARS : NAN;
    h->cap = trust + CVOM_HEALTH_TRUST_MARGIN;
    h->health = cvom_health_gate(h->pillars_mean, trust, CVOM_HEALTH_TRUST_MARGIN, &h->capped);
    if (!isnan(h->health))
        h->state = CVOM_HEALTH_OK;
    else if (h->respondents > 0)
        h->state = CVOM_HEALTH_PARTIAL;
    else
        h->state = CVOM_HEALTH_NONE;
}

enum cvom_status cvom_partnership_health(const struct cvom_config *cfg,
                                         const struct cvom_instrument *ins,
                                         const struct cvom_explanation *ex, struct cvom_health *out)
{
    if (cvom_config_validate(cfg, NULL) || ex->n_items != ins->n_items ||
        ins->n_items > CVOM_ITEMS_MAX)
        return CVOM_EINVAL;
    for (size_t i = 0; i < ex->n_respondents; i++)
        for (size_t j = 0; j < ex->respondents[i].n_answers; j++)
            if (ex->respondents[i].answers[j].item >= ins->n_items)
                return CVOM_EINVAL;
    struct cvom_health h;
    memset(&h, 0, sizeof h);
    size_t nr = ex->n_respondents ? ex->n_respondents : 1;
    struct cvom_acc(*sums)[CVOM_PILLAR_COUNT] = calloc(nr, sizeof *sums);
    h.respondents_detail = calloc(nr, sizeof *h.respondents_detail);
    h.items = calloc(ins->n_items ? ins->n_items : 1, sizeof *h.items);
    if (!sums || !h.respondents_detail || !h.items) {
        free(sums);
        cvom_health_cleanup(&h);
        return CVOM_ENOMEM;
    }
    h.n_respondents = ex->n_respondents;
    h.n_items = ins->n_items;
    for (size_t k = 0; k < ins->n_items; k++)
        h.items[k].measure = cvom_axis_pillar(ins->items[k].axis);
    for (size_t i = 0; i < ex->n_respondents; i++)
        respondent_sums(ins, &ex->respondents[i], sums[i]);
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
        score_measure(cfg, ex, (const struct cvom_acc(*)[CVOM_PILLAR_COUNT])sums, m, &h.measure[m]);
    attribute(cfg, ins, ex, (const struct cvom_acc(*)[CVOM_PILLAR_COUNT])sums, &h);
    gate(&h);
    free(sums);
    *out = h;
    return CVOM_OK;
}

double cvom_health_answer_contribution(const struct cvom_health *h,
                                       const struct cvom_instrument *ins,
                                       const struct cvom_explanation *ex, size_t r, size_t a)
{
    if (r >= ex->n_respondents || r >= h->n_respondents || a >= ex->respondents[r].n_answers)
        return NAN;
    const struct cvom_explain_answer *ans = &ex->respondents[r].answers[a];
    if (ans->item >= ins->n_items)
        return NAN;
    const struct cvom_item *it = &ins->items[ans->item];
    int m = cvom_axis_pillar(it->axis);
    const struct cvom_health_respondent *hr = &h->respondents_detail[r];
    if (m < 0 || !hr->counted[m])
        return NAN;
    return hr->share[m] * it->weight * ans->score / hr->item_weight[m];
}

/* ---- stakeholders on the matrix -------------------------------------------------------- */

void cvom_spread_cleanup(struct cvom_spread *s)
{
    if (!s)
        return;
    free(s->points);
    s->points = NULL;
    s->n = 0;
}

/* The weighted root-mean-square distance of the points from the account's point. */
static double standard_distance(const struct cvom_spread *s)
{
    double sw = 0, swd2 = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (isnan(s->points[i].distance))
            return NAN;
        sw += s->points[i].influence;
        swd2 += s->points[i].influence * s->points[i].distance * s->points[i].distance;
    }
    return s->n >= 2 && sw > 0 ? sqrt(swd2 / sw) : NAN;
}

enum cvom_status cvom_stakeholder_spread(const struct cvom_config *cfg,
                                         const struct cvom_explanation *ex, struct cvom_spread *out)
{
    if (cvom_config_validate(cfg, NULL))
        return CVOM_EINVAL;
    struct cvom_spread s;
    memset(&s, 0, sizeof s);
    s.points = calloc(ex->n_respondents ? ex->n_respondents : 1, sizeof *s.points);
    if (!s.points)
        return CVOM_ENOMEM;
    /* Around the stakeholders' own combined point: signals move the account, not them. */
    double ax = ex->blend.survey[CVOM_DIM_INTELLECTUAL], ay = ex->blend.survey[CVOM_DIM_EMOTIONAL];
    int seen[CVOM_Q_COUNT] = {0};
    for (size_t i = 0; i < ex->n_respondents; i++) {
        const struct cvom_explain_respondent *er = &ex->respondents[i];
        double x = er->score[CVOM_DIM_INTELLECTUAL], y = er->score[CVOM_DIM_EMOTIONAL];
        if (er->kind != CVOM_RESP_CUSTOMER || isnan(x) || isnan(y))
            continue;
        struct cvom_spread_point *p = &s.points[s.n++];
        p->respondent = i;
        p->influence = er->influence;
        p->x = x;
        p->y = y;
        p->quadrant = cvom_classify(cfg, x, y);
        p->distance = hypot(x - ax, y - ay); /* NaN when the account has no point */
        /* The same tolerance as a line: an influence typed as 0.5 is 0.5. */
        p->weighs = er->influence >= CVOM_SPLIT_MIN_INFLUENCE - CVOM_ON_LINE;
        if (p->weighs && !seen[p->quadrant]++)
            s.quadrants++;
    }
    s.spread = standard_distance(&s);
    s.split = s.quadrants >= 2;
    *out = s;
    return CVOM_OK;
}
