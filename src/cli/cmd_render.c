/* cmd_render.c — `cvom render matrix`: the portfolio matrix as a PNG, PDF or SVG file, with
 * the same filters as `cvom matrix`, optionally compared with an earlier date (arrows, trend
 * colours); and the `cvom render` dispatcher, which hands `account` to the one-pager. */
#include "cli/cli.h"

#include "io/util.h"
#include "render/chart.h"
#include "service/documents.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TITLE "Customer Value Orientation Matrix"

/* The options after parsing and checking. */
struct render_args {
    enum cvom_chart_format fmt;
    const char *out;
    int32_t from, to;
    int has_from;
    int quadrant; /* -1: all */
    struct cvom_account_filter filter;
    struct cvom_chart_opts chart;
    char date_from[11];
    char footer[512];
};

static void *warm(void *unused)
{
    (void)unused;
    cvom__chart_warm();
    return NULL;
}

static int format_from_name(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return -1;
    char ext[8];
    size_t len = strlen(dot + 1);
    if (len == 0 || len >= sizeof ext)
        return -1;
    for (size_t i = 0; i <= len; i++)
        ext[i] =
            (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ? dot[1 + i] - 'A' + 'a' : dot[1 + i]);
    return cvom__chart_format_parse(ext);
}

static int parse_format(struct cli *c, struct cli_opt *opts, struct render_args *a)
{
    const char *f = cli_val(opts, "format");
    int fmt = f ? cvom__chart_format_parse(f) : format_from_name(a->out);
    if (f && fmt < 0)
        return cli_usage_error(c, "--format must be png, pdf or svg, not '%s'", f);
    if (fmt < 0)
        return cli_usage_error(c,
                               "say --format png, pdf or svg (the name '%s' does not end "
                               "in .png, .pdf or .svg)",
                               a->out);
    a->fmt = (enum cvom_chart_format)fmt;
    return 0;
}

static int parse_picture(struct cli *c, struct cli_opt *opts, struct render_args *a)
{
    struct cvom_chart_opts *o = &a->chart;
    o->width = cli_num(opts, "width", o->width);
    o->height = cli_num(opts, "height", o->height);
    o->dpi = cli_num(opts, "dpi", o->dpi);
    if (a->fmt == CVOM_CHART_PNG &&
        (lround(o->width * o->dpi / 72) > 16384 || lround(o->height * o->dpi / 72) > 16384))
        return cli_usage_error(c, "the PNG would be larger than 16384 pixels a side: lower "
                                  "--width, --height or --dpi");
    o->label_max = (size_t)cli_num(opts, "label-max", (double)o->label_max);
    const char *v = cli_val(opts, "colour") ? cli_val(opts, "colour") : cli_val(opts, "color");
    if (v && strcmp(v, "quadrant") == 0)
        o->colour = CVOM_COLOUR_QUADRANT;
    else if (v && strcmp(v, "trend") == 0)
        o->colour = CVOM_COLOUR_TREND;
    else if (v)
        return cli_usage_error(c, "--colour must be quadrant or trend, not '%s'", v);
    o->arrows = cli_opt(opts, "arrows")->set;
    o->title = cli_val(opts, "title") ? cli_val(opts, "title") : DEFAULT_TITLE;
    return 0;
}

static int parse_selection(struct cli *c, struct cli_opt *opts, struct render_args *a)
{
    int rc;
    /* --as-of, as every other command says it; --to, its partner of --from, is the same. */
    if (cli_val(opts, "as-of") && cli_val(opts, "to"))
        return cli_usage_error(c, "--as-of and --to are the same date: give one");
    if ((rc = cli_date_opt(c, opts, cli_val(opts, "to") ? "to" : "as-of", &a->to)) != 0)
        return rc;
    a->has_from = cli_val(opts, "from") != NULL;
    if (a->has_from && (rc = cli_date_opt(c, opts, "from", &a->from)) != 0)
        return rc;
    if (a->has_from && a->from >= a->to)
        return cli_usage_error(c, "--from must be before --as-of (or --to)");
    if (!a->has_from && (a->chart.arrows || a->chart.colour == CVOM_COLOUR_TREND))
        return cli_usage_error(c, "%s needs --from DATE, the date to compare with",
                               a->chart.arrows ? "--arrows" : "--colour trend");
    const char *q = cli_val(opts, "quadrant");
    struct cvom_account_filter *f = &a->filter;
    if ((rc = cli_filters(c, opts, f, &a->quadrant)) != 0)
        return rc;
    if (a->has_from)
        cvom_date_format(a->from, a->date_from);
    cvom__matrix_doc_footer(a->footer, sizeof a->footer, a->to, a->has_from, a->from, f, q);
    if (a->has_from)
        a->chart.since = a->date_from;
    return 0;
}

static int write_stdout(void *closure, const unsigned char *data, size_t len)
{
    return fwrite(data, 1, len, closure) == len ? 0 : -1;
}

static void report(struct cli *c, const struct render_args *a, size_t n, size_t unassessed)
{
    static const char *const names[CVOM_CHART_FORMAT_COUNT] = {"PNG", "PDF", "SVG"};
    const struct cvom_chart_stats *k = a->chart.stats;
    char size[64];
    if (a->fmt == CVOM_CHART_PNG)
        snprintf(size, sizeof size, "%ld \u00d7 %ld pixels",
                 lround(a->chart.width * a->chart.dpi / 72),
                 lround(a->chart.height * a->chart.dpi / 72));
    else
        snprintf(size, sizeof size, "%g \u00d7 %g points", a->chart.width, a->chart.height);
    char off[128] = "";
    if (k->hidden && unassessed)
        snprintf(off, sizeof off, "; not placed: %zu without enough evidence, %zu never assessed",
                 k->hidden, unassessed);
    else if (k->hidden || unassessed)
        snprintf(off, sizeof off, "; not placed: %zu %s", k->hidden + unassessed,
                 k->hidden ? "without enough evidence" : "never assessed");
    fprintf(stderr, "%s: wrote %s (%s, %s, %zu of %zu account%s drawn, %zu labelled%s)\n", c->prog,
            strcmp(a->out, "-") == 0 ? "standard output" : a->out, names[a->fmt], size, k->drawn,
            n + unassessed, n + unassessed == 1 ? "" : "s", k->labelled, off);
}

static int render_matrix(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "out",
         .kind = 's',
         .arg = "FILE",
         .help = "the file to write (- for standard "
                 "output)"},
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
         .help = "png, pdf or svg (default: from the file name)"},
        {.name = "width",
         .kind = 'n',
         .arg = "PT",
         .min = 72,
         .max = 14400,
         .help = "width in points, 1/72 in "
                 "(default 800)"},
        {.name = "height",
         .kind = 'n',
         .arg = "PT",
         .min = 72,
         .max = 14400,
         .help = "height in points (default 600)"},
        {.name = "dpi",
         .kind = 'n',
         .arg = "N",
         .min = 10,
         .max = 2400,
         .help = "PNG resolution: pixels = points × dpi / 72 (default 96)"},
        {.name = "as-of",
         .kind = 's',
         .arg = "DATE",
         .help = "scores as of this date (default today)"},
        {.name = "to", .kind = 's', .arg = "DATE", .help = "the same as --as-of, beside --from"},
        {.name = "from",
         .kind = 's',
         .arg = "DATE",
         .help = "compare with the scores as of this earlier date"},
        {.name = "arrows", .kind = 'f', .help = "draw arrows from the --from position"},
        {.name = "colour",
         .kind = 's',
         .arg = "BY",
         .help = "quadrant (default) or trend (rising, falling, steady since --from)"},
        {.name = "color", .kind = 's', .arg = "BY", .help = "the same as --colour"},
        {.name = "label-max",
         .kind = 'i',
         .arg = "N",
         .min = 0,
         .max = 1000000,
         .help = "label only the N accounts with the largest revenue (default 40)"},
        {.name = "title",
         .kind = 's',
         .arg = "TEXT",
         .help = "the title (default: \"" DEFAULT_TITLE "\")"},
        {.name = "groups",
         .kind = 'f',
         .help = "top-level groups instead of their members, as cvom matrix --groups"},
        CLI_FILTER_OPTS,
        {0},
    };
    char *pos[1];
    int np, rc;
    struct render_args a;
    memset(&a, 0, sizeof a);
    cvom__chart_opts_init(&a.chart);
    if (cli_parse(c, argc, argv, opts, "--out FILE [--format png|pdf|svg] [OPTIONS] [FILTERS]",
                  "Draw the portfolio on the matrix as a picture for slides and reports: "
                  "quadrants, thresholds, one bubble per account sized by revenue, the largest "
                  "accounts labelled, borderline accounts ringed. Accounts without enough "
                  "evidence and accounts never assessed are counted in the footer, not drawn. With "
                  "--from the picture "
                  "compares two dates: --arrows shows each move, --colour trend colours "
                  "accounts by the direction they moved. With --groups each account without a "
                  "parent stands for its group: the rolled-up point of it and every account "
                  "below it, sized by the group's revenue.",
                  pos, 0, 0, &np, &rc))
        return rc;
    if (!(a.out = cli_val(opts, "out")))
        return cli_usage_error(c, "--out FILE is required");
    if ((rc = parse_format(c, opts, &a)) || (rc = parse_picture(c, opts, &a)) ||
        (rc = parse_selection(c, opts, &a)))
        return rc;
    struct cvom_chart_stats stats = {0};
    a.chart.footer = a.footer;
    a.chart.stats = &stats;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    /* The drawing libraries and fonts get ready beside the scan. */
    pthread_t t;
    int warming = pthread_create(&t, NULL, warm, NULL) == 0;
    struct cvom_matrix_doc doc;
    enum cvom_status st =
        cli_opt(opts, "groups")->set
            ? cvom__matrix_doc_gather_groups(c->store, &a.filter, a.quadrant, a.to, a.has_from,
                                             a.from, &doc, &c->err)
            : cvom__matrix_doc_gather(c->store, &a.filter, a.quadrant, a.to, a.has_from, a.from,
                                      &doc, &c->err);
    size_t n = doc.n;
    if (warming)
        pthread_join(t, NULL);
    if (!st) {
        a.chart.unassessed = doc.unassessed;
        a.chart.threshold[CVOM_DIM_INTELLECTUAL] = doc.threshold[CVOM_DIM_INTELLECTUAL];
        a.chart.threshold[CVOM_DIM_EMOTIONAL] = doc.threshold[CVOM_DIM_EMOTIONAL];
        if (strcmp(a.out, "-") == 0) {
            st = cvom__chart_matrix(a.fmt, doc.pts, n, &a.chart, write_stdout, stdout, &c->err);
            if (!st && fflush(stdout) != 0)
                st = cvom_error_set(&c->err, CVOM_EIO, "writing to standard output failed");
        } else {
            st = cvom__chart_matrix_file(a.out, a.fmt, doc.pts, n, &a.chart, &c->err);
        }
    }
    cvom__chart_release();
    rc = st ? cli_fail(c, st, &c->err) : 0;
    if (!st)
        report(c, &a, n, doc.unassessed);
    cvom__matrix_doc_cleanup(&doc);
    return rc;
}

int cmd_render(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"matrix", render_matrix, "the portfolio matrix as PNG, PDF or SVG"},
        {"account", cli_render_account, "an account one-pager as PDF or PNG"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "render", cmds, argc, argv);
}
