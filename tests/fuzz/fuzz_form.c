/* fuzz_form.c — fuzz target for the urlencoded decoder (form_parse in src/web/web.h) as the
 * requests use it: a form body through web_form / web_field, a query string through
 * web_query_form / web_query, and the escaping of buf_url that links are built with.
 *
 * The input is the body; cut at its first NUL, it is also the query string. The verdict and
 * every field must equal those of a reference decoder written here from the rules
 * (application/x-www-form-urlencoded: pairs split on "&", empty ones skipped, the name up to
 * the first "=", "+" a space, "%XX" a byte; a bad escape, %00, a raw NUL or control byte
 * other than tab, CR and LF, or text that is not strict UTF-8 refuses the whole form, and so
 * does more than WEB_FIELDS_MAX pairs). A refusal leaves the output untouched. Decoded text
 * is never longer than the input. web_field and web_query give the first value of a name.
 * Every decoded form, written again with buf_url ("name=value&..."), decodes to the same
 * fields; and buf_url of the input itself decodes back to it whenever it is valid text.
 */
#include "web/web.h"

#define FUZZ_NAME "fuzz_form"
#include "fail.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the reference decoder ------------------------------------------------------------- */

/* One code point of strict UTF-8 at s[0..n): its length, or 0 when the bytes there are not
 * one (overlong, surrogate, past U+10FFFF, cut short, a stray continuation byte). */
static size_t code_point(const unsigned char *s, size_t n)
{
    static const struct {
        unsigned char lead_min, lead_max;
        size_t len;
        uint32_t min;
    } forms[] = {{0xC0, 0xDF, 2, 0x80}, {0xE0, 0xEF, 3, 0x800}, {0xF0, 0xF7, 4, 0x10000}};
    if (s[0] < 0x80)
        return 1;
    for (size_t f = 0; f < 3; f++) {
        if (s[0] < forms[f].lead_min || s[0] > forms[f].lead_max)
            continue;
        size_t len = forms[f].len;
        if (n < len)
            return 0;
        uint32_t cp = s[0] & (0x7Fu >> len);
        for (size_t i = 1; i < len; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i] & 0x3Fu);
        }
        if (cp < forms[f].min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        return len;
    }
    return 0;
}

/* Whether the n bytes at s are text a form may hold: strict UTF-8 without C0 controls other
 * than tab, CR and LF (and so without NUL). */
static int valid_text(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
        size_t k = code_point(s + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* The value of a hexadecimal digit in either case, or -1. */
static int hex(unsigned char c)
{
    static const char upper[] = "0123456789ABCDEF", lower[] = "0123456789abcdef";
    const char *u = c ? strchr(upper, c) : NULL, *l = c ? strchr(lower, c) : NULL;
    return u ? (int)(u - upper) : l ? (int)(l - lower) : -1;
}

/* Decode [s, s+n) into out; its length, or -1 when it is refused. */
static long ref_decode(const unsigned char *s, size_t n, unsigned char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (n - i < 3 || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0)
                return -1;
            out[o] = (unsigned char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out[o] = s[i] == '+' ? ' ' : s[i];
        }
        if (out[o++] == 0)
            return -1;
    }
    return valid_text(out, o) ? (long)o : -1;
}

struct ref_field {
    const unsigned char *name, *value;
    size_t name_len, value_len;
};

/* The reference verdict: CVOM_OK with *n fields (names and values in out, the bytes in
 * store), CVOM_EINVAL or CVOM_ELIMIT. */
static enum cvom_status ref_parse(const unsigned char *s, size_t len, struct ref_field *fields,
                                  size_t *n, unsigned char *store)
{
    size_t pairs = 1;
    for (size_t i = 0; i < len; i++)
        pairs += s[i] == '&';
    if (pairs > WEB_FIELDS_MAX)
        return CVOM_ELIMIT;
    *n = 0;
    for (size_t start = 0; start <= len;) {
        const unsigned char *amp = memchr(s + start, '&', len - start);
        size_t end = amp ? (size_t)(amp - s) : len;
        if (end > start) {
            const unsigned char *eq = memchr(s + start, '=', end - start);
            size_t name_end = eq ? (size_t)(eq - s) : end;
            long a = ref_decode(s + start, name_end - start, store);
            if (a < 0)
                return CVOM_EINVAL;
            long b = eq ? ref_decode(s + name_end + 1, end - name_end - 1, store + a) : 0;
            if (b < 0)
                return CVOM_EINVAL;
            fields[*n].name = store;
            fields[*n].name_len = (size_t)a;
            fields[*n].value = store + a;
            fields[*n].value_len = (size_t)b;
            store += a + b;
            (*n)++;
        }
        start = end + 1;
    }
    return CVOM_OK;
}

/* ---- checks ---------------------------------------------------------------------------- */

static int same_text(const char *s, const unsigned char *t, size_t n)
{
    return strlen(s) == n && memcmp(s, t, n) == 0;
}

static void check_form(const char *what, enum cvom_status st, const struct form *f,
                       enum cvom_status want, const struct ref_field *ref, size_t n_ref, size_t len)
{
    if (st != want)
        fail("%s: status %d where the rules give %d", what, (int)st, (int)want);
    if (st != CVOM_OK)
        return;
    if (f->n != n_ref)
        fail("%s: %zu fields where the rules give %zu", what, f->n, n_ref);
    size_t total = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (!same_text(f->f[i].name, ref[i].name, ref[i].name_len) ||
            !same_text(f->f[i].value, ref[i].value, ref[i].value_len))
            fail("%s: field %zu (\"%s\"=\"%s\") is not what the rules decode", what, i,
                 f->f[i].name, f->f[i].value);
        total += ref[i].name_len + ref[i].value_len;
        size_t j = 0;
        while (strcmp(f->f[j].name, f->f[i].name) != 0)
            j++;
        if (form_get(f, f->f[i].name) != f->f[j].value)
            fail("%s: form_get(\"%s\") is not the first value", what, f->f[i].name);
    }
    if (total > len)
        fail("%s: %zu bytes decoded from %zu", what, total, len);
}

/* Write f again with buf_url and decode it: the same fields. */
static void check_round_trip(const struct form *f)
{
    struct buf b;
    buf_init(&b, (size_t)64 << 20);
    for (size_t i = 0; i < f->n; i++) {
        if (i)
            buf_puts(&b, "&");
        buf_url(&b, f->f[i].name);
        buf_puts(&b, "=");
        buf_url(&b, f->f[i].value);
    }
    struct form g;
    if (b.failed || form_parse(b.p ? b.p : "", b.len, &g) != CVOM_OK)
        fail("a decoded form written again with buf_url does not decode");
    if (g.n != f->n)
        fail("written with buf_url and decoded again: %zu fields, not %zu", g.n, f->n);
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(g.f[i].name, f->f[i].name) != 0 || strcmp(g.f[i].value, f->f[i].value) != 0)
            fail("written with buf_url and decoded again, field %zu changed", i);
    form_free(&g);
    buf_free(&b);
}

/* buf_url of text writes only unreserved characters and %XX escapes (3 bytes at most per
 * byte), and decodes back to the text when it is valid, else is refused. */
static void check_escape(const char *text)
{
    size_t n = strlen(text);
    struct buf b;
    buf_init(&b, (size_t)64 << 20);
    buf_puts(&b, "x=");
    buf_url(&b, text);
    if (b.failed || b.len > 2 + 3 * n)
        fail("buf_url of %zu bytes wrote %zu", n, b.len - 2);
    for (size_t i = 2; i < b.len; i++) {
        char c = b.p[i];
        if (c == '%') {
            if (i + 2 >= b.len || !strchr("0123456789ABCDEF", b.p[i + 1]) ||
                !strchr("0123456789ABCDEF", b.p[i + 2]))
                fail("buf_url wrote a malformed escape");
            i += 2;
        } else if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~",
                           c)) {
            fail("buf_url left '%c' (0x%02X) unescaped", c, (unsigned char)c);
        }
    }
    struct form g;
    enum cvom_status st = form_parse(b.p, b.len, &g);
    int valid = valid_text((const unsigned char *)text, n);
    if (valid != (st == CVOM_OK))
        fail("buf_url of %s text decodes with status %d", valid ? "valid" : "invalid", (int)st);
    if (st == CVOM_OK) {
        if (g.n != 1 || strcmp(g.f[0].name, "x") != 0 || strcmp(g.f[0].value, text) != 0)
            fail("decode(buf_url(text)) is not the text");
        form_free(&g);
    }
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input(data, size);
    const unsigned char *s = data;
    struct ref_field *ref = malloc(WEB_FIELDS_MAX * sizeof *ref);
    unsigned char *store = malloc(size + 1);
    struct web_req *r = calloc(1, sizeof *r);
    size_t qlen = strnlen((const char *)data, size);
    char *query = malloc(qlen + 1);
    if (!ref || !store || !r || !query)
        goto done;
    memcpy(query, data, qlen);
    query[qlen] = '\0';

    /* form_parse itself: a refusal leaves the output alone. */
    size_t n_ref = 0;
    enum cvom_status want = ref_parse(s, size, ref, &n_ref, store);
    struct form f;
    memset(&f, 0xA5, sizeof f);
    enum cvom_status st = form_parse((const char *)data, size, &f);
    check_form("form_parse", st, &f, want, ref, n_ref, size);
    if (st == CVOM_OK) {
        check_round_trip(&f);
        form_free(&f);
    } else {
        const unsigned char *p = (const unsigned char *)&f;
        for (size_t i = 0; i < sizeof f; i++)
            if (p[i] != 0xA5)
                fail("a refused form changed the output");
    }

    /* The body of a request, as handlers read it. */
    r->content_type = "application/x-www-form-urlencoded; charset=UTF-8";
    r->body.p = (char *)(uintptr_t)data;
    r->body.len = size;
    const struct form *body = web_form(r);
    if ((body != NULL) != (want == CVOM_OK))
        fail("web_form %s a body that form_parse %s", body ? "accepts" : "refuses",
             want == CVOM_OK ? "accepts" : "refuses");
    if (body) {
        check_form("web_form", CVOM_OK, body, want, ref, n_ref, size);
        for (size_t i = 0; i < body->n; i++)
            if (web_field(r, body->f[i].name) != form_get(body, body->f[i].name))
                fail("web_field and form_get disagree on \"%s\"", body->f[i].name);
    }
    if (web_form(r) != body)
        fail("a second web_form gives another answer");

    /* The query string, which reaches the server as text (cut at a NUL). */
    r->raw_query = query;
    want = ref_parse(s, qlen, ref, &n_ref, store);
    const struct form *q = web_query_form(r);
    if ((q != NULL) != (want == CVOM_OK))
        fail("web_query_form %s a query string the rules %s", q ? "accepts" : "refuses",
             want == CVOM_OK ? "accept" : "refuse");
    if (q) {
        check_form("web_query_form", CVOM_OK, q, want, ref, n_ref, qlen);
        for (size_t i = 0; i < q->n; i++)
            if (web_query(r, q->f[i].name) != form_get(q, q->f[i].name))
                fail("web_query and form_get disagree on \"%s\"", q->f[i].name);
    } else if (web_query(r, "a") != NULL) {
        fail("web_query gives a value from a refused query string");
    }

    check_escape(query);

done:
    if (r) {
        form_free(&r->form);
        form_free(&r->query);
    }
    free(r);
    free(query);
    free(store);
    free(ref);
    return 0;
}
