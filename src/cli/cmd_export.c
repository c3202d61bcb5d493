/* cmd_export.c — `cvom export`: every account with its fields and current score, for
 * spreadsheets and other tools. */
#include "cli/cli.h"

#include <stdlib.h>

int cmd_export(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "csv (default) or json"},
        {.name = "as-of",
         .kind = 's',
         .arg = "DATE",
         .help = "scores as of this date (default today)"},
        CLI_FILTER_OPTS,
        {0},
    };
    char *pos[1];
    int np, rc, quadrant;
    struct cvom_account_filter f;
    enum cli_format fmt;
    int32_t as_of;
    if (cli_parse(c, argc, argv, opts, "[--format csv|json] [--as-of DATE] [FILTERS]",
                  "Export every account (or those the filters leave) with its score. Columns: "
                  "account_id, external_id, "
                  "name, owner, revenue, intellectual, emotional, intellectual_lo, "
                  "intellectual_hi, emotional_lo, emotional_hi, quadrant, state, respondents, "
                  "last_assessed, stale.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)) ||
        (rc = cli_filters(c, opts, &f, &quadrant)))
        return rc;
    if (fmt == FMT_TEXT)
        fmt = FMT_CSV;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_config cfg;
    struct cvom_scored *v = NULL;
    size_t n = 0;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom__portfolio_scan(c->store, &cfg, &f, as_of, &v, &n, NULL, NULL, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    n = cvom__scored_keep_quadrant(v, n, quadrant);
    struct table *t = cli_scores_table(v, n);
    free(v);
    if (!t)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    table_print(t, stdout, fmt);
    table_free(t);
    return 0;
}
