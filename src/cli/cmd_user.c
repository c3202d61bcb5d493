/* cmd_user.c — `cvom user add|list|set` and `cvom token create|list|rm`: the people who use
 * the web application and the tokens scripts use for the API. Changes are audited. */
#include "cli/cli.h"

#include "io/util.h"
#include "service/auth.h"

#include <sodium.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One line from standard input, without its line end; never echoed. */
static int read_password(struct cli *c, char *buf, size_t cap)
{
    if (isatty(STDIN_FILENO))
        fprintf(stderr,
                "Password (at least %d characters; input is not hidden — prefer a "
                "pipe): ",
                CVOM_PASSWORD_MIN);
    if (!fgets(buf, (int)cap, stdin))
        return cli_usage_error(c, "--password-stdin: nothing on standard input");
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int user_add(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "role", .kind = 's', .arg = "ROLE", .help = "admin, manager or viewer"},
        {.name = "display",
         .kind = 's',
         .arg = "NAME",
         .help = "the name accounts carry as owner (default: the user name)"},
        {.name = "password-stdin",
         .kind = 'f',
         .help = "read the password from standard input (libpwquality checks it)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "NAME --role admin|manager|viewer [--password-stdin]",
                  "Add a user of the web application. A manager sees and edits only the "
                  "accounts whose owner is their display name; a viewer reads everything; an "
                  "admin does everything.",
                  pos, 1, 1, &np, &rc))
        return rc;
    int role = cli_val(opts, "role") ? cvom__role_parse(cli_val(opts, "role")) : -1;
    if (role < 0)
        return cli_usage_error(c, "--role must be admin, manager or viewer");
    char pw[CVOM_PASSWORD_MAX + 2] = "";
    if (cli_opt(opts, "password-stdin")->set && (rc = read_password(c, pw, sizeof pw)))
        return rc;
    enum cvom_status st = cvom__auth_init();
    if (!st)
        st = cli_store(c);
    struct cvom_user u;
    if (!st && !(st = cli_begin(c))) {
        st = cvom__user_create(c->store, pos[0], cli_val(opts, "display"), (enum cvom_role)role,
                               pw[0] ? pw : NULL, (int64_t)time(NULL), &u, &c->err);
        if (!st)
            cli_audit(c, u.name, "%s", cvom__role_name(u.role));
        if (!st)
            st = cli_commit(c);
        if (st)
            cli_rollback(c);
    }
    sodium_memzero(pw, sizeof pw);
    if (st)
        return cli_fail(c, st, &c->err);
    printf("%lld\n", (long long)u.id);
    if (!u.password[0])
        fprintf(stderr,
                "note: %s has no password yet and cannot sign in; set one with "
                "'cvom user set %s --password-stdin'\n",
                u.name, u.name);
    return 0;
}

static int user_set(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "role", .kind = 's', .arg = "ROLE", .help = "admin, manager or viewer"},
        {.name = "display", .kind = 's', .arg = "NAME", .help = "the name accounts carry as owner"},
        {.name = "password-stdin",
         .kind = 'f',
         .help = "read a new password from standard input (libpwquality checks it)"},
        {.name = "disable", .kind = 'f', .help = "the user can no longer sign in"},
        {.name = "enable", .kind = 'f', .help = "the user can sign in again"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "NAME [OPTIONS]",
                  "Change a user's role, display name, password or whether they may sign in. "
                  "Every change ends the user's sessions.",
                  pos, 1, 1, &np, &rc))
        return rc;
    int role = -1;
    if (cli_val(opts, "role") && (role = cvom__role_parse(cli_val(opts, "role"))) < 0)
        return cli_usage_error(c, "--role must be admin, manager or viewer");
    char pw[CVOM_PASSWORD_MAX + 2] = "";
    if (cli_opt(opts, "password-stdin")->set && (rc = read_password(c, pw, sizeof pw)))
        return rc;
    enum cvom_status st = cvom__auth_init();
    if (!st)
        st = cli_store_existing(c);
    struct cvom_user u;
    char detail[160] = "";
    if (!st && !(st = cli_begin(c))) {
        st = cli_find_user(c, pos[0], &u);
        if (!st && role >= 0 && (enum cvom_role)role != u.role) {
            snprintf(detail, sizeof detail, "%s to %s", cvom__role_name(u.role),
                     cvom__role_name((enum cvom_role)role));
            u.role = (enum cvom_role)role;
        }
        if (!st && cli_val(opts, "display") && !cli_val(opts, "display")[0])
            st = cvom_error_set(&c->err, CVOM_EINVAL,
                                "--display cannot be empty: a manager "
                                "owns the accounts that carry it");
        if (!st && cli_val(opts, "display"))
            snprintf(u.display, sizeof u.display, "%s", cli_val(opts, "display"));
        if (!st && pw[0])
            st = cvom__password_hash(pw, u.name, u.password, &c->err);
        if (cli_opt(opts, "disable")->set)
            u.disabled = 1;
        if (cli_opt(opts, "enable")->set)
            u.disabled = 0;
        if (!st)
            st = c->store->ops->user_update(c->store, &u, &c->err);
        if (!st)
            st = c->store->ops->session_remove_user(c->store, u.id, &c->err);
        if (!st)
            cli_audit_action(c, detail[0] ? "role-change" : "user-change");
        if (!st)
            cli_audit(c, u.name, "%s%s%s", detail, detail[0] && pw[0] ? "; " : "",
                      pw[0] ? "password changed" : "");
        if (!st)
            st = cli_commit(c);
        if (st)
            cli_rollback(c);
    }
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(u.password, sizeof u.password);
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int list_row(void *ctx, const struct cvom_user *u)
{
    char id[24], created[11];
    fmt_id(id, sizeof id, u->id);
    cvom_date_format((int32_t)(u->created / 86400), created);
    const char *cells[] = {id,
                           u->name,
                           u->display,
                           cvom__role_name(u->role),
                           u->disabled      ? "no"
                           : u->password[0] ? "yes"
                                            : "no password",
                           created};
    return table_add(ctx, cells) ? 1 : 0;
}

static int user_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id", "name", "display", "role", "can_sign_in", "created"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[--format FMT]",
                  "List users. Columns: id, name, display, role, can_sign_in, created.", pos, 0, 0,
                  &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct table *t = table_new(cols, "nsssss");
    if (!t)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    enum cvom_status st = c->store->ops->user_list(c->store, list_row, t, &c->err);
    if (!st)
        table_print(t, stdout, fmt);
    table_free(t);
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_user(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"add", user_add, "add a user"},
        {"list", user_list, "list users"},
        {"set", user_set, "change a user's role, name, password or access"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "user", cmds, argc, argv);
}

static int token_create(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "user", .kind = 's', .arg = "NAME", .help = "whose rights the token carries"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "NAME --user USER",
                  "Create an API token for scripts: send it as 'Authorization: Bearer TOKEN'. "
                  "It is printed once and only its digest is kept.",
                  pos, 1, 1, &np, &rc))
        return rc;
    if (!cli_val(opts, "user"))
        return cli_usage_error(c, "say whose token it is: --user NAME");
    enum cvom_status st = cvom__auth_init();
    if (!st)
        st = cli_store_existing(c);
    struct cvom_user u;
    char secret[CVOM_SECRET_CHARS];
    if (!st && !(st = cli_begin(c))) {
        st = cli_find_user(c, cli_val(opts, "user"), &u);
        if (!st)
            st = cvom__token_create(c->store, u.id, pos[0], (int64_t)time(NULL), secret, &c->err);
        if (!st)
            cli_audit(c, u.name, "%s", pos[0]);
        if (!st)
            st = cli_commit(c);
        if (st)
            cli_rollback(c);
    }
    if (st)
        return cli_fail(c, st, &c->err);
    printf("%s\n", secret);
    sodium_memzero(secret, sizeof secret);
    return 0;
}

static int token_row(void *ctx, const struct cvom_token *t)
{
    char id[24], user[24], created[11], used[11] = "";
    fmt_id(id, sizeof id, t->id);
    fmt_id(user, sizeof user, t->user_id);
    cvom_date_format((int32_t)(t->created / 86400), created);
    if (t->used)
        cvom_date_format((int32_t)(t->used / 86400), used);
    const char *cells[] = {id, user, t->name, created, used};
    return table_add(ctx, cells) ? 1 : 0;
}

static int token_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id", "user_id", "name", "created", "last_used"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[--format FMT]", "List API tokens (never the secrets).",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct table *t = table_new(cols, "nnsss");
    if (!t)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    enum cvom_status st = c->store->ops->token_list(c->store, token_row, t, &c->err);
    if (!st)
        table_print(t, stdout, fmt);
    table_free(t);
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int token_rm(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    long id;
    if (cli_parse(c, argc, argv, NULL, "ID", "Revoke an API token.", pos, 1, 1, &np, &rc))
        return rc;
    if (cvom__parse_long(pos[0], 1, INT32_MAX, &id))
        return cli_usage_error(c, "give the token's id (see 'cvom token list')");
    enum cvom_status st = cli_store_existing(c);
    if (!st && !(st = cli_begin(c))) {
        if (!(st = c->store->ops->token_remove(c->store, id, &c->err))) {
            cli_audit_action(c, "token-revoke");
            cli_audit(c, pos[0], NULL);
            st = cli_commit(c);
        }
        if (st)
            cli_rollback(c);
    }
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_token(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"create", token_create, "create an API token"},
        {"list", token_list, "list API tokens"},
        {"rm", token_rm, "revoke an API token"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "token", cmds, argc, argv);
}
