/* fuzz_multipart.c — fuzz target for web_multipart_parse (src/web/multipart.h), the parser of
 * file uploads that reads bodies straight from the network.
 *
 * The input's first line is the Content-Type value and the rest the body. The outcome must
 * be one of those multipart.h names: CVOM_OK with at most WEB_PARTS_MAX parts, each with a
 * non-empty, terminated name and a terminated filename, its data a slice inside the body,
 * the slices in order and not overlapping, and each slice ends exactly where the next
 * delimiter (CRLF, "--", the boundary, read from the Content-Type by a small parser here)
 * begins and holds none itself; or CVOM_EINVAL / CVOM_ELIMIT with a message, the
 * output untouched. Parsing the same bytes again gives the same parts. The body is copied to
 * a buffer of exactly its size, so that AddressSanitizer sees any read past its end.
 */
#include "web/multipart.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NAME "fuzz_multipart"
#include "fail.h"

/* The boundary parameter of a Content-Type, read by the rules of RFC 2046 (a token or a
 * quoted string, the parameter's name in any case): "" when there is none, or when the value
 * is not one RFC 2046 allows (1 to 70 of its characters) or the parameter is given more than
 * once — parsers may differ there, and the harness does not guess. */
static void boundary_of(const char *ct, char *out, size_t cap)
{
    out[0] = '\0';
    size_t seen = 0;
    for (const char *p = ct; (p = strchr(p, '=')) != NULL; p++)
        seen += p - ct >= 8 && strncasecmp(p - 8, "boundary", 8) == 0;
    if (seen != 1)
        return;
    for (const char *p = strchr(ct, ';'); p; p = strchr(p + 1, ';')) {
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncasecmp(q, "boundary=", 9) != 0)
            continue;
        q += 9;
        size_t n = 0;
        if (*q == '"') {
            for (q++; *q && *q != '"' && n + 1 < cap; q++)
                out[n++] = *q;
        } else {
            for (; *q && *q != ';' && *q != ' ' && *q != '\t' && n + 1 < cap; q++)
                out[n++] = *q;
        }
        out[n] = '\0';
        static const char bchars[] = "0123456789abcdefghijklmnopqrstuvwxyz"
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";
        if (n == 0 || n > 70 || strspn(out, bchars) != n || out[n - 1] == ' ')
            out[0] = '\0';
        return;
    }
}

static const char *find(const char *hay, size_t n, const char *needle, size_t k)
{
    for (size_t i = 0; k && i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

static void check_parts(const struct web_multipart *m, const char *ct, const char *body, size_t len)
{
    char boundary[256], delim[262];
    boundary_of(ct, boundary, sizeof boundary);
    size_t dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    /* Only when this reading of the boundary is the one the body was split by. */
    int known = boundary[0] && find(body, len, delim, dlen) != NULL;
    if (m->n > WEB_PARTS_MAX)
        fail("%zu parts, more than %d", m->n, WEB_PARTS_MAX);
    const char *end_of_last = body;
    for (size_t i = 0; i < m->n; i++) {
        const struct web_part *p = &m->part[i];
        if (!memchr(p->name, '\0', sizeof p->name) || !p->name[0])
            fail("part %zu has no terminated, non-empty name", i);
        if (!memchr(p->filename, '\0', sizeof p->filename))
            fail("part %zu has an unterminated filename", i);
        if (p->filename[0] && !p->is_file)
            fail("part %zu has a filename but is not a file", i);
        if (p->len && (!p->data || p->data < body || p->data + p->len > body + len))
            fail("part %zu's data lies outside the body", i);
        if (p->len && p->data < end_of_last)
            fail("part %zu's data overlaps or precedes the previous part's", i);
        if (p->len)
            end_of_last = p->data + p->len;
        if (known && p->data) {
            if (find(p->data, p->len, delim, dlen))
                fail("part %zu's data holds the delimiter", i);
            const char *after = p->data + p->len;
            if (after + dlen > body + len || memcmp(after, delim, dlen) != 0)
                fail("part %zu's data does not end at a delimiter", i);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input(data, size);
    const uint8_t *nl = memchr(data, '\n', size);
    size_t ct_len = nl ? (size_t)(nl - data) : size;
    if (ct_len > 1024)
        return 0; /* a header this long never reaches the parser: the server refuses it */
    char ct[1025];
    memcpy(ct, data, ct_len);
    ct[ct_len] = '\0';
    size_t len = nl ? size - ct_len - 1 : 0;
    char *body = malloc(len ? len : 1);
    if (!body)
        return 0;
    if (len)
        memcpy(body, nl + 1, len);

    struct web_multipart *m = malloc(sizeof *m), *again = malloc(sizeof *again);
    if (!m || !again) {
        free(body);
        free(m);
        free(again);
        return 0;
    }
    memset(m, 0xA5, sizeof *m);
    struct cvom_error err = {0};
    enum cvom_status st = web_multipart_parse(ct, body, len, m, &err);
    if (st == CVOM_OK) {
        check_parts(m, ct, body, len);
        struct cvom_error err2 = {0};
        if (web_multipart_parse(ct, body, len, again, &err2) != CVOM_OK || again->n != m->n)
            fail("the same bytes parsed twice gave another outcome");
        for (size_t i = 0; i < m->n; i++)
            if (strcmp(m->part[i].name, again->part[i].name) != 0 ||
                m->part[i].data != again->part[i].data || m->part[i].len != again->part[i].len)
                fail("the same bytes parsed twice gave another part %zu", i);
        for (size_t i = 0; i < m->n; i++)
            if (web_multipart_get(m, m->part[i].name) == NULL)
                fail("part %zu cannot be found by its own name", i);
    } else {
        if (st != CVOM_EINVAL && st != CVOM_ELIMIT)
            fail("status %d is none that multipart.h names", (int)st);
        if (!err.message[0])
            fail("a refusal without a message");
        const unsigned char *b = (const unsigned char *)m;
        for (size_t i = 0; i < sizeof *m; i++)
            if (b[i] != 0xA5)
                fail("a refused body changed the output at byte %zu", i);
    }
    free(again);
    free(m);
    free(body);
    return 0;
}
