/* cmd_action.c — `cvom action add|list|done`: the entries of account plans: what, who, by
 * when, the axis each is meant to move with its expected effect and cost, and whether it is
 * done; overdue and unowned actions on demand. */
#include "cli/cli.h"

#include "service/playbooks.h"

#include "io/util.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Validate the options of `action add` into a; 0 or an exit code. */
static int read_action(struct cli *c, struct cli_opt *opts, struct cvom_action *a)
{
    const char *title = cli_val(opts, "title"), *owner = cli_val(opts, "owner");
    const char *axis = cli_val(opts, "axis"), *effect = cli_val(opts, "effect");
    const char *play = cli_val(opts, "play");
    if (!title)
        return cli_usage_error(c, "an action needs --title");
    if (cvom__copy_str(a->title, sizeof a->title, title) || !cvom__trim(a->title)[0])
        return cli_usage_error(c, "--title must be 1 to %d bytes of text",
                               CVOM_ACTION_TITLE_MAX - 1);
    if (owner && cvom__copy_str(a->owner, sizeof a->owner, owner))
        return cli_usage_error(c, "--owner is longer than %d bytes", CVOM_FIELD_MAX - 1);
    cvom__trim(a->owner);
    a->axis = -1;
    if (axis) {
        int d = strcmp(axis, "intellectual") == 0 ? CVOM_DIM_INTELLECTUAL
                : strcmp(axis, "emotional") == 0  ? CVOM_DIM_EMOTIONAL
                                                  : -1;
        if (d < 0)
            return cli_usage_error(c, "--axis is intellectual or emotional, not '%s'", axis);
        a->axis = d;
    }
    if (effect) {
        if (!axis)
            return cli_usage_error(c, "--effect needs --axis: the axis it is expected to move");
        a->effect = cli_num(opts, "effect", 0);
    }
    a->cost = cli_num(opts, "cost", NAN);
    if (play && cvom__copy_str(a->play, sizeof a->play, play))
        return cli_usage_error(c, "--play is longer than %d bytes", CVOM_PLAY_KEY_MAX - 1);
    if (cli_val(opts, "due")) {
        int rc = cli_date_opt(c, opts, "due", &a->due);
        if (rc)
            return rc;
    }
    return cli_date_opt(c, opts, "date", &a->created);
}

/* The play must be one of the playbook in use, so that the plan points at something. */
static enum cvom_status check_play(struct cli *c, const char *key)
{
    struct cvom_playbook b;
    enum cvom_status st = cvom__playbook_load(c->store, &b, NULL, &c->err);
    if (st)
        return st;
    if (cvom_playbook_find(&b, key) < 0)
        st = cvom_error_set(&c->err, CVOM_EINVAL,
                            "the playbook has no play '%s' (see 'cvom playbook list')", key);
    cvom_playbook_cleanup(&b);
    return st;
}

static int action_add(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "title", .kind = 's', .arg = "TEXT", .help = "what is to be done (required)"},
        {.name = "owner", .kind = 's', .arg = "NAME", .help = "who does it"},
        {.name = "due", .kind = 's', .arg = "DATE", .help = "by when"},
        {.name = "axis",
         .kind = 's',
         .arg = "AXIS",
         .help = "the axis it is meant to move: intellectual or emotional"},
        {.name = "effect",
         .kind = 'n',
         .arg = "POINTS",
         .min = -CVOM_WHATIF_EFFECT_MAX,
         .max = CVOM_WHATIF_EFFECT_MAX,
         .help = "expected points on that axis if it works (-100 to 100)"},
        {.name = "cost",
         .kind = 'n',
         .arg = "AMOUNT",
         .min = 0,
         .max = HUGE_VAL,
         .help = "what it is expected to cost"},
        {.name = "play", .kind = 's', .arg = "KEY", .help = "the playbook key it comes from"},
        {.name = "date", .kind = 's', .arg = "DATE", .help = "the day it is planned (today)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT --title TEXT [OPTIONS]",
                  "Add an action to an account's plan; prints its id. It starts open.", pos, 1, 1,
                  &np, &rc))
        return rc;
    struct cvom_action a;
    memset(&a, 0, sizeof a);
    if ((rc = read_action(c, opts, &a)))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account acc;
    if ((rc = cli_account(c, pos[0], &acc)))
        return rc;
    a.account_id = acc.id;
    a.status = CVOM_ACTION_OPEN;
    enum cvom_status st = a.play[0] ? check_play(c, a.play) : CVOM_OK;
    cli_audit(c, acc.name, "%s", a.title);
    if (!st && !(st = cli_begin(c)))
        st = cli_finish(c, c->store->ops->action_add(c->store, &a, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    printf("%lld\n", (long long)a.id);
    return 0;
}

struct listing {
    struct cli_listing l; /* first: the store callback's ctx is both */
    struct cvom_action_filter f;
    int64_t *scope; /* with filters: the ids of the accounts they leave, sorted */
    size_t n_scope;
    int filtered;
};

static int cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* The accounts the filters leave, as the matrix finds them (the quadrant: placed in it as
 * of as_of), into k->scope. */
static enum cvom_status load_scope(struct cli *c, struct listing *k,
                                   const struct cvom_account_filter *f, int quadrant, int32_t as_of)
{
    struct cvom_config cfg;
    struct cvom_scored *v = NULL;
    size_t n = 0;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom__portfolio_scan(c->store, &cfg, f, as_of, &v, &n, NULL, NULL, &c->err);
    if (!st)
        n = cvom__scored_keep_quadrant(v, n, quadrant);
    if (!st && !(k->scope = malloc((n ? n : 1) * sizeof *k->scope)))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !st && i < n; i++)
        k->scope[i] = v[i].account.id;
    free(v);
    if (st)
        return st;
    k->n_scope = n;
    k->filtered = 1;
    qsort(k->scope, n, sizeof *k->scope, cmp_id);
    return CVOM_OK;
}

static void fmt_date(char *buf, size_t cap, int32_t d)
{
    char s[11] = "";
    if (d)
        cvom_date_format(d, s);
    snprintf(buf, cap, "%s", s);
}

static int list_row(void *ctx, const struct cvom_action *a)
{
    struct listing *k = ctx;
    if (k->filtered && !bsearch(&a->account_id, k->scope, k->n_scope, sizeof *k->scope, cmp_id))
        return 0;
    if (cli_listing_account(&k->l, a->account_id))
        return 1;
    char id[24], acc[24], due[11], effect[24], cost[32], created[11], done[11];
    fmt_id(id, sizeof id, a->id);
    fmt_id(acc, sizeof acc, a->account_id);
    fmt_date(due, sizeof due, a->due);
    fmt_num(effect, sizeof effect, a->axis >= 0 ? a->effect : NAN, 1);
    fmt_num(cost, sizeof cost, a->cost, 2);
    fmt_date(created, sizeof created, a->created);
    fmt_date(done, sizeof done, a->done);
    const char *cells[] = {id,
                           acc,
                           k->l.acc.name,
                           a->title,
                           a->owner,
                           due,
                           cvom__action_status_name(a->status),
                           a->axis >= 0 ? cvom_dim_name((enum cvom_dim)a->axis) : "",
                           effect,
                           cost,
                           a->play,
                           created,
                           done};
    return cli_listing_add(&k->l, cells);
}

static enum cvom_status list_actions(struct cli_listing *l)
{
    struct listing *k = (struct listing *)l;
    return l->c->store->ops->action_list(l->c->store, &k->f, list_row, k, &l->c->err);
}

static int action_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "status", .kind = 's', .arg = "S", .help = "open or done (default: both)"},
        {.name = "overdue", .kind = 'f', .help = "only open actions due before --as-of"},
        {.name = "unowned", .kind = 'f', .help = "only actions nobody owns"},
        {.name = "as-of",
         .kind = 's',
         .arg = "DATE",
         .help = "the day overdue and --quadrant are judged on (today)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        CLI_FILTER_OPTS,
        {0},
    };
    static const char *const cols[] = {"id",   "account_id", "account", "title",  "owner",
                                       "due",  "status",     "axis",    "effect", "cost",
                                       "play", "created",    "done"};
    char *pos[1];
    int np, rc, quadrant;
    int32_t today;
    enum cli_format fmt;
    struct cvom_account_filter af;
    if (cli_parse(c, argc, argv, opts, "[ACCOUNT] [--status S] [--overdue] [--unowned] [FILTERS]",
                  "List the actions of one account's plan or of every account, by account, "
                  "then due date. Overdue: open with a due date before today. The filters "
                  "choose accounts: --owner is the account's owner (the action's own is its "
                  "owner column), --quadrant where the account is placed as of --as-of. CSV "
                  "and JSON "
                  "columns: id, account_id, account, title, owner, due, status, axis, effect, "
                  "cost, play, created, done.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &today)) ||
        (rc = cli_filters(c, opts, &af, &quadrant)))
        return rc;
    struct cvom_action_filter f = {.account_id = 0, .status = -1};
    const char *status = cli_val(opts, "status");
    if (status && (f.status = cvom__action_status_parse(status)) < 0)
        return cli_usage_error(c, "--status is open or done, not '%s'", status);
    if (cli_opt(opts, "overdue")->set) {
        if (f.status == CVOM_ACTION_DONE)
            return cli_usage_error(c, "--overdue lists open actions: it cannot go with "
                                      "--status done");
        f.status = CVOM_ACTION_OPEN;
        f.due_before = today;
    }
    f.unowned = cli_opt(opts, "unowned")->set;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct listing k = {.l = {.c = c}};
    if (np == 1) {
        if ((rc = cli_account(c, pos[0], &k.l.acc)))
            return rc;
        f.account_id = k.l.acc.id;
    }
    k.f = f;
    enum cvom_status st =
        cli_filters_given(opts) ? load_scope(c, &k, &af, quadrant, today) : CVOM_OK;
    rc = st ? cli_fail(c, st, &c->err) : cli_list(&k.l, cols, "nnsssossnnsoo", fmt, list_actions);
    free(k.scope);
    return rc;
}

static int action_done(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "date", .kind = 's', .arg = "DATE", .help = "the day it was done (today)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    long id;
    int32_t day;
    if (cli_parse(c, argc, argv, opts, "ID [--date DATE]", "Mark an open action done.", pos, 1, 1,
                  &np, &rc) ||
        (rc = cli_date_opt(c, opts, "date", &day)))
        return rc;
    if (cvom__parse_long(pos[0], 1, LONG_MAX, &id))
        return cli_usage_error(c, "an action is given by its id, a whole number, not '%s'", pos[0]);
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_action a;
    enum cvom_status st = c->store->ops->action_get(c->store, id, &a, &c->err);
    if (!st && a.status == CVOM_ACTION_DONE)
        st = cvom_error_set(&c->err, CVOM_EINVAL, "action %ld is already done", id);
    if (!st && day < a.created)
        st = cvom_error_set(&c->err, CVOM_EINVAL,
                            "action %ld cannot be done before the day it was planned", id);
    struct cvom_account acc;
    if (!st && !(st = c->store->ops->account_get(c->store, a.account_id, &acc, &c->err)))
        cli_audit(c, acc.name, "action %ld: %s", id, a.title);
    if (!st && !(st = cli_begin(c)))
        st = cli_finish(
            c, c->store->ops->action_set_status(c->store, id, 0, CVOM_ACTION_DONE, day, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "action %ld is done\n", id);
    return 0;
}

int cmd_action(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"add", action_add, "add an action to an account's plan"},
        {"list", action_list, "list actions: all, one account's, overdue, unowned"},
        {"done", action_done, "mark an action done"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "action", cmds, argc, argv);
}
