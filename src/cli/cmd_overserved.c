/* cmd_overserved.c — `cvom overserved`: the accounts on which we spend most on what they
 * do not value. The service gathers each account's ratings and the core assesses them
 * (unvalued cost, its share of the cost to serve, the over-served flag); this lists them
 * with the account's quadrant and the portfolio's sums. */
#include "cli/cli.h"

#include "service/analytics_json.h"
#include "io/util.h"
#include "service/analytics.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_serving_config(struct cli *c, struct cli_opt *opts, struct cvom_serving_config *out)
{
    static const char *const names[] = {"importance-threshold", "performance-threshold", "share"};
    struct cvom_serving_config cfg;
    cvom_serving_config_init(&cfg);
    double *fields[] = {&cfg.importance_threshold, &cfg.performance_threshold,
                        &cfg.overserved_share};
    for (size_t i = 0; i < 3; i++)
        *fields[i] = cli_num(opts, names[i], *fields[i]);
    if (cvom_serving_config_validate(&cfg, &c->err))
        return cli_usage_error(c, "%s", c->err.message);
    *out = cfg;
    return 0;
}

static void quadrant_of(const struct cvom_scored *a, const char **q)
{
    *q = a->score.state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(a->score.quadrant);
}

static int print_json(const struct cvom_overserving *o, int all)
{
    json_t *doc = cvom__overserving_json(o, all);
    if (!doc)
        return -1;
    int rc =
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    fputc('\n', stdout);
    json_decref(doc);
    return rc;
}

/* A cost: to read in text, as revenue is shown ("134,000"); to compute with in CSV. */
static void money(char *buf, size_t cap, double v, enum cli_format fmt)
{
    if (fmt == FMT_TEXT)
        cvom__money_format(buf, cap, v, NULL);
    else
        fmt_num(buf, cap, v, 2);
}

static int print_table(const struct cvom_served *s, size_t n, int all, enum cli_format fmt)
{
    static const char *const cols[] = {"account_id", "account",    "owner",
                                       "quadrant",   "total_cost", "unvalued_cost",
                                       "share_pct",  "overserved", "offerings"};
    struct table *t = table_new(cols, "nssonnnss");
    if (!t)
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!all && !s[i].s.overserved)
            continue;
        char id[24], total[64], unvalued[64], share[16];
        const char *q;
        quadrant_of(s[i].acc, &q);
        fmt_id(id, sizeof id, s[i].acc->account.id);
        money(total, sizeof total, s[i].s.total_cost, fmt);
        money(unvalued, sizeof unvalued, s[i].s.unvalued_cost, fmt);
        fmt_num(share, sizeof share, 100 * s[i].s.share, 1);
        const char *cells[] = {
            id,    s[i].acc->account.name,           s[i].acc->account.owner, q, total, unvalued,
            share, s[i].s.overserved ? "yes" : "no", s[i].offerings};
        rc = table_add(t, cells);
    }
    if (!rc)
        rc = table_print(t, stdout, fmt);
    table_free(t);
    return rc;
}

/* The totals: of the portfolio, or of the accounts the filters left (filtered 1). */
static void print_summary(const struct cvom_serving_config *cfg, const struct cvom_serving_total *t,
                          int filtered)
{
    char unvalued[64], total[64], theirs[64];
    money(unvalued, sizeof unvalued, t->unvalued_cost, FMT_TEXT);
    money(total, sizeof total, t->total_cost, FMT_TEXT);
    money(theirs, sizeof theirs, t->overserved_unvalued_cost, FMT_TEXT);
    printf("\n%s: %zu of %zu rated accounts over-served (unvalued cost above %.1f %% "
           "of their cost to serve; unvalued: importance below %.1f on 1-7).\n"
           "Unvalued cost %s of %s in total (%.1f %%); %s of it on the over-served "
           "accounts.\n",
           filtered ? "These accounts" : "Portfolio", t->overserved, t->accounts,
           100 * cfg->overserved_share, cfg->importance_threshold, unvalued, total, 100 * t->share,
           theirs);
}

int cmd_overserved(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "share",
         .kind = 'n',
         .arg = "S",
         .min = 0,
         .max = 1,
         .help = "over-served above this share of the cost (0-1; default the stored setting "
                 "overserved_share, 0.25)"},
        {.name = "importance-threshold",
         .kind = 'n',
         .arg = "N",
         .min = 1,
         .max = 7,
         .help = "unvalued below this importance (1-7, default 4)"},
        {.name = "all", .kind = 'f', .help = "every rated account, over-served or not"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "the quadrants as of (today)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        CLI_FILTER_OPTS,
        {0},
    };
    char *pos[1];
    int np, rc, quadrant;
    enum cli_format fmt;
    int32_t as_of;
    struct cvom_serving_config cfg;
    struct cvom_account_filter f;
    if (cli_parse(c, argc, argv, opts, "[--share S] [--all] [FILTERS] [--format FMT]",
                  "The over-served accounts: unvalued cost (our cost to serve the offerings "
                  "an account rates below the importance threshold) above a share of its "
                  "total cost to serve, most unvalued cost first, with the account's quadrant "
                  "and the offerings behind it, then the totals of the accounts the filters leave "
                  "(the quadrant filter: placed in it as of --as-of). CSV columns: "
                  "account_id, account, owner, quadrant, total_cost, unvalued_cost, "
                  "share_pct, overserved, offerings. JSON: one object with the settings, "
                  "'accounts' and 'portfolio'.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)) ||
        (rc = cli_serving_config(c, opts, &cfg)) || (rc = cli_filters(c, opts, &f, &quadrant)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    /* The stored share unless --share overrides it. */
    struct cvom_analytics_settings set;
    struct cvom_overserving o;
    enum cvom_status st = cvom__analytics_settings_load(c->store, &set, &c->err);
    if (!st && !cli_val(opts, "share"))
        cfg.overserved_share = set.overserved_share;
    if (!st)
        st = cvom__overserving_gather(c->store, &cfg, &f, quadrant, as_of, &o, &c->err);
    if (!st) {
        int all_rows = cli_opt(opts, "all")->set;
        if (fmt == FMT_JSON ? print_json(&o, all_rows) : print_table(o.v, o.n, all_rows, fmt))
            st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
        else if (fmt == FMT_TEXT)
            print_summary(&o.cfg, &o.total, cli_filters_given(opts));
        cvom__overserving_cleanup(&o);
    }
    return st ? cli_fail(c, st, &c->err) : 0;
}
