/* cmd_whatif.c — `cvom whatif`: what planned actions would do if they worked. For one
 * account, the chosen open actions' effects added to its scores: projected scores, quadrant,
 * state and cost. For the portfolio (--all-open), the quadrant mix if every open action
 * worked. A plan's estimate, never evidence: nothing is stored. */
#include "cli/cli.h"

#include "io/util.h"
#include "service/whatif.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char NOTE[] = "a plan's estimate, not evidence";

/* The actions named by --action: each must exist, be open and belong to the account. */
static enum cvom_status chosen(struct cli *c, struct cli_opt *o, int64_t account,
                               struct cvom_action_set *k)
{
    for (int i = 0; i < o->n_multi; i++) {
        long id;
        if (cvom__parse_long(o->multi[i], 1, LONG_MAX, &id))
            return cvom_error_set(&c->err, CVOM_EINVAL, "--action takes an action's id, not '%s'",
                                  o->multi[i]);
        enum cvom_status st = cvom__whatif_pick(c->store, account, id, k, &c->err);
        if (st)
            return st;
    }
    return CVOM_OK;
}

/* ---- one account ---------------------------------------------------------------------------- */

static const char *quadrant_or_none(enum cvom_state s, enum cvom_quadrant q)
{
    return s == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(q);
}

static int print_account(const struct cvom_account *a, const char *as_of,
                         const struct cvom_action_set *k, const struct cvom_whatif *w,
                         enum cli_format fmt)
{
    static const char *const cols[] = {"account_id",
                                       "account",
                                       "as_of",
                                       "actions",
                                       "intellectual_now",
                                       "intellectual_effect",
                                       "intellectual_projected",
                                       "emotional_now",
                                       "emotional_effect",
                                       "emotional_projected",
                                       "quadrant_now",
                                       "state_now",
                                       "quadrant_projected",
                                       "state_projected",
                                       "cost",
                                       "basis"};
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
        const char *cells[] = {id,
                               a->name,
                               as_of,
                               n,
                               v[0],
                               v[1],
                               v[2],
                               v[3],
                               v[4],
                               v[5],
                               quadrant_or_none(w->state_before, w->quadrant_before),
                               cvom_state_name(w->state_before),
                               quadrant_or_none(w->state_after, w->quadrant_after),
                               cvom_state_name(w->state_after),
                               cost,
                               NOTE};
        struct table *t = table_new(cols, "nssnnnnnnnososns");
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
        printf("  action %lld  %s  [%s%s%s%s]\n", (long long)x->id, x->title, e[0] ? e : "no axis",
               c2[0] ? ", cost " : "", c2, "");
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
    struct cvom_action_set k = {0};
    struct cvom_config cfg;
    struct cvom_whatif w;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st && cli_opt(opts, "all-open")->set)
        st = cvom__whatif_open(c->store, a.id, &k, &c->err);
    else if (!st)
        st = chosen(c, cli_opt(opts, "action"), a.id, &k);
    if (!st)
        st = cvom__whatif_account(c->store, &cfg, a.id, as_of, k.v, k.n, NULL, &w, &c->err);
    char d[11];
    cvom_date_format(as_of, d);
    if (!st && print_account(&a, d, &k, &w, fmt))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    free(k.v);
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* ---- the portfolio -------------------------------------------------------------------------- */

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
        const char *cells[] = {
            q < CVOM_Q_COUNT ? cvom_quadrant_name((enum cvom_quadrant)q) : "not placed", a, b, ch};
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

static int whatif_portfolio(struct cli *c, const struct cvom_account_filter *f, int quadrant,
                            int32_t as_of, enum cli_format fmt)
{
    struct cvom_config cfg;
    struct cvom__whatif_portfolio p;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom__whatif_portfolio(c->store, &cfg, f, quadrant, as_of, NULL, &p, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    char d[11];
    cvom_date_format(as_of, d);
    if (print_mix(&p.mix, p.v, p.w, p.n, p.counted, d, fmt))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    cvom__whatif_portfolio_cleanup(&p);
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_whatif(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "action", .kind = 'm', .arg = "ID", .help = "an open action to plan (repeat)"},
        {.name = "all-open",
         .kind = 'f',
         .help = "every open action: of the account, or of the whole portfolio"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "score as of this date (today)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        CLI_FILTER_OPTS,
        {0},
    };
    char *pos[1];
    int np, rc, quadrant;
    int32_t as_of;
    struct cvom_account_filter f;
    enum cli_format fmt;
    if (cli_parse(
            c, argc, argv, opts,
            "ACCOUNT --action ID [--action ID ...] | [ACCOUNT] --all-open [--as-of DATE]\n"
            "       cvom whatif --all-open [FILTERS] [--as-of DATE]",
            "What planned actions would do if they worked: their expected effects added "
            "to the account's scores (held within 0-100), the projected quadrant and "
            "state against the thresholds, and the cost. Without an account, with "
            "--all-open: how the portfolio's quadrant counts would change if every open "
            "action worked, of the accounts the filters leave (the quadrant filter: placed in it "
            "now). A plan's estimate, not evidence: nothing is stored.",
            pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)) ||
        (rc = cli_filters(c, opts, &f, &quadrant)))
        return rc;
    int all = cli_opt(opts, "all-open")->set, some = cli_opt(opts, "action")->n_multi > 0;
    if (all && some)
        return cli_usage_error(c, "give either --action or --all-open, not both");
    if (np == 0 && !all)
        return cli_usage_error(c, "without an account, use --all-open for the portfolio");
    if (np == 1 && cli_filters_given(opts))
        return cli_usage_error(c, "the filters choose accounts of the portfolio: give either "
                                  "an account or filters, not both");
    if (np == 1 && !all && !some)
        return cli_usage_error(c, "name the actions to plan with --action ID, or use "
                                  "--all-open");
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    return np == 1 ? whatif_account(c, opts, pos[0], as_of, fmt)
                   : whatif_portfolio(c, &f, quadrant, as_of, fmt);
}
