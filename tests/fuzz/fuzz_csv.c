/* fuzz_csv.c — fuzz target for the streaming CSV reader (src/io/csv.h).
 *
 * Every input is read several ways: from memory in one block and in tiny blocks, from a
 * pipe or a file descriptor (also with a byte limit), with default options and with options
 * picked from a hash of the input (encoding, delimiter, small limits, first line). All ways
 * must agree, every row and error must satisfy the invariants stated in csv.h, and where no
 * row limit can trigger the outcome must equal that of a slow reference reader written here
 * from the rules in csv.h alone.
 */
#include "io/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.csv"
#define MAX_INPUT ((size_t)1 << 20) /* larger inputs are cut: the reference stays exact */

/* ---- a growable text buffer for outcomes --------------------------------------------- */

struct out {
    char *s;
    size_t n, cap;
};

static void out_reserve(struct out *o, size_t more)
{
    if (o->n + more + 1 <= o->cap)
        return;
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->n + more + 1)
        cap *= 2;
    char *g = realloc(o->s, cap);
    if (!g)
        abort();
    o->s = g;
    o->cap = cap;
}

static void out_bytes(struct out *o, const void *p, size_t n)
{
    out_reserve(o, n);
    memcpy(o->s + o->n, p, n);
    o->n += n;
    o->s[o->n] = '\0';
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
out_fmt(struct out *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0)
        abort();
    out_bytes(o, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* Bytes as a readable quoted string: printable ASCII as is, the rest as \xNN. */
static void out_escaped(struct out *o, const unsigned char *s, size_t n)
{
    out_bytes(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7F && s[i] != '"' && s[i] != '\\')
            out_bytes(o, s + i, 1);
        else
            out_fmt(o, "\\x%02X", s[i]);
    }
    out_bytes(o, "\"", 1);
}

static void out_reset(struct out *o)
{
    o->n = 0;
    if (o->s)
        o->s[0] = '\0';
}

/* ---- failure reports ------------------------------------------------------------------- */

#define FUZZ_NAME "fuzz_csv"
#include "fail.h"

/* ---- strict UTF-8, written independently of the reader ----------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0 when there is none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len(s + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* ---- the reader under test --------------------------------------------------------------- */

enum source { SRC_MEM, SRC_PIPE, SRC_FILE };

struct way {
    struct cvom_csv_opts o;
    enum source src;
    size_t block; /* 0: the reader's own block size */
};

static int scratch_fd = -1; /* a temporary file reused for every input */

static int file_with(const uint8_t *data, size_t size)
{
    if (scratch_fd < 0) {
        FILE *f = tmpfile();
        if (!f)
            fail("tmpfile: %s", strerror(errno));
        scratch_fd = fileno(f); /* kept open for the life of the process */
    }
    if (ftruncate(scratch_fd, 0) != 0 ||
        (size && pwrite(scratch_fd, data, size, 0) != (ssize_t)size) ||
        lseek(scratch_fd, 0, SEEK_SET) != 0)
        fail("scratch file: %s", strerror(errno));
    return scratch_fd;
}

/* A pipe holding the whole input, its write end closed; -1 when it does not fit. */
static int pipe_with(const uint8_t *data, size_t size)
{
    int p[2];
    if (pipe(p) != 0)
        fail("pipe: %s", strerror(errno));
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    size_t done = 0;
    while (done < size) {
        ssize_t k = write(p[1], data + done, size - done);
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    close(p[1]);
    if (done < size) {
        close(p[0]);
        return -1;
    }
    return p[0];
}

static int is_limit_message(const char *m, const struct cvom_csv_opts *o)
{
    char want[96];
    snprintf(want, sizeof want, "field longer than %zu bytes", o->max_field);
    if (strcmp(m, want) == 0)
        return 1;
    snprintf(want, sizeof want, "more than %zu fields in a row", o->max_fields);
    if (strcmp(m, want) == 0)
        return 1;
    snprintf(want, sizeof want, "row longer than %zu bytes", o->max_row);
    return strcmp(m, want) == 0;
}

static int is_parse_message(const char *m, const struct cvom_csv_opts *o)
{
    static const char *const fixed[] = {
        "unterminated quoted field",         "unexpected character after closing quote",
        "invalid UTF-8 byte sequence",       "NUL byte in input",
        "carriage return without line feed",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (strcmp(m, fixed[i]) == 0)
            return o->encoding == CVOM_ENC_UTF8 || i != 2;
    unsigned b;
    char tail[64];
    if (o->encoding == CVOM_ENC_CP1252 &&
        sscanf(m, "byte 0x%2X is not defined in %63s", &b, tail) == 2 &&
        strcmp(tail, "Windows-1252") == 0) {
        char again[80];
        snprintf(again, sizeof again, "byte 0x%02X is not defined in Windows-1252", b);
        return strcmp(again, m) == 0 &&
               (b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D);
    }
    return 0;
}

/* Check one row against the invariants of csv.h; *prev_end is the last line the previous
 * row touched (first_line - 1 before the first row). */
static void check_row(const struct cvom_csv_row *row, const struct cvom_csv_opts *o, long *prev_end)
{
    if (row->n == 0)
        fail("a row with no fields before the end of input\n");
    if (row->n > o->max_fields)
        fail("%zu fields in a row, above the limit of %zu\n", row->n, o->max_fields);
    if (row->line <= *prev_end)
        fail("row starts on line %ld, not after line %ld of the previous row\n", row->line,
             *prev_end);
    if (row->fields[0].line != row->line || row->fields[0].column != 1)
        fail("first field at %ld:%ld, row at line %ld\n", row->fields[0].line,
             row->fields[0].column, row->line);
    for (size_t i = 0; i < row->n; i++) {
        const struct cvom_csv_field *f = &row->fields[i];
        if (f->line < 1 || f->column < 1 || f->line < o->first_line)
            fail("field %zu at %ld:%ld\n", i, f->line, f->column);
        if (!f->s || f->s[f->len] != '\0' || memchr(f->s, 0, f->len))
            fail("field %zu is not a NUL-terminated string of its length %zu\n", i, f->len);
        if (f->len > o->max_field)
            fail("field %zu has %zu bytes, above the limit of %zu\n", i, f->len, o->max_field);
        if (!utf8_valid((const unsigned char *)f->s, f->len))
            fail("field %zu is not valid UTF-8\n", i);
        if (i > 0) {
            const struct cvom_csv_field *p = &row->fields[i - 1];
            if (f->line < p->line || (f->line == p->line && f->column <= p->column))
                fail("field %zu at %ld:%ld does not follow field %zu at %ld:%ld\n", i, f->line,
                     f->column, i - 1, p->line, p->column);
        }
        if (f->line > *prev_end)
            *prev_end = f->line;
    }
}

/* Read the input one way, checking as it goes, and describe the outcome in res. */
static void run_way(const uint8_t *data, size_t size, const struct way *w, struct out *res)
{
    struct cvom_csv *r = NULL;
    struct cvom_error err;
    int fd = -1;
    enum cvom_status st;
    size_t avail = w->o.limit && w->o.limit < size ? w->o.limit : size;
    if (w->src == SRC_PIPE)
        fd = pipe_with(data, size);
    if (w->src == SRC_FILE || (w->src == SRC_PIPE && fd < 0))
        fd = file_with(data, size);
    if (w->src == SRC_MEM)
        st = cvom__csv_open_mem((const char *)data, size, NAME, &w->o, &r, &err);
    else
        st = cvom__csv_open_fd(fd, NAME, &w->o, &r, &err);
    if (st != CVOM_OK)
        fail("open failed: %s\n", err.message);
    if (w->block)
        cvom__csv_set_block_size(r, w->block);
    out_reset(res);
    long prev_end = w->o.first_line - 1;
    size_t rows = 0, last_off = 0;
    struct cvom_csv_row row;
    for (;;) {
        st = cvom__csv_next(r, &row, &err);
        size_t off = cvom__csv_offset(r);
        if (off < last_off || off > avail)
            fail("offset %zu after %zu, input of %zu bytes\n", off, last_off, avail);
        last_off = off;
        if (st != CVOM_OK)
            break;
        if (row.eof) {
            if (row.n != 0)
                fail("end of input with %zu fields\n", row.n);
            out_fmt(res, "eof\n");
            break;
        }
        if (++rows > avail + 1)
            fail("more rows than bytes\n");
        check_row(&row, &w->o, &prev_end);
        out_fmt(res, "row %ld\n", row.line);
        for (size_t i = 0; i < row.n; i++) {
            out_fmt(res, "  %ld:%ld ", row.fields[i].line, row.fields[i].column);
            out_escaped(res, (const unsigned char *)row.fields[i].s, row.fields[i].len);
            out_fmt(res, "\n");
        }
    }
    if (st != CVOM_OK) {
        if (st != CVOM_EPARSE && st != CVOM_ELIMIT)
            fail("unexpected status %d: %s\n", (int)st, err.message);
        if (err.status != st || strcmp(err.file, NAME) != 0)
            fail("error status %d / file '%s' for status %d\n", (int)err.status, err.file, (int)st);
        if (err.line < w->o.first_line || err.column < 1 || err.line <= prev_end)
            fail("error at %ld:%ld after rows up to line %ld\n", err.line, err.column, prev_end);
        if (st == CVOM_ELIMIT ? !is_limit_message(err.message, &w->o)
                              : !is_parse_message(err.message, &w->o))
            fail("message '%s' with status %d\n", err.message, (int)st);
        out_fmt(res, "error %d %ld:%ld: %s\n", (int)st, err.line, err.column, err.message);
        /* The reader cannot continue: the same error again. */
        struct cvom_error again;
        if (cvom__csv_next(r, &row, &again) != st || again.line != err.line ||
            again.column != err.column || strcmp(again.message, err.message) != 0)
            fail("a second call after an error gave another outcome\n");
    }
    cvom__csv_close(r);
    if (w->src == SRC_PIPE && fd != scratch_fd)
        close(fd);
}

/* ---- the reference reader -------------------------------------------------------------- */

/* Windows-1252 bytes 0x80-0x9F as code points (0: undefined), from the code page chart. */
static const uint32_t cp1252_chart[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static void put_utf8(struct out *o, uint32_t cp)
{
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | cp >> 6);
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        b[0] = (unsigned char)(0xE0 | cp >> 12);
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    out_bytes(o, b, n);
}

struct ref {
    const unsigned char *s;
    size_t n, p, ls; /* input, position, start of the current line */
    long line;
    const struct cvom_csv_opts *o;
    struct out *res, row, field;
    int done;
};

static long ref_col(const struct ref *R, size_t at)
{
    long c = 1;
    for (size_t i = R->ls; i < at; i++)
        c += R->o->encoding == CVOM_ENC_CP1252 || (R->s[i] & 0xC0) != 0x80;
    return c;
}

static void ref_error(struct ref *R, enum cvom_status st, long line, long col, const char *msg)
{
    out_fmt(R->res, "error %d %ld:%ld: %s\n", (int)st, line, col, msg);
    R->done = 1;
}

/* A byte >= 0x80 at R->p, inside a field: decoded into R->field, or an error. */
static int ref_high(struct ref *R)
{
    unsigned c = R->s[R->p];
    if (R->o->encoding == CVOM_ENC_CP1252) {
        uint32_t cp = c < 0xA0 ? cp1252_chart[c - 0x80] : c;
        if (!cp) {
            char msg[64];
            snprintf(msg, sizeof msg, "byte 0x%02X is not defined in Windows-1252", c);
            ref_error(R, CVOM_EPARSE, R->line, ref_col(R, R->p), msg);
            return -1;
        }
        put_utf8(&R->field, cp);
        R->p++;
        return 0;
    }
    size_t k = utf8_len(R->s + R->p, R->n - R->p);
    if (!k) {
        ref_error(R, CVOM_EPARSE, R->line, ref_col(R, R->p), "invalid UTF-8 byte sequence");
        return -1;
    }
    out_bytes(&R->field, R->s + R->p, k);
    R->p += k;
    return 0;
}

/* The end of a field that started at line:col: the length bound, then into the row. */
static int ref_end_field(struct ref *R, long line, long col)
{
    if (R->field.n > R->o->max_field) {
        char msg[64];
        snprintf(msg, sizeof msg, "field longer than %zu bytes", R->o->max_field);
        ref_error(R, CVOM_ELIMIT, line, col, msg);
        return -1;
    }
    out_fmt(&R->row, "  %ld:%ld ", line, col);
    out_escaped(&R->row, (const unsigned char *)R->field.s, R->field.n);
    out_fmt(&R->row, "\n");
    return 0;
}

/* A line end at R->p (LF, or CR LF); consumes it. Returns 0, or -1 on a lone CR. */
static int ref_line_end(struct ref *R)
{
    if (R->s[R->p] == '\r') {
        if (R->p + 1 >= R->n || R->s[R->p + 1] != '\n') {
            ref_error(R, CVOM_EPARSE, R->line, ref_col(R, R->p),
                      "carriage return without line feed");
            return -1;
        }
        R->p++;
    }
    R->p++;
    R->line++;
    R->ls = R->p;
    return 0;
}

enum fend { FE_NEXT, FE_ROW, FE_FAIL };

/* One quoted field: R->p is at its opening quote. */
static enum fend ref_quoted(struct ref *R, long line, long col)
{
    const unsigned char *s = R->s;
    R->p++;
    for (;;) {
        if (R->p >= R->n) {
            ref_error(R, CVOM_EPARSE, line, col, "unterminated quoted field");
            return FE_FAIL;
        }
        unsigned c = s[R->p];
        if (c == '"') {
            if (R->p + 1 < R->n && s[R->p + 1] == '"') {
                out_bytes(&R->field, "\"", 1);
                R->p += 2;
                continue;
            }
            /* The closing quote. What follows it is checked before the field's length:
             * a bad byte there is an error whatever the field held. */
            R->p++;
            c = R->p < R->n ? s[R->p] : '\n';
            if (c == '\r' && (R->p + 1 >= R->n || s[R->p + 1] != '\n')) {
                ref_error(R, CVOM_EPARSE, R->line, ref_col(R, R->p),
                          "carriage return without line feed");
                return FE_FAIL;
            }
            if (c != (unsigned char)R->o->delimiter && c != '\n' && c != '\r') {
                ref_error(R, CVOM_EPARSE, R->line, ref_col(R, R->p),
                          c == 0 ? "NUL byte in input"
                                 : "unexpected character after closing quote");
                return FE_FAIL;
            }
            if (ref_end_field(R, line, col))
                return FE_FAIL;
            if (R->p >= R->n)
                return FE_ROW;
            if (c == (unsigned char)R->o->delimiter) {
                R->p++;
                return FE_NEXT;
            }
            ref_line_end(R);
            return FE_ROW;
        }
        if (c == 0) {
            ref_error(R, CVOM_EPARSE, R->line, ref_col(R, R->p), "NUL byte in input");
            return FE_FAIL;
        }
        if (c >= 0x80) {
            if (ref_high(R))
                return FE_FAIL;
            continue;
        }
        out_bytes(&R->field, s + R->p, 1);
        R->p++;
        if (c == '\n') {
            R->line++;
            R->ls = R->p;
        }
    }
}

/* One unquoted field starting at R->p. */
static enum fend ref_unquoted(struct ref *R, long line, long col)
{
    for (;;) {
        if (R->p >= R->n)
            return ref_end_field(R, line, col) ? FE_FAIL : FE_ROW;
        unsigned c = R->s[R->p];
        if (c == (unsigned char)R->o->delimiter) {
            R->p++;
            return ref_end_field(R, line, col) ? FE_FAIL : FE_NEXT;
        }
        if (c == '\n' || c == '\r') {
            if (c == '\r' && (R->p + 1 >= R->n || R->s[R->p + 1] != '\n')) {
                ref_error(R, CVOM_EPARSE, R->line, ref_col(R, R->p),
                          "carriage return without line feed");
                return FE_FAIL;
            }
            if (ref_end_field(R, line, col))
                return FE_FAIL;
            ref_line_end(R);
            return FE_ROW;
        }
        if (c == 0) { /* a quote here is text */
            ref_error(R, CVOM_EPARSE, R->line, ref_col(R, R->p), "NUL byte in input");
            return FE_FAIL;
        }
        if (c >= 0x80) {
            if (ref_high(R))
                return FE_FAIL;
            continue;
        }
        out_bytes(&R->field, R->s + R->p, 1);
        R->p++;
    }
}

/* The outcome the rules of csv.h give for this input, in the format of run_way. Only valid
 * when the row limit cannot be reached (the input is shorter than max_row). */
static void ref_read(const uint8_t *data, size_t size, const struct cvom_csv_opts *o,
                     struct out *res)
{
    struct ref R = {.s = data, .n = size, .line = o->first_line, .o = o, .res = res};
    out_reset(res);
    if (o->encoding == CVOM_ENC_UTF8 && size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        R.p = R.ls = 3;
    while (!R.done) {
        if (R.p >= R.n) {
            out_fmt(res, "eof\n");
            break;
        }
        unsigned c = R.s[R.p];
        if (c == '\n' || c == '\r') { /* a blank line */
            ref_line_end(&R);
            continue;
        }
        long row_line = R.line;
        size_t nf = 0;
        out_reset(&R.row);
        enum fend e = FE_NEXT;
        while (e == FE_NEXT) {
            long line = R.line, col = ref_col(&R, R.p);
            if (nf == o->max_fields) {
                char msg[64];
                snprintf(msg, sizeof msg, "more than %zu fields in a row", o->max_fields);
                ref_error(&R, CVOM_ELIMIT, line, col, msg);
                e = FE_FAIL;
                break;
            }
            nf++;
            out_reset(&R.field);
            e = R.p < R.n && R.s[R.p] == '"' ? ref_quoted(&R, line, col)
                                             : ref_unquoted(&R, line, col);
        }
        if (e == FE_ROW) {
            out_fmt(res, "row %ld\n", row_line);
            out_bytes(res, R.row.s, R.row.n);
        }
    }
    free(R.row.s);
    free(R.field.s);
}

/* ---- the target ------------------------------------------------------------------------ */

static uint64_t fnv(const uint8_t *d, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ d[i]) * 1099511628211ull;
    return h ^ (h >> 31);
}

static void same(const char *what, const struct out *a, const struct out *b)
{
    if (a->n != b->n || memcmp(a->s, b->s, a->n) != 0)
        fail("%s differ\n--- first:\n%s--- second:\n%s", what, a->s, b->s);
}

/* Options picked by bits of h: any of them may be small enough to be reached. */
static void pick_opts(uint64_t h, struct cvom_csv_opts *o)
{
    static const char delims[] = {',', ';', '\t', '|', ' ', 'a', '#', '\''};
    cvom__csv_opts_init(o);
    o->encoding = (h & 1) ? CVOM_ENC_CP1252 : CVOM_ENC_UTF8;
    o->delimiter = delims[(h >> 1) & 7];
    if (h >> 4 & 1)
        o->max_field = 1 + (h >> 8 & 31);
    if (h >> 5 & 1)
        o->max_fields = 1 + (h >> 13 & 7);
    if ((h >> 6 & 3) == 0)
        o->max_row = 1 + (h >> 16 & 127);
    if (h >> 23 & 1)
        o->first_line = 1 + (long)(h >> 24 & 0xFFFFF);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct out a, b, ref;
    static const size_t blocks[] = {1, 2, 3, 5, 8, 13, 64, 4096};
    if (size > MAX_INPUT)
        size = MAX_INPUT;
    fuzz_input(data, size);
    uint64_t h = fnv(data, size);

    /* Default options: memory, against the reference; then, picked by the hash so that
     * each input costs four reads (every read allocates the reader's 1 MiB buffer), small
     * blocks, a pipe or file, or a file read with a byte limit. */
    struct way w = {.src = SRC_MEM};
    cvom__csv_opts_init(&w.o);
    run_way(data, size, &w, &a);
    ref_read(data, size, &w.o, &ref);
    same("reader and reference (default options)", &a, &ref);
    switch ((h >> 3) % 4) {
    case 0:
    case 1:
        w.block = blocks[h % 8];
        run_way(data, size, &w, &b);
        same("one block and small blocks", &a, &b);
        break;
    case 2:
        w.src = (h >> 5 & 1) ? SRC_PIPE : SRC_FILE;
        run_way(data, size, &w, &b);
        same("memory and file descriptor", &a, &b);
        break;
    default: /* a byte limit on a file: the same as reading that prefix */
        w.src = SRC_FILE;
        w.o.limit = size > 1 ? 1 + (size_t)(h >> 40) % (size - 1) : 0;
        run_way(data, size, &w, &b);
        ref_read(data, w.o.limit ? w.o.limit : size, &w.o, &ref);
        same("a limited file and the reference on its prefix", &b, &ref);
        break;
    }

    /* Options from the hash: two block sizes must agree, and the reference when it applies. */
    struct way v = {.src = SRC_MEM};
    pick_opts(h >> 8, &v.o);
    run_way(data, size, &v, &a);
    v.block = blocks[(h >> 50) % 8];
    run_way(data, size, &v, &b);
    same("one block and small blocks (picked options)", &a, &b);
    if (size < v.o.max_row) {
        ref_read(data, size, &v.o, &ref);
        same("reader and reference (picked options)", &a, &ref);
    }
    return 0;
}
