/* explain.c — why an account sits where it does: each answer's and each respondent's part
 * in the score, each item's total and how strongly it moves the score. */
#include "cvom.h"
#include "core/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cvom_explanation_cleanup(struct cvom_explanation *ex)
{
    if (!ex)
        return;
    for (size_t i = 0; i < ex->n_respondents; i++)
        free(ex->respondents[i].answers);
    free(ex->respondents);
    free(ex->items);
    memset(ex, 0, sizeof *ex);
}

static enum cvom_status load_set(const struct cvom_instrument *ins,
                                 const struct cvom_answer_set *set, struct cvom_respondent *r,
                                 struct cvom_explain_respondent *er, struct cvom_error *err)
{
    r->kind = set->kind;
    r->influence = set->influence;
    er->kind = set->kind;
    er->influence = set->influence;
    snprintf(er->label, sizeof er->label, "%s", set->label ? set->label : "");
    if (!(set->influence > 0) || !isfinite(set->influence))
        return cvom_error_set(err, CVOM_EINVAL, "respondent %s: influence must be positive",
                              er->label);
    er->answers = calloc(set->n ? set->n : 1, sizeof *er->answers);
    if (!er->answers)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t j = 0; j < set->n; j++) {
        if (set->items[j] >= ins->n_items)
            return cvom_error_set(err, CVOM_EINVAL, "respondent %s: no such item", er->label);
        const struct cvom_item *it = &ins->items[set->items[j]];
        struct cvom_explain_answer *a = &er->answers[er->n_answers++];
        a->item = set->items[j];
        a->raw = set->raw[j];
        if (cvom_item_normalise(it, a->raw, &a->score))
            return cvom_error_set(err, CVOM_EINVAL,
                                  "respondent %s: answer %g to %s is outside %d..%d", er->label,
                                  a->raw, it->code, it->scale_min, it->scale_max);
        cvom_respondent_answer(r, it, a->raw);
    }
    return CVOM_OK;
}

/* Shares, contributions and sensitivities on axis d, given the respondents' sums. */
static void attribute(const struct cvom_config *cfg, const struct cvom_instrument *ins,
                      const struct cvom_respondent *r, struct cvom_explanation *ex, int d)
{
    double total = 0;
    for (size_t i = 0; i < ex->n_respondents; i++) {
        struct cvom_explain_respondent *er = &ex->respondents[i];
        er->score[d] =
            r[i].dim[d].n >= (uint32_t)ins->min_items ? cvom_acc_mean(&r[i].dim[d]) : NAN;
        er->counted[d] = !isnan(er->score[d]) && !isnan(ex->score.value[d]) &&
                         (r[i].kind == CVOM_RESP_CUSTOMER || cfg->include_self);
        if (er->counted[d])
            total += r[i].influence;
    }
    for (size_t i = 0; i < ex->n_respondents; i++) {
        struct cvom_explain_respondent *er = &ex->respondents[i];
        if (!er->counted[d])
            continue;
        er->share[d] = r[i].influence / total;
        er->contribution[d] = er->share[d] * er->score[d];
        double sw = r[i].dim[d].sw;
        for (size_t j = 0; j < er->n_answers; j++) {
            struct cvom_explain_answer *a = &er->answers[j];
            const struct cvom_item *it = &ins->items[a->item];
            if (!cvom_item_on_dim(it, (enum cvom_dim)d))
                continue;
            a->contribution[d] = er->share[d] * it->weight * a->score / sw;
            struct cvom_explain_item *ei = &ex->items[a->item];
            ei->contribution[d] += a->contribution[d];
            ei->headroom[d] += er->share[d] * it->weight * (100.0 - a->score) / sw;
            double per_point = 100.0 / (it->scale_max - it->scale_min);
            ei->sensitivity[d] +=
                er->share[d] * it->weight / sw * (it->reverse ? -per_point : per_point);
        }
    }
    ex->distance[d] = cfg->threshold[d] - ex->score.value[d];
}

enum cvom_status cvom_explain(const struct cvom_config *cfg, const struct cvom_instrument *ins,
                              const struct cvom_answer_set *sets, size_t n,
                              struct cvom_explanation *out, struct cvom_error *err)
{
    enum cvom_status st = cvom_config_validate(cfg, err);
    if (st)
        return st;
    struct cvom_explanation ex;
    memset(&ex, 0, sizeof ex);
    struct cvom_respondent *r = calloc(n ? n : 1, sizeof *r);
    ex.respondents = calloc(n ? n : 1, sizeof *ex.respondents);
    ex.items = calloc(ins->n_items ? ins->n_items : 1, sizeof *ex.items);
    if (!r || !ex.respondents || !ex.items) {
        st = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
        goto fail;
    }
    ex.n_items = ins->n_items;
    for (size_t i = 0; i < n; i++) {
        ex.n_respondents = i + 1;
        st = load_set(ins, &sets[i], &r[i], &ex.respondents[i], err);
        if (st)
            goto fail;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < ex.respondents[i].n_answers; j++)
            ex.items[ex.respondents[i].answers[j].item].answered++;
    st = cvom_score_account(cfg, ins->min_items, r, n, &ex.score);
    if (st)
        goto fail;
    ex.blend.survey_weight = cfg->survey_weight;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        attribute(cfg, ins, r, &ex, d);
        ex.blend.survey[d] = ex.score.value[d];
        ex.blend.survey_share[d] = 1.0;
    }
    free(r);
    *out = ex;
    return CVOM_OK;
fail:
    free(r);
    cvom_explanation_cleanup(&ex);
    return st;
}

static int by_reach(const void *x, const void *y)
{
    const struct cvom_lever *a = x, *b = y;
    if (a->reach != b->reach)
        return a->reach < b->reach ? 1 : -1;
    return (a->item > b->item) - (a->item < b->item);
}

enum cvom_status cvom_explain_move(const struct cvom_explanation *ex, enum cvom_dim d,
                                   struct cvom_move *out)
{
    if ((unsigned)d >= CVOM_DIM_COUNT || isnan(ex->distance[d]))
        return CVOM_EINVAL;
    struct cvom_move m;
    m.rise = ex->distance[d] > 0;
    m.distance = fabs(ex->distance[d]);
    m.n = 0;
    m.total = 0;
    for (size_t j = 0; j < ex->n_items && m.n < CVOM_ITEMS_MAX; j++) {
        const struct cvom_explain_item *it = &ex->items[j];
        double reach = m.rise ? it->headroom[d] : it->contribution[d];
        /* Below a hundredth of a point an item moves nothing anyone would act on. */
        if (it->answered && reach > 0.005) {
            m.levers[m.n].item = j;
            m.levers[m.n++].reach = reach;
            m.total += reach;
        }
    }
    cvom__sort(m.levers, m.n, sizeof *m.levers, by_reach);
    double sum = 0;
    m.needed = 0;
    for (size_t k = 0; k < m.n && sum < m.distance; k++) {
        sum += m.levers[k].reach;
        if (sum >= m.distance)
            m.needed = k + 1;
    }
    *out = m;
    return CVOM_OK;
}

int cvom_explain_nearest(const struct cvom_explanation *ex)
{
    int nearest = -1;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (!isnan(ex->distance[d]) &&
            (nearest < 0 || fabs(ex->distance[d]) < fabs(ex->distance[nearest])))
            nearest = d;
    return nearest;
}
