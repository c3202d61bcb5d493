/* test_csv.c — unit tests of the streaming CSV reader: rows, positions, every error with its
 * line and column, limits, encodings, and sameness of the outcome however the input is cut
 * into blocks (memory, files, pipes, blocks down to one byte, a second plain parser). */
#include "check.h"
#include "io/csv.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------
 * A growable string and the dump format every test compares:
 * each row is "[LINE.COL text]" per field and a newline; a failure ends the dump with
 * "error LINE:COL: message". In text, bytes below 0x20, '\' and ']' are escaped.
 * ------------------------------------------------------------------------------------- */

struct str {
    char *s;
    size_t len, cap;
};

static void put(struct str *o, const char *s, size_t n)
{
    if (o->cap - o->len < n + 1) {
        size_t c = o->cap ? o->cap : 256;
        while (c - o->len < n + 1)
            c *= 2;
        char *p = realloc(o->s, c);
        if (!p)
            abort();
        o->s = p;
        o->cap = c;
    }
    memcpy(o->s + o->len, s, n);
    o->len += n;
    o->s[o->len] = 0;
}

static void puts_(struct str *o, const char *s)
{
    put(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void putf(struct str *o, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    puts_(o, tmp);
}

static void put_text(struct str *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[8];
        if (c == '\n')
            puts_(o, "\\n");
        else if (c == '\r')
            puts_(o, "\\r");
        else if (c == '\\' || c == ']') {
            e[0] = '\\';
            e[1] = (char)c;
            put(o, e, 2);
        } else if (c < 0x20) {
            snprintf(e, sizeof e, "\\x%02X", c);
            puts_(o, e);
        } else {
            put(o, (const char *)&c, 1);
        }
    }
}

static void free_str(struct str *o)
{
    free(o->s);
    o->s = NULL;
    o->len = o->cap = 0;
}

/* Read everything from r into out; returns the final status. Checks the invariants of
 * every row on the way. */
static enum cvom_status dump(struct cvom_csv *r, const char *name, struct str *out)
{
    struct cvom_csv_row row;
    struct cvom_error err;
    size_t last_off = 0;
    puts_(out, "");
    for (;;) {
        enum cvom_status st = cvom__csv_next(r, &row, &err);
        if (st != CVOM_OK) {
            CHECK_STR(err.file, name);
            CHECK_INT(err.status, st);
            putf(out, "error %ld:%ld: ", err.line, err.column);
            puts_(out, err.message);
            /* the reader stays failed with the same error */
            struct cvom_error again;
            CHECK_INT(cvom__csv_next(r, &row, &again), st);
            CHECK_STR(again.message, err.message);
            return st;
        }
        CHECK(cvom__csv_offset(r) >= last_off);
        last_off = cvom__csv_offset(r);
        if (row.eof) {
            CHECK_INT(row.n, 0);
            return CVOM_OK;
        }
        CHECK(row.n > 0);
        CHECK_INT(row.line, row.fields[0].line);
        for (size_t i = 0; i < row.n; i++) {
            const struct cvom_csv_field *f = &row.fields[i];
            CHECK_INT(strlen(f->s), f->len);
            putf(out, "[%ld.%ld ", f->line, f->column);
            put_text(out, f->s, f->len);
            puts_(out, "]");
        }
        puts_(out, "\n");
    }
}

/* ---------------------------------------------------------------------------------------
 * Ways of feeding the same input
 * ------------------------------------------------------------------------------------- */

static enum cvom_status run_mem(const char *in, size_t len, const struct cvom_csv_opts *o,
                                size_t block, struct str *out)
{
    struct cvom_csv *r = NULL;
    struct cvom_error err;
    enum cvom_status st = cvom__csv_open_mem(in, len, "mem.csv", o, &r, &err);
    CHECK_INT(st, CVOM_OK);
    if (st != CVOM_OK)
        return st;
    if (block)
        cvom__csv_set_block_size(r, block);
    st = dump(r, "mem.csv", out);
    cvom__csv_close(r);
    return st;
}

static enum cvom_status run_fd(int fd, const struct cvom_csv_opts *o, struct str *out)
{
    struct cvom_csv *r = NULL;
    struct cvom_error err;
    enum cvom_status st = cvom__csv_open_fd(fd, "fd.csv", o, &r, &err);
    CHECK_INT(st, CVOM_OK);
    if (st != CVOM_OK)
        return st;
    st = dump(r, "fd.csv", out);
    cvom__csv_close(r);
    return st;
}

static int temp_file_with(const char *in, size_t len)
{
    FILE *f = tmpfile();
    if (!f)
        abort();
    int fd = dup(fileno(f));
    fclose(f);
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(fd, in + done, len - done);
        if (k <= 0)
            abort();
        done += (size_t)k;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static enum cvom_status run_file(const char *in, size_t len, const struct cvom_csv_opts *o,
                                 struct str *out)
{
    int fd = temp_file_with(in, len);
    enum cvom_status st = run_fd(fd, o, out);
    close(fd);
    return st;
}

/* Through a pipe from a child that writes in chunks of `chunk` bytes, so that reads come
 * back short and at odd places. */
static enum cvom_status run_pipe(const char *in, size_t len, const struct cvom_csv_opts *o,
                                 size_t chunk, struct str *out)
{
    int p[2];
    if (pipe(p) != 0)
        abort();
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        close(p[0]);
        for (size_t done = 0; done < len;) {
            size_t n = len - done < chunk ? len - done : chunk;
            ssize_t k = write(p[1], in + done, n);
            if (k <= 0)
                _exit(1);
            done += (size_t)k;
        }
        _exit(0);
    }
    close(p[1]);
    enum cvom_status st = run_fd(p[0], o, out);
    /* drain in case the reader stopped early, so the child can finish */
    char sink[4096];
    while (read(p[0], sink, sizeof sink) > 0)
        ;
    close(p[0]);
    int ws = 0;
    waitpid(pid, &ws, 0);
    return st;
}

/* ---------------------------------------------------------------------------------------
 * A plain byte-at-a-time parser of the same rules (default limits), as a second opinion
 * on random inputs.
 * ------------------------------------------------------------------------------------- */

static const uint16_t ref_cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* Decode one UTF-8 code point the long way; returns its length or 0 when invalid. */
static size_t ref_utf8(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || n > avail)
        return 0;
    unsigned long cp = c & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    static const unsigned long min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

struct ref {
    const unsigned char *in;
    size_t len, pos, ls;
    long line;
    int cp;
    struct str *out;
};

static long ref_col(const struct ref *R, size_t ls, size_t at)
{
    long c = 1;
    for (size_t i = ls; i < at; i++)
        c += R->cp || (R->in[i] & 0xC0) != 0x80;
    return c;
}

static enum cvom_status ref_err(struct ref *R, long line, size_t ls, size_t at, const char *msg)
{
    putf(R->out, "error %ld:%ld: ", line, ref_col(R, ls, at));
    puts_(R->out, msg);
    return CVOM_EPARSE;
}

/* Append the character at pos to the field; 0 when it is not valid. */
static int ref_char(struct ref *R, struct str *fld)
{
    unsigned c = R->in[R->pos];
    if (c < 0x80) {
        put(fld, (const char *)&R->in[R->pos++], 1);
        return 1;
    }
    if (R->cp) {
        unsigned u = c < 0xA0 ? ref_cp1252[c - 0x80] : c;
        if (!u)
            return 0;
        char b[3];
        size_t n = 0;
        if (u < 0x800) {
            b[n++] = (char)(0xC0 | (u >> 6));
        } else {
            b[n++] = (char)(0xE0 | (u >> 12));
            b[n++] = (char)(0x80 | ((u >> 6) & 0x3F));
        }
        b[n++] = (char)(0x80 | (u & 0x3F));
        put(fld, b, n);
        R->pos++;
        return 1;
    }
    size_t n = ref_utf8(R->in + R->pos, R->len - R->pos);
    if (!n)
        return 0;
    put(fld, (const char *)R->in + R->pos, n);
    R->pos += n;
    return 1;
}

static enum cvom_status ref_bad_char(struct ref *R)
{
    char msg[64];
    if (!R->cp)
        return ref_err(R, R->line, R->ls, R->pos, "invalid UTF-8 byte sequence");
    snprintf(msg, sizeof msg, "byte 0x%02X is not defined in Windows-1252", R->in[R->pos]);
    return ref_err(R, R->line, R->ls, R->pos, msg);
}

static enum cvom_status ref_parse(const char *input, size_t len, int cp, struct str *out)
{
    struct ref R = {(const unsigned char *)input, len, 0, 0, 1, cp, out};
    const unsigned char *in = R.in;
    struct str fld = {0}, rowtext = {0}; /* a row is shown only once it is complete */
    enum cvom_status st = CVOM_OK;
    puts_(out, "");
    if (!cp && len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0)
        R.pos = R.ls = 3;
    for (;;) {
        while (R.pos < len && (in[R.pos] == '\n' ||
                               (in[R.pos] == '\r' && R.pos + 1 < len && in[R.pos + 1] == '\n'))) {
            R.pos += in[R.pos] == '\r' ? 2 : 1;
            R.line++;
            R.ls = R.pos;
        }
        if (R.pos < len && in[R.pos] == '\r') {
            st = ref_err(&R, R.line, R.ls, R.pos, "carriage return without line feed");
            goto done;
        }
        if (R.pos == len)
            goto done;
        for (int row_done = 0; !row_done;) {
            size_t fs = R.pos, fls = R.ls;
            long fline = R.line;
            fld.len = 0;
            puts_(&fld, "");
            if (R.pos < len && in[R.pos] == '"') {
                R.pos++;
                for (;;) {
                    if (R.pos == len) {
                        st = ref_err(&R, fline, fls, fs, "unterminated quoted field");
                        goto done;
                    }
                    unsigned c = in[R.pos];
                    if (c == '"') {
                        if (R.pos + 1 < len && in[R.pos + 1] == '"') {
                            puts_(&fld, "\"");
                            R.pos += 2;
                            continue;
                        }
                        R.pos++;
                        break;
                    }
                    if (c == 0) {
                        st = ref_err(&R, R.line, R.ls, R.pos, "NUL byte in input");
                        goto done;
                    }
                    if (c == '\n') {
                        put(&fld, "\n", 1);
                        R.pos++;
                        R.line++;
                        R.ls = R.pos;
                        continue;
                    }
                    if (!ref_char(&R, &fld)) {
                        st = ref_bad_char(&R);
                        goto done;
                    }
                }
                if (R.pos < len && in[R.pos] != ',' && in[R.pos] != '\n' && in[R.pos] != '\r') {
                    st = ref_err(&R, R.line, R.ls, R.pos,
                                 in[R.pos] ? "unexpected character after closing quote"
                                           : "NUL byte in input");
                    goto done;
                }
            } else {
                while (R.pos < len && in[R.pos] != ',' && in[R.pos] != '\n' && in[R.pos] != '\r') {
                    const char *bad = in[R.pos] == 0 ? "NUL byte in input" : NULL;
                    if (bad) {
                        st = ref_err(&R, R.line, R.ls, R.pos, bad);
                        goto done;
                    }
                    if (!ref_char(&R, &fld)) {
                        st = ref_bad_char(&R);
                        goto done;
                    }
                }
            }
            putf(&rowtext, "[%ld.%ld ", fline, ref_col(&R, fls, fs));
            put_text(&rowtext, fld.s, fld.len);
            puts_(&rowtext, "]");
            if (R.pos == len) {
                row_done = 1;
            } else if (in[R.pos] == ',') {
                R.pos++;
            } else if (in[R.pos] == '\n' ||
                       (in[R.pos] == '\r' && R.pos + 1 < len && in[R.pos + 1] == '\n')) {
                R.pos += in[R.pos] == '\r' ? 2 : 1;
                R.line++;
                R.ls = R.pos;
                row_done = 1;
            } else {
                st = ref_err(&R, R.line, R.ls, R.pos, "carriage return without line feed");
                goto done;
            }
        }
        puts_(&rowtext, "\n");
        puts_(out, rowtext.s);
        rowtext.len = 0;
    }
done:
    free_str(&fld);
    free_str(&rowtext);
    return st;
}

/* ---------------------------------------------------------------------------------------
 * The comparison every case goes through
 * ------------------------------------------------------------------------------------- */

static int same(int line, const char *how, const char *got, enum cvom_status got_st,
                const char *want, enum cvom_status want_st)
{
    check_count++;
    if (got_st == want_st && strcmp(got, want) == 0)
        return 1;
    check_failures++;
    fprintf(stderr, "%s:%d: %s: status %d, want %d\n--- got:\n%s\n--- want:\n%s\n", __FILE__, line,
            how, got_st, want_st, got, want);
    return 0;
}

/* Feed `in` every way and compare each outcome with `want`. */
static void expect_(int line, const char *in, size_t len, const struct cvom_csv_opts *o,
                    enum cvom_status want_st, const char *want)
{
    static const size_t blocks[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 64};
    struct str got = {0};
    enum cvom_status st;
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
        char how[32];
        snprintf(how, sizeof how, "memory, block %zu", blocks[i]);
        st = run_mem(in, len, o, blocks[i], &got);
        int ok = same(line, how, got.s, st, want, want_st);
        free_str(&got);
        if (!ok)
            return;
    }
    st = run_file(in, len, o, &got);
    same(line, "file", got.s, st, want, want_st);
    free_str(&got);
    if (len < 4096) {
        st = run_pipe(in, len, o, 3, &got);
        same(line, "pipe", got.s, st, want, want_st);
        free_str(&got);
    }
}

#define OK(in, want) expect_(__LINE__, in, sizeof(in) - 1, NULL, CVOM_OK, want)
#define BAD(in, st, want) expect_(__LINE__, in, sizeof(in) - 1, NULL, st, want)
#define OK_O(o, in, want) expect_(__LINE__, in, sizeof(in) - 1, o, CVOM_OK, want)
#define BAD_O(o, in, st, want) expect_(__LINE__, in, sizeof(in) - 1, o, st, want)

/* ---------------------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------------------- */

static void test_basic(void)
{
    OK("", "");
    OK("a", "[1.1 a]\n");
    OK("a,b,c\n1,22,333\n", "[1.1 a][1.3 b][1.5 c]\n[2.1 1][2.3 22][2.6 333]\n");
    OK("a,b\r\nc,d\r\n", "[1.1 a][1.3 b]\n[2.1 c][2.3 d]\n");
    OK("a,b\nc,d\r\ne,f", "[1.1 a][1.3 b]\n[2.1 c][2.3 d]\n[3.1 e][3.3 f]\n");
    OK(",,\n", "[1.1 ][1.2 ][1.3 ]\n");
    OK("a,\n", "[1.1 a][1.3 ]\n");
    OK("a,", "[1.1 a][1.3 ]\n");
    OK("a,\r\n", "[1.1 a][1.3 ]\n");
    OK(" a , b \n", "[1.1  a ][1.5  b ]\n");
    OK("x\ty,z\n", "[1.1 x\\x09y][1.5 z]\n");
}

static void test_blank_lines(void)
{
    OK("\n\na\n\n\nb\n\n", "[3.1 a]\n[6.1 b]\n");
    OK("\r\n\r\na\r\n\r\nb", "[3.1 a]\n[5.1 b]\n");
    OK("\n\n\n", "");
    OK("\r\n", "");
    OK("a\n\n", "[1.1 a]\n");
}

static void test_quoted(void)
{
    OK("\"a,b\",c\n", "[1.1 a,b][1.7 c]\n");
    OK("\"say \"\"hi\"\"\",x\n", "[1.1 say \"hi\"][1.14 x]\n");
    OK("\"\"\"\"\n", "[1.1 \"]\n");
    OK("\"\",\"\"\n", "[1.1 ][1.4 ]\n");
    OK("\"\"", "[1.1 ]\n");
    OK("\"a\"", "[1.1 a]\n");
    OK("\"a\"\r\n\"b\"\r\n", "[1.1 a]\n[2.1 b]\n");
    /* newlines inside quotes are kept and advance the line */
    OK("1,\"two\nlines\",3\n4,5\n", "[1.1 1][1.3 two\\nlines][2.8 3]\n[3.1 4][3.3 5]\n");
    OK("\"a\r\nb\",c\r\n", "[1.1 a\\r\\nb][2.4 c]\n");
    OK("\"x\n\n\ny\"\n", "[1.1 x\\n\\n\\ny]\n");
    OK("\"a\rb\"\n", "[1.1 a\\rb]\n");
    OK("\"\"\"a\"\",\"\"b\"\"\"\n", "[1.1 \"a\",\"b\"]\n");
}

static void test_bom(void)
{
    OK("\xEF\xBB\xBF"
       "a,b\n",
       "[1.1 a][1.3 b]\n");
    OK("\xEF\xBB\xBF", "");
    OK("\xEF\xBB\xBF\n\na", "[3.1 a]\n");
    OK("\xEF\xBB\xBF\"q\"\r\n", "[1.1 q]\n");
    /* only at the very start */
    OK("a\n\xEF\xBB\xBF"
       "b\n",
       "[1.1 a]\n[2.1 \xEF\xBB\xBF"
       "b]\n");
    BAD("\xEF\xBB", CVOM_EPARSE, "error 1:1: invalid UTF-8 byte sequence");
    /* in Windows-1252 those bytes are characters */
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.encoding = CVOM_ENC_CP1252;
    OK_O(&o,
         "\xEF\xBB\xBF"
         "a\n",
         "[1.1 \xC3\xAF\xC2\xBB\xC2\xBF"
         "a]\n");
}

static void test_utf8(void)
{
    OK("\xC3\xA9,\xC3\xBC,x\n", "[1.1 \xC3\xA9][1.3 \xC3\xBC][1.5 x]\n");
    /* 3- and 4-byte characters are one column each */
    OK("\xE2\x82\xAC\xF0\x9F\x98\x80,b\n\xE4\xB8\xAD,c\n",
       "[1.1 \xE2\x82\xAC\xF0\x9F\x98\x80][1.4 b]\n[2.1 \xE4\xB8\xAD][2.3 c]\n");
    OK("\"\xC3\xA9\n\xC3\xA9\",\xC3\xA9,z", "[1.1 \xC3\xA9\\n\xC3\xA9][2.4 \xC3\xA9][2.6 z]\n");
    OK("\xF4\x8F\xBF\xBF,\xEF\xBF\xBF,\xC2\x80\n",
       "[1.1 \xF4\x8F\xBF\xBF][1.3 \xEF\xBF\xBF][1.5 \xC2\x80]\n");
    OK("\xED\x9F\xBF,\xEE\x80\x80\n", "[1.1 \xED\x9F\xBF][1.3 \xEE\x80\x80]\n");
    /* the first byte of the sequence that does not decode */
    BAD("\xC3\xA9,\xC3(\n", CVOM_EPARSE, "error 1:3: invalid UTF-8 byte sequence");
    BAD("ok\nab\x80\n", CVOM_EPARSE, "[1.1 ok]\nerror 2:3: invalid UTF-8 byte sequence");
    BAD("\xC0\xAF", CVOM_EPARSE, "error 1:1: invalid UTF-8 byte sequence");
    BAD("\xC1\xBF", CVOM_EPARSE, "error 1:1: invalid UTF-8 byte sequence");
    BAD("a\xE0\x80\x80", CVOM_EPARSE, "error 1:2: invalid UTF-8 byte sequence");
    BAD("a\xF0\x80\x80\x80", CVOM_EPARSE, "error 1:2: invalid UTF-8 byte sequence");
    BAD("\xED\xA0\x80", CVOM_EPARSE, "error 1:1: invalid UTF-8 byte sequence");
    BAD("\xED\xBF\xBF", CVOM_EPARSE, "error 1:1: invalid UTF-8 byte sequence");
    BAD("\xF4\x90\x80\x80", CVOM_EPARSE, "error 1:1: invalid UTF-8 byte sequence");
    BAD("\xF5\x80\x80\x80", CVOM_EPARSE, "error 1:1: invalid UTF-8 byte sequence");
    BAD("\xFF", CVOM_EPARSE, "error 1:1: invalid UTF-8 byte sequence");
    BAD("x,\xE2\x82", CVOM_EPARSE, "error 1:3: invalid UTF-8 byte sequence");
    BAD("x,\xE2\x82\n", CVOM_EPARSE, "error 1:3: invalid UTF-8 byte sequence");
    BAD("\"\xC3\xA9\xC3\",", CVOM_EPARSE, "error 1:3: invalid UTF-8 byte sequence");
    BAD("\"a\nb\xF0\x9F\x98\"", CVOM_EPARSE, "error 2:2: invalid UTF-8 byte sequence");
}

static void test_cp1252(void)
{
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.encoding = CVOM_ENC_CP1252;
    OK_O(&o, "\x80,\xE9\n", "[1.1 \xE2\x82\xAC][1.3 \xC3\xA9]\n");
    OK_O(&o, "caf\xE9,na\xEFve,\x93q\x94\n",
         "[1.1 caf\xC3\xA9][1.6 na\xC3\xAFve][1.12 \xE2\x80\x9Cq\xE2\x80\x9D]\n");
    OK_O(&o, "\"\xE9\"\"\xE8\",\xA0\xFF\n", "[1.1 \xC3\xA9\"\xC3\xA8][1.8 \xC2\xA0\xC3\xBF]\n");
    OK_O(&o, "\x9F\x8C\x9E\x99\n", "[1.1 \xC5\xB8\xC5\x92\xC5\xBE\xE2\x84\xA2]\n");
    /* one byte, one column, even for bytes that would be invalid UTF-8 */
    OK_O(&o, "\xE9\xE9,x\n", "[1.1 \xC3\xA9\xC3\xA9][1.4 x]\n");
    BAD_O(&o, "ab,\x81\n", CVOM_EPARSE, "error 1:4: byte 0x81 is not defined in Windows-1252");
    BAD_O(&o, "\xE9\x8D", CVOM_EPARSE, "error 1:2: byte 0x8D is not defined in Windows-1252");
    BAD_O(&o, "\"\n\x8F\"", CVOM_EPARSE, "error 2:1: byte 0x8F is not defined in Windows-1252");
    BAD_O(&o, "\x90", CVOM_EPARSE, "error 1:1: byte 0x90 is not defined in Windows-1252");
    BAD_O(&o, "a\x9D", CVOM_EPARSE, "error 1:2: byte 0x9D is not defined in Windows-1252");
    /* every defined byte comes out as valid UTF-8 of the right code point */
    char all[128];
    size_t n = 0;
    for (unsigned c = 0x80; c <= 0xFF; c++)
        if (c != 0x81 && c != 0x8D && c != 0x8F && c != 0x90 && c != 0x9D)
            all[n++] = (char)c;
    struct cvom_csv *r;
    struct cvom_csv_row row;
    CHECK_INT(cvom__csv_open_mem(all, n, "all", &o, &r, NULL), CVOM_OK);
    CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
    CHECK_INT(row.n, 1);
    CHECK_INT(row.fields[0].len, 2 * 106 + 3 * 17);
    CHECK(memcmp(row.fields[0].s, "\xE2\x82\xAC\xE2\x80\x9A", 6) == 0);
    CHECK(memcmp(row.fields[0].s + row.fields[0].len - 2, "\xC3\xBF", 2) == 0);
    cvom__csv_close(r);
}

static void test_errors(void)
{
    BAD("a,b\nc,\"d\ne\n", CVOM_EPARSE, "[1.1 a][1.3 b]\nerror 2:3: unterminated quoted field");
    BAD("\"", CVOM_EPARSE, "error 1:1: unterminated quoted field");
    BAD("\xC3\xA9,\"x\"\"", CVOM_EPARSE, "error 1:3: unterminated quoted field");
    BAD("\"a\"b\n", CVOM_EPARSE, "error 1:4: unexpected character after closing quote");
    BAD("x,\"a\" ,y\n", CVOM_EPARSE, "error 1:6: unexpected character after closing quote");
    BAD("\"a\n\xC3\xA9\"\xC3\xA9", CVOM_EPARSE,
        "error 2:3: unexpected character after closing quote");
    /* a quote inside an unquoted field is text, as in spreadsheets and Python's csv */
    OK("ab\"c\n", "[1.1 ab\"c]\n");
    OK("a, \"b\"\n", "[1.1 a][1.3  \"b\"]\n");
    OK("a\"", "[1.1 a\"]\n");
    OK("24\" Monitor,\"x\"\n", "[1.1 24\" Monitor][1.13 x]\n");
    BAD("a\0b\n", CVOM_EPARSE, "error 1:2: NUL byte in input");
    BAD("\0", CVOM_EPARSE, "error 1:1: NUL byte in input");
    BAD("x\n\"a\0\"", CVOM_EPARSE, "[1.1 x]\nerror 2:3: NUL byte in input");
    BAD("\"a\"\0", CVOM_EPARSE, "error 1:4: NUL byte in input");
    BAD("a\rb\n", CVOM_EPARSE, "error 1:2: carriage return without line feed");
    BAD("a,b\r", CVOM_EPARSE, "error 1:4: carriage return without line feed");
    BAD("a\rb\rc\r", CVOM_EPARSE, "error 1:2: carriage return without line feed");
    BAD("a\n\r\rb", CVOM_EPARSE, "[1.1 a]\nerror 2:1: carriage return without line feed");
    BAD("\"a\"\rb", CVOM_EPARSE, "error 1:4: carriage return without line feed");
    BAD("\"a\"\r", CVOM_EPARSE, "error 1:4: carriage return without line feed");
}

static void test_first_line(void)
{
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.first_line = 5;
    OK_O(&o, "a\n\"b\nc\",d\n", "[5.1 a]\n[6.1 b\\nc][7.4 d]\n");
    BAD_O(&o, "a\n\nb\"\r\r", CVOM_EPARSE, "[5.1 a]\nerror 7:3: carriage return without line feed");
}

static void test_delimiters(void)
{
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.delimiter = ';';
    OK_O(&o, "a;b,c;\"d;e\"\n", "[1.1 a][1.3 b,c][1.7 d;e]\n");
    o.delimiter = '\t';
    OK_O(&o, "a\tb c\t\"\t\"\n", "[1.1 a][1.3 b c][1.7 \\x09]\n");
    o.delimiter = '|';
    OK_O(&o, "a|b]\n", "[1.1 a][1.3 b\\]]\n");
}

/* Delimiter 0: chosen from the first lines, whatever the block size. */
static void test_detect(void)
{
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.delimiter = 0;
    OK_O(&o, "a;b;c\n1,5;2;\"x;y\"\n", "[1.1 a][1.3 b][1.5 c]\n[2.1 1,5][2.5 2][2.7 x;y]\n");
    OK_O(&o, "a\tb\n1\t2\n", "[1.1 a][1.3 b]\n[2.1 1][2.3 2]\n");
    OK_O(&o, "a,b\n", "[1.1 a][1.3 b]\n");
    OK_O(&o, "solo\n", "[1.1 solo]\n");
    OK_O(&o, "", "");
    /* a title line above the header has fewer; quoted delimiters do not count */
    OK_O(
        &o, "Export, 2026\nName;Revenue;Owner\n\"a,b,c,d\";1;x\n",
        "[1.1 Export, 2026]\n[2.1 Name][2.6 Revenue][2.14 Owner]\n[3.1 a,b,c,d][3.11 1][3.13 x]\n");
    /* decimal commas in a few values do not outweigh a semicolon on every line */
    OK_O(&o, "name;revenue\nAcme;1,5\n\nB;2\n",
         "[1.1 name][1.6 revenue]\n[2.1 Acme][2.6 1,5]\n"
         "[4.1 B][4.3 2]\n");
    /* a tie goes to the comma */
    OK_O(&o, "a,b;c\n", "[1.1 a][1.3 b;c]\n");
    /* the delimiter chosen is reported once a row was read */
    struct cvom_csv *r = NULL;
    struct cvom_csv_row row;
    CHECK_INT(cvom__csv_open_mem("x;y\n", 4, "d", &o, &r, NULL), CVOM_OK);
    CHECK_INT(cvom__csv_delimiter(r), ',');
    CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
    CHECK_INT(cvom__csv_delimiter(r), ';');
    CHECK_INT((int)row.n, 2);
    cvom__csv_close(r);
}

static void test_limits(void)
{
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.max_field = 3;
    OK_O(&o, "abc,\"def\",\"\"\"\"\"\"\n", "[1.1 abc][1.5 def][1.11 \"\"]\n");
    BAD_O(&o, "abc,abcd\n", CVOM_ELIMIT, "error 1:5: field longer than 3 bytes");
    BAD_O(&o, "x\n\"a\nbc\"\n", CVOM_ELIMIT, "[1.1 x]\nerror 2:1: field longer than 3 bytes");
    BAD_O(&o, "\xC3\xA9\xC3\xA9", CVOM_ELIMIT, "error 1:1: field longer than 3 bytes");
    BAD_O(&o, "a,abcd", CVOM_ELIMIT, "error 1:3: field longer than 3 bytes");
    o.encoding = CVOM_ENC_CP1252; /* counted after decoding: 0xE9 is two bytes */
    OK_O(&o, "a\xE9,\x80\n", "[1.1 a\xC3\xA9][1.4 \xE2\x82\xAC]\n");
    BAD_O(&o, "\xE9\xE9", CVOM_ELIMIT, "error 1:1: field longer than 3 bytes");

    cvom__csv_opts_init(&o);
    o.max_fields = 3;
    OK_O(&o, "a,b,c\n,,\n", "[1.1 a][1.3 b][1.5 c]\n[2.1 ][2.2 ][2.3 ]\n");
    BAD_O(&o, "a,b,c\n1,2,3,4\n", CVOM_ELIMIT,
          "[1.1 a][1.3 b][1.5 c]\nerror 2:7: more than 3 fields in a row");
    BAD_O(&o, ",,,", CVOM_ELIMIT, "error 1:4: more than 3 fields in a row");
    o.max_fields = 1;
    OK_O(&o, "a\nb\n", "[1.1 a]\n[2.1 b]\n");
    BAD_O(&o, "a,\n", CVOM_ELIMIT, "error 1:3: more than 1 fields in a row");

    cvom__csv_opts_init(&o);
    o.max_row = 5;
    OK_O(&o, "abcde\nab,de\r\n\"a\nb\"\n", "[1.1 abcde]\n[2.1 ab][2.4 de]\n[3.1 a\\nb]\n");
    OK_O(&o, "abcde", "[1.1 abcde]\n");
    BAD_O(&o, "a\nabcdef\n", CVOM_ELIMIT, "[1.1 a]\nerror 2:1: row longer than 5 bytes");
    BAD_O(&o, "abcdef", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
    BAD_O(&o, "a,b,c,\n", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
    BAD_O(&o, "\"abcd\"\n", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
    BAD_O(&o, "\"a\n\nb\n", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
    /* errors lying past the limit become the row limit, however the input is buffered */
    BAD_O(&o, "abcde\"\n", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
    OK_O(&o, "abcd\"\n", "[1.1 abcd\"]\n");
    BAD_O(&o, "abcde\rx", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
    BAD_O(&o, "\"abc\"x", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
    BAD_O(&o, "\"abcdef", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
    BAD_O(&o, "\"abc", CVOM_EPARSE, "error 1:1: unterminated quoted field");
    o.max_field = 2;
    BAD_O(&o, "abc", CVOM_ELIMIT, "error 1:1: field longer than 2 bytes");
    BAD_O(&o, "a,bcd,", CVOM_ELIMIT, "error 1:1: row longer than 5 bytes");
}

static void test_options(void)
{
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    CHECK_INT(o.encoding, CVOM_ENC_UTF8);
    CHECK_INT(o.delimiter, ',');
    CHECK_INT(o.max_field, 65536);
    CHECK_INT(o.max_fields, 512);
    CHECK_INT(o.max_row, 1 << 20);
    CHECK_INT(o.first_line, 1);

    CHECK_INT(cvom__encoding_parse("utf-8"), CVOM_ENC_UTF8);
    CHECK_INT(cvom__encoding_parse("UTF8"), CVOM_ENC_UTF8);
    CHECK_INT(cvom__encoding_parse("Windows-1252"), CVOM_ENC_CP1252);
    CHECK_INT(cvom__encoding_parse("CP1252"), CVOM_ENC_CP1252);
    CHECK_INT(cvom__encoding_parse("latin1"), -1);
    CHECK_INT(cvom__encoding_parse(""), -1);
    CHECK_INT(cvom__encoding_parse(NULL), -1);

    struct cvom_csv *r = NULL;
    struct cvom_error err;
    const char bad_delims[] = {'"', '\n', '\r', (char)0xE9}; /* 0 asks for detection */
    for (size_t i = 0; i < sizeof bad_delims; i++) {
        o.delimiter = bad_delims[i];
        CHECK_INT(cvom__csv_open_mem("a", 1, "x", &o, &r, &err), CVOM_EINVAL);
        CHECK_INT(err.status, CVOM_EINVAL);
    }
    cvom__csv_opts_init(&o);
    o.max_field = 0;
    CHECK_INT(cvom__csv_open_mem("a", 1, "x", &o, &r, &err), CVOM_EINVAL);
    cvom__csv_opts_init(&o);
    o.first_line = 0;
    CHECK_INT(cvom__csv_open_mem("a", 1, "x", &o, &r, &err), CVOM_EINVAL);
    cvom__csv_opts_init(&o);
    o.encoding = CVOM_ENC_COUNT;
    CHECK_INT(cvom__csv_open_mem("a", 1, "x", &o, &r, &err), CVOM_EINVAL);
    CHECK_INT(cvom__csv_open_fd(-1, "x", NULL, &r, &err), CVOM_EINVAL);
    CHECK(r == NULL);
    cvom__csv_close(NULL);

    /* after the end, the end again; a long name is cut to fit */
    char name[400];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = 0;
    CHECK_INT(cvom__csv_open_mem("a\n", 2, name, NULL, &r, &err), CVOM_OK);
    struct cvom_csv_row row;
    CHECK_INT(cvom__csv_next(r, &row, &err), CVOM_OK);
    CHECK_INT(row.n, 1);
    CHECK_INT(row.eof, 0);
    CHECK_INT(cvom__csv_offset(r), 2);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(cvom__csv_next(r, &row, &err), CVOM_OK);
        CHECK_INT(row.eof, 1);
        CHECK_INT(row.n, 0);
    }
    cvom__csv_close(r);
    CHECK_INT(cvom__csv_open_mem("a\0", 2, name, NULL, &r, &err), CVOM_OK);
    CHECK_INT(cvom__csv_next(r, &row, &err), CVOM_EPARSE);
    CHECK_INT(strlen(err.file), sizeof err.file - 1);
    CHECK_STR(err.message, "NUL byte in input");
    cvom__csv_close(r);
    /* an empty memory buffer may be NULL */
    CHECK_INT(cvom__csv_open_mem(NULL, 0, "x", NULL, &r, &err), CVOM_OK);
    CHECK_INT(cvom__csv_next(r, &row, &err), CVOM_OK);
    CHECK_INT(row.eof, 1);
    cvom__csv_close(r);
}

static void test_offsets(void)
{
    const char in[] = "\xEF\xBB\xBFid,x\r\n\n\"a\nb\",c\nlast";
    struct cvom_csv *r;
    struct cvom_csv_row row;
    CHECK_INT(cvom__csv_open_mem(in, sizeof in - 1, "o", NULL, &r, NULL), CVOM_OK);
    cvom__csv_set_block_size(r, 2);
    CHECK_INT(cvom__csv_offset(r), 0);
    CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
    CHECK_INT(cvom__csv_offset(r), 9);
    CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
    CHECK_INT(row.line, 3);
    CHECK_INT(cvom__csv_offset(r), 18);
    CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
    CHECK_STR(row.fields[0].s, "last");
    CHECK_INT(cvom__csv_offset(r), sizeof in - 1);
    cvom__csv_close(r);
}

/* ---------------------------------------------------------------------------------------
 * Inputs larger than a block
 * ------------------------------------------------------------------------------------- */

/* The expected dump of the comma-separated `text`, starting at line:col. */
static void want_fields(struct str *want, const char *text, long line, long col)
{
    for (const char *t = text;;) {
        const char *c = strchr(t, ',');
        size_t n = c ? (size_t)(c - t) : strlen(t);
        putf(want, "[%ld.%ld ", line, col);
        put_text(want, t, n);
        puts_(want, "]");
        if (!c)
            return;
        col += (long)n + 1;
        t = c + 1;
    }
}

/* Row i of the generated input, as written and as its expected dump; returns the number of
 * lines it takes. */
static long gen_row(size_t i, long line, struct str *in, struct str *want)
{
    char id[32], tail[64];
    snprintf(id, sizeof id, "A%07zu", i);
    snprintf(tail, sizeof tail, "R%zu,INT%02zu,%zu", i % 5, i % 17, i % 7);
    long lines = 1;
    if (i % 97 == 0) { /* a quoted field with quotes, a comma and a line break */
        puts_(in, "\"x \"\"");
        puts_(in, id);
        puts_(in, "\"\", y\nz\",");
        putf(want, "[%ld.1 x \"", line);
        puts_(want, id);
        puts_(want, "\", y\\nz]");
        want_fields(want, tail, line + 1, 4);
        lines = 2;
    } else if (i % 13 == 0) { /* non-ASCII before the other fields */
        puts_(in, "\xC3\xA9");
        puts_(in, id);
        puts_(in, ",");
        putf(want, "[%ld.1 \xC3\xA9", line);
        puts_(want, id);
        puts_(want, "]");
        want_fields(want, tail, line, 11);
    } else {
        puts_(in, id);
        puts_(in, ",");
        want_fields(want, id, line, 1);
        want_fields(want, tail, line, 10);
    }
    puts_(in, tail);
    puts_(in, i % 11 == 0 ? "\r\n" : "\n");
    puts_(want, "\n");
    return lines;
}

static void test_large(void)
{
    struct str in = {0}, want = {0}, got = {0};
    long line = 1;
    size_t rows = 0;
    while (in.len < (size_t)5 << 19) { /* 2.5 MiB */
        line += gen_row(rows, line, &in, &want);
        rows++;
    }
    enum cvom_status st = run_mem(in.s, in.len, NULL, 0, &got);
    same(__LINE__, "large, memory", got.s, st, want.s, CVOM_OK);
    free_str(&got);
    st = run_mem(in.s, in.len, NULL, 4093, &got);
    same(__LINE__, "large, block 4093", got.s, st, want.s, CVOM_OK);
    free_str(&got);
    st = run_file(in.s, in.len, NULL, &got);
    same(__LINE__, "large, file", got.s, st, want.s, CVOM_OK);
    free_str(&got);
    st = run_pipe(in.s, in.len, NULL, 65521, &got);
    same(__LINE__, "large, pipe", got.s, st, want.s, CVOM_OK);
    free_str(&got);
    free_str(&in);
    free_str(&want);
}

/* One field of `size` bytes placed across the first block boundary. */
static void test_long_fields(void)
{
    const size_t block = (size_t)1 << 20;
    struct str in = {0};
    while (in.len < block - 1000)
        puts_(&in, "pad,pad\n");
    size_t start = in.len;
    puts_(&in, "k,\"");
    for (int i = 0; i < 40000; i++)
        puts_(&in, i % 100 == 99 ? "\"\"\n" : "\xC3\xA9");
    puts_(&in, "\",after\n");

    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.max_field = 100000;
    for (int how = 0; how < 2; how++) {
        struct cvom_csv *r;
        struct cvom_csv_row row;
        int fd = -1;
        if (how == 0) {
            CHECK_INT(cvom__csv_open_mem(in.s, in.len, "m", &o, &r, NULL), CVOM_OK);
        } else {
            fd = temp_file_with(in.s, in.len);
            CHECK_INT(cvom__csv_open_fd(fd, "f", &o, &r, NULL), CVOM_OK);
        }
        do
            CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
        while (row.n && strcmp(row.fields[0].s, "k") != 0);
        CHECK_INT(row.n, 3);
        CHECK_INT(row.line, (long)(start / 8) + 1);
        CHECK_INT(row.fields[1].len, 39600 * 2 + 400 * 2);
        CHECK(memcmp(row.fields[1].s + 2 * 99, "\"\n\xC3\xA9", 4) == 0);
        CHECK_STR(row.fields[2].s, "after");
        CHECK_INT(row.fields[2].line, row.line + 400);
        CHECK_INT(row.fields[2].column, 3);
        CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
        CHECK_INT(row.eof, 1);
        cvom__csv_close(r);
        if (fd >= 0)
            close(fd);
    }
    free_str(&in);

    /* a row longer than a block, within max_row; then one past it */
    size_t big = (size_t)3 << 19;
    char *s = malloc(big + 16);
    memset(s, 'x', big);
    memcpy(s + big, ",y\nz", 4);
    cvom__csv_opts_init(&o);
    o.max_field = big;
    o.max_row = big + 2;
    struct cvom_csv *r;
    struct cvom_csv_row row;
    struct cvom_error err;
    CHECK_INT(cvom__csv_open_mem(s, big + 4, "m", &o, &r, NULL), CVOM_OK);
    CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
    CHECK_INT(row.n, 2);
    CHECK_INT(row.fields[0].len, big);
    CHECK_STR(row.fields[1].s, "y");
    CHECK_INT(row.fields[1].column, (long)big + 2);
    CHECK_INT(cvom__csv_next(r, &row, NULL), CVOM_OK);
    CHECK_STR(row.fields[0].s, "z");
    cvom__csv_close(r);
    o.max_row = big + 1;
    for (size_t b = 0; b < 2; b++) {
        CHECK_INT(cvom__csv_open_mem(s, big + 4, "m", &o, &r, NULL), CVOM_OK);
        if (b)
            cvom__csv_set_block_size(r, 1000);
        CHECK_INT(cvom__csv_next(r, &row, &err), CVOM_ELIMIT);
        CHECK_STR(err.message, "row longer than 1572865 bytes");
        CHECK_INT(err.line, 1);
        CHECK_INT(err.column, 1);
        cvom__csv_close(r);
    }
    /* default limits: a 70000-byte field */
    CHECK_INT(cvom__csv_open_mem(s, 70000, "m", NULL, &r, NULL), CVOM_OK);
    CHECK_INT(cvom__csv_next(r, &row, &err), CVOM_ELIMIT);
    CHECK_STR(err.message, "field longer than 65536 bytes");
    cvom__csv_close(r);
    free(s);
}

/* ---------------------------------------------------------------------------------------
 * Random inputs: every block size and the plain parser must agree
 * ------------------------------------------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

static void test_random(void)
{
    static const char *const atoms[] = {"a",
                                        "b",
                                        ",",
                                        ",",
                                        "\"",
                                        "\"",
                                        "\n",
                                        "\r\n",
                                        "\r",
                                        "\xC3\xA9",
                                        "\xE2\x82\xAC",
                                        "\xF0\x9F\x98\x80",
                                        "\xC3",
                                        "\x80",
                                        "\xED\xA0\x80",
                                        "\x81",
                                        "\xE9",
                                        " ",
                                        "\0",
                                        "\xEF\xBB\xBF",
                                        "\"\"",
                                        "xyz,"};
    const size_t n_atoms = sizeof atoms / sizeof *atoms;
    char in[256];
    for (int iter = 0; iter < 4000; iter++) {
        size_t len = 0, parts = next_rand() % 24;
        for (size_t k = 0; k < parts; k++) {
            const char *a = atoms[next_rand() % n_atoms];
            size_t al = *a ? strlen(a) : 1;
            memcpy(in + len, a, al);
            len += al;
        }
        struct cvom_csv_opts o;
        cvom__csv_opts_init(&o);
        int cp = iter % 3 == 2;
        if (cp)
            o.encoding = CVOM_ENC_CP1252;
        struct str want = {0}, got = {0};
        enum cvom_status want_st = ref_parse(in, len, cp, &want);
        if (iter % 4 == 3) { /* tight limits: compare block sizes only */
            o.max_row = 1 + next_rand() % 12;
            o.max_field = 1 + next_rand() % 6;
            o.max_fields = 1 + next_rand() % 4;
            free_str(&want);
            want_st = run_mem(in, len, &o, 0, &want);
        }
        for (size_t b = 0; b < 6; b++) {
            enum cvom_status st = run_mem(in, len, &o, b, &got);
            if (!same(__LINE__, "random", got.s, st, want.s, want_st)) {
                fprintf(stderr, "iteration %d, block %zu, input:", iter, b);
                for (size_t i = 0; i < len; i++)
                    fprintf(stderr, " %02X", (unsigned char)in[i]);
                fprintf(stderr, "\n");
                iter = 1 << 30;
                b = 6;
            }
            free_str(&got);
        }
        free_str(&want);
    }
}

int main(void)
{
    CHECK_CASE(test_basic);
    CHECK_CASE(test_blank_lines);
    CHECK_CASE(test_quoted);
    CHECK_CASE(test_bom);
    CHECK_CASE(test_utf8);
    CHECK_CASE(test_cp1252);
    CHECK_CASE(test_errors);
    CHECK_CASE(test_first_line);
    CHECK_CASE(test_delimiters);
    CHECK_CASE(test_detect);
    CHECK_CASE(test_limits);
    CHECK_CASE(test_options);
    CHECK_CASE(test_offsets);
    CHECK_CASE(test_large);
    CHECK_CASE(test_long_fields);
    CHECK_CASE(test_random);
    return CHECK_DONE();
}
