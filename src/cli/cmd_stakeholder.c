/* cmd_stakeholder.c — `cvom stakeholder add|list|rm`: the people of an account's
 * decision-making unit. */
#include "cli/cli.h"

#include "io/records.h"
#include "io/util.h"

#include <string.h>

static int stakeholder_add(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "name", .kind = 's', .arg = "NAME", .help = "the person's name"},
        {.name = "external-id", .kind = 's', .arg = "ID", .help = "the id in your CRM"},
        {.name = "role", .kind = 's', .arg = "ROLE",
         .help = "economic buyer, sponsor, user, technical evaluator, ..."},
        {.name = "influence", .kind = 'n', .arg = "X", .min = 0, .max = 1,
         .help = "0 to 1 (default 0.5)"},
        {.name = "stance", .kind = 's', .arg = "S",
         .help = "champion, supporter, neutral, sceptic, opponent, unknown"},
        {.name = "email", .kind = 's', .arg = "ADDR", .help = "e-mail address"},
        {0},
    };
    static const char *const fields[] = {"name", "external_id", "role", "influence", "stance",
                                         "email"};
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
    enum cvom_status st = CVOM_OK;
    for (size_t i = 0; !st && i < sizeof fields / sizeof *fields; i++)
        if (opts[i].set)
            st = cvom__stakeholder_set(&s, fields[i], opts[i].value, &c->err);
    if (!st)
        st = cvom__stakeholder_check(&s, &c->err);
    cli_audit(c, a.name, "stakeholder %s", s.name);
    if (!st && !(st = cli_begin(c)))
        st = cli_finish(c, c->store->ops->stakeholder_add(c->store, &s, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    printf("%lld\n", (long long)s.id);
    return 0;
}

static int list_row(void *ctx, const struct cvom_stakeholder *s)
{
    char id[24], acc[24], infl[16];
    fmt_id(id, sizeof id, s->id);
    fmt_id(acc, sizeof acc, s->account_id);
    fmt_num(infl, sizeof infl, s->influence, 2);
    const char *cells[] = {
        id, acc, s->external_id, s->name, s->role, infl, cvom__stance_name(s->stance), s->email};
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
    static const char *const cols[] = {"id", "account_id", "external_id", "name", "role",
                                       "influence", "stance", "email"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT [--format FMT]",
                  "List an account's stakeholders. CSV and JSON columns: id, account_id, "
                  "external_id, name, role, influence, stance, email.",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cli_listing k = {.c = c};
    if ((rc = cli_account(c, pos[0], &k.acc)))
        return rc;
    return cli_list(&k, cols, "nnsssnss", fmt, list_people);
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
        {"list", stakeholder_list, "list an account's stakeholders"},
        {"rm", stakeholder_rm, "remove a stakeholder"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "stakeholder", cmds, argc, argv);
}
