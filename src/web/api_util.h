/* api_util.h — what the /api/v1 handlers share: JSON request bodies (content type, size,
 * nesting, unknown fields), JSON answers, query parameters, who may see which account, and
 * write transactions. Internal to src/web/api*.c (and to server.c, whose JSON error answers
 * use api_str). */
#ifndef CVOM_WEB_API_UTIL_H
#define CVOM_WEB_API_UTIL_H

#include "web/web.h"

#include <jansson.h>

#define API_DEPTH_MAX 8     /* nesting of objects and arrays in a request body */
#define API_PAGE_DEFAULT 50 /* ?limit when not given */
#define API_PAGE_MAX 500    /* the largest ?limit */

/* ---- answers ------------------------------------------------------------------------------ */

/* Serialise body (taking the reference) as the answer with HTTP status http; returns http,
 * or 500 when the body could not be built (body NULL or out of memory). */
int api_send(struct web_req *r, int http, json_t *body);
/* 204 No Content. */
int api_no_content(struct web_req *r);
/* 422 with the field named, for a value the caller rejected. */
int api_invalid(struct web_req *r, const char *field, const char *message);

/* A string from the store; bytes that are not UTF-8 become U+FFFD rather than losing the
 * whole value. */
json_t *api_str(const char *s);
/* A number, or null for NaN. */
json_t *api_num(double v);
/* A number rounded to two decimals the way the command line prints it, or null for NaN. */
json_t *api_num2(double v);
/* "YYYY-MM-DD", or "" for day 0 (never). */
json_t *api_date(int32_t days);

/* ---- requests ----------------------------------------------------------------------------- */

/* The request body as a JSON object. On failure the error answer is already built (415 for
 * another content type, 400 for malformed or too deeply nested JSON with its position, 422
 * when it is not an object), *http receives its status and NULL is returned. The caller
 * owns the returned reference. */
json_t *api_body(struct web_req *r, int *http);
/* Route Jansson's allocations through api_body's accounting; once, before serving. */
void api_json_memory(void);
/* Whether one of Jansson's allocations failed on this thread since the last reset (and
 * reset when asked): an answer built meanwhile may lack members. */
int api_json_short(int reset);
/* 0 when every key of o is in allowed (NULL-terminated); otherwise the 422 answer for the
 * first key that is not, and its status. */
int api_known_fields(struct web_req *r, json_t *o, const char *const *allowed);

/* A member of a JSON body as text for the form validators: a string as it is, a number
 * printed exactly ("" for null or absent either way, buf holding the number); 0, or the 422
 * answer's status when the member has another type. */
int api_member_text(struct web_req *r, json_t *body, const char *key, const char **out);
int api_member_number(struct web_req *r, json_t *body, const char *key, char *buf, size_t cap,
                      const char **out);

/* ---- versions: no change made on an old copy --------------------------------------------- */

/* The version a change to a record is made on, and how it was given:
 * - If-Match: "N" (the ETag this API gives the record) → *how = API_VERSION_IF_MATCH;
 * - a "version" member of the body (when body is not NULL; it is removed from the body) →
 *   *how = API_VERSION_BODY;
 * - neither: the version this request read (read) → *how = API_VERSION_READ.
 * 0, or the answer sent (422 for a version that is not a whole number, 412 for an If-Match
 * that does not name the version read, without anything written). */
enum api_version_how { API_VERSION_READ = 0, API_VERSION_BODY, API_VERSION_IF_MATCH };
int api_version(struct web_req *r, json_t *body, int64_t read, int64_t *version,
                enum api_version_how *how);
/* The tag a GET of o answers with (its digest, as the server tags answers without a version
 * of their own). */
void api_json_tag(json_t *o, char out[WEB_TAG_MAX]);
/* An If-Match header that is neither "*" nor tag: the 412 answer and its status; else 0. */
int api_if_match(struct web_req *r, const char *tag);
/* Tag the answer with a record's version: ETag "N-digest" for a 200 with a body (the digest
 * of the answer, so that If-None-Match sees a changed score), else "N". If-Match takes
 * either and reads the version. */
void api_etag(struct web_req *r, int64_t version);
/* The answer to a change the store refused with CVOM_ECONFLICT: 412 after an If-Match, else
 * 409, with the message and the record as it is now (current, taken) in "current". */
int api_conflict(struct web_req *r, enum api_version_how how, json_t *current);

/* ---- pages of lists ---------------------------------------------------------------------- */

/* ?limit (1 to API_PAGE_MAX, default API_PAGE_DEFAULT) and ?offset (from 0, default 0). */
struct api_page {
    long limit, offset;
};
/* 0, or the 422 answer naming limit or offset. */
int api_page_params(struct web_req *r, struct api_page *p);
/* The answer to a list: {items, total, limit, offset, has_more} and the members of extra
 * (taken; may be NULL), with a Link to the next page when there is one. items (taken) holds
 * the page's items only. */
int api_send_page(struct web_req *r, const struct api_page *p, json_t *items, int64_t total,
                  json_t *extra);
/* The same for a whole list (all, taken), of which the page is answered. */
int api_send_list(struct web_req *r, const struct api_page *p, json_t *all, json_t *extra);
/* Link: <this path and query, at the next offset>; rel="next", when offset + limit < total. */
void api_next_link(struct web_req *r, long limit, long offset, int64_t total);

/* A whole positive decimal id (no sign, no spaces); 0 on success, -1 otherwise. */
int api_parse_id(const char *s, int64_t *out);
/* Today as days since 1970-01-01, in UTC like the command line. */
int32_t api_today(void);
/* ?as_of, or today (UTC) when absent: 0, or the 422 answer's status. */
int api_as_of(struct web_req *r, int32_t *out);
/* A filter from ?owner, ?tag, ?industry, ?region, narrowed to what the user may see.
 * *none is set when the asked owner is outside the user's scope (an empty answer). 0 or the
 * 422 answer's status. */
int api_filter(struct web_req *r, struct cvom_account_filter *f, int *none);

/* ---- visibility ------------------------------------------------------------------------- */

/* Whether the signed-in user may see (and, with write rights, change) account a: managers
 * only their own, everyone else all. */
int api_visible(const struct web_req *r, const struct cvom_account *a);
/* The account named by the route's first capture, when the user may see it; otherwise the
 * 404 answer (the same for another manager's account as for a missing one). 0 or the
 * status. */
int api_account(struct web_req *r, struct cvom_account *out);

/* ---- writing ------------------------------------------------------------------------------- */

/* Begin a write transaction: 0, or the error answer's status. */
int api_begin(struct web_req *r);
/* When st is CVOM_OK, 0: the change is committed by the router once the handler's answer is
 * built (and rolled back if it could not be); else roll back and the error answer's status. */
int api_finish(struct web_req *r, enum cvom_status st);

/* ---- handlers ------------------------------------------------------------------------------- */

int api_accounts_list(struct web_req *r);
int api_accounts_create(struct web_req *r);
int api_account_get(struct web_req *r);
int api_account_patch(struct web_req *r);
int api_account_delete(struct web_req *r);
int api_stakeholders_list(struct web_req *r);
int api_stakeholders_create(struct web_req *r);
int api_stakeholder_get(struct web_req *r);
int api_stakeholder_delete(struct web_req *r);
int api_stakeholder_patch(struct web_req *r);
int api_assessments_list(struct web_req *r);
int api_assessments_create(struct web_req *r);
int api_instruments_list(struct web_req *r);
int api_instrument_get(struct web_req *r);
int api_account_score(struct web_req *r);
int api_account_explanation(struct web_req *r);
int api_account_group(struct web_req *r);
int api_account_history(struct web_req *r);
int api_matrix(struct web_req *r);
/* api_actions.c: action plans, what-if, offerings (listed in routes.c) */
int api_actions_list(struct web_req *r);
int api_actions_create(struct web_req *r);
int api_action_get(struct web_req *r);
int api_action_status(struct web_req *r);
int api_account_whatif(struct web_req *r);
int api_offerings_list(struct web_req *r);
int api_rating_put(struct web_req *r);

#endif
