/* fuzz_cookie.c — fuzz target for what identifies a request: the Cookie header
 * (web_cookies_parse in src/web/web.h, which web_cookie reads) and the Authorization header
 * with the session cookie (web_credential in src/web/auth.h, which web_auth_identify reads).
 *
 * The input's first line is the Authorization header, the rest (cut at a NUL) the Cookie
 * header. The cookies must equal those of a reference reader written here from the rules
 * (pairs split on ";", blanks around names and values dropped, one pair of double quotes
 * around a value dropped, pairs without "=" or a name skipped; more than WEB_FIELDS_MAX
 * pairs refused, the output then untouched). No name or value holds ";", no name holds "="
 * or starts or ends with a blank, and together they are never longer than the header.
 * Written again as name="value"; ... they read back the same. form_get gives the first cookie of a
 * name. The credential is the token after "Bearer " (the scheme in any case) when there is one,
 * else the session cookie when it is short enough, and its digest is 64 lowercase hexadecimal
 * digits.
 */
#include "service/auth.h"
#include "web/auth.h"

#define FUZZ_NAME "fuzz_cookie"
#include "fail.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* ---- the reference reader -------------------------------------------------------------- */

struct span {
    const char *p;
    size_t n;
};

/* The text of s without the blanks at either end. */
static struct span trimmed(const char *p, size_t n)
{
    while (n && is_blank(*p)) {
        p++;
        n--;
    }
    while (n && is_blank(p[n - 1]))
        n--;
    return (struct span){p, n};
}

/* Reads header into names[] and values[]; the number of cookies, or -1 for too many. */
static long ref_cookies(const char *header, struct span *names, struct span *values)
{
    size_t pieces = 1;
    for (const char *p = header; *p; p++)
        pieces += *p == ';';
    if (pieces > WEB_FIELDS_MAX)
        return -1;
    long n = 0;
    const char *p = header;
    for (size_t i = 0; i < pieces; i++) {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len);
        if (eq) {
            struct span name = trimmed(p, (size_t)(eq - p));
            struct span value = trimmed(eq + 1, len - (size_t)(eq - p) - 1);
            if (value.n >= 2 && value.p[0] == '"' && value.p[value.n - 1] == '"')
                value = (struct span){value.p + 1, value.n - 2};
            if (name.n) {
                names[n] = name;
                values[n++] = value;
            }
        }
        p += len + 1;
    }
    return n;
}

static int same(const char *s, struct span t)
{
    return strlen(s) == t.n && memcmp(s, t.p, t.n) == 0;
}

/* ---- checks ---------------------------------------------------------------------------- */

static void check_cookies(const struct form *f, const char *header, const struct span *names,
                          const struct span *values, long n)
{
    if ((long)f->n != n)
        fail("%zu cookies where the rules give %ld", f->n, n);
    size_t total = 0;
    for (size_t i = 0; i < f->n; i++) {
        const char *k = f->f[i].name, *v = f->f[i].value;
        if (!same(k, names[i]) || !same(v, values[i]))
            fail("cookie %zu (%s=%s) is not what the rules read", i, k, v);
        size_t kn = strlen(k), vn = strlen(v);
        if (!kn || strpbrk(k, ";=") || strchr(v, ';') || is_blank(k[0]) || is_blank(k[kn - 1]))
            fail("cookie %zu (%s=%s) is not a clean name and value", i, k, v);
        total += kn + vn;
        size_t j = 0;
        while (strcmp(f->f[j].name, k) != 0)
            j++;
        if (form_get(f, k) != f->f[j].value)
            fail("form_get(\"%s\") is not the first cookie of that name", k);
    }
    if (total > strlen(header))
        fail("%zu bytes of cookies from a header of %zu", total, strlen(header));
}

/* Write the cookies again as a header and read it: the same cookies. */
static void check_round_trip(const struct form *f, size_t header_len)
{
    char *h = malloc(header_len + 6 * f->n + 1);
    if (!h)
        return;
    size_t at = 0;
    for (size_t i = 0; i < f->n; i++) {
        at += (size_t)sprintf(h + at, "%s%s=\"%s\"", i ? "; " : "", f->f[i].name, f->f[i].value);
    }
    h[at] = '\0';
    struct form g;
    if (web_cookies_parse(h, &g) != CVOM_OK || g.n != f->n)
        fail("the cookies written again as \"%s\" do not read back", h);
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(g.f[i].name, f->f[i].name) != 0 || strcmp(g.f[i].value, f->f[i].value) != 0)
            fail("the cookies written again as \"%s\": cookie %zu changed", h, i);
    form_free(&g);
    free(h);
}

static void check_credential(const char *authorization, const char *session)
{
    int bearer = -1;
    const char *secret = web_credential(authorization, session, &bearer);
    int has_bearer = strncasecmp(authorization, "Bearer ", 7) == 0;
    if (bearer != has_bearer)
        fail("the credential is %sa bearer token", bearer ? "" : "not ");
    if (has_bearer
            ? secret != authorization + 7
            : secret != (session && strlen(session) < CVOM_SECRET_CHARS + 8 ? session : NULL))
        fail("the credential is not the bearer token, else a short session cookie");
    if (web_credential(NULL, NULL, &bearer) != NULL || bearer)
        fail("a request without either header has a credential");
    if (!secret)
        return;
    char digest[CVOM_DIGEST_HEX];
    memset(digest, 'x', sizeof digest);
    cvom__secret_digest(secret, digest);
    if (strlen(digest) != 64 || strspn(digest, "0123456789abcdef") != 64)
        fail("the credential's digest is \"%.*s\"", (int)sizeof digest, digest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input(data, size);
    const uint8_t *nl = memchr(data, '\n', size);
    size_t a_len = nl ? (size_t)(nl - data) : size;
    size_t c_len = nl ? size - a_len - 1 : 0;
    char *authorization = malloc(a_len + 1), *header = malloc(c_len + 1);
    struct span *names = malloc(WEB_FIELDS_MAX * sizeof *names);
    struct span *values = malloc(WEB_FIELDS_MAX * sizeof *values);
    if (!authorization || !header || !names || !values)
        goto done;
    memcpy(authorization, data, a_len);
    authorization[a_len] = '\0';
    if (c_len)
        memcpy(header, nl + 1, c_len);
    header[c_len] = '\0';

    long n = ref_cookies(header, names, values);
    struct form f;
    memset(&f, 0xA5, sizeof f);
    enum cvom_status st = web_cookies_parse(header, &f);
    if (n < 0) {
        if (st != CVOM_ELIMIT)
            fail("status %d for a header of more than %d cookies", (int)st, WEB_FIELDS_MAX);
        const unsigned char *p = (const unsigned char *)&f;
        for (size_t i = 0; i < sizeof f; i++)
            if (p[i] != 0xA5)
                fail("a refused header changed the output");
        check_credential(authorization, NULL);
        goto done;
    }
    if (st != CVOM_OK)
        fail("status %d for a header the rules read", (int)st);
    check_cookies(&f, header, names, values, n);
    check_round_trip(&f, strlen(header));
    check_credential(authorization, form_get(&f, WEB_SESSION_COOKIE));
    form_free(&f);
done:
    free(values);
    free(names);
    free(header);
    free(authorization);
    return 0;
}
