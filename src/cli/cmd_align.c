/* cmd_align.c — `cvom align`: value hierarchies. The list of values, our own ranking and
 * each account's; alignment is Kendall's tau-b between ours and the account's over the
 * values both rank, and a partnership aligned below a threshold is reported at risk. */
#include "cli/cli.h"

#include "io/util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every place of the hierarchies listed, in the store's order: by account, then rank. */
struct places {
    struct cvom_value_rank *v;
    size_t n, cap;
    int failed; /* memory ran out part-way */
};

static int collect_place(void *ctx, const struct cvom_value_rank *r)
{
    struct places *k = ctx;
    void *g = cvom_grow(k->v, &k->cap, k->n + 1, sizeof *k->v, SIZE_MAX / 2);
    if (!g) {
        k->failed = 1;
        return 1;
    }
    k->v = g;
    k->v[k->n++] = *r;
    return 0;
}

static enum cvom_status load_places(struct cli *c, int64_t account_id, struct places *out)
{
    enum cvom_status st =
        c->store->ops->ranking_list(c->store, account_id, collect_place, out, &c->err);
    if (!st && out->failed)
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    return st;
}

/* The names of one account's hierarchy, most important first, borrowed from p. */
static size_t hierarchy(const struct places *p, int64_t account_id,
                        const char *names[CVOM_VALUES_MAX])
{
    size_t n = 0;
    for (size_t i = 0; i < p->n && n < CVOM_VALUES_MAX; i++)
        if (p->v[i].account_id == account_id)
            names[n++] = p->v[i].value;
    return n;
}

/* ---- align values ------------------------------------------------------------------- */

struct value_listing {
    struct cli *c;
    struct table *t;
    const struct places *ours;
    enum cvom_status st;
};

static int value_row(void *ctx, int64_t id, const char *name)
{
    struct value_listing *k = ctx;
    char rank[16] = "";
    for (size_t i = 0; i < k->ours->n; i++)
        if (strcmp(k->ours->v[i].value, name) == 0)
            snprintf(rank, sizeof rank, "%d", k->ours->v[i].rank);
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
    enum cvom_status st = cli_begin(c);
    for (int i = 0; !st && i < add->n_multi; i++) {
        char name[CVOM_VALUE_NAME_MAX];
        if (cvom_copy(name, sizeof name, add->multi[i]) || !cvom_trim(name)[0])
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
        {.name = "rm", .kind = 'm', .arg = "VALUE",
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
    struct places ours = {0};
    struct value_listing k = {.c = c, .ours = &ours};
    enum cvom_status st = change ? change_values(c, opts) : CVOM_OK;
    if (!st)
        st = load_places(c, 0, &ours);
    if (!st && !(k.t = table_new(cols, "nsn")))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    if (!st)
        st = c->store->ops->value_list(c->store, value_row, &k, &c->err);
    if (!st)
        st = k.st;
    if (!st)
        table_print(k.t, stdout, fmt);
    table_free(k.t);
    free(ours.v);
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* ---- align rank --------------------------------------------------------------------- */

static int align_rank(struct cli *c, int argc, char **argv)
{
    char *pos[CVOM_VALUES_MAX + 1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "ACCOUNT|ours VALUE [VALUE …]",
                  "Set a value hierarchy, most important first: ours, or an account's. It "
                  "replaces the one stored. Values must be in the list ('cvom align values').",
                  pos, CVOM_VALUES_MAX + 1, 2, &np, &rc))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    int64_t account_id = 0;
    if (strcmp(pos[0], "ours") != 0) {
        struct cvom_account a;
        if ((rc = cli_account(c, pos[0], &a)))
            return rc;
        account_id = a.id;
    }
    enum cvom_status st = cli_begin(c);
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
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* ---- align [ACCOUNT] ---------------------------------------------------------------- */

struct aligned {
    const struct cvom_scored *acc;
    struct cvom_alignment a;
    int at_risk;
};

/* Least aligned first; unknown alignments last; then by name. */
static int by_tau(const void *x, const void *y)
{
    const struct aligned *a = x, *b = y;
    int na = isnan(a->a.tau), nb = isnan(b->a.tau);
    if (na != nb)
        return na - nb;
    if (!na && a->a.tau != b->a.tau)
        return a->a.tau < b->a.tau ? -1 : 1;
    return strcmp(a->acc->account.name, b->acc->account.name);
}

static const char *quadrant_text(const struct cvom_scored *s)
{
    return s->score.state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(s->score.quadrant);
}

static int print_portfolio(const struct aligned *v, size_t n, enum cli_format fmt)
{
    static const char *const cols[] = {"account_id", "account", "owner", "quadrant",
                                       "state", "common", "tau_b", "at_risk"};
    struct table *t = table_new(cols, "nssssnns");
    int rc = t ? 0 : -1;
    for (size_t i = 0; !rc && i < n; i++) {
        char id[24], common[24], tau[24];
        fmt_id(id, sizeof id, v[i].acc->account.id);
        snprintf(common, sizeof common, "%zu", v[i].a.common);
        fmt_num(tau, sizeof tau, v[i].a.tau, 3);
        const char *cells[] = {id, v[i].acc->account.name, v[i].acc->account.owner,
                               quadrant_text(v[i].acc),
                               cvom_state_name(v[i].acc->score.state), common, tau,
                               v[i].at_risk ? "yes" : "no"};
        rc = table_add(t, cells);
    }
    if (!rc)
        rc = table_print(t, stdout, fmt);
    table_free(t);
    return rc;
}

static int print_pair(const char *const *ours, size_t n_ours, const char *const *theirs,
                      size_t n_theirs, const struct aligned *al, double threshold,
                      enum cli_format fmt)
{
    if (fmt == FMT_JSON) {
        json_t *o = json_array(), *t = json_array();
        for (size_t i = 0; o && i < n_ours; i++)
            json_array_append_new(o, json_string(ours[i]));
        for (size_t i = 0; t && i < n_theirs; i++)
            json_array_append_new(t, json_string(theirs[i]));
        json_t *doc = json_pack("{sI ss ss ss so so sI so sb sf}",
                                "account_id", (json_int_t)al->acc->account.id,
                                "account", al->acc->account.name,
                                "quadrant", quadrant_text(al->acc),
                                "state", cvom_state_name(al->acc->score.state),
                                "ours", o, "theirs", t, "common", (json_int_t)al->a.common,
                                "tau_b", isnan(al->a.tau) ? json_null() : json_real(al->a.tau),
                                "at_risk", al->at_risk, "threshold", threshold);
        if (!doc)
            return -1;
        int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
        fputc('\n', stdout);
        json_decref(doc);
        return rc;
    }
    static const char *const cols[] = {"rank", "ours", "theirs"};
    struct table *t = table_new(cols, "nss");
    int rc = t ? 0 : -1;
    size_t rows = n_ours > n_theirs ? n_ours : n_theirs;
    for (size_t i = 0; !rc && i < rows; i++) {
        char rank[24];
        snprintf(rank, sizeof rank, "%zu", i + 1);
        const char *cells[] = {rank, i < n_ours ? ours[i] : "", i < n_theirs ? theirs[i] : ""};
        rc = table_add(t, cells);
    }
    if (!rc)
        rc = table_print(t, stdout, fmt);
    table_free(t);
    if (!rc && fmt == FMT_TEXT) {
        char tau[16];
        fmt_num(tau, sizeof tau, al->a.tau, 3);
        printf("\nAlignment (Kendall's tau-b over %zu values both rank): %s\n",
               al->a.common, tau[0] ? tau : "unknown (fewer than two in common)");
        if (al->at_risk)
            printf("A partnership at risk: aligned below %.2f.\n", threshold);
    }
    return rc;
}

/* one: the account to show, or NULL for every ranked account. */
static enum cvom_status align_run(struct cli *c, const struct cvom_account *one,
                                  double threshold, int32_t as_of, enum cli_format fmt)
{
    struct cvom_config cfg;
    struct places ours = {0}, theirs = {0};
    struct cvom_scored *v = NULL;
    struct aligned *al = NULL;
    size_t n = 0, m = 0;
    const char *our_names[CVOM_VALUES_MAX], *names[CVOM_VALUES_MAX];
    const int ref = one != NULL;
    enum cvom_status st = cvom_config_load(c->store, &cfg, &c->err);
    if (!st)
        st = load_places(c, 0, &ours);
    if (!st && ours.n == 0)
        st = cvom_error_set(&c->err, CVOM_ENOTFOUND,
                            "there is no ranking of our own yet: "
                            "cvom align rank ours VALUE VALUE …");
    if (!st)
        st = load_places(c, ref ? one->id : -1, &theirs);
    if (!st)
        st = cvom_portfolio_scan(c->store, &cfg, NULL, as_of, &v, &n, NULL, NULL, &c->err);
    if (!st && !(al = calloc(n ? n : 1, sizeof *al)))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    size_t n_ours = st ? 0 : hierarchy(&ours, 0, our_names);
    for (size_t i = 0; !st && i < n; i++) {
        if (ref && v[i].account.id != one->id)
            continue;
        size_t k = hierarchy(&theirs, v[i].account.id, names);
        if (!k && !ref)
            continue;
        al[m].acc = &v[i];
        st = cvom_value_alignment(our_names, n_ours, names, k, &al[m].a, &c->err);
        al[m].at_risk = cvom_partnership_at_risk(v[i].score.quadrant, v[i].score.state,
                                                 al[m].a.tau, threshold);
        m++;
    }
    if (!st && ref && m == 1) {
        size_t k = hierarchy(&theirs, one->id, names);
        if (print_pair(our_names, n_ours, names, k, &al[0], threshold, fmt))
            st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    } else if (!st) {
        qsort(al, m, sizeof *al, by_tau);
        if (print_portfolio(al, m, fmt))
            st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
        else if (fmt == FMT_TEXT) {
            size_t risk = 0;
            for (size_t i = 0; i < m; i++)
                risk += (size_t)al[i].at_risk;
            printf("\n%zu of %zu ranked accounts: partnerships at risk (both axes high, "
                   "aligned below %.2f).\n", risk, m, threshold);
        }
    }
    free(al);
    free(v);
    free(ours.v);
    free(theirs.v);
    return st;
}

static int align_report(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "threshold", .kind = 's', .arg = "T",
         .help = "a partnership aligned below this is at risk (-1 to 1, default 0.3)"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "the quadrants as of (today)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    int32_t as_of;
    double threshold = CVOM_ALIGN_AT_RISK;
    if (cli_parse(c, argc, argv, opts, "[ACCOUNT] [--threshold T] [--format FMT]\n"
                  "       cvom align values [--add VALUE] [--rm VALUE]\n"
                  "       cvom align rank ACCOUNT|ours VALUE [VALUE …]",
                  "Alignment of value hierarchies: Kendall's tau-b between our ranking and an "
                  "account's over the values both rank, from -1 (reversed) to 1 (the same "
                  "order). Without ACCOUNT, every ranked account, least aligned first, with "
                  "at_risk: in the Partnership quadrant and aligned below the threshold. CSV "
                  "and JSON columns: account_id, account, owner, quadrant, state, common, "
                  "tau_b, at_risk. With ACCOUNT, the two rankings side by side (CSV: rank, "
                  "ours, theirs) and tau-b.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    const char *t = cli_val(opts, "threshold");
    if (t && (cvom_parse_double(t, &threshold) || threshold < -1 || threshold > 1))
        return cli_usage_error(c, "--threshold takes a number from -1 to 1, not '%s'", t);
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account one;
    if (np && (rc = cli_account(c, pos[0], &one)))
        return rc;
    enum cvom_status st = align_run(c, np ? &one : NULL, threshold, as_of, fmt);
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
