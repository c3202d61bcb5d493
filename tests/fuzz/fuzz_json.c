/* fuzz_json.c — fuzz target for JSON request bodies as the API reads them: api_body (content
 * type, size, nesting, syntax, an object), then the checks the handlers make with a few of
 * their schemas: api_known_fields, api_member_text and api_member_number
 * (src/web/api_util.h).
 *
 * The input's first line is the Content-Type, the rest the body, copied to a buffer of
 * exactly its size. The verdict is compared with one reached here independently: 415 unless
 * the type is application/json (alone or with parameters), 400 for an empty body, for JSON
 * that jansson refuses (duplicate keys included) and for JSON nested deeper than
 * API_DEPTH_MAX (depth counted on the parsed tree), 422 for a value that is not an object;
 * otherwise the same object. Every refusal is answered with the JSON error object
 * {"error": {"code", "message", "field"}} whose code goes with its HTTP status, and whose
 * field names the offending member (cut to 63 bytes on a character boundary). A member is
 * text when it is a string (null or absent: ""), a number when it is one, printed so that it
 * reads back to the same double.
 */
#include "web/api_util.h"

#define FUZZ_NAME "fuzz_json"
#include "fail.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Members of some of the API's bodies: 't' text, 'n' number, '-' only allowed. */
struct member {
    const char *key;
    char kind;
};
static const struct member action[] = {{"title", 't'}, {"owner", 't'},  {"due", 't'},
                                       {"axis", 't'},  {"effect", 'n'}, {"cost", 'n'},
                                       {"play", 't'},  {NULL, 0}};
static const struct member status[] = {{"status", 't'}, {"date", 't'}, {NULL, 0}};
static const struct member rating[] = {
    {"importance", 'n'}, {"performance", 'n'}, {"cost", 'n'}, {NULL, 0}};
static const struct member entry[] = {{"kind", 't'},   {"title", 't'}, {"date", 't'},
                                      {"rating", 'n'}, {"notes", 't'}, {NULL, 0}};
static const struct member stakeholder[] = {
    {"name", '-'},   {"external_id", '-'}, {"role", '-'}, {"influence", '-'},
    {"stance", '-'}, {"email", '-'},       {NULL, 0}};
static const struct member *const schemas[] = {action, status, rating, entry, stakeholder};

static int depth_of(json_t *v)
{
    int deepest = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            int d = depth_of(x);
            deepest = d > deepest ? d : deepest;
        }
        return deepest + 1;
    }
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            int d = depth_of(json_array_get(v, i));
            deepest = d > deepest ? d : deepest;
        }
        return deepest + 1;
    }
    return 0;
}

static const char *code_of(int http)
{
    return http == 400 ? "bad_request" : http == 415 ? "unsupported_media_type" : "invalid";
}

/* The answer in r->out must be the error object for http, naming field (NULL: none). */
static void check_error(struct web_req *r, int rc, int http, const char *field)
{
    if (rc != http || r->status != http)
        fail("answer %d (status %d) where %d was due", rc, r->status, http);
    json_error_t je;
    json_t *o = json_loadb(r->out.p ? r->out.p : "", r->out.len, 0, &je);
    json_t *e = json_object_get(o, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    json_t *f = json_object_get(e, "field");
    if (!code || strcmp(code, code_of(http)) != 0 || !msg || !msg[0])
        fail("the %d answer is not its error object: %.*s", http, (int)r->out.len,
             r->out.p ? r->out.p : "");
    if (field ? !json_is_string(f) || strcmp(json_string_value(f), field) != 0 : !json_is_null(f))
        fail("the %d answer names the field %s, not %s", http,
             json_is_string(f) ? json_string_value(f) : "(none)", field ? field : "(none)");
    json_decref(o);
}

/* A member's text as api_known_fields names it: cut to 63 bytes, not inside a character. */
static void field_name(const char *key, char out[64])
{
    size_t n = strlen(key);
    if (n > 63) {
        n = 63;
        while (n > 0 && ((unsigned char)key[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, key, n);
    out[n] = '\0';
}

static void check_schema(struct web_req *r, json_t *o, const struct member *m)
{
    const char *allowed[16];
    size_t n = 0;
    for (; m[n].key; n++)
        allowed[n] = m[n].key;
    allowed[n] = NULL;

    const char *unknown = NULL, *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        size_t i = 0;
        while (i < n && strcmp(allowed[i], k) != 0)
            i++;
        if (i == n) {
            unknown = k;
            break;
        }
    }
    buf_reset(&r->out);
    int rc = api_known_fields(r, o, allowed);
    if (unknown) {
        char name[64];
        field_name(unknown, name);
        check_error(r, rc, 422, name[0] ? name : NULL);
        return;
    }
    if (rc)
        fail("api_known_fields refused a body of known members only");
    for (size_t i = 0; i < n; i++) {
        if (m[i].kind == '-')
            continue;
        json_t *x = json_object_get(o, m[i].key);
        const char *out = NULL;
        char num[40];
        buf_reset(&r->out);
        rc = m[i].kind == 't' ? api_member_text(r, o, m[i].key, &out)
                              : api_member_number(r, o, m[i].key, num, sizeof num, &out);
        if (!out)
            fail("no text for the member %s", m[i].key);
        if (!x || json_is_null(x)) {
            if (rc || out[0])
                fail("an absent or null %s gives \"%s\" (answer %d)", m[i].key, out, rc);
        } else if (m[i].kind == 't' && json_is_string(x)) {
            if (rc || strcmp(out, json_string_value(x)) != 0)
                fail("the string %s is not given as it is", m[i].key);
        } else if (m[i].kind == 'n' && json_is_number(x)) {
            double d = strtod(out, NULL);
            if (rc || out != num || d != json_number_value(x))
                fail("the number %s is given as \"%s\", not %.17g", m[i].key, out,
                     json_number_value(x));
        } else {
            check_error(r, rc, 422, m[i].key);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input(data, size);
    const uint8_t *nl = memchr(data, '\n', size);
    size_t ct_len = nl ? (size_t)(nl - data) : size;
    if (ct_len > 256)
        return 0;
    char ct[257];
    memcpy(ct, data, ct_len);
    ct[ct_len] = '\0';
    size_t len = nl ? size - ct_len - 1 : 0;
    struct web_req *r = calloc(1, sizeof *r);
    char *body = malloc(len ? len : 1);
    if (!r || !body) {
        free(r);
        free(body);
        return 0;
    }
    if (len)
        memcpy(body, nl + 1, len);
    r->is_api = 1;
    r->content_type = strlen(ct) == ct_len ? ct : NULL; /* a NUL: as if there were none */
    r->body.p = body;
    r->body.len = len;
    buf_init(&r->out, WEB_OUT_MAX);

    /* The verdict by the rules, with jansson alone. */
    const char *t = r->content_type;
    int json_type = t && strncasecmp(t, "application/json", 16) == 0 &&
                    (t[16] == '\0' || t[16] == ';' || t[16] == ' ' || t[16] == '\t');
    json_error_t je;
    json_t *ref = len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
    int want = !json_type                              ? 415
               : !ref || depth_of(ref) > API_DEPTH_MAX ? 400
               : !json_is_object(ref)                  ? 422
                                                       : 200;

    int http = 0;
    json_t *o = api_body(r, &http);
    if (o) {
        if (want != 200)
            fail("api_body accepted a body the rules answer with %d", want);
        if (!json_equal(o, ref))
            fail("api_body read another object than jansson does");
        for (size_t i = 0; i < sizeof schemas / sizeof *schemas; i++)
            check_schema(r, o, schemas[i]);
        json_decref(o);
    } else {
        if (want == 200)
            fail("api_body refused (%d) a body the rules accept", http);
        check_error(r, http, want, NULL);
    }
    json_decref(ref);
    buf_free(&r->out);
    free(body);
    free(r);
    return 0;
}
