/* cmd_audit.c — `cvom audit`: the audit log, newest first, filtered in the store. */
#include "cli/cli.h"

#include "io/util.h"

#include <string.h>
#include <time.h>

static int audit_row(void *ctx, const struct cvom_audit *a)
{
    char id[24], when[32];
    time_t t = (time_t)a->at;
    struct tm tm;
    fmt_id(id, sizeof id, a->id);
    if (!gmtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
        cvom__copy_str(when, sizeof when, "?");
    const char *cells[] = {id, when, a->actor, a->action, a->target, a->detail, a->address};
    return table_add(ctx, cells) ? 1 : 0;
}

/* --since and --until: the first second of the day, or of the day after; 0 when not given. */
static int day_bound(struct cli *c, struct cli_opt *opts, const char *name, int after, int64_t *out)
{
    const char *v = cli_val(opts, name);
    int32_t day;
    *out = 0;
    if (!v)
        return 0;
    if (cvom_date_parse(v, &day))
        return cli_usage_error(c, "--%s must be a date YYYY-MM-DD, not '%s'", name, v);
    *out = ((int64_t)day + after) * 86400;
    return 0;
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "since", .kind = 's', .arg = "DATE", .help = "from this day on (UTC)"},
        {.name = "until", .kind = 's', .arg = "DATE", .help = "up to and including this day"},
        {.name = "user",
         .kind = 's',
         .arg = "NAME",
         .help = "by this user (a web or --as user, or a system user's cli:NAME)"},
        {.name = "account", .kind = 's', .arg = "ID|NAME", .help = "about this account"},
        {.name = "limit",
         .kind = 'i',
         .arg = "N",
         .min = 1,
         .max = 1000000,
         .help = "at most N entries, the newest (default: all)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id",     "at",     "actor",  "action",
                                       "target", "detail", "address"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    struct cvom_audit_filter f;
    memset(&f, 0, sizeof f);
    if (cli_parse(c, argc, argv, opts, "[OPTIONS]",
                  "List the audit log, newest first: who changed what and when, from the web "
                  "application, the API and the command line. Command-line changes are by "
                  "'cli:' and the system user, or by the user given with the global option "
                  "--as. An entry about an account names it (or its id) as its target.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = day_bound(c, opts, "since", 0, &f.since)) ||
        (rc = day_bound(c, opts, "until", 1, &f.until)))
        return rc;
    if (f.since && f.until && f.since >= f.until)
        return cli_usage_error(c, "--until is before --since");
    f.actor = cli_val(opts, "user");
    f.limit = (int64_t)cli_num(opts, "limit", 0);
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    char id[24];
    const char *ref = cli_val(opts, "account");
    if (ref) {
        /* An account removed since is no longer found: its entries still name it. */
        enum cvom_status found = c->store->ops->account_find(c->store, ref, &a, &c->err);
        if (found && found != CVOM_ENOTFOUND)
            return cli_fail(c, found, &c->err);
        if (found)
            fprintf(stderr, "note: no account '%s' now: listing the entries that name it\n", ref);
        fmt_id(id, sizeof id, found ? 0 : a.id);
        f.target = found ? ref : a.name;
        f.target_alt = found ? ref : id;
    }
    struct table *t = table_new(cols, "nssssss");
    if (!t)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    enum cvom_status st = c->store->ops->audit_find(c->store, &f, audit_row, t, &c->err);
    if (!st)
        table_print(t, stdout, fmt);
    table_free(t);
    return st ? cli_fail(c, st, &c->err) : 0;
}
