/* cmd_stakeholder.c — `cvom stakeholder add|list|rm`: the people of an account's
 * decision-making unit. */
#include "cli/cli.h"

#include "io/records.h"
#include "io/util.h"
#include "service/relmap.h"

#include <limits.h>

#include <string.h>

/* The fields add and edit set, in the order of their options (after --name). */
static const char *const fields[] = {"name",    "external_id", "role",       "influence",
                                     "stance",  "email",       "reports_to", "last_contact",
                                     "channel", "counterpart", "notes",      "language"};
#define N_FIELDS (sizeof fields / sizeof *fields)

/* The options of add and edit, one per field, into opts (room for N_FIELDS + 1). */
static void field_opts(struct cli_opt *opts)
{
    const struct cli_opt o[N_FIELDS + 1] = {
        {.name = "name", .kind = 's', .arg = "NAME", .help = "the person's name"},
        {.name = "external-id", .kind = 's', .arg = "ID", .help = "the id in your CRM"},
        {.name = "role",
         .kind = 's',
         .arg = "ROLE",
         .help = "economic buyer, sponsor, user, technical evaluator, ..."},
        {.name = "influence",
         .kind = 'n',
         .arg = "X",
         .min = 0,
         .max = 1,
         .help = "0 to 1 (default 0.5)"},
        {.name = "stance",
         .kind = 's',
         .arg = "S",
         .help = "champion, supporter, neutral, sceptic, opponent, unknown"},
        {.name = "email", .kind = 's', .arg = "ADDR", .help = "e-mail address"},
        {.name = "reports-to",
         .kind = 's',
         .arg = "WHO",
         .help = "the stakeholder of the same account they report to (id, external id or "
                 "name); none: nobody"},
        {.name = "last-contact",
         .kind = 's',
         .arg = "DATE",
         .help = "the day we last spoke with them, YYYY-MM-DD (empty: never)"},
        {.name = "channel",
         .kind = 's',
         .arg = "C",
         .help = "how: meeting, call, email, event or other"},
        {.name = "counterpart",
         .kind = 's',
         .arg = "WHO",
         .help = "who at our side looks after them: a user name or free text"},
        {.name = "notes", .kind = 's', .arg = "TEXT", .help = "free notes, up to 1,023 bytes"},
        {.name = "language",
         .kind = 's',
         .arg = "CODE",
         .help = "language of survey messages: en, de, fr, ... (default: the campaign's)"},
        {0},
    };
    memcpy(opts, o, sizeof o);
}

/* Set the fields whose options were given on s, then check the whole record; whom they
 * report to is resolved within s's account. */
static enum cvom_status apply_fields(struct cli *c, struct cli_opt *opts,
                                     struct cvom_stakeholder *s)
{
    char boss[CVOM_FIELD_MAX] = "";
    enum cvom_status st = CVOM_OK;
    for (size_t i = 0; !st && i < N_FIELDS; i++)
        if (opts[i].set)
            st = cvom__stakeholder_set(s, fields[i], opts[i].value, boss, &c->err);
    if (!st && cli_opt(opts, "reports-to")->set)
        st = cvom__stakeholder_reports_to(c->store, s, boss, &c->err);
    if (!st)
        st = cvom__stakeholder_check(s, &c->err);
    return st;
}

static int stakeholder_add(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[N_FIELDS + 1];
    field_opts(opts);
    char *pos[2];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT [NAME] [OPTIONS]",
                  "Add a stakeholder to an account.", pos, 2, 1, &np, &rc))
        return rc;
    if (np == 2 && (opts[0].set = 1))
        opts[0].value = pos[1];
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    struct cvom_stakeholder s;
    memset(&s, 0, sizeof s);
    s.account_id = a.id;
    s.influence = 0.5;
    enum cvom_status st = cli_begin(c);
    if (!st) {
        if (!(st = apply_fields(c, opts, &s))) {
            cli_audit(c, a.name, "stakeholder %s", s.name);
            st = c->store->ops->stakeholder_add(c->store, &s, &c->err);
        }
        st = cli_finish(c, st);
    }
    if (st)
        return cli_fail(c, st, &c->err);
    printf("%lld\n", (long long)s.id);
    return 0;
}

/* The stakeholder of `edit`: ACCOUNT STAKEHOLDER, or the stakeholder's id alone. */
static int edit_target(struct cli *c, char **pos, int np, struct cvom_account *a,
                       struct cvom_stakeholder *s)
{
    int64_t id = 0;
    int rc;
    if (np == 2) {
        if ((rc = cli_account(c, pos[0], a)))
            return rc;
        enum cvom_status st = cli_find_stakeholder(c, a, pos[1], s);
        return st ? cli_fail(c, st, &c->err) : 0;
    }
    long v;
    if (cvom__parse_long(pos[0], 1, LONG_MAX, &v))
        return cli_usage_error(c, "give the stakeholder's id, or the account and the "
                                  "stakeholder");
    id = v;
    enum cvom_status st = c->store->ops->stakeholder_get(c->store, id, s, &c->err);
    if (!st)
        st = c->store->ops->account_get(c->store, s->account_id, a, &c->err);
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int stakeholder_edit(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[N_FIELDS + 1];
    field_opts(opts);
    char *pos[2];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "ID | ACCOUNT STAKEHOLDER [OPTIONS]",
                  "Change a stakeholder's fields: only those given change. An empty value "
                  "clears a text field; --reports-to none clears whom they report to, which "
                  "must be another stakeholder of the same account and never one who "
                  "(directly or through others) reports to them.",
                  pos, 2, 1, &np, &rc))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    struct cvom_stakeholder s;
    enum cvom_status st = cli_begin(c);
    if (st)
        return cli_fail(c, st, &c->err);
    if ((rc = edit_target(c, pos, np, &a, &s))) {
        cli_rollback(c);
        return rc;
    }
    if (!(st = apply_fields(c, opts, &s))) {
        cli_audit(c, a.name, "stakeholder %s", s.name);
        st = c->store->ops->stakeholder_update(c->store, &s, &c->err);
    }
    if ((st = cli_finish(c, st)))
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "updated stakeholder %lld (%s)\n", (long long)s.id, s.name);
    return 0;
}

static int list_row(void *ctx, const struct cvom_stakeholder *s)
{
    char id[24], acc[24], infl[16], boss[24] = "", day[11] = "";
    fmt_id(id, sizeof id, s->id);
    fmt_id(acc, sizeof acc, s->account_id);
    fmt_num(infl, sizeof infl, s->influence, 2);
    if (s->reports_to)
        fmt_id(boss, sizeof boss, s->reports_to);
    if (s->last_contact)
        cvom_date_format(s->last_contact, day);
    const char *cells[] = {id,
                           acc,
                           s->external_id,
                           s->name,
                           s->role,
                           infl,
                           cvom__stance_name(s->stance),
                           s->email,
                           boss,
                           day,
                           cvom__channel_name(s->channel),
                           s->counterpart,
                           s->notes,
                           s->language};
    return cli_listing_add(ctx, cells);
}

/* The stakeholders of the listing's account (its acc). */
static enum cvom_status list_people(struct cli_listing *k)
{
    return k->c->store->ops->stakeholder_list(k->c->store, k->acc.id, list_row, k, &k->c->err);
}

static int stakeholder_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {
        "id",    "account_id", "external_id",  "name",    "role",        "influence", "stance",
        "email", "reports_to", "last_contact", "channel", "counterpart", "notes",     "language"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT [--format FMT]",
                  "List an account's stakeholders. CSV and JSON columns: id, account_id, "
                  "external_id, name, role, influence, stance, email, reports_to (an id), "
                  "last_contact, channel, counterpart, notes, language.",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cli_listing k = {.c = c};
    if ((rc = cli_account(c, pos[0], &k.acc)))
        return rc;
    return cli_list(&k, cols, "nnsssnssnoosss", fmt, list_people);
}

static int stakeholder_rm(struct cli *c, int argc, char **argv)
{
    char *pos[2];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "ACCOUNT STAKEHOLDER",
                  "Remove a stakeholder (given by id, external id or name). Their past "
                  "assessments stay, without the link to the person.",
                  pos, 2, 2, &np, &rc))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    struct cvom_stakeholder s;
    enum cvom_status st = cli_find_stakeholder(c, &a, pos[1], &s);
    if (!st)
        cli_audit(c, a.name, "stakeholder %s", s.name);
    if (!st && !(st = cli_begin(c)))
        st = cli_finish(c, c->store->ops->stakeholder_remove(c->store, s.id, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "removed stakeholder %lld (%s)\n", (long long)s.id, s.name);
    return 0;
}

int cmd_stakeholder(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"add", stakeholder_add, "add a stakeholder to an account"},
        {"edit", stakeholder_edit, "change a stakeholder's fields"},
        {"list", stakeholder_list, "list an account's stakeholders"},
        {"rm", stakeholder_rm, "remove a stakeholder"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "stakeholder", cmds, argc, argv);
}
