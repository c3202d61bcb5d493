/* cmd_offering.c — `cvom offering add|list|rm|rate|ratings`: the catalogue of what we sell
 * or give (core products and add-on services), and each account's rating of an offering —
 * its importance to them, how well we perform it — with our annual cost to serve it. */
#include "cli/cli.h"

#include "io/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int offering_add(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "category",
         .kind = 's',
         .arg = "TEXT",
         .help = "core product, add-on service, or any other category"},
        {0},
    };
    char *pos[2];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "CODE NAME [--category TEXT]",
                  "Add an offering to the catalogue; prints its id. CODE is short and unique "
                  "(e.g. LOCAL-MKT).",
                  pos, 2, 2, &np, &rc))
        return rc;
    struct cvom_offering o;
    memset(&o, 0, sizeof o);
    const char *cat = cli_val(opts, "category");
    if (cvom__copy_str(o.code, sizeof o.code, pos[0]) || !cvom__trim(o.code)[0] ||
        strchr(o.code, ' '))
        return cli_usage_error(c, "CODE must be 1 to %d bytes without spaces",
                               CVOM_OFFERING_CODE_MAX - 1);
    if (cvom__copy_str(o.name, sizeof o.name, pos[1]) || !cvom__trim(o.name)[0])
        return cli_usage_error(c, "NAME must be 1 to %d bytes of text", CVOM_FIELD_MAX - 1);
    if (cat && cvom__copy_str(o.category, sizeof o.category, cat))
        return cli_usage_error(c, "--category is longer than %d bytes", CVOM_FIELD_MAX - 1);
    cvom__trim(o.category);
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    cli_audit(c, o.code, "%s", o.name);
    enum cvom_status st = cli_begin(c);
    if (!st)
        st = cli_finish(c, c->store->ops->offering_add(c->store, &o, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    printf("%lld\n", (long long)o.id);
    return 0;
}

static int catalogue_row(void *ctx, const struct cvom_offering *o)
{
    struct cli_listing *k = ctx;
    char id[24];
    fmt_id(id, sizeof id, o->id);
    const char *cells[] = {id, o->code, o->name, o->category};
    return cli_listing_add(k, cells);
}

static enum cvom_status list_catalogue(struct cli_listing *k)
{
    return k->c->store->ops->offering_list(k->c->store, catalogue_row, k, &k->c->err);
}

static int offering_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id", "code", "name", "category"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[--format FMT]",
                  "List the catalogue by code. CSV and JSON columns: id, code, name, category.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cli_listing k = {.c = c};
    return cli_list(&k, cols, "nsss", fmt, list_catalogue);
}

static int offering_rm(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "OFFERING",
                  "Remove an offering (by code or id) and every account's rating of it.", pos, 1, 1,
                  &np, &rc))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_offering o;
    enum cvom_status st = cli_find_offering(c, pos[0], &o);
    if (!st)
        cli_audit(c, o.code, "with every account's rating of it");
    if (!st && !(st = cli_begin(c)))
        st = cli_finish(c, c->store->ops->offering_remove(c->store, o.id, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "removed offering %s\n", o.code);
    return 0;
}

static int offering_rate(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "importance",
         .kind = 'n',
         .arg = "N",
         .min = 1,
         .max = 7,
         .help = "how important it is to the customer, 1-7 (required)"},
        {.name = "performance",
         .kind = 'n',
         .arg = "N",
         .min = 1,
         .max = 7,
         .help = "how well we perform it: their satisfaction, 1-7 (required)"},
        {.name = "cost",
         .kind = 'n',
         .arg = "AMOUNT",
         .min = 0,
         .max = HUGE_VAL,
         .help = "our annual cost to serve it (default 0)"},
        {0},
    };
    char *pos[2];
    int np, rc;
    if (cli_parse(c, argc, argv, opts,
                  "ACCOUNT OFFERING --importance N --performance N [--cost AMOUNT]",
                  "Record an account's rating of an offering and what serving it costs us; a "
                  "second rating of the same pair replaces the first.",
                  pos, 2, 2, &np, &rc))
        return rc;
    if (!cli_val(opts, "importance") || !cli_val(opts, "performance"))
        return cli_usage_error(c, "a rating needs --importance and --performance");
    struct cvom_offering_rating r;
    memset(&r, 0, sizeof r);
    r.r.importance = cli_num(opts, "importance", r.r.importance);
    r.r.performance = cli_num(opts, "performance", r.r.performance);
    r.r.cost = cli_num(opts, "cost", r.r.cost);
    enum cvom_status st = cvom_offer_rating_validate(&r.r, &c->err);
    if (st)
        return cli_usage_error(c, "%s", c->err.message);
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account acc;
    struct cvom_offering o;
    if ((rc = cli_account(c, pos[0], &acc)))
        return rc;
    if ((st = cli_find_offering(c, pos[1], &o)) != CVOM_OK)
        return cli_fail(c, st, &c->err);
    r.account_id = acc.id;
    r.offering_id = o.id;
    cli_audit(c, acc.name, "%s: importance %g, performance %g, cost %g", o.code, r.r.importance,
              r.r.performance, r.r.cost);
    if (!(st = cli_begin(c))) {
        if (!(st = c->store->ops->rating_put(c->store, &r, &c->err)))
            st = cli_commit(c);
        if (st)
            cli_rollback(c);
    }
    return st ? cli_fail(c, st, &c->err) : 0;
}

struct rated {
    struct cli_listing l; /* first: the store callback's ctx is both */
    struct cvom_serving_config cfg;
    enum cli_format fmt;
    int64_t account_id; /* 0: every account */
};

static int rated_row(void *ctx, const struct cvom_offering_rating *r)
{
    struct rated *k = ctx;
    if (cli_listing_account(&k->l, r->account_id))
        return 1;
    char acc[24], imp[16], perf[16], cost[32];
    fmt_id(acc, sizeof acc, r->account_id);
    fmt_num(imp, sizeof imp, r->r.importance, 1);
    fmt_num(perf, sizeof perf, r->r.performance, 1);
    fmt_num(cost, sizeof cost, r->r.cost, 2);
    enum cvom_ip_quadrant q = cvom_ip_classify(&k->cfg, r->r.importance, r->r.performance);
    const char *cells[] = {acc,
                           k->l.acc.name,
                           r->code,
                           r->name,
                           r->category,
                           imp,
                           perf,
                           cost,
                           k->fmt == FMT_TEXT ? cvom_ip_quadrant_label(q) : cvom_ip_quadrant_key(q),
                           r->r.importance < k->cfg.importance_threshold ? "yes" : "no"};
    return cli_listing_add(&k->l, cells);
}

static enum cvom_status list_rated(struct cli_listing *l)
{
    struct rated *k = (struct rated *)l;
    return l->c->store->ops->rating_list(l->c->store, k->account_id, rated_row, k, &l->c->err);
}

static int offering_ratings(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "importance-threshold",
         .kind = 'n',
         .arg = "N",
         .min = 1,
         .max = 7,
         .help = "important at or above this (1-7, default 4)"},
        {.name = "performance-threshold",
         .kind = 'n',
         .arg = "N",
         .min = 1,
         .max = 7,
         .help = "performing well at or above this (1-7, default 4)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"account_id",  "account",    "code",        "offering",
                                       "category",    "importance", "performance", "cost",
                                       "ip_quadrant", "unvalued"};
    char *pos[1];
    int np, rc;
    struct rated k = {.l = {.c = c}};
    if (cli_parse(c, argc, argv, opts, "[ACCOUNT] [--format FMT]",
                  "List the ratings of one account or of every account, each in its "
                  "importance-performance quadrant: concentrate here (important, performing "
                  "below the threshold), keep up the good work (important, performing well), "
                  "low priority (unimportant, performing below), possible overkill "
                  "(unimportant, performing well). Unvalued: rated below the importance "
                  "threshold. CSV and JSON columns: account_id, account, code, offering, "
                  "category, importance, performance, cost, ip_quadrant (concentrate, keep_up, "
                  "low_priority, overkill), unvalued.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &k.fmt)) || (rc = cli_serving_config(c, opts, &k.cfg)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    if (np == 1) {
        if ((rc = cli_account(c, pos[0], &k.l.acc)))
            return rc;
        k.account_id = k.l.acc.id;
    }
    return cli_list(&k.l, cols, "nssssnnnss", k.fmt, list_rated);
}

int cmd_offering(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"add", offering_add, "add an offering to the catalogue"},
        {"list", offering_list, "list the catalogue"},
        {"rm", offering_rm, "remove an offering and its ratings"},
        {"rate", offering_rate, "record an account's rating of an offering and its cost"},
        {"ratings", offering_ratings, "list ratings with their importance-performance quadrant"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "offering", cmds, argc, argv);
}
