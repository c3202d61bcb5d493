/* cmd_matrix.c — `cvom matrix`: the portfolio drawn in the terminal, or listed as CSV or
 * JSON, with filters by owner, tag, industry, region and quadrant. */
#include "cli/cli.h"

#include "io/util.h"
#include "render/term.h"
#include "service/accounts.h"
#include "service/groups.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int by_revenue(const void *x, const void *y)
{
    const struct cvom_scored *a = x, *b = y;
    if (a->account.revenue != b->account.revenue)
        return a->account.revenue < b->account.revenue ? 1 : -1;
    return strcmp(a->account.name, b->account.name);
}

struct counted {
    const struct cvom_scored *s;
    size_t members;
};

static int counted_by_revenue(const void *x, const void *y)
{
    const struct counted *a = x, *b = y;
    return by_revenue(a->s, b->s);
}

/* Sort groups by revenue as by_revenue does, each one's member count moving with it. */
static int sort_with_members(struct cvom_scored *v, size_t *members, size_t n)
{
    struct counted *c = malloc((n ? n : 1) * sizeof *c);
    struct cvom_scored *copy = malloc((n ? n : 1) * sizeof *copy);
    if (!c || !copy) {
        free(c);
        free(copy);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        c[i] = (struct counted){.s = &v[i], .members = members[i]};
    cvom__sort(c, n, sizeof *c, counted_by_revenue);
    for (size_t i = 0; i < n; i++) {
        copy[i] = *c[i].s;
        members[i] = c[i].members;
    }
    if (n)
        memcpy(v, copy, n * sizeof *v);
    free(c);
    free(copy);
    return 0;
}

static int terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col > 160 ? 160 : ws.ws_col;
    return 80;
}

/* Whether the terminal takes UTF-8: the locale's character set, read as setlocale reads it
 * (LC_ALL, else LC_CTYPE, else LANG; none at all is the C locale, which is ASCII). */
static int locale_utf8(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !v[0])
            continue;
        for (const char *p = v; *p; p++) {
            char cs[6];
            size_t n = 0;
            for (; n < 5 && p[n]; n++)
                cs[n] = (char)(p[n] >= 'A' && p[n] <= 'Z' ? p[n] - 'A' + 'a' : p[n]);
            cs[n] = '\0';
            if (strncmp(cs, "utf-8", 5) == 0 || strncmp(cs, "utf8", 4) == 0)
                return 1;
        }
        return 0;
    }
    return 0;
}

static void filter_text(char *buf, size_t cap, struct cli_opt *opts)
{
    static const char *const keys[] = {"owner", "tag", "industry", "region", "quadrant"};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *v = cli_val(opts, keys[i]);
        if (!v)
            continue;
        int w = snprintf(buf + used, cap - used, "%s%s=%s", used ? ", " : "", keys[i], v);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

static int draw(struct cli *c, struct cli_opt *opts, const struct cvom_config *cfg,
                const struct cvom_scored *v, const size_t *members, size_t n, size_t elsewhere,
                int32_t as_of)
{
    struct cvom_term_point *pts = calloc(n ? n : 1, sizeof *pts);
    size_t shared = 0;
    for (size_t i = 0; i < n; i++)
        shared += v[i].namesake != 0 || (members && members[i] > 1);
    /* Accounts that share a name are labelled with what tells them apart, and groups with
     * how many accounts they stand for. */
    char(*labels)[CVOM_FIELD_MAX * 2] = calloc(shared ? shared : 1, sizeof *labels);
    if (!pts || !labels) {
        free(pts);
        free(labels);
        return cli_fail(c, CVOM_ENOMEM, NULL);
    }
    for (size_t i = 0, k = 0; i < n; i++) {
        pts[i].label = v[i].account.name;
        if (v[i].namesake || (members && members[i] > 1)) {
            cvom__account_label(&v[i].account, v[i].namesake, labels[k], sizeof labels[k]);
            if (members && members[i] > 1) {
                size_t used = strlen(labels[k]);
                snprintf(labels[k] + used, sizeof labels[k] - used, " (group of %zu)", members[i]);
            }
            pts[i].label = labels[k++];
        }
        pts[i].x = v[i].score.value[CVOM_DIM_INTELLECTUAL];
        pts[i].y = v[i].score.value[CVOM_DIM_EMOTIONAL];
        pts[i].quadrant = v[i].score.quadrant;
        pts[i].state = v[i].score.state;
        pts[i].revenue = v[i].account.revenue;
        pts[i].unassessed = !v[i].evidence.assessments;
        pts[i].stale = v[i].evidence.stale;
    }
    struct cvom_term_opts o;
    cvom__term_opts_init(&o);
    o.width = terminal_width();
    o.width = (int)cli_num(opts, "width", o.width);
    o.height = (int)cli_num(opts, "height", o.height);
    o.color = (c->color || cli_opt(opts, "color")->set) && !cli_opt(opts, "no-color")->set;
    o.ascii = cli_opt(opts, "ascii")->set || !locale_utf8();
    o.elsewhere = elsewhere;
    o.threshold[0] = cfg->threshold[0];
    o.threshold[1] = cfg->threshold[1];
    char date[11], filters[256], sub[320];
    cvom_date_format(as_of, date);
    filter_text(filters, sizeof filters, opts);
    snprintf(sub, sizeof sub, "as of %s · %zu %s%s%s%s", date, n + elsewhere,
             members ? "group" : "account", n + elsewhere == 1 ? "" : "s", filters[0] ? " · " : "",
             filters);
    o.title = "Customer Value Orientation Matrix";
    if (members)
        o.noun = "groups";
    o.subtitle = sub;
    enum cvom_status st = cvom__term_matrix(stdout, pts, n, &o);
    free(pts);
    free(labels);
    return st ? cli_fail(c, st, NULL) : 0;
}

int cmd_matrix(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "as of this date (default today)"},
        CLI_FILTER_OPTS,
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
         .help = "text: the drawing (default); csv or json: the plotted values"},
        {.name = "groups",
         .kind = 'f',
         .help = "top-level groups instead of their members: each account without a parent "
                 "rolled up with every account below it"},
        {.name = "width",
         .kind = 'i',
         .arg = "N",
         .min = 40,
         .max = 400,
         .help = "columns, 40-400 (default: the terminal's)"},
        {.name = "height",
         .kind = 'i',
         .arg = "N",
         .min = 10,
         .max = 200,
         .help = "rows of the plot, 10-200 (default 24)"},
        {.name = "color", .kind = 'f', .help = "colour even when not writing to a terminal"},
        {.name = "no-color", .kind = 'f', .help = "no colour (also: NO_COLOR in the environment)"},
        {.name = "ascii",
         .kind = 'f',
         .help = "lines and marks in ASCII only (the default when the locale is not UTF-8)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    int32_t as_of;
    if (cli_parse(
            c, argc, argv, opts, "[FILTERS] [--as-of DATE] [--groups] [--format FMT]",
            "Draw the portfolio on the matrix: intellectual value across, emotional value "
            "up, the thresholds as lines. Borderline accounts (an interval crosses a "
            "threshold) are marked, and the legend's state says borderline, stale (the newest "
            "assessment older than validity_days) or ok; accounts without enough "
            "evidence and accounts never "
            "assessed are listed below, and the totals count every account. The plot is "
            "at most 100 columns wide; a wider terminal gives the legend the room. CSV "
            "and JSON list the assessed accounts, as the API's matrix does. With --groups, "
            "each account without a parent stands for its group: the revenue-weighted point "
            "of it and every account below it, with the group's revenue (the filters choose "
            "groups by their top account; CSV and JSON add the column members).",
            pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    int quadrant;
    struct cvom_account_filter f;
    if ((rc = cli_filters(c, opts, &f, &quadrant)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_config cfg;
    struct cvom_scored *v = NULL;
    size_t n = 0, *members = NULL;
    int groups = cli_opt(opts, "groups")->set;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st && groups)
        st = cvom__group_scan(c->store, &cfg, &f, as_of, &v, &members, &n, &c->err);
    else if (!st)
        st = cvom__portfolio_scan(c->store, &cfg, &f, as_of, &v, &n, NULL, NULL, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    /* The drawing counts and lists every account: a quadrant filter leaves out the points
     * in other quadrants (counted), and the accounts not placed stay listed. CSV and JSON
     * list the assessed accounts only, and with a quadrant filter only its points, as the
     * API's matrix does. */
    size_t k = 0, elsewhere = 0;
    for (size_t i = 0; i < n; i++) {
        int placed = v[i].evidence.assessments && v[i].score.state != CVOM_STATE_INSUFFICIENT;
        if (fmt != FMT_TEXT && !v[i].evidence.assessments)
            continue;
        if (!cvom__scored_in_quadrant(&v[i], quadrant) && (placed || fmt != FMT_TEXT)) {
            elsewhere += placed;
            continue;
        }
        if (members)
            members[k] = members[i];
        v[k++] = v[i];
    }
    rc = 0;
    if (!members)
        cvom__sort(v, k, sizeof *v, by_revenue);
    else if (sort_with_members(v, members, k))
        rc = cli_fail(c, CVOM_ENOMEM, NULL);
    if (!rc && fmt == FMT_TEXT) {
        rc = draw(c, opts, &cfg, v, members, k, elsewhere, as_of);
    } else if (!rc) {
        struct table *t = cli_groups_table(v, members, k);
        rc = t ? 0 : cli_fail(c, CVOM_ENOMEM, NULL);
        if (t)
            table_print(t, stdout, fmt);
        table_free(t);
    }
    free(v);
    free(members);
    return rc;
}
