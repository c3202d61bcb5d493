/* import_page.c — importing CSV files and workbooks from the browser: upload or paste, a
 * dry run that shows how each column is read, the first rows as they will be stored and the
 * first problem (or what would be written), then a commit in one transaction. Every kind
 * the command line imports is offered; the catalogue kinds (offerings, values) are for
 * administrators, as the engine decides. The rules, the owner scope of managers included, live in
 * the engine (service/import.h); this face gathers the request and renders the outcome.
 *
 * How the commit gets the file: the preview page carries the exact bytes of the upload,
 * base64-encoded, in a hidden field of its Commit form, and the commit runs the whole import
 * again from them. The server keeps nothing between the two requests, so any server behind a
 * load balancer can take the commit and nothing has to expire or be cleaned up. Carrying the
 * file through the browser is safe because the commit trusts nothing from the preview: it
 * validates every row again inside its own transaction, so an edited or stale form can only
 * fail, or import what the same user could have uploaded directly. base64 rather than a
 * textarea keeps the bytes exact (browsers rewrite line ends in textareas, and a
 * Windows-1252 file is not UTF-8 text a page could hold). */
#include "web/admin.h"

#include "io/csv.h"
#include "service/import.h"
#include "io/util.h"
#include "io/xlsx.h"
#include "web/auth.h"
#include "web/multipart.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAP_TEXT_MAX 4096
#define INSTRUMENTS_SHOWN 100
/* The largest body the router accepts for POST /import/commit. A file whose Commit form
 * would not fit is stopped at the preview with advice, instead of failing at the commit. */
#define COMMIT_BODY_MAX web_body_limit("/import/commit")
#define COMMIT_OVERHEAD (2 * MAP_TEXT_MAX + 4096) /* the other fields and the part headers */

struct import_req {
    enum cvom_import_kind kind;
    enum cvom_encoding encoding;
    char delimiter;        /* 0: detected from the header line */
    int decimal_comma;     /* numbers are written 1.234,50 */
    int allow_same_name;   /* accounts: a second account of one name may be added */
    char sheet[128];       /* workbooks: the sheet; "" for the first */
    int pasted;            /* the CSV came from the text box, not a file */
    int64_t instrument_id; /* responses: 0 for the newest "default" */
    int32_t date;          /* responses, signals, network: the date of rows without one */
    char date_text[16];
    char filename[128];
    char map_text[MAP_TEXT_MAX];
    char map_store[MAP_TEXT_MAX];
    struct cvom_import_map map[CVOM_IMPORT_MAP_MAX];
    size_t n_map;
    const char *csv; /* borrowed from the request body, or owned */
    size_t csv_len;
    char *owned; /* the decoded CSV of a commit */
};

static const char *owner_scope(const struct web_req *r)
{
    if (r->user.role >= CVOM_ROLE_ADMIN)
        return NULL;
    return r->user.display[0] ? r->user.display : r->user.name;
}

/* Errors the user can fix by changing the file or the form; anything else is the server's. */
static int user_problem(enum cvom_status st)
{
    return st == CVOM_EINVAL || st == CVOM_EPARSE || st == CVOM_ELIMIT || st == CVOM_ENOTFOUND ||
           st == CVOM_EEXIST;
}

/* ---- base64, for carrying the file to the commit ------------------------------------------ */

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

static void b64_encode(struct buf *b, const unsigned char *p, size_t n)
{
    char out[4096];
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        out[o++] = b64_chars[v >> 18 & 63];
        out[o++] = b64_chars[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64_chars[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64_chars[v & 63] : '=';
        if (o == sizeof out) {
            buf_add(b, out, o);
            o = 0;
        }
    }
    buf_add(b, out, o);
}

static int b64_value(unsigned char c)
{
    const char *p = c ? strchr(b64_chars, c) : NULL;
    return p ? (int)(p - b64_chars) : -1;
}

/* Decode strictly (white space skipped); NULL when malformed or out of memory. The result is
 * NUL-terminated; the caller frees it. */
static char *b64_decode(const char *s, size_t n, size_t *out_len)
{
    char *out = malloc(n / 4 * 3 + 4);
    if (!out)
        return NULL;
    size_t o = 0, k = 0, pad = 0;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' || c == '\n' || c == ' ')
            continue;
        int d = c == '=' ? 0 : b64_value(c);
        if (d < 0 || (pad && c != '=')) {
            free(out);
            return NULL;
        }
        pad += c == '=';
        v = v << 6 | (unsigned)d;
        if (++k == 4) {
            out[o++] = (char)(v >> 16);
            out[o++] = (char)(v >> 8);
            out[o++] = (char)v;
            k = 0;
            v = 0;
        }
    }
    if (k != 0 || pad > 2) {
        free(out);
        return NULL;
    }
    o -= pad;
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* ---- reading the request ------------------------------------------------------------------ */

static enum cvom_status parse_map(struct import_req *q, struct cvom_error *err)
{
    memcpy(q->map_store, q->map_text, sizeof q->map_store);
    q->n_map = 0;
    for (char *save = NULL, *l = strtok_r(q->map_store, "\r\n", &save); l;
         l = strtok_r(NULL, "\r\n", &save)) {
        char shown[64];
        cvom__trim(l);
        cvom__copy_str(shown, sizeof shown, l);
        char *eq = strchr(l, '=');
        if (!l[0])
            continue;
        if (!eq)
            return cvom_error_set(err, CVOM_EINVAL, "Column mapping: '%s' is not COLUMN=FIELD",
                                  shown);
        *eq = '\0';
        const char *field = cvom__trim(eq + 1);
        if (!cvom__import_map_field_ok(q->kind, field))
            return cvom_error_set(err, CVOM_EINVAL,
                                  "Column mapping: '%s': %s have no such "
                                  "field (see the fields of each kind below)",
                                  shown, cvom__import_kind_name(q->kind));
        if (q->n_map == CVOM_IMPORT_MAP_MAX)
            return cvom_error_set(err, CVOM_ELIMIT, "Column mapping: at most %d lines",
                                  CVOM_IMPORT_MAP_MAX);
        q->map[q->n_map].column = cvom__trim(l);
        q->map[q->n_map].field = field;
        q->n_map++;
    }
    return CVOM_OK;
}

/* A file name fit to show: valid UTF-8, without the directories some browsers send. */
static void clean_filename(char *out, size_t cap, const char *name, const char *fallback)
{
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    int ok = base[0] != '\0' && web_utf8_ok(base, strlen(base));
    for (const char *p = base; ok && *p; p++)
        ok = (unsigned char)*p >= 0x20 && *p != 0x7f;
    cvom__copy_str(out, cap, ok ? base : fallback);
}

/* The delimiter field: "" or "auto" to detect it, else ',', ';', '|' or "tab". */
static enum cvom_status parse_delimiter(const char *v, char *out, struct cvom_error *err)
{
    if (!v[0] || strcmp(v, "auto") == 0)
        *out = 0;
    else if (strcmp(v, "tab") == 0)
        *out = '\t';
    else if (strlen(v) == 1 && strchr(",;|", v[0]))
        *out = v[0];
    else
        return cvom_error_set(err, CVOM_EINVAL,
                              "The delimiter must be detected, or one of "
                              ", ; | and tab.");
    return CVOM_OK;
}

/* The options of the form: kind, encoding, delimiter, numbers, sheet, instrument, date,
 * column mapping. */
static enum cvom_status read_options(struct web_input *in, struct import_req *q,
                                     struct cvom_error *err)
{
    char kind[32], enc[32], ins[32], delim[16], comma[8], same[8];
    enum cvom_status st;
    if ((st = web_input_text(in, "kind", kind, sizeof kind, err)) != CVOM_OK ||
        (st = web_input_text(in, "encoding", enc, sizeof enc, err)) != CVOM_OK ||
        (st = web_input_text(in, "delimiter", delim, sizeof delim, err)) != CVOM_OK ||
        (st = web_input_text(in, "decimal_comma", comma, sizeof comma, err)) != CVOM_OK ||
        (st = web_input_text(in, "allow_same_name", same, sizeof same, err)) != CVOM_OK ||
        (st = web_input_text(in, "sheet", q->sheet, sizeof q->sheet, err)) != CVOM_OK ||
        (st = web_input_text(in, "instrument", ins, sizeof ins, err)) != CVOM_OK ||
        (st = web_input_text(in, "date", q->date_text, sizeof q->date_text, err)) != CVOM_OK ||
        (st = web_input_text(in, "map", q->map_text, sizeof q->map_text, err)) != CVOM_OK)
        return st;
    int k = cvom__import_kind_parse_all(cvom__trim(kind));
    if (k < 0)
        return cvom_error_set(err, CVOM_EINVAL,
                              "Choose what the file holds: accounts, stakeholders, responses, "
                              "signals, network ledger entries, offerings, ratings or value "
                              "rankings.");
    q->kind = (enum cvom_import_kind)k;
    if ((st = parse_delimiter(cvom__trim(delim), &q->delimiter, err)) != CVOM_OK)
        return st;
    q->decimal_comma = strcmp(comma, "1") == 0;
    q->allow_same_name = strcmp(same, "1") == 0;
    cvom__trim(q->sheet);
    int e = enc[0] ? cvom__encoding_parse(cvom__trim(enc)) : CVOM_ENC_UTF8;
    if (e < 0)
        return cvom_error_set(err, CVOM_EINVAL, "The encoding must be UTF-8 or Windows-1252.");
    q->encoding = (enum cvom_encoding)e;
    long id = 0;
    if (cvom__trim(ins)[0] && cvom__parse_long(ins, 1, 0x7fffffffL, &id))
        return cvom_error_set(err, CVOM_EINVAL, "Choose an instrument from the list.");
    q->instrument_id = id;
    q->date = (int32_t)(time(NULL) / 86400);
    if (cvom__trim(q->date_text)[0] && cvom_date_parse(q->date_text, &q->date))
        return cvom_error_set(err, CVOM_EINVAL, "The date must be YYYY-MM-DD.");
    return parse_map(q, err);
}

/* The CSV of a preview: the uploaded file, or else the pasted text (always UTF-8). */
static enum cvom_status read_upload(struct web_input *in, struct import_req *q,
                                    struct cvom_error *err)
{
    const struct web_part *file = in->multipart ? web_multipart_get(&in->mp, "file") : NULL;
    if (file && file->len > 0) {
        q->csv = file->data;
        q->csv_len = file->len;
        clean_filename(q->filename, sizeof q->filename, file->filename, "upload.csv");
        return CVOM_OK;
    }
    if (web_input_data(in, "text", &q->csv, &q->csv_len) && q->csv_len > 0) {
        q->pasted = 1;
        q->encoding = CVOM_ENC_UTF8; /* the browser sends the text box in the page's UTF-8 */
        cvom__copy_str(q->filename, sizeof q->filename, "pasted text");
        return CVOM_OK;
    }
    return cvom_error_set(err, CVOM_EINVAL,
                          "Choose a CSV file or a workbook, or paste CSV "
                          "text.");
}

/* The CSV of a commit: the bytes the preview carried. */
static enum cvom_status read_carried(struct web_input *in, struct import_req *q,
                                     struct cvom_error *err)
{
    const char *data;
    size_t n;
    char name[sizeof q->filename], pasted[8];
    enum cvom_status st = web_input_text(in, "filename", name, sizeof name, err);
    if (!st)
        st = web_input_text(in, "pasted", pasted, sizeof pasted, err);
    if (st)
        return st;
    if (!web_input_data(in, "data", &data, &n) || n == 0)
        return cvom_error_set(err, CVOM_EINVAL,
                              "The file to import is missing: upload it and preview it again.");
    if (!(q->owned = b64_decode(data, n, &q->csv_len)))
        return cvom_error_set(err, CVOM_EINVAL,
                              "The file to import was damaged on the way: upload it again.");
    q->csv = q->owned;
    q->pasted = strcmp(pasted, "1") == 0;
    clean_filename(q->filename, sizeof q->filename, name, "upload.csv");
    return CVOM_OK;
}

/* ---- running it ----------------------------------------------------------------------------- */

static void audit_import(struct web_req *r, const struct import_req *q,
                         const struct cvom_import_result *res)
{
    char detail[160];
    if (q->kind == CVOM_IMPORT_RESPONSES)
        snprintf(detail, sizeof detail, "%zu assessments with %zu answers from %zu rows",
                 res->added, res->updated, res->rows);
    else
        snprintf(detail, sizeof detail, "%zu added, %zu updated, from %zu rows", res->added,
                 res->updated, res->rows);
    web_audit(r, "import", cvom__import_kind_name(q->kind), detail);
}

/* The upload as a workbook (a zip archive) or as CSV. */
static enum cvom_status open_source(const struct import_req *q, struct cvom_import_source *src,
                                    struct cvom_error *err)
{
    if (!q->pasted && cvom__xlsx_is_zip(q->csv, q->csv_len)) {
        struct cvom_xlsx_opts xo;
        cvom__xlsx_opts_init(&xo);
        xo.sheet = q->sheet;
        return cvom__xlsx_open_mem(q->csv, q->csv_len, q->filename, &xo, &src->xlsx, err);
    }
    if (q->sheet[0])
        return cvom_error_set(err, CVOM_EINVAL, "A sheet was named, but %s is not a workbook.",
                              q->filename);
    struct cvom_csv_opts co;
    cvom__csv_opts_init(&co);
    co.encoding = q->encoding;
    co.delimiter = q->delimiter;
    return cvom__csv_open_mem(q->csv, q->csv_len, q->filename, &co, &src->csv, err);
}

/* Run the import in one transaction: rolled back for a preview, committed (and audited)
 * otherwise. res is filled as far as the import got. */
static enum cvom_status run_import(struct web_req *r, const struct import_req *q, int commit,
                                   struct cvom_import_result *res)
{
    struct cvom_store *st = r->store;
    struct cvom_import_opts o;
    cvom__import_opts_init(&o);
    o.map = q->map;
    o.n_map = q->n_map;
    o.instrument_id = q->instrument_id;
    o.default_date = q->date;
    o.owner_scope = owner_scope(r);
    o.decimal_comma = q->decimal_comma;
    o.allow_same_name = q->allow_same_name;
    memset(res, 0, sizeof *res);
    struct cvom_import_source src = {0};
    enum cvom_status s = open_source(q, &src, &r->err);
    if (!s && !(s = st->ops->begin(st, &r->err))) {
        s = cvom__import_run(st, q->kind, &src, q->filename, &o, res, &r->err);
        if (!s && commit) {
            audit_import(r, q, res);
            s = st->ops->commit(st, &r->err);
        }
        if (s || !commit)
            st->ops->rollback(st);
    }
    cvom__csv_close(src.csv);
    cvom__xlsx_close(src.xlsx);
    return s;
}

/* ---- rendering ------------------------------------------------------------------------------ */

static void summary(struct buf *b, enum cvom_import_kind kind, size_t added, size_t updated,
                    size_t rows, int done)
{
    if (kind == CVOM_IMPORT_RESPONSES)
        buf_printf(b, "%s %zu assessments with %zu answers, from %zu rows.",
                   done ? "Imported" : "Would import", added, updated, rows);
    else
        buf_printf(b, "%s %zu %s added and %zu updated, from %zu rows.",
                   done ? "Imported:" : "Would import:", added, cvom__import_kind_name(kind),
                   updated, rows);
}

struct instrument_row {
    int64_t id;
    char name[CVOM_NAME_MAX];
    int version;
};

struct instrument_list {
    struct instrument_row row[INSTRUMENTS_SHOWN];
    size_t n;
};

static int instrument_cb(void *ctx, int64_t id, const char *name, int version, size_t n_items)
{
    struct instrument_list *l = ctx;
    (void)n_items;
    if (l->n == INSTRUMENTS_SHOWN)
        return 1;
    struct instrument_row *row = &l->row[l->n++];
    row->id = id;
    cvom__copy_str(row->name, sizeof row->name, name);
    row->version = version;
    return 0;
}

static void instrument_select(struct web_req *r, int64_t chosen)
{
    struct buf *b = &r->out;
    struct instrument_list *l = calloc(1, sizeof *l);
    buf_puts(b, "<label for=\"instrument\">Instrument answered</label>"
                "<select id=\"instrument\" name=\"instrument\">"
                "<option value=\"\">the newest version of default</option>");
    if (l && r->store->ops->instrument_list(r->store, instrument_cb, l, NULL) == CVOM_OK)
        for (size_t i = 0; i < l->n; i++) {
            buf_printf(b, "<option value=\"%lld\"%s>", (long long)l->row[i].id,
                       l->row[i].id == chosen ? " selected" : "");
            buf_html(b, l->row[i].name);
            buf_printf(b, " version %d</option>", l->row[i].version);
        }
    buf_puts(b, "</select>");
    free(l);
}

static const char *const kind_labels[CVOM_IMPORT_KIND_ALL] = {
    [CVOM_IMPORT_ACCOUNTS] = "Accounts (from a CRM export)",
    [CVOM_IMPORT_STAKEHOLDERS] = "Stakeholders (people at the accounts)",
    [CVOM_IMPORT_RESPONSES] = "Responses (answers from a survey tool, one per row)",
    [CVOM_IMPORT_SIGNALS] = "Signals (CRM or finance figures: account, signal, value, date)",
    [CVOM_IMPORT_NETWORK] = "Network ledger (introductions, peer groups, events we gave)",
    [CVOM_IMPORT_OFFERINGS] = "Offerings (the catalogue; administrators)",
    [CVOM_IMPORT_RATINGS] = "Ratings (each account's importance and performance of an "
                            "offering, and our cost)",
    [CVOM_IMPORT_VALUES] = "Value rankings (an account's, or ours; administrators)",
};

static void kind_radios(struct web_req *r, enum cvom_import_kind chosen)
{
    struct buf *b = &r->out;
    buf_puts(b, "<fieldset><legend>What the file holds</legend>");
    for (int k = 0; k < CVOM_IMPORT_KIND_ALL; k++)
        buf_printf(b, "<label><input type=\"radio\" name=\"kind\" value=\"%s\"%s> %s</label>",
                   cvom__import_kind_name((enum cvom_import_kind)k),
                   (int)chosen == k ? " checked" : "", kind_labels[k]);
    buf_puts(b, "</fieldset>");
}

static void option(struct buf *b, const char *value, const char *label, int selected)
{
    buf_printf(b, "<option value=\"%s\"%s>%s</option>", value, selected ? " selected" : "", label);
}

/* Encoding, delimiter, decimal mark and sheet: how to read the file's bytes. */
static void reading_options(struct web_req *r, const struct import_req *q)
{
    struct buf *b = &r->out;
    int cp = q && q->encoding == CVOM_ENC_CP1252;
    char d = q ? q->delimiter : 0;
    buf_puts(b, "<fieldset><legend>Reading the file</legend>"
                "<label for=\"encoding\">Encoding of a CSV file</label>"
                "<select id=\"encoding\" name=\"encoding\">");
    option(b, "utf-8", "UTF-8 (with or without BOM)", !cp);
    option(b, "windows-1252", "Windows-1252 (Excel's CSV on Windows)", cp);
    buf_puts(b, "</select><label for=\"delimiter\">Delimiter of a CSV file</label>"
                "<select id=\"delimiter\" name=\"delimiter\">");
    option(b, "auto", "detect it from the header line (, ; or tab)", d == 0);
    option(b, ",", "comma ,", d == ',');
    option(b, ";", "semicolon ; (European Excel)", d == ';');
    option(b, "tab", "tab", d == '\t');
    option(b, "|", "bar |", d == '|');
    buf_printf(b,
               "</select><label><input type=\"checkbox\" name=\"decimal_comma\" value=\"1\"%s>"
               " Numbers have a decimal comma (1.234,50)</label>",
               q && q->decimal_comma ? " checked" : "");
    buf_puts(b, "<label for=\"sheet\">Sheet of a workbook (empty: the first)</label>"
                "<input type=\"text\" id=\"sheet\" name=\"sheet\" value=\"");
    buf_html(b, q ? q->sheet : "");
    buf_printf(b,
               "\"><label><input type=\"checkbox\" name=\"allow_same_name\" value=\"1\"%s>"
               " Accounts: add an account even when another already has its name (rows "
               "with different external ids)</label></fieldset>",
               q && q->allow_same_name ? " checked" : "");
}

/* The upload form, filled from an earlier request when there is one. Its CSRF token goes
 * in the body, never in the URL. */
static void upload_form(struct web_req *r, const struct import_req *q)
{
    struct buf *b = &r->out;
    buf_puts(b, "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" "
                "action=\"/import\">");
    page_csrf(r);
    kind_radios(r, q ? q->kind : CVOM_IMPORT_ACCOUNTS);
    buf_puts(b, "<label for=\"file\">CSV file or .xlsx workbook</label>"
                "<input type=\"file\" id=\"file\" name=\"file\" accept=\".csv,.txt,.tsv,.xlsx,"
                "text/csv,text/plain,application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet\">");
    reading_options(r, q);
    buf_puts(b, "<label for=\"text\">Or paste the CSV text (read as UTF-8)</label>"
                "<textarea id=\"text\" name=\"text\" rows=\"6\" spellcheck=\"false\"></textarea>"
                "<label for=\"map\">Column mapping (optional): one COLUMN=FIELD per line, for "
                "column names that are not recognised (any case), or COLUMN=ignored</label>"
                "<textarea id=\"map\" name=\"map\" rows=\"3\" spellcheck=\"false\" "
                "placeholder=\"Kundennummer=external_id\">\n");
    buf_html(b, q ? q->map_text : "");
    buf_puts(b, "</textarea><fieldset><legend>For responses, signals and ledger entries"
                "</legend>");
    instrument_select(r, q ? q->instrument_id : 0);
    buf_puts(b, "<label for=\"date\">Date of rows without one (default today)</label>"
                "<input type=\"date\" id=\"date\" name=\"date\" value=\"");
    buf_html(b, q ? q->date_text : "");
    buf_puts(b, "\"></fieldset><button type=\"submit\">Check the file</button></form>");
}

static void fields_help(struct web_req *r)
{
    struct buf *b = &r->out;
    buf_puts(b, "<details><summary>The fields of each kind</summary>"
                "<p>Column names are matched ignoring case, spaces and punctuation, with the "
                "names Salesforce, HubSpot and other exports use (“Account ID” and “Record "
                "ID” are external_id, “Billing Country” and “Country/Region” are region). "
                "Fields marked * are required.</p>");
    for (int k = 0; k < CVOM_IMPORT_KIND_ALL; k++) {
        buf_puts(b, "<table class=\"data\"><caption>");
        buf_html(b, cvom__import_kind_name((enum cvom_import_kind)k));
        buf_puts(b, "</caption><thead><tr><th scope=\"col\">Field</th>"
                    "<th scope=\"col\">Meaning</th></tr></thead><tbody>");
        for (const struct cvom_field_def *f = cvom__import_fields((enum cvom_import_kind)k);
             f->name; f++) {
            buf_puts(b, "<tr><td><code>");
            buf_html(b, f->name);
            buf_printf(b, "</code>%s</td><td>", f->required ? " *" : "");
            buf_html(b, f->help);
            buf_puts(b, "</td></tr>");
        }
        buf_puts(b, "</tbody></table>");
    }
    buf_puts(b, "</details>");
}

static void scope_note(struct web_req *r)
{
    const char *scope = owner_scope(r);
    if (!scope)
        return;
    struct buf t;
    buf_init(&t, 1024);
    buf_puts(&t, "You can import only your own accounts: new accounts get you (");
    buf_puts(&t, scope);
    buf_puts(&t, ") as their owner, and stakeholders and responses go only to accounts you own.");
    page_notice(r, "info", t.failed ? "" : t.p);
    buf_free(&t);
}

/* Where the rows were read from: the delimiter of a CSV file, or the workbook's sheet. */
static void source_line(struct buf *b, const struct cvom_import_result *res)
{
    if (res->sheet[0]) {
        buf_puts(b, "<p>Read from the sheet <strong>");
        buf_html(b, res->sheet);
        buf_printf(b, "</strong>, header in row %ld.</p>", res->header_line);
        return;
    }
    const char *d = res->delimiter == ';'    ? "semicolon ;"
                    : res->delimiter == '\t' ? "tab"
                    : res->delimiter == '|'  ? "bar |"
                                             : "comma ,";
    buf_printf(b, "<p>Delimiter: %s (%s); header on line %ld.</p>", d,
               res->delimiter_detected ? "detected" : "as chosen", res->header_line);
}

static void column_cell(struct buf *b, const struct cvom_field_def *fields,
                        const struct cvom_import_result *res, const struct cvom_import_column *c)
{
    if (c->field >= 0 && c->how != CVOM_HOW_SHADOWED) {
        buf_puts(b, "<code>");
        buf_html(b, fields[c->field].name);
        buf_puts(b, c->how == CVOM_HOW_MAP ? "</code> (your mapping)" : "</code>");
        return;
    }
    buf_puts(b, "<em>ignored</em>");
    if (c->how == CVOM_HOW_SHADOWED && c->shadowed_by > 0 &&
        (size_t)c->shadowed_by <= res->n_columns && c->shadowed_by <= CVOM_IMPORT_COLUMNS_MAX) {
        buf_puts(b, " (<code>");
        buf_html(b, fields[c->field].name);
        buf_puts(b, "</code> is read from “");
        buf_html(b, res->columns[c->shadowed_by - 1].name);
        buf_puts(b, "”)");
    } else if (c->how == CVOM_HOW_MAP_IGNORED) {
        buf_puts(b, " (your mapping)");
    }
}

/* Which column each field is read from, and the columns left out. */
static void render_mapping(struct web_req *r, const struct import_req *q,
                           const struct cvom_import_result *res)
{
    struct buf *b = &r->out;
    if (!res->header_found) {
        buf_puts(b, "<p>No header row was recognised, so no column could be matched.</p>");
        return;
    }
    const struct cvom_field_def *fields = cvom__import_fields(q->kind);
    source_line(b, res);
    buf_printf(b,
               "<table class=\"data\"><caption>How the columns are read (header on line "
               "%ld)</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Column "
               "in the file</th><th scope=\"col\">Read as</th></tr></thead><tbody>",
               res->header_line);
    size_t shown =
        res->n_columns < CVOM_IMPORT_COLUMNS_MAX ? res->n_columns : CVOM_IMPORT_COLUMNS_MAX;
    for (size_t i = 0; i < shown; i++) {
        const struct cvom_import_column *c = &res->columns[i];
        buf_printf(b, "<tr><td>%ld</td><td>", c->column);
        buf_html(b, c->name);
        buf_puts(b, "</td><td>");
        column_cell(b, fields, res, c);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
    if (res->n_columns > shown)
        buf_printf(b, "<p>%zu more columns are not listed.</p>", res->n_columns - shown);
    int first = 1;
    for (size_t i = 0; fields[i].name; i++) {
        if (res->field_column[i] > 0)
            continue;
        buf_puts(b, first ? "<p>Fields without a column: " : ", ");
        buf_html(b, fields[i].name);
        if (fields[i].required)
            buf_puts(b, " (required)");
        first = 0;
    }
    if (!first)
        buf_puts(b, ".</p>");
}

/* The first rows as they will be stored: each field with a column, and what happens. */
static void render_preview(struct web_req *r, const struct import_req *q,
                           const struct cvom_import_result *res)
{
    struct buf *b = &r->out;
    if (!res->n_preview)
        return;
    const struct cvom_field_def *fields = cvom__import_fields(q->kind);
    buf_printf(b,
               "<table class=\"data\"><caption>The first %zu rows as they will be stored"
               "</caption><thead><tr><th scope=\"col\">%s</th>",
               res->n_preview, res->sheet[0] ? "Row" : "Line");
    for (size_t i = 0; fields[i].name; i++)
        if (res->field_column[i] > 0) {
            buf_puts(b, "<th scope=\"col\">");
            buf_html(b, fields[i].name);
            buf_puts(b, "</th>");
        }
    buf_puts(b, "<th scope=\"col\">What happens</th></tr></thead><tbody>");
    for (size_t k = 0; k < res->n_preview; k++) {
        const struct cvom_import_preview_row *p = &res->preview[k];
        buf_printf(b, "<tr><td>%ld</td>", p->line);
        for (size_t i = 0; fields[i].name; i++)
            if (res->field_column[i] > 0) {
                buf_puts(b, "<td>");
                buf_html(b, p->value[i]);
                buf_puts(b, "</td>");
            }
        buf_puts(b, "<td>");
        buf_html(b, p->action);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
}

/* "Line 4, column 13 (CSV column 3 “Annual Revenue”, read as revenue): message", or for a
 * workbook "Sheet1!C7 (column “Annual Revenue”, …): message". */
static void render_error(struct web_req *r, const struct import_req *q,
                         const struct cvom_import_result *res, int committing)
{
    const struct cvom_error *e = &r->err;
    struct buf t;
    buf_init(&t, 2048);
    int placed = e->line > 0 || res->where[0];
    if (e->line > 0)
        buf_printf(&t, "Line %ld, column %ld", e->line, e->column > 0 ? e->column : 1);
    else if (res->where[0])
        buf_puts(&t, res->where);
    if (placed) {
        size_t i = res->error_cell > 0 ? (size_t)res->error_cell - 1 : 0;
        if (res->error_cell > 0 && res->header_found && i < res->n_columns &&
            i < CVOM_IMPORT_COLUMNS_MAX) {
            buf_printf(&t, " (%s column %ld “%s”", res->sheet[0] ? "sheet" : "CSV", res->error_cell,
                       res->columns[i].name);
            if (res->columns[i].field >= 0 && res->columns[i].how != CVOM_HOW_SHADOWED)
                buf_printf(&t, ", read as %s",
                           cvom__import_fields(q->kind)[res->columns[i].field].name);
            buf_puts(&t, ")");
        }
        buf_puts(&t, ": ");
    }
    buf_puts(&t, e->message);
    page_notice(r, "error", t.failed ? e->message : t.p);
    buf_free(&t);
    buf_printf(&r->out,
               "<p>%s The import stops at the first problem, so rows after it have "
               "not been checked yet: fix this one and check the file again.</p>",
               committing ? "Nothing was imported." : "Nothing has been written.");
}

static void hidden(struct buf *b, const char *name, const char *value)
{
    buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    buf_html(b, value);
    buf_puts(b, "\">");
}

/* The Commit form: the options again, and the file's bytes in base64. */
static void commit_form(struct web_req *r, const struct import_req *q)
{
    struct buf *b = &r->out;
    if (b64_len(q->csv_len) + COMMIT_OVERHEAD > COMMIT_BODY_MAX) {
        page_notice(r, "error",
                    "This file is too large to commit from the browser. Split it "
                    "into smaller files, or import it with 'cvom import' on the "
                    "server.");
        return;
    }
    buf_puts(b, "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" "
                "action=\"/import/commit\">");
    page_csrf(r);
    char delim[8] = "auto";
    if (q->delimiter == '\t')
        snprintf(delim, sizeof delim, "tab");
    else if (q->delimiter)
        snprintf(delim, sizeof delim, "%c", q->delimiter);
    hidden(b, "kind", cvom__import_kind_name(q->kind));
    hidden(b, "encoding", q->encoding == CVOM_ENC_CP1252 ? "windows-1252" : "utf-8");
    hidden(b, "delimiter", delim);
    hidden(b, "decimal_comma", q->decimal_comma ? "1" : "0");
    hidden(b, "allow_same_name", q->allow_same_name ? "1" : "0");
    hidden(b, "sheet", q->sheet);
    hidden(b, "pasted", q->pasted ? "1" : "0");
    if (q->instrument_id)
        buf_printf(b, "<input type=\"hidden\" name=\"instrument\" value=\"%lld\">",
                   (long long)q->instrument_id);
    hidden(b, "date", q->date_text);
    hidden(b, "filename", q->filename);
    buf_puts(b, "<textarea name=\"map\" hidden>\n");
    buf_html(b, q->map_text);
    buf_puts(b, "</textarea><input type=\"hidden\" name=\"data\" value=\"");
    b64_encode(b, (const unsigned char *)q->csv, q->csv_len);
    buf_puts(b, "\"><button type=\"submit\">Commit the import</button></form>");
}

static int preview_page(struct web_req *r, const struct import_req *q,
                        const struct cvom_import_result *res, enum cvom_status st, int committing)
{
    struct buf *b = &r->out;
    page_begin(r, committing ? "Import not committed" : "Import preview", "import");
    buf_puts(b, "<div class=\"narrow\"><h1>");
    buf_puts(b, committing ? "Import not committed" : "Import preview");
    buf_puts(b, "</h1><p><strong>");
    buf_html(b, q->filename);
    buf_printf(b, "</strong> · %s · %zu bytes · %s</p>", cvom__import_kind_name(q->kind),
               q->csv_len, q->encoding == CVOM_ENC_CP1252 ? "Windows-1252" : "UTF-8");
    scope_note(r);
    render_mapping(r, q, res);
    render_preview(r, q, res);
    if (st) {
        render_error(r, q, res, committing);
        buf_puts(b, "<h2>Check a corrected file</h2>");
        upload_form(r, q);
    } else {
        struct buf t;
        buf_init(&t, 512);
        summary(&t, q->kind, res->added, res->updated, res->rows, 0);
        buf_puts(&t, " Every row is valid; nothing has been written yet.");
        page_notice(r, "ok", t.failed ? "" : t.p);
        buf_free(&t);
        commit_form(r, q);
        buf_puts(b, "<p><a href=\"/import\">Start again with another file</a></p>");
    }
    buf_puts(b, "</div>");
    page_end(r);
    return st ? 422 : 200;
}

/* A request that could not be read: the form again with the reason. */
static int form_error(struct web_req *r, const struct import_req *q, int http)
{
    page_begin(r, "Import", "import");
    buf_puts(&r->out, "<div class=\"narrow\"><h1>Import</h1>");
    page_notice(r, "error", r->err.message);
    upload_form(r, q);
    fields_help(r);
    buf_puts(&r->out, "</div>");
    page_end(r);
    return http;
}

/* ---- handlers ------------------------------------------------------------------------------- */

/* The outcome of a commit, passed in the query of the redirect that follows it. */
static void done_notice(struct web_req *r)
{
    const char *done = web_query(r, "done");
    int k = done ? cvom__import_kind_parse_all(done) : -1;
    long n[3];
    const char *names[3] = {"added", "updated", "rows"};
    for (int i = 0; i < 3; i++) {
        const char *v = web_query(r, names[i]);
        if (k < 0 || !v || cvom__parse_long(v, 0, 0x7fffffffL, &n[i]))
            return;
    }
    struct buf t;
    buf_init(&t, 512);
    summary(&t, (enum cvom_import_kind)k, (size_t)n[0], (size_t)n[1], (size_t)n[2], 1);
    page_notice(r, "ok", t.failed ? "" : t.p);
    buf_free(&t);
}

int web_import_page(struct web_req *r)
{
    struct buf *b = &r->out;
    page_begin(r, "Import", "import");
    buf_puts(b, "<div class=\"narrow\"><h1>Import</h1>");
    done_notice(r);
    buf_puts(b, "<p>Upload a CSV export or an .xlsx workbook from your CRM, survey tool or "
                "spreadsheet. Nothing is written until you confirm: first you see how each "
                "column is read, the first rows as they will be stored, and whether every row "
                "is valid. The whole file is then imported in one go, or not at all; records "
                "with a known external id are updated rather than added twice.</p>");
    scope_note(r);
    upload_form(r, NULL);
    fields_help(r);
    buf_puts(b, "</div>");
    page_end(r);
    return 200;
}

/* Shared by preview and commit: read the form, run, render. */
static int import_request(struct web_req *r, int commit)
{
    struct import_req *q = calloc(1, sizeof *q);
    struct cvom_import_result *res = calloc(1, sizeof *res);
    struct web_input *in = calloc(1, sizeof *in);
    int http;
    enum cvom_status st = q && res && in ? CVOM_OK : CVOM_ENOMEM;
    if (!st)
        st = web_input_open(r, in);
    if (!st)
        st = read_options(in, q, &r->err);
    if (!st)
        st = commit ? read_carried(in, q, &r->err) : read_upload(in, q, &r->err);
    if (st) {
        http = st == CVOM_ENOMEM ? web_fail(r, st, NULL) : form_error(r, q, 422);
        goto done;
    }
    st = run_import(r, q, commit, res);
    if (!st && commit) {
        char to[160];
        snprintf(to, sizeof to, "/import?done=%s&added=%zu&updated=%zu&rows=%zu",
                 cvom__import_kind_name(q->kind), res->added, res->updated, res->rows);
        http = web_redirect(r, to);
    } else if (!st || user_problem(st)) {
        http = preview_page(r, q, res, st, commit);
    } else {
        http = web_fail(r, st, &r->err);
    }
done:
    if (q)
        free(q->owned);
    free(q);
    free(res);
    free(in);
    return http;
}

int web_import_preview(struct web_req *r)
{
    return import_request(r, 0);
}

int web_import_commit(struct web_req *r)
{
    return import_request(r, 1);
}
