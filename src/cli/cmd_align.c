/* cmd_align.c — `cvom align`: value hierarchies. The list of values, our own ranking and
 * each account's; alignment is Kendall's tau-b between ours and the account's over the
 * values both rank, and a partnership aligned below a threshold is reported at risk. */
#include "cli/cli.h"

#include "service/analytics_json.h"
#include "io/util.h"
#include "service/analytics.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- align values ------------------------------------------------------------------- */

struct value_listing {
    struct cli *c;
    struct table *t;
    const struct cvom_value_rank *ours;
    size_t n_ours;
    enum cvom_status st;
};

static int value_row(void *ctx, int64_t id, const char *name)
{
    struct value_listing *k = ctx;
    char rank[16] = "";
    for (size_t i = 0; i < k->n_ours; i++)
        if (strcmp(k->ours[i].value, name) == 0)
            snprintf(rank, sizeof rank, "%d", k->ours[i].rank);
    char sid[24];
    fmt_id(sid, sizeof sid, id);
    const char *cells[] = {sid, name, rank};
    if (table_add(k->t, cells)) {
        k->st = cvom_error_set(&k->c->err, CVOM_ENOMEM, "out of memory");
        return 1;
    }
    return 0;
}

static enum cvom_status change_values(struct cli *c, struct cli_opt *opts)
{
    struct cli_opt *add = cli_opt(opts, "add"), *rm = cli_opt(opts, "rm");
    cli_audit(c, "values", "%d added, %d removed", add->n_multi, rm->n_multi);
    enum cvom_status st = cli_begin(c);
    for (int i = 0; !st && i < add->n_multi; i++) {
        char name[CVOM_VALUE_NAME_MAX];
        if (cvom__copy_str(name, sizeof name, add->multi[i]) || !cvom__trim(name)[0])
            st = cvom_error_set(&c->err, CVOM_EINVAL, "a value is 1 to %d bytes of text",
                                CVOM_VALUE_NAME_MAX - 1);
        else
            st = c->store->ops->value_add(c->store, name, &c->err);
    }
    for (int i = 0; !st && i < rm->n_multi; i++)
        st = c->store->ops->value_remove(c->store, rm->multi[i], &c->err);
    if (!st)
        st = cli_commit(c);
    if (st)
        cli_rollback(c);
    return st;
}

static int align_values(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "add", .kind = 'm', .arg = "VALUE", .help = "add a value (repeatable)"},
        {.name = "rm",
         .kind = 'm',
         .arg = "VALUE",
         .help = "remove a value, and it from every ranking (repeatable)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id", "value", "our_rank"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[--add VALUE] [--rm VALUE] [--format FMT]",
                  "List the values hierarchies rank, by name, with our own rank of each; "
                  "--add and --rm change the list first. CSV and JSON columns: id, value, "
                  "our_rank.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    int change = cli_opt(opts, "add")->n_multi || cli_opt(opts, "rm")->n_multi;
    if (change ? cli_store(c) : cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct value_listing k = {.c = c};
    struct cvom_value_rank *ours = NULL;
    enum cvom_status st = change ? change_values(c, opts) : CVOM_OK;
    if (!st)
        st = cvom__value_places(c->store, 0, &ours, &k.n_ours, &c->err);
    k.ours = ours;
    if (!st && !(k.t = table_new(cols, "nsn")))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    if (!st)
        st = c->store->ops->value_list(c->store, value_row, &k, &c->err);
    if (!st)
        st = k.st;
    if (!st)
        table_print(k.t, stdout, fmt);
    table_free(k.t);
    free(ours);
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* ---- align rank --------------------------------------------------------------------- */

/* The values no place of v names, for saying what a ranking left unranked. */
struct unranked {
    const char *const *named;
    int n_named, print; /* print: write the unranked values' names too */
    size_t total, count;
};

static int unranked_row(void *ctx, int64_t id, const char *name)
{
    struct unranked *u = ctx;
    (void)id;
    u->total++;
    for (int i = 0; i < u->n_named; i++)
        if (strcmp(u->named[i], name) == 0)
            return 0;
    if (u->print)
        fprintf(stderr, "%s%s", u->count ? ", " : "", name);
    u->count++;
    return 0;
}

/* Say what changed: the ranking as it was and as it is now, and, when values of the list
 * are left out, that the whole ranking was replaced and which values are now unranked. */
static enum cvom_status tell_ranking(struct cli *c, const char *whose,
                                     const struct cvom_value_rank *was, size_t n_was, char **now,
                                     int n_now)
{
    fprintf(stderr, "%s ranking: ", whose);
    for (size_t i = 0; i < n_was; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", was[i].value);
    fprintf(stderr, "%s \u2192 ", n_was ? "" : "(none)");
    for (int i = 0; i < n_now; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", now[i]);
    fputc('\n', stderr);
    struct unranked u = {.named = (const char *const *)now, .n_named = n_now};
    enum cvom_status st = c->store->ops->value_list(c->store, unranked_row, &u, &c->err);
    if (st || !u.count)
        return st;
    fprintf(stderr,
            "It replaced the whole ranking: %d of the %zu values are ranked; not "
            "ranked now: ",
            n_now, u.total);
    u = (struct unranked){.named = (const char *const *)now, .n_named = n_now, .print = 1};
    st = c->store->ops->value_list(c->store, unranked_row, &u, &c->err);
    fputs(".\n", stderr);
    return st;
}

static int align_rank(struct cli *c, int argc, char **argv)
{
    char *pos[CVOM_VALUES_MAX + 1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "ACCOUNT|ours VALUE [VALUE …]",
                  "Set a value hierarchy, most important first: ours, or an account's. It "
                  "replaces the whole ranking stored (values left out are no longer ranked), "
                  "and says how it was, how it is now and which values are unranked. Values "
                  "must be in the list ('cvom align values').",
                  pos, CVOM_VALUES_MAX + 1, 2, &np, &rc))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    int64_t account_id = 0;
    char whose[CVOM_FIELD_MAX + 8] = "our";
    if (strcmp(pos[0], "ours") != 0) {
        struct cvom_account a;
        if ((rc = cli_account(c, pos[0], &a)))
            return rc;
        account_id = a.id;
        snprintf(whose, sizeof whose, "%s's", a.name);
        cli_audit(c, a.name, NULL);
    }
    struct cvom_value_rank *was = NULL;
    size_t n_was = 0;
    cli_audit(c, account_id ? NULL : "ours", "%d values ranked", np - 1);
    enum cvom_status st = cli_begin(c);
    if (!st)
        st = cvom__value_places(c->store, account_id, &was, &n_was, &c->err);
    if (!st)
        st = c->store->ops->ranking_clear(c->store, account_id, &c->err);
    for (int i = 1; !st && i < np; i++) {
        st = c->store->ops->ranking_put(c->store, account_id, pos[i], i, &c->err);
        if (st == CVOM_EEXIST)
            cvom_error_set(&c->err, CVOM_EINVAL, "the ranking names '%s' twice", pos[i]);
        if (st == CVOM_EEXIST)
            st = CVOM_EINVAL;
    }
    if (!st)
        st = cli_commit(c);
    if (st)
        cli_rollback(c);
    if (!st)
        st = tell_ranking(c, whose, was, n_was, pos + 1, np - 1);
    free(was);
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* ---- align [ACCOUNT] ---------------------------------------------------------------- */

static const char *quadrant_text(const struct cvom_scored *s)
{
    return s->score.state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(s->score.quadrant);
}

static int dump(json_t *doc)
{
    if (!doc)
        return -1;
    int rc =
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    fputc('\n', stdout);
    json_decref(doc);
    return rc;
}

static int print_portfolio(const struct cvom_alignment_set *s, enum cli_format fmt)
{
    if (fmt == FMT_JSON) {
        json_t *doc = cvom__alignment_json(s);
        int rc = doc ? json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : -1;
        putchar('\n');
        json_decref(doc);
        return rc;
    }
    static const char *const cols[] = {"account_id", "account", "owner", "quadrant",
                                       "state",      "common",  "tau_b", "at_risk"};
    struct table *t = table_new(cols, "nssosnns");
    int rc = t ? 0 : -1;
    for (size_t i = 0; !rc && i < s->n; i++) {
        const struct cvom_aligned *v = &s->v[i];
        char id[24], common[24], tau[24];
        fmt_id(id, sizeof id, v->acc->account.id);
        snprintf(common, sizeof common, "%zu", v->a.common);
        fmt_num(tau, sizeof tau, v->a.tau, 3);
        const char *cells[] = {id,
                               v->acc->account.name,
                               v->acc->account.owner,
                               quadrant_text(v->acc),
                               cvom_state_name(v->acc->score.state),
                               common,
                               tau,
                               v->at_risk ? "yes" : "no"};
        rc = table_add(t, cells);
    }
    if (!rc)
        rc = table_print(t, stdout, fmt);
    table_free(t);
    return rc;
}

static int print_pair(const struct cvom_alignment_set *s, const struct cvom_aligned *al,
                      enum cli_format fmt)
{
    if (fmt == FMT_JSON)
        return dump(cvom__aligned_json(s, al));
    static const char *const cols[] = {"rank", "ours", "theirs"};
    struct table *t = table_new(cols, "nss");
    int rc = t ? 0 : -1;
    size_t rows = s->n_ours > al->n_theirs ? s->n_ours : al->n_theirs;
    for (size_t i = 0; !rc && i < rows; i++) {
        char rank[24];
        snprintf(rank, sizeof rank, "%zu", i + 1);
        const char *cells[] = {rank, i < s->n_ours ? s->ours[i] : "",
                               i < al->n_theirs ? al->theirs[i].value : ""};
        rc = table_add(t, cells);
    }
    if (!rc)
        rc = table_print(t, stdout, fmt);
    table_free(t);
    if (!rc && fmt == FMT_TEXT) {
        char tau[16];
        fmt_num(tau, sizeof tau, al->a.tau, 3);
        printf("\nAlignment (Kendall's tau-b over %zu values both rank): %s\n", al->a.common,
               tau[0] ? tau : "unknown (fewer than two in common)");
        if (al->at_risk)
            printf("A partnership at risk: aligned below %.2f.\n", s->threshold);
    }
    return rc;
}

/* one: the account to show, or NULL for every ranked account that f and quadrant leave. */
static enum cvom_status align_run(struct cli *c, const struct cvom_account *one,
                                  const struct cvom_account_filter *f, int quadrant,
                                  double threshold, int32_t as_of, enum cli_format fmt)
{
    struct cvom_alignment_set s;
    enum cvom_status st =
        cvom__alignment_gather(c->store, threshold, one ? NULL : f, one ? -1 : quadrant, as_of,
                               one ? one->id : 0, &s, &c->err);
    if (st)
        return st;
    if (s.n_ours == 0)
        st = cvom_error_set(&c->err, CVOM_ENOTFOUND,
                            "there is no ranking of our own yet: "
                            "cvom align rank ours VALUE VALUE …");
    else if (one && s.n == 1) {
        if (print_pair(&s, &s.v[0], fmt))
            st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    } else if (print_portfolio(&s, fmt)) {
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    } else if (fmt == FMT_TEXT) {
        printf("\n%zu of %zu ranked accounts: partnerships at risk (both axes high, "
               "aligned below %.2f).\n",
               s.n_at_risk, s.n, threshold);
    }
    cvom__alignment_set_cleanup(&s);
    return st;
}

static int align_report(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "threshold",
         .kind = 'n',
         .arg = "T",
         .min = -1,
         .max = 1,
         .help = "a partnership aligned below this is at risk (-1 to 1; default the stored "
                 "setting alignment_at_risk, 0.3)"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "the quadrants as of (today)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        CLI_FILTER_OPTS,
        {0},
    };
    char *pos[1];
    int np, rc, quadrant;
    enum cli_format fmt;
    int32_t as_of;
    double threshold = CVOM_ALIGN_AT_RISK;
    struct cvom_account_filter f;
    if (cli_parse(c, argc, argv, opts,
                  "[ACCOUNT | FILTERS] [--threshold T] [--format FMT]\n"
                  "       cvom align values [--add VALUE] [--rm VALUE]\n"
                  "       cvom align rank ACCOUNT|ours VALUE [VALUE …]",
                  "Alignment of value hierarchies: Kendall's tau-b between our ranking and an "
                  "account's over the values both rank, from -1 (reversed) to 1 (the same "
                  "order). Without ACCOUNT, every ranked account (or those the filters leave), "
                  "least aligned first, with "
                  "at_risk: in the Partnership quadrant and aligned below the threshold. CSV "
                  "and JSON columns: account_id, account, owner, quadrant, state, common, "
                  "tau_b, at_risk. With ACCOUNT, the two rankings side by side (CSV: rank, "
                  "ours, theirs) and tau-b.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)) ||
        (rc = cli_filters(c, opts, &f, &quadrant)))
        return rc;
    if (np && cli_filters_given(opts))
        return cli_usage_error(c, "the filters choose accounts to list: give either an "
                                  "account or filters, not both");
    const char *t = cli_val(opts, "threshold");
    threshold = cli_num(opts, "threshold", threshold);
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_analytics_settings set;
    if (!t && cvom__analytics_settings_load(c->store, &set, &c->err))
        return cli_fail(c, c->err.status, &c->err);
    if (!t)
        threshold = set.at_risk; /* the stored setting unless --threshold overrides it */
    struct cvom_account one;
    if (np && (rc = cli_account(c, pos[0], &one)))
        return rc;
    enum cvom_status st = align_run(c, np ? &one : NULL, &f, quadrant, threshold, as_of, fmt);
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_align(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"values", align_values, "list, add and remove the values hierarchies rank"},
        {"rank", align_rank, "set our value hierarchy or an account's"},
        {NULL, NULL, NULL},
    };
    if (argc > 0 && (strcmp(argv[0], "values") == 0 || strcmp(argv[0], "rank") == 0))
        return cli_dispatch(c, "align", cmds, argc, argv);
    return align_report(c, argc, argv);
}
