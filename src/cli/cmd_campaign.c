/* cmd_campaign.c — `cvom campaign create|list|show|close|links|send|remind|template`:
 * survey campaigns over the accounts the usual filters leave, their links for a mail merge,
 * their figures, and sending the links and reminders by e-mail. */
#include "cli/cli.h"

#include "io/util.h"
#include "service/campaigns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void fmt_time(int64_t t, char out[11])
{
    if (t > 0)
        cvom_date_format((int32_t)(t / 86400), out);
    else
        out[0] = '\0';
}

/* The accounts of --account, each an id, external id or name. */
static int given_accounts(struct cli *c, struct cli_opt *o, int64_t *ids)
{
    for (int i = 0; i < o->n_multi; i++) {
        struct cvom_account a;
        int rc = cli_account(c, o->multi[i], &a);
        if (rc)
            return rc;
        ids[i] = a.id;
    }
    return 0;
}

static int campaign_create(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        CLI_FILTER_OPTS,
        {.name = "account",
         .kind = 'm',
         .arg = "ACCOUNT",
         .help = "only this account (id, external id or name); may repeat"},
        {.name = "closes",
         .kind = 's',
         .arg = "DATE",
         .help = "the last day the links work (default: in 30 days)"},
        {.name = "instrument",
         .kind = 'i',
         .arg = "ID",
         .min = 1,
         .max = 1e15,
         .help = "the questionnaire (default: the newest default one)"},
        {.name = "language",
         .kind = 's',
         .arg = "CODE",
         .help = "of the messages to stakeholders without their own (default en)"},
        {0},
    };
    char *pos[1];
    int np, rc, quadrant;
    struct cvom_account_filter f;
    if (cli_parse(c, argc, argv, opts, "NAME [filters] [--account ACCOUNT …] [OPTIONS]",
                  "Create a survey campaign: one personal link for each stakeholder with an "
                  "e-mail address of the accounts chosen, valid until the campaign closes.",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_filters(c, opts, &f, &quadrant)))
        return rc;
    struct cvom_campaign_spec spec = {.name = pos[0],
                                      .filter = &f,
                                      .quadrant = quadrant,
                                      .language = cli_val(opts, "language"),
                                      .created_by = c->actor,
                                      .instrument_id = (int64_t)cli_num(opts, "instrument", 0),
                                      .now = (int64_t)time(NULL)};
    if (cli_val(opts, "closes")) {
        int32_t day;
        if ((rc = cli_date_opt(c, opts, "closes", &day)))
            return rc;
        spec.closes = ((int64_t)day + 1) * 86400;
    }
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    int64_t ids[CLI_MULTI_MAX];
    struct cli_opt *acc = cli_opt(opts, "account");
    if ((rc = given_accounts(c, acc, ids)))
        return rc;
    spec.accounts = ids;
    spec.n_accounts = (size_t)acc->n_multi;
    struct cvom_config cfg;
    struct cvom_campaign camp;
    size_t links = 0;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    cli_audit(c, pos[0], "campaign");
    if (!st && !(st = cli_begin(c)))
        st = cli_finish(c, cvom__campaign_create(c->store, &cfg, &spec, &camp, &links, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    char closes[11];
    fmt_time(camp.closes - 1, closes);
    fprintf(stderr, "campaign '%s': %zu link%s, open until %s\n", camp.name, links,
            links == 1 ? "" : "s", closes);
    printf("%lld\n", (long long)camp.id);
    return 0;
}

/* ---- list ------------------------------------------------------------------------------ */

struct list_ctx {
    struct cli_listing l; /* first: the store callback's ctx is both */
};

static void figure(char *buf, size_t cap, int64_t v)
{
    snprintf(buf, cap, "%lld", (long long)v);
}

static int list_row(void *ctx, const struct cvom_campaign *cp)
{
    struct cli_listing *k = ctx;
    struct cvom_campaign_view v;
    k->st = cvom__campaign_view_load(k->c->store, cp->name, NULL, &v, &k->c->err);
    if (k->st) {
        cvom__campaign_view_cleanup(&v);
        return 1;
    }
    char id[24], closes[11], links[24], sent[24], done[24], rate[16];
    fmt_id(id, sizeof id, cp->id);
    fmt_time(cp->closed ? cp->closed : cp->closes - 1, closes);
    figure(links, sizeof links, v.total.links);
    figure(sent, sizeof sent, v.total.sent);
    figure(done, sizeof done, v.total.completed);
    fmt_num(rate, sizeof rate, cvom__campaign_rate(&v.total), 1);
    const char *state = cvom__campaign_open(cp, (int64_t)time(NULL)) ? "open" : "closed";
    const char *cells[] = {id, cp->name, state, closes, cp->language, links, sent, done, rate};
    cvom__campaign_view_cleanup(&v);
    return cli_listing_add(k, cells);
}

static enum cvom_status list_fill(struct cli_listing *k)
{
    return k->c->store->ops->campaign_list(k->c->store, list_row, k, &k->c->err);
}

static int campaign_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id",    "name", "state",     "closes", "language",
                                       "links", "sent", "completed", "rate"};
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[--format FMT]",
                  "List the campaigns, newest first: whether each is open, the day it closes "
                  "(or closed), its links, messages sent, answers completed and the response "
                  "rate in percent.",
                  NULL, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cli_listing k = {.c = c};
    return cli_list(&k, cols, "nsssnnnnn", fmt, list_fill);
}

/* ---- show ------------------------------------------------------------------------------ */

static void figures_row(struct table *t, const char *name, const struct cvom_campaign_figures *f)
{
    char v[7][24], rate[16];
    const int64_t n[] = {f->links,
                         f->sent,
                         f->opened,
                         f->started,
                         f->completed,
                         f->refused,
                         f->links - f->completed};
    for (int i = 0; i < 7; i++)
        figure(v[i], sizeof v[i], n[i]);
    fmt_num(rate, sizeof rate, cvom__campaign_rate(f), 1);
    const char *cells[] = {name, v[0], v[1], v[2], v[3], v[4], rate, v[5], v[6]};
    table_add(t, cells);
}

static int show_text(const struct cvom_campaign_view *v, enum cli_format fmt)
{
    static const char *const cols[] = {"account",   "links", "sent",    "opened", "started",
                                       "completed", "rate",  "refused", "waiting"};
    char closes[11], created[11];
    fmt_time(v->c.closes - 1, closes);
    fmt_time(v->c.created, created);
    if (fmt == FMT_TEXT) {
        printf("campaign  %s\nstate     %s\ncreated   %s by %s\ncloses    %s\nlanguage  %s\n\n",
               v->c.name, cvom__campaign_open(&v->c, (int64_t)time(NULL)) ? "open" : "closed",
               created, v->c.created_by, closes, v->c.language);
    }
    struct table *t = table_new(cols, "snnnnnnnn");
    for (size_t i = 0; t && i < v->n_accounts; i++)
        figures_row(t, v->accounts[i].name, &v->accounts[i].f);
    if (t)
        figures_row(t, "total", &v->total);
    int rc = t ? table_print(t, stdout, fmt) : -1;
    table_free(t);
    if (rc || fmt != FMT_TEXT)
        return rc;
    printf("\nNot answered:\n");
    for (size_t i = 0; i < v->n; i++) {
        const struct cvom_campaign_link *l = &v->links[i];
        if (!cvom__campaign_link_waiting(l))
            continue;
        printf("  %-24s %-28s %-32s %s%s%s\n", l->account, l->name, l->email,
               cvom__campaign_link_state(l), l->error[0] ? ": " : "", l->error);
    }
    return 0;
}

static int campaign_show(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
         .help = "text (default), csv or json: the figures per account and in total"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "NAME [--format FMT]",
                  "A campaign's figures per account and in total: links, messages sent, links "
                  "opened, answers started and completed, the response rate (completed of "
                  "links, in percent), addresses refused and links not answered; then, in "
                  "text, who has not answered and where their message stands.",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_campaign_view v;
    enum cvom_status st = cvom__campaign_view_load(c->store, pos[0], NULL, &v, &c->err);
    if (!st && show_text(&v, fmt))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory printing the campaign");
    cvom__campaign_view_cleanup(&v);
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* ---- close ------------------------------------------------------------------------------ */

static int campaign_close(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "NAME", "Close a campaign now: its links stop working.", pos,
                  1, 1, &np, &rc))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_campaign cp;
    enum cvom_status st = c->store->ops->campaign_find(c->store, pos[0], &cp, &c->err);
    if (!st) {
        cli_audit(c, cp.name, "closed");
        if (!(st = cli_begin(c)))
            st = cli_finish(
                c, c->store->ops->campaign_close(c->store, cp.id, (int64_t)time(NULL), &c->err));
    }
    if (st)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "closed campaign '%s'\n", cp.name);
    return 0;
}

/* ---- links ------------------------------------------------------------------------------ */

static int campaign_links(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {.name = "waiting", .kind = 'f', .help = "only the links not answered yet"},
        {0},
    };
    static const char *const cols[] = {"name", "email", "account", "language", "link"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "NAME [--format FMT] [--waiting]",
                  "Each stakeholder's link, for a mail merge: name, email, account, language "
                  "and link (the setting web.base_url, then /survey/ and the link's secret).",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    char base[CVOM_URL_MAX];
    struct cvom_campaign_view v;
    enum cvom_status st = cvom__campaign_view_load(c->store, pos[0], NULL, &v, &c->err);
    if (!st)
        st = cvom__campaign_base_url(c->store, base, &c->err);
    struct table *t = st ? NULL : table_new(cols, "sssss");
    int waiting = cli_opt(opts, "waiting")->set;
    for (size_t i = 0; t && i < v.n; i++) {
        const struct cvom_campaign_link *l = &v.links[i];
        char url[CVOM_URL_MAX + CVOM_LINK_SECRET_MAX + 16];
        if (waiting && !cvom__campaign_link_waiting(l))
            continue;
        cvom__campaign_link_url(base, l, url, sizeof url);
        const char *lang = l->language[0] ? l->language : v.c.language;
        const char *cells[] = {l->name, l->email, l->account, lang, url};
        table_add(t, cells);
    }
    if (!st && (!t || table_print(t, stdout, fmt)))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory listing the links");
    table_free(t);
    cvom__campaign_view_cleanup(&v);
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* ---- send and remind -------------------------------------------------------------------- */

/* On a terminal one line that counts up; in a log a line every PROGRESS_EVERY messages. */
#define PROGRESS_EVERY 100

static void progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    if (isatty(STDERR_FILENO)) {
        fprintf(stderr, "\rsending %zu of %zu%s", done, total, done == total ? "\n" : "");
    } else if (done && done % PROGRESS_EVERY == 0) {
        fprintf(stderr, "sending: %zu of %zu done\n", done, total);
    }
}

static void shown(void *ctx, const char *to, const char *message)
{
    (void)ctx;
    printf("---- to %s\n%s\n", to, message);
}

static int send_run(struct cli *c, int argc, char **argv, int remind)
{
    struct cli_opt opts[] = {
        {.name = "after",
         .kind = 'i',
         .arg = "DAYS",
         .min = 0,
         .max = 365,
         .help = "remind only those last contacted at least DAYS days ago (required)"},
        {.name = "dry-run", .kind = 'f', .help = "print the messages; send and record nothing"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, remind ? opts : opts + 1,
                  remind ? "NAME --after DAYS [--dry-run]" : "NAME [--dry-run]",
                  remind ? "Remind by e-mail those who have not answered, were sent the "
                           "invitation, were not refused and were last contacted at least "
                           "DAYS days ago."
                         : "Send each stakeholder of the campaign their link by e-mail, in "
                           "their language (else the campaign's). Each message is recorded "
                           "before it is sent: a rerun sends only what was not sent.",
                  pos, 1, 1, &np, &rc))
        return rc;
    if (remind && !cli_opt(opts, "after")->set)
        return cli_usage_error(c, "remind needs --after DAYS");
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_send_opts o = {.remind = remind,
                               .after_days = (int64_t)cli_num(opts, "after", 0),
                               .dry_run = cli_opt(opts, "dry-run")->set,
                               .now = (int64_t)time(NULL),
                               .progress = progress,
                               .shown = shown};
    struct cvom_mail_settings ms;
    struct cvom_send_result res;
    enum cvom_status st =
        cvom__mail_settings_load(c->store, getenv("CVOM_SMTP_PASSWORD"), !o.dry_run, &ms, &c->err);
    if (!st)
        st = cvom__campaign_send(c->store, &ms, pos[0], &o, &res, &c->err);
    memset(ms.password, 0, sizeof ms.password);
    if (st)
        return cli_fail(c, st, &c->err);
    if (o.dry_run)
        fprintf(stderr, "%zu message%s would be sent\n", res.would, res.would == 1 ? "" : "s");
    else
        fprintf(stderr, "%zu sent, %zu refused, %zu failed, %zu not due\n", res.sent, res.refused,
                res.failed, res.skipped);
    if (!res.failed)
        return 0;
    cvom_error_set(&c->err, CVOM_EIO,
                   "%zu message%s failed: see `cvom campaign show`; `cvom campaign send` "
                   "sends them again",
                   res.failed, res.failed == 1 ? "" : "s");
    return cli_fail(c, CVOM_EIO, &c->err);
}

static int campaign_send(struct cli *c, int argc, char **argv)
{
    return send_run(c, argc, argv, 0);
}

static int campaign_remind(struct cli *c, int argc, char **argv)
{
    return send_run(c, argc, argv, 1);
}

/* ---- templates -------------------------------------------------------------------------- */

static int campaign_template(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "set",
         .kind = 's',
         .arg = "FILE",
         .help = "use the template in FILE (- for standard input) for LANG"},
        {.name = "reset", .kind = 'f', .help = "go back to the shipped template for LANG"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "LANG [--set FILE | --reset]",
                  "Print the template of messages in LANG, or change it. A template is a "
                  "line \"Subject: …\", an empty line, then the message; {stakeholder}, "
                  "{manager}, {account}, {link}, {closes} and {campaign} are filled in. "
                  "English, German and French are shipped; other languages fall back to "
                  "English until they have one.",
                  pos, 1, 1, &np, &rc))
        return rc;
    const char *file = cli_val(opts, "set");
    int reset = cli_opt(opts, "reset")->set;
    if (file && reset)
        return cli_usage_error(c, "give --set FILE or --reset, not both");
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    enum cvom_status st;
    if (!file && !reset) {
        char tpl[CVOM_TEMPLATE_MAX];
        int own;
        if ((st = cvom__template_get(c->store, pos[0], tpl, sizeof tpl, &own, &c->err)))
            return cli_fail(c, st, &c->err);
        fputs(tpl, stdout);
        return 0;
    }
    char *text = NULL;
    size_t n = 0;
    if (file && (st = cvom__read_file(file, CVOM_TEMPLATE_MAX, &text, &n, &c->err)))
        return cli_fail(c, st, &c->err);
    cli_audit(c, pos[0], reset ? "template reset" : "template set");
    if (!(st = cli_begin(c)))
        st = cli_finish(c, cvom__template_set(c->store, pos[0], text, &c->err));
    free(text);
    if (st)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "template %s: %s\n", pos[0], reset ? "the shipped one" : "changed");
    return 0;
}

int cmd_campaign(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"create", campaign_create, "create a campaign: a link per stakeholder of the accounts"},
        {"list", campaign_list, "list the campaigns with their figures"},
        {"show", campaign_show, "a campaign's figures per account, and who has not answered"},
        {"close", campaign_close, "close a campaign: its links stop working"},
        {"links", campaign_links, "each stakeholder's link, for a mail merge"},
        {"send", campaign_send, "send each stakeholder their link by e-mail"},
        {"remind", campaign_remind, "remind those who have not answered"},
        {"template", campaign_template, "show or change the messages' template of a language"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "campaign", cmds, argc, argv);
}
