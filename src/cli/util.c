/* util.c — the command line's shared plumbing: option tables, the status → exit code map,
 * store access, and tables printed as aligned text, CSV or JSON. */
#include "cli/cli.h"

#include "io/instrument_csv.h"
#include "io/csv.h"
#include "io/util.h"

#include <jansson.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cli_exit_code(enum cvom_status st)
{
    switch (st) {
    case CVOM_OK: return EXIT_OKAY;
    case CVOM_EINVAL:
    case CVOM_EPARSE:
    case CVOM_ELIMIT: return EXIT_INPUT;
    case CVOM_ENOTFOUND: return EXIT_NOTFOUND;
    case CVOM_EEXIST:
    case CVOM_ECONFLICT: return EXIT_CONFLICT;
    case CVOM_ESTORE:
    case CVOM_EBUSY: return EXIT_STORE;
    default: return EXIT_FAILURE_;
    }
}

int cli_fail(struct cli *c, enum cvom_status st, const struct cvom_error *err)
{
    const char *msg = err && err->message[0] ? err->message : cvom_status_str(st);
    if (err && err->file[0] && err->line > 0)
        fprintf(stderr, "cvom: %s:%ld:%ld: %s\n", err->file, err->line,
                err->column > 0 ? err->column : 1L, msg);
    else if (err && err->file[0])
        fprintf(stderr, "cvom: %s: %s\n", err->file, msg);
    else
        fprintf(stderr, "cvom: %s\n", msg);
    (void)c;
    return cli_exit_code(st);
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", c->prog);
    return EXIT_USAGE;
}

struct cli_opt *cli_opt(struct cli_opt *opts, const char *name)
{
    for (; opts && opts->name; opts++)
        if (strcmp(opts->name, name) == 0)
            return opts;
    return NULL;
}

const char *cli_val(struct cli_opt *opts, const char *name)
{
    struct cli_opt *o = cli_opt(opts, name);
    return o && o->set ? o->value : NULL;
}

double cli_num(struct cli_opt *opts, const char *name, double def)
{
    struct cli_opt *o = cli_opt(opts, name);
    return o && o->set ? o->num : def;
}

/* The range of a number option in words: "from 40 to 400", "of 0 or more". */
static void range_text(char *buf, size_t cap, const struct cli_opt *o)
{
    if (o->min > -HUGE_VAL && o->max < HUGE_VAL)
        snprintf(buf, cap, " from %.15g to %.15g", o->min, o->max);
    else if (o->min > -HUGE_VAL)
        snprintf(buf, cap, " of %.15g or more", o->min);
    else if (o->max < HUGE_VAL)
        snprintf(buf, cap, " of %.15g or less", o->max);
    else
        buf[0] = '\0';
}

/* Read the value of a number option into o->num: 0, or a usage error naming it. */
static int take_number(struct cli *c, struct cli_opt *o, const char *v)
{
    double d = NAN;
    long l;
    if (o->kind == 'i') {
        if (cvom__parse_long(v, -9007199254740992L, 9007199254740992L, &l) == CVOM_OK)
            d = (double)l;
    } else if (cvom__parse_double(v, &d) != CVOM_OK || !isfinite(d)) {
        d = NAN;
    }
    if (d >= o->min && d <= o->max) {
        o->num = d;
        return 0;
    }
    char range[96];
    range_text(range, sizeof range, o);
    return cli_usage_error(c, "--%s must be %s%s, not '%s'", o->name,
                           o->kind == 'i' ? "a whole number" : "a number", range, v);
}

static void usage(struct cli *c, struct cli_opt *opts, const char *use, const char *desc)
{
    printf("Usage: %s %s\n\n%s\n", c->prog, use, desc);
    if (opts && opts->name) {
        printf("\nOptions:\n");
        for (struct cli_opt *o = opts; o->name; o++) {
            char left[64];
            snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
            printf("  %-24s %s\n", left, o->help);
        }
    }
    printf("  %-24s %s\n", "--help", "show this help and exit");
    printf("\nGlobal options: --db PATH (default $CVOM_DB or cvom.db), --as USER (who the audit\n"
           "log names for a change), --raw (CSV text without the spreadsheet guard). See\n"
           "'cvom --help' for exit codes.\n");
}

int cli_parse(struct cli *c, int argc, char **argv, struct cli_opt *opts, const char *use,
              const char *desc, char **pos, int max_pos, int min_pos, int *n_pos, int *exit_code)
{
    int np = 0, only_pos = 0;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            if (np >= max_pos) {
                *exit_code = cli_usage_error(c, "unexpected argument '%s'", a);
                return 1;
            }
            pos[np++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(c, opts, use, desc);
            *exit_code = EXIT_OKAY;
            return 1;
        }
        if (a[1] != '-') {
            *exit_code = cli_usage_error(c, "unknown option '%s'", a);
            return 1;
        }
        char name[64];
        const char *eq = strchr(a + 2, '=');
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (len >= sizeof name) {
            *exit_code = cli_usage_error(c, "unknown option '%s'", a);
            return 1;
        }
        memcpy(name, a + 2, len);
        name[len] = '\0';
        struct cli_opt *o = cli_opt(opts, name);
        if (!o) {
            *exit_code = cli_usage_error(c, "unknown option '--%s'", name);
            return 1;
        }
        if (o->kind == 'f') {
            if (eq) {
                *exit_code = cli_usage_error(c, "option '--%s' takes no value", name);
                return 1;
            }
            o->set = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            *exit_code = cli_usage_error(c, "option '--%s' needs a value", name);
            return 1;
        }
        if ((o->kind == 'i' || o->kind == 'n') && (*exit_code = take_number(c, o, v)))
            return 1;
        if (o->kind == 'm') {
            if (o->n_multi == CLI_MULTI_MAX) {
                *exit_code = cli_usage_error(c, "too many '--%s' options", name);
                return 1;
            }
            o->multi[o->n_multi++] = v;
        }
        o->value = v;
        o->set = 1;
    }
    if (np < min_pos) {
        *exit_code = cli_usage_error(c, "missing argument (usage: %s %s)", c->prog, use);
        return 1;
    }
    *n_pos = np;
    return 0;
}

int cli_dispatch(struct cli *c, const char *group, const struct cli_cmd *cmds, int argc,
                 char **argv)
{
    const char *sub = argc > 0 ? argv[0] : NULL;
    if (!sub || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        printf("Usage: cvom %s COMMAND [OPTIONS]\n\nCommands:\n", group);
        for (const struct cli_cmd *k = cmds; k->name; k++)
            printf("  %-10s %s\n", k->name, k->summary);
        printf("\nRun 'cvom %s COMMAND --help' for a command's options.\n", group);
        return sub ? EXIT_OKAY : EXIT_USAGE;
    }
    for (const struct cli_cmd *k = cmds; k->name; k++)
        if (strcmp(k->name, sub) == 0) {
            static char prog[96];
            snprintf(prog, sizeof prog, "cvom %s %s", group, k->name);
            c->prog = prog;
            return k->fn(c, argc - 1, argv + 1);
        }
    fprintf(stderr, "cvom %s: unknown command '%s'\nTry 'cvom %s --help'.\n", group, sub, group);
    return EXIT_USAGE;
}

enum cvom_status cli_store(struct cli *c)
{
    if (c->store)
        return CVOM_OK;
    enum cvom_status st = cvom__store_open(c->db, &c->store, &c->err);
    if (st)
        return st;
    /* A database always holds the default instrument, so assessments can start at once. */
    int64_t id;
    if ((st = cli_begin(c)) != CVOM_OK)
        return st;
    st = cvom__ensure_default_instrument(c->store, &id, &c->err);
    if (!st)
        st = c->store->ops->commit(c->store, &c->err); /* part of opening: not audited */
    if (st)
        cli_rollback(c);
    return st;
}

enum cvom_status cli_store_existing(struct cli *c)
{
    if (!c->store && !cvom__store_location_is_server(c->db) && access(c->db, F_OK) != 0)
        return cvom_error_set(&c->err, CVOM_ENOTFOUND,
                              "%s does not exist: create it with 'cvom init' (or try "
                              "'cvom demo'), or point --db or CVOM_DB at your database",
                              c->db);
    return cli_store(c);
}

enum cvom_status cli_begin(struct cli *c)
{
    return c->store->ops->begin(c->store, &c->err);
}

void cli_audit(struct cli *c, const char *target, const char *detail_fmt, ...)
{
    if (target)
        cvom__copy_str(c->audit_target, sizeof c->audit_target, target);
    if (detail_fmt) {
        va_list ap;
        va_start(ap, detail_fmt);
        vsnprintf(c->audit_detail, sizeof c->audit_detail, detail_fmt, ap);
        va_end(ap);
    }
}

void cli_audit_unchanged(struct cli *c)
{
    c->audit_unchanged = 1;
}

void cli_audit_action(struct cli *c, const char *action)
{
    cvom__copy_str(c->audit_action, sizeof c->audit_action, action);
}

/* Add the audit line of the transaction under way. */
static enum cvom_status audit_line(struct cli *c)
{
    struct cvom_audit a = {.at = (int64_t)time(NULL)};
    if (c->audit_unchanged) {
        c->audit_unchanged = 0;
        return CVOM_OK;
    }
    cvom__copy_str(a.actor, sizeof a.actor, c->actor);
    if (c->audit_action[0]) {
        cvom__copy_str(a.action, sizeof a.action, c->audit_action);
    } else {
        /* "cvom import accounts" → "import-accounts" */
        const char *p = c->prog && strncmp(c->prog, "cvom ", 5) == 0 ? c->prog + 5 : "cvom";
        cvom__copy_str(a.action, sizeof a.action, p);
        for (char *q = a.action; *q; q++)
            if (*q == ' ')
                *q = '-';
    }
    cvom__copy_str(a.target, sizeof a.target, c->audit_target);
    cvom__copy_str(a.detail, sizeof a.detail, c->audit_detail);
    return c->store->ops->audit_add(c->store, &a, &c->err);
}

enum cvom_status cli_commit(struct cli *c)
{
    enum cvom_status st = audit_line(c);
    return st ? st : c->store->ops->commit(c->store, &c->err);
}

enum cvom_status cli_audit_alone(struct cli *c)
{
    enum cvom_status st = cli_begin(c);
    if (!st && (st = cli_commit(c)) != CVOM_OK)
        cli_rollback(c);
    return st;
}

int cli_actor(struct cli *c, const char *as)
{
    if (!as) {
        struct passwd *pw = getpwuid(getuid());
        if (pw && pw->pw_name && pw->pw_name[0])
            snprintf(c->actor, sizeof c->actor, "cli:%s", pw->pw_name);
        else
            snprintf(c->actor, sizeof c->actor, "cli:uid %ld", (long)getuid());
        return 0;
    }
    struct cvom_user u;
    enum cvom_status st = cli_store_existing(c);
    if (!st)
        st = cli_find_user(c, as, &u);
    /* Opened only to look the name up: the command opens the store as it needs it. */
    cvom__store_close(c->store);
    c->store = NULL;
    if (st) {
        fprintf(stderr, "cvom: --as %s: %s\n", as,
                c->err.message[0] ? c->err.message : cvom_status_str(st));
        return EXIT_USAGE;
    }
    if (u.disabled) {
        fprintf(stderr, "cvom: --as %s: this user is disabled\n", as);
        return EXIT_USAGE;
    }
    cvom__copy_str(c->actor, sizeof c->actor, u.name);
    return 0;
}

void cli_rollback(struct cli *c)
{
    c->store->ops->rollback(c->store);
}

enum cvom_status cli_finish(struct cli *c, enum cvom_status st)
{
    if (!st)
        st = cli_commit(c);
    if (st)
        cli_rollback(c);
    return st;
}

int cli_format(struct cli *c, struct cli_opt *opts, enum cli_format *out)
{
    static const char *const names[FMT_COUNT] = {"text", "csv", "json"};
    const char *v = cli_val(opts, "format");
    if (!v) {
        *out = FMT_TEXT;
        return 0;
    }
    for (int i = 0; i < FMT_COUNT; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = (enum cli_format)i;
            return 0;
        }
    return cli_usage_error(c, "--format must be text, csv or json, not '%s'", v);
}

int cli_filters(struct cli *c, struct cli_opt *opts, struct cvom_account_filter *f, int *quadrant)
{
    static const char *const names[] = {"owner", "tag", "industry", "region"};
    char *fields[] = {f->owner, f->tag, f->industry, f->region};
    const char *q = cli_val(opts, "quadrant");
    *quadrant = -1;
    if (q && (*quadrant = cvom_quadrant_parse(q)) < 0)
        return cli_usage_error(c,
                               "--quadrant must be transactional, intellectual, emotional "
                               "or partnership, not '%s'",
                               q);
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = cli_val(opts, names[i]);
        if (v && cvom__copy_str(fields[i], CVOM_FIELD_MAX, v))
            return cli_usage_error(c, "--%s is at most %d bytes", names[i], CVOM_FIELD_MAX - 1);
    }
    return 0;
}

int cli_filters_given(struct cli_opt *opts)
{
    static const char *const names[] = {"owner", "tag", "industry", "region", "quadrant"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (cli_val(opts, names[i]))
            return 1;
    return 0;
}

int32_t cli_today(void)
{
    return (int32_t)(time(NULL) / 86400);
}

int cli_date_opt(struct cli *c, struct cli_opt *opts, const char *name, int32_t *out)
{
    const char *v = cli_val(opts, name);
    if (!v) {
        *out = cli_today();
        return 0;
    }
    if (cvom_date_parse(v, out))
        return cli_usage_error(c, "--%s must be a date YYYY-MM-DD, not '%s'", name, v);
    return 0;
}

/* ---- names ------------------------------------------------------------------------------ */

static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static int same_but_case(const char *a, const char *b)
{
    for (; *a && lower((unsigned char)*a) == lower((unsigned char)*b); a++, b++)
        ;
    return *a == *b;
}

/* The edit distance between a and b ignoring case, in bytes, two letters swapped counting
 * as one edit; or limit + 1 when it is more than limit (or either is longer than a name can
 * be). */
static int distance(const char *a, const char *b, int limit)
{
    size_t na = strlen(a), nb = strlen(b);
    int rows[3][CVOM_FIELD_MAX + 1];
    if (na >= CVOM_FIELD_MAX || nb >= CVOM_FIELD_MAX ||
        (na > nb ? na - nb : nb - na) > (size_t)limit)
        return limit + 1;
    for (size_t j = 0; j <= nb; j++)
        rows[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        int *row = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];
        row[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int ca = lower((unsigned char)a[i - 1]), cb = lower((unsigned char)b[j - 1]);
            int v = up[j - 1] + (ca != cb);
            if (up[j] + 1 < v)
                v = up[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            if (i > 1 && j > 1 && ca == lower((unsigned char)b[j - 2]) &&
                lower((unsigned char)a[i - 2]) == cb && up2[j - 2] + 1 < v)
                v = up2[j - 2] + 1;
            row[j] = v;
        }
    }
    return rows[na % 3][nb] <= limit ? rows[na % 3][nb] : limit + 1;
}

/* Whether needle is in hay ignoring case (a part of a longer name). */
static int contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; n && *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && lower((unsigned char)hay[i]) == lower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

void cli_names_init(struct cli_names *m, const char *ref)
{
    memset(m, 0, sizeof *m);
    m->ref = ref;
}

void cli_names_add(struct cli_names *m, int64_t id, const char *name)
{
    if (!name[0])
        return;
    if (same_but_case(m->ref, name)) {
        if (!m->n_same || m->same_id != id)
            m->n_same++;
        m->same_id = id;
        cvom__copy_str(m->same, sizeof m->same, name);
        return;
    }
    /* Near: a few typing slips away (one in three characters, at least two in a name of
     * four or more, at most four), or a part of it of three characters or more. */
    int len = (int)strlen(m->ref), limit = len / 3;
    limit = len <= 3 ? 1 : limit < 2 ? 2 : limit > 4 ? 4 : limit;
    int d = distance(m->ref, name, limit);
    if (d > limit && strlen(m->ref) >= 3 && contains(name, m->ref))
        d = limit + 1;
    else if (d > limit)
        return;
    size_t at = m->n_near;
    while (at > 0 && m->dist[at - 1] > d)
        at--;
    if (at >= CLI_NEAR_MAX)
        return;
    for (size_t i = 0; i < at; i++)
        if (strcmp(m->near[i], name) == 0)
            return;
    size_t last = m->n_near < CLI_NEAR_MAX ? m->n_near : CLI_NEAR_MAX - 1;
    for (size_t i = last; i > at; i--) {
        memcpy(m->near[i], m->near[i - 1], sizeof m->near[i]);
        m->dist[i] = m->dist[i - 1];
    }
    cvom__copy_str(m->near[at], sizeof m->near[at], name);
    m->dist[at] = d;
    if (m->n_near < CLI_NEAR_MAX)
        m->n_near++;
}

enum cvom_status cli_names_result(const struct cli_names *m, const char *kind, const char *what,
                                  struct cvom_error *err)
{
    if (m->n_same == 1)
        return CVOM_OK;
    if (m->n_same > 1)
        return cvom_error_set(err, CVOM_ENOTFOUND,
                              "no %s '%s' as written: %zu differ from it only in capitals "
                              "(such as '%s'); write it exactly%s",
                              kind, m->ref, m->n_same, m->same,
                              strcmp(kind, "account") == 0 ? ", or give its id" : "");
    char hint[3 * (CVOM_FIELD_MAX + 8) + 32] = "";
    size_t used = 0;
    for (size_t i = 0; i < m->n_near && used < sizeof hint; i++) {
        int w = snprintf(hint + used, sizeof hint - used, "%s'%s'",
                         i == 0               ? "; did you mean "
                         : i + 1 == m->n_near ? " or "
                                              : ", ",
                         m->near[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (m->n_near && used < sizeof hint)
        snprintf(hint + used, sizeof hint - used, "?");
    return cvom_error_set(err, CVOM_ENOTFOUND, "no %s '%s' (%s)%s", kind, m->ref, what, hint);
}

/* One kind of named record: how to look one up by its reference, and how to offer every
 * record's names to a struct cli_names. */
struct named_kind {
    const char *kind, *what;
    enum cvom_status (*find)(struct cli *c, const char *ref, void *out);
    enum cvom_status (*names)(struct cli *c, struct cli_names *m);
};

/* Look ref up; when it is not found as written, take the one record that differs only in
 * capitals, or fail with suggestions. */
static enum cvom_status find_named(struct cli *c, const struct named_kind *k, const char *ref,
                                   void *out)
{
    enum cvom_status st = k->find(c, ref, out);
    if (st == CVOM_ENOTFOUND) {
        struct cli_names m;
        cli_names_init(&m, ref);
        st = k->names(c, &m);
        if (!st)
            st = cli_names_result(&m, k->kind, k->what, &c->err);
        if (!st)
            st = k->find(c, m.same, out);
    }
    return st;
}

static int name_account(void *ctx, const struct cvom_account *a)
{
    cli_names_add(ctx, a->id, a->name);
    cli_names_add(ctx, a->id, a->external_id);
    return 0;
}

static enum cvom_status find_account(struct cli *c, const char *ref, void *out)
{
    return c->store->ops->account_find(c->store, ref, out, &c->err);
}

static enum cvom_status account_names(struct cli *c, struct cli_names *m)
{
    struct cvom_account_filter all;
    memset(&all, 0, sizeof all);
    return c->store->ops->account_list(c->store, &all, name_account, m, &c->err);
}

int cli_account(struct cli *c, const char *ref, struct cvom_account *out)
{
    static const struct named_kind k = {"account", "give its id, external id or name", find_account,
                                        account_names};
    enum cvom_status st = find_named(c, &k, ref, out);
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int name_user(void *ctx, const struct cvom_user *u)
{
    cli_names_add(ctx, u->id, u->name);
    return 0;
}

static enum cvom_status find_user(struct cli *c, const char *ref, void *out)
{
    return c->store->ops->user_find(c->store, ref, out, &c->err);
}

static enum cvom_status user_names(struct cli *c, struct cli_names *m)
{
    return c->store->ops->user_list(c->store, name_user, m, &c->err);
}

enum cvom_status cli_find_user(struct cli *c, const char *name, struct cvom_user *out)
{
    static const struct named_kind k = {"user", "give the sign-in name; 'cvom user list'",
                                        find_user, user_names};
    return find_named(c, &k, name, out);
}

static int name_offering(void *ctx, const struct cvom_offering *o)
{
    cli_names_add(ctx, o->id, o->code);
    cli_names_add(ctx, o->id, o->name);
    return 0;
}

static enum cvom_status find_offering(struct cli *c, const char *ref, void *out)
{
    return c->store->ops->offering_find(c->store, ref, out, &c->err);
}

static enum cvom_status offering_names(struct cli *c, struct cli_names *m)
{
    return c->store->ops->offering_list(c->store, name_offering, m, &c->err);
}

enum cvom_status cli_find_offering(struct cli *c, const char *ref, struct cvom_offering *out)
{
    static const struct named_kind k = {"offering", "give its code or name", find_offering,
                                        offering_names};
    return find_named(c, &k, ref, out);
}

static int name_signal(void *ctx, const struct cvom_signal *g)
{
    cli_names_add(ctx, g->id, g->def.name);
    return 0;
}

static enum cvom_status find_signal(struct cli *c, const char *ref, void *out)
{
    return c->store->ops->signal_find(c->store, ref, out, &c->err);
}

static enum cvom_status signal_names(struct cli *c, struct cli_names *m)
{
    return c->store->ops->signal_list(c->store, name_signal, m, &c->err);
}

enum cvom_status cli_find_signal(struct cli *c, const char *ref, struct cvom_signal *out)
{
    static const struct named_kind k = {"signal", "give its name or id; 'cvom signal list'",
                                        find_signal, signal_names};
    return find_named(c, &k, ref, out);
}

static int name_stakeholder(void *ctx, const struct cvom_stakeholder *p)
{
    cli_names_add(ctx, p->id, p->name);
    cli_names_add(ctx, p->id, p->external_id);
    return 0;
}

enum cvom_status cli_find_stakeholder(struct cli *c, const struct cvom_account *a, const char *ref,
                                      struct cvom_stakeholder *out)
{
    enum cvom_status st = c->store->ops->stakeholder_find(c->store, a->id, ref, out, &c->err);
    if (st != CVOM_ENOTFOUND)
        return st;
    struct cli_names m;
    char what[CVOM_FIELD_MAX + 64];
    snprintf(what, sizeof what, "not a stakeholder of %s; give an id, external id or name",
             a->name);
    cli_names_init(&m, ref);
    st = c->store->ops->stakeholder_list(c->store, a->id, name_stakeholder, &m, &c->err);
    if (!st)
        st = cli_names_result(&m, "stakeholder", what, &c->err);
    if (!st)
        st = c->store->ops->stakeholder_find(c->store, a->id, m.same, out, &c->err);
    return st;
}

void fmt_num(char *buf, size_t cap, double v, int decimals)
{
    if (v != v)
        buf[0] = '\0';
    else /* what snprintf "%.*f" writes, without its multiple-precision arithmetic */
        cvom__fixed_format(buf, cap, v, decimals);
}

void fmt_id(char *buf, size_t cap, int64_t id)
{
    snprintf(buf, cap, "%lld", (long long)id);
}

/* ---- tables ---------------------------------------------------------------------------- */

#define TABLE_ROWS_MAX 10000000u

struct table {
    size_t ncols, nrows, cap;
    const char *const *names;
    const char *kinds;
    char **cells; /* nrows × ncols; a row's texts are one block, at its first cell */
};

struct table *table_new(const char *const *names, const char *kinds)
{
    struct table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->names = names;
    t->kinds = kinds;
    t->ncols = strlen(kinds);
    return t;
}

void table_free(struct table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows; i++)
        free(t->cells[i * t->ncols]);
    free(t->cells);
    free(t);
}

size_t table_rows(const struct table *t)
{
    return t->nrows;
}

/* The texts of one row (NULL as "") copied into one block, which row[0] points at: a
 * listing of 100,000 accounts had made 1.7 million allocations, one per cell. */
static int row_put(char **row, size_t ncols, const char *const *cells)
{
    size_t total = 0;
    for (size_t j = 0; j < ncols; j++)
        total += strlen(cells[j] ? cells[j] : "") + 1;
    char *block = malloc(total ? total : 1);
    if (!block)
        return -1;
    for (size_t j = 0; j < ncols; j++) {
        const char *text = cells[j] ? cells[j] : "";
        size_t len = strlen(text) + 1;
        memcpy(block, text, len);
        row[j] = block;
        block += len;
    }
    return 0;
}

int table_add(struct table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        if (cap > TABLE_ROWS_MAX)
            return -1;
        char **g = realloc(t->cells, cap * t->ncols * sizeof *g);
        if (!g)
            return -1;
        t->cells = g;
        t->cap = cap;
    }
    if (row_put(t->cells + t->nrows * t->ncols, t->ncols, cells))
        return -1;
    t->nrows++;
    return 0;
}

int table_set(struct table *t, size_t row, size_t col, const char *text)
{
    if (row >= t->nrows || col >= t->ncols)
        return -1;
    char **r = t->cells + row * t->ncols;
    const char **texts = malloc(t->ncols * sizeof *texts);
    char **fresh = malloc(t->ncols * sizeof *fresh);
    int rc = -1;
    if (texts && fresh) {
        for (size_t j = 0; j < t->ncols; j++)
            texts[j] = j == col ? text : r[j];
        if ((rc = row_put(fresh, t->ncols, texts)) == 0) {
            free(r[0]);
            memcpy(r, fresh, t->ncols * sizeof *r);
        }
    }
    free(texts);
    free(fresh);
    return rc;
}

/* Display width of UTF-8 text: one column per code point (good enough for names). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_text_cell(FILE *out, const char *s, size_t w, int right, int last)
{
    size_t sw = width(s), pad = w > sw ? w - sw : 0;
    if (right)
        fprintf(out, "%*s", (int)pad, "");
    /* Line breaks inside a cell would break the table: show them as spaces. */
    for (const char *p = s; *p; p++)
        putc(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p, out);
    if (!right && !last)
        fprintf(out, "%*s", (int)pad, "");
}

static int print_text(const struct table *t, FILE *out)
{
    size_t *w = calloc(t->ncols, sizeof *w);
    if (!w)
        return -1;
    for (size_t j = 0; j < t->ncols; j++) {
        w[j] = width(t->names[j]);
        for (size_t i = 0; i < t->nrows; i++) {
            size_t cw = width(t->cells[i * t->ncols + j]);
            if (cw > w[j])
                w[j] = cw;
        }
    }
    for (size_t i = 0; i <= t->nrows; i++) {
        const char *const *row =
            i == 0 ? t->names : (const char *const *)t->cells + (i - 1) * t->ncols;
        size_t last = t->ncols; /* no trailing blanks: stop after the last non-empty cell */
        while (last > 1 && !row[last - 1][0] && t->kinds[last - 1] != 'n')
            last--;
        for (size_t j = 0; j < last; j++) {
            if (j)
                fputs("  ", out);
            print_text_cell(out, row[j], w[j], t->kinds[j] == 'n', j + 1 == last);
        }
        putc('\n', out);
    }
    free(w);
    return 0;
}

/* Whether CSV output guards text for spreadsheets: yes unless --raw was given. */
static int csv_raw;

void cli_csv_raw(int raw)
{
    csv_raw = raw;
}

int cli_listing_add(struct cli_listing *k, const char *const *cells)
{
    if (!table_add(k->t, cells))
        return 0;
    k->st = cvom_error_set(&k->c->err, CVOM_ENOMEM, "out of memory");
    return 1;
}

int cli_listing_account(struct cli_listing *k, int64_t account_id)
{
    if (k->acc.id == account_id)
        return 0;
    struct cvom_store *st = k->c->store;
    return (k->st = st->ops->account_get(st, account_id, &k->acc, &k->c->err)) != CVOM_OK;
}

int cli_list(struct cli_listing *k, const char *const *cols, const char *kinds, enum cli_format fmt,
             enum cvom_status (*fill)(struct cli_listing *k))
{
    struct cli *c = k->c;
    if (!(k->t = table_new(cols, kinds)))
        return cli_fail(c, CVOM_ENOMEM, NULL);
    enum cvom_status st = fill(k);
    if (!st)
        st = k->st;
    if (!st)
        table_print(k->t, stdout, fmt);
    table_free(k->t);
    k->t = NULL;
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cli_csv_guard(void)
{
    return !csv_raw;
}

/* Text columns are guarded against spreadsheet formulas (io/csv.h) unless --raw; numbers
 * and the header never need it. */
static int print_csv(const struct table *t, FILE *out)
{
    for (size_t i = 0; i <= t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            if (j)
                putc(',', out);
            if (i == 0)
                cvom__csv_write_field(out, t->names[j], 0);
            else
                cvom__csv_write_field(out, t->cells[(i - 1) * t->ncols + j],
                                      t->kinds[j] != 'n' && !csv_raw);
        }
        putc('\n', out);
    }
    return 0;
}

static json_t *json_cell(const char *s, char kind)
{
    if (kind == 'o' && !s[0])
        return json_null();
    if (kind != 'n')
        return json_string(s);
    if (!s[0])
        return json_null();
    long l;
    if (!strchr(s, '.') && cvom__parse_long(s, -2147483647L, 2147483647L, &l) == CVOM_OK)
        return json_integer(l);
    double d;
    return cvom__parse_double(s, &d) == CVOM_OK ? json_real(d) : json_string(s);
}

static json_t *json_row(const struct table *t, size_t i)
{
    json_t *obj = json_object();
    for (size_t j = 0; obj && j < t->ncols; j++)
        json_object_set_new(obj, t->names[j], json_cell(t->cells[i * t->ncols + j], t->kinds[j]));
    return obj;
}

static int dump_json(json_t *v, FILE *out)
{
    int rc = v ? json_dumpf(v, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : -1;
    putc('\n', out);
    json_decref(v);
    return rc;
}

static int print_json(const struct table *t, FILE *out)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < t->nrows; i++)
        json_array_append_new(arr, json_row(t, i));
    return dump_json(arr, out);
}

int table_print_record(const struct table *t, FILE *out, enum cli_format fmt)
{
    if (fmt == FMT_JSON)
        return t->nrows ? dump_json(json_row(t, 0), out) : -1;
    if (fmt == FMT_CSV)
        return print_csv(t, out);
    size_t w = 0;
    for (size_t j = 0; j < t->ncols; j++)
        if (width(t->names[j]) > w)
            w = width(t->names[j]);
    for (size_t j = 0; t->nrows && j < t->ncols; j++) {
        const char *v = t->cells[j];
        if (v[0])
            fprintf(out, "%-*s  %s\n", (int)w, t->names[j], v);
    }
    return 0;
}

int table_print(const struct table *t, FILE *out, enum cli_format fmt)
{
    switch (fmt) {
    case FMT_CSV: return print_csv(t, out);
    case FMT_JSON: return print_json(t, out);
    default: return print_text(t, out);
    }
}
