/* cmd_account.c — `cvom account add|list|show|edit|rm`. */
#include "cli/cli.h"

#include "io/records.h"
#include "io/util.h"
#include "io/values.h"
#include "service/accounts.h"

#include <stdlib.h>
#include <string.h>

#define FIELD_OPTS 16

/* One option per account field: --external-id for external_id and so on. */
static void field_opts(struct cli_opt *opts, char names[][32], const struct cvom_field_def *defs,
                       const struct cli_opt *extra)
{
    size_t n = 0;
    for (; defs[n].name; n++) {
        cvom__copy_str(names[n], 32, defs[n].name);
        for (char *p = names[n]; *p; p++)
            if (*p == '_')
                *p = '-';
        opts[n] =
            (struct cli_opt){.name = names[n], .kind = 's', .arg = "VALUE", .help = defs[n].help};
    }
    for (; extra && extra->name; extra++)
        opts[n++] = *extra;
    opts[n] = (struct cli_opt){0};
}

/* Apply the given field options to a; resolve --parent through the store. */
static int apply_fields(struct cli *c, struct cli_opt *opts, struct cvom_account *a)
{
    char parent[CVOM_FIELD_MAX] = "";
    for (size_t i = 0; cvom__account_fields[i].name; i++) {
        if (!opts[i].set)
            continue;
        enum cvom_status st =
            cvom__account_set(a, cvom__account_fields[i].name, opts[i].value, parent, &c->err);
        if (st)
            return cli_fail(c, st, &c->err);
        if (strcmp(cvom__account_fields[i].name, "parent") == 0) {
            a->parent_id = 0;
            if (parent[0]) {
                struct cvom_account p;
                int rc = cli_account(c, parent, &p);
                if (rc)
                    return rc;
                if (p.id == a->id)
                    return cli_fail(
                        c,
                        cvom_error_set(&c->err, CVOM_EINVAL, "an account cannot be its own parent"),
                        &c->err);
                a->parent_id = p.id;
            }
        }
    }
    return 0;
}

/* Add or update a; a name another account has (ignoring case and spaces) needs
 * --allow-same-name, unless the account had that name already. */
static int write_account(struct cli *c, struct cvom_account *a, int add, int allow,
                         const char *old_name)
{
    char old_key[CVOM_FIELD_MAX * 2], new_key[CVOM_FIELD_MAX * 2];
    int renamed = add || strcmp(cvom__name_key(old_name, old_key, sizeof old_key),
                                cvom__name_key(a->name, new_key, sizeof new_key)) != 0;
    enum cvom_status st = cvom__account_check(a, &c->err);
    cli_audit(c, a->name, NULL);
    if (!st && !(st = cli_begin(c))) {
        if (renamed)
            st = cvom__account_name_check(c->store, a, allow, "--allow-same-name", &c->err);
        if (!st)
            st = add ? c->store->ops->account_add(c->store, a, &c->err)
                     : c->store->ops->account_update(c->store, a, &c->err);
        if (!st)
            st = cli_commit(c);
        if (st)
            cli_rollback(c);
    }
    return st ? cli_fail(c, st, &c->err) : 0;
}

static const struct cli_opt same_name_opt[] = {
    {.name = "allow-same-name",
     .kind = 'f',
     .help = "keep an account whose name another has (they are then shown with their "
             "external id or #id)"},
    {0},
};

static int account_add(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[FIELD_OPTS];
    char names[FIELD_OPTS][32];
    field_opts(opts, names, cvom__account_fields, same_name_opt);
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "[NAME] [--FIELD VALUE ...]",
                  "Add an account. The name may be given as the argument or as --name.", pos, 1, 0,
                  &np, &rc))
        return rc;
    struct cvom_account a;
    memset(&a, 0, sizeof a);
    cvom__copy_str(a.currency, sizeof a.currency, "EUR");
    if (np && (opts[0].set = 1))
        opts[0].value = pos[0];
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    int allow = cli_opt(opts, "allow-same-name")->set;
    if ((rc = apply_fields(c, opts, &a)) || (rc = write_account(c, &a, 1, allow, "")))
        return rc;
    printf("%lld\n", (long long)a.id);
    return 0;
}

static int account_edit(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[FIELD_OPTS];
    char names[FIELD_OPTS][32];
    field_opts(opts, names, cvom__account_fields, same_name_opt);
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT --FIELD VALUE ...",
                  "Change fields of an account (given by id, external id or name).", pos, 1, 1, &np,
                  &rc))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    char old_name[CVOM_FIELD_MAX];
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    cvom__copy_str(old_name, sizeof old_name, a.name);
    /* The audit line names the fields given, and the old name of a renamed account. */
    char fields[256] = "";
    for (struct cli_opt *o = opts; o->name; o++) {
        size_t len = strlen(fields);
        if (o->set && strcmp(o->name, "allow-same-name") != 0)
            snprintf(fields + len, sizeof fields - len, "%s%s", len ? ", " : "", o->name);
    }
    if (!(rc = apply_fields(c, opts, &a))) {
        int renamed = strcmp(old_name, a.name) != 0;
        cli_audit(c, NULL, "%s%s%s", fields, renamed ? "; renamed from " : "",
                  renamed ? old_name : "");
    }
    return rc ? rc : write_account(c, &a, 0, cli_opt(opts, "allow-same-name")->set, old_name);
}

static int account_rm(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "ACCOUNT",
                  "Remove an account with its stakeholders, assessments and score history.", pos, 1,
                  1, &np, &rc))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    cli_audit(c, a.name, "account %lld with its stakeholders, assessments and scores",
              (long long)a.id);
    enum cvom_status st = cli_begin(c);
    if (!st && !(st = c->store->ops->account_remove(c->store, a.id, &c->err)))
        st = cli_commit(c);
    if (st) {
        cli_rollback(c);
        return cli_fail(c, st, &c->err);
    }
    fprintf(stderr, "removed account %lld (%s)\n", (long long)a.id, a.name);
    return 0;
}

static const char *const list_cols[] = {"id",        "external_id", "name",   "owner",
                                        "parent_id", "industry",    "region", "revenue",
                                        "potential", "currency",    "tags"};
static const char list_kinds[] = "nsssnssnnss";

/* The listing, and for text the names that several accounts of it share. */
struct listing {
    struct cli_listing l; /* first: the store callback's ctx is both */
    struct cvom_account_filter f;
    struct cvom_scored *v; /* text: the rows kept to mark namesakes before printing */
    size_t n, cap;
    struct cvom_line_texts t; /* their texts */
    int text;
};

static int list_row(void *ctx, const struct cvom_account *a)
{
    char id[24], parent[24], rev[32], pot[32];
    fmt_id(id, sizeof id, a->id);
    if (a->parent_id)
        fmt_id(parent, sizeof parent, a->parent_id);
    else
        parent[0] = '\0';
    fmt_num(rev, sizeof rev, a->revenue, 2);
    fmt_num(pot, sizeof pot, a->potential, 2);
    const char *cells[] = {id,     a->external_id, a->name,   a->owner,
                           parent, a->industry,    a->region, rev,
                           pot,    a->currency,    a->tags};
    struct listing *l = ctx;
    if (l->text) {
        struct cvom_scored *g = cvom__grow(l->v, &l->cap, l->n + 1, sizeof *g, (size_t)1 << 24);
        if (g)
            l->v = g;
        if (!g || cvom__line_texts_add(&l->t, a)) {
            l->l.st = cvom_error_set(&l->l.c->err, CVOM_ENOMEM, "out of memory");
            return 1;
        }
        memset(&g[l->n], 0, sizeof g[l->n]);
        cvom__account_line_of(a, &g[l->n++].account); /* texts: pointed at l->t below */
    }
    return cli_listing_add(&l->l, cells);
}

/* In text, an account whose name another listed account has shows what tells it apart. */
static enum cvom_status label_namesakes(struct listing *l, struct cvom_error *err)
{
    if (!l->text || l->l.st)
        return CVOM_OK;
    for (size_t i = 0; i < l->n; i++)
        cvom__line_texts_point(&l->t, i, l->t.text, &l->v[i].account);
    enum cvom_status st = cvom__scan_namesakes(l->v, l->n, err);
    for (size_t i = 0; !st && i < l->n; i++) {
        if (!l->v[i].namesake)
            continue;
        char label[CVOM_FIELD_MAX * 2];
        cvom__account_label(&l->v[i].account, 1, label, sizeof label);
        if (table_set(l->l.t, i, 2, label))
            st = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    }
    return st;
}

/* The accounts of the filter, then (text) their namesakes told apart. */
static enum cvom_status list_accounts(struct cli_listing *k)
{
    struct listing *l = (struct listing *)k;
    enum cvom_status st =
        k->c->store->ops->account_list(k->c->store, &l->f, list_row, l, &k->c->err);
    return st ? st : label_namesakes(l, &k->c->err);
}

static int account_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "owner", .kind = 's', .arg = "NAME", .help = "only this owner's accounts"},
        {.name = "tag", .kind = 's', .arg = "TAG", .help = "only accounts with this tag"},
        {.name = "industry", .kind = 's', .arg = "NAME", .help = "only this industry"},
        {.name = "region", .kind = 's', .arg = "NAME", .help = "only this region"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[OPTIONS]",
                  "List accounts. CSV and JSON columns: id, external_id, name, owner, "
                  "parent_id, industry, region, revenue, potential, currency, tags.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    struct cvom_account_filter f;
    memset(&f, 0, sizeof f);
    cvom__copy_str(f.owner, sizeof f.owner, cli_val(opts, "owner") ? cli_val(opts, "owner") : "");
    cvom__copy_str(f.tag, sizeof f.tag, cli_val(opts, "tag") ? cli_val(opts, "tag") : "");
    cvom__copy_str(f.industry, sizeof f.industry,
                   cli_val(opts, "industry") ? cli_val(opts, "industry") : "");
    cvom__copy_str(f.region, sizeof f.region,
                   cli_val(opts, "region") ? cli_val(opts, "region") : "");
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct listing l = {.l = {.c = c}, .f = f, .text = fmt == FMT_TEXT};
    rc = cli_list(&l.l, list_cols, list_kinds, fmt, list_accounts);
    free(l.v);
    cvom__line_texts_free(&l.t);
    return rc;
}

static int count_stakeholder(void *ctx, const struct cvom_stakeholder *s)
{
    (void)s;
    (*(int *)ctx)++;
    return 0;
}

static int account_show(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {.name = "as-of",
         .kind = 's',
         .arg = "DATE",
         .help = "score as of this date (default today)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    int32_t as_of;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT [--format FMT]",
                  "Show one account: its fields, stakeholders and current score.", pos, 1, 1, &np,
                  &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    struct cvom_config cfg;
    struct cvom_score s;
    struct cvom_evidence ev;
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    int n_sh = 0;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom__account_score(c->store, &cache, &cfg, a.id, as_of, &s, &ev, &c->err);
    if (!st)
        st = c->store->ops->stakeholder_list(c->store, a.id, count_stakeholder, &n_sh, &c->err);
    cvom__instrument_cache_cleanup(&cache);
    if (st)
        return cli_fail(c, st, &c->err);
    char id[24], parent[24], rev[32], pot[32], vi[16], ve[16], ilo[16], ihi[16], elo[16], ehi[16],
        nsh[16], nas[16], newest[11] = "";
    fmt_id(id, sizeof id, a.id);
    parent[0] = '\0';
    if (a.parent_id)
        fmt_id(parent, sizeof parent, a.parent_id);
    fmt_num(rev, sizeof rev, a.revenue, 2);
    fmt_num(pot, sizeof pot, a.potential, 2);
    fmt_num(vi, sizeof vi, s.value[0], 1);
    fmt_num(ve, sizeof ve, s.value[1], 1);
    fmt_num(ilo, sizeof ilo, s.lo[0], 1);
    fmt_num(ihi, sizeof ihi, s.hi[0], 1);
    fmt_num(elo, sizeof elo, s.lo[1], 1);
    fmt_num(ehi, sizeof ehi, s.hi[1], 1);
    snprintf(nsh, sizeof nsh, "%d", n_sh);
    snprintf(nas, sizeof nas, "%d", ev.assessments);
    if (ev.newest)
        cvom_date_format(ev.newest, newest);
    const char *quad = s.state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(s.quadrant);
    static const char *const cols[] = {"id",
                                       "external_id",
                                       "name",
                                       "owner",
                                       "parent_id",
                                       "industry",
                                       "region",
                                       "revenue",
                                       "potential",
                                       "currency",
                                       "tags",
                                       "notes",
                                       "stakeholders",
                                       "assessments",
                                       "last_assessed",
                                       "stale",
                                       "intellectual",
                                       "intellectual_lo",
                                       "intellectual_hi",
                                       "emotional",
                                       "emotional_lo",
                                       "emotional_hi",
                                       "quadrant",
                                       "state"};
    const char *cells[] = {id,     a.external_id, a.name,   a.owner,
                           parent, a.industry,    a.region, rev,
                           pot,    a.currency,    a.tags,   a.notes,
                           nsh,    nas,           newest,   ev.stale ? "yes" : "no",
                           vi,     ilo,           ihi,      ve,
                           elo,    ehi,           quad,     cvom_state_name(s.state)};
    struct table *t = table_new(cols, "nsssnssnnsssnnosnnnnnnos");
    if (!t || table_add(t, cells)) {
        table_free(t);
        return cli_fail(c, CVOM_ENOMEM, NULL);
    }
    table_print_record(t, stdout, fmt);
    table_free(t);
    return 0;
}

int cmd_account(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"add", account_add, "add an account"},
        {"list", account_list, "list accounts"},
        {"show", account_show, "show one account with its current score"},
        {"edit", account_edit, "change an account's fields"},
        {"rm", account_rm, "remove an account and everything recorded about it"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "account", cmds, argc, argv);
}
