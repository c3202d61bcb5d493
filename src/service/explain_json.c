/* explain_json.c — the explanation's JSON shape, shared by the command line and the API. */
#include "service/explain_json.h"

#include <math.h>

static json_t *num(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* Text is valid UTF-8 by the time it is stored; should it not be, null beats a lost key. */
static json_t *str(const char *s)
{
    json_t *v = json_string(s);
    return v ? v : json_null();
}

json_t *cvom__quadrant_json(enum cvom_state state, enum cvom_quadrant q)
{
    return state == CVOM_STATE_INSUFFICIENT ? json_null() : json_string(cvom_quadrant_name(q));
}

static json_t *spread_json(const struct cvom_explanation *ex, const struct cvom_spread *sp)
{
    json_t *pts = json_array();
    for (size_t k = 0; k < sp->n; k++) {
        const struct cvom_spread_point *p = &sp->points[k];
        json_array_append_new(pts, json_pack("{s:o, s:f, s:f, s:f, s:s, s:o, s:b}", "label",
                                             str(ex->respondents[p->respondent].label), "influence",
                                             p->influence, "intellectual", p->x, "emotional", p->y,
                                             "quadrant", cvom_quadrant_name(p->quadrant),
                                             "distance", num(p->distance), "weighs", p->weighs));
    }
    return json_pack("{s:o, s:b, s:i, s:f, s:o}", "spread", num(sp->spread), "split", sp->split,
                     "quadrants", sp->quadrants, "split_min_influence", CVOM_SPLIT_MIN_INFLUENCE,
                     "stakeholders", pts);
}

static json_t *health_json(const struct cvom_health *h, const struct cvom_instrument *ins)
{
    json_t *items = json_array();
    for (size_t k = 0; k < h->n_items && k < ins->n_items; k++) {
        const struct cvom_health_item *it = &h->items[k];
        if (it->measure < 0 || !it->answered)
            continue;
        json_array_append_new(items, json_pack("{s:o, s:s, s:i, s:o, s:o}", "item",
                                               str(ins->items[k].code), "measure",
                                               cvom_pillar_name((enum cvom_pillar)it->measure),
                                               "answered", it->answered, "mean", num(it->mean),
                                               "contribution", num(it->contribution)));
    }
    json_t *measures = json_object();
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++) {
        const struct cvom_pillar_score *ps = &h->measure[m];
        json_object_set_new(measures, cvom_pillar_name((enum cvom_pillar)m),
                            json_pack("{s:o, s:o, s:o, s:i, s:o}", "score", num(ps->value), "lo",
                                      num(ps->lo), "hi", num(ps->hi), "respondents",
                                      ps->respondents, "self", num(ps->self_value)));
    }
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:o}", "state",
                     cvom_health_state_name(h->state), "measures", measures, "pillars_mean",
                     num(h->pillars_mean), "cap", num(h->cap), "health", num(h->health), "capped",
                     isnan(h->health) ? json_null() : json_boolean(h->capped), "weakest",
                     h->weakest >= 0 ? json_string(cvom_pillar_name((enum cvom_pillar)h->weakest))
                                     : json_null(),
                     "respondents", h->respondents, "items", items);
}

static json_t *respondent_json(const struct cvom_explain_respondent *rp,
                               const struct cvom_instrument *ins)
{
    json_t *answers = json_array();
    for (size_t j = 0; j < rp->n_answers; j++) {
        const struct cvom_explain_answer *an = &rp->answers[j];
        json_array_append_new(answers, json_pack("{s:o, s:f, s:f, s:o, s:o}", "item",
                                                 str(ins->items[an->item].code), "raw", an->raw,
                                                 "score", an->score, "contribution_intellectual",
                                                 num(an->contribution[0]), "contribution_emotional",
                                                 num(an->contribution[1])));
    }
    return json_pack("{s:o, s:s, s:f, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "label",
                     str(rp->label), "kind", cvom_respondent_kind_name(rp->kind), "influence",
                     rp->influence, "counted_intellectual", rp->counted[0], "counted_emotional",
                     rp->counted[1], "score_intellectual", num(rp->score[0]), "score_emotional",
                     num(rp->score[1]), "share_intellectual", num(rp->share[0]), "share_emotional",
                     num(rp->share[1]), "contribution_intellectual", num(rp->contribution[0]),
                     "contribution_emotional", num(rp->contribution[1]), "answers", answers);
}

static json_t *signals_json(const struct cvom_explanation *ex, const struct cvom_signals_shown *sig)
{
    json_t *v = json_array();
    for (size_t i = 0; sig && i < sig->n && i < ex->blend.n; i++) {
        const struct cvom_signal_shown *g = &sig->v[i];
        char date[11];
        cvom_date_format(g->date, date);
        json_t *o = json_pack(
            "{s:o, s:o, s:s, s:s, s:s, s:f, s:s, s:f, s:f, s:b, s:o, s:o}", "name",
            str(g->sig.def.name), "label", str(g->sig.def.label), "axis",
            cvom_dim_name(g->sig.def.axis), "direction", g->sig.def.direction < 0 ? "-" : "+",
            "norm", cvom_norm_name(g->sig.def.norm), "raw", g->raw, "date", date, "score", g->score,
            "weight", g->sig.def.weight, "counted", ex->blend.counted[i], "share",
            num(ex->blend.counted[i] ? ex->blend.share[i] : NAN), "contribution",
            num(ex->blend.counted[i] ? ex->blend.contribution[i] : NAN));
        json_object_set_new(
            o, "source", json_string(g->sig.source == CVOM_SIGNAL_LEDGER ? "ledger" : "imported"));
        if (g->sig.source == CVOM_SIGNAL_LEDGER)
            json_object_set_new(o, "entries", json_integer(g->count));
        json_array_append_new(v, o);
    }
    return v;
}

static json_t *date_json(int32_t day)
{
    char d[11];
    if (day <= 0)
        return json_null();
    cvom_date_format(day, d);
    return json_string(d);
}

static json_t *gaps_json(unsigned gaps)
{
    json_t *v = json_array();
    for (int i = 0; i < CVOM_MAP_GAP_KINDS; i++)
        if (gaps & (1u << i))
            json_array_append_new(v, json_string(cvom_map_gap_name(1u << i)));
    return v;
}

json_t *cvom__account_map_json(const struct cvom_account_map *map)
{
    json_t *people = json_array();
    for (size_t i = 0; i < map->n; i++) {
        const struct cvom_map_entry *e = &map->e[i];
        const struct cvom_stakeholder *s = &e->s;
        json_array_append_new(
            people,
            json_pack("{s:I, s:o, s:o, s:f, s:s, s:o, s:i, s:b, s:o, s:o, s:o, s:o, s:o}", "id",
                      (json_int_t)s->id, "name", str(s->name), "role", str(s->role), "influence",
                      s->influence, "stance", cvom__stance_name(s->stance), "reports_to",
                      s->reports_to ? json_integer(s->reports_to) : json_null(), "depth", e->depth,
                      "decider", e->decider, "quadrant",
                      e->quadrant < 0
                          ? json_null()
                          : json_string(cvom_quadrant_name((enum cvom_quadrant)e->quadrant)),
                      "last_contact", date_json(s->last_contact), "channel",
                      s->channel ? json_string(cvom__channel_name(s->channel)) : json_null(),
                      "counterpart", str(s->counterpart), "gaps", gaps_json(e->gaps)));
    }
    return json_pack("{s:f, s:i, s:I, s:o}", "decider_influence", CVOM_MAP_DECIDER_INFLUENCE,
                     "contact_days", CVOM_MAP_CONTACT_DAYS, "flagged", (json_int_t)map->flagged,
                     "stakeholders", people);
}

json_t *cvom__explanation_json(const struct cvom_account *a, const struct cvom_explanation *ex,
                               const struct cvom_instrument *ins, int32_t as_of,
                               const struct cvom_signals_shown *sig, const struct cvom_spread *sp,
                               const struct cvom_health *h, const struct cvom_account_map *map)
{
    const struct cvom_score *s = &ex->score;
    json_t *axes = json_object();
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        json_object_set_new(
            axes, cvom_dim_name((enum cvom_dim)d),
            json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o}", "value", num(s->value[d]),
                      "lo", num(s->lo[d]), "hi", num(s->hi[d]), "se", num(s->se[d]), "respondents",
                      s->respondents[d], "self", num(s->self_value[d]), "distance_to_threshold",
                      num(ex->distance[d]), "survey", num(ex->blend.survey[d]), "survey_share",
                      num(isnan(s->value[d]) ? NAN : ex->blend.survey_share[d])));
    json_t *resp = json_array();
    for (size_t i = 0; i < ex->n_respondents; i++)
        json_array_append_new(resp, respondent_json(&ex->respondents[i], ins));
    json_t *items = json_array();
    for (size_t j = 0; j < ex->n_items; j++) {
        const struct cvom_explain_item *it = &ex->items[j];
        if (!it->answered)
            continue;
        json_array_append_new(
            items,
            json_pack("{s:o, s:s, s:o, s:o, s:o, s:o}", "item", str(ins->items[j].code), "axis",
                      cvom_axis_name(ins->items[j].axis), "contribution_intellectual",
                      num(it->contribution[0]), "contribution_emotional", num(it->contribution[1]),
                      "sensitivity_intellectual", num(it->sensitivity[0]), "sensitivity_emotional",
                      num(it->sensitivity[1])));
    }
    char date[11] = "";
    if (as_of)
        cvom_date_format(as_of, date);
    return json_pack("{s:I, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "account_id",
                     (json_int_t)a->id, "name", str(a->name), "as_of", date, "axes", axes,
                     "quadrant", cvom__quadrant_json(s->state, s->quadrant), "state",
                     cvom_state_name(s->state), "respondents", resp, "items", items, "signals",
                     signals_json(ex, sig), "stakeholders_on_matrix", spread_json(ex, sp),
                     "partnership", health_json(h, ins), "relationship_map",
                     cvom__account_map_json(map));
}
