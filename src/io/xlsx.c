/* xlsx.c — the workbook reader of xlsx.h.
 *
 * An .xlsx file is a zip archive of XML parts. The container is read with libzip and the
 * XML with expat, both from Debian, rather than with libarchive and libxml2: libzip opens a
 * named part directly (a workbook's parts are needed in a fixed order, not the order they
 * are stored in) and reports its size before it is read, which the bounds below need;
 * expat is small, streams, and can stop after each row and resume later, so a sheet of a
 * million rows is read one row at a time with no tree in memory. Neither a zip nor an XML
 * parser of our own: both libraries are fuzzed and maintained by others.
 *
 * Parts read: xl/workbook.xml (sheet names, the 1904 date system), its relationships (where
 * each sheet is), xl/styles.xml (which cell formats are dates), xl/sharedStrings.xml (the
 * strings cells point to), then the chosen sheet, streamed.
 *
 * Bounds: each part's decompressed size (declared and counted), the shared strings' total,
 * the number of zip entries and sheets, a cell's text, the columns of a row, and the XML
 * nesting depth. A DOCTYPE is refused outright, so no entity can expand.
 */
#include "io/xlsx.h"

#include "io/util.h"
#include "core/mem.h"

#include "lazy_zip.h" /* libzip, loaded by the first workbook read */

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 65536
#define MAX_ENTRIES 10000
#define MAX_SHEETS 256
#define MAX_DEPTH 64
#define MAX_XF 65536
#define NS_SEP '\x01'
#define PATH_MAX_ 512
#define NAME_MAX_ 128 /* a sheet's name (Excel allows 31 characters) */

struct sheet_ref {
    char name[NAME_MAX_];
    char rid[64];
};

/* A cell of the row being read: its column and its text in the row's arena. */
struct cell {
    long col;
    size_t off, len;
    unsigned flags;
};

enum elem { E_OTHER = 0, E_ROW, E_C, E_V, E_F, E_IS, E_T, E_RPH };

/* What every parser's user data starts with, so that the handlers all parsers share (the
 * DOCTYPE refusal) find the reader and the parser. */
struct ud_head {
    struct cvom_xlsx *x;
    XML_Parser p;
};

struct cvom_xlsx {
    char name[256];
    struct cvom_xlsx_opts o;
    zip_t *zip;
    int date1904;
    char sheet[NAME_MAX_];
    char sheet_path[PATH_MAX_];

    /* shared strings: NUL-terminated texts in one arena */
    char *sst;
    size_t sst_len, sst_cap;
    size_t *sst_off;
    size_t n_sst, cap_sst;

    /* styles: 1 for each cell format (cellXfs index) that shows a date */
    unsigned char *xf_date;
    size_t n_xf;

    /* the sheet, streamed; head.p is its parser */
    struct ud_head head;
    zip_file_t *zf;
    size_t read, size;
    int eof, suspended, depth, in_data;
    long row_no, col_no; /* the current row and the last cell's column */
    /* the cell being read */
    int in_cell, has_v, has_f, cell_style;
    char cell_type[8];
    long cell_col;
    enum elem text_of; /* which element's text is collected */
    int in_is, in_rph;
    char *text;
    size_t text_len, text_cap;
    /* the row being read, and the row handed out */
    struct cell *cells;
    size_t n_cells, cap_cells;
    char *arena;
    size_t arena_len, arena_cap;
    int row_ready;
    struct cvom_csv_field *fields;
    size_t cap_fields;
    long ready_line;
    size_t ready_n;

    enum cvom_status failed;
    struct cvom_error err;
};

void cvom__xlsx_opts_init(struct cvom_xlsx_opts *o)
{
    o->sheet = NULL;
    o->max_part = (size_t)512 << 20;
    o->max_strings = (size_t)256 << 20;
    o->max_field = 65536;
    o->max_fields = 512;
}

int cvom__xlsx_is_zip(const void *head, size_t n)
{
    const unsigned char *h = head;
    return n >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4;
}

void cvom__xlsx_cell_name(long row, long column, char *buf, size_t cap)
{
    char letters[8];
    size_t n = 0;
    for (long c = column; c > 0 && n < sizeof letters; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char rev[8];
    for (size_t i = 0; i < n; i++)
        rev[i] = letters[n - 1 - i];
    snprintf(buf, cap, "%.*s%ld", (int)n, rev, row);
}

/* ---- errors ------------------------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static enum cvom_status
fail(struct cvom_xlsx *x, enum cvom_status st, long line, long col, const char *fmt, ...)
{
    if (x->failed)
        return x->failed;
    memset(&x->err, 0, sizeof x->err);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err.message, sizeof x->err.message, fmt, ap);
    va_end(ap);
    x->err.status = st;
    cvom__copy_str(x->err.file, sizeof x->err.file, x->name);
    x->err.line = line;
    x->err.column = col;
    x->failed = st;
    return st;
}

/* Stop the parser from inside a handler with a failure. */
static void stop(struct cvom_xlsx *x, XML_Parser p, enum cvom_status st, const char *msg)
{
    fail(x, st, x->in_data ? x->row_no : 0, x->in_cell ? x->cell_col : 0, "%s", msg);
    XML_StopParser(p, XML_FALSE);
}

/* ---- small helpers ------------------------------------------------------------------ */

/* The local part of an expanded name "uri\x01local". */
static const char *local(const char *name)
{
    const char *s = strrchr(name, NS_SEP);
    return s ? s + 1 : name;
}

static const char *attr(const char **atts, const char *want)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), want) == 0)
            return atts[i + 1];
    return NULL;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n, size_t max)
{
    if (*len + n + 1 > max)
        return -1;
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 256;
        while (c < *len + n + 1)
            c *= 2;
        char *g = realloc(*buf, c);
        if (!g)
            return -1;
        *buf = g;
        *cap = c;
    }
    cvom__copy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

/* "C7" -> column 3, row 7; 0 when malformed. */
static int parse_ref(const char *r, long *col, long *row)
{
    long c = 0, w = 0;
    size_t i = 0;
    for (; r[i] >= 'A' && r[i] <= 'Z' && i < 4; i++)
        c = c * 26 + (r[i] - 'A' + 1);
    if (i == 0)
        return 0;
    for (; r[i] >= '0' && r[i] <= '9' && w < 100000000; i++)
        w = w * 10 + (r[i] - '0');
    if (r[i] != '\0' || w == 0)
        return 0;
    *col = c;
    *row = w;
    return 1;
}

/* ---- reading a whole part ----------------------------------------------------------- */

struct part_reader {
    struct cvom_xlsx *x;
    XML_Parser p;
    int depth;
    void *ctx;
    XML_StartElementHandler start;
    XML_EndElementHandler end;
};

static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                   const XML_Char *pubid, int has_internal)
{
    struct ud_head *h = ud;
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    fail(h->x, CVOM_EPARSE, 0, 0,
         "the workbook's XML declares a document type, which "
         "workbooks never do: refused");
    XML_StopParser(h->p, XML_FALSE);
}

/* A parser for the reader x that refuses document types; ud (which starts with a struct
 * ud_head) gets it in its head. NULL when out of memory. */
static XML_Parser new_parser(struct cvom_xlsx *x, struct ud_head *ud)
{
    XML_Parser p = XML_ParserCreateNS(NULL, NS_SEP);
    if (!p)
        return NULL;
    ud->x = x;
    ud->p = p;
    XML_SetUserData(p, ud);
    XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
    return p;
}

/* Find a part by its path inside the archive; -1 when absent. */
static zip_int64_t locate(struct cvom_xlsx *x, const char *path)
{
    if (path[0] == '/')
        path++;
    return zip_name_locate(x->zip, path, ZIP_FL_ENC_GUESS);
}

/* Open a part, checking the size it declares against cap. */
static enum cvom_status open_part(struct cvom_xlsx *x, const char *path, size_t cap,
                                  zip_file_t **out, size_t *size)
{
    zip_int64_t i = locate(x, path);
    if (i < 0)
        return CVOM_ENOTFOUND;
    zip_stat_t sb;
    zip_stat_init(&sb);
    if (zip_stat_index(x->zip, (zip_uint64_t)i, 0, &sb) != 0)
        return fail(x, CVOM_EPARSE, 0, 0, "the workbook is damaged: cannot read %s", path);
    if ((sb.valid & ZIP_STAT_SIZE) && sb.size > cap)
        return fail(x, CVOM_ELIMIT, 0, 0,
                    "the workbook's part %s is larger than %zu bytes "
                    "once uncompressed: refused",
                    path, cap);
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)i, 0);
    if (!zf)
        return fail(x, CVOM_EPARSE, 0, 0, "the workbook is damaged: cannot open %s (%s)", path,
                    zip_strerror(x->zip));
    *out = zf;
    *size = (sb.valid & ZIP_STAT_SIZE) ? (size_t)sb.size : 0;
    return CVOM_OK;
}

static enum cvom_status xml_error(struct cvom_xlsx *x, XML_Parser p, const char *path)
{
    if (x->failed)
        return x->failed;
    return fail(x, CVOM_EPARSE, x->in_data ? x->row_no : 0, 0,
                "the workbook is damaged: %s, line %lu of %s", XML_ErrorString(XML_GetErrorCode(p)),
                (unsigned long)XML_GetCurrentLineNumber(p), path);
}

/* Feed a whole part through p, at most cap bytes however much it claims. */
static enum cvom_status parse_whole(struct cvom_xlsx *x, XML_Parser p, const char *path, size_t cap,
                                    int required)
{
    zip_file_t *zf = NULL;
    size_t size, total = 0;
    enum cvom_status st = open_part(x, path, cap, &zf, &size);
    if (st == CVOM_ENOTFOUND && !required)
        return CVOM_OK;
    if (st == CVOM_ENOTFOUND)
        return fail(x, CVOM_EPARSE, 0, 0, "not an .xlsx workbook: it has no %s", path);
    if (st)
        return st;
    for (;;) {
        void *buf = XML_GetBuffer(p, CHUNK);
        if (!buf) {
            st = fail(x, CVOM_ENOMEM, 0, 0, "out of memory");
            break;
        }
        zip_int64_t n = zip_fread(zf, buf, CHUNK);
        if (n < 0) {
            st = fail(x, CVOM_EPARSE, 0, 0, "the workbook is damaged: reading %s: %s", path,
                      zip_file_strerror(zf));
            break;
        }
        total += (size_t)n;
        if (total > cap) {
            st = fail(x, CVOM_ELIMIT, 0, 0,
                      "the workbook's part %s is larger than %zu bytes "
                      "once uncompressed: refused",
                      path, cap);
            break;
        }
        if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
            st = xml_error(x, p, path);
            break;
        }
        if (x->failed || n == 0) {
            st = x->failed;
            break;
        }
    }
    zip_fclose(zf);
    return st;
}

/* ---- the workbook: sheets and their parts ------------------------------------------- */

struct book {
    struct ud_head h;
    int depth;
    struct sheet_ref *sheets;
    size_t n;
    /* relationships */
    const char *want_rid;
    char target[PATH_MAX_];
};

static int too_deep(struct cvom_xlsx *x, XML_Parser p, int depth)
{
    if (depth <= MAX_DEPTH)
        return 0;
    stop(x, p, CVOM_ELIMIT, "the workbook's XML is nested more than 64 levels deep: refused");
    return 1;
}

static void XMLCALL book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct book *b = ud;
    if (too_deep(b->h.x, b->h.p, ++b->depth))
        return;
    const char *n = local(name);
    if (strcmp(n, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904");
        b->h.x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    } else if (strcmp(n, "sheet") == 0 && b->n < MAX_SHEETS) {
        const char *sn = attr(atts, "name"), *rid = attr(atts, "id");
        if (sn && rid) {
            cvom__copy_str(b->sheets[b->n].name, sizeof b->sheets[b->n].name, sn);
            cvom__copy_str(b->sheets[b->n].rid, sizeof b->sheets[b->n].rid, rid);
            b->n++;
        }
    } else if (strcmp(n, "Relationship") == 0 && b->want_rid) {
        const char *id = attr(atts, "Id"), *t = attr(atts, "Target");
        if (id && t && strcmp(id, b->want_rid) == 0)
            cvom__copy_str(b->target, sizeof b->target, t);
    }
}

static void XMLCALL book_end(void *ud, const XML_Char *name)
{
    struct book *b = ud;
    (void)name;
    b->depth--;
}

static enum cvom_status parse_with(struct cvom_xlsx *x, struct book *b, const char *path,
                                   int required)
{
    b->depth = 0;
    XML_Parser p = new_parser(x, &b->h);
    if (!p)
        return fail(x, CVOM_ENOMEM, 0, 0, "out of memory");
    XML_SetElementHandler(p, book_start, book_end);
    enum cvom_status st = parse_whole(x, p, path, x->o.max_part, required);
    XML_ParserFree(p);
    return st;
}

static void list_sheets(const struct book *b, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < b->n && used + 4 < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", b->sheets[i].name);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

/* Where the sheet's part is: the relationship's target, relative to xl/ unless absolute. */
static void sheet_path(struct cvom_xlsx *x, const char *target)
{
    if (target[0] == '/')
        cvom__copy_str(x->sheet_path, sizeof x->sheet_path, target + 1);
    else
        snprintf(x->sheet_path, sizeof x->sheet_path, "xl/%.400s", target);
}

static enum cvom_status choose_sheet(struct cvom_xlsx *x)
{
    struct book *b = calloc(1, sizeof *b);
    struct sheet_ref *sheets = calloc(MAX_SHEETS, sizeof *sheets);
    enum cvom_status st = !b || !sheets ? fail(x, CVOM_ENOMEM, 0, 0, "out of memory") : 0;
    if (!st) {
        b->sheets = sheets;
        st = parse_with(x, b, "xl/workbook.xml", 1);
    }
    size_t pick = 0;
    if (!st && b->n == 0)
        st = fail(x, CVOM_EPARSE, 0, 0, "the workbook has no sheet");
    if (!st && x->o.sheet && x->o.sheet[0]) {
        for (pick = 0; pick < b->n && strcmp(b->sheets[pick].name, x->o.sheet) != 0; pick++)
            ;
        if (pick == b->n) {
            char names[200];
            list_sheets(b, names, sizeof names);
            st = fail(x, CVOM_ENOTFOUND, 0, 0,
                      "the workbook has no sheet '%.60s' (its "
                      "sheets: %s)",
                      x->o.sheet, names);
        }
    }
    if (!st) {
        cvom__copy_str(x->sheet, sizeof x->sheet, b->sheets[pick].name);
        b->want_rid = b->sheets[pick].rid;
        st = parse_with(x, b, "xl/_rels/workbook.xml.rels", 1);
    }
    if (!st && !b->target[0])
        st = fail(x, CVOM_EPARSE, 0, 0, "the workbook is damaged: sheet '%.60s' has no part",
                  x->sheet);
    if (!st)
        sheet_path(x, b->target);
    free(sheets);
    free(b);
    return st;
}

/* ---- styles: which cell formats are dates ------------------------------------------- */

struct styles {
    struct ud_head h;
    int depth, in_xfs;
    /* custom number formats that are dates, by id */
    unsigned char custom_date[MAX_XF];
    unsigned char *xf;
    size_t n_xf;
};

/* Built-in formats that show a date (times alone are numbers to us). */
static int builtin_date(long id)
{
    return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/* A format code shows a date when it has d or y outside quotes, brackets and escapes. */
static int code_is_date(const char *code)
{
    int quoted = 0, bracket = 0;
    for (const char *c = code; *c; c++) {
        if (*c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (*c == '\\' && c[1])
            c++;
        else if (*c == '[')
            bracket = 1;
        else if (*c == ']')
            bracket = 0;
        else if (!bracket && (*c == 'd' || *c == 'D' || *c == 'y' || *c == 'Y'))
            return 1;
    }
    return 0;
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct styles *s = ud;
    if (too_deep(s->h.x, s->h.p, ++s->depth))
        return;
    const char *n = local(name);
    long id;
    if (strcmp(n, "numFmt") == 0) {
        const char *i = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (i && code && !cvom__parse_long(i, 0, MAX_XF - 1, &id))
            s->custom_date[id] = (unsigned char)code_is_date(code);
    } else if (strcmp(n, "cellXfs") == 0) {
        s->in_xfs = 1;
    } else if (strcmp(n, "xf") == 0 && s->in_xfs && s->n_xf < MAX_XF) {
        const char *i = attr(atts, "numFmtId");
        int date = 0;
        if (i && !cvom__parse_long(i, 0, MAX_XF - 1, &id))
            date = builtin_date(id) || (id >= 164 && s->custom_date[id]);
        s->xf[s->n_xf++] = (unsigned char)date;
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
    struct styles *s = ud;
    s->depth--;
    if (strcmp(local(name), "cellXfs") == 0)
        s->in_xfs = 0;
}

static enum cvom_status read_styles(struct cvom_xlsx *x)
{
    struct styles *s = calloc(1, sizeof *s);
    x->xf_date = calloc(MAX_XF, 1);
    if (!s || !x->xf_date) {
        free(s);
        return fail(x, CVOM_ENOMEM, 0, 0, "out of memory");
    }
    s->xf = x->xf_date;
    XML_Parser p = new_parser(x, &s->h);
    enum cvom_status st = p ? CVOM_OK : fail(x, CVOM_ENOMEM, 0, 0, "out of memory");
    if (!st) {
        XML_SetElementHandler(p, styles_start, styles_end);
        st = parse_whole(x, p, "xl/styles.xml", x->o.max_part, 0);
        XML_ParserFree(p);
    }
    x->n_xf = s->n_xf;
    free(s);
    return st;
}

/* ---- shared strings ------------------------------------------------------------------ */

struct strings {
    struct ud_head h;
    int depth, in_si, in_t, in_rph;
};

static enum cvom_status sst_push(struct cvom_xlsx *x)
{
    if (x->n_sst == x->cap_sst) {
        size_t *g =
            cvom__grow(x->sst_off, &x->cap_sst, x->n_sst + 1, sizeof *g, x->o.max_strings / 2 + 1);
        if (!g)
            return CVOM_ENOMEM;
        x->sst_off = g;
    }
    x->sst_off[x->n_sst++] = x->sst_len;
    return CVOM_OK;
}

static void XMLCALL strings_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct strings *s = ud;
    (void)atts;
    if (too_deep(s->h.x, s->h.p, ++s->depth))
        return;
    const char *n = local(name);
    if (strcmp(n, "si") == 0) {
        s->in_si = 1;
        if (sst_push(s->h.x))
            stop(s->h.x, s->h.p, CVOM_ENOMEM, "out of memory");
    } else if (strcmp(n, "rPh") == 0) {
        s->in_rph = 1; /* phonetic hints: not part of the text */
    } else if (strcmp(n, "t") == 0 && s->in_si && !s->in_rph) {
        s->in_t = 1;
    }
}

static void XMLCALL strings_end(void *ud, const XML_Char *name)
{
    struct strings *s = ud;
    struct cvom_xlsx *x = s->h.x;
    s->depth--;
    const char *n = local(name);
    if (strcmp(n, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(n, "rPh") == 0) {
        s->in_rph = 0;
    } else if (strcmp(n, "si") == 0) {
        s->in_si = 0;
        if (append(&x->sst, &x->sst_len, &x->sst_cap, "", 1, x->o.max_strings))
            stop(x, s->h.p, CVOM_ELIMIT, "the workbook's shared strings are too large");
    }
}

static void XMLCALL strings_text(void *ud, const XML_Char *t, int len)
{
    struct strings *s = ud;
    struct cvom_xlsx *x = s->h.x;
    if (!s->in_t)
        return;
    if (append(&x->sst, &x->sst_len, &x->sst_cap, t, (size_t)len, x->o.max_strings))
        stop(x, s->h.p, CVOM_ELIMIT, "the workbook's shared strings are too large");
}

static enum cvom_status read_strings(struct cvom_xlsx *x)
{
    struct strings s = {.depth = 0};
    XML_Parser p = new_parser(x, &s.h);
    if (!p)
        return fail(x, CVOM_ENOMEM, 0, 0, "out of memory");
    XML_SetElementHandler(p, strings_start, strings_end);
    XML_SetCharacterDataHandler(p, strings_text);
    enum cvom_status st = parse_whole(x, p, "xl/sharedStrings.xml", x->o.max_strings, 0);
    XML_ParserFree(p);
    return st;
}

/* ---- the sheet, one row at a time ---------------------------------------------------- */

/* A number as the plain text a person would type: integers without a fraction, others in
 * the shortest form that reads back the same. */
static void number_text(const char *v, char *out, size_t cap)
{
    double d;
    if (cvom__parse_double(v, &d)) {
        cvom__copy_str(out, cap, v);
        return;
    }
    if (d == floor(d) && fabs(d) < 1e15)
        snprintf(out, cap, "%.0f", d);
    else
        cvom__format_double(out, cap, d);
}

/* A date cell's serial number as YYYY-MM-DD (the time of day dropped). 1900 system: serial
 * 1 is 1900-01-01 and 60 the 29 February 1900 that never was (kept, so that it is refused
 * as not a real date); 1904 system: serial 0 is 1904-01-01. */
static void date_text(const struct cvom_xlsx *x, const char *v, char *out, size_t cap)
{
    double d;
    if (cvom__parse_double(v, &d) || d < 0 || d > 2958465) {
        number_text(v, out, cap);
        return;
    }
    long serial = (long)floor(d);
    if (!x->date1904 && serial == 60) {
        snprintf(out, cap, "1900-02-29");
        return;
    }
    long days = x->date1904 ? serial - 24107 : serial - (serial < 60 ? 25568 : 25569);
    char buf[11];
    cvom_date_format((int32_t)days, buf);
    cvom__copy_str(out, cap, buf);
}

static enum cvom_status row_push(struct cvom_xlsx *x, const char *text, size_t len, unsigned flags)
{
    if (x->n_cells == x->cap_cells) {
        struct cell *g =
            cvom__grow(x->cells, &x->cap_cells, x->n_cells + 1, sizeof *g, x->o.max_fields + 1);
        if (!g)
            return CVOM_ELIMIT;
        x->cells = g;
    }
    struct cell *c = &x->cells[x->n_cells];
    c->col = x->cell_col;
    c->off = x->arena_len;
    c->len = len;
    c->flags = flags;
    if (append(&x->arena, &x->arena_len, &x->arena_cap, text, len, SIZE_MAX / 2) ||
        append(&x->arena, &x->arena_len, &x->arena_cap, "", 1, SIZE_MAX / 2))
        return CVOM_ENOMEM;
    x->n_cells++;
    return CVOM_OK;
}

/* The text of the cell just ended, by its type. */
static void cell_value(struct cvom_xlsx *x, XML_Parser p)
{
    const char *t = x->cell_type, *v = x->text ? x->text : "";
    char buf[64];
    const char *out = v;
    unsigned flags = 0;
    long idx;
    /* A formula never computed has no value, or an empty one (openpyxl writes <v></v>);
     * only a text formula ("str") may have the empty text as its value. */
    if (x->has_f && (!x->has_v || (!v[0] && strcmp(t, "str") != 0))) {
        flags = CVOM_CELL_NO_VALUE;
        out = "";
    } else if (strcmp(t, "s") == 0) {
        if (cvom__parse_long(v, 0, (long)x->n_sst - 1, &idx)) {
            stop(x, p, CVOM_EPARSE,
                 "the workbook is damaged: the cell points to a shared "
                 "string that does not exist");
            return;
        }
        out = x->sst + x->sst_off[idx];
    } else if (strcmp(t, "b") == 0) {
        out = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
    } else if (strcmp(t, "e") == 0) {
        flags = CVOM_CELL_ERROR;
    } else if (strcmp(t, "d") == 0) {
        cvom__copy_str(buf, sizeof buf, v);
        if (strlen(buf) > 10 && buf[10] == 'T')
            buf[10] = '\0';
        out = buf;
    } else if (t[0] == '\0' || strcmp(t, "n") == 0) {
        int date =
            x->cell_style >= 0 && (size_t)x->cell_style < x->n_xf && x->xf_date[x->cell_style];
        if (v[0])
            date ? date_text(x, v, buf, sizeof buf) : number_text(v, buf, sizeof buf);
        else
            buf[0] = '\0';
        out = buf;
    } /* "str" and "inlineStr": the text as it is */
    size_t len = strlen(out);
    if (!len && !flags)
        return; /* a cell with a style and no value */
    if (len > x->o.max_field) {
        stop(x, p, CVOM_ELIMIT, "the cell's text is too long");
        return;
    }
    if (x->cell_col > (long)x->o.max_fields) {
        char msg[80];
        snprintf(msg, sizeof msg, "more than %zu columns in a row", x->o.max_fields);
        stop(x, p, CVOM_ELIMIT, msg);
        return;
    }
    enum cvom_status st = row_push(x, out, len, flags);
    if (st)
        stop(x, p, st, st == CVOM_ENOMEM ? "out of memory" : "too many cells in a row");
}

static void cell_start(struct cvom_xlsx *x, XML_Parser p, const XML_Char **atts)
{
    const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
    long col = x->col_no + 1, row = x->row_no, style = -1;
    if (r && (!parse_ref(r, &col, &row) || row != x->row_no)) {
        stop(x, p, CVOM_EPARSE,
             "the workbook is damaged: a cell's reference does not fit "
             "its row");
        return;
    }
    if (col <= x->col_no) {
        x->cell_col = col;
        x->in_cell = 1;
        stop(x, p, CVOM_EPARSE, "the workbook is damaged: cells out of order in a row");
        return;
    }
    if (s && cvom__parse_long(s, 0, MAX_XF - 1, &style))
        style = -1;
    x->in_cell = 1;
    x->cell_col = x->col_no = col;
    x->cell_style = (int)style;
    x->has_v = x->has_f = 0;
    cvom__copy_str(x->cell_type, sizeof x->cell_type, t ? t : "");
    x->text_len = 0;
    if (x->text)
        x->text[0] = '\0';
}

static void row_start(struct cvom_xlsx *x, XML_Parser p, const XML_Char **atts)
{
    const char *r = attr(atts, "r");
    long row = x->row_no + 1;
    if (r && (cvom__parse_long(r, 1, 1048576 * 16, &row) || row <= x->row_no)) {
        stop(x, p, CVOM_EPARSE, "the workbook is damaged: rows out of order");
        return;
    }
    x->row_no = row;
    x->col_no = 0;
    x->n_cells = 0;
    x->arena_len = 0;
}

static enum elem elem_of(const char *n)
{
    static const struct {
        const char *name;
        enum elem e;
    } names[] = {{"row", E_ROW}, {"c", E_C}, {"v", E_V},    {"f", E_F},
                 {"is", E_IS},   {"t", E_T}, {"rPh", E_RPH}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(n, names[i].name) == 0)
            return names[i].e;
    return E_OTHER;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct cvom_xlsx *x = ((struct ud_head *)ud)->x;
    if (too_deep(x, x->head.p, ++x->depth))
        return;
    const char *n = local(name);
    if (strcmp(n, "sheetData") == 0) {
        x->in_data = 1;
        return;
    }
    if (!x->in_data)
        return;
    switch (elem_of(n)) {
    case E_ROW: row_start(x, x->head.p, atts); break;
    case E_C: cell_start(x, x->head.p, atts); break;
    case E_V:
        x->has_v = 1;
        x->text_of = E_V;
        break;
    case E_F: x->has_f = 1; break;
    case E_IS: x->in_is = 1; break;
    case E_RPH: x->in_rph = 1; break;
    case E_T:
        if (x->in_is && !x->in_rph)
            x->text_of = E_T;
        break;
    default: break;
    }
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    struct cvom_xlsx *x = ((struct ud_head *)ud)->x;
    x->depth--;
    const char *n = local(name);
    if (strcmp(n, "sheetData") == 0) {
        x->in_data = 0;
        return;
    }
    if (!x->in_data)
        return;
    switch (elem_of(n)) {
    case E_V:
    case E_T: x->text_of = E_OTHER; break;
    case E_IS:
        x->in_is = 0;
        x->has_v = 1;
        break;
    case E_RPH: x->in_rph = 0; break;
    case E_C:
        cell_value(x, x->head.p);
        x->in_cell = 0;
        break;
    case E_ROW:
        if (x->n_cells) { /* a row of empty cells is no row, as a blank line in CSV */
            x->row_ready = 1;
            XML_StopParser(x->head.p, XML_TRUE);
        }
        break;
    default: break;
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *t, int len)
{
    struct cvom_xlsx *x = ((struct ud_head *)ud)->x;
    if (x->text_of == E_OTHER || !x->in_cell)
        return;
    if (append(&x->text, &x->text_len, &x->text_cap, t, (size_t)len, x->o.max_field + 1)) {
        stop(x, x->head.p, CVOM_ELIMIT, "the cell's text is too long");
    }
}

static enum cvom_status open_sheet(struct cvom_xlsx *x)
{
    enum cvom_status st = open_part(x, x->sheet_path, x->o.max_part, &x->zf, &x->size);
    if (st == CVOM_ENOTFOUND)
        return fail(x, CVOM_EPARSE, 0, 0, "the workbook is damaged: it has no %s", x->sheet_path);
    if (st)
        return st;
    if (!new_parser(x, &x->head))
        return fail(x, CVOM_ENOMEM, 0, 0, "out of memory");
    XML_SetElementHandler(x->head.p, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(x->head.p, sheet_text);
    return CVOM_OK;
}

/* ---- opening ------------------------------------------------------------------------- */

static enum cvom_status zip_failed(struct cvom_xlsx *x, zip_error_t *ze)
{
    int code = zip_error_code_zip(ze);
    if (code == ZIP_ER_NOZIP)
        return fail(x, CVOM_EPARSE, 0, 0,
                    "not a workbook, or one damaged or cut short: it "
                    "is not a complete zip archive");
    if (code == ZIP_ER_OPEN || code == ZIP_ER_READ)
        return fail(x, CVOM_EIO, 0, 0, "cannot read the file: %s", zip_error_strerror(ze));
    return fail(x, CVOM_EPARSE, 0, 0, "the workbook is damaged: %s", zip_error_strerror(ze));
}

/* Name what the archive is when it is no workbook. */
static enum cvom_status check_kind(struct cvom_xlsx *x)
{
    zip_int64_t n = zip_get_num_entries(x->zip, 0);
    if (n < 0 || n > MAX_ENTRIES)
        return fail(x, CVOM_ELIMIT, 0, 0, "the archive has more than %d parts: refused",
                    MAX_ENTRIES);
    if (locate(x, "xl/workbook.xml") >= 0)
        return CVOM_OK;
    if (locate(x, "content.xml") >= 0 && locate(x, "mimetype") >= 0)
        return fail(x, CVOM_EPARSE, 0, 0,
                    "an OpenDocument file (.ods), not an .xlsx "
                    "workbook: save it as .xlsx or CSV");
    return fail(x, CVOM_EPARSE, 0, 0,
                "a zip archive but not an .xlsx workbook (it has no "
                "xl/workbook.xml)");
}

static enum cvom_status start(struct cvom_xlsx *x)
{
    enum cvom_status st = check_kind(x);
    if (!st)
        st = choose_sheet(x);
    if (!st)
        st = read_styles(x);
    if (!st)
        st = read_strings(x);
    if (!st)
        st = open_sheet(x);
    return st;
}

static struct cvom_xlsx *new_reader(const char *name, const struct cvom_xlsx_opts *o)
{
    struct cvom_xlsx *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    cvom__copy_str(x->name, sizeof x->name, name ? name : "");
    if (o)
        x->o = *o;
    else
        cvom__xlsx_opts_init(&x->o);
    return x;
}

static enum cvom_status finish_open(struct cvom_xlsx *x, struct cvom_xlsx **out,
                                    struct cvom_error *err)
{
    enum cvom_status st = start(x);
    if (st) {
        if (err)
            *err = x->err;
        cvom__xlsx_close(x);
        return st;
    }
    *out = x;
    return CVOM_OK;
}

enum cvom_status cvom__xlsx_open_file(const char *path, const char *name,
                                      const struct cvom_xlsx_opts *o, struct cvom_xlsx **out,
                                      struct cvom_error *err)
{
    const char *why = cvom__lazy_zip_load();
    if (why)
        return cvom_error_set(err, CVOM_EIO, "cannot read workbooks: %s", why);
    struct cvom_xlsx *x = new_reader(name ? name : path, o);
    if (!x)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    int code = 0;
    x->zip = zip_open(path, ZIP_RDONLY, &code);
    if (!x->zip) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        zip_failed(x, &ze);
        zip_error_fini(&ze);
        if (err)
            *err = x->err;
        enum cvom_status st = x->failed;
        cvom__xlsx_close(x);
        return st;
    }
    return finish_open(x, out, err);
}

enum cvom_status cvom__xlsx_open_mem(const void *buf, size_t len, const char *name,
                                     const struct cvom_xlsx_opts *o, struct cvom_xlsx **out,
                                     struct cvom_error *err)
{
    const char *why = cvom__lazy_zip_load();
    if (why)
        return cvom_error_set(err, CVOM_EIO, "cannot read workbooks: %s", why);
    struct cvom_xlsx *x = new_reader(name, o);
    if (!x)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    if (src && !(x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze)))
        zip_source_free(src);
    if (!x->zip) {
        zip_failed(x, &ze);
        zip_error_fini(&ze);
        if (err)
            *err = x->err;
        enum cvom_status st = x->failed;
        cvom__xlsx_close(x);
        return st;
    }
    zip_error_fini(&ze);
    return finish_open(x, out, err);
}

void cvom__xlsx_close(struct cvom_xlsx *x)
{
    if (!x)
        return;
    if (x->head.p)
        XML_ParserFree(x->head.p);
    if (x->zf)
        zip_fclose(x->zf);
    if (x->zip)
        zip_discard(x->zip);
    free(x->sst);
    free(x->sst_off);
    free(x->xf_date);
    free(x->text);
    free(x->cells);
    free(x->arena);
    free(x->fields);
    free(x);
}

/* ---- rows ----------------------------------------------------------------------------- */

static const char empty[] = "";

/* Hand out the row read: fields from column A to its last cell, empty where none. */
static enum cvom_status hand_out(struct cvom_xlsx *x, struct cvom_csv_row *row)
{
    long last = x->cells[x->n_cells - 1].col;
    if ((size_t)last > x->cap_fields) {
        struct cvom_csv_field *g =
            cvom__grow(x->fields, &x->cap_fields, (size_t)last, sizeof *g, x->o.max_fields + 1);
        if (!g)
            return fail(x, CVOM_ENOMEM, 0, 0, "out of memory");
        x->fields = g;
    }
    for (long c = 0; c < last; c++)
        x->fields[c] = (struct cvom_csv_field){.s = empty, .line = x->row_no, .column = c + 1};
    for (size_t i = 0; i < x->n_cells; i++) {
        const struct cell *c = &x->cells[i];
        struct cvom_csv_field *f = &x->fields[c->col - 1];
        f->s = x->arena + c->off;
        f->len = c->len;
        f->flags = c->flags;
    }
    row->n = (size_t)last;
    row->fields = x->fields;
    row->line = x->row_no;
    row->eof = 0;
    x->row_ready = 0;
    return CVOM_OK;
}

/* Feed the sheet to the parser until a row is complete or the sheet ends. */
static enum cvom_status pump(struct cvom_xlsx *x)
{
    while (!x->row_ready && !x->failed && (!x->eof || x->suspended)) {
        enum XML_Status s;
        if (x->suspended) {
            x->suspended = 0;
            s = XML_ResumeParser(x->head.p);
        } else {
            void *buf = XML_GetBuffer(x->head.p, CHUNK);
            if (!buf)
                return fail(x, CVOM_ENOMEM, 0, 0, "out of memory");
            zip_int64_t n = zip_fread(x->zf, buf, CHUNK);
            if (n < 0)
                return fail(x, CVOM_EPARSE, x->row_no, 0, "the workbook is damaged: %s",
                            zip_file_strerror(x->zf));
            x->read += (size_t)n;
            if (x->read > x->o.max_part)
                return fail(x, CVOM_ELIMIT, 0, 0,
                            "the sheet is larger than %zu bytes once "
                            "uncompressed: refused",
                            x->o.max_part);
            x->eof = n == 0;
            s = XML_ParseBuffer(x->head.p, (int)n, n == 0);
        }
        if (s == XML_STATUS_SUSPENDED)
            x->suspended = 1;
        else if (s == XML_STATUS_ERROR)
            return xml_error(x, x->head.p, x->sheet_path);
    }
    return x->failed;
}

enum cvom_status cvom__xlsx_next(struct cvom_xlsx *x, struct cvom_csv_row *row,
                                 struct cvom_error *err)
{
    enum cvom_status st = x->failed ? x->failed : pump(x);
    if (!st && x->row_ready)
        st = hand_out(x, row);
    else if (!st) {
        row->n = 0;
        row->fields = x->fields;
        row->line = x->row_no;
        row->eof = 1;
    }
    if (st && err)
        *err = x->err;
    return st;
}

const char *cvom__xlsx_sheet(const struct cvom_xlsx *x)
{
    return x->sheet;
}

size_t cvom__xlsx_offset(const struct cvom_xlsx *x)
{
    return x->read;
}
