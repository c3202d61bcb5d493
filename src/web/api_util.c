/* api_util.c — the shared plumbing of the JSON API: bodies in, answers out, query
 * parameters, account visibility and transactions. */
#include "web/api_util.h"

#include "io/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- answers ------------------------------------------------------------------------------ */

int api_send(struct web_req *r, int http, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(body);
    if (!text) /* json_dumps fails only for want of memory */
        return web_fail(r, CVOM_ENOMEM, NULL);
    buf_reset(&r->out);
    buf_puts(&r->out, text);
    free(text);
    r->out_type = "application/json";
    r->status = http;
    return http;
}

int api_no_content(struct web_req *r)
{
    buf_reset(&r->out);
    r->out_type = NULL;
    r->status = 204;
    return 204;
}

int api_invalid(struct web_req *r, const char *field, const char *message)
{
    return web_refuse(r, WEB_INVALID, field, message);
}

json_t *api_str(const char *s)
{
    json_t *v = json_string(s);
    if (v)
        return v;
    struct buf b;
    buf_init(&b, 3 * strlen(s) + 1);
    buf_utf8(&b, s);
    buf_add(&b, "", 1);
    v = b.failed ? NULL : json_string(b.p);
    buf_free(&b);
    return v ? v : json_string("");
}

json_t *api_num(double v)
{
    return v != v ? json_null() : json_real(v);
}

json_t *api_num2(double v)
{
    if (v != v)
        return json_null();
    /* Printed and read back, so that the API and the command line agree to the last bit. */
    char text[64];
    double d;
    snprintf(text, sizeof text, "%.2f", v);
    return cvom__parse_double(text, &d) == CVOM_OK ? json_real(d) : json_real(v);
}

json_t *api_date(int32_t days)
{
    char d[11];
    if (!days) /* no date: null, as every empty value (docs/formats.md) */
        return json_null();
    cvom_date_format(days, d);
    return json_string(d);
}

/* ---- request bodies ---------------------------------------------------------------------- */

static int is_json_type(const char *ct)
{
    static const char want[] = "application/json";
    if (!ct || strncasecmp(ct, want, sizeof want - 1) != 0)
        return 0;
    char next = ct[sizeof want - 1];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

/* The deepest nesting of objects and arrays in text, strings skipped; stops counting once
 * past limit. Malformed text is left for the parser to report. */
static int nesting(const char *p, size_t n, int limit)
{
    int depth = 0, deepest = 0, in_string = 0;
    for (size_t i = 0; i < n && deepest <= limit; i++) {
        char c = p[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > deepest)
                deepest = depth;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

/* Jansson's allocator is ours, to know when one of its allocations failed: its lexer reports
 * that as a syntax error ("string expected"), which would blame the client with a 400, and a
 * json_object_set_new given the NULL of a failed constructor drops the member without a word,
 * which would answer 200 with a field missing. Both become a 503 instead. */
static _Thread_local int json_short;

int api_json_short(int reset)
{
    int was = json_short;
    if (reset)
        json_short = 0;
    return was;
}

static void *json_alloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        json_short = 1;
    return p;
}

static void json_release(void *p)
{
    free(p);
}

void api_json_memory(void)
{
    json_set_alloc_funcs(json_alloc, json_release);
}

json_t *api_body(struct web_req *r, int *http)
{
    if (!is_json_type(r->content_type)) {
        *http = web_refuse(r, WEB_UNSUPPORTED_TYPE, NULL,
                           "The body must be JSON, sent as application/json.");
        return NULL;
    }
    if (r->body.len == 0) {
        *http =
            web_refuse(r, WEB_BAD_REQUEST, NULL, "The request needs a JSON object as its body.");
        return NULL;
    }
    if (nesting(r->body.p, r->body.len, API_DEPTH_MAX) > API_DEPTH_MAX) {
        char msg[96];
        snprintf(msg, sizeof msg, "The JSON body is nested deeper than %d levels.", API_DEPTH_MAX);
        *http = web_refuse(r, WEB_BAD_REQUEST, NULL, msg);
        return NULL;
    }
    json_error_t je;
    json_short = 0;
    json_t *o = json_loadb(r->body.p, r->body.len, JSON_REJECT_DUPLICATES, &je);
    if (!o && (json_short || json_error_code(&je) == json_error_out_of_memory)) {
        *http = web_fail(r, CVOM_ENOMEM, NULL);
        return NULL;
    }
    if (!o) {
        char msg[320];
        snprintf(msg, sizeof msg, "Malformed JSON at line %d, column %d (byte %d): %s", je.line,
                 je.column, je.position, je.text);
        *http = web_refuse(r, WEB_BAD_REQUEST, NULL, msg);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        *http = web_refuse(r, WEB_INVALID, NULL, "The body must be a JSON object.");
        return NULL;
    }
    return o;
}

int api_known_fields(struct web_req *r, json_t *o, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i]) {
            char field[64];
            cvom__copy_str(field, sizeof field, key);
            return web_refuse(r, WEB_INVALID, field, "There is no such field.");
        }
    }
    return 0;
}

/* ---- versions ------------------------------------------------------------------------------ */

/* A version as the ETag gives it, "N" or "N-digest" (quotes optional, W/ refused: a weak
 * tag does not promise the same bytes); 0 or -1. */
static int parse_tag(const char *s, int64_t *out)
{
    char digits[24];
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
    }
    const char *dash = memchr(s, '-', n);
    if (dash)
        n = (size_t)(dash - s);
    if (n == 0 || n >= sizeof digits)
        return -1;
    memcpy(digits, s, n);
    digits[n] = '\0';
    return api_parse_id(digits, out);
}

int api_version(struct web_req *r, json_t *body, int64_t read, int64_t *version,
                enum api_version_how *how)
{
    const char *tag = web_header(r, "If-Match");
    json_t *v = body ? json_object_get(body, "version") : NULL;
    *version = read;
    *how = API_VERSION_READ;
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return api_invalid(r, "version",
                               "version must be the whole number the record "
                               "was read with.");
        *version = json_integer_value(v);
        *how = API_VERSION_BODY;
        json_object_del(body, "version");
    }
    if (tag && strcmp(tag, "*") != 0) {
        int64_t t;
        if (parse_tag(tag, &t) != 0)
            return web_refuse(r, WEB_PRECONDITION_FAILED, NULL,
                              "If-Match must be the ETag the record was read "
                              "with, such as \"3\".");
        *version = t;
        *how = API_VERSION_IF_MATCH;
    }
    /* An If-Match that is not the version just read fails before anything is tried. */
    if (*how == API_VERSION_IF_MATCH && *version != read) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "The record changed since version %" PRId64 "; it is at version %" PRId64 " now.",
                 *version, read);
        return web_refuse(r, WEB_PRECONDITION_FAILED, NULL, msg);
    }
    return 0;
}

void api_json_tag(json_t *o, char out[WEB_TAG_MAX])
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
    web_tag(text ? text : "", text ? strlen(text) : 0, out);
    free(text);
}

int api_if_match(struct web_req *r, const char *tag)
{
    const char *want = web_header(r, "If-Match");
    if (!want || strcmp(want, "*") == 0 || strcmp(want, tag) == 0)
        return 0;
    return web_refuse(r, WEB_PRECONDITION_FAILED, NULL,
                      "The record changed since it was read (If-Match does not "
                      "name its ETag now).");
}

void api_etag(struct web_req *r, int64_t version)
{
    snprintf(r->etag, sizeof r->etag, "\"%" PRId64 "\"", version);
    r->etag_version = 1;
}

int api_conflict(struct web_req *r, enum api_version_how how, json_t *current)
{
    int http = how == API_VERSION_IF_MATCH ? 412 : 409;
    json_t *e =
        json_pack("{s:s, s:o, s:n, s:o}", "code", http == 412 ? "precondition_failed" : "changed",
                  "message", api_str(r->err.message), "field", "current", current);
    json_t *o = json_pack("{s:o}", "error", e);
    char *text = json_dumps(o, JSON_COMPACT);
    buf_reset(&r->out);
    buf_puts(&r->out, text ? text : "{\"error\":{\"code\":\"internal\"}}");
    free(text);
    json_decref(o);
    r->out_type = "application/json";
    r->status = http;
    return http;
}

/* ---- query parameters --------------------------------------------------------------------- */

int api_parse_id(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t n = 0;
    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 18)
            return -1;
        v = v * 10 + (s[n] - '0');
    }
    if (n == 0 || v <= 0)
        return -1;
    *out = v;
    return 0;
}

int32_t api_today(void)
{
    return (int32_t)(time(NULL) / 86400);
}

int api_as_of(struct web_req *r, int32_t *out)
{
    const char *v = web_query(r, "as_of");
    if (!v || !v[0]) {
        *out = api_today();
        return 0;
    }
    if (cvom_date_parse(v, out))
        return api_invalid(r, "as_of", "as_of must be a date YYYY-MM-DD.");
    return 0;
}

int api_filter(struct web_req *r, struct cvom_account_filter *f, int *none)
{
    static const char *const keys[] = {"owner", "tag", "industry", "region"};
    char *dst[] = {f->owner, f->tag, f->industry, f->region};
    memset(f, 0, sizeof *f);
    *none = 0;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *v = web_query(r, keys[i]);
        if (!v)
            continue;
        if (strlen(v) >= CVOM_FIELD_MAX)
            return api_invalid(r, keys[i], "The filter value is too long.");
        if (i == 1 && strchr(v, ','))
            return api_invalid(r, "tag", "Filter by one tag at a time.");
        cvom__copy_str(dst[i], CVOM_FIELD_MAX, v);
    }
    if (r->user.role == CVOM_ROLE_MANAGER) {
        /* A manager without a display name owns nothing: an empty owner filter would let
         * them see every account. */
        if (!r->user.display[0] || (f->owner[0] && strcmp(f->owner, r->user.display) != 0))
            *none = 1;
        cvom__copy_str(f->owner, sizeof f->owner, r->user.display);
    }
    return 0;
}

/* ---- pages of lists ------------------------------------------------------------------------ */

int api_page_params(struct web_req *r, struct api_page *p)
{
    const char *v;
    p->limit = API_PAGE_DEFAULT;
    p->offset = 0;
    if ((v = web_query(r, "limit")) && cvom__parse_long(v, 1, API_PAGE_MAX, &p->limit)) {
        char msg[64];
        snprintf(msg, sizeof msg, "limit must be a whole number from 1 to %d.", API_PAGE_MAX);
        return api_invalid(r, "limit", msg);
    }
    if ((v = web_query(r, "offset")) && cvom__parse_long(v, 0, 1000000000L, &p->offset))
        return api_invalid(r, "offset", "offset must be a whole number from 0.");
    return 0;
}

int api_send_list(struct web_req *r, const struct api_page *p, json_t *all, json_t *extra)
{
    json_t *page = json_array();
    size_t n = json_array_size(all);
    for (size_t i = (size_t)p->offset; i < n && i - (size_t)p->offset < (size_t)p->limit; i++)
        json_array_append(page, json_array_get(all, i));
    json_decref(all);
    return api_send_page(r, p, page, (int64_t)n, extra);
}

void api_next_link(struct web_req *r, long limit, long offset, int64_t total)
{
    if (offset + limit >= total)
        return;
    const struct form *q = web_query_form(r);
    struct buf b;
    buf_init(&b, sizeof r->link);
    buf_printf(&b, "<%s?", r->path);
    for (size_t i = 0; q && i < q->n; i++) {
        if (strcmp(q->f[i].name, "limit") == 0 || strcmp(q->f[i].name, "offset") == 0)
            continue;
        buf_url(&b, q->f[i].name);
        buf_puts(&b, "=");
        buf_url(&b, q->f[i].value);
        buf_puts(&b, "&");
    }
    buf_printf(&b, "limit=%ld&offset=%ld>; rel=\"next\"", limit, offset + limit);
    buf_add(&b, "", 1);
    if (!b.failed)
        snprintf(r->link, sizeof r->link, "%s", b.p);
    buf_free(&b);
}

int api_send_page(struct web_req *r, const struct api_page *p, json_t *items, int64_t total,
                  json_t *extra)
{
    json_t *o = extra ? extra : json_object();
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "limit", json_integer(p->limit));
    json_object_set_new(o, "offset", json_integer(p->offset));
    json_object_set_new(o, "has_more", json_boolean(p->offset + p->limit < total));
    api_next_link(r, p->limit, p->offset, total);
    return api_send(r, 200, o);
}

/* ---- visibility ----------------------------------------------------------------------- */

int api_visible(const struct web_req *r, const struct cvom_account *a)
{
    return r->user.role != CVOM_ROLE_MANAGER ||
           (r->user.display[0] && strcmp(a->owner, r->user.display) == 0);
}

int api_account(struct web_req *r, struct cvom_account *out)
{
    /* The id, else the external id, as the command line finds them (it also tries names,
     * which are not unique enough to be an address). */
    const char *ref = r->param[0];
    int64_t id = 0;
    enum cvom_status st =
        ref[0] ? r->store->ops->account_find(r->store, ref, out, &r->err) : CVOM_ENOTFOUND;
    if (!st && (api_parse_id(ref, &id) || out->id != id) && strcmp(out->external_id, ref) != 0)
        st = CVOM_ENOTFOUND;
    if (st == CVOM_ENOTFOUND || st == CVOM_EINVAL || (!st && !api_visible(r, out)))
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such account.");
    return st ? web_fail(r, st, &r->err) : 0;
}

/* ---- writing ------------------------------------------------------------------------------- */

int api_begin(struct web_req *r)
{
    enum cvom_status st = r->store->ops->begin(r->store, &r->err);
    return st ? web_fail(r, st, &r->err) : 0;
}

int api_finish(struct web_req *r, enum cvom_status st)
{
    if (!st) { /* committed by the router once the answer is built (server.c, settle) */
        r->commit_pending = 1;
        return 0;
    }
    r->store->ops->rollback(r->store);
    return web_fail(r, st, &r->err);
}

/* A string field as text ("" for null or absent); 0 or the 422 answer's status. */
int api_member_text(struct web_req *r, json_t *body, const char *key, const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = "";
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return api_invalid(r, key, "Expected a string.");
    *out = json_string_value(v);
    return 0;
}

/* A number field as text ("" for null or absent), into buf. */
int api_member_number(struct web_req *r, json_t *body, const char *key, char *buf, size_t cap,
                      const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = "";
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v))
        return api_invalid(r, key, "Expected a number.");
    snprintf(buf, cap, "%.17g", json_number_value(v));
    *out = buf;
    return 0;
}
