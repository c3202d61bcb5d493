/* cmd_alerts.c — `cvom alerts`: what needs attention, account by account, as a digest a mail
 * command can send (nothing at all when there is nothing to say), or as CSV or JSON rows with
 * a kind each. The rules are the service's (service/alerts.h). */
#include "cli/cli.h"

#include "service/alerts.h"
#include "service/portfolio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *account_name(const struct cvom_report_account *a)
{
    return a->label ? a->label : a->name;
}

static void print_digest(const struct cvom_alerts *al, const int *keep, size_t kept)
{
    char d1[11], d2[11];
    size_t accounts = 0, seen = (size_t)-1;
    for (size_t i = 0; i < al->n; i++)
        if (keep[i] && al->v[i].account != seen) {
            accounts++;
            seen = al->v[i].account; /* the alerts come by account */
        }
    cvom_date_format(al->as_of, d1);
    cvom_date_format(al->since, d2);
    printf("%zu alert%s on %zu account%s as of %s (changes since %s)\n", kept, kept == 1 ? "" : "s",
           accounts, accounts == 1 ? "" : "s", d1, d2);
    size_t last = (size_t)-1;
    for (size_t i = 0; i < al->n; i++) {
        if (!keep[i])
            continue;
        const struct cvom_alert *x = &al->v[i];
        const struct cvom_report_account *a = &al->doc.report.accounts[x->account];
        if (x->account != last)
            printf("\n%s%s%s%s\n", account_name(a), a->owner[0] ? " (" : "", a->owner,
                   a->owner[0] ? ")" : "");
        last = x->account;
        printf("  %-18s %s\n  %-18s %s\n", cvom__alert_kind_name(x->kind), x->why, "", x->where);
    }
}

static int print_rows(const struct cvom_alerts *al, const int *keep, enum cli_format fmt)
{
    static const char *const cols[] = {"kind", "account_id", "external_id", "account", "owner",
                                       "date", "action_id",  "why",         "where"};
    struct table *t = table_new(cols, "snssoonss");
    if (!t)
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < al->n; i++) {
        if (!keep[i])
            continue;
        const struct cvom_alert *x = &al->v[i];
        const struct cvom_report_account *a = &al->doc.report.accounts[x->account];
        char id[24], date[11] = "", ref[24] = "";
        fmt_id(id, sizeof id, a->id);
        if (x->date)
            cvom_date_format(x->date, date);
        if (x->ref)
            fmt_id(ref, sizeof ref, x->ref);
        const char *cells[] = {cvom__alert_kind_name(x->kind),
                               id,
                               a->external_id,
                               account_name(a),
                               a->owner,
                               date,
                               ref,
                               x->why,
                               x->where};
        rc = table_add(t, cells);
    }
    if (!rc)
        rc = table_print(t, stdout, fmt);
    table_free(t);
    return rc;
}

int cmd_alerts(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "since",
         .kind = 's',
         .arg = "DATE",
         .help = "compare with this date (default the previous scoring round: the snapshot "
                 "date before the newest one)"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "the alerts as of (today)"},
        {.name = "kind", .kind = 's', .arg = "KIND", .help = "only alerts of this kind"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        CLI_FILTER_OPTS,
        {0},
    };
    char *pos[1];
    int np, rc, quadrant, kind = -1;
    enum cli_format fmt;
    int32_t as_of, since = 0;
    struct cvom_account_filter f;
    if (cli_parse(c, argc, argv, opts, "[FILTERS] [--since DATE] [--kind KIND] [--format FMT]",
                  "What needs attention, account by account: slid towards Transactional since "
                  "--since (slid), assessment stale (stale) or going stale within "
                  "alerts.due_days (due), borderline, stakeholders of influence in different "
                  "quadrants (split), a partnership at risk on alignment (at_risk), "
                  "over-served (overserved), a partnership pillar sound on --since and weak now "
                  "(crumbled), open actions past their due date (overdue_action) or owned by "
                  "nobody (unowned_action), survey links unanswered after "
                  "alerts.unanswered_days (unanswered_survey), and coverage gaps on the "
                  "relationship map (coverage_gap). Each says why it fired and "
                  "the web page where it is fixed. The text is a digest for mail from cron: "
                  "nothing at all when there is nothing to say, and the exit status is 0 "
                  "either way. CSV columns: kind, account_id, external_id, account, owner, "
                  "date, action_id, why, where; JSON: the same as an array of objects.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)) ||
        (rc = cli_filters(c, opts, &f, &quadrant)))
        return rc;
    const char *v = cli_val(opts, "kind");
    if (v && (kind = cvom__alert_kind_parse(v)) < 0)
        return cli_usage_error(c,
                               "--kind must be slid, stale, due, borderline, split, at_risk, "
                               "overserved, crumbled, overdue_action, unowned_action, "
                               "unanswered_survey or coverage_gap, not '%s'",
                               v);
    if ((v = cli_val(opts, "since")) && cvom_date_parse(v, &since))
        return cli_usage_error(c, "--since must be a date YYYY-MM-DD, not '%s'", v);
    if (v && since >= as_of)
        return cli_usage_error(c, "--since must be before the alerts' date");
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_alerts *al = malloc(sizeof *al);
    if (!al)
        return cli_fail(c, cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory"), &c->err);
    enum cvom_status st =
        v ? CVOM_OK : cvom__alerts_default_since(c->store, as_of, &since, &c->err);
    if (!st)
        st = cvom__alerts_gather(c->store, &f, as_of, since, al, &c->err);
    if (st) {
        free(al);
        return cli_fail(c, st, &c->err);
    }
    int *keep = calloc(al->n ? al->n : 1, sizeof *keep);
    size_t kept = 0;
    for (size_t i = 0; keep && i < al->n; i++) {
        keep[i] = (kind < 0 || (int)al->v[i].kind == kind) &&
                  cvom__scored_in_quadrant(&al->doc.now[al->v[i].account], quadrant);
        kept += (size_t)keep[i];
    }
    if (!keep)
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    else if (fmt != FMT_TEXT && print_rows(al, keep, fmt))
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    else if (fmt == FMT_TEXT && kept)
        print_digest(al, keep, kept);
    free(keep);
    cvom__alerts_cleanup(al);
    free(al);
    return st ? cli_fail(c, st, &c->err) : 0;
}
