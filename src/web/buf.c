/* buf.c — bounded output buffers with escaping for HTML and URLs, and decoding of
 * urlencoded forms, query strings and the Cookie header. Hand-written because each is a few lines
 * and the bounds and error reporting must be ours. */
#include "web/web.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void buf_free(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->failed = 0;
}

static int reserve(struct buf *b, size_t more)
{
    if (b->failed)
        return -1;
    if (more > b->max || b->len > b->max - more) {
        b->failed = BUF_OVER_LIMIT;
        return -1;
    }
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = BUF_NO_MEMORY;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void buf_add(struct buf *b, const void *data, size_t len)
{
    if (reserve(b, len))
        return;
    cvom__copy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        buf_add(b, small, (size_t)n);
        return;
    }
    if (reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_html(struct buf *b, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *rep;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_add(b, run, (size_t)(s - run));
        buf_puts(b, rep);
        run = s + 1;
    }
    buf_add(b, run, (size_t)(s - run));
}

void buf_url(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            buf_add(b, s, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_add(b, e, 3);
        }
    }
}

void buf_num(struct buf *b, double v, int decimals)
{
    if (isnan(v))
        buf_puts(b, "\xE2\x80\x94");
    else
        buf_printf(b, "%.*f", decimals, v);
}

/* ---- urlencoded forms ------------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode [s, s+n) into out (which has room for n+1 bytes); -1 on a bad escape or a NUL,
 * raw (a body is counted bytes, not text) or escaped: either would cut the text short. */
static int decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\0') {
            return -1;
        } else if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi | lo) == 0)
                return -1;
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return 0;
}

/* Length of the strict UTF-8 sequence at s (1 to 4 bytes; no overlongs, no surrogates,
 * nothing past U+10FFFF), or 0 when none starts there. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned char c = *s;
    if (c < 0x80)
        return 1;
    int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
    if (n < 0 || c > 0xF4)
        return 0;
    uint32_t cp = c & (0x3F >> n);
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return (size_t)n + 1;
}

/* Strict UTF-8 without NUL or other C0 controls except tab, CR and LF. */
static int valid_utf8(const unsigned char *s)
{
    for (size_t n; *s; s += n)
        if ((*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r') || !(n = utf8_seq(s)))
            return 0;
    return 1;
}

void buf_utf8(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *run = p;
    while (*p) {
        size_t n = utf8_seq(p);
        if (n) {
            p += n;
            continue;
        }
        buf_add(b, run, (size_t)(p - run));
        buf_add(b, "\xEF\xBF\xBD", 3);
        run = ++p;
    }
    buf_add(b, run, (size_t)(p - run));
}

enum cvom_status form_parse(const char *text, size_t len, struct form *out)
{
    struct form f = {0};
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '&';
    if (n + 1 > WEB_FIELDS_MAX)
        return CVOM_ELIMIT;
    f.f = calloc(n + 1, sizeof *f.f);
    f.storage = malloc(len + 2 * (n + 1) + 1);
    if (!f.f || !f.storage) {
        form_free(&f);
        return CVOM_ENOMEM;
    }
    char *w = f.storage;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '&')
            continue;
        const char *pair = text + start;
        size_t plen = i - start;
        start = i + 1;
        if (plen == 0)
            continue;
        const char *eq = memchr(pair, '=', plen);
        size_t klen = eq ? (size_t)(eq - pair) : plen;
        struct form_field *fld = &f.f[f.n];
        fld->name = w;
        if (decode(pair, klen, w)) {
            form_free(&f);
            return CVOM_EINVAL;
        }
        w += strlen(w) + 1;
        fld->value = w;
        if (decode(eq ? eq + 1 : pair + plen, eq ? plen - klen - 1 : 0, w)) {
            form_free(&f);
            return CVOM_EINVAL;
        }
        w += strlen(w) + 1;
        if (!valid_utf8((const unsigned char *)fld->name) ||
            !valid_utf8((const unsigned char *)fld->value)) {
            form_free(&f);
            return CVOM_EINVAL;
        }
        f.n++;
    }
    *out = f;
    return CVOM_OK;
}

void form_free(struct form *f)
{
    free(f->f);
    free(f->storage);
    memset(f, 0, sizeof *f);
}

const char *form_get(const struct form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->f[i].name, name) == 0)
            return f->f[i].value;
    return NULL;
}

/* ---- the Cookie header ------------------------------------------------------------------- */

static int cookie_blank(char c)
{
    return c == ' ' || c == '\t';
}

enum cvom_status web_cookies_parse(const char *header, struct form *out)
{
    struct form f = {0};
    size_t len = strlen(header), n = 1;
    for (size_t i = 0; i < len; i++)
        n += header[i] == ';';
    if (n > WEB_FIELDS_MAX)
        return CVOM_ELIMIT;
    f.f = calloc(n, sizeof *f.f);
    f.storage = malloc(len + 2 * n + 1);
    if (!f.f || !f.storage) {
        form_free(&f);
        return CVOM_ENOMEM;
    }
    char *w = f.storage;
    for (const char *p = header;;) {
        const char *end = strchr(p, ';'), *eq;
        if (!end)
            end = header + len;
        if ((eq = memchr(p, '=', (size_t)(end - p))) != NULL) {
            const char *nb = p, *ne = eq, *vb = eq + 1, *ve = end;
            while (nb < ne && cookie_blank(*nb))
                nb++;
            while (ne > nb && cookie_blank(ne[-1]))
                ne--;
            while (vb < ve && cookie_blank(*vb))
                vb++;
            while (ve > vb && cookie_blank(ve[-1]))
                ve--;
            if (ve - vb >= 2 && *vb == '"' && ve[-1] == '"') {
                vb++;
                ve--;
            }
            if (ne > nb) {
                struct form_field *fld = &f.f[f.n++];
                fld->name = w;
                cvom__copy(w, nb, (size_t)(ne - nb));
                w += ne - nb;
                *w++ = '\0';
                fld->value = w;
                cvom__copy(w, vb, (size_t)(ve - vb));
                w += ve - vb;
                *w++ = '\0';
            }
        }
        if (!*end)
            break;
        p = end + 1;
    }
    *out = f;
    return CVOM_OK;
}
