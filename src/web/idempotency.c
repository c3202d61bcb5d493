/* idempotency.c — POST under /api/ with an Idempotency-Key: the first request with a key
 * runs and its answer is kept in the database (so that every server of one database knows
 * it); a retry with the same key and the same request gets that answer again and changes
 * nothing; the same key with another request is refused. Keys are per user, bounded in
 * length, stored only as digests, and forgotten after a day. */
#include "web/web.h"

#include "web/api_util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_MAX 255              /* bytes of an Idempotency-Key */
#define KEY_LIFETIME (24 * 3600) /* seconds a key and its answer are kept */

static const char header[] = "Idempotency-Key";

static void hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* What was asked, as a digest: the method is always POST; the path, the query string, the
 * content type and the body. Each part is preceded by its length so no two requests meet. */
static void request_digest(struct web_req *r, char *out)
{
    const char *parts[] = {r->path, r->raw_query ? r->raw_query : "",
                           r->content_type ? r->content_type : ""};
    crypto_generichash_state h;
    unsigned char d[32];
    crypto_generichash_init(&h, NULL, 0, sizeof d);
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        uint64_t n = strlen(parts[i]);
        crypto_generichash_update(&h, (const unsigned char *)&n, sizeof n);
        crypto_generichash_update(&h, (const unsigned char *)parts[i], n);
    }
    uint64_t n = r->body.len;
    crypto_generichash_update(&h, (const unsigned char *)&n, sizeof n);
    if (r->body.len)
        crypto_generichash_update(&h, (const unsigned char *)r->body.p, r->body.len);
    crypto_generichash_final(&h, d, sizeof d);
    hex(d, sizeof d, out);
}

/* The kept answer, as it was. */
static int replay(struct web_req *r, const struct cvom_idem *x)
{
    buf_reset(&r->out);
    buf_puts(&r->out, x->body);
    r->out_type = x->body[0] ? "application/json" : NULL;
    snprintf(r->location, sizeof r->location, "%s", x->location);
    r->status = x->status;
    return x->status;
}

/* Keep a successful answer under the key; forget the key after anything else, so that the
 * request can be tried again. */
static void keep(struct web_req *r, struct cvom_idem *x, int http)
{
    struct cvom_error err = {0};
    struct cvom_store *st = r->store;
    st->ops->rollback(st); /* what a failed handler left open, never a success's */
    const char *body = r->out.p && r->out_type ? r->out.p : "";
    size_t len = r->out.p && r->out_type ? r->out.len : 0;
    enum cvom_status s = CVOM_OK;
    if (http >= 200 && http < 300 && len <= CVOM_IDEM_BODY_MAX && !r->lent) {
        x->status = http;
        memcpy(x->body, body, len);
        x->body[len] = '\0';
        snprintf(x->location, sizeof x->location, "%s", r->location);
        s = st->ops->idem_finish(st, x, &err);
    } else {
        s = st->ops->idem_drop(st, x->user_id, x->key, &err);
    }
    if (s) /* the answer still goes out; a retry runs the request again */
        fprintf(stderr, "cvom serve: %s: %s\n", header, err.message);
}

static int refuse(struct web_req *r, int http, const char *message)
{
    return web_error(r, http, NULL, message, header);
}

int web_api_idempotent(struct web_req *r, int (*run)(struct web_req *r, const void *route),
                       const void *route)
{
    const char *key = web_header(r, header);
    size_t n = strlen(key);
    int printable = n > 0 && n <= KEY_MAX;
    for (size_t i = 0; printable && i < n; i++)
        printable = (unsigned char)key[i] > 0x20 && (unsigned char)key[i] < 0x7f;
    if (!printable)
        return refuse(r, 422,
                      "An Idempotency-Key is 1 to 255 printable ASCII characters "
                      "without spaces.");
    struct cvom_idem *x = calloc(1, sizeof *x);
    if (!x)
        return web_fail(r, CVOM_ENOMEM, NULL);
    unsigned char d[32];
    crypto_generichash(d, sizeof d, (const unsigned char *)key, n, NULL, 0);
    hex(d, sizeof d, x->key);
    request_digest(r, x->request);
    x->user_id = r->user.id;
    x->created = (int64_t)time(NULL);
    struct cvom_store *st = r->store;
    enum cvom_status s = st->ops->idem_purge(st, x->created - KEY_LIFETIME, &r->err);
    int claimed = 0, http = 0;
    /* Twice: a key seen taken may be forgotten before it is read (its request failed). */
    for (int tries = 0; !s && !http && tries < 2; tries++) {
        if ((s = st->ops->idem_claim(st, x, &claimed, &r->err)) || claimed)
            break;
        struct cvom_idem *old = calloc(1, sizeof *old);
        if (!old) {
            s = cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
            break;
        }
        s = st->ops->idem_get(st, x->user_id, x->key, old, &r->err);
        if (s == CVOM_ENOTFOUND)
            s = CVOM_OK;
        else if (!s && strcmp(old->request, x->request) != 0)
            http = refuse(r, 422,
                          "This Idempotency-Key was used for another request; a new "
                          "request needs a new key.");
        else if (!s && old->status == 0)
            http = refuse(r, 409,
                          "The first request with this Idempotency-Key is still being "
                          "answered; ask again in a moment.");
        else if (!s)
            http = replay(r, old);
        free(old);
    }
    if (s)
        http = web_fail(r, s, &r->err);
    else if (claimed) {
        http = run(r, route);
        keep(r, x, http);
    } else if (!http)
        http = refuse(r, 409, "This Idempotency-Key is taken; ask again in a moment.");
    free(x);
    return http;
}
