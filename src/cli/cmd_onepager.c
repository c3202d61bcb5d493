/* cmd_onepager.c — `cvom render account ACCOUNT`: the account one-pager as PDF or PNG. This
 * file reads the command line; service/documents.c gathers the account, its explanation and
 * its stakeholders, and render/onepager.c lays out the page. */
#include "cli/cli.h"

#include "io/util.h"
#include "render/onepager.h"
#include "service/documents.h"

#include <stdlib.h>
#include <string.h>

/* Gather the account's one-pager and draw it into out. */
static enum cvom_status draw(struct cli *c, const struct cvom_account *a, int32_t as_of,
                             enum cvom_onepager_format fmt, double dpi, const char *out, int *pages)
{
    struct cvom_onepager_doc *d = malloc(sizeof *d);
    if (!d)
        return cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    enum cvom_status st = cvom__onepager_doc_gather(c->store, NULL, a, as_of, d, &c->err);
    if (!st) {
        st = cvom__onepager_write_file(out, fmt, dpi, &d->page, pages, &c->err);
        cvom__onepager_doc_cleanup(d);
    }
    free(d);
    return st;
}

/* --format, or else the file name's extension, or else PDF. */
static int pick_format(struct cli *c, const char *fv, const char *out)
{
    if (fv) {
        int f = cvom__onepager_format_parse(fv);
        return f >= 0 ? f : -cli_usage_error(c, "--format must be pdf or png, not '%s'", fv);
    }
    const char *dot = strrchr(out, '.');
    if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".PNG") == 0))
        return CVOM_ONEPAGER_PNG;
    return CVOM_ONEPAGER_PDF;
}

int cli_render_account(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
         .help = "pdf or png (default: from the file name, else pdf)"},
        {.name = "out", .kind = 's', .arg = "FILE", .help = "the file to write (required)"},
        {.name = "dpi",
         .kind = 'i',
         .arg = "N",
         .min = 36,
         .max = 600,
         .help = "PNG resolution, 36–600 (default 150)"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "as of this date (default today)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    int32_t as_of;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT --out FILE [--format pdf|png] [--as-of DATE]",
                  "Draw an account's one-pager on A4: its facts, its place on the matrix "
                  "among its stakeholders, its scores with their intervals, the stakeholders, "
                  "what drives and what would move its position, then its open actions "
                  "(overdue ones marked), the suggested plays, over-serving (the unvalued "
                  "cost and the offerings behind it), partnership health with its weakest "
                  "pillar, and the alignment of its values with ours. What does not fit on "
                  "the first page goes on a second (and more): nothing is left out. A PNG at "
                  "150 dpi is 1240 × 1754 pixels a page, the pages one under the other.",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    const char *out = cli_val(opts, "out");
    if (!out || !out[0])
        return cli_usage_error(c, "name the file to write with --out FILE");
    int fmt = pick_format(c, cli_val(opts, "format"), out);
    if (fmt < 0)
        return -fmt;
    long dpi = (long)cli_num(opts, "dpi", 150);
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    int pages = 0;
    enum cvom_status st =
        draw(c, &a, as_of, (enum cvom_onepager_format)fmt, (double)dpi, out, &pages);
    if (st)
        return cli_fail(c, st, &c->err);
    if (fmt == CVOM_ONEPAGER_PNG) {
        int w, h;
        cvom__onepager_png_size((double)dpi, &w, &h);
        fprintf(stderr, "%s: wrote %s (PNG, %d \u00d7 %d pixels, %d A4 page%s)\n", c->prog, out, w,
                h * pages, pages, pages == 1 ? "" : "s");
    } else {
        fprintf(stderr, "%s: wrote %s (PDF, %d A4 page%s)\n", c->prog, out, pages,
                pages == 1 ? "" : "s");
    }
    return 0;
}
