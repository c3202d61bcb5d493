/* cmd_compare.c — `cvom compare`: how the portfolio moved between two dates. It scores the
 * portfolio as of each date, hands both scores of every account to the core
 * (cvom_migration_build, where the definitions live) and prints what came back: the
 * transition tables, movers, slides towards Transactional, stale accounts and the
 * projection, as aligned text, one CSV table or one JSON object. */
#include "cli/cli.h"

#include "io/instrument_csv.h"
#include "io/util.h"
#include "render/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- gathering ------------------------------------------------------------------------ */

struct compare {
    struct cli *c;
    struct cvom_config cfg;
    char filters[640];                  /* "owner = Priya Shah, region = UK" or "" */
    struct cvom_scored *later, *earlier;
    size_t n_later, n_earlier;
    struct cvom_migration_account *in;  /* one per account, in the later scan's order */
    const struct cvom_account_brief **acc;    /* the same accounts' records */
    size_t n;
    struct cvom_migration m;
};

static void make_filter(struct cli_opt *opts, struct cvom_account_filter *f, char *text,
                        size_t cap)
{
    static const char *const keys[] = {"owner", "tag", "industry", "region"};
    char *dst[] = {f->owner, f->tag, f->industry, f->region};
    size_t used = 0;
    memset(f, 0, sizeof *f);
    text[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *v = cli_val(opts, keys[i]);
        if (!v)
            continue;
        cvom_copy(dst[i], CVOM_FIELD_MAX, v);
        int w = snprintf(text + used, cap - used, "%s%s = %s", used ? ", " : "", keys[i], v);
        if (w > 0 && (size_t)w < cap - used)
            used += (size_t)w;
    }
}

static int by_id(const void *x, const void *y)
{
    const struct cvom_scored *a = x, *b = y;
    return (a->account.id > b->account.id) - (a->account.id < b->account.id);
}

static struct cvom_score not_placed(void)
{
    struct cvom_score s;
    memset(&s, 0, sizeof s);
    s.state = CVOM_STATE_INSUFFICIENT;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        s.value[d] = s.lo[d] = s.hi[d] = s.se[d] = s.self_value[d] = NAN;
    return s;
}

/* Pair each account's two scores. An account in only one scan (added or removed while the
 * scans ran) is not placed on the other date. */
static enum cvom_status join(struct compare *k)
{
    size_t cap = k->n_later + k->n_earlier + 1;
    char *seen = calloc(k->n_earlier + 1, 1);
    k->in = calloc(cap, sizeof *k->in);
    k->acc = calloc(cap, sizeof *k->acc);
    if (!seen || !k->in || !k->acc) {
        free(seen);
        return cvom_error_set(&k->c->err, CVOM_ENOMEM, "out of memory");
    }
    qsort(k->earlier, k->n_earlier, sizeof *k->earlier, by_id);
    for (size_t i = 0; i < k->n_later; i++) {
        const struct cvom_scored *v = &k->later[i];
        const struct cvom_scored *b =
            bsearch(v, k->earlier, k->n_earlier, sizeof *k->earlier, by_id);
        k->in[k->n] = (struct cvom_migration_account){
            .from = b ? b->score : not_placed(),
            .to = v->score,
            .revenue = v->account.revenue,
            .stale = v->evidence.stale,
            .last_assessed = v->evidence.newest,
        };
        if (b)
            seen[b - k->earlier] = 1;
        k->acc[k->n++] = &v->account;
    }
    for (size_t i = 0; i < k->n_earlier; i++) {
        if (seen[i])
            continue;
        const struct cvom_scored *b = &k->earlier[i];
        k->in[k->n] = (struct cvom_migration_account){
            .from = b->score, .to = not_placed(), .revenue = b->account.revenue};
        k->acc[k->n++] = &b->account;
    }
    free(seen);
    return CVOM_OK;
}

static enum cvom_status gather(struct compare *k, const struct cvom_account_filter *f,
                               const struct cvom_migration_options *o)
{
    struct cli *c = k->c;
    enum cvom_status st = cvom_config_load(c->store, &k->cfg, &c->err);
    if (!st)
        st = cvom_portfolio_scan(c->store, &k->cfg, f, o->to, &k->later, &k->n_later, NULL,
                                 NULL, &c->err);
    if (!st)
        st = cvom_portfolio_scan(c->store, &k->cfg, f, o->from, &k->earlier, &k->n_earlier,
                                 NULL, NULL, &c->err);
    if (!st)
        st = join(k);
    if (!st)
        st = cvom_migration_build(o, k->in, k->n, &k->m, &c->err);
    return st;
}

static void release(struct compare *k)
{
    cvom_migration_cleanup(&k->m);
    free(k->in);
    free(k->acc);
    free(k->later);
    free(k->earlier);
}

/* ---- shared wording ------------------------------------------------------------------- */

/* Title of a row or column of the transition tables. */
static const char *state_title(int s)
{
    return s == CVOM_MIG_NOT_PLACED ? "Not placed" : cvom_quadrant_title((enum cvom_quadrant)s);
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

/* A number with fixed decimals, never "-0.00"; empty for NaN. */
static void num(char *buf, size_t cap, double v, int decimals)
{
    fmt_num(buf, cap, v, decimals);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

static void percent(char *buf, size_t cap, double share)
{
    if (share != share) {
        cvom_copy(buf, cap, "");
        return;
    }
    num(buf, cap, 100 * share, 1);
    size_t l = strlen(buf);
    if (l + 2 <= cap)
        memcpy(buf + l, "%", 2);
}

/* Revenue in text: whole units with thousands separated by commas ("4,856,000"). */
static void money(char *buf, size_t cap, double v)
{
    char digits[64];
    num(digits, sizeof digits, v, 0);
    size_t n = strlen(digits), lead = n % 3 ? n % 3 : 3, o = 0;
    if (digits[0] == '-' || n + n / 3 + 1 > cap || n >= sizeof digits - 1) {
        cvom_copy(buf, cap, digits);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i >= lead && (i - lead) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* What to keep in mind about a move: an interval that crosses a threshold. */
static const char *borderline_note(const struct cvom_migration_account *a)
{
    int before = a->from.state == CVOM_STATE_BORDERLINE;
    int now = a->to.state == CVOM_STATE_BORDERLINE;
    return before && now ? "borderline on both dates"
           : now         ? "borderline now"
           : before      ? "borderline before"
                         : "";
}

/* ---- text ----------------------------------------------------------------------------- */

static int print_table(struct table *t)
{
    int rc = t ? table_print(t, stdout, FMT_TEXT) : -1;
    table_free(t);
    return rc;
}

/* One transition table, rows the earlier date, columns the later, with totals. */
static int text_transitions(const struct compare *k, int revenue, const char *d0,
                            const char *d1)
{
    const struct cvom_migration *m = &k->m;
    char corner[40], cell[CVOM_MIG_STATES + 1][32];
    snprintf(corner, sizeof corner, "%s \\ %s", d0, d1);
    const char *names[CVOM_MIG_STATES + 2] = {corner};
    for (int j = 0; j < CVOM_MIG_STATES; j++)
        names[j + 1] = state_title(j);
    names[CVOM_MIG_STATES + 1] = "Total";
    struct table *t = table_new(names, "snnnnnn");
    for (int i = 0; t && i <= CVOM_MIG_STATES; i++) {
        const char *row[CVOM_MIG_STATES + 2];
        row[0] = i < CVOM_MIG_STATES ? state_title(i) : "Total";
        for (int j = 0; j <= CVOM_MIG_STATES; j++) {
            double v;
            if (i < CVOM_MIG_STATES && j < CVOM_MIG_STATES)
                v = revenue ? m->revenue[i][j] : (double)m->count[i][j];
            else if (i < CVOM_MIG_STATES)
                v = revenue ? m->revenue_from[i] : (double)m->count_from[i];
            else if (j < CVOM_MIG_STATES)
                v = revenue ? m->revenue_to[j] : (double)m->count_to[j];
            else
                v = revenue ? m->total_revenue : (double)m->n_accounts;
            if (revenue)
                money(cell[j], sizeof cell[j], v);
            else
                num(cell[j], sizeof cell[j], v, 0);
            row[j + 1] = cell[j];
        }
        if (table_add(t, row)) {
            table_free(t);
            t = NULL;
        }
    }
    return print_table(t);
}

static int text_movers(const struct compare *k)
{
    static const char *const names[] = {"account", "owner", "revenue", "from", "to",
                                        "intellectual", "Δ", "emotional", "Δ", "note"};
    struct table *t = table_new(names, "ssnssnnnns");
    for (size_t i = 0; t && i < k->m.n_movers; i++) {
        const struct cvom_migration_mover *mv = &k->m.movers[i];
        const struct cvom_migration_account *a = &k->in[mv->index];
        char rev[32], x[32], dx[32], y[32], dy[32];
        money(rev, sizeof rev, mv->revenue);
        num(x, sizeof x, a->to.value[CVOM_DIM_INTELLECTUAL], 2);
        num(dx, sizeof dx, mv->change[CVOM_DIM_INTELLECTUAL], 2);
        num(y, sizeof y, a->to.value[CVOM_DIM_EMOTIONAL], 2);
        num(dy, sizeof dy, mv->change[CVOM_DIM_EMOTIONAL], 2);
        const char *row[] = {k->acc[mv->index]->name, k->acc[mv->index]->owner, rev,
                             cvom_quadrant_title(mv->from), cvom_quadrant_title(mv->to),
                             x, dx, y, dy, borderline_note(a)};
        if (table_add(t, row)) {
            table_free(t);
            t = NULL;
        }
    }
    return print_table(t);
}

static int text_slides(const struct compare *k)
{
    static const char *const names[] = {"account", "owner", "revenue", "from", "to",
                                        "fall", "Δ intellectual", "Δ emotional", "note"};
    struct table *t = table_new(names, "ssnssnnns");
    for (size_t i = 0; t && i < k->m.n_slides; i++) {
        const struct cvom_migration_slide *s = &k->m.slides[i];
        const char *border = borderline_note(&k->in[s->index]);
        char rev[32], fall[32], dx[32], dy[32], note[64];
        money(rev, sizeof rev, s->revenue);
        num(fall, sizeof fall, s->fall, 2);
        num(dx, sizeof dx, s->change[CVOM_DIM_INTELLECTUAL], 2);
        num(dy, sizeof dy, s->change[CVOM_DIM_EMOTIONAL], 2);
        snprintf(note, sizeof note, "%s%s%s", s->entered ? "entered Transactional" : "",
                 s->entered && border[0] ? ", " : "", border);
        const char *row[] = {k->acc[s->index]->name, k->acc[s->index]->owner, rev,
                             cvom_quadrant_title(s->from), cvom_quadrant_title(s->to),
                             fall, dx, dy, note};
        if (table_add(t, row)) {
            table_free(t);
            t = NULL;
        }
    }
    return print_table(t);
}

static int text_stale(const struct compare *k)
{
    static const char *const names[] = {"account", "owner", "revenue", "last assessed",
                                        "age (days)", "now"};
    struct table *t = table_new(names, "ssnsns");
    for (size_t i = 0; t && i < k->m.n_stale; i++) {
        const struct cvom_migration_stale *s = &k->m.stale[i];
        const struct cvom_migration_account *a = &k->in[s->index];
        char rev[32], last[11] = "", age[16] = "";
        money(rev, sizeof rev, s->revenue);
        if (s->age_days >= 0) {
            cvom_date_format(a->last_assessed, last);
            snprintf(age, sizeof age, "%ld", (long)s->age_days);
        }
        const char *row[] = {k->acc[s->index]->name, k->acc[s->index]->owner, rev, last, age,
                             state_title(state_of(&a->to))};
        if (table_add(t, row)) {
            table_free(t);
            t = NULL;
        }
    }
    return print_table(t);
}

static int text_projection(const struct compare *k, const struct cvom_migration_chain *ch)
{
    static const char *const names[] = {"period", "date", "Transactional", "Intellectual",
                                        "Emotional", "Partnership"};
    struct table *t = table_new(names, "nsnnnn");
    for (int p = 0; t && p <= k->m.options.periods; p++) {
        char per[16], date[11], share[CVOM_Q_COUNT][16];
        snprintf(per, sizeof per, "%d", p);
        cvom_date_format(k->m.options.to + p * k->m.period_days, date);
        for (int q = 0; q < CVOM_Q_COUNT; q++)
            percent(share[q], sizeof share[q], ch->mix[p][q]);
        const char *row[] = {per, date, share[0], share[1], share[2], share[3]};
        if (table_add(t, row)) {
            table_free(t);
            t = NULL;
        }
    }
    return print_table(t);
}

/* The quadrants whose row of P is kept, as "Emotional, Partnership"; "" when none. */
static void kept_list(const struct cvom_migration_chain *ch, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int q = 0; q < CVOM_Q_COUNT; q++) {
        if (!ch->kept[q])
            continue;
        int w = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "",
                         cvom_quadrant_title((enum cvom_quadrant)q));
        if (w > 0 && (size_t)w < cap - used)
            used += (size_t)w;
    }
}

static int text_chain(const struct compare *k, const struct cvom_migration_chain *ch,
                      const char *what)
{
    if (!ch->available) {
        printf("Share of %s: nothing to project (%s).\n", what,
               strcmp(what, "revenue") ? "no account is placed on the later date"
                                       : "the accounts placed on the later date have no "
                                         "revenue");
        return 0;
    }
    char kept[96];
    kept_list(ch, kept, sizeof kept);
    printf("Share of %s", what);
    if (kept[0])
        printf(" (%s: no %s started there, so the share stays)", kept, what);
    printf(":\n");
    return text_projection(k, ch);
}

static void section(const char *title, size_t n, const char *explain)
{
    printf("\n%s: %zu\n%s\n", title, n, explain);
}

static int text_output(const struct compare *k)
{
    const struct cvom_migration *m = &k->m;
    char d0[11], d1[11], line[512];
    cvom_date_format(m->options.from, d0);
    cvom_date_format(m->options.to, d1);
    printf("Migration from %s to %s (%ld days): %zu account%s, %zu placed on both dates.\n",
           d0, d1, (long)m->period_days, m->n_accounts, m->n_accounts == 1 ? "" : "s",
           m->placed_both);
    if (k->filters[0])
        printf("Filters: %s\n", k->filters);
    int rc = 0;
    printf("\nTransitions by accounts: rows are the quadrant on %s, columns the quadrant on "
           "%s.\nNot placed: not enough evidence on that date. On the diagonal: stayed put.\n",
           d0, d1);
    rc |= text_transitions(k, 0, d0, d1);
    printf("\nTransitions by revenue: the same accounts, each with its recorded revenue.\n");
    rc |= text_transitions(k, 1, d0, d1);

    section("Movers", m->n_movers,
            "Placed on both dates and in another quadrant now: scores on the later date, Δ since "
            "the\nearlier one. Largest revenue first. A borderline score sits on a threshold: "
            "do not over-read it.");
    if (m->n_movers)
        rc |= text_movers(k);
    snprintf(line, sizeof line,
             "Placed on both dates, and either entered Transactional or lost at least %g "
             "points of\nintellectual + emotional value together (the fall). Entered first, "
             "then the largest fall.",
             m->options.slide_points);
    section("Sliding towards Transactional", m->n_slides, line);
    if (m->n_slides)
        rc |= text_slides(k);
    snprintf(line, sizeof line,
             "The newest assessment was more than %d days old on %s: reassess before "
             "trusting it.",
             k->cfg.validity_days, d1);
    section("Stale assessments", m->n_stale, line);
    if (m->n_stale)
        rc |= text_stale(k);

    printf("\nProjection: the mix of placed accounts if the moves seen between the dates "
           "repeat every\n%ld days (a Markov chain estimated from the %zu accounts placed on "
           "both dates).\n",
           (long)m->period_days, m->placed_both);
    rc |= text_chain(k, &m->by_count, "accounts");
    printf("\n");
    rc |= text_chain(k, &m->by_revenue, "revenue");
    return rc;
}

/* ---- CSV and JSON: one set of rows --------------------------------------------------- */

enum col {
    C_SECTION, C_ACCOUNT_ID, C_EXTERNAL_ID, C_NAME, C_OWNER, C_REVENUE, C_FROM_QUADRANT,
    C_QUADRANT, C_STATE_BEFORE, C_STATE, C_INT_BEFORE, C_INT, C_INT_CHANGE, C_EMO_BEFORE,
    C_EMO, C_EMO_CHANGE, C_FALL, C_ENTERED, C_LAST_ASSESSED, C_AGE_DAYS, C_ACCOUNTS, C_BASIS,
    C_PROBABILITY, C_KEPT, C_PERIOD, C_DATE, C_SHARE_T, C_SHARE_I, C_SHARE_E, C_SHARE_P,
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
                  {ACCOUNT_COLS, C_FROM_QUADRANT, C_QUADRANT, C_STATE_BEFORE, C_STATE,
                   SCORE_COLS}},
    [S_SLIDING] = {"sliding",
                   {ACCOUNT_COLS, C_FROM_QUADRANT, C_QUADRANT, C_STATE_BEFORE, C_STATE,
                    SCORE_COLS, C_FALL, C_ENTERED}},
    [S_STALE] = {"stale",
                 {ACCOUNT_COLS, C_QUADRANT, C_STATE, C_LAST_ASSESSED, C_AGE_DAYS}},
    [S_CHAIN] = {"chain", {C_FROM_QUADRANT, C_QUADRANT, C_BASIS, C_PROBABILITY, C_KEPT}},
    [S_PROJECTION] = {"projection",
                      {C_BASIS, C_PERIOD, C_DATE, C_SHARE_T, C_SHARE_I, C_SHARE_E, C_SHARE_P}},
};

struct emit {
    enum cli_format fmt;
    json_t *root;               /* JSON: the object being built */
    json_t *arrays[S_COUNT];
    int failed;
};

static void csv_cell(const char *s, char kind)
{
    if (s && kind == 't' && cvom_report_formula_like(s))
        putchar('\'');
    cvom_csv_put(stdout, s ? s : "");
}

static json_t *json_value(const char *s, char kind)
{
    if (!s || !s[0])
        return json_null();
    if (kind != 'n')
        return json_string(s);
    long l;
    double d;
    if (!strchr(s, '.') && cvom_parse_long(s, -2147483647L, 2147483647L, &l) == CVOM_OK)
        return json_integer(l);
    return cvom_parse_double(s, &d) == CVOM_OK ? json_real(d) : json_string(s);
}

/* One row of a section: cells[col] is the value or NULL (empty). */
static void emit_row(struct emit *e, enum sect s, const char *const *cells)
{
    if (e->fmt == FMT_CSV) {
        fputs(sects[s].name, stdout);
        for (int j = 1; j < C_COUNT; j++) {
            putchar(',');
            csv_cell(cells[j], cols[j].kind);
        }
        putchar('\n');
        return;
    }
    json_t *o = json_object();
    for (const enum col *c = sects[s].cols; o && *c != C_SECTION; c++)
        json_object_set_new(o, cols[*c].name, json_value(cells[*c], cols[*c].kind));
    if (!o || json_array_append_new(e->arrays[s], o))
        e->failed = 1;
}

static void account_cells(const struct compare *k, size_t i, const char **cells,
                          char id[24], char rev[32])
{
    const struct cvom_account_brief *a = k->acc[i];
    fmt_id(id, 24, a->id);
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
static void emit_move(struct emit *e, const struct compare *k, enum sect s, size_t i,
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

static void emit_stale(struct emit *e, const struct compare *k,
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

static void emit_chain(struct emit *e, const struct cvom_migration_chain *ch,
                       const char *basis)
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

/* The JSON object's header fields: dates, settings, filters and the totals. */
static json_t *json_header(const struct compare *k)
{
    const struct cvom_migration *m = &k->m;
    char d0[11], d1[11];
    cvom_date_format(m->options.from, d0);
    cvom_date_format(m->options.to, d1);
    size_t placed_from = m->n_accounts - m->count_from[CVOM_MIG_NOT_PLACED];
    size_t placed_to = m->n_accounts - m->count_to[CVOM_MIG_NOT_PLACED];
    return json_pack("{s:s, s:s, s:i, s:i, s:f, s:{s:f, s:f}, s:i, s:o, s:I, s:I, s:I, s:I}",
                     "from", d0, "to", d1, "period_days", (int)m->period_days, "periods",
                     m->options.periods, "slide_points", m->options.slide_points,
                     "thresholds", "intellectual", k->cfg.threshold[CVOM_DIM_INTELLECTUAL],
                     "emotional", k->cfg.threshold[CVOM_DIM_EMOTIONAL], "validity_days",
                     k->cfg.validity_days, "filters",
                     k->filters[0] ? json_string(k->filters) : json_null(), "accounts_total",
                     (json_int_t)m->n_accounts, "placed_from", (json_int_t)placed_from,
                     "placed_to", (json_int_t)placed_to, "placed_both",
                     (json_int_t)m->placed_both);
}

static int rows_output(const struct compare *k, enum cli_format fmt)
{
    const struct cvom_migration *m = &k->m;
    struct emit e = {.fmt = fmt};
    if (fmt == FMT_JSON) {
        e.root = json_header(k);
        for (int s = 0; e.root && s < S_COUNT; s++)
            if (!(e.arrays[s] = json_array()) ||
                json_object_set_new(e.root, sects[s].name, e.arrays[s]))
                e.failed = 1;
        if (!e.root || e.failed) {
            json_decref(e.root);
            return -1;
        }
    } else {
        for (int j = 0; j < C_COUNT; j++)
            printf("%s%s", j ? "," : "", cols[j].name);
        putchar('\n');
    }
    emit_transitions(&e, m);
    for (size_t i = 0; i < m->n_movers; i++)
        emit_move(&e, k, S_MOVERS, m->movers[i].index, NULL);
    for (size_t i = 0; i < m->n_slides; i++)
        emit_move(&e, k, S_SLIDING, m->slides[i].index, &m->slides[i]);
    for (size_t i = 0; i < m->n_stale; i++)
        emit_stale(&e, k, &m->stale[i]);
    emit_chain(&e, &m->by_count, "accounts");
    emit_chain(&e, &m->by_revenue, "revenue");
    emit_projection(&e, m, &m->by_count, "accounts");
    emit_projection(&e, m, &m->by_revenue, "revenue");
    if (fmt == FMT_JSON) {
        if (!e.failed && json_dumpf(e.root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)))
            e.failed = 1;
        putchar('\n');
        json_decref(e.root);
    }
    return e.failed ? -1 : 0;
}

/* ---- the command ---------------------------------------------------------------------- */

static int parse_numbers(struct cli *c, struct cli_opt *opts, struct cvom_migration_options *o)
{
    const char *v = cli_val(opts, "periods");
    long l;
    if (v && cvom_parse_long(v, 1, CVOM_MIG_PERIODS_MAX, &l))
        return cli_usage_error(c, "--periods must be a whole number from 1 to %d, not '%s'",
                               CVOM_MIG_PERIODS_MAX, v);
    if (v)
        o->periods = (int)l;
    v = cli_val(opts, "slide-points");
    double d;
    if (v && (cvom_parse_double(v, &d) || d < 0 || d > 200))
        return cli_usage_error(c, "--slide-points must be a number from 0 to 200, not '%s'", v);
    if (v)
        o->slide_points = d;
    return 0;
}

int cmd_compare(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "from", .kind = 's', .arg = "DATE", .help = "the earlier date (required)"},
        {.name = "to", .kind = 's', .arg = "DATE", .help = "the later date (required)"},
        {.name = "periods", .kind = 's', .arg = "N",
         .help = "periods to project, each as long as the gap between the dates (default 4)"},
        {.name = "slide-points", .kind = 's', .arg = "P",
         .help = "least fall of intellectual + emotional that counts as sliding (default 10)"},
        {.name = "owner", .kind = 's', .arg = "NAME", .help = "only this owner's accounts"},
        {.name = "tag", .kind = 's', .arg = "TAG", .help = "only accounts with this tag"},
        {.name = "industry", .kind = 's', .arg = "NAME", .help = "only this industry"},
        {.name = "region", .kind = 's', .arg = "NAME", .help = "only this region"},
        {.name = "format", .kind = 's', .arg = "FMT",
         .help = "text (default), csv (one table with a section column) or json"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    struct cvom_migration_options o;
    cvom_migration_options_init(&o);
    if (cli_parse(c, argc, argv, opts,
                  "--from DATE --to DATE [--periods N] [--slide-points P] [FILTERS] "
                  "[--format text|csv|json]",
                  "How the portfolio moved between two dates, each scored from the "
                  "assessments on or before it: the quadrant transition tables by accounts and "
                  "by revenue (not placed = not enough evidence), the accounts that changed "
                  "quadrant, those sliding towards Transactional, stale assessments, and a "
                  "projection of the quadrant mix if the same moves repeat. The definitions and "
                  "the CSV and JSON columns are in docs/formats.md.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = parse_numbers(c, opts, &o)))
        return rc;
    if (!cli_val(opts, "from") || !cli_val(opts, "to"))
        return cli_usage_error(c, "give both dates: --from DATE --to DATE");
    if ((rc = cli_date_opt(c, opts, "from", &o.from)) ||
        (rc = cli_date_opt(c, opts, "to", &o.to)))
        return rc;
    if (o.from >= o.to)
        return cli_usage_error(c, "--from must be before --to");
    struct compare k = {.c = c};
    struct cvom_account_filter f;
    make_filter(opts, &f, k.filters, sizeof k.filters);
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    enum cvom_status st = gather(&k, &f, &o);
    if (!st && (fmt == FMT_TEXT ? text_output(&k) : rows_output(&k, fmt)))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    if (!st && fflush(stdout))
        st = cvom_error_set(&c->err, CVOM_EIO, "writing to standard output failed");
    release(&k);
    return st ? cli_fail(c, st, &c->err) : 0;
}
