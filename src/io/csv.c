/* csv.c — the streaming RFC 4180 reader declared in csv.h.
 *
 * Hand-written rather than built on libcsv: we need the exact line and character column of
 * every error, strict encoding checks, hard bounds on every buffer, and a speed close to a
 * bare pass that only counts newlines; libcsv reports neither positions nor encodings and
 * copies every field through a callback.
 *
 * How it works:
 * - Input is read in blocks of 1 MiB into a buffer the reader owns. open_mem copies block by
 *   block from the caller's memory, so both sources share one code path (the copy costs far
 *   less than the scan).
 * - A row is handed out only when it lies in the buffer as a whole. When the scan reaches the
 *   end of the data inside a row, the row is moved to the front of the buffer (which grows
 *   when needed, never past max_row plus one block) and more input is read. The scanner keeps
 *   its state (which field, inside quotes or not) and resumes where it stopped; a byte that
 *   needs a look at the next one (CR, a quote inside quotes, a UTF-8 lead byte) is left
 *   unconsumed until that byte is in, so where the blocks end never changes the outcome.
 * - The scan tests eight bytes at a time for the bytes that matter (delimiter, quote, CR, LF,
 *   NUL and bytes >= 0x80, which also makes it the ASCII fast path of UTF-8 validation). A NUL
 *   kept after the data stops the scan without a bound check.
 * - Unquoted fields, and quoted fields without doubled quotes, are handed out in place: the
 *   byte after them (delimiter, line end, closing quote) is overwritten with NUL. Fields with
 *   doubled quotes and Windows-1252 fields with bytes >= 0x80 are decoded into a scratch
 *   buffer reused from row to row. Nothing else in the input is changed, so character columns
 *   can be counted from it afterwards, and only on lines that hold non-ASCII bytes.
 *
 * Decisions:
 * - Lines end at LF. A CR outside quotes must be followed by LF (a lone CR, also as the last
 *   byte of the input, is "carriage return without line feed"); inside quotes CR is data.
 * - A UTF-8 byte order mark at the start of the input is skipped in UTF-8 mode only (in
 *   Windows-1252 mode those bytes are characters); columns count from after it.
 * - Invalid UTF-8 is reported at the first byte of the sequence that fails to decode.
 * - max_row counts a row's bytes as read, line end excluded. "field longer than" and "more
 *   than N fields" are reported where the offending field starts, "row longer than" where the
 *   row starts. An error found past the first max_row bytes of a row is reported as the row
 *   limit, so the outcome never depends on how much input happened to be buffered.
 */
#include "io/csv.h"
#include "io/csv_index.h"
#include "core/mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BLOCK_SIZE ((size_t)1 << 20)
#define PAD 16 /* bytes after the data: the NUL sentinel and room for an 8-byte load */
#define NONE SIZE_MAX
#define FIRST_SLOTS 16
#define FIRST_CAP 64 /* the smallest buffer of a memory reader */

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

enum state { ST_ROW, ST_FIELD, ST_UNQ, ST_QUO };
enum scan { SCAN_ROW, SCAN_EOF, SCAN_MORE, SCAN_FAIL };

#define F_DEC 1u   /* the field must be decoded into the scratch buffer */
#define F_NA 2u    /* non-ASCII bytes precede the field on its line */
#define F_INDEC 4u /* decoded: off is in dec */

/* Where a field is while its row is being read: offsets, since the buffer may move. */
struct slot {
    size_t raw;        /* first byte of the field as read (the opening quote if quoted) */
    size_t off;        /* first byte of its text, in buf, or in dec when F_DEC */
    size_t len;        /* bytes of text (before decoding while F_DEC is pending) */
    size_t line_start; /* where the field's physical line starts */
    long line;
    unsigned flags;
};

struct cvom_csv {
    struct cvom_csv_opts o;
    char name[256];
    int fd;                   /* -1 when reading memory */
    const unsigned char *mem; /* borrowed */
    size_t mem_len, mem_off;
    int eof; /* nothing more to read */

    unsigned char *buf; /* cap + PAD bytes; buf[end] == 0 */
    size_t cap, cap_max, block, end;
    size_t discarded; /* input bytes dropped from the front of buf */
    size_t fd_read;   /* bytes read from fd so far, for opts.limit */

    enum state st;
    size_t pos, row_start, line_start;
    size_t line_na; /* first non-ASCII byte on the current line, or NONE */
    long line, row_line;
    int bom_pending;
    int detect;   /* 1 until the delimiter is chosen from the first lines (delimiter 0) */
    int detected; /* 1 once it was */
    size_t nf, slot_cap;
    struct slot *slots;
    struct cvom_csv_field *fields;
    unsigned char *dec;
    size_t dec_len, dec_cap;

    enum cvom_status failed; /* sticky: the reader cannot continue after an error */
    struct cvom_error fail_err;
};

/* Windows-1252 bytes 0x80-0x9F as code points; 0 marks the five undefined bytes. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

int cvom__encoding_parse(const char *s)
{
    if (!s)
        return -1;
    if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
        return CVOM_ENC_UTF8;
    if (strcasecmp(s, "windows-1252") == 0 || strcasecmp(s, "cp1252") == 0)
        return CVOM_ENC_CP1252;
    return -1;
}

void cvom__csv_opts_init(struct cvom_csv_opts *o)
{
    o->encoding = CVOM_ENC_UTF8;
    o->delimiter = ',';
    o->max_field = 65536;
    o->max_fields = 512;
    o->max_row = (size_t)1 << 20;
    o->first_line = 1;
    o->limit = 0;
    o->mid_file = 0;
}

/* ---------------------------------------------------------------------------------------
 * Byte scanning
 * ------------------------------------------------------------------------------------- */

static inline uint64_t load8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w); /* so that the first byte in memory is the lowest */
#endif
    return w;
}

/* High bit set in each zero byte of x. Bits above the lowest zero byte may be set wrongly
 * (borrows), which is harmless: callers only ever use the lowest set bit. */
static inline uint64_t zero_bytes(uint64_t x)
{
    return (x - ONES) & ~x & HIGHS;
}

static inline size_t lowest_byte(uint64_t m)
{
    return (size_t)cvom_lowest_bit(m) >> 3;
}

/* High bit set in exactly the bytes of w equal to those of pat (no carries cross bytes). */
static inline uint64_t eq_bytes(uint64_t w, uint64_t pat)
{
    uint64_t x = w ^ pat;
    return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

/* High bit set in exactly the bytes of w that are NUL or >= 0x80. */
static inline uint64_t nul_or_high(uint64_t w)
{
    return (~((w & ~HIGHS) + ~HIGHS) | w) & HIGHS;
}

/* Distance to the first quote, LF, NUL or byte >= 0x80. */
static inline size_t scan_quoted(const unsigned char *s)
{
    const unsigned char *p = s;
    for (;;) {
        uint64_t w = load8(p);
        uint64_t m = zero_bytes(w ^ (ONES * '\n')) | zero_bytes(w ^ (ONES * '"')) |
                     (((w - ONES) | w) & HIGHS);
        if (m)
            return (size_t)(p - s) + lowest_byte(m);
        p += 8;
    }
}

/* Length of the valid UTF-8 sequence starting with s[0] (>= 0x80); 0 when it is cut off
 * by the end of the data read so far; -1 when invalid (overlong forms, surrogates and code
 * points above U+10FFFF included). avail counts the bytes present from s on. */
static int utf8_seq(const unsigned char *s, size_t avail, int eof)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c < 0xC2)
        return -1;
    if (c < 0xE0) {
        n = 2;
    } else if (c < 0xF0) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return -1;
    }
    for (size_t k = 1; k < n; k++) {
        if (k >= avail)
            return eof ? -1 : 0;
        if (s[k] < lo || s[k] > hi)
            return -1;
        lo = 0x80;
        hi = 0xBF;
    }
    return (int)n;
}

/* Characters in s[0..n): bytes that are not UTF-8 continuation bytes. Only used on input
 * already validated, so it equals the number of code points. */
static size_t count_chars(const unsigned char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += (s[i] & 0xC0) != 0x80;
    return c;
}

static long column_at(const struct cvom_csv *r, size_t line_start, int non_ascii, size_t at)
{
    if (!non_ascii)
        return (long)(at - line_start) + 1;
    return (long)count_chars(r->buf + line_start, at - line_start) + 1;
}

/* ---------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------- */

static void set_error(struct cvom_error *e, enum cvom_status st, const char *file, long line,
                      long col, const char *msg)
{
    memset(e, 0, sizeof *e);
    e->status = st;
    snprintf(e->file, sizeof e->file, "%s", file);
    e->line = line;
    e->column = col;
    snprintf(e->message, sizeof e->message, "%s", msg);
}

/* Record a failure at line:col. reach is one past the last byte known to belong to the
 * current row; when it lies beyond max_row the row limit is reported instead (NONE: not a
 * failure of the input). */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static enum scan
fail(struct cvom_csv *r, enum cvom_status st, long line, long col, size_t reach, const char *fmt,
     ...)
{
    char msg[sizeof r->fail_err.message];
    if (reach != NONE && r->st != ST_ROW && reach - r->row_start > r->o.max_row) {
        st = CVOM_ELIMIT;
        line = r->row_line;
        col = 1;
        snprintf(msg, sizeof msg, "row longer than %zu bytes", r->o.max_row);
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    }
    set_error(&r->fail_err, st, r->name, line, col, msg);
    r->failed = st;
    return SCAN_FAIL;
}

/* ---------------------------------------------------------------------------------------
 * Fields
 * ------------------------------------------------------------------------------------- */

static enum scan grow_slots(struct cvom_csv *r)
{
    size_t n = r->slot_cap * 2;
    if (n > r->o.max_fields)
        n = r->o.max_fields;
    struct slot *s = realloc(r->slots, n * sizeof *s);
    if (!s)
        return fail(r, CVOM_ENOMEM, 0, 0, NONE, "out of memory");
    r->slots = s;
    struct cvom_csv_field *f = realloc(r->fields, n * sizeof *f);
    if (!f)
        return fail(r, CVOM_ENOMEM, 0, 0, NONE, "out of memory");
    r->fields = f;
    r->slot_cap = n;
    return SCAN_ROW;
}

/* Decode a field's text into the scratch buffer: in a quoted field "" becomes " (only
 * doubled quotes can be left inside one by the scanner; an unquoted field keeps its quotes
 * as text) and Windows-1252 bytes become UTF-8. */
static enum scan decode(struct cvom_csv *r, struct slot *f)
{
    int cp = r->o.encoding == CVOM_ENC_CP1252, quoted = f->off != f->raw;
    size_t need = f->len * (cp ? 3 : 1) + 1;
    if (r->dec_cap - r->dec_len < need) {
        size_t n = r->dec_cap ? r->dec_cap : 4096;
        while (n - r->dec_len < need)
            n *= 2;
        unsigned char *d = realloc(r->dec, n);
        if (!d)
            return fail(r, CVOM_ENOMEM, 0, 0, NONE, "out of memory");
        r->dec = d;
        r->dec_cap = n;
    }
    const unsigned char *s = r->buf + f->off;
    unsigned char *d = r->dec + r->dec_len;
    size_t k = 0;
    for (size_t i = 0; i < f->len; i++) {
        unsigned c = s[i];
        if (c == '"' && quoted) {
            i++; /* the second of a doubled quote */
        } else if (cp && c >= 0x80) {
            unsigned u = c < 0xA0 ? cp1252_high[c - 0x80] : c;
            if (u < 0x800) {
                d[k++] = (unsigned char)(0xC0 | (u >> 6));
            } else {
                d[k++] = (unsigned char)(0xE0 | (u >> 12));
                d[k++] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
            }
            c = 0x80 | (u & 0x3F);
        }
        d[k++] = (unsigned char)c;
    }
    d[k] = 0;
    f->off = r->dec_len;
    f->len = k;
    f->flags |= F_INDEC;
    r->dec_len += k + 1;
    return SCAN_ROW;
}

/* The rare work at the end of a field: decoding and the length bound. */
static enum scan end_field(struct cvom_csv *r, struct slot *f, size_t reach)
{
    if ((f->flags & F_DEC) && decode(r, f) == SCAN_FAIL)
        return SCAN_FAIL;
    if (f->len > r->o.max_field)
        return fail(r, CVOM_ELIMIT, f->line,
                    column_at(r, f->line_start, (f->flags & F_NA) != 0, f->raw), reach,
                    "field longer than %zu bytes", r->o.max_field);
    return SCAN_ROW;
}

/* ---------------------------------------------------------------------------------------
 * The scanner: runs over the buffered data until a row is complete, the input ends, more
 * input is needed, or the input is wrong.
 * ------------------------------------------------------------------------------------- */

#define SAVE(state_)                                                                               \
    do {                                                                                           \
        r->st = (state_);                                                                          \
        r->pos = p;                                                                                \
        r->row_start = rs;                                                                         \
        r->line = line;                                                                            \
        r->line_start = ls;                                                                        \
        r->line_na = na;                                                                           \
        r->nf = nf;                                                                                \
    } while (0)

/* Error at byte p of the current line. */
#define FAIL_HERE(st_, at_, ...)                                                                   \
    fail(r, (st_), line, column_at(r, ls, na < (at_), (at_)), (at_) + 1, __VA_ARGS__)

static enum scan scan(struct cvom_csv *r)
{
    unsigned char *const b = r->buf;
    const size_t end = r->end;
    const int eof = r->eof;
    const int cp = r->o.encoding == CVOM_ENC_CP1252;
    const unsigned dl = (unsigned char)r->o.delimiter;
    const uint64_t delims = ONES * dl;
    const size_t max_field = r->o.max_field;
    size_t p = r->pos, rs = r->row_start, ls = r->line_start, na = r->line_na, nf = r->nf;
    long line = r->line;
    struct slot *slots = r->slots, *f = nf ? &slots[nf - 1] : NULL;
    size_t slot_cap = r->slot_cap;
    size_t t; /* where the row's line end starts */
    unsigned c;
    int n;

    switch (r->st) {
    case ST_ROW: break;
    case ST_FIELD: goto field;
    case ST_UNQ: goto unquoted;
    case ST_QUO: goto quoted;
    }

row: /* between rows: skip a byte order mark and blank lines */
    rs = p;
    if (r->bom_pending) {
        if (end - p < 3 && !eof) {
            SAVE(ST_ROW);
            return SCAN_MORE;
        }
        r->bom_pending = 0;
        if (end - p >= 3 && b[p] == 0xEF && b[p + 1] == 0xBB && b[p + 2] == 0xBF) {
            p += 3;
            ls = p;
            goto row;
        }
    }
    c = b[p];
    if (c == '\n' || c == '\r') {
        if (c == '\r') {
            if (p + 1 == end && !eof) {
                SAVE(ST_ROW);
                return SCAN_MORE;
            }
            if (b[p + 1] != '\n') {
                SAVE(ST_ROW);
                return FAIL_HERE(CVOM_EPARSE, p, "carriage return without line feed");
            }
            p++;
        }
        p++;
        line++;
        ls = p;
        na = NONE;
        goto row;
    }
    if (p == end) {
        SAVE(ST_ROW);
        return eof ? SCAN_EOF : SCAN_MORE;
    }
    r->row_line = line;

field: /* at the first byte of a field */
    if (p == end && !eof) {
        SAVE(ST_FIELD);
        return SCAN_MORE;
    }
    if (nf == slot_cap) {
        if (nf == r->o.max_fields) {
            SAVE(ST_FIELD); /* the bytes before p belong to the row, p may be its end */
            return fail(r, CVOM_ELIMIT, line, column_at(r, ls, na < p, p), p,
                        "more than %zu fields in a row", r->o.max_fields);
        }
        SAVE(ST_FIELD);
        if (grow_slots(r) == SCAN_FAIL)
            return SCAN_FAIL;
        slots = r->slots;
        slot_cap = r->slot_cap;
    }
    f = &slots[nf++];
    f->raw = p;
    f->line = line;
    f->line_start = ls;
    f->flags = na < p ? F_NA : 0;
    if (b[p] == '"') {
        f->off = ++p;
        goto quoted;
    }
    f->off = p;

unquoted:
    /* Every delimiter found in one 8-byte load is handled before the next load, so that
     * loads do not wait on the end of the previous field. */
    for (;;) {
        const uint64_t w = load8(b + p);
        const uint64_t dm = eq_bytes(w, delims);
        uint64_t m = dm | eq_bytes(w, ONES * '\n') | eq_bytes(w, ONES * '\r') |
                     eq_bytes(w, ONES * '"') | nul_or_high(w);
        while (m) {
            const size_t k = p + lowest_byte(m);
            if (!(dm & m & (~m + 1))) {
                p = k;
                goto special;
            }
            f->len = k - f->off;
            b[k] = 0;
            if ((f->flags & F_DEC) || f->len > max_field || nf == slot_cap) {
                p = k + 1;
                if ((f->flags & F_DEC) || f->len > max_field) {
                    SAVE(ST_FIELD);
                    if (end_field(r, f, p) == SCAN_FAIL)
                        return SCAN_FAIL;
                }
                goto field;
            }
            f = &slots[nf++];
            f->raw = f->off = k + 1;
            f->line = line;
            f->line_start = ls;
            f->flags = na <= k ? F_NA : 0;
            m &= m - 1;
        }
        p += 8;
    }

special: /* a byte other than the delimiter that needs a look, at p */
    c = b[p];
    if (c == '\n') {
        t = p;
        f->len = p - f->off;
        b[p++] = 0;
        goto row_end;
    }
    if (c == '\r') {
        if (p + 1 == end && !eof) {
            SAVE(ST_UNQ);
            return SCAN_MORE;
        }
        if (b[p + 1] != '\n') {
            SAVE(ST_UNQ);
            return FAIL_HERE(CVOM_EPARSE, p, "carriage return without line feed");
        }
        t = p;
        f->len = p - f->off;
        b[p] = 0;
        p += 2;
        goto row_end;
    }
    if (c == '"') {
        if (p == f->off && f->off == f->raw) { /* the field starts with it */
            f->off = ++p;
            goto quoted;
        }
        p++; /* 24" Monitor: a quote inside an unquoted field is text, as spreadsheets read it */
        goto unquoted;
    }
    if (c == 0) {
        if (p < end) {
            SAVE(ST_UNQ);
            return FAIL_HERE(CVOM_EPARSE, p, "NUL byte in input");
        }
        if (!eof) {
            SAVE(ST_UNQ);
            return SCAN_MORE;
        }
        t = p; /* the last row lacks a line end; buf[end] is already NUL */
        f->len = p - f->off;
        goto row_end;
    }
    goto high;

quoted: /* inside quotes */
    p += scan_quoted(b + p);
    c = b[p];
    if (c == '"') {
        if (p + 1 == end && !eof) {
            SAVE(ST_QUO);
            return SCAN_MORE;
        }
        c = b[p + 1];
        if (c == '"') { /* a doubled quote; the sentinel is NUL, so p + 1 < end */
            f->flags |= F_DEC;
            p += 2;
            goto quoted;
        }
        /* the closing quote, at p */
        f->len = p - f->off;
        if (c == dl) {
            b[p] = 0;
            p += 2;
            if ((f->flags & F_DEC) || f->len > max_field) {
                SAVE(ST_FIELD);
                if (end_field(r, f, p) == SCAN_FAIL)
                    return SCAN_FAIL;
            }
            goto field;
        }
        if (c == '\n') {
            b[p] = 0;
            t = p + 1;
            p += 2;
            goto row_end;
        }
        if (c == '\r') {
            if (p + 2 == end && !eof) {
                SAVE(ST_QUO);
                return SCAN_MORE;
            }
            if (b[p + 2] != '\n') {
                SAVE(ST_QUO);
                return FAIL_HERE(CVOM_EPARSE, p + 1, "carriage return without line feed");
            }
            b[p] = 0;
            t = p + 1;
            p += 3;
            goto row_end;
        }
        if (p + 1 == end) { /* at the end of the input */
            b[p] = 0;
            t = ++p;
            goto row_end;
        }
        SAVE(ST_QUO);
        if (c == 0)
            return FAIL_HERE(CVOM_EPARSE, p + 1, "NUL byte in input");
        return FAIL_HERE(CVOM_EPARSE, p + 1, "unexpected character after closing quote");
    }
    if (c == '\n') {
        p++;
        line++;
        ls = p;
        na = NONE;
        goto quoted;
    }
    if (c == 0) {
        if (p < end) {
            SAVE(ST_QUO);
            return FAIL_HERE(CVOM_EPARSE, p, "NUL byte in input");
        }
        if (!eof) {
            SAVE(ST_QUO);
            return SCAN_MORE;
        }
        SAVE(ST_QUO);
        return fail(r, CVOM_EPARSE, f->line,
                    column_at(r, f->line_start, (f->flags & F_NA) != 0, f->raw), end,
                    "unterminated quoted field");
    }
    goto high;

high: /* bytes >= 0x80, in either kind of field (a quoted one has off past raw) */
    if (cp) {
        do {
            if (c < 0xA0 && !cp1252_high[c - 0x80]) {
                SAVE(f->off == f->raw ? ST_UNQ : ST_QUO);
                return FAIL_HERE(CVOM_EPARSE, p, "byte 0x%02X is not defined in Windows-1252", c);
            }
            c = b[++p];
        } while (c >= 0x80);
        f->flags |= F_DEC;
    } else {
        do {
            n = utf8_seq(b + p, end - p, eof);
            if (n <= 0) {
                /* resume in the same kind of field this byte belongs to */
                SAVE(f->off == f->raw ? ST_UNQ : ST_QUO);
                if (n == 0)
                    return SCAN_MORE;
                return FAIL_HERE(CVOM_EPARSE, p, "invalid UTF-8 byte sequence");
            }
            if (na == NONE)
                na = p;
            p += (size_t)n;
        } while (b[p] >= 0x80);
    }
    if (f->off == f->raw)
        goto unquoted;
    goto quoted;

row_end: /* t is where the line end starts, p is past it */
    if (t - rs > r->o.max_row) {
        SAVE(ST_UNQ);
        return fail(r, CVOM_ELIMIT, r->row_line, 1, t, "row longer than %zu bytes", r->o.max_row);
    }
    if ((f->flags & F_DEC) || f->len > max_field) {
        SAVE(ST_UNQ);
        if (end_field(r, f, t) == SCAN_FAIL)
            return SCAN_FAIL;
    }
    if (t < end) { /* a line end was consumed */
        line++;
        ls = p;
        na = NONE;
    }
    SAVE(ST_ROW);
    return SCAN_ROW;
}

/* ---------------------------------------------------------------------------------------
 * Input
 * ------------------------------------------------------------------------------------- */

/* Drop the bytes before the current row; the offsets kept for the row move with it. */
static void compact(struct cvom_csv *r)
{
    size_t d = r->row_start;
    if (d == 0)
        return;
    memmove(r->buf, r->buf + d, r->end - d + 1);
    r->end -= d;
    r->pos -= d;
    r->row_start = 0;
    r->line_start -= d;
    if (r->line_na != NONE)
        r->line_na -= d;
    for (size_t i = 0; i < r->nf; i++) {
        struct slot *s = &r->slots[i];
        s->raw -= d;
        s->line_start -= d;
        if (!(s->flags & F_INDEC))
            s->off -= d;
    }
    r->discarded += d;
}

static enum cvom_status refill(struct cvom_csv *r)
{
    if (r->st != ST_ROW && r->pos - r->row_start > r->o.max_row) {
        fail(r, CVOM_ELIMIT, r->row_line, 1, r->pos, "row longer than %zu bytes", r->o.max_row);
        return r->failed;
    }
    compact(r);
    /* A memory reader never needs room for more than what is left of its input, so a
     * small input keeps a small buffer. */
    size_t block = r->block;
    if (r->fd < 0 && block > r->mem_len - r->mem_off)
        block = r->mem_len - r->mem_off > 0 ? r->mem_len - r->mem_off : 1;
    if (r->cap - r->end < block && r->cap < r->cap_max) {
        size_t n = r->cap * 2;
        if (n < r->end + block)
            n = r->end + block;
        if (n > r->cap_max)
            n = r->cap_max;
        unsigned char *nb = realloc(r->buf, n + PAD);
        if (!nb) {
            fail(r, CVOM_ENOMEM, 0, 0, NONE, "out of memory");
            return r->failed;
        }
        memset(nb + r->cap, 0, n - r->cap + PAD);
        r->buf = nb;
        r->cap = n;
    }
    size_t want = r->cap - r->end;
    if (want > r->block)
        want = r->block;
    size_t got;
    if (r->fd < 0) {
        got = r->mem_len - r->mem_off;
        if (got > want)
            got = want;
        cvom__copy(r->buf + r->end, r->mem + r->mem_off, got);
        r->mem_off += got;
    } else {
        if (r->o.limit && want > r->o.limit - r->fd_read)
            want = r->o.limit - r->fd_read;
        ssize_t k = 0;
        do
            k = want ? read(r->fd, r->buf + r->end, want) : 0;
        while (k < 0 && errno == EINTR);
        if (k < 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "read failed: %s", strerror(errno));
            set_error(&r->fail_err, CVOM_EIO, r->name, 0, 0, msg);
            r->failed = CVOM_EIO;
            return r->failed;
        }
        got = (size_t)k;
        r->fd_read += got;
    }
    if (got == 0)
        r->eof = 1;
    r->end += got;
    r->buf[r->end] = 0;
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Public interface
 * ------------------------------------------------------------------------------------- */

static enum cvom_status open_common(int fd, const unsigned char *mem, size_t len, const char *name,
                                    const struct cvom_csv_opts *opts, struct cvom_csv **out,
                                    struct cvom_error *err)
{
    struct cvom_csv_opts o;
    if (opts)
        o = *opts;
    else
        cvom__csv_opts_init(&o);
    const char *bad = NULL;
    unsigned char d = (unsigned char)o.delimiter;
    if ((unsigned)o.encoding >= CVOM_ENC_COUNT)
        bad = "unknown encoding";
    else if (d >= 0x80 || d == '"' || d == '\n' || d == '\r')
        bad = "the delimiter must be an ASCII character other than quote, CR and LF (or NUL "
              "to detect it)";
    else if (o.max_field == 0 || o.max_fields == 0 || o.max_row == 0)
        bad = "limits must be at least 1";
    else if (o.max_row > SIZE_MAX / 8 || o.max_field > SIZE_MAX / 8 ||
             o.max_fields > SIZE_MAX / (8 * sizeof(struct slot)))
        bad = "limit too large";
    else if (o.first_line < 1)
        bad = "first_line must be at least 1";
    if (bad) {
        if (err)
            set_error(err, CVOM_EINVAL, name ? name : "", 0, 0, bad);
        return CVOM_EINVAL;
    }

    struct cvom_csv *r = calloc(1, sizeof *r);
    if (!r)
        goto nomem;
    r->o = o;
    snprintf(r->name, sizeof r->name, "%s", name ? name : "");
    r->fd = fd;
    r->mem = mem;
    r->mem_len = len;
    r->block = BLOCK_SIZE;
    /* A small memory input gets a buffer of its own size rather than a whole block:
     * callers open many short-lived readers on short strings. */
    r->cap = fd < 0 && len < BLOCK_SIZE ? (len > FIRST_CAP ? len : FIRST_CAP) : BLOCK_SIZE;
    r->cap_max = o.max_row + 8 + BLOCK_SIZE;
    r->buf = calloc(1, r->cap + PAD);
    r->slot_cap = o.max_fields < FIRST_SLOTS ? o.max_fields : FIRST_SLOTS;
    r->slots = malloc(r->slot_cap * sizeof *r->slots);
    r->fields = malloc(r->slot_cap * sizeof *r->fields);
    if (!r->buf || !r->slots || !r->fields)
        goto nomem;
    r->st = ST_ROW;
    r->line = o.first_line;
    r->line_na = NONE;
    r->bom_pending = o.encoding == CVOM_ENC_UTF8 && !o.mid_file;
    r->detect = d == 0;
    *out = r;
    return CVOM_OK;

nomem:
    cvom__csv_close(r);
    if (err)
        set_error(err, CVOM_ENOMEM, name ? name : "", 0, 0, "out of memory");
    return CVOM_ENOMEM;
}

enum cvom_status cvom__csv_open_fd(int fd, const char *name, const struct cvom_csv_opts *opts,
                                   struct cvom_csv **out, struct cvom_error *err)
{
    if (fd < 0) {
        if (err)
            set_error(err, CVOM_EINVAL, name ? name : "", 0, 0, "invalid file descriptor");
        return CVOM_EINVAL;
    }
    return open_common(fd, NULL, 0, name, opts, out, err);
}

enum cvom_status cvom__csv_open_mem(const char *buf, size_t len, const char *name,
                                    const struct cvom_csv_opts *opts, struct cvom_csv **out,
                                    struct cvom_error *err)
{
    if (!buf && len) {
        if (err)
            set_error(err, CVOM_EINVAL, name ? name : "", 0, 0, "no buffer");
        return CVOM_EINVAL;
    }
    return open_common(-1, (const unsigned char *)buf, len, name, opts, out, err);
}

void cvom__csv_close(struct cvom_csv *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->slots);
    free(r->fields);
    free(r->dec);
    free(r);
}

/* ---------------------------------------------------------------------------------------
 * Choosing the delimiter
 * ------------------------------------------------------------------------------------- */

#define DETECT_LINES 11 /* a title line or ten above the header, then the header */
#define DETECT_BYTES ((size_t)65536)

static const char candidates[] = {',', ';', '\t'};

/* How well a candidate fits the first lines: the number of lines on which it appears
 * exactly as often as it most commonly does (a delimiter appears as often on every row),
 * then that count. */
static void fit(const size_t *counts, int lines, size_t *support, size_t *mode)
{
    *support = 0;
    *mode = 0;
    for (int i = 0; i < lines; i++) {
        if (!counts[i])
            continue;
        size_t same = 0;
        for (int j = 0; j < lines; j++)
            same += counts[j] == counts[i];
        if (same > *support || (same == *support && counts[i] > *mode)) {
            *support = same;
            *mode = counts[i];
        }
    }
}

/* Count the candidates outside quotes on each of the first lines of s[0..n) and choose the
 * one that appears the same number of times on the most lines (a title line above the
 * header, or a decimal comma in a few values, does not); ties go to the higher count, then
 * to the comma. 0 when the lines seen so far do not decide and more input may. */
static char sniff(const unsigned char *s, size_t n, int eof)
{
    size_t counts[sizeof candidates][DETECT_LINES] = {{0}};
    int lines = 0, quoted = 0, any = 0;
    for (size_t i = 0; i < n && lines < DETECT_LINES; i++) {
        if (s[i] == '"') {
            quoted = !quoted;
        } else if (s[i] == '\n' && !quoted) {
            lines += any; /* blank lines do not count */
            any = 0;
        } else if (!quoted && s[i] != '\r') {
            any = 1;
            for (size_t k = 0; k < sizeof candidates; k++)
                counts[k][lines] += s[i] == (unsigned char)candidates[k];
        }
    }
    if (lines < DETECT_LINES && !eof && n < DETECT_BYTES)
        return 0;
    lines += any && lines < DETECT_LINES; /* the last line, without its line end */
    size_t pick = 0, best_support = 0, best_mode = 0;
    for (size_t k = 0; k < sizeof candidates; k++) {
        size_t support, mode;
        fit(counts[k], lines, &support, &mode);
        if (support > best_support || (support == best_support && mode > best_mode)) {
            pick = k;
            best_support = support;
            best_mode = mode;
        }
    }
    return candidates[pick];
}

/* Read until the first lines are in, then fix the delimiter for the whole input. */
static enum cvom_status detect_delimiter(struct cvom_csv *r)
{
    for (;;) {
        char d = sniff(r->buf + r->pos, r->end - r->pos, r->eof);
        if (d) {
            r->o.delimiter = d;
            r->detect = 0;
            r->detected = 1;
            return CVOM_OK;
        }
        if (refill(r) != CVOM_OK)
            return r->failed;
    }
}

char cvom__csv_delimiter(const struct cvom_csv *r)
{
    return r->o.delimiter ? r->o.delimiter : ',';
}

int cvom__csv_delimiter_detected(const struct cvom_csv *r)
{
    return r->detected;
}

/* Turn the slots of a complete row into fields: pointers and columns. */
static void finish_row(struct cvom_csv *r, struct cvom_csv_row *row)
{
    size_t cache_ls = NONE, cache_at = 0, cache_n = 0; /* chars counted so far on a line */
    for (size_t i = 0; i < r->nf; i++) {
        const struct slot *s = &r->slots[i];
        struct cvom_csv_field *f = &r->fields[i];
        f->s = (const char *)((s->flags & F_INDEC ? r->dec : r->buf) + s->off);
        f->len = s->len;
        f->line = s->line;
        f->flags = 0;
        if (!(s->flags & F_NA)) {
            f->column = (long)(s->raw - s->line_start) + 1;
            continue;
        }
        if (cache_ls != s->line_start) {
            cache_ls = s->line_start;
            cache_at = s->line_start;
            cache_n = 0;
        }
        cache_n += count_chars(r->buf + cache_at, s->raw - cache_at);
        cache_at = s->raw;
        f->column = (long)cache_n + 1;
    }
    row->n = r->nf;
    row->fields = r->fields;
    row->line = r->row_line;
    row->eof = 0;
}

enum cvom_status cvom__csv_next(struct cvom_csv *r, struct cvom_csv_row *row,
                                struct cvom_error *err)
{
    if (r->failed)
        goto failed;
    if (r->detect && detect_delimiter(r) != CVOM_OK)
        goto failed;
    r->nf = 0;
    r->dec_len = 0;
    r->st = ST_ROW;
    for (;;) {
        switch (scan(r)) {
        case SCAN_ROW: finish_row(r, row); return CVOM_OK;
        case SCAN_EOF:
            row->n = 0;
            row->fields = r->fields;
            row->line = r->line;
            row->eof = 1;
            return CVOM_OK;
        case SCAN_MORE:
            if (refill(r) != CVOM_OK)
                goto failed;
            break;
        case SCAN_FAIL: goto failed;
        }
    }
failed:
    if (err)
        *err = r->fail_err;
    return r->failed;
}

size_t cvom__csv_offset(const struct cvom_csv *r)
{
    return r->discarded + r->pos;
}

void cvom__csv_set_block_size(struct cvom_csv *r, size_t n)
{
    r->block = n ? n : 1;
    r->cap_max = r->o.max_row + 8 + (r->block > BLOCK_SIZE ? r->block : BLOCK_SIZE);
}

/* ---------------------------------------------------------------------------------------
 * Writing, with the spreadsheet guard
 * ------------------------------------------------------------------------------------- */

static int formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int cvom__csv_needs_guard(const char *s)
{
    return formula_start(s[0]) || (s[0] == '\'' && (formula_start(s[1]) || s[1] == '\''));
}

const char *cvom__csv_unguard(const char *s)
{
    if (s[0] == '\'' && (formula_start(s[1]) || s[1] == '\'') && cvom__csv_needs_guard(s + 1))
        return s + 1;
    return s;
}

size_t cvom__csv_field_text(char *dst, const char *s, int guard)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    size_t n = 0;
    if (quote)
        dst[n++] = '"';
    if (guard && cvom__csv_needs_guard(s))
        dst[n++] = '\'';
    for (; *s; s++) {
        if (*s == '"')
            dst[n++] = '"';
        dst[n++] = *s;
    }
    if (quote)
        dst[n++] = '"';
    return n;
}

int cvom__csv_write_field(FILE *f, const char *s, int guard)
{
    char small[256];
    size_t cap = 2 * strlen(s) + 3;
    char *buf = cap <= sizeof small ? small : malloc(cap);
    if (!buf)
        return EOF;
    size_t n = cvom__csv_field_text(buf, s, guard);
    int rc = fwrite(buf, 1, n, f) == n ? 0 : EOF;
    if (buf != small)
        free(buf);
    return rc;
}
