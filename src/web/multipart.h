/* multipart.h — multipart/form-data request bodies (RFC 7578), as browsers send a form with
 * a file input: a bounded parser that hands out each part as a slice of the body, and a
 * reader for handlers that accept a form either way (multipart or urlencoded). */
#ifndef CVOM_WEB_MULTIPART_H
#define CVOM_WEB_MULTIPART_H

#include "web/web.h"

#include <stddef.h>

#define WEB_PARTS_MAX 32          /* parts per body */
#define WEB_PART_HEADERS_MAX 4096 /* bytes of one part's header block */

struct web_part {
    char name[64];      /* the form field's name */
    char filename[256]; /* the file's name as the browser gave it; "" for plain fields */
    int is_file;        /* 1 when the part carried a filename parameter (even an empty one) */
    const char *data;   /* borrowed from the body; not NUL-terminated */
    size_t len;
};

struct web_multipart {
    struct web_part part[WEB_PARTS_MAX];
    size_t n;
};

/* Split body (len bytes) sent with the Content-Type value content_type into its parts.
 * Outcomes: CVOM_OK; CVOM_EINVAL when the content type is not multipart/form-data with a
 * valid boundary, or the body is malformed (no opening boundary, a part without a name or
 * a blank line after its headers, no closing boundary) — err->message says which;
 * CVOM_ELIMIT past WEB_PARTS_MAX parts or WEB_PART_HEADERS_MAX bytes of part headers. The
 * parts point into body, which must outlive out. out is written only on success. */
enum cvom_status web_multipart_parse(const char *content_type, const char *body, size_t len,
                                     struct web_multipart *out, struct cvom_error *err);

/* The first part with this name, or NULL. */
const struct web_part *web_multipart_get(const struct web_multipart *m, const char *name);

/* The fields of a POST body, whichever of the two form encodings it came in. */
struct web_input {
    struct web_req *r;
    int multipart;
    struct web_multipart mp;
};

/* Read r's body as a form. CVOM_EINVAL / CVOM_ELIMIT (message in r->err) for a malformed
 * body; a body of another content type has no fields. */
enum cvom_status web_input_open(struct web_req *r, struct web_input *in);
/* The bytes of a field (not NUL-terminated for multipart bodies); 0 when absent. */
int web_input_data(const struct web_input *in, const char *name, const char **data, size_t *len);
/* A text field copied into buf (cap bytes, NUL-terminated); "" when absent. CVOM_ELIMIT
 * when it does not fit, CVOM_EINVAL when it is not UTF-8 text (message in err). */
enum cvom_status web_input_text(const struct web_input *in, const char *name, char *buf, size_t cap,
                                struct cvom_error *err);
/* Whether len bytes are valid UTF-8 without NUL bytes. */
int web_utf8_ok(const char *s, size_t len);

#endif
