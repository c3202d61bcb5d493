/* cmd_score.c — `cvom score`: score every account as of a date and store the snapshot;
 * with --input, score a responses file without any database (service/batch.c). */
#include "cli/cli.h"

#include "io/util.h"
#include "service/batch.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const score_cols[] = {"account_id",   "external_id",     "name",
                                         "owner",        "revenue",         "intellectual",
                                         "emotional",    "intellectual_lo", "intellectual_hi",
                                         "emotional_lo", "emotional_hi",    "quadrant",
                                         "state",        "respondents",     "last_assessed",
                                         "stale",        "members"}; /* by top-level groups only */
static const char score_kinds[] = "nsssnnnnnnnosnos";
static const char group_kinds[] = "nsssnnnnnnnosnosn";

struct table *cli_scores_table(const struct cvom_scored *v, size_t n)
{
    return cli_groups_table(v, NULL, n);
}

struct table *cli_groups_table(const struct cvom_scored *v, const size_t *members, size_t n)
{
    struct table *t = table_new(score_cols, members ? group_kinds : score_kinds);
    for (size_t i = 0; t && i < n; i++) {
        const struct cvom_score *s = &v[i].score;
        char id[24], rev[32], num[6][16], resp[16], last[11] = "", count[24] = "";
        fmt_id(id, sizeof id, v[i].account.id);
        fmt_num(rev, sizeof rev, v[i].account.revenue, 2);
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            fmt_num(num[d], sizeof num[d], s->value[d], 2);
            fmt_num(num[2 + 2 * d], sizeof num[0], s->lo[d], 2);
            fmt_num(num[3 + 2 * d], sizeof num[0], s->hi[d], 2);
        }
        int r = s->respondents[0] < s->respondents[1] ? s->respondents[0] : s->respondents[1];
        snprintf(resp, sizeof resp, "%d", r);
        if (v[i].evidence.newest)
            cvom_date_format(v[i].evidence.newest, last);
        const char *cells[] = {
            id,
            v[i].account.external_id,
            v[i].account.name,
            v[i].account.owner,
            rev,
            num[0],
            num[1],
            num[2],
            num[3],
            num[4],
            num[5],
            s->state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(s->quadrant),
            cvom_state_name(s->state),
            resp,
            last,
            v[i].evidence.stale ? "yes" : "no",
            count};
        if (members)
            snprintf(count, sizeof count, "%zu", members[i]);
        if (table_add(t, cells)) {
            table_free(t);
            return NULL;
        }
    }
    return t;
}

static void progress(void *ctx, size_t done, size_t total)
{
    if (*(int *)ctx)
        fprintf(stderr, "\rscoring %zu/%zu accounts", done, total);
    if (*(int *)ctx && done == total)
        fputc('\n', stderr);
}

static void summary(const struct cvom_scored *v, size_t n, int32_t as_of, int stored)
{
    size_t q[CVOM_Q_COUNT] = {0}, st[CVOM_STATE_COUNT] = {0}, stale = 0;
    for (size_t i = 0; i < n; i++) {
        st[v[i].score.state]++;
        stale += v[i].evidence.stale;
        if (v[i].score.state != CVOM_STATE_INSUFFICIENT)
            q[v[i].score.quadrant]++;
    }
    char date[11];
    cvom_date_format(as_of, date);
    printf("Scored %zu accounts as of %s%s.\n", n, date, stored ? " (snapshot stored)" : "");
    static const enum cvom_quadrant order[] = {CVOM_Q_PARTNERSHIP, CVOM_Q_INTELLECTUAL,
                                               CVOM_Q_EMOTIONAL, CVOM_Q_TRANSACTIONAL};
    for (int i = 0; i < CVOM_Q_COUNT; i++)
        printf("  %-14s %zu\n", cvom_quadrant_title(order[i]), q[order[i]]);
    printf("  %zu borderline, %zu with insufficient evidence, %zu stale\n",
           st[CVOM_STATE_BORDERLINE], st[CVOM_STATE_INSUFFICIENT], stale);
}

static enum cvom_status store_snapshots(struct cli *c, const struct cvom_scored *v, size_t n,
                                        int32_t as_of)
{
    enum cvom_status st = cli_begin(c);
    for (size_t i = 0; !st && i < n; i++) {
        if (!v[i].evidence.assessments)
            continue; /* nothing to remember about an account nobody has assessed */
        struct cvom_snapshot s = {
            .account_id = v[i].account.id, .date = as_of, .score = v[i].score};
        st = c->store->ops->snapshot_put(c->store, &s, &c->err);
    }
    char day[11];
    cvom_date_format(as_of, day);
    cli_audit(c, "snapshots", "%zu accounts scored as of %s", n, day);
    if (!st)
        st = cli_commit(c);
    if (st)
        cli_rollback(c);
    return st;
}

/* The progress of reading a responses file, on one line of standard error. */
static void show_reading(void *ctx, const char *input, double share)
{
    (void)ctx;
    if (share < 0)
        fputs("\n", stderr);
    else if (share >= 1)
        fputs("\rreading done.          \n", stderr);
    else
        fprintf(stderr, "\rreading %s: %3.0f%%", input, 100.0 * share);
}

/* `cvom score --input FILE`: the batch engine, with the command line's options. */
static int batch(struct cli *c, struct cli_opt *opts, int threads, int quiet)
{
    struct cvom_batch_options o = {
        .input = cli_val(opts, "input"),
        .output = cli_val(opts, "output"),
        .instrument = cli_val(opts, "instrument"),
        .threads = threads,
        .exact = cli_opt(opts, "exact")->set,
        .csv_guard = cli_csv_guard(),
        .progress = !quiet && isatty(STDERR_FILENO) ? show_reading : NULL,
    };
    enum cvom_status st = cvom__batch_score(&o, &c->err);
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_score(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "as-of",
         .kind = 's',
         .arg = "DATE",
         .help = "score as of this date (default today)"},
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
         .help = "text: a summary (default); csv or json: every account's score"},
        {.name = "dry-run", .kind = 'f', .help = "compute and print, but store no snapshot"},
        {.name = "input",
         .kind = 's',
         .arg = "FILE",
         .help = "score a responses CSV without a database ('-' = standard input)"},
        {.name = "output",
         .kind = 's',
         .arg = "FILE",
         .help = "with --input: where to write (default stdout)"},
        {.name = "instrument",
         .kind = 's',
         .arg = "FILE",
         .help = "with --input: the instrument file (default: the built-in one)"},
        {.name = "threads",
         .kind = 'i',
         .arg = "N",
         .min = 1,
         .max = 2,
         .help = "with --input: 1 or 2 readers (default: 2 for files over 8 MiB)"},
        {.name = "exact",
         .kind = 'f',
         .help = "with --input: numbers to the last digit (the shortest text that reads back as "
                 "the same value) and each axis's standard error in two more columns"},
        {.name = "quiet", .kind = 'f', .help = "no progress messages"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    int32_t as_of;
    if (cli_parse(c, argc, argv, opts, "[--as-of DATE] | --input FILE [--output FILE]",
                  "Score every account as of a date and store the scores as a snapshot.\n"
                  "With --input, read long-format rows account_id,respondent_id,item_id,score "
                  "and write one row per account:\n"
                  "account_id,intellectual,emotional,intellectual_lo,intellectual_hi,"
                  "emotional_lo,emotional_hi,quadrant,state",
                  pos, 0, 0, &np, &rc))
        return rc;
    int quiet = cli_opt(opts, "quiet")->set;
    long threads = (long)cli_num(opts, "threads", 0);
    if (cli_val(opts, "input"))
        return batch(c, opts, (int)threads, quiet);
    if (cli_val(opts, "output") || cli_val(opts, "instrument") || threads)
        return cli_usage_error(c, "--output, --instrument and --threads go with --input");
    if (cli_opt(opts, "exact")->set)
        return cli_usage_error(c, "--exact goes with --input");
    if ((rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_config cfg;
    struct cvom_scored *v = NULL;
    size_t n = 0;
    int show = !quiet && isatty(STDERR_FILENO);
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom__portfolio_scan(c->store, &cfg, NULL, as_of, &v, &n, progress, &show, &c->err);
    int stored = !cli_opt(opts, "dry-run")->set;
    if (!st && stored)
        st = store_snapshots(c, v, n, as_of);
    if (st) {
        free(v);
        return cli_fail(c, st, &c->err);
    }
    if (fmt == FMT_TEXT) {
        summary(v, n, as_of, stored);
    } else {
        struct table *t = cli_scores_table(v, n);
        if (t)
            table_print(t, stdout, fmt);
        table_free(t);
    }
    free(v);
    return 0;
}
