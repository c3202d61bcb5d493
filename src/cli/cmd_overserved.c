/* cmd_overserved.c — `cvom overserved`: the accounts on which we spend most on what they
 * do not value. Each account's ratings are assessed by the core (unvalued cost, its share
 * of the cost to serve, the over-served flag), listed with the account's quadrant, and
 * summed over the portfolio. */
#include "cli/cli.h"

#include "io/util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_serving_config(struct cli *c, struct cli_opt *opts, struct cvom_serving_config *out)
{
    static const char *const names[] = {"importance-threshold", "performance-threshold",
                                        "share"};
    struct cvom_serving_config cfg;
    cvom_serving_config_init(&cfg);
    double *fields[] = {&cfg.importance_threshold, &cfg.performance_threshold,
                        &cfg.overserved_share};
    for (size_t i = 0; i < 3; i++) {
        const char *v = cli_val(opts, names[i]);
        if (v && cvom_parse_double(v, fields[i]))
            return cli_usage_error(c, "--%s takes a number, not '%s'", names[i], v);
    }
    if (cvom_serving_config_validate(&cfg, &c->err))
        return cli_usage_error(c, "%s", c->err.message);
    *out = cfg;
    return 0;
}

/* The ratings of the whole portfolio, in the store's order: by account, then code. */
struct ratings {
    struct cvom_offering_rating *v;
    size_t n, cap;
    int failed; /* memory ran out part-way */
};

static int collect_rating(void *ctx, const struct cvom_offering_rating *r)
{
    struct ratings *k = ctx;
    void *g = cvom_grow(k->v, &k->cap, k->n + 1, sizeof *k->v, SIZE_MAX / 2);
    if (!g) {
        k->failed = 1;
        return 1;
    }
    k->v = g;
    k->v[k->n++] = *r;
    return 0;
}

/* One account's line. */
struct served {
    const struct cvom_scored *acc;
    struct cvom_serving s;
    char offerings[1024]; /* the codes of its unvalued offerings, separated by spaces */
};

/* Most unvalued cost first, then by name. */
static int by_unvalued(const void *a, const void *b)
{
    const struct served *x = a, *y = b;
    if (x->s.unvalued_cost != y->s.unvalued_cost)
        return x->s.unvalued_cost > y->s.unvalued_cost ? -1 : 1;
    return strcmp(x->acc->account.name, y->acc->account.name);
}

static void append_code(char *buf, size_t cap, const char *code)
{
    size_t n = strlen(buf);
    if (n + 1 < cap)
        snprintf(buf + n, cap - n, "%s%s", n ? " " : "", code);
}

/* Assess every scanned account that has ratings; *out gets one line per such account. */
static enum cvom_status assess_all(struct cli *c, const struct cvom_serving_config *cfg,
                                   const struct cvom_scored *v, size_t n,
                                   const struct ratings *all, struct served *out, size_t *n_out)
{
    struct cvom_offer_rating *r = malloc((all->n ? all->n : 1) * sizeof *r);
    if (!r)
        return cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    enum cvom_status st = CVOM_OK;
    size_t m = 0;
    for (size_t i = 0; !st && i < n; i++) {
        struct served *s = &out[m];
        size_t k = 0;
        s->offerings[0] = '\0';
        for (size_t j = 0; j < all->n; j++) {
            if (all->v[j].account_id != v[i].account.id)
                continue;
            r[k++] = all->v[j].r;
            if (all->v[j].r.importance < cfg->importance_threshold)
                append_code(s->offerings, sizeof s->offerings, all->v[j].code);
        }
        if (!k)
            continue;
        s->acc = &v[i];
        st = cvom_serving_assess(cfg, r, k, &s->s, &c->err);
        m++;
    }
    free(r);
    *n_out = m;
    return st;
}

static void quadrant_of(const struct cvom_scored *a, const char **q)
{
    *q = a->score.state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(a->score.quadrant);
}

static int print_json(const struct cvom_serving_config *cfg, const struct served *s, size_t n,
                      int all, const struct cvom_serving_total *t)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < n; i++) {
        if (!all && !s[i].s.overserved)
            continue;
        const char *q;
        quadrant_of(s[i].acc, &q);
        json_t *o = json_pack("{sI ss ss ss ss sf sf sf sb sI ss}",
                              "account_id", (json_int_t)s[i].acc->account.id,
                              "account", s[i].acc->account.name,
                              "owner", s[i].acc->account.owner, "quadrant", q,
                              "state", cvom_state_name(s[i].acc->score.state),
                              "total_cost", s[i].s.total_cost,
                              "unvalued_cost", s[i].s.unvalued_cost,
                              "share", s[i].s.share, "overserved", s[i].s.overserved,
                              "unvalued_offerings", (json_int_t)s[i].s.unvalued,
                              "offerings", s[i].offerings);
        if (!o || json_array_append_new(rows, o)) {
            json_decref(rows);
            return -1;
        }
    }
    json_t *doc = json_pack("{sf sf sf so s{sI sI sf sf sf sf}}",
                            "importance_threshold", cfg->importance_threshold,
                            "performance_threshold", cfg->performance_threshold,
                            "overserved_share", cfg->overserved_share, "accounts", rows,
                            "portfolio", "rated_accounts", (json_int_t)t->accounts,
                            "overserved_accounts", (json_int_t)t->overserved,
                            "total_cost", t->total_cost, "unvalued_cost", t->unvalued_cost,
                            "overserved_unvalued_cost", t->overserved_unvalued_cost,
                            "share", t->share);
    if (!doc)
        return -1;
    int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    fputc('\n', stdout);
    json_decref(doc);
    return rc;
}

static int print_table(const struct served *s, size_t n, int all, enum cli_format fmt)
{
    static const char *const cols[] = {"account_id", "account", "owner", "quadrant",
                                       "total_cost", "unvalued_cost", "share_pct",
                                       "overserved", "offerings"};
    struct table *t = table_new(cols, "nsssnnnss");
    if (!t)
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!all && !s[i].s.overserved)
            continue;
        char id[24], total[32], unvalued[32], share[16];
        const char *q;
        quadrant_of(s[i].acc, &q);
        fmt_id(id, sizeof id, s[i].acc->account.id);
        fmt_num(total, sizeof total, s[i].s.total_cost, 2);
        fmt_num(unvalued, sizeof unvalued, s[i].s.unvalued_cost, 2);
        fmt_num(share, sizeof share, 100 * s[i].s.share, 1);
        const char *cells[] = {id, s[i].acc->account.name, s[i].acc->account.owner, q, total,
                               unvalued, share, s[i].s.overserved ? "yes" : "no",
                               s[i].offerings};
        rc = table_add(t, cells);
    }
    if (!rc)
        rc = table_print(t, stdout, fmt);
    table_free(t);
    return rc;
}

static void print_summary(const struct cvom_serving_config *cfg,
                          const struct cvom_serving_total *t)
{
    printf("\nPortfolio: %zu of %zu rated accounts over-served (unvalued cost above %.1f %% "
           "of their cost to serve; unvalued: importance below %.1f on 1-7).\n"
           "Unvalued cost %.2f of %.2f in total (%.1f %%); %.2f of it on the over-served "
           "accounts.\n",
           t->overserved, t->accounts, 100 * cfg->overserved_share, cfg->importance_threshold,
           t->unvalued_cost, t->total_cost, 100 * t->share, t->overserved_unvalued_cost);
}

int cmd_overserved(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "share", .kind = 's', .arg = "S",
         .help = "over-served above this share of the cost (0-1, default 0.25)"},
        {.name = "importance-threshold", .kind = 's', .arg = "N",
         .help = "unvalued below this importance (1-7, default 4)"},
        {.name = "all", .kind = 'f', .help = "every rated account, over-served or not"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "the quadrants as of (today)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    int32_t as_of;
    struct cvom_serving_config cfg;
    if (cli_parse(c, argc, argv, opts, "[--share S] [--all] [--format FMT]",
                  "The over-served accounts: unvalued cost (our cost to serve the offerings "
                  "an account rates below the importance threshold) above a share of its "
                  "total cost to serve, most unvalued cost first, with the account's quadrant "
                  "and the offerings behind it, then the portfolio's totals. CSV columns: "
                  "account_id, account, owner, quadrant, total_cost, unvalued_cost, "
                  "share_pct, overserved, offerings. JSON: one object with the settings, "
                  "'accounts' and 'portfolio'.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)) ||
        (rc = cli_serving_config(c, opts, &cfg)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_config score_cfg;
    struct ratings all = {0};
    struct cvom_scored *v = NULL;
    struct served *s = NULL;
    size_t n = 0, m = 0;
    enum cvom_status st = cvom_config_load(c->store, &score_cfg, &c->err);
    if (!st)
        st = c->store->ops->rating_list(c->store, 0, collect_rating, &all, &c->err);
    if (!st && all.failed)
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    if (!st)
        st = cvom_portfolio_scan(c->store, &score_cfg, NULL, as_of, &v, &n, NULL, NULL,
                                 &c->err);
    if (!st && !(s = calloc(n ? n : 1, sizeof *s)))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    if (!st)
        st = assess_all(c, &cfg, v, n, &all, s, &m);
    if (!st) {
        struct cvom_serving *each = malloc((m ? m : 1) * sizeof *each);
        struct cvom_serving_total t;
        if (!each) {
            st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
        } else {
            for (size_t i = 0; i < m; i++)
                each[i] = s[i].s;
            cvom_serving_tally(each, m, &t);
            free(each);
            qsort(s, m, sizeof *s, by_unvalued);
            int all_rows = cli_opt(opts, "all")->set;
            if (fmt == FMT_JSON ? print_json(&cfg, s, m, all_rows, &t)
                                : print_table(s, m, all_rows, fmt))
                st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
            else if (fmt == FMT_TEXT)
                print_summary(&cfg, &t);
        }
    }
    free(s);
    free(v);
    free(all.v);
    return st ? cli_fail(c, st, &c->err) : 0;
}
