/* downloads.c — the matrix as PNG, PDF or SVG, the portfolio report as HTML, XLSX, CSV or
 * JSON and an account's one-pager as PDF or PNG, gathered by service/documents.c as for the
 * command line, with the matrix page's filters and the user's scope. Every document is an
 * attachment, so that none is ever shown (or run) within the site's origin. */
#include "web/pages_util.h"

#include "io/util.h"
#include "render/chart.h"
#include "render/onepager.h"
#include "render/report.h"
#include "service/documents.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MATRIX_TITLE "Customer Value Orientation Matrix"
#define ONEPAGER_DPI 150.0 /* 1240 × 1754 pixels, as `cvom render account` draws by default */

static const char *const too_large = "The document would be larger than this server sends. "
                                     "Narrow the filters, or use the command line.";

/* ---- answers --------------------------------------------------------------------------- */

/* Mark the response as a file to save: its type, and a plain ASCII file name made of stem,
 * the document's date and ext. */
static int attachment(struct web_req *r, const char *type, const char *stem, int32_t date,
                      const char *ext)
{
    char d[11];
    cvom_date_format(date, d);
    r->out_type = type;
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"cvom-%s-%s.%s\"", stem,
             d, ext);
    return 200;
}

/* The answer after building a document into r->out: a clean error for a failure, or for a
 * document past the response's cap. */
static int built(struct web_req *r, enum cvom_status st)
{
    if (r->out.failed == BUF_NO_MEMORY)
        return web_fail(r, CVOM_ENOMEM, NULL);
    if (r->out.failed)
        return web_refuse(r, WEB_INVALID, NULL, too_large);
    return st ? web_fail(r, st, &r->err) : 0;
}

/* A date from the query string: 0 and *out untouched when absent, 1 when read, -1 when
 * malformed. */
static int query_date(struct web_req *r, const char *name, int32_t *out)
{
    const char *v = web_query(r, name);
    if (!v || !v[0])
        return 0;
    return cvom_date_parse(v, out) ? -1 : 1;
}

/* ---- documents written to a file ----------------------------------------------------------- */

/* A private directory for one document, for the writers that only write files. */
static enum cvom_status temp_dir(char *dir, size_t cap, struct cvom_error *err)
{
    const char *base = getenv("TMPDIR");
    if (!base || base[0] != '/')
        base = "/tmp";
    if (snprintf(dir, cap, "%s/cvom-download-XXXXXX", base) >= (int)cap)
        return cvom_error_set(err, CVOM_EIO, "the temporary directory's path is too long");
    if (!mkdtemp(dir))
        return cvom_error_set(err, CVOM_EIO, "%s: %s", dir, strerror(errno));
    return CVOM_OK;
}

/* Read the file at path into b; a file past b's cap leaves b failed. */
static enum cvom_status slurp(const char *path, struct buf *b, struct cvom_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    struct stat sb;
    enum cvom_status st = CVOM_OK;
    if (fstat(fd, &sb) || sb.st_size < 0)
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    else if ((unsigned long long)sb.st_size > b->max - b->len)
        b->failed = 1; /* too large: do not read it at all */
    char chunk[65536];
    while (!st && !b->failed) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
        if (n <= 0)
            break;
        buf_add(b, chunk, (size_t)n);
    }
    close(fd);
    return st;
}

/* What writes a document to a file. */
typedef enum cvom_status (*file_writer)(const char *path, const void *doc, int fmt,
                                        struct cvom_error *err);

/* Write a document with a file writer in a private directory and read it into r->out; the
 * file and the directory are removed whatever happens. */
static enum cvom_status via_file(struct web_req *r, file_writer write, const void *doc, int fmt,
                                 const char *name)
{
    char dir[PATH_MAX], path[PATH_MAX];
    enum cvom_status st = temp_dir(dir, sizeof dir, &r->err);
    if (st)
        return st;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        st = cvom_error_set(&r->err, CVOM_EIO, "the temporary file's path is too long");
    if (!st)
        st = write(path, doc, fmt, &r->err);
    if (!st)
        st = slurp(path, &r->out, &r->err);
    unlink(path);
    rmdir(dir);
    return st;
}

/* ---- GET /matrix.png, /matrix.pdf, /matrix.svg ------------------------------------------- */

static int to_buf(void *closure, const unsigned char *data, size_t len)
{
    struct buf *b = closure;
    buf_add(b, data, len);
    return b->failed ? -1 : 0;
}

static int matrix_picture(struct web_req *r, enum cvom_chart_format fmt)
{
    static const char *const types[CVOM_CHART_FORMAT_COUNT] = {"image/png", "application/pdf",
                                                               "image/svg+xml"};
    static const char *const exts[CVOM_CHART_FORMAT_COUNT] = {"png", "pdf", "svg"};
    struct pages_filters pf;
    pages_filters_read(r, &pf);
    int32_t from = 0;
    int has_from = query_date(r, "from", &from);
    if (has_from < 0)
        return web_refuse(r, WEB_INVALID, "from",
                          "The comparison date was not understood: use "
                          "YYYY-MM-DD.");
    if (has_from && from >= pf.as_of)
        return web_refuse(r, WEB_INVALID, "from",
                          "The comparison date must be before the date of "
                          "the picture.");
    struct cvom_account_filter f;
    int any = pages_scope_filter(r, pf.owner, pf.tag, pf.industry, &f);
    struct cvom_matrix_doc doc;
    enum cvom_status st = cvom__matrix_doc_gather(r->store, any ? &f : NULL, pf.quadrant, pf.as_of,
                                                  has_from, from, &doc, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    char footer[768], since[11] = "";
    cvom__matrix_doc_footer(footer, sizeof footer, pf.as_of, has_from, from, any ? &f : NULL,
                            pf.quadrant >= 0 ? cvom_quadrant_name((enum cvom_quadrant)pf.quadrant)
                                             : NULL);
    struct cvom_chart_opts o;
    cvom__chart_opts_init(&o);
    o.title = MATRIX_TITLE;
    o.footer = footer;
    o.unassessed = doc.unassessed;
    o.threshold[CVOM_DIM_INTELLECTUAL] = doc.threshold[CVOM_DIM_INTELLECTUAL];
    o.threshold[CVOM_DIM_EMOTIONAL] = doc.threshold[CVOM_DIM_EMOTIONAL];
    if (has_from) {
        cvom_date_format(from, since);
        o.since = since;
        o.arrows = 1;
    }
    buf_reset(&r->out);
    st = cvom__chart_matrix(fmt, doc.pts, doc.n, &o, to_buf, &r->out, &r->err);
    /* Each worker thread keeps its own fonts; let them go rather than hold them idle. */
    cvom__chart_release();
    cvom__matrix_doc_cleanup(&doc);
    int http = built(r, st);
    return http ? http : attachment(r, types[fmt], "matrix", pf.as_of, exts[fmt]);
}

static int matrix_png(struct web_req *r)
{
    return matrix_picture(r, CVOM_CHART_PNG);
}

static int matrix_pdf(struct web_req *r)
{
    return matrix_picture(r, CVOM_CHART_PDF);
}

static int matrix_svg(struct web_req *r)
{
    return matrix_picture(r, CVOM_CHART_SVG);
}

/* ---- GET /report.html, .xlsx, .csv, .json ------------------------------------------------- */

static enum cvom_status write_report_file(const char *path, const void *doc, int fmt,
                                          struct cvom_error *err)
{
    return cvom__report_write_file(doc, (enum cvom_report_format)fmt, path, err);
}

/* HTML, CSV and JSON through a stream in memory. */
static enum cvom_status report_stream(struct web_req *r, const struct cvom_report *rep,
                                      enum cvom_report_format fmt)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    enum cvom_status st = cvom__report_write(rep, fmt, f, &r->err);
    if (fclose(f) && !st)
        st = cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    if (!st)
        buf_add(&r->out, text, len);
    free(text);
    return st;
}

static int report(struct web_req *r, enum cvom_report_format fmt)
{
    static const char *const types[CVOM_REPORT_FORMAT_COUNT] = {
        "text/html; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv; charset=utf-8", "application/json"};
    static const char *const exts[CVOM_REPORT_FORMAT_COUNT] = {"html", "xlsx", "csv", "json"};
    struct pages_filters pf;
    pages_filters_read(r, &pf);
    int32_t since = pf.as_of - CVOM_REPORT_SINCE_DAYS;
    int given = query_date(r, "since", &since);
    if (given < 0)
        return web_refuse(r, WEB_INVALID, "since",
                          "The since date was not understood: use "
                          "YYYY-MM-DD.");
    if (since > pf.as_of)
        return web_refuse(r, WEB_INVALID, "since",
                          "The since date must not be after the date of the "
                          "report.");
    struct cvom_account_filter f;
    int any = pages_scope_filter(r, pf.owner, pf.tag, pf.industry, &f);
    struct cvom_report_doc *d = malloc(sizeof *d);
    if (!d)
        return web_fail(r, CVOM_ENOMEM, NULL);
    enum cvom_status st =
        cvom__report_doc_gather(r->store, any ? &f : NULL, pf.as_of, since, d, &r->err);
    if (st) {
        free(d);
        return web_fail(r, st, &r->err);
    }
    buf_reset(&r->out);
    if (fmt == CVOM_REPORT_XLSX)
        st = via_file(r, write_report_file, &d->report, fmt, "report.xlsx");
    else
        st = report_stream(r, &d->report, fmt);
    cvom__report_doc_cleanup(d);
    free(d);
    int http = built(r, st);
    return http ? http : attachment(r, types[fmt], "report", pf.as_of, exts[fmt]);
}

static int report_html(struct web_req *r)
{
    return report(r, CVOM_REPORT_HTML);
}

static int report_xlsx(struct web_req *r)
{
    return report(r, CVOM_REPORT_XLSX);
}

static int report_csv(struct web_req *r)
{
    return report(r, CVOM_REPORT_CSV);
}

static int report_json(struct web_req *r)
{
    return report(r, CVOM_REPORT_JSON);
}

/* ---- GET /accounts/{id}/onepager.pdf, .png ------------------------------------------------ */

static enum cvom_status write_onepager_file(const char *path, const void *doc, int fmt,
                                            struct cvom_error *err)
{
    return cvom__onepager_write_file(path, (enum cvom_onepager_format)fmt, ONEPAGER_DPI, doc, NULL,
                                     err);
}

static int onepager(struct web_req *r, enum cvom_onepager_format fmt)
{
    static const char *const types[CVOM_ONEPAGER_FORMAT_COUNT] = {"application/pdf", "image/png"};
    static const char *const exts[CVOM_ONEPAGER_FORMAT_COUNT] = {"pdf", "png"};
    struct cvom_account a;
    int http = pages_load_account(r, &a); /* 404 alike for a missing or another's account */
    if (http)
        return http;
    int32_t as_of = pages_today();
    if (query_date(r, "as-of", &as_of) < 0)
        return web_refuse(r, WEB_INVALID, "as-of", "The date was not understood: use YYYY-MM-DD.");
    struct cvom_onepager_doc *d = malloc(sizeof *d);
    if (!d)
        return web_fail(r, CVOM_ENOMEM, NULL);
    struct cvom_account_filter scope; /* namesakes among the accounts the user may see */
    pages_scope_filter(r, NULL, NULL, NULL, &scope);
    enum cvom_status st = cvom__onepager_doc_gather(r->store, &scope, &a, as_of, d, &r->err);
    if (!st) {
        buf_reset(&r->out);
        st = via_file(r, write_onepager_file, &d->page, fmt, exts[fmt]);
        cvom__chart_release();
        cvom__onepager_doc_cleanup(d);
    }
    free(d);
    if ((http = built(r, st)) != 0)
        return http;
    char stem[32];
    snprintf(stem, sizeof stem, "account-%lld", (long long)a.id);
    return attachment(r, types[fmt], stem, as_of, exts[fmt]);
}

static int onepager_pdf(struct web_req *r)
{
    return onepager(r, CVOM_ONEPAGER_PDF);
}

static int onepager_png(struct web_req *r)
{
    return onepager(r, CVOM_ONEPAGER_PNG);
}

/* ---- the links on the matrix page --------------------------------------------------------- */

static void download_link(struct buf *b, const char *path, const char *query, const char *label)
{
    struct buf u;
    buf_init(&u, 4 * WEB_URI_MAX);
    buf_puts(&u, path);
    if (query[0]) {
        buf_puts(&u, "?");
        buf_puts(&u, query);
    }
    buf_puts(b, "<a href=\"");
    buf_html(b, u.failed ? path : u.p);
    buf_printf(b, "\" download>%s</a>", label);
    buf_free(&u);
}

void pages_download_links(struct web_req *r)
{
    static const struct {
        const char *path, *label;
    } pictures[] = {{"/matrix.png", "PNG"}, {"/matrix.pdf", "PDF"}, {"/matrix.svg", "SVG"}},
      reports[] = {{"/report.html", "HTML"}, {"/report.xlsx", "XLSX"}, {"/report.csv", "CSV"}};
    struct pages_filters pf;
    struct buf q;
    pages_filters_read(r, &pf);
    buf_init(&q, 4 * WEB_URI_MAX);
    buf_add(&q, "", 0);
    pages_filters_query(&q, &pf);
    const char *query = q.failed || !q.p ? "" : q.p;
    struct buf *b = &r->out;
    buf_puts(b, "<p class=\"hint downloads\" role=\"group\" aria-label=\"Download\">Download "
                "the picture: ");
    for (size_t i = 0; i < sizeof pictures / sizeof *pictures; i++) {
        buf_puts(b, i ? " \xC2\xB7 " : "");
        download_link(b, pictures[i].path, query, pictures[i].label);
    }
    buf_puts(b, "; the report: ");
    for (size_t i = 0; i < sizeof reports / sizeof *reports; i++) {
        buf_puts(b, i ? " \xC2\xB7 " : "");
        download_link(b, reports[i].path, query, reports[i].label);
    }
    buf_puts(b, "</p>");
    buf_free(&q);
}

/* ---- routes -------------------------------------------------------------------------------- */

const struct web_route web_download_routes[] = {
    {M_GET, "/matrix.png", matrix_png, A_VIEWER, 0},
    {M_GET, "/matrix.pdf", matrix_pdf, A_VIEWER, 0},
    {M_GET, "/matrix.svg", matrix_svg, A_VIEWER, 0},
    {M_GET, "/report.html", report_html, A_VIEWER, 0},
    {M_GET, "/report.xlsx", report_xlsx, A_VIEWER, 0},
    {M_GET, "/report.csv", report_csv, A_VIEWER, 0},
    {M_GET, "/report.json", report_json, A_VIEWER, 0},
    {M_GET, "/accounts/{id}/onepager.pdf", onepager_pdf, A_VIEWER, 0},
    {M_GET, "/accounts/{id}/onepager.png", onepager_png, A_VIEWER, 0},
    {0, NULL, NULL, 0, 0},
};
