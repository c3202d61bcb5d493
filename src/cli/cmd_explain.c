/* cmd_explain.c — `cvom explain ACCOUNT`: every respondent's and item's part in the
 * account's position, what would move it across the nearest threshold, where its
 * stakeholders sit on the matrix, and how its partnership pillars stand. */
#include "cli/cli.h"

#include "service/explain_json.h"
#include "io/util.h"
#include "service/accounts.h"
#include "service/groups.h"
#include "service/relmap.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const dim_title[CVOM_DIM_COUNT] = {"Intellectual", "Emotional"};

static void print_scores(const struct cvom_explanation *ex, const struct cvom_config *cfg)
{
    const struct cvom_score *s = &ex->score;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        if (isnan(s->value[d])) {
            printf("  %-13s no score: no respondent answered enough items on this axis\n",
                   dim_title[d]);
            continue;
        }
        printf("  %-13s %5.1f", dim_title[d], s->value[d]);
        if (!isnan(s->lo[d]))
            printf("   %2.0f %% interval %.1f–%.1f", cfg->confidence * 100, s->lo[d], s->hi[d]);
        printf("   threshold %g, %d respondent%s\n", cfg->threshold[d], s->respondents[d],
               s->respondents[d] == 1 ? "" : "s");
    }
    if (!isnan(s->self_value[0]) || !isnan(s->self_value[1])) {
        printf("  Our own view (self-assessment):");
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            char v[16];
            fmt_num(v, sizeof v, s->self_value[d], 1);
            printf(" %s %s", cvom_dim_name((enum cvom_dim)d), v[0] ? v : "—");
            if (v[0] && !isnan(s->value[d]))
                printf(" (gap %+.1f)", s->self_value[d] - s->value[d]);
        }
        printf("\n");
    }
}

/* What the survey and each signal add to each axis. */
static void print_signals(const struct cvom_explanation *ex, const struct cvom_signals_shown *sig)
{
    const struct cvom_blend *b = &ex->blend;
    printf("\nSignals: CRM and finance measures blended with the survey (weight %g)\n",
           b->survey_weight);
    printf("  %-22s %-12s %12s %6s %6s %7s %8s\n", "", "axis", "raw", "score", "weight", "share",
           "adds");
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (!isnan(b->survey[d]) && b->survey_share[d] < 1)
            printf("  %-22s %-12s %12s %6.1f %6s %6.1f%% %8.2f\n", "survey",
                   cvom_dim_name((enum cvom_dim)d), "", b->survey[d], "", 100 * b->survey_share[d],
                   b->survey_share[d] * b->survey[d]);
    for (size_t i = 0; i < sig->n && i < b->n; i++) {
        const struct cvom_signal_shown *g = &sig->v[i];
        char raw[32], date[11], w[16];
        snprintf(raw, sizeof raw, "%.4g", g->raw);
        snprintf(w, sizeof w, "%g", g->sig.def.weight);
        cvom_date_format(g->date, date);
        if (b->counted[i])
            printf("  %-22.22s %-12s %12s %6.1f %6s %6.1f%% %8.2f\n", g->sig.def.name,
                   cvom_dim_name(g->sig.def.axis), raw, g->score, w, 100 * b->share[i],
                   b->contribution[i]);
        else
            printf("  %-22.22s %-12s %12s %6.1f %6s  not counted: the axis has no survey "
                   "score\n",
                   g->sig.def.name, cvom_dim_name(g->sig.def.axis), raw, g->score, w);
        if (g->sig.source == CVOM_SIGNAL_LEDGER)
            printf("  %-22s mean rating of %d ledger entr%s in the year to %s\n", "", g->count,
                   g->count == 1 ? "y" : "ies", date);
        else
            printf("  %-22s %s%s%s, measured %s\n", "", g->sig.def.label,
                   g->sig.def.label[0] ? "; " : "",
                   g->sig.def.direction < 0 ? "more is less value" : "more is more value", date);
    }
}

static void print_respondents(const struct cvom_explanation *ex)
{
    printf("\nRespondents: each one's score, share of the weight, and the points it adds\n");
    printf("  %-28s %9s  %-22s %-22s\n", "", "influence", "intellectual", "emotional");
    double sum[CVOM_DIM_COUNT] = {0};
    for (size_t i = 0; i < ex->n_respondents; i++) {
        const struct cvom_explain_respondent *r = &ex->respondents[i];
        char label[CVOM_NAME_MAX + 16];
        snprintf(label, sizeof label, "%s%s", r->label,
                 r->kind == CVOM_RESP_SELF ? " (our view)" : "");
        printf("  %-28.28s %9.2f ", label, r->influence);
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            char cell[40];
            if (r->counted[d])
                snprintf(cell, sizeof cell, "%5.1f × %4.1f%% = %5.2f", r->score[d],
                         100 * r->share[d], r->contribution[d]);
            else if (!isnan(r->score[d]))
                snprintf(cell, sizeof cell, "%5.1f (not counted)", r->score[d]);
            else
                snprintf(cell, sizeof cell, "  — too few answers");
            printf(" %-22s", cell);
            sum[d] += r->contribution[d];
        }
        printf("\n");
    }
    printf("  %-39s", ex->blend.n ? "sum = the survey's part" : "sum = account score");
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        char cell[40];
        snprintf(cell, sizeof cell, "%22.2f", sum[d]);
        printf(" %-22s", isnan(ex->score.value[d]) ? "" : cell);
    }
    printf("\n");
}

static void print_items(const struct cvom_explanation *ex, const struct cvom_instrument *ins)
{
    printf("\nItems: points each adds to the account score, and the change per scale point\n"
           "of agreement from every counted respondent\n");
    printf("  %-8s %-34s %14s %14s\n", "item", "measures", "intellectual", "emotional");
    for (size_t j = 0; j < ex->n_items; j++) {
        const struct cvom_explain_item *it = &ex->items[j];
        /* Partnership items move neither axis: the pillars section shows them. */
        if (!it->answered || cvom_axis_pillar(ins->items[j].axis) >= 0)
            continue;
        printf("  %-8s %-34.34s", ins->items[j].code, ins->items[j].construct);
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            char cell[32] = "";
            if (cvom_item_on_dim(&ins->items[j], (enum cvom_dim)d) && !isnan(ex->score.value[d]))
                snprintf(cell, sizeof cell, "%5.2f (%+.2f)", it->contribution[d],
                         it->sensitivity[d]);
            printf(" %14s", cell);
        }
        printf("\n");
    }
}

static void print_axis_moves(const struct cvom_explanation *ex, const struct cvom_instrument *ins,
                             const struct cvom_config *cfg, int d, int nearest)
{
    struct cvom_move m;
    if (cvom_explain_move(ex, (enum cvom_dim)d, &m))
        return;
    printf("  %s%s %.1f is %.1f points %s the threshold %g.\n", d == nearest ? "* " : "  ",
           dim_title[d], ex->score.value[d], m.distance, m.rise ? "below" : "above",
           cfg->threshold[d]);
    if (!m.needed) {
        printf("      Even %s answers on every item would move it only %.1f points: it takes "
               "%s.\n",
               m.rise ? "the best" : "the worst", m.total,
               m.rise ? "new evidence (more respondents, other stakeholders) to cross"
                      : "a change in many answers at once");
        return;
    }
    printf("      It would cross if every respondent %s %s:\n",
           m.rise ? "rated best" : "rated worst",
           m.needed == 1   ? "this item"
           : m.needed <= 3 ? "these items"
                           : "the items below");
    for (size_t i = 0; i < m.needed && i < 6; i++) {
        const struct cvom_item *it = &ins->items[m.levers[i].item];
        printf("      %-8s %s%5.1f  %s%s\n", it->code, m.rise ? "+" : "-", m.levers[i].reach,
               it->construct[0] ? it->construct : it->statement,
               it->reverse ? (m.rise ? " (by disagreeing)" : " (by agreeing)") : "");
    }
    if (m.needed > 6)
        printf("      … and %zu more items\n", m.needed - 6);
}

static void print_moves(const struct cvom_explanation *ex, const struct cvom_instrument *ins,
                        const struct cvom_config *cfg)
{
    printf("\nWhat would move it\n");
    int nearest = cvom_explain_nearest(ex);
    if (nearest < 0) {
        printf("  Nothing yet: the account needs more answers before it is a point.\n");
        return;
    }
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        print_axis_moves(ex, ins, cfg, d, nearest);
    printf("  (* the nearest threshold; figures are points of the axis score)\n");
}

/* ---- stakeholders on the matrix and partnership pillars -------------------------------- */

/* The spread point of respondent i, or NULL when it has none. */
static const struct cvom_spread_point *point_of(const struct cvom_spread *sp, size_t i)
{
    for (size_t k = 0; k < sp->n; k++)
        if (sp->points[k].respondent == i)
            return &sp->points[k];
    return NULL;
}

static void print_split(const struct cvom_spread *sp)
{
    char names[80] = "";
    size_t used = 0;
    int seen[CVOM_Q_COUNT] = {0};
    for (size_t k = 0; k < sp->n; k++) {
        const struct cvom_spread_point *p = &sp->points[k];
        if (!p->weighs || seen[p->quadrant]++)
            continue;
        int w = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                         cvom_quadrant_title(p->quadrant));
        if (w < 0 || (size_t)w >= sizeof names - used)
            break;
        used += (size_t)w;
    }
    if (sp->split)
        printf("  Split: stakeholders with influence %g or more sit in %d quadrants (%s).\n",
               CVOM_SPLIT_MIN_INFLUENCE, sp->quadrants, names);
    else if (sp->quadrants == 1)
        printf("  Not split: every stakeholder with influence %g or more sits in the %s "
               "quadrant.\n",
               CVOM_SPLIT_MIN_INFLUENCE, names);
    else
        printf("  Not split: no stakeholder with influence %g or more has a point.\n",
               CVOM_SPLIT_MIN_INFLUENCE);
}

static void print_spread(const struct cvom_explanation *ex, const struct cvom_spread *sp)
{
    printf("\nStakeholders on the matrix: each customer stakeholder at their own scores\n");
    if (!sp->n) {
        printf("  None yet: no customer stakeholder has a score on both axes.\n");
        return;
    }
    printf("  %-28s %9s %13s %10s  %-14s %8s\n", "", "influence", "intellectual", "emotional",
           "quadrant", "distance");
    for (size_t k = 0; k < sp->n; k++) {
        const struct cvom_spread_point *p = &sp->points[k];
        char dist[16];
        fmt_num(dist, sizeof dist, p->distance, 1);
        printf("  %-28.28s %9.2f %13.1f %10.1f  %-14s %8s\n", ex->respondents[p->respondent].label,
               p->influence, p->x, p->y, cvom_quadrant_title(p->quadrant), dist);
    }
    if (!isnan(sp->spread))
        printf("  Spread %.1f points: the influence-weighted standard distance from the "
               "account's point.\n",
               sp->spread);
    else
        printf("  Spread: not measured (it needs two stakeholders and the account's point).\n");
    print_split(sp);
}

/* The relationship map as an indented tree: one line per stakeholder under whom they
 * report to, then a line per coverage gap. */
static void print_map(const struct cvom_account_map *m)
{
    printf("\nRelationship map (decision makers: a role with \"decision\" or \"buyer\", or "
           "influence at least %.1f)\n",
           CVOM_MAP_DECIDER_INFLUENCE);
    if (!m->n) {
        printf("  No stakeholders recorded.\n");
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        const struct cvom_map_entry *e = &m->e[i];
        const struct cvom_stakeholder *s = &e->s;
        int indent = 2 + 2 * (e->depth < 20 ? e->depth : 20);
        char day[11] = "never";
        if (s->last_contact)
            cvom_date_format(s->last_contact, day);
        printf("%*s%s%s%s — %s, influence %.2f, %s", indent, "", e->gaps ? "! " : "", s->name,
               e->decider ? " [decision maker]" : "", s->role[0] ? s->role : "no role",
               s->influence, cvom__stance_name(s->stance));
        if (e->quadrant >= 0)
            printf(", %s", cvom_quadrant_title((enum cvom_quadrant)e->quadrant));
        printf("; last contact %s%s%s%s; counterpart %s\n", day, s->channel ? " (" : "",
               cvom__channel_name(s->channel), s->channel ? ")" : "",
               s->counterpart[0] ? s->counterpart : "none");
        for (int g = 0; g < CVOM_MAP_GAP_KINDS; g++)
            if (e->gaps & (1u << g))
                printf("%*s  gap: %s\n", indent, "", cvom_map_gap_text(1u << g));
    }
    if (m->flagged)
        printf("  %zu stakeholder%s with a coverage gap.\n", m->flagged,
               m->flagged == 1 ? "" : "s");
    else
        printf("  No coverage gaps.\n");
}

static void print_pillars(const struct cvom_account *a, const struct cvom_health *h)
{
    printf("\nPartnership pillars: their mean, never more than %g points above trust\n",
           CVOM_HEALTH_TRUST_MARGIN);
    if (h->state == CVOM_HEALTH_NONE) {
        printf("  No pillar answers: no counted respondent has answered a pillar or trust "
               "item.\n");
        return;
    }
    printf(" ");
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++) {
        char v[16];
        fmt_num(v, sizeof v, h->measure[m].value, 1);
        printf(" %s%s %s", m ? "· " : "", cvom_pillar_name((enum cvom_pillar)m), v[0] ? v : "—");
    }
    printf("\n");
    if (h->state == CVOM_HEALTH_OK)
        printf("  Health %.1f%s; weakest pillar: %s.\n", h->health,
               h->capped ? ", capped by weak trust" : "",
               cvom_pillar_name((enum cvom_pillar)h->weakest));
    else
        printf("  Health not known: a pillar or trust has no score yet.\n");
    printf("  Items and changes over time: cvom pillars \"%s\"\n", a->name);
}

static int explain_csv(const struct cvom_explanation *ex, const struct cvom_instrument *ins,
                       const struct cvom_signals_shown *sig, const struct cvom_spread *sp,
                       const struct cvom_health *h)
{
    static const char *const cols[] = {"respondent",
                                       "kind",
                                       "influence",
                                       "item",
                                       "axis",
                                       "raw",
                                       "score",
                                       "share_intellectual",
                                       "share_emotional",
                                       "contribution_intellectual",
                                       "contribution_emotional",
                                       "contribution_pillar",
                                       "respondent_quadrant",
                                       "respondent_distance",
                                       "spread",
                                       "split",
                                       "health"};
    struct table *t = table_new(cols, "sssssnnnnnnnonnsn");
    char spread[16], health[16];
    fmt_num(spread, sizeof spread, sp->spread, 6);
    fmt_num(health, sizeof health, h->health, 6);
    for (size_t i = 0; t && i < ex->n_respondents; i++) {
        const struct cvom_explain_respondent *r = &ex->respondents[i];
        const struct cvom_spread_point *p = point_of(sp, i);
        char dist[16];
        fmt_num(dist, sizeof dist, p ? p->distance : NAN, 6);
        for (size_t j = 0; j < r->n_answers; j++) {
            const struct cvom_explain_answer *a = &r->answers[j];
            char infl[16], raw[16], sc[16], sh[2][16], co[2][16], cp[16];
            fmt_num(infl, sizeof infl, r->influence, 4);
            fmt_num(raw, sizeof raw, a->raw, 4);
            fmt_num(sc, sizeof sc, a->score, 6);
            for (int d = 0; d < CVOM_DIM_COUNT; d++) {
                fmt_num(sh[d], sizeof sh[d], r->share[d], 6);
                fmt_num(co[d], sizeof co[d], a->contribution[d], 6);
            }
            fmt_num(cp, sizeof cp, cvom_health_answer_contribution(h, ins, ex, i, j), 6);
            const char *cells[] = {r->label,
                                   cvom_respondent_kind_name(r->kind),
                                   infl,
                                   ins->items[a->item].code,
                                   cvom_axis_name(ins->items[a->item].axis),
                                   raw,
                                   sc,
                                   sh[0],
                                   sh[1],
                                   co[0],
                                   co[1],
                                   cp,
                                   p ? cvom_quadrant_name(p->quadrant) : "",
                                   dist,
                                   spread,
                                   sp->split ? "yes" : "no",
                                   health};
            table_add(t, cells);
        }
    }
    /* Signals: one row each, kind "signal", its weight as influence and name as item. */
    for (size_t i = 0; t && i < sig->n && i < ex->blend.n; i++) {
        const struct cvom_signal_shown *g = &sig->v[i];
        int d = g->sig.def.axis;
        char w[16], raw[32], sc[16], sh[2][16] = {"", ""}, co[2][16] = {"", ""};
        fmt_num(w, sizeof w, g->sig.def.weight, 4);
        cvom__format_double(raw, sizeof raw, g->raw);
        fmt_num(sc, sizeof sc, g->score, 6);
        if (ex->blend.counted[i]) {
            fmt_num(sh[d], sizeof sh[d], ex->blend.share[i], 6);
            fmt_num(co[d], sizeof co[d], ex->blend.contribution[i], 6);
        }
        const char *cells[] = {g->sig.def.name,
                               "signal",
                               w,
                               g->sig.def.name,
                               cvom_dim_name(g->sig.def.axis),
                               raw,
                               sc,
                               sh[0],
                               sh[1],
                               co[0],
                               co[1],
                               "",
                               "",
                               "",
                               spread,
                               sp->split ? "yes" : "no",
                               health};
        table_add(t, cells);
    }
    if (t)
        table_print(t, stdout, FMT_CSV);
    table_free(t);
    return t ? 0 : -1;
}

/* The group below the account, when it has children: the roll-up and every member. */
static void print_group(const struct cvom_group_view *v, const struct cvom_config *cfg)
{
    const struct cvom_group *g = &v->g;
    const struct cvom_score *s = &g->score;
    char money[64], quads[96];
    cvom__money_format(money, sizeof money, g->revenue, v->m[0].s.account.currency);
    printf("\nGroup: this account and the %zu below it, %zu placed, revenue %s\n", g->members - 1,
           g->placed, money);
    if (g->placed == 0) {
        printf("  no member is placed, so the group has no point\n");
    } else {
        printf("  %s%s, weighted by %s\n", cvom_quadrant_title(s->quadrant),
               s->state == CVOM_STATE_BORDERLINE ? " (borderline)" : "",
               g->weights == CVOM_GROUP_BY_REVENUE
                   ? "revenue"
                   : "equal weights (a placed member has no revenue)");
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            printf("  %-13s %5.1f", dim_title[d], s->value[d]);
            if (!isnan(s->lo[d]))
                printf("   %2.0f %% interval %.1f–%.1f", cfg->confidence * 100, s->lo[d], s->hi[d]);
            printf("\n");
        }
        if (g->split)
            printf("  split: its members sit in %s (spread %.1f points)\n",
                   cvom__group_quadrants_text(g->quadrants, quads, sizeof quads), g->spread);
    }
    printf("  %-36s %-14s %6s %6s %6s  %s\n", "member", "quadrant", "intel", "emot", "share",
           "revenue");
    for (size_t i = 0; i < v->n; i++) {
        const struct cvom_group_entry *e = &v->m[i];
        char name[CVOM_FIELD_MAX + 16], x[16], y[16];
        snprintf(name, sizeof name, "%*s%s", 2 * e->depth, "", e->s.account.name);
        cvom__money_format(money, sizeof money, e->s.account.revenue, "");
        if (!e->placed) {
            printf("  %-36s %-14s %6s %6s %6s  %s\n", name,
                   e->s.evidence.assessments ? "not placed" : "not assessed", "", "", "", money);
            continue;
        }
        fmt_num(x, sizeof x, e->s.score.value[0], 1);
        fmt_num(y, sizeof y, e->s.score.value[1], 1);
        printf("  %-36s %-14s %6s %6s %5.1f%%  %s\n", name,
               cvom_quadrant_title(e->s.score.quadrant), x, y, 100 * e->share, money);
    }
}

int cmd_explain(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "as of this date (default today)"},
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
         .help = "text (default); csv: one row per answer; json: everything"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    int32_t as_of;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT [--as-of DATE] [--format FMT]",
                  "Explain an account's position: each respondent's score and weight, each "
                  "item's contribution, what would move it across the nearest threshold, and "
                  "the relationship map of its stakeholders with their coverage gaps. An "
                  "account with accounts below it also shows its group: the members' points "
                  "rolled up by revenue, the group's revenue, whether its members are split "
                  "across quadrants, and the members not placed.",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    struct cvom_config cfg;
    struct cvom_explanation ex;
    struct cvom_instrument ins;
    struct cvom_evidence ev;
    struct cvom_spread sp;
    struct cvom_health h;
    struct cvom_signals_shown sig;
    cvom_instrument_init(&ins);
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom__account_explain_signals(c->store, &cfg, a.id, as_of, &ex, &ins, &ev, &sig,
                                           &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    if ((st = cvom_stakeholder_spread(&cfg, &ex, &sp)) != CVOM_OK) {
        cvom_explanation_cleanup(&ex);
        cvom_instrument_cleanup(&ins);
        return cli_fail(c, st, NULL);
    }
    if ((st = cvom_partnership_health(&cfg, &ins, &ex, &h)) != CVOM_OK) {
        cvom_spread_cleanup(&sp);
        cvom_explanation_cleanup(&ex);
        cvom_instrument_cleanup(&ins);
        return cli_fail(c, st, NULL);
    }
    struct cvom_account_map map;
    if ((st = cvom__account_map_load(c->store, &cfg, a.id, as_of, &ex, &map, &c->err))) {
        cvom_health_cleanup(&h);
        cvom_spread_cleanup(&sp);
        cvom_explanation_cleanup(&ex);
        cvom_instrument_cleanup(&ins);
        return cli_fail(c, st, &c->err);
    }
    struct cvom_group_view gv = {0};
    if ((st = cvom__group_load(c->store, &cfg, a.id, as_of, &gv, &c->err))) {
        cvom__account_map_cleanup(&map);
        cvom_health_cleanup(&h);
        cvom_spread_cleanup(&sp);
        cvom_explanation_cleanup(&ex);
        cvom_instrument_cleanup(&ins);
        return cli_fail(c, st, &c->err);
    }
    if (fmt == FMT_CSV) {
        explain_csv(&ex, &ins, &sig, &sp, &h);
    } else if (fmt == FMT_JSON) {
        json_t *o = cvom__explanation_json(&a, &ex, &ins, as_of, &sig, &sp, &h, &map);
        json_object_set_new(o, "group", cvom__group_json(&gv, as_of));
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
        putchar('\n');
        json_decref(o);
    } else {
        char date[11], newest[11] = "never";
        cvom_date_format(as_of, date);
        if (ev.newest)
            cvom_date_format(ev.newest, newest);
        const struct cvom_score *s = &ex.score;
        char label[CVOM_ACCOUNT_LABEL_MAX];
        struct cvom_error lerr; /* without the label, the bare name still says which */
        if (cvom__account_label_of(c->store, NULL, &a, label, sizeof label, NULL, NULL, &lerr))
            cvom__copy_str(label, sizeof label, a.name);
        printf("%s — %s%s\n", label,
               s->state == CVOM_STATE_INSUFFICIENT ? "not enough evidence to place it"
                                                   : cvom_quadrant_title(s->quadrant),
               s->state == CVOM_STATE_BORDERLINE ? " (borderline: an interval crosses a threshold)"
                                                 : "");
        printf("as of %s · %d assessment%s, newest %s%s\n\n", date, ev.assessments,
               ev.assessments == 1 ? "" : "s", newest, ev.stale ? " (stale)" : "");
        print_scores(&ex, &cfg);
        if (sig.n)
            print_signals(&ex, &sig);
        if (ex.n_respondents) {
            print_respondents(&ex);
            print_spread(&ex, &sp);
            print_items(&ex, &ins);
        }
        print_moves(&ex, &ins, &cfg);
        print_pillars(&a, &h);
        print_map(&map);
        if (gv.g.members > 1)
            print_group(&gv, &cfg);
    }
    cvom__group_view_cleanup(&gv);
    cvom__account_map_cleanup(&map);
    cvom_health_cleanup(&h);
    cvom_spread_cleanup(&sp);
    cvom_explanation_cleanup(&ex);
    cvom_instrument_cleanup(&ins);
    return 0;
}
