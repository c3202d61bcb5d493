/* server.c — cvom serve on GNU libmicrohttpd: a pool of worker threads (each request may
 * block on the database), limits on connections, headers, URI and body, security headers on
 * every response, an access log, routing through one table, and a graceful stop on SIGINT
 * or SIGTERM. */
#include "web/web.h"
#include "web/api_util.h"

#include "web/api_util.h"
#include "web/auth.h"

#include "lazy_microhttpd.h" /* loaded when the server starts */

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

/* Sign-in throttling: an address may make a few mistakes per user name and a few more in
 * all before each further failure doubles its wait, from 30 seconds up to 15 minutes. */
#define FAIL_WINDOW 900
#define FAIL_PAIR_FREE 5
#define FAIL_ADDRESS_FREE 20
#define FAIL_FIRST_DELAY 30
#define FAIL_MAX_DELAY 900

void web_options_init(struct web_options *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->host, sizeof o->host, "127.0.0.1");
    o->port = 8080;
    o->threads = 8;
    o->max_connections = 512;
    o->max_per_address = 64;
    o->timeout = 30;
    o->session_idle = 2 * 3600;
    o->session_max = 12 * 3600;
    o->signin_ceiling = 100;
}

/* ---- store pool ----------------------------------------------------------------------------- */

enum cvom_status store_pool_take(struct store_pool *p, struct cvom_store **out,
                                 struct cvom_error *err)
{
    pthread_mutex_lock(&p->lock);
    struct cvom_store *st = p->n_free ? p->free[--p->n_free] : NULL;
    pthread_mutex_unlock(&p->lock);
    if (st) {
        *out = st;
        return CVOM_OK;
    }
    return cvom__store_open(p->location, out, err);
}

void store_pool_give(struct store_pool *p, struct cvom_store *st)
{
    if (!st)
        return;
    st->ops->rollback(st); /* whatever a failed handler left open */
    pthread_mutex_lock(&p->lock);
    if (p->n_free < sizeof p->free / sizeof *p->free) {
        p->free[p->n_free++] = st;
        st = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    cvom__store_close(st);
}

/* ---- request helpers ----------------------------------------------------------------------- */

/* The query string is decoded here, not by libmicrohttpd (whose decoding is switched off
 * with an identity unescape callback): decoding once, in one place, rejects %00 and bad
 * escapes instead of letting a value be cut short or decoded twice. */
const struct form *web_query_form(struct web_req *r)
{
    if (r->query_state == 0) {
        const char *q = r->raw_query ? r->raw_query : "";
        enum cvom_status st = form_parse(q, strlen(q), &r->query);
        r->query_state = st == CVOM_OK ? 1 : st == CVOM_ENOMEM ? -2 : -1;
    }
    return r->query_state == 1 ? &r->query : NULL;
}

const char *web_query(struct web_req *r, const char *name)
{
    const struct form *f = web_query_form(r);
    return f ? form_get(f, name) : NULL;
}

const char *web_header(struct web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* Cookies are split here too, by the rules of RFC 6265, so that which value a name has does
 * not depend on how the library reads quotes and commas. */
const char *web_cookie(struct web_req *r, const char *name)
{
    if (r->cookies_state == 0) {
        const char *h = web_header(r, "Cookie");
        enum cvom_status st = web_cookies_parse(h ? h : "", &r->cookies);
        r->cookies_state = st == CVOM_OK ? 1 : st == CVOM_ENOMEM ? -2 : -1;
    }
    return r->cookies_state == 1 ? form_get(&r->cookies, name) : NULL;
}

int web_http_status(enum cvom_status st)
{
    switch (st) {
    case CVOM_OK: return 200;
    case CVOM_EINVAL:
    case CVOM_EPARSE: return 422;
    case CVOM_ELIMIT: return 422; /* a value too long; whole bodies are refused earlier */
    case CVOM_ENOTFOUND: return 404;
    case CVOM_EEXIST: return 409;
    case CVOM_EBUSY: return 503;
    case CVOM_ENOMEM: return 503; /* passing: the same request may well succeed again */
    case CVOM_ECONFLICT: return 409;
    default: return 500;
    }
}

static const char *http_code_name(int http)
{
    switch (http) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 412: return "precondition_failed";
    case 413: return "too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 422: return "invalid";
    case 429: return "too_many_requests";
    case 503: return "unavailable";
    default: return "internal";
    }
}

static const char *http_title(int http)
{
    switch (http) {
    case 400: return "Bad request";
    case 401: return "Please sign in";
    case 403: return "Not allowed";
    case 404: return "Not found";
    case 405: return "Method not allowed";
    case 409: return "Already exists or changed meanwhile";
    case 412: return "Changed meanwhile";
    case 413: return "Too large";
    case 414: return "Address too long";
    case 415: return "Unsupported content type";
    case 422: return "Please check your input";
    case 429: return "Too many attempts";
    case 503: return "Busy";
    default: return "Something went wrong";
    }
}

int web_error(struct web_req *r, int http, const char *code, const char *message, const char *field)
{
    buf_reset(&r->out);
    r->status = http;
    if (r->is_api) {
        r->out_type = "application/json";
        /* A message may quote what the client sent, bytes that are not UTF-8 included. */
        json_t *e = json_pack("{s:s, s:o}", "code", code ? code : http_code_name(http), "message",
                              api_str(message ? message : http_title(http)));
        json_object_set_new(e, "field", field && field[0] ? api_str(field) : json_null());
        if (r->err_line > 0) { /* a place in an uploaded file */
            json_object_set_new(e, "line", json_integer(r->err_line));
            json_object_set_new(e, "column", json_integer(r->err_column > 0 ? r->err_column : 1));
        }
        json_t *o = json_pack("{s:o}", "error", e);
        char *text = json_dumps(o, JSON_COMPACT);
        buf_puts(&r->out, text ? text : "{\"error\":{\"code\":\"internal\"}}");
        free(text);
        json_decref(o);
        return http;
    }
    r->out_type = "text/html; charset=utf-8";
    buf_puts(&r->out, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>");
    buf_html(&r->out, http_title(http));
    buf_puts(&r->out, " · cvom</title><link rel=\"icon\" href=\"data:,\">"
                      "<link rel=\"stylesheet\" href=\"/static/cvom.css\">"
                      "</head><body><main class=\"narrow\"><h1>");
    buf_html(&r->out, http_title(http));
    buf_puts(&r->out, "</h1><p>");
    buf_html(&r->out, message ? message : "");
    /* Customers answering a survey link see no way into the portfolio. */
    buf_puts(&r->out, r->signed_in ? "</p><p><a href=\"/\">Back to the matrix</a></p>" : "</p>");
    buf_puts(&r->out, "</main></body></html>");
    return http;
}

int web_refuse(struct web_req *r, enum web_refusal why, const char *field, const char *message)
{
    int http = 500;
    switch (why) {
    case WEB_BAD_REQUEST: http = 400; break;
    case WEB_FORBIDDEN: http = 403; break;
    case WEB_NOT_FOUND: http = web_http_status(CVOM_ENOTFOUND); break;
    case WEB_CONFLICT: http = web_http_status(CVOM_ECONFLICT); break;
    case WEB_PRECONDITION_FAILED: http = 412; break;
    case WEB_TOO_LARGE: http = 413; break;
    case WEB_UNSUPPORTED_TYPE: http = 415; break;
    case WEB_INVALID: http = web_http_status(CVOM_EINVAL); break;
    case WEB_BUSY: http = web_http_status(CVOM_EBUSY); break;
    }
    return web_error(r, http, NULL, message, field);
}

static const char *method_name(enum web_method m);

int web_fail(struct web_req *r, enum cvom_status st, const struct cvom_error *err)
{
    int http = web_http_status(st);
    const char *msg = err && err->message[0] ? err->message : cvom_status_str(st);
    if (http == 500) /* the detail of an internal failure stays in the log */
        fprintf(stderr, "cvom serve: %s %s: %s\n", method_name(r->method),
                r->pattern ? r->pattern : "(no route)", msg);
    return web_error(r, http, NULL, http == 500 ? "The server could not do that." : msg,
                     err ? err->field : NULL);
}

int web_redirect(struct web_req *r, const char *path)
{
    /* Only paths of this site: an absolute URL or "//host" could send people elsewhere, and
     * browsers drop tabs and line breaks from URLs and read '\\' as '/', so "/\t/evil" is
     * "//evil" to them. */
    int ok = path[0] == '/' && path[1] != '/';
    for (const char *p = path; ok && *p; p++)
        ok = (unsigned char)*p > 0x20 && *p != 0x7f && *p != '\\';
    if (!ok)
        path = "/";
    snprintf(r->location, sizeof r->location, "%s", path);
    buf_reset(&r->out);
    r->out_type = "text/plain; charset=utf-8";
    r->status = 303;
    return 303;
}

/* ---- routing ------------------------------------------------------------------------------ */

static enum web_method method_of(const char *m)
{
    static const char *const names[M_COUNT] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    for (int i = 0; i < M_OTHER; i++)
        if (strcmp(m, names[i]) == 0)
            return (enum web_method)i;
    return M_OTHER;
}

static const char *method_name(enum web_method m)
{
    static const char *const names[M_COUNT] = {"GET",   "HEAD",   "POST", "PUT",
                                               "PATCH", "DELETE", "OTHER"};
    return (unsigned)m < M_COUNT ? names[m] : "OTHER";
}

static int unhex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decode one percent-encoded path segment; -1 when malformed or too long. */
static int segment(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o + 1 >= cap)
            return -1;
        if (s[i] == '%') {
            int hi = i + 2 < n ? unhex(s[i + 1]) : -1, lo = i + 2 < n ? unhex(s[i + 2]) : -1;
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

/* Whether path matches pattern; captures go into r->param. */
static int match(const char *pattern, const char *path, struct web_req *r)
{
    size_t np = 0;
    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *close = strchr(pattern, '}');
            size_t len = strcspn(path, "/");
            if (!close || len == 0 || np == WEB_PARAMS_MAX ||
                segment(path, len, r->param[np], sizeof r->param[np]))
                return 0;
            np++;
            pattern = close + 1;
            path += len;
            continue;
        }
        if (*pattern != *path)
            return 0;
        pattern++;
        path++;
    }
    if (*pattern || *path)
        return 0;
    r->n_param = np;
    return 1;
}

static int role_allows(enum web_access a, const struct web_req *r)
{
    switch (a) {
    case A_PUBLIC: return 1;
    case A_VIEWER: return r->signed_in;
    case A_MANAGER: return r->signed_in && r->user.role >= CVOM_ROLE_MANAGER;
    case A_ADMIN: return r->signed_in && r->user.role == CVOM_ROLE_ADMIN;
    }
    return 0;
}

static int unsafe(enum web_method m)
{
    return m == M_POST || m == M_PUT || m == M_PATCH || m == M_DELETE;
}

/* A request is one transaction with no effect outside the database before it commits, so
 * when the database gave it up for a deadlock or a serialization failure with another
 * server's, it is run again, whole, a few times after short random pauses. */
#define HANDLER_TRIES 4

/* An API handler's change (api_finish) is committed only once its answer is built: an
 * answer that could not be built, short of memory, undoes the change rather than telling the
 * client of a failure after the change was made. */
static int settle(struct web_req *r, int http)
{
    r->commit_pending = 0;
    if (http >= 200 && http < 400 && !r->out.failed) {
        enum cvom_status st = r->store->ops->commit(r->store, &r->err);
        if (!st)
            return http;
        r->store->ops->rollback(r->store);
        r->location[0] = r->etag[0] = r->link[0] = '\0';
        return web_fail(r, st, &r->err);
    }
    r->store->ops->rollback(r->store);
    return http;
}

static int run_handler(const struct web_route *hit, struct web_req *r)
{
    int http = 0;
    cvom__store_retry(r->store); /* a mark left by an earlier request on this connection */
    for (int tries = 1;; tries++) {
        api_json_short(1);
        http = hit->handler(r);
        if (api_json_short(1) && http < 500) /* an answer with members dropped, not sent */
            http = web_fail(r, CVOM_ENOMEM, NULL);
        if (r->commit_pending)
            http = settle(r, http);
        /* Only an answer that failed for that reason (503) is tried again: a handler that
         * succeeded is never run twice. */
        if (!cvom__store_retry(r->store) || http != 503 || tries == HANDLER_TRIES)
            return http;
        r->store->ops->rollback(r->store);
        buf_reset(&r->out);
        r->status = 0;
        r->location[0] = r->etag[0] = r->allow[0] = r->cookie[0] = r->link[0] = '\0';
        r->retry_after[0] = '\0';
        r->etag_version = 0;
        r->err_line = r->err_column = 0;
        unsigned char pause;
        randombytes_buf(&pause, 1);
        usleep(1000u * (5u + pause % 20u) * (unsigned)tries);
    }
}

static int run_route(struct web_req *r, const void *route)
{
    return run_handler(route, r);
}

static int route(struct web_req *r)
{
    const struct web_route *hit = NULL;
    int path_known = 0;
    enum web_method m = r->method == M_HEAD ? M_GET : r->method;
    unsigned allowed = 0; /* methods routed for this path, for a 405's Allow header */
    for (size_t t = 0; web_route_tables[t] && !hit; t++) {
        for (const struct web_route *rt = web_route_tables[t]; rt->pattern && !hit; rt++) {
            if (!match(rt->pattern, r->path, r))
                continue;
            path_known = 1;
            allowed |= 1u << rt->method;
            if (rt->method == m)
                hit = rt;
        }
    }
    if (!hit && path_known) {
        size_t used = 0;
        if (allowed & (1u << M_GET))
            allowed |= 1u << M_HEAD;
        for (int i = 0; i < M_OTHER; i++)
            if (allowed & (1u << i))
                used += (size_t)snprintf(r->allow + used, sizeof r->allow - used, "%s%s",
                                         used ? ", " : "", method_name((enum web_method)i));
        return web_error(r, 405, NULL, "That method is not allowed here.", NULL);
    }
    if (!hit)
        return web_error(r, 404, NULL,
                         r->is_api ? "There is no such endpoint; see /api/v1/openapi.json."
                                   : "There is no such page.",
                         NULL);
    r->pattern = hit->pattern;
    enum cvom_status st = store_pool_take(&r->app->pool, &r->store, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    if ((st = web_auth_identify(r)) != CVOM_OK)
        return web_fail(r, st, &r->err);
    if (!role_allows(hit->access, r)) {
        if (r->signed_in)
            return web_error(r, 403, NULL, "Your role does not allow this.", NULL);
        if (!r->is_api && r->method == M_GET) {
            char next[WEB_URI_MAX + 32];
            struct buf b;
            buf_init(&b, sizeof next);
            buf_puts(&b, "/signin?next=");
            buf_url(&b, r->path);
            snprintf(next, sizeof next, "%s", b.failed ? "/signin" : b.p);
            buf_free(&b);
            return web_redirect(r, next);
        }
        return web_error(r, 401, NULL, "Please sign in first.", NULL);
    }
    if (unsafe(r->method) && !hit->csrf_exempt && !r->via_token && !web_csrf_ok(r))
        return web_error(r, 403, "csrf",
                         "This form has expired or did not come from this site. Please reload "
                         "the page and try again.",
                         NULL);
    int http;
    if (r->is_api && (http = web_api_query_check(r, hit->pattern)) != 0)
        return http;
    if (r->is_api && r->method == M_POST && web_header(r, "Idempotency-Key"))
        return web_api_idempotent(r, run_route, hit);
    return run_handler(hit, r);
}

/* ---- the MHD side --------------------------------------------------------------------------- */

static void add_security_headers(struct MHD_Response *resp, const struct web_req *r)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                            "frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Cache-Control", r->cache[0] ? r->cache : "no-store");
}

/* The path for the access log: bytes that could break a line or a field become %XX. */
static void log_path(const struct web_req *r, char *out, size_t cap)
{
    const char *p = r->path;
    if (r->pattern && (strstr(r->pattern, "{token}") || strstr(r->pattern, "{secret}")))
        p = r->pattern;
    size_t o = 0;
    for (; *p && o + 4 < cap; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= 0x20 || ch >= 0x7f)
            o += (size_t)snprintf(out + o, cap - o, "%%%02X", ch);
        else
            out[o++] = (char)ch;
    }
    out[o] = '\0';
    if (!o)
        snprintf(out, cap, "-");
}

static void access_log(struct web_req *r, size_t bytes, double ms)
{
    FILE *f = r->app->access_log;
    if (!f)
        return;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    pthread_mutex_lock(&r->app->log_lock);
    /* The path is logged without its query string, which may carry secrets, and a route's
     * pattern stands for a path that holds one (a setup token, a survey link). */
    char path[WEB_URI_MAX + 1];
    log_path(r, path, sizeof path);
    fprintf(f, "%s %s %s %s %s %d %zu %.1fms %s\n", when, r->address[0] ? r->address : "-",
            r->signed_in ? r->user.name : "-", method_name(r->method), path, r->status, bytes, ms,
            r->request_id);
    fflush(f);
    pthread_mutex_unlock(&r->app->log_lock);
}

/* Whether an If-None-Match header names tag: "*", or one of a comma-separated list of tags,
 * weak ones (W/"…") compared by their value as RFC 9110 says. */
static int none_match(const char *inm, const char *tag)
{
    size_t n = strlen(tag);
    while (*inm) {
        inm += strspn(inm, " \t,");
        if (strncmp(inm, "W/", 2) == 0)
            inm += 2;
        size_t len = strcspn(inm, ",");
        while (len && (inm[len - 1] == ' ' || inm[len - 1] == '\t'))
            len--;
        if ((len == 1 && inm[0] == '*') || (len == n && len && memcmp(inm, tag, n) == 0))
            return 1;
        inm += len;
        inm += strcspn(inm, ",");
    }
    return 0;
}

/* A strong tag for an API answer that has none of its own: a digest of its bytes, so that a
 * client can ask again with If-None-Match and be told 304 when nothing changed. */
void web_tag(const void *data, size_t len, char out[WEB_TAG_MAX])
{
    unsigned char d[16];
    crypto_generichash(d, sizeof d, data, len, NULL, 0);
    char *p = out;
    *p++ = '"';
    for (size_t i = 0; i < sizeof d; i++, p += 2)
        snprintf(p, 3, "%02x", d[i]);
    snprintf(p, 2, "\"");
}

static void body_etag(struct web_req *r)
{
    if (!r->is_api || r->status != 200 || !r->out.p || r->lent)
        return;
    if (r->etag_version && r->etag[0]) {
        /* "N" becomes "N-digest": If-Match reads the version, If-None-Match the whole, so
         * that an answer that changed without the record (a score) is not called unchanged. */
        char tag[WEB_TAG_MAX];
        web_tag(r->out.p, r->out.len, tag);
        size_t n = strlen(r->etag);
        snprintf(r->etag + n - 1, sizeof r->etag - (n - 1), "-%s", tag + 1);
        r->etag_version = 0;
        return;
    }
    if (!r->etag[0] && (r->method == M_GET || r->method == M_HEAD))
        web_tag(r->out.p, r->out.len, r->etag);
}

static enum MHD_Result respond(struct MHD_Connection *c, struct web_req *r)
{
    static char empty[1];
    body_etag(r);
    const char *inm = r->etag[0] ? web_header(r, "If-None-Match") : NULL;
    if (inm && none_match(inm, r->etag) && (r->method == M_GET || r->method == M_HEAD) &&
        r->status == 200) {
        r->status = 304;
        buf_reset(&r->out);
    }
    size_t len = r->method == M_HEAD || r->status == 304 || !r->out.p ? 0 : r->out.len;
    struct MHD_Response *resp;
    if (r->lent && r->method != M_HEAD && r->status != 304) {
        /* A lent body goes out as it is; MHD gives it back once sent. */
        len = r->lent_len;
        resp = MHD_create_response_from_buffer_with_free_callback_cls(
            len, (void *)(uintptr_t)r->lent, r->lent_release, r->lent_cls);
        if (resp)
            r->lent = NULL;
    } else if (len) {
        /* The body is handed over, not copied: MHD frees it once sent. */
        resp = MHD_create_response_from_buffer(len, r->out.p, MHD_RESPMEM_MUST_FREE);
        if (resp)
            memset(&r->out, 0, sizeof r->out);
    } else {
        resp = MHD_create_response_from_buffer(0, empty, MHD_RESPMEM_PERSISTENT);
    }
    r->sent = len;
    if (!resp)
        return MHD_NO;
    add_security_headers(resp, r);
    if (r->out_type)
        MHD_add_response_header(resp, "Content-Type", r->out_type);
    if (r->location[0])
        MHD_add_response_header(resp, "Location", r->location);
    if (r->cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->cookie);
    if (r->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    if (r->status == 405)
        MHD_add_response_header(resp, "Allow", r->allow[0] ? r->allow : "GET, HEAD");
    if (r->etag[0])
        MHD_add_response_header(resp, "ETag", r->etag);
    if (r->link[0])
        MHD_add_response_header(resp, "Link", r->link);
    if (r->status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"cvom\"");
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    if (r->retry_after[0])
        MHD_add_response_header(resp, "Retry-After", r->retry_after);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

struct req_state {
    struct web_req r;
    size_t uri_len; /* of the whole request target, query string included */
    int begun;
    struct timespec start;
    int answered; /* a response was queued before the body was read */
    int too_large;
    int short_of_memory; /* the body could not be kept */
};

static double since_ms(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) * 1e3 + (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

static void peer_address(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

/* An IP address in the form inet_ntop gives (as peers' addresses are written); 0 when text
 * is not one. */
static int canonical_ip(const char *text, char *out, size_t cap)
{
    unsigned char bin[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, text, bin) == 1)
        return inet_ntop(AF_INET, bin, out, (socklen_t)cap) != NULL;
    if (inet_pton(AF_INET6, text, bin) == 1)
        return inet_ntop(AF_INET6, bin, out, (socklen_t)cap) != NULL;
    return 0;
}

/* The last address of an X-Forwarded-For header (the one the proxy itself added); 0 when
 * there is none or it is not an IP address. */
static int forwarded_for(struct MHD_Connection *c, char *out, size_t cap)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!h)
        return 0;
    const char *last = strrchr(h, ',');
    last = last ? last + 1 : h;
    last += strspn(last, " \t");
    char text[64];
    snprintf(text, sizeof text, "%.*s", (int)strcspn(last, " \t"), last);
    return canonical_ip(text, out, cap);
}

/* The client's address: the peer's, or, when the peer is the trusted proxy, the one its
 * X-Forwarded-For names (a client cannot choose it, since only the proxy's is believed). */
static void client_address(struct web_app *app, struct MHD_Connection *c, char *out, size_t cap)
{
    peer_address(c, out, cap);
    char fwd[64];
    if (app->trusted_proxy[0] && strcmp(out, app->trusted_proxy) == 0 &&
        forwarded_for(c, fwd, sizeof fwd))
        snprintf(out, cap, "%s", fwd);
}

size_t web_body_limit(const char *path)
{
    if (strcmp(path, "/import/commit") == 0)
        return WEB_COMMIT_MAX;
    return strcmp(path, "/import") == 0 || strncmp(path, "/api/v1/imports", 15) == 0 ||
                   strcmp(path, "/api/v1/scores") == 0
               ? WEB_UPLOAD_MAX
               : WEB_BODY_MAX;
}

/* Called by MHD with the whole request target, before the request is parsed: it is the
 * only place that sees the query string's length. The state made here becomes *con_cls.
 *
 * The query string is ours alone (web_query_form decodes it), so it is copied here and
 * MHD is left an empty one. MHD would otherwise store every argument in the connection's
 * memory before any handler runs, and a few hundred short arguments ("a&a&a…", some 50
 * bytes of record each) exhaust that memory: the connection was then closed without an
 * answer, since no memory was left to build one. The target is MHD's own writable copy of
 * the request line (it cuts the query off there itself, right after this call), so the
 * const of the callback's signature only promises that MHD does not need it intact. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    struct req_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->uri_len = strlen(uri);
    char *q = strchr((char *)(uintptr_t)uri, '?');
    if (q && s->uri_len <= WEB_URI_MAX) {
        s->r.raw_query = strdup(q + 1);
        s->short_of_memory = !s->r.raw_query;
    }
    if (q)
        q[1] = '\0';
    return s;
}

/* Leave request targets as they came: paths are decoded segment by segment by the router,
 * query strings by web_query_form. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static enum MHD_Result count_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    (void)value;
    if (strcasecmp(key, "Content-Length") == 0)
        (*(int *)cls)++;
    return MHD_YES;
}

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    (void)kind;
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
    return MHD_YES;
}

/* X-Request-Id: the client's own when it is 1 to 64 letters, digits and . _ : -, so that it
 * can go into a log line and a header as it is; otherwise one made here (128 random bits). */
static void request_id(struct web_req *r)
{
    const char *id = web_header(r, "X-Request-Id");
    size_t n = id ? strlen(id) : 0;
    int sane = n > 0 && n <= 64;
    for (size_t i = 0; sane && i < n; i++)
        sane = (id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
               (id[i] >= '0' && id[i] <= '9') || strchr("._:-", id[i]) != NULL;
    if (sane) {
        snprintf(r->request_id, sizeof r->request_id, "%s", id);
        return;
    }
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(r->request_id + 2 * i, 3, "%02x", b[i]);
}

/* ---- the connection table ------------------------------------------------------------------- */

static void idle_unlink(struct web_conns *t, struct web_conn *e)
{
    if (!e->idle)
        return;
    if (e->prev)
        e->prev->next = e->next;
    else
        t->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        t->tail = e->prev;
    e->prev = e->next = NULL;
    e->idle = 0;
}

static void idle_push(struct web_conns *t, struct web_conn *e)
{
    if (e->idle || e->evicted)
        return;
    e->prev = t->tail;
    e->next = NULL;
    if (t->tail)
        t->tail->next = e;
    else
        t->head = e;
    t->tail = e;
    e->idle = 1;
}

/* Make room for `fresh`: shut the oldest idle connections down while too many are open.
 * libmicrohttpd sees the end of their streams and closes them in their own thread; their
 * descriptors stay valid until then, since it tells on_connection (which takes the lock
 * held here) before it closes one. */
static void make_room(struct web_conns *t, const struct web_conn *fresh)
{
    while (t->open - t->evicting > t->soft_max && t->head && t->head != fresh) {
        struct web_conn *old = t->head;
        idle_unlink(t, old);
        old->evicted = 1;
        t->evicting++;
        if (old->fd >= 0)
            shutdown(old->fd, SHUT_RDWR);
    }
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct web_conns *t = &((struct web_app *)cls)->conns;
    struct web_conn *e = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        if (!(e = calloc(1, sizeof *e)))
            return; /* not counted: it is never chosen, and never uncounted */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        e->fd = ci ? ci->connect_fd : -1;
        *socket_context = e;
        pthread_mutex_lock(&t->lock);
        t->open++;
        idle_push(t, e);
        make_room(t, e);
        pthread_mutex_unlock(&t->lock);
        return;
    }
    if (!e)
        return;
    pthread_mutex_lock(&t->lock);
    idle_unlink(t, e);
    t->open--;
    t->evicting -= e->evicted ? 1 : 0;
    pthread_mutex_unlock(&t->lock);
    free(e);
    *socket_context = NULL;
}

/* A request of connection c is in a handler (busy 1) or done with (busy 0). */
static void conn_busy(struct web_app *app, struct MHD_Connection *c, int busy)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct web_conn *e = ci ? ci->socket_context : NULL;
    if (!e)
        return;
    pthread_mutex_lock(&app->conns.lock);
    if (busy)
        idle_unlink(&app->conns, e);
    else
        idle_push(&app->conns, e);
    pthread_mutex_unlock(&app->conns.lock);
}

/* ---- requests -------------------------------------------------------------------------------- */

/* The fields a query string holds at most (empty ones are skipped when it is decoded). */
static size_t query_fields(const char *q)
{
    size_t n = q && q[0] ? 1 : 0;
    for (; q && *q; q++)
        n += *q == '&';
    return n;
}

/* First call for a request: headers are in, the body is not. Decide early what can be
 * decided without reading it. */
static enum MHD_Result begin(struct web_app *app, struct MHD_Connection *c, const char *url,
                             const char *method, struct req_state *s)
{
    struct web_req *r = &s->r;
    s->begun = 1;
    clock_gettime(CLOCK_MONOTONIC, &s->start);
    conn_busy(app, c, 1);
    r->app = app;
    r->conn = c;
    r->method = method_of(method);
    r->status = 200;
    buf_init(&r->out, WEB_OUT_MAX);
    client_address(app, c, r->address, sizeof r->address);
    request_id(r);
    size_t ulen = strlen(url);
    snprintf(r->path, sizeof r->path, "%.*s", (int)(ulen < WEB_URI_MAX ? ulen : WEB_URI_MAX), url);
    r->is_api = strncmp(r->path, "/api/", 5) == 0;
    buf_init(&r->body, web_body_limit(r->path));
    r->content_type = web_header(r, "Content-Type");
    if (ulen > WEB_URI_MAX || s->uri_len > WEB_URI_MAX) {
        web_error(r, 414, NULL, "The address is too long.", NULL);
        s->answered = 1;
        return respond(c, r);
    }
    if (query_fields(r->raw_query) > WEB_FIELDS_MAX) {
        web_error(r, 414, NULL, "The address has too many parameters.", NULL);
        s->answered = 1;
        return respond(c, r);
    }
    size_t headers = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_size, &headers);
    if (headers > WEB_HEADERS_MAX) {
        web_error(r, 431, NULL, "The request's headers are too large.", NULL);
        s->answered = 1;
        return respond(c, r);
    }
    int lengths = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_value, &lengths);
    if (lengths > 1) { /* two lengths are how requests are smuggled past proxies */
        web_error(r, 400, NULL, "The request has more than one Content-Length.", NULL);
        s->answered = 1;
        return respond(c, r);
    }
    const char *cl = web_header(r, "Content-Length");
    long long n = cl ? strtoll(cl, NULL, 10) : 0;
    if (n < 0 || (unsigned long long)n > web_body_limit(r->path)) {
        web_error(r, 413, NULL, "The request is larger than this server accepts.", NULL);
        s->answered = 1;
        return respond(c, r);
    }
    return MHD_YES;
}

/* The state of a request that could not have one: its answer is queued, its body dropped. */
static char short_of_memory;

/* 503 when the request's own state could not be allocated: a body that needs no memory of
 * ours (MHD's response is MHD's), so that the client hears why rather than a closed line. */
static enum MHD_Result answer_short_of_memory(struct MHD_Connection *c, const char *url)
{
    static const char json[] = "{\"error\":{\"code\":\"unavailable\",\"message\":"
                               "\"The server is short of memory: please try again.\","
                               "\"field\":null}}";
    static const char text[] = "The server is short of memory: please try again.\n";
    int api = strncmp(url, "/api/", 5) == 0;
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        api ? sizeof json - 1 : sizeof text - 1, (void *)(uintptr_t)(api ? json : text),
        MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type",
                            api ? "application/json" : "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "Retry-After", "1");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, 503, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    struct web_app *app = cls;
    struct req_state *s = *con_cls;
    if (s == (void *)&short_of_memory) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (!s) { /* the URI callback could not allocate */
        *con_cls = &short_of_memory;
        *upload_size = 0;
        return answer_short_of_memory(c, url);
    }
    if (!s->begun)
        return begin(app, c, url, method, s);
    struct web_req *r = &s->r;
    if (*upload_size) {
        if (!s->answered) {
            buf_add(&r->body, upload, *upload_size);
            if (r->body.failed == BUF_NO_MEMORY)
                s->short_of_memory = 1;
            else if (r->body.failed)
                s->too_large = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (s->answered)
        return MHD_YES;
    s->answered = 1;
    /* The query string, cookies and form body are decoded before any handler reads them, so
     * that a decoder short of memory is not taken for malformed input or a missing cookie. */
    web_query_form(r);
    web_cookie(r, "");
    web_form(r);
    if (s->short_of_memory || r->query_state == -2 || r->cookies_state == -2 || r->form_state == -2)
        web_error(r, 503, NULL, "The server is short of memory: please try again.", NULL);
    else if (s->too_large)
        web_error(r, 413, NULL, "The request is larger than this server accepts.", NULL);
    else if (r->method == M_OTHER)
        web_error(r, 405, NULL, "That method is not allowed here.", NULL);
    else
        r->status = route(r);
    if (r->out.failed == BUF_NO_MEMORY)
        web_error(r, 503, NULL, "The server is short of memory: please try again.", NULL);
    else if (r->out.failed)
        web_error(r, 500, NULL, "The answer was too large to build.", NULL);
    return respond(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    struct web_app *app = cls;
    struct req_state *s = *con_cls;
    if (!s || s == (void *)&short_of_memory) {
        *con_cls = NULL;
        return;
    }
    struct web_req *r = &s->r;
    if (s->begun)
        conn_busy(app, c, 0);
    if (!s->begun) { /* the connection ended before the headers were complete */
        free(s->r.raw_query);
        free(s);
        *con_cls = NULL;
        return;
    }
    access_log(r, r->sent, since_ms(&s->start));
    if (r->lent && r->lent_release) /* lent but never handed to a response */
        r->lent_release(r->lent_cls);
    store_pool_give(&app->pool, r->store);
    buf_free(&r->out);
    buf_free(&r->body);
    form_free(&r->form);
    form_free(&r->query);
    form_free(&r->cookies);
    free(r->raw_query);
    free(s);
    *con_cls = NULL;
}

/* ---- start and stop ---------------------------------------------------------------------------
 */

static int parse_address(const char *host, unsigned short port, struct sockaddr_storage *ss,
                         socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    char h[256];
    snprintf(h, sizeof h, "%s", host);
    if (h[0] == '[') { /* [::1] */
        memmove(h, h + 1, strlen(h));
        char *close = strchr(h, ']');
        if (close)
            *close = '\0';
    }
    if (strcmp(h, "localhost") == 0)
        snprintf(h, sizeof h, "127.0.0.1");
    if (inet_pton(AF_INET, h, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        *len = sizeof *v4;
        return AF_INET;
    }
    if (inet_pton(AF_INET6, h, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        *len = sizeof *v6;
        return AF_INET6;
    }
    return -1;
}

/* libmicrohttpd's own limit, above --max-connections: it splits its limit evenly between
 * the worker threads, and a worker at its share stops accepting, so the table is kept at
 * --max-connections by make_room and this only bounds the moment between a new connection
 * and the close of the one it displaced. */
static unsigned conn_limit(const struct web_options *o)
{
    return o->max_connections + o->max_connections / 4 + o->threads;
}

static void app_cleanup(struct web_app *app)
{
    for (size_t i = 0; i < app->pool.n_free; i++)
        cvom__store_close(app->pool.free[i]);
    app->pool.n_free = 0;
    if (app->access_log && app->access_log != stdout)
        fclose(app->access_log);
    pthread_mutex_destroy(&app->pool.lock);
    pthread_mutex_destroy(&app->conns.lock);
    pthread_mutex_destroy(&app->log_lock);
    pthread_mutex_destroy(&app->hash_lock);
    pthread_cond_destroy(&app->hash_cond);
}

enum cvom_status web_serve(const char *location, const struct web_options *o,
                           struct cvom_error *err)
{
    const char *why = cvom__lazy_microhttpd_load();
    if (why)
        return cvom_error_set(err, CVOM_EIO, "cannot start the web server: %s", why);
    struct web_app app;
    memset(&app, 0, sizeof app);
    api_json_memory();
    pthread_mutex_init(&app.pool.lock, NULL);
    pthread_mutex_init(&app.conns.lock, NULL);
    app.conns.soft_max = o->max_connections;
    pthread_mutex_init(&app.log_lock, NULL);
    pthread_mutex_init(&app.hash_lock, NULL);
    pthread_cond_init(&app.hash_cond, NULL);
    snprintf(app.pool.location, sizeof app.pool.location, "%s", location);
    app.secure_cookies = o->secure_cookies;
    if (o->trusted_proxy &&
        !canonical_ip(o->trusted_proxy, app.trusted_proxy, sizeof app.trusted_proxy)) {
        app_cleanup(&app);
        return cvom_error_set(err, CVOM_EINVAL, "--trusted-proxy takes an IP address, not '%s'",
                              o->trusted_proxy);
    }
    app.session_idle = o->session_idle;
    app.session_max = o->session_max;
    app.signin = (struct cvom_signin_limits){.window = FAIL_WINDOW,
                                             .pair_free = FAIL_PAIR_FREE,
                                             .address_free = FAIL_ADDRESS_FREE,
                                             .first_delay = FAIL_FIRST_DELAY,
                                             .max_delay = FAIL_MAX_DELAY,
                                             .ceiling = o->signin_ceiling};
    app.hashing_max = 2;
    if (o->access_log)
        app.access_log = strcmp(o->access_log, "-") == 0 ? stdout : fopen(o->access_log, "a");

    struct sockaddr_storage ss;
    socklen_t slen;
    int family = parse_address(o->host, o->port, &ss, &slen);
    if (family < 0) {
        app_cleanup(&app);
        return cvom_error_set(err, CVOM_EINVAL, "cannot listen on '%s': not an IP address",
                              o->host);
    }
    /* Prepare the database once: migrations and the default instrument. */
    struct cvom_store *st;
    enum cvom_status s = store_pool_take(&app.pool, &st, err);
    if (!s)
        s = web_auth_prepare(&app, st, o, err);
    store_pool_give(&app.pool, st);
    if (s) {
        app_cleanup(&app);
        return s;
    }

    /* Workers inherit this mask, so only the sigwait below sees the stop signals. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | (family == AF_INET6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, o->port, NULL, NULL, on_request, &app, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads, MHD_OPTION_CONNECTION_LIMIT,
        conn_limit(o), MHD_OPTION_NOTIFY_CONNECTION, on_connection, &app,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_address,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &app,
        MHD_OPTION_URI_LOG_CALLBACK, uri_seen, &app, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape,
        &app, MHD_OPTION_END);
    if (!d) {
        app_cleanup(&app);
        return cvom_error_set(err, CVOM_EIO, "cannot listen on %s:%u (%s)", o->host,
                              (unsigned)o->port, strerror(errno));
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : o->port;
    int v6 = family == AF_INET6;
    printf("cvom serve: listening on http://%s%s%s:%u/\n", v6 ? "[" : "", o->host, v6 ? "]" : "",
           port);
    snprintf(app.public_origin, sizeof app.public_origin, "http://%s%s%s:%u", v6 ? "[" : "",
             o->host, v6 ? "]" : "", port);
    web_auth_announce(&app, location);
    fflush(stdout);
    if (o->port_file) {
        FILE *pf = fopen(o->port_file, "w");
        if (pf) {
            fprintf(pf, "%u\n", port);
            fclose(pf);
        }
    }
    int sig = 0;
    sigwait(&stop, &sig);
    app.stopping = 1;
    fprintf(stderr, "cvom serve: %s received, finishing requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_quiesce_daemon(d);
    MHD_stop_daemon(d);
    app_cleanup(&app);
    fprintf(stderr, "cvom serve: stopped\n");
    return CVOM_OK;
}
