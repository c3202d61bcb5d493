/* multipart.c — a small, bounded multipart/form-data parser: enough for forms with a file
 * input and a few text fields. Parts are slices of the body; nothing is copied but names.
 * Also the reader of form bodies in either encoding. */
#include "web/multipart.h"

#include "io/util.h"
#include "core/mem.h"

#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70 /* RFC 2046 */

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Read one parameter value at s (quoted with backslash escapes, or a bare token) into out;
 * returns the position after it, or NULL when it does not fit or a quote is not closed. */
static const char *param_value(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++) {
            if (*s == '\\' && s[1])
                s++;
            if (n + 1 >= cap)
                return NULL;
            out[n++] = *s;
        }
        if (*s != '"')
            return NULL;
        s++;
    } else {
        for (; *s && *s != ';' && !is_space(*s); s++) {
            if (n + 1 >= cap)
                return NULL;
            out[n++] = *s;
        }
    }
    out[n] = '\0';
    return s;
}

/* Walk the "; key=value" parameters after a header value's first token, calling back for
 * each. Returns -1 on a malformed parameter. */
static int each_param(const char *s, int (*fn)(void *ctx, const char *key, const char *val),
                      void *ctx)
{
    s = strchr(s, ';');
    while (s && *s == ';') {
        s++;
        while (is_space(*s))
            s++;
        char key[32], val[512];
        size_t k = 0;
        while (*s && *s != '=' && *s != ';' && !is_space(*s) && k + 1 < sizeof key)
            key[k++] = *s++;
        key[k] = '\0';
        while (is_space(*s))
            s++;
        if (*s != '=')
            return -1;
        s++;
        while (is_space(*s))
            s++;
        if (!(s = param_value(s, val, sizeof val)))
            return -1;
        if (fn(ctx, key, val))
            return -1;
        while (is_space(*s))
            s++;
    }
    return s && *s ? -1 : 0;
}

static int boundary_param(void *ctx, const char *key, const char *val)
{
    if (strcasecmp(key, "boundary") == 0) {
        size_t n = strlen(val);
        if (n == 0 || n > BOUNDARY_MAX)
            return 1;
        memcpy(ctx, val, n + 1);
    }
    return 0;
}

static int disposition_param(void *ctx, const char *key, const char *val)
{
    struct web_part *p = ctx;
    if (strcasecmp(key, "name") == 0) {
        if (strlen(val) >= sizeof p->name)
            return 1;
        memcpy(p->name, val, strlen(val) + 1);
    } else if (strcasecmp(key, "filename") == 0) {
        /* Only for display: a name too long for the buffer is cut, not refused. */
        cvom__copy_str(p->filename, sizeof p->filename, val);
        p->is_file = 1;
    }
    return 0;
}

/* The headers of one part, as a NUL-terminated copy: find Content-Disposition. */
static enum cvom_status part_headers(char *block, struct web_part *p, struct cvom_error *err)
{
    for (char *save = NULL, *line = strtok_r(block, "\r\n", &save); line;
         line = strtok_r(NULL, "\r\n", &save)) {
        char *colon = strchr(line, ':');
        if (!colon)
            return cvom_error_set(err, CVOM_EINVAL, "a malformed header in an uploaded part");
        *colon = '\0';
        if (strcasecmp(line, "Content-Disposition") != 0)
            continue;
        char *v = colon + 1;
        while (is_space(*v))
            v++;
        if (strncasecmp(v, "form-data", 9) != 0 || each_param(v, disposition_param, p))
            return cvom_error_set(err, CVOM_EINVAL,
                                  "a malformed Content-Disposition in an uploaded part");
    }
    if (!p->name[0])
        return cvom_error_set(err, CVOM_EINVAL, "an uploaded part without a field name");
    return CVOM_OK;
}

/* The first occurrence of needle (k >= 1 bytes) in hay (n bytes), or NULL. */
static const char *find(const char *hay, size_t n, const char *needle, size_t k)
{
    const char *p = hay, *end = hay + n;
    while (k <= (size_t)(end - p) && (p = memchr(p, needle[0], (size_t)(end - p) - k + 1))) {
        if (memcmp(p, needle, k) == 0)
            return p;
        p++;
    }
    return NULL;
}

/* One part starting at body + *pos (just after its boundary line): its headers, then its
 * data up to the next CRLF and boundary; *pos moves to that boundary. */
static enum cvom_status one_part(const char *body, size_t len, size_t *pos, const char *delim,
                                 size_t dlen, struct web_part *p, struct cvom_error *err)
{
    size_t at = *pos, hlen = 0;
    memset(p, 0, sizeof *p);
    if (len - at >= 2 && memcmp(body + at, "\r\n", 2) == 0) {
        at += 2; /* a part without headers: refused below for want of a name */
    } else {
        size_t look = len - at < WEB_PART_HEADERS_MAX + 4 ? len - at : WEB_PART_HEADERS_MAX + 4;
        const char *end = find(body + at, look, "\r\n\r\n", 4);
        if (!end)
            return look == WEB_PART_HEADERS_MAX + 4
                       ? cvom_error_set(err, CVOM_ELIMIT,
                                        "the headers of an uploaded part are "
                                        "longer than %d bytes",
                                        WEB_PART_HEADERS_MAX)
                       : cvom_error_set(err, CVOM_EINVAL,
                                        "an uploaded part has no blank line "
                                        "after its headers");
        hlen = (size_t)(end - (body + at));
    }
    char block[WEB_PART_HEADERS_MAX + 1];
    memcpy(block, body + at, hlen);
    block[hlen] = '\0';
    if (memchr(block, '\0', hlen))
        return cvom_error_set(err, CVOM_EINVAL, "a NUL byte in the headers of an uploaded part");
    enum cvom_status st = part_headers(block, p, err);
    if (st)
        return st;
    size_t data = hlen ? at + hlen + 4 : at;
    char crlf_delim[BOUNDARY_MAX + 5] = "\r\n";
    memcpy(crlf_delim + 2, delim, dlen);
    const char *next = find(body + data, len - data, crlf_delim, dlen + 2);
    if (!next)
        return cvom_error_set(err, CVOM_EINVAL,
                              "the upload ended before its closing boundary (was it cut off?)");
    p->data = body + data;
    p->len = (size_t)(next - p->data);
    *pos = (size_t)(next - body) + 2;
    return CVOM_OK;
}

enum cvom_status web_multipart_parse(const char *content_type, const char *body, size_t len,
                                     struct web_multipart *out, struct cvom_error *err)
{
    char boundary[BOUNDARY_MAX + 1] = "";
    const char *ct = content_type ? content_type : "";
    if (strncasecmp(ct, "multipart/form-data", 19) != 0 ||
        (ct[19] && ct[19] != ';' && !is_space(ct[19])) ||
        each_param(ct + 19, boundary_param, boundary) || !boundary[0])
        return cvom_error_set(err, CVOM_EINVAL,
                              "expected a multipart/form-data upload with a boundary");
    char delim[BOUNDARY_MAX + 3] = "--";
    size_t dlen = strlen(boundary) + 2;
    memcpy(delim + 2, boundary, dlen - 1);
    if (!body)
        body = "";
    /* Browsers start with the first boundary; a preamble before it is allowed, and skipped. */
    size_t pos;
    if (len >= dlen && memcmp(body, delim, dlen) == 0) {
        pos = 0;
    } else {
        char crlf_delim[BOUNDARY_MAX + 5] = "\r\n";
        memcpy(crlf_delim + 2, delim, dlen);
        const char *first = find(body, len, crlf_delim, dlen + 2);
        if (!first)
            return cvom_error_set(err, CVOM_EINVAL, "the upload has no opening boundary");
        pos = (size_t)(first - body) + 2;
    }
    struct web_multipart m;
    m.n = 0;
    for (;;) {
        pos += dlen;
        if (len - pos >= 2 && memcmp(body + pos, "--", 2) == 0)
            break; /* the closing boundary; anything after it is an epilogue */
        while (pos < len && is_space(body[pos]))
            pos++;
        if (len - pos < 2 || memcmp(body + pos, "\r\n", 2) != 0)
            return cvom_error_set(err, CVOM_EINVAL, "a malformed boundary line in the upload");
        pos += 2;
        if (m.n == WEB_PARTS_MAX)
            return cvom_error_set(err, CVOM_ELIMIT, "more than %d parts in the upload",
                                  WEB_PARTS_MAX);
        enum cvom_status st = one_part(body, len, &pos, delim, dlen, &m.part[m.n], err);
        if (st)
            return st;
        m.n++;
    }
    *out = m;
    return CVOM_OK;
}

const struct web_part *web_multipart_get(const struct web_multipart *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->part[i].name, name) == 0)
            return &m->part[i];
    return NULL;
}

/* ---- forms in either encoding ------------------------------------------------------------ */

enum cvom_status web_input_open(struct web_req *r, struct web_input *in)
{
    memset(in, 0, sizeof *in);
    in->r = r;
    const char *ct = r->content_type ? r->content_type : "";
    in->multipart = strncasecmp(ct, "multipart/form-data", 19) == 0;
    if (in->multipart)
        return web_multipart_parse(ct, r->body.p, r->body.len, &in->mp, &r->err);
    if (!web_form(r))
        return cvom_error_set(&r->err, CVOM_EINVAL, "the form could not be read");
    return CVOM_OK;
}

int web_input_data(const struct web_input *in, const char *name, const char **data, size_t *len)
{
    if (in->multipart) {
        const struct web_part *p = web_multipart_get(&in->mp, name);
        if (!p)
            return 0;
        *data = p->data;
        *len = p->len;
        return 1;
    }
    const char *v = web_field(in->r, name);
    if (!v)
        return 0;
    *data = v;
    *len = strlen(v);
    return 1;
}

enum cvom_status web_input_text(const struct web_input *in, const char *name, char *buf, size_t cap,
                                struct cvom_error *err)
{
    const char *p;
    size_t n;
    buf[0] = '\0';
    if (!web_input_data(in, name, &p, &n))
        return CVOM_OK;
    if (n >= cap)
        return cvom_error_set(err, CVOM_ELIMIT, "the field %s is longer than %zu bytes", name,
                              cap - 1);
    if (!web_utf8_ok(p, n))
        return cvom_error_set(err, CVOM_EINVAL, "the field %s is not UTF-8 text", name);
    cvom__copy(buf, p, n);
    buf[n] = '\0';
    return CVOM_OK;
}

int web_utf8_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p++;
        int more;
        unsigned min;
        if (c == 0)
            return 0;
        if (c < 0x80)
            continue;
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            min = 0x10000;
        } else {
            return 0;
        }
        unsigned cp = c & (0x3Fu >> more);
        for (int i = 0; i < more; i++) {
            if (p >= end || (*p & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (*p++ & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
    }
    return 1;
}
