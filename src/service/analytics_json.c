/* analytics_json.c — the migration's rows (CSV and JSON alike come from one column table),
 * the over-serving object and the alignment objects, as `cvom compare`, `cvom overserved`
 * and `cvom align` print them and the API answers them. */
#include "service/analytics_json.h"

#include "service/explain_json.h"

#include "io/csv.h"
#include "io/instrument_csv.h"
#include "io/util.h"
#include "render/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A number with fixed decimals, never "-0.00"; empty for NaN. */
static void num(char *buf, size_t cap, double v, int decimals)
{
    if (v != v) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, cap, "%.*f", decimals, v);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

/* Name in CSV and JSON: the quadrant, or empty (null) when not placed. */
static const char *state_name(int s)
{
    return s == CVOM_MIG_NOT_PLACED ? NULL : cvom_quadrant_name((enum cvom_quadrant)s);
}

static int state_of(const struct cvom_score *s)
{
    return s->state == CVOM_STATE_INSUFFICIENT ? CVOM_MIG_NOT_PLACED : (int)s->quadrant;
}

/* ---- the migration: one set of rows ------------------------------------------------------ */

enum col {
    C_SECTION,
    C_ACCOUNT_ID,
    C_EXTERNAL_ID,
    C_NAME,
    C_OWNER,
    C_REVENUE,
    C_FROM_QUADRANT,
    C_QUADRANT,
    C_STATE_BEFORE,
    C_STATE,
    C_INT_BEFORE,
    C_INT,
    C_INT_CHANGE,
    C_EMO_BEFORE,
    C_EMO,
    C_EMO_CHANGE,
    C_FALL,
    C_ENTERED,
    C_LAST_ASSESSED,
    C_AGE_DAYS,
    C_ACCOUNTS,
    C_BASIS,
    C_PROBABILITY,
    C_KEPT,
    C_PERIOD,
    C_DATE,
    C_SHARE_T,
    C_SHARE_I,
    C_SHARE_E,
    C_SHARE_P,
    C_COUNT
};

/* Kinds: 'n' a number, 's' a value cvom chose, 't' text a user typed (guarded against
 * spreadsheet formulas in CSV, as in the report). */
static const struct {
    const char *name;
    char kind;
} cols[C_COUNT] = {
    [C_SECTION] = {"section", 's'},
    [C_ACCOUNT_ID] = {"account_id", 'n'},
    [C_EXTERNAL_ID] = {"external_id", 't'},
    [C_NAME] = {"name", 't'},
    [C_OWNER] = {"owner", 't'},
    [C_REVENUE] = {"revenue", 'n'},
    [C_FROM_QUADRANT] = {"from_quadrant", 's'},
    [C_QUADRANT] = {"quadrant", 's'},
    [C_STATE_BEFORE] = {"state_before", 's'},
    [C_STATE] = {"state", 's'},
    [C_INT_BEFORE] = {"intellectual_before", 'n'},
    [C_INT] = {"intellectual", 'n'},
    [C_INT_CHANGE] = {"intellectual_change", 'n'},
    [C_EMO_BEFORE] = {"emotional_before", 'n'},
    [C_EMO] = {"emotional", 'n'},
    [C_EMO_CHANGE] = {"emotional_change", 'n'},
    [C_FALL] = {"fall", 'n'},
    [C_ENTERED] = {"entered", 's'},
    [C_LAST_ASSESSED] = {"last_assessed", 's'},
    [C_AGE_DAYS] = {"age_days", 'n'},
    [C_ACCOUNTS] = {"accounts", 'n'},
    [C_BASIS] = {"basis", 's'},
    [C_PROBABILITY] = {"probability", 'n'},
    [C_KEPT] = {"kept", 's'},
    [C_PERIOD] = {"period", 'n'},
    [C_DATE] = {"date", 's'},
    [C_SHARE_T] = {"share_transactional", 'n'},
    [C_SHARE_I] = {"share_intellectual", 'n'},
    [C_SHARE_E] = {"share_emotional", 'n'},
    [C_SHARE_P] = {"share_partnership", 'n'},
};

enum sect { S_TRANSITIONS, S_MOVERS, S_SLIDING, S_STALE, S_CHAIN, S_PROJECTION, S_COUNT };

#define ACCOUNT_COLS C_ACCOUNT_ID, C_EXTERNAL_ID, C_NAME, C_OWNER, C_REVENUE
#define SCORE_COLS C_INT_BEFORE, C_INT, C_INT_CHANGE, C_EMO_BEFORE, C_EMO, C_EMO_CHANGE

/* Each section's columns, in CSV order; JSON objects carry exactly these keys. */
static const struct {
    const char *name;
    enum col cols[20]; /* ended by C_SECTION (never a data column) */
} sects[S_COUNT] = {
    [S_TRANSITIONS] = {"transitions", {C_FROM_QUADRANT, C_QUADRANT, C_ACCOUNTS, C_REVENUE}},
    [S_MOVERS] = {"movers",
                  {ACCOUNT_COLS, C_FROM_QUADRANT, C_QUADRANT, C_STATE_BEFORE, C_STATE, SCORE_COLS}},
    [S_SLIDING] = {"sliding",
                   {ACCOUNT_COLS, C_FROM_QUADRANT, C_QUADRANT, C_STATE_BEFORE, C_STATE, SCORE_COLS,
                    C_FALL, C_ENTERED}},
    [S_STALE] = {"stale", {ACCOUNT_COLS, C_QUADRANT, C_STATE, C_LAST_ASSESSED, C_AGE_DAYS}},
    [S_CHAIN] = {"chain", {C_FROM_QUADRANT, C_QUADRANT, C_BASIS, C_PROBABILITY, C_KEPT}},
    [S_PROJECTION] = {"projection",
                      {C_BASIS, C_PERIOD, C_DATE, C_SHARE_T, C_SHARE_I, C_SHARE_E, C_SHARE_P}},
};

struct emit {
    FILE *csv;               /* CSV: the stream; NULL for JSON */
    json_t *arrays[S_COUNT]; /* JSON: one array per section */
    int failed;
};

static void csv_cell(FILE *f, const char *s, char kind)
{
    cvom__csv_write_field(f, s ? s : "", kind == 't');
}

static json_t *json_value(const char *s, char kind)
{
    if (!s || !s[0])
        return json_null();
    if (kind != 'n')
        return json_string(s);
    long l;
    double d;
    if (!strchr(s, '.') && cvom__parse_long(s, -2147483647L, 2147483647L, &l) == CVOM_OK)
        return json_integer(l);
    return cvom__parse_double(s, &d) == CVOM_OK ? json_real(d) : json_string(s);
}

/* One row of a section: cells[col] is the value or NULL (empty). */
static void emit_row(struct emit *e, enum sect s, const char *const *cells)
{
    if (e->csv) {
        fputs(sects[s].name, e->csv);
        for (int j = 1; j < C_COUNT; j++) {
            putc(',', e->csv);
            csv_cell(e->csv, cells[j], cols[j].kind);
        }
        putc('\n', e->csv);
        return;
    }
    json_t *o = json_object();
    for (const enum col *c = sects[s].cols; o && *c != C_SECTION; c++)
        json_object_set_new(o, cols[*c].name, json_value(cells[*c], cols[*c].kind));
    if (!o || json_array_append_new(e->arrays[s], o))
        e->failed = 1;
}

static void account_cells(const struct cvom_compare *k, size_t i, const char **cells, char id[24],
                          char rev[32])
{
    const struct cvom_account_line *a = k->acc[i];
    snprintf(id, 24, "%lld", (long long)a->id);
    num(rev, 32, k->in[i].revenue, 2);
    cells[C_ACCOUNT_ID] = id;
    cells[C_EXTERNAL_ID] = a->external_id;
    cells[C_NAME] = a->name;
    cells[C_OWNER] = a->owner;
    cells[C_REVENUE] = rev;
}

static void emit_transitions(struct emit *e, const struct cvom_migration *m)
{
    for (int i = 0; i < CVOM_MIG_STATES; i++)
        for (int j = 0; j < CVOM_MIG_STATES; j++) {
            const char *cells[C_COUNT] = {0};
            char n[24], rev[32];
            snprintf(n, sizeof n, "%zu", m->count[i][j]);
            num(rev, sizeof rev, m->revenue[i][j], 2);
            cells[C_FROM_QUADRANT] = state_name(i);
            cells[C_QUADRANT] = state_name(j);
            cells[C_ACCOUNTS] = n;
            cells[C_REVENUE] = rev;
            emit_row(e, S_TRANSITIONS, cells);
        }
}

/* A mover or a slide: the account, both quadrants and both scores. */
static void emit_move(struct emit *e, const struct cvom_compare *k, enum sect s, size_t i,
                      const struct cvom_migration_slide *sl)
{
    const struct cvom_migration_account *a = &k->in[i];
    const char *cells[C_COUNT] = {0};
    char id[24], rev[32], v[6][32], fall[32];
    account_cells(k, i, cells, id, rev);
    cells[C_FROM_QUADRANT] = cvom_quadrant_name(a->from.quadrant);
    cells[C_QUADRANT] = cvom_quadrant_name(a->to.quadrant);
    cells[C_STATE_BEFORE] = cvom_state_name(a->from.state);
    cells[C_STATE] = cvom_state_name(a->to.state);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        num(v[3 * d], 32, a->from.value[d], 2);
        num(v[3 * d + 1], 32, a->to.value[d], 2);
        num(v[3 * d + 2], 32, a->to.value[d] - a->from.value[d], 2);
    }
    static const enum col score_cols[] = {SCORE_COLS};
    for (int j = 0; j < 6; j++)
        cells[score_cols[j]] = v[j];
    if (sl) {
        num(fall, sizeof fall, sl->fall, 2);
        cells[C_FALL] = fall;
        cells[C_ENTERED] = sl->entered ? "yes" : "no";
    }
    emit_row(e, s, cells);
}

static void emit_stale(struct emit *e, const struct cvom_compare *k,
                       const struct cvom_migration_stale *s)
{
    const struct cvom_migration_account *a = &k->in[s->index];
    const char *cells[C_COUNT] = {0};
    char id[24], rev[32], last[11], age[16];
    account_cells(k, s->index, cells, id, rev);
    cells[C_QUADRANT] = state_name(state_of(&a->to));
    cells[C_STATE] = cvom_state_name(a->to.state);
    if (s->age_days >= 0) {
        cvom_date_format(a->last_assessed, last);
        snprintf(age, sizeof age, "%ld", (long)s->age_days);
        cells[C_LAST_ASSESSED] = last;
        cells[C_AGE_DAYS] = age;
    }
    emit_row(e, S_STALE, cells);
}

static void emit_chain(struct emit *e, const struct cvom_migration_chain *ch, const char *basis)
{
    for (int i = 0; i < CVOM_Q_COUNT; i++)
        for (int j = 0; j < CVOM_Q_COUNT; j++) {
            const char *cells[C_COUNT] = {0};
            char p[32];
            num(p, sizeof p, ch->p[i][j], 4);
            cells[C_FROM_QUADRANT] = state_name(i);
            cells[C_QUADRANT] = state_name(j);
            cells[C_BASIS] = basis;
            cells[C_PROBABILITY] = p;
            cells[C_KEPT] = ch->kept[i] ? "yes" : "no";
            emit_row(e, S_CHAIN, cells);
        }
}

static void emit_projection(struct emit *e, const struct cvom_migration *m,
                            const struct cvom_migration_chain *ch, const char *basis)
{
    for (int p = 0; ch->available && p <= m->options.periods; p++) {
        const char *cells[C_COUNT] = {0};
        char per[16], date[11], share[CVOM_Q_COUNT][16];
        snprintf(per, sizeof per, "%d", p);
        cvom_date_format(m->options.to + p * m->period_days, date);
        cells[C_BASIS] = basis;
        cells[C_PERIOD] = per;
        cells[C_DATE] = date;
        for (int q = 0; q < CVOM_Q_COUNT; q++) {
            num(share[q], sizeof share[q], ch->mix[p][q], 4);
            cells[C_SHARE_T + q] = share[q];
        }
        emit_row(e, S_PROJECTION, cells);
    }
}

static void emit_all(struct emit *e, const struct cvom_compare *k)
{
    const struct cvom_migration *m = &k->m;
    emit_transitions(e, m);
    for (size_t i = 0; i < m->n_movers; i++)
        emit_move(e, k, S_MOVERS, m->movers[i].index, NULL);
    for (size_t i = 0; i < m->n_slides; i++)
        emit_move(e, k, S_SLIDING, m->slides[i].index, &m->slides[i]);
    for (size_t i = 0; i < m->n_stale; i++)
        emit_stale(e, k, &m->stale[i]);
    emit_chain(e, &m->by_count, "accounts");
    emit_chain(e, &m->by_revenue, "revenue");
    emit_projection(e, m, &m->by_count, "accounts");
    emit_projection(e, m, &m->by_revenue, "revenue");
}

/* The JSON object's header fields: dates, settings, filters and the totals. */
static json_t *json_header(const struct cvom_compare *k, const char *filters)
{
    const struct cvom_migration *m = &k->m;
    char d0[11], d1[11];
    cvom_date_format(m->options.from, d0);
    cvom_date_format(m->options.to, d1);
    size_t placed_from = m->n_accounts - m->count_from[CVOM_MIG_NOT_PLACED];
    size_t placed_to = m->n_accounts - m->count_to[CVOM_MIG_NOT_PLACED];
    return json_pack("{s:s, s:s, s:i, s:i, s:f, s:{s:f, s:f}, s:i, s:o, s:I, s:I, s:I, s:I}",
                     "from", d0, "to", d1, "period_days", (int)m->period_days, "periods",
                     m->options.periods, "slide_points", m->options.slide_points, "thresholds",
                     "intellectual", k->cfg.threshold[CVOM_DIM_INTELLECTUAL], "emotional",
                     k->cfg.threshold[CVOM_DIM_EMOTIONAL], "validity_days", k->cfg.validity_days,
                     "filters", filters && filters[0] ? json_string(filters) : json_null(),
                     "accounts_total", (json_int_t)m->n_accounts, "placed_from",
                     (json_int_t)placed_from, "placed_to", (json_int_t)placed_to, "placed_both",
                     (json_int_t)m->placed_both);
}

json_t *cvom__compare_json(const struct cvom_compare *k, const char *filters)
{
    struct emit e = {0};
    json_t *root = json_header(k, filters);
    for (int s = 0; root && s < S_COUNT; s++)
        if (!(e.arrays[s] = json_array()) || json_object_set_new(root, sects[s].name, e.arrays[s]))
            e.failed = 1;
    if (root && !e.failed)
        emit_all(&e, k);
    if (!root || e.failed) {
        json_decref(root);
        return NULL;
    }
    return root;
}

int cvom__compare_csv(const struct cvom_compare *k, FILE *out)
{
    struct emit e = {.csv = out};
    for (int j = 0; j < C_COUNT; j++)
        fprintf(out, "%s%s", j ? "," : "", cols[j].name);
    putc('\n', out);
    emit_all(&e, k);
    return e.failed ? -1 : 0;
}

/* ---- over-serving ----------------------------------------------------------------------- */

json_t *cvom__overserving_json(const struct cvom_overserving *o, int all)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < o->n; i++) {
        const struct cvom_served *s = &o->v[i];
        if (!all && !s->s.overserved)
            continue;
        json_t *v = json_pack(
            "{sI ss ss so ss sf sf sf sb sI ss}", "account_id", (json_int_t)s->acc->account.id,
            "account", s->acc->account.name, "owner", s->acc->account.owner, "quadrant",
            cvom__quadrant_json(s->acc->score.state, s->acc->score.quadrant), "state",
            cvom_state_name(s->acc->score.state), "total_cost", s->s.total_cost, "unvalued_cost",
            s->s.unvalued_cost, "share", s->s.share, "overserved", s->s.overserved,
            "unvalued_offerings", (json_int_t)s->s.unvalued, "offerings", s->offerings);
        if (!v || json_array_append_new(rows, v)) {
            json_decref(rows);
            return NULL;
        }
    }
    const struct cvom_serving_total *t = &o->total;
    if (!rows)
        return NULL;
    return json_pack("{sf sf sf so s{sI sI sf sf sf sf}}", "importance_threshold",
                     o->cfg.importance_threshold, "performance_threshold",
                     o->cfg.performance_threshold, "overserved_share", o->cfg.overserved_share,
                     "accounts", rows, "portfolio", "rated_accounts", (json_int_t)t->accounts,
                     "overserved_accounts", (json_int_t)t->overserved, "total_cost", t->total_cost,
                     "unvalued_cost", t->unvalued_cost, "overserved_unvalued_cost",
                     t->overserved_unvalued_cost, "share", t->share);
}

/* ---- alignment ------------------------------------------------------------------------------- */

/* tau-b as the command line's tables carry it: three decimals, null when unknown. */
static json_t *tau_json(double tau)
{
    char buf[32];
    num(buf, sizeof buf, tau, 3);
    double d;
    return buf[0] && cvom__parse_double(buf, &d) == CVOM_OK ? json_real(d) : json_null();
}

json_t *cvom__alignment_json(const struct cvom_alignment_set *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->n; i++) {
        const struct cvom_aligned *a = &s->v[i];
        json_t *o =
            json_pack("{sI ss ss so ss sI so ss}", "account_id", (json_int_t)a->acc->account.id,
                      "account", a->acc->account.name, "owner", a->acc->account.owner, "quadrant",
                      cvom__quadrant_json(a->acc->score.state, a->acc->score.quadrant), "state",
                      cvom_state_name(a->acc->score.state), "common", (json_int_t)a->a.common,
                      "tau_b", tau_json(a->a.tau), "at_risk", a->at_risk ? "yes" : "no");
        if (!o || json_array_append_new(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *cvom__aligned_json(const struct cvom_alignment_set *s, const struct cvom_aligned *a)
{
    json_t *o = json_array(), *t = json_array();
    for (size_t i = 0; o && i < s->n_ours; i++)
        json_array_append_new(o, json_string(s->ours[i]));
    for (size_t i = 0; t && i < a->n_theirs; i++)
        json_array_append_new(t, json_string(a->theirs[i].value));
    return json_pack("{sI ss so ss so so sI so sb sf}", "account_id",
                     (json_int_t)a->acc->account.id, "account", a->acc->account.name, "quadrant",
                     cvom__quadrant_json(a->acc->score.state, a->acc->score.quadrant), "state",
                     cvom_state_name(a->acc->score.state), "ours", o, "theirs", t, "common",
                     (json_int_t)a->a.common, "tau_b",
                     isnan(a->a.tau) ? json_null() : json_real(a->a.tau), "at_risk", a->at_risk,
                     "threshold", s->threshold);
}
