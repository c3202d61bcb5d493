/* cmd_report.c — `cvom report`: the portfolio as of a date, with the movers since an
 * earlier one, as HTML, XLSX, CSV or JSON. This file reads the command line;
 * service/documents.c scores the portfolio on both dates and render/report.c decides what
 * goes in each section and writes it. */
#include "cli/cli.h"

#include "io/util.h"
#include "render/report.h"
#include "service/documents.h"

#include <stdlib.h>
#include <string.h>

static const char *const filter_keys[] = {"owner", "tag", "industry", "region"};

static void make_filter(struct cli_opt *opts, struct cvom_account_filter *f)
{
    char *dst[] = {f->owner, f->tag, f->industry, f->region};
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < sizeof filter_keys / sizeof *filter_keys; i++) {
        const char *v = cli_val(opts, filter_keys[i]);
        if (v)
            cvom__copy_str(dst[i], CVOM_FIELD_MAX, v);
    }
}

/* Score the portfolio on both dates and write the report. */
static int run(struct cli *c, struct cli_opt *opts, enum cvom_report_format fmt, const char *out,
               int32_t as_of, int32_t since)
{
    struct cvom_account_filter f;
    make_filter(opts, &f);
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_report_doc *d = malloc(sizeof *d);
    if (!d)
        return cli_fail(c, cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory"), &c->err);
    enum cvom_status st = cvom__report_doc_gather(c->store, &f, as_of, since, d, &c->err);
    if (!st && out && strcmp(out, "-") != 0)
        st = cvom__report_write_file(&d->report, fmt, out, &c->err);
    else if (!st && (st = cvom__report_write(&d->report, fmt, stdout, &c->err)) == CVOM_OK &&
             fflush(stdout))
        st = cvom_error_set(&c->err, CVOM_EIO, "writing to standard output failed");
    cvom__report_doc_cleanup(d);
    free(d);
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_report(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
         .help = "html (default), xlsx, csv (one table with a section column) or json"},
        {.name = "out",
         .kind = 's',
         .arg = "FILE",
         .help = "write to FILE (required for xlsx; default: standard output)"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "as of this date (default today)"},
        {.name = "since",
         .kind = 's',
         .arg = "DATE",
         .help = "movers since this date (default 180 days before --as-of)"},
        {.name = "owner", .kind = 's', .arg = "NAME", .help = "only this owner's accounts"},
        {.name = "tag", .kind = 's', .arg = "TAG", .help = "only accounts with this tag"},
        {.name = "industry", .kind = 's', .arg = "NAME", .help = "only this industry"},
        {.name = "region", .kind = 's', .arg = "NAME", .help = "only this region"},
        {0},
    };
    char *pos[1];
    int np, rc;
    int32_t as_of, since;
    if (cli_parse(c, argc, argv, opts,
                  "[--format html|xlsx|csv|json] [--out FILE] [--as-of DATE] [--since DATE] "
                  "[FILTERS]",
                  "A portfolio report: accounts and revenue per quadrant, the accounts that "
                  "moved quadrant since a date, borderline, stale and insufficient-evidence "
                  "accounts, and every account with its score. HTML is one self-contained page "
                  "that prints well; XLSX has a sheet per table and a native chart of the "
                  "matrix. The sections and columns are listed in docs/formats.md.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    const char *fv = cli_val(opts, "format");
    int fmt = fv ? cvom__report_format_parse(fv) : CVOM_REPORT_HTML;
    if (fmt < 0)
        return cli_usage_error(c, "--format must be html, xlsx, csv or json, not '%s'", fv);
    const char *out = cli_val(opts, "out");
    if (fmt == CVOM_REPORT_XLSX && (!out || strcmp(out, "-") == 0))
        return cli_usage_error(c, "an XLSX report is a binary file: name it with --out FILE");
    if (out && !out[0])
        return cli_usage_error(c, "--out needs a file name");
    since = as_of - CVOM_REPORT_SINCE_DAYS;
    if (cli_val(opts, "since") && (rc = cli_date_opt(c, opts, "since", &since)))
        return rc;
    if (since > as_of)
        return cli_usage_error(c, "--since must not be after --as-of");
    return run(c, opts, (enum cvom_report_format)fmt, out, as_of, since);
}
