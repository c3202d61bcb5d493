/* cmd_whatif.c — `cvom whatif`: what planned actions would do if they worked. For one
 * account, the chosen open actions' effects added to its scores: projected scores, quadrant,
 * state and cost. For the portfolio (--all-open), the quadrant mix if every open action
 * worked. A plan's estimate, never evidence: nothing is stored. */
#include "cli/cli.h"

#include "io/util.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ACTIONS_MAX CVOM_WHATIF_STEPS_MAX

static const char NOTE[] = "a plan's estimate, not evidence";

/* Open actions gathered from the store. */
struct steps {
    struct cvom_action *v;
    size_t n, cap;
    int over;
};

static int collect_cb(void *ctx, const struct cvom_action *a)
{
    struct steps *k = ctx;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 16;
        struct cvom_action *g = cap <= ACTIONS_MAX ? realloc(k->v, cap * sizeof *g) : NULL;
        if (!g) {
            k->over = 1;
            return 1;
        }
        k->v = g;
        k->cap = cap;
    }
    k->v[k->n++] = *a;
    return 0;
}

static struct cvom_whatif_step step_of(const struct cvom_action *a)
{
    return (struct cvom_whatif_step){.axis = a->axis,
                                     .effect = a->axis >= 0 ? a->effect : 0,
                                     .cost = isnan(a->cost) ? 0 : a->cost};
}

/* The actions named by --action: each must exist, be open and belong to the account. */
static enum cvom_status chosen(struct cli *c, struct cli_opt *o, int64_t account,
                               struct steps *k)
{
    for (int i = 0; i < o->n_multi; i++) {
        long id;
        struct cvom_action a;
        if (cvom_parse_long(o->multi[i], 1, LONG_MAX, &id))
            return cvom_error_set(&c->err, CVOM_EINVAL,
                                  "--action takes an action's id, not '%s'", o->multi[i]);
        enum cvom_status st = c->store->ops->action_get(c->store, id, &a, &c->err);
        if (st)
            return st;
        if (a.account_id != account)
            return cvom_error_set(&c->err, CVOM_EINVAL,
                                  "action %ld belongs to another account", id);
        if (a.status != CVOM_ACTION_OPEN)
            return cvom_error_set(&c->err, CVOM_EINVAL,
                                  "action %ld is done: only open actions are planned", id);
        for (size_t j = 0; j < k->n; j++)
            if (k->v[j].id == a.id)
                return cvom_error_set(&c->err, CVOM_EINVAL, "action %ld is given twice", id);
        collect_cb(k, &a);
        if (k->over)
            return cvom_error_set(&c->err, CVOM_ELIMIT, "too many actions");
    }
    return CVOM_OK;
}

static enum cvom_status project(struct cli *c, const struct cvom_config *cfg,
                                const struct cvom_score *now, const struct cvom_action *v,
                                size_t n, struct cvom_whatif *w)
{
    struct cvom_whatif_step *s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        return cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        s[i] = step_of(&v[i]);
    enum cvom_status st = cvom_whatif_project(cfg, now, s, n, w, &c->err);
    free(s);
    return st;
}

/* ---- one account ---------------------------------------------------------------------------- */

static const char *quadrant_or_none(enum cvom_state s, enum cvom_quadrant q)
{
    return s == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(q);
}

static int print_account(const struct cvom_account *a, const char *as_of,
                         const struct steps *k, const struct cvom_whatif *w,
                         enum cli_format fmt)
{
    static const char *const cols[] = {
        "account_id", "account", "as_of", "actions", "intellectual_now", "intellectual_effect",
        "intellectual_projected", "emotional_now", "emotional_effect", "emotional_projected",
        "quadrant_now", "state_now", "quadrant_projected", "state_projected", "cost", "basis"};
    char id[24], n[24], v[6][32], cost[32];
    fmt_id(id, sizeof id, a->id);
    fmt_id(n, sizeof n, (int64_t)w->steps);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        fmt_num(v[3 * d], sizeof v[0], w->before[d], 2);
        fmt_num(v[3 * d + 1], sizeof v[0], w->effect[d], 2);
        fmt_num(v[3 * d + 2], sizeof v[0], w->after[d], 2);
    }
    fmt_num(cost, sizeof cost, w->cost, 2);
    if (fmt != FMT_TEXT) {
        const char *cells[] = {id, a->name, as_of, n, v[0], v[1], v[2], v[3], v[4], v[5],
                               quadrant_or_none(w->state_before, w->quadrant_before),
                               cvom_state_name(w->state_before),
                               quadrant_or_none(w->state_after, w->quadrant_after),
                               cvom_state_name(w->state_after), cost, NOTE};
        struct table *t = table_new(cols, "nssnnnnnnnssssns");
        int bad = !t || table_add(t, cells);
        if (!bad)
            table_print_record(t, stdout, fmt);
        table_free(t);
        return bad;
    }
    printf("What-if for %s as of %s: %s.\n\n", a->name, as_of, NOTE);
    for (size_t i = 0; i < k->n; i++) {
        const struct cvom_action *x = &k->v[i];
        char e[24] = "", c2[32] = "";
        if (x->axis >= 0)
            snprintf(e, sizeof e, "%s %+.1f", cvom_dim_name((enum cvom_dim)x->axis), x->effect);
        if (!isnan(x->cost))
            fmt_num(c2, sizeof c2, x->cost, 2);
        printf("  action %lld  %s  [%s%s%s%s]\n", (long long)x->id, x->title,
               e[0] ? e : "no axis", c2[0] ? ", cost " : "", c2, "");
    }
    if (k->n)
        printf("\n");
    printf("%-14s %12s %12s %12s\n", "", "now", "planned", "projected");
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        char eff[32];
        snprintf(eff, sizeof eff, "%+.2f", w->effect[d]);
        printf("%-14s %12s %12s %12s%s\n", cvom_dim_name((enum cvom_dim)d),
               v[3 * d][0] ? v[3 * d] : "-", eff, v[3 * d + 2][0] ? v[3 * d + 2] : "-",
               w->capped[d] ? "  (held within 0-100)" : "");
    }
    const char *qb = w->state_before == CVOM_STATE_INSUFFICIENT
                         ? "not placed"
                         : cvom_quadrant_title(w->quadrant_before);
    const char *qa = w->state_after == CVOM_STATE_INSUFFICIENT
                         ? "not placed"
                         : cvom_quadrant_title(w->quadrant_after);
    printf("%-14s %12s %12s %12s\n", "quadrant", qb, "", qa);
    printf("%-14s %12s %12s %12s\n", "state", cvom_state_name(w->state_before), "",
           cvom_state_name(w->state_after));
    printf("%-14s %12s %12s\n", "cost", "", cost);
    if (w->state_before == CVOM_STATE_INSUFFICIENT)
        printf("\nThe account has too little evidence to be placed; a plan does not change "
               "that.\n");
    return 0;
}

static int whatif_account(struct cli *c, struct cli_opt *opts, const char *ref, int32_t as_of,
                          enum cli_format fmt)
{
    struct cvom_account a;
    int rc = cli_account(c, ref, &a);
    if (rc)
        return rc;
    struct steps k = {0};
    struct cvom_config cfg;
    struct cvom_score now;
    struct cvom_whatif w;
    struct cvom_instrument_cache cache;
    cvom_instrument_cache_init(&cache);
    enum cvom_status st = cvom_config_load(c->store, &cfg, &c->err);
    if (!st && cli_opt(opts, "all-open")->set) {
        struct cvom_action_filter f = {.account_id = a.id, .status = CVOM_ACTION_OPEN};
        st = c->store->ops->action_list(c->store, &f, collect_cb, &k, &c->err);
        if (!st && k.over)
            st = cvom_error_set(&c->err, CVOM_ELIMIT, "too many open actions");
    } else if (!st) {
        st = chosen(c, cli_opt(opts, "action"), a.id, &k);
    }
    if (!st)
        st = cvom_account_score(c->store, &cache, &cfg, a.id, as_of, &now, NULL, &c->err);
    cvom_instrument_cache_cleanup(&cache);
    if (!st)
        st = project(c, &cfg, &now, k.v, k.n, &w);
    char d[11];
    cvom_date_format(as_of, d);
    if (!st && print_account(&a, d, &k, &w, fmt))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    free(k.v);
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* ---- the portfolio -------------------------------------------------------------------------- */

static int by_account(const void *x, const void *y)
{
    const struct cvom_action *a = x, *b = y;
    return (a->account_id > b->account_id) - (a->account_id < b->account_id);
}

static int print_mix(const struct cvom_whatif_mix *m, const struct cvom_scored *v,
                     const struct cvom_whatif *w, size_t n, size_t actions, const char *as_of,
                     enum cli_format fmt)
{
    static const char *const cols[] = {"quadrant", "now", "projected", "change"};
    struct table *t = table_new(cols, "snnn");
    if (!t)
        return 1;
    for (int q = 0; q <= CVOM_Q_COUNT; q++) {
        char a[24], b[24], ch[24];
        fmt_id(a, sizeof a, (int64_t)m->before[q]);
        fmt_id(b, sizeof b, (int64_t)m->after[q]);
        snprintf(ch, sizeof ch, "%lld", (long long)m->after[q] - (long long)m->before[q]);
        const char *cells[] = {q < CVOM_Q_COUNT ? cvom_quadrant_name((enum cvom_quadrant)q)
                                                : "not placed",
                               a, b, ch};
        if (table_add(t, cells)) {
            table_free(t);
            return 1;
        }
    }
    if (fmt == FMT_TEXT) {
        char cost[32];
        fmt_num(cost, sizeof cost, m->cost, 2);
        printf("What-if for the portfolio as of %s, if every open action worked: %s.\n"
               "%zu open actions on %zu of %zu accounts; total cost %s.\n\n",
               as_of, NOTE, actions, m->with_steps, m->accounts, cost);
    }
    table_print(t, stdout, fmt);
    table_free(t);
    if (fmt == FMT_TEXT) {
        printf("\n%zu accounts would change quadrant%s\n", m->moved, m->moved ? ":" : ".");
        for (size_t i = 0; i < n; i++)
            if (w[i].state_before != CVOM_STATE_INSUFFICIENT &&
                w[i].state_after != CVOM_STATE_INSUFFICIENT &&
                w[i].quadrant_before != w[i].quadrant_after)
                printf("  %s: %s -> %s\n", v[i].account.name,
                       cvom_quadrant_title(w[i].quadrant_before),
                       cvom_quadrant_title(w[i].quadrant_after));
    }
    return 0;
}

static int whatif_portfolio(struct cli *c, int32_t as_of, enum cli_format fmt)
{
    struct cvom_config cfg;
    struct cvom_account_filter f;
    struct cvom_scored *v = NULL;
    struct cvom_whatif *w = NULL;
    struct steps k = {0};
    size_t n = 0;
    memset(&f, 0, sizeof f);
    struct cvom_action_filter af = {.account_id = 0, .status = CVOM_ACTION_OPEN};
    enum cvom_status st = cvom_config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom_portfolio_scan(c->store, &cfg, &f, as_of, &v, &n, NULL, NULL, &c->err);
    if (!st)
        st = c->store->ops->action_list(c->store, &af, collect_cb, &k, &c->err);
    if (!st && k.over)
        st = cvom_error_set(&c->err, CVOM_ELIMIT, "too many open actions");
    if (!st && !(w = calloc(n ? n : 1, sizeof *w)))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    /* The store lists actions by account; each account's run of them is one projection. */
    if (!st && k.n)
        qsort(k.v, k.n, sizeof *k.v, by_account);
    for (size_t i = 0; !st && i < n; i++) {
        size_t lo = 0, hi = k.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (k.v[mid].account_id < v[i].account.id)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t end = lo;
        while (end < k.n && k.v[end].account_id == v[i].account.id)
            end++;
        st = project(c, &cfg, &v[i].score, k.v + lo, end - lo, &w[i]);
    }
    char d[11];
    cvom_date_format(as_of, d);
    if (!st) {
        struct cvom_whatif_mix m;
        cvom_whatif_tally(w, n, &m);
        if (print_mix(&m, v, w, n, k.n, d, fmt))
            st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    }
    free(w);
    free(v);
    free(k.v);
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_whatif(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "action", .kind = 'm', .arg = "ID", .help = "an open action to plan (repeat)"},
        {.name = "all-open", .kind = 'f',
         .help = "every open action: of the account, or of the whole portfolio"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "score as of this date (today)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    char *pos[1];
    int np, rc;
    int32_t as_of;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts,
                  "ACCOUNT --action ID [--action ID ...] | [ACCOUNT] --all-open [--as-of DATE]",
                  "What planned actions would do if they worked: their expected effects added "
                  "to the account's scores (held within 0-100), the projected quadrant and "
                  "state against the thresholds, and the cost. Without an account, with "
                  "--all-open: how the portfolio's quadrant counts would change if every open "
                  "action worked. A plan's estimate, not evidence: nothing is stored.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    int all = cli_opt(opts, "all-open")->set, some = cli_opt(opts, "action")->n_multi > 0;
    if (all && some)
        return cli_usage_error(c, "give either --action or --all-open, not both");
    if (np == 0 && !all)
        return cli_usage_error(c, "without an account, use --all-open for the portfolio");
    if (np == 1 && !all && !some)
        return cli_usage_error(c, "name the actions to plan with --action ID, or use "
                                  "--all-open");
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    return np == 1 ? whatif_account(c, opts, pos[0], as_of, fmt)
                   : whatif_portfolio(c, as_of, fmt);
}
