/* api_accounts.c — /api/v1/accounts and their stakeholders: list with filters and pages,
 * create, read, change part of, and remove, validated field by field exactly as the command
 * line validates them (io/records.h). Managers see and change only the accounts they own. */
#include "web/api_util.h"

#include "io/records.h"
#include "io/util.h"
#include "io/values.h"
#include "service/accounts.h"
#include "service/explain_json.h"
#include "web/auth.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- accounts as JSON ----------------------------------------------------------------------- */

/* The columns of `cvom account list`, and notes when with_notes. */
static json_t *account_json(const struct cvom_account *a, int with_notes)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "external_id", api_str(a->external_id));
    json_object_set_new(o, "name", api_str(a->name));
    json_object_set_new(o, "owner", api_str(a->owner));
    json_object_set_new(o, "parent_id", a->parent_id ? json_integer(a->parent_id) : json_null());
    json_object_set_new(o, "industry", api_str(a->industry));
    json_object_set_new(o, "region", api_str(a->region));
    json_object_set_new(o, "revenue", api_num2(a->revenue));
    json_object_set_new(o, "potential", api_num2(a->potential));
    json_object_set_new(o, "currency", api_str(a->currency));
    json_object_set_new(o, "tags", api_str(a->tags));
    if (with_notes)
        json_object_set_new(o, "notes", api_str(a->notes));
    return o;
}

static int count_cb(void *ctx, const struct cvom_stakeholder *s)
{
    (void)s;
    (*(int *)ctx)++;
    return 0;
}

/* The columns of `cvom account show`: the fields, notes, and the score as of as_of. */
static int account_detail(struct web_req *r, const struct cvom_account *a, int32_t as_of,
                          json_t **out)
{
    struct cvom_config cfg;
    struct cvom_score s;
    struct cvom_evidence ev;
    struct cvom_instrument_cache cache;
    int n_sh = 0;
    cvom__instrument_cache_init(&cache);
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st)
        st = cvom__account_score(r->store, &cache, &cfg, a->id, as_of, &s, &ev, &r->err);
    if (!st)
        st = r->store->ops->stakeholder_list(r->store, a->id, count_cb, &n_sh, &r->err);
    cvom__instrument_cache_cleanup(&cache);
    if (st)
        return web_fail(r, st, &r->err);
    json_t *o = account_json(a, 1);
    json_object_set_new(o, "stakeholders", json_integer(n_sh));
    json_object_set_new(o, "assessments", json_integer(ev.assessments));
    json_object_set_new(o, "last_assessed", api_date(ev.newest));
    json_object_set_new(o, "stale", json_string(ev.stale ? "yes" : "no"));
    static const char *const dims[CVOM_DIM_COUNT] = {"intellectual", "emotional"};
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        char key[32];
        json_object_set_new(o, dims[d], api_num2(s.value[d]));
        snprintf(key, sizeof key, "%s_lo", dims[d]);
        json_object_set_new(o, key, api_num2(s.lo[d]));
        snprintf(key, sizeof key, "%s_hi", dims[d]);
        json_object_set_new(o, key, api_num2(s.hi[d]));
    }
    json_object_set_new(o, "quadrant", cvom__quadrant_json(s.state, s.quadrant));
    json_object_set_new(o, "state", json_string(cvom_state_name(s.state)));
    *out = o;
    return 0;
}

/* ---- writing fields --------------------------------------------------------------------- */

static const char *const account_keys[] = {"name",    "external_id", "owner",    "parent_id",
                                           "revenue", "potential",   "currency", "industry",
                                           "region",  "tags",        "notes",    NULL};
static const char *const stakeholder_keys[] = {
    "name",         "external_id", "role",        "influence", "stance",   "email", "reports_to",
    "last_contact", "channel",     "counterpart", "notes",     "language", NULL};

/* A JSON value as the text the record validators read: strings as they are, numbers in
 * full precision, null as empty. number says which of the two kinds the field takes. */
static int value_text(struct web_req *r, const char *key, json_t *v, int number, char *out,
                      size_t cap)
{
    if (json_is_null(v)) {
        out[0] = '\0';
        return 0;
    }
    if (number && json_is_integer(v)) {
        snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return 0;
    }
    if (number && json_is_real(v)) {
        snprintf(out, cap, "%.17g", json_real_value(v));
        return 0;
    }
    if (!number && json_is_string(v)) {
        if (json_string_length(v) >= cap || strlen(json_string_value(v)) != json_string_length(v))
            return api_invalid(r, key, "The value is too long.");
        cvom__copy_str(out, cap, json_string_value(v));
        return 0;
    }
    return api_invalid(r, key, number ? "Expected a number." : "Expected a string.");
}

/* Record validation failures are the client's input: 422 with the field, whatever bound. */
static int record_error(struct web_req *r, const struct cvom_error *err)
{
    return api_invalid(r, err->field, err->message);
}

static int set_parent(struct web_req *r, struct cvom_account *a, json_t *v)
{
    if (json_is_null(v)) {
        a->parent_id = 0;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return api_invalid(r, "parent_id", "Expected the id of an account, or null.");
    int64_t id = json_integer_value(v);
    if (a->id && id == a->id)
        return api_invalid(r, "parent_id", "An account cannot be its own parent.");
    struct cvom_account p;
    enum cvom_status st = r->store->ops->account_get(r->store, id, &p, &r->err);
    if (st == CVOM_ENOTFOUND || (!st && !api_visible(r, &p)))
        return api_invalid(r, "parent_id", "There is no such account.");
    if (st)
        return web_fail(r, st, &r->err);
    a->parent_id = id;
    return 0;
}

/* Take "allow_same_name" out of body: true lets the account have a name another account
 * has (ignoring case and spaces), as --allow-same-name does on the command line. */
static int same_name_allowed(struct web_req *r, json_t *body, int *allow)
{
    json_t *v = json_object_get(body, "allow_same_name");
    *allow = 0;
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return api_invalid(r, "allow_same_name", "Expected true or false.");
    *allow = json_is_true(v);
    json_object_del(body, "allow_same_name");
    return 0;
}

/* Inside the write: 0, or the answer (409 naming the other account) when a would take
 * another account's name without allow_same_name; the transaction is then rolled back. */
static int name_taken(struct web_req *r, const struct cvom_account *a, int allow)
{
    enum cvom_status st =
        cvom__account_name_check(r->store, a, allow, "\"allow_same_name\": true", &r->err);
    return st ? api_finish(r, st) : 0;
}

/* Apply the fields of body to a, validating each; 0 or the error answer's status. */
static int apply_account(struct web_req *r, json_t *body, struct cvom_account *a)
{
    int rc = api_known_fields(r, body, account_keys);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (rc)
            break;
        if (strcmp(key, "parent_id") == 0) {
            rc = set_parent(r, a, v);
            continue;
        }
        int number = strcmp(key, "revenue") == 0 || strcmp(key, "potential") == 0;
        char text[CVOM_NOTES_MAX + 1];
        char parent[CVOM_FIELD_MAX];
        struct cvom_error err = {0};
        if (!(rc = value_text(r, key, v, number, text, sizeof text)) &&
            cvom__account_set(a, key, text, parent, &err))
            rc = record_error(r, &err);
    }
    if (rc)
        return rc;
    /* A manager keeps hold of their accounts: they cannot give one to someone else. */
    if (r->user.role == CVOM_ROLE_MANAGER &&
        (!r->user.display[0] || strcmp(a->owner, r->user.display) != 0))
        return web_refuse(r, WEB_FORBIDDEN, "owner",
                          "A manager can only own accounts under their own name.");
    struct cvom_error err = {0};
    return cvom__account_check(a, &err) ? record_error(r, &err) : 0;
}

/* Whom a stakeholder reports to: the id of another stakeholder of the account, or null.
 * The store refuses one of another account and a loop. */
static int set_reports_to(struct web_req *r, struct cvom_stakeholder *s, json_t *v)
{
    if (json_is_null(v)) {
        s->reports_to = 0;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return api_invalid(r, "reports_to", "Expected the id of a stakeholder, or null.");
    s->reports_to = json_integer_value(v);
    return 0;
}

static int apply_stakeholder(struct web_req *r, json_t *body, struct cvom_stakeholder *s)
{
    int rc = api_known_fields(r, body, stakeholder_keys);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (rc)
            break;
        if (strcmp(key, "reports_to") == 0) {
            rc = set_reports_to(r, s, v);
            continue;
        }
        char text[CVOM_STAKEHOLDER_NOTES_MAX + 1], boss[CVOM_FIELD_MAX];
        struct cvom_error err = {0};
        if (!(rc = value_text(r, key, v, strcmp(key, "influence") == 0, text, sizeof text)) &&
            cvom__stakeholder_set(s, key, text, boss, &err))
            rc = record_error(r, &err);
    }
    if (rc)
        return rc;
    struct cvom_error err = {0};
    return cvom__stakeholder_check(s, &err) ? record_error(r, &err) : 0;
}

/* ---- /accounts ------------------------------------------------------------------------------ */

/* Whether needle occurs in hay, ignoring the case of ASCII letters. */
static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return n == 0;
}

struct page {
    const char *q;
    struct api_page pg;
    int64_t total;
    json_t *items;
};

static int page_cb(void *ctx, const struct cvom_account *a)
{
    struct page *p = ctx;
    if (p->q && !contains_nocase(a->name, p->q))
        return 0;
    if (p->total >= p->pg.offset && p->total < p->pg.offset + p->pg.limit)
        json_array_append_new(p->items, account_json(a, 0));
    p->total++;
    return 0;
}

static int page_params(struct web_req *r, struct page *p)
{
    int rc = api_page_params(r, &p->pg);
    if (rc)
        return rc;
    p->q = web_query(r, "q");
    if (p->q && !p->q[0])
        p->q = NULL;
    if (p->q && strlen(p->q) >= CVOM_FIELD_MAX)
        return api_invalid(r, "q", "The search text is too long.");
    return 0;
}

int api_accounts_list(struct web_req *r)
{
    struct cvom_account_filter f;
    struct page p = {0};
    int none, rc;
    if ((rc = api_filter(r, &f, &none)) || (rc = page_params(r, &p)))
        return rc;
    p.items = json_array();
    if (!none) {
        enum cvom_status st = r->store->ops->account_list(r->store, &f, page_cb, &p, &r->err);
        if (st) {
            json_decref(p.items);
            return web_fail(r, st, &r->err);
        }
    }
    return api_send_page(r, &p.pg, p.items, p.total, NULL);
}

static int answer_account(struct web_req *r, int http, const struct cvom_account *a)
{
    json_t *o;
    int rc = account_detail(r, a, api_today(), &o);
    return rc ? rc : api_send(r, http, o);
}

int api_accounts_create(struct web_req *r)
{
    int rc;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    struct cvom_account a;
    memset(&a, 0, sizeof a);
    cvom__copy_str(a.currency, sizeof a.currency, "EUR");
    if (r->user.role == CVOM_ROLE_MANAGER)
        cvom__copy_str(a.owner, sizeof a.owner, r->user.display);
    int allow = 0;
    rc = same_name_allowed(r, body, &allow);
    if (!rc)
        rc = apply_account(r, body, &a);
    json_decref(body);
    if (rc || (rc = api_begin(r)) || (rc = name_taken(r, &a, allow)) ||
        (rc = api_finish(r, r->store->ops->account_add(r->store, &a, &r->err))))
        return rc;
    snprintf(r->location, sizeof r->location, "/api/v1/accounts/%" PRId64, a.id);
    return answer_account(r, 201, &a);
}

int api_account_get(struct web_req *r)
{
    struct cvom_account a;
    int32_t as_of;
    json_t *o;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_as_of(r, &as_of)) ||
        (rc = account_detail(r, &a, as_of, &o)))
        return rc;
    api_etag(r, a.version);
    return api_send(r, 200, o);
}

int api_account_patch(struct web_req *r)
{
    struct cvom_account a;
    int rc;
    if ((rc = api_account(r, &a)))
        return rc;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    enum api_version_how how;
    char was[CVOM_FIELD_MAX], key[CVOM_FIELD_MAX];
    cvom__name_key(a.name, was, sizeof was);
    int allow = 0;
    rc = api_version(r, body, a.version, &a.version, &how);
    if (!rc)
        rc = same_name_allowed(r, body, &allow);
    if (!rc)
        rc = apply_account(r, body, &a);
    json_decref(body);
    /* Only a new name is checked: an account kept beside a namesake may still change. */
    if (rc || (rc = api_begin(r)) ||
        (strcmp(cvom__name_key(a.name, key, sizeof key), was) != 0 &&
         (rc = name_taken(r, &a, allow))))
        return rc;
    enum cvom_status st = r->store->ops->account_update(r->store, &a, &r->err);
    if (st == CVOM_ECONFLICT) {
        /* What changed: the account as it is now, read after the refused change. */
        r->store->ops->rollback(r->store);
        struct cvom_account now;
        if (r->store->ops->account_get(r->store, a.id, &now, NULL) == CVOM_OK) {
            api_etag(r, now.version);
            return api_conflict(r, how, account_json(&now, 1));
        }
        return web_fail(r, st, &r->err);
    }
    if ((rc = api_finish(r, st)))
        return rc;
    api_etag(r, a.version);
    return answer_account(r, 200, &a);
}

int api_account_delete(struct web_req *r)
{
    struct cvom_account a;
    int64_t version;
    enum api_version_how how;
    int rc;
    /* Read inside the transaction, so that If-Match is held against the version removed. */
    if ((rc = api_begin(r)) || (rc = api_account(r, &a)) ||
        (rc = api_version(r, NULL, a.version, &version, &how)))
        return rc;
    enum cvom_status st = r->store->ops->account_remove(r->store, a.id, &r->err);
    if (!st) {
        char detail[64];
        snprintf(detail, sizeof detail, "account %" PRId64 " via the API", a.id);
        web_audit(r, "account-delete", a.name, detail);
    }
    return (rc = api_finish(r, st)) ? rc : api_no_content(r);
}

/* ---- /accounts/{id}/stakeholders ------------------------------------------------------------ */

static json_t *stakeholder_json(const struct cvom_stakeholder *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "account_id", json_integer(s->account_id));
    json_object_set_new(o, "external_id", api_str(s->external_id));
    json_object_set_new(o, "name", api_str(s->name));
    json_object_set_new(o, "role", api_str(s->role));
    json_object_set_new(o, "influence", api_num2(s->influence));
    json_object_set_new(o, "stance", json_string(cvom__stance_name(s->stance)));
    json_object_set_new(o, "email", api_str(s->email));
    json_object_set_new(o, "reports_to", s->reports_to ? json_integer(s->reports_to) : json_null());
    json_object_set_new(o, "last_contact", api_date(s->last_contact));
    json_object_set_new(o, "channel",
                        s->channel ? json_string(cvom__channel_name(s->channel)) : json_null());
    json_object_set_new(o, "counterpart", api_str(s->counterpart));
    json_object_set_new(o, "notes", api_str(s->notes));
    json_object_set_new(o, "language", api_str(s->language));
    return o;
}

static int stakeholder_cb(void *ctx, const struct cvom_stakeholder *s)
{
    return json_array_append_new(ctx, stakeholder_json(s)) ? 1 : 0;
}

int api_stakeholders_list(struct web_req *r)
{
    struct cvom_account a;
    struct api_page pg;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_page_params(r, &pg)))
        return rc;
    json_t *items = json_array();
    enum cvom_status st =
        r->store->ops->stakeholder_list(r->store, a.id, stakeholder_cb, items, &r->err);
    if (st) {
        json_decref(items);
        return web_fail(r, st, &r->err);
    }
    return api_send_list(r, &pg, items, NULL);
}

int api_stakeholders_create(struct web_req *r)
{
    struct cvom_account a;
    int rc;
    if ((rc = api_account(r, &a)))
        return rc;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    struct cvom_stakeholder s;
    memset(&s, 0, sizeof s);
    s.account_id = a.id;
    s.influence = 0.5;
    rc = apply_stakeholder(r, body, &s);
    json_decref(body);
    if (rc || (rc = api_begin(r)) ||
        (rc = api_finish(r, r->store->ops->stakeholder_add(r->store, &s, &r->err))))
        return rc;
    snprintf(r->location, sizeof r->location, "/api/v1/accounts/%" PRId64 "/stakeholders/%" PRId64,
             a.id, s.id);
    return api_send(r, 201, stakeholder_json(&s));
}

/* The stakeholder of the route's second capture in account a, when the user may see a; 0
 * or the error answer's status. */
static int api_stakeholder(struct web_req *r, struct cvom_account *a, struct cvom_stakeholder *s)
{
    int64_t sid;
    int rc;
    if ((rc = api_account(r, a)))
        return rc;
    enum cvom_status st =
        api_parse_id(r->param[1], &sid)
            ? CVOM_ENOTFOUND
            : r->store->ops->stakeholder_find(r->store, a->id, r->param[1], s, &r->err);
    if (st == CVOM_ENOTFOUND || (!st && s->id != sid))
        return web_refuse(r, WEB_NOT_FOUND, NULL, "The account has no such stakeholder.");
    return st ? web_fail(r, st, &r->err) : 0;
}

int api_stakeholder_get(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_stakeholder s;
    int rc = api_stakeholder(r, &a, &s);
    return rc ? rc : api_send(r, 200, stakeholder_json(&s));
}

/* A stakeholder has no version: its ETag is the digest of its GET answer, and a change
 * with If-Match is held against the stakeholder as read inside the change's transaction. */
static int stakeholder_if_match(struct web_req *r, const struct cvom_stakeholder *s)
{
    char tag[WEB_TAG_MAX];
    json_t *now = stakeholder_json(s);
    api_json_tag(now, tag);
    json_decref(now);
    return api_if_match(r, tag);
}

int api_stakeholder_patch(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_stakeholder s;
    int rc;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    if (!(rc = api_begin(r)) && !(rc = api_stakeholder(r, &a, &s)) &&
        !(rc = stakeholder_if_match(r, &s)))
        rc = apply_stakeholder(r, body, &s);
    json_decref(body);
    if (rc || (rc = api_finish(r, r->store->ops->stakeholder_update(r->store, &s, &r->err))))
        return rc;
    return api_send(r, 200, stakeholder_json(&s));
}

int api_stakeholder_delete(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_stakeholder s;
    int rc;
    if ((rc = api_begin(r)) || (rc = api_stakeholder(r, &a, &s)) ||
        (rc = stakeholder_if_match(r, &s)))
        return rc;
    enum cvom_status st;
    st = r->store->ops->stakeholder_remove(r->store, s.id, &r->err);
    if (!st) {
        char detail[96];
        snprintf(detail, sizeof detail,
                 "stakeholder %" PRId64 " of account %" PRId64 " via the API", s.id, a.id);
        web_audit(r, "stakeholder-delete", s.name, detail);
    }
    return (rc = api_finish(r, st)) ? rc : api_no_content(r);
}
