/* cmd_compare.c — `cvom compare`: how the portfolio moved between two dates. It scores the
 * portfolio as of each date and hands both scores of every account to the core
 * (cvom__compare_gather in the service; cvom_migration_build, where the definitions live),
 * then prints what came back: the
 * transition tables, movers, slides towards Transactional, stale accounts and the
 * projection, as aligned text, one CSV table or one JSON object. */
#include "cli/cli.h"

#include "service/analytics_json.h"
#include "io/util.h"
#include "service/analytics.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- gathering ------------------------------------------------------------------------ */

struct compare {
    struct cli *c;
    char filters[640]; /* "owner = Priya Shah, region = UK" or "" */
    struct cvom_compare k;
};

static void make_filter(struct cli_opt *opts, struct cvom_account_filter *f, char *text, size_t cap)
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
        cvom__copy_str(dst[i], CVOM_FIELD_MAX, v);
        int w = snprintf(text + used, cap - used, "%s%s = %s", used ? ", " : "", keys[i], v);
        if (w > 0 && (size_t)w < cap - used)
            used += (size_t)w;
    }
}

/* ---- shared wording ------------------------------------------------------------------- */

/* Title of a row or column of the transition tables. */
static const char *state_title(int s)
{
    return s == CVOM_MIG_NOT_PLACED ? "Not placed" : cvom_quadrant_title((enum cvom_quadrant)s);
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
        cvom__copy_str(buf, cap, "");
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
        cvom__copy_str(buf, cap, digits);
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
static int text_transitions(const struct cvom_compare *k, int revenue, const char *d0,
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

static int text_movers(const struct cvom_compare *k)
{
    static const char *const names[] = {"account",      "owner", "revenue",   "from", "to",
                                        "intellectual", "Δ",     "emotional", "Δ",    "note"};
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
        const char *row[] = {k->acc[mv->index]->name,
                             k->acc[mv->index]->owner,
                             rev,
                             cvom_quadrant_title(mv->from),
                             cvom_quadrant_title(mv->to),
                             x,
                             dx,
                             y,
                             dy,
                             borderline_note(a)};
        if (table_add(t, row)) {
            table_free(t);
            t = NULL;
        }
    }
    return print_table(t);
}

static int text_slides(const struct cvom_compare *k)
{
    static const char *const names[] = {"account", "owner",          "revenue",     "from", "to",
                                        "fall",    "Δ intellectual", "Δ emotional", "note"};
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
        const char *row[] = {k->acc[s->index]->name,
                             k->acc[s->index]->owner,
                             rev,
                             cvom_quadrant_title(s->from),
                             cvom_quadrant_title(s->to),
                             fall,
                             dx,
                             dy,
                             note};
        if (table_add(t, row)) {
            table_free(t);
            t = NULL;
        }
    }
    return print_table(t);
}

static int text_stale(const struct cvom_compare *k)
{
    static const char *const names[] = {"account",       "owner",      "revenue",
                                        "last assessed", "age (days)", "now"};
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
        const char *row[] = {k->acc[s->index]->name,       k->acc[s->index]->owner, rev, last, age,
                             state_title(state_of(&a->to))};
        if (table_add(t, row)) {
            table_free(t);
            t = NULL;
        }
    }
    return print_table(t);
}

static int text_projection(const struct cvom_compare *k, const struct cvom_migration_chain *ch)
{
    static const char *const names[] = {"period",       "date",      "Transactional",
                                        "Intellectual", "Emotional", "Partnership"};
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

static int text_chain(const struct cvom_compare *k, const struct cvom_migration_chain *ch,
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

static int text_output(const struct compare *w)
{
    const struct cvom_compare *k = &w->k;
    const struct cvom_migration *m = &k->m;
    char d0[11], d1[11], line[512];
    cvom_date_format(m->options.from, d0);
    cvom_date_format(m->options.to, d1);
    printf("Migration from %s to %s (%ld days): %zu account%s, %zu placed on both dates.\n", d0, d1,
           (long)m->period_days, m->n_accounts, m->n_accounts == 1 ? "" : "s", m->placed_both);
    if (w->filters[0])
        printf("Filters: %s\n", w->filters);
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

/* ---- CSV and JSON: one set of rows, built in service/analytics_json.c ------------------- */

static int rows_output(const struct compare *k, enum cli_format fmt)
{
    if (fmt == FMT_CSV)
        return cvom__compare_csv(&k->k, stdout);
    json_t *o = cvom__compare_json(&k->k, k->filters);
    int rc = o ? json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : -1;
    if (o)
        putchar('\n');
    json_decref(o);
    return rc;
}

/* ---- the command ---------------------------------------------------------------------- */

static void parse_numbers(struct cli_opt *opts, struct cvom_migration_options *o)
{
    o->periods = (int)cli_num(opts, "periods", o->periods);
    o->slide_points = cli_num(opts, "slide-points", o->slide_points);
}

int cmd_compare(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "from", .kind = 's', .arg = "DATE", .help = "the earlier date (required)"},
        {.name = "to", .kind = 's', .arg = "DATE", .help = "the later date (required)"},
        {.name = "periods",
         .kind = 'i',
         .arg = "N",
         .min = 1,
         .max = CVOM_MIG_PERIODS_MAX,
         .help = "periods to project, each as long as the gap between the dates (default 4)"},
        {.name = "slide-points",
         .kind = 'n',
         .arg = "P",
         .min = 0,
         .max = 200,
         .help = "least fall of intellectual + emotional that counts as sliding (default 10)"},
        {.name = "owner", .kind = 's', .arg = "NAME", .help = "only this owner's accounts"},
        {.name = "tag", .kind = 's', .arg = "TAG", .help = "only accounts with this tag"},
        {.name = "industry", .kind = 's', .arg = "NAME", .help = "only this industry"},
        {.name = "region", .kind = 's', .arg = "NAME", .help = "only this region"},
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
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
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    parse_numbers(opts, &o);
    if (!cli_val(opts, "from") || !cli_val(opts, "to"))
        return cli_usage_error(c, "give both dates: --from DATE --to DATE");
    if ((rc = cli_date_opt(c, opts, "from", &o.from)) || (rc = cli_date_opt(c, opts, "to", &o.to)))
        return rc;
    if (o.from >= o.to)
        return cli_usage_error(c, "--from must be before --to");
    struct compare k = {.c = c};
    struct cvom_account_filter f;
    make_filter(opts, &f, k.filters, sizeof k.filters);
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    enum cvom_status st = cvom__compare_gather(c->store, &f, &o, &k.k, &c->err);
    if (!st && (fmt == FMT_TEXT ? text_output(&k) : rows_output(&k, fmt)))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    if (!st && fflush(stdout))
        st = cvom_error_set(&c->err, CVOM_EIO, "writing to standard output failed");
    cvom__compare_cleanup(&k.k);
    return st ? cli_fail(c, st, &c->err) : 0;
}
