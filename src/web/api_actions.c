/* api_actions.c — action plans, what-if and offerings in the JSON API: an account's actions
 * (list, add), an action's status, the what-if of chosen open actions, the catalogue of
 * offerings and an account's rating of one. Validated by the same code as the web forms
 * (pages_util.h), with the columns of `cvom action list`, `cvom whatif --format json`,
 * `cvom offering list` and `cvom offering ratings`. Managers reach only their own accounts. */
#include "web/api_util.h"

#include "io/util.h"
#include "service/explain_json.h"
#include "service/whatif.h"
#include "web/pages_util.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WHATIF_PICKS_MAX 500 /* ?action values of one request */

/* ---- JSON of records ----------------------------------------------------------------------- */

static json_t *action_json(const struct cvom_action *a, const char *account)
{
    int axis = a->axis >= 0 && a->axis < CVOM_DIM_COUNT;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "account_id", json_integer(a->account_id));
    json_object_set_new(o, "account", api_str(account));
    json_object_set_new(o, "title", api_str(a->title));
    json_object_set_new(o, "owner", api_str(a->owner));
    json_object_set_new(o, "due", api_date(a->due));
    json_object_set_new(o, "status", json_string(cvom__action_status_name(a->status)));
    json_object_set_new(o, "axis", json_string(axis ? cvom_dim_name((enum cvom_dim)a->axis) : ""));
    json_object_set_new(o, "effect", axis ? api_num(a->effect) : json_null());
    json_object_set_new(o, "cost", api_num(a->cost));
    json_object_set_new(o, "play", api_str(a->play));
    json_object_set_new(o, "created", api_date(a->created));
    json_object_set_new(o, "done", api_date(a->done));
    return o;
}

/* ---- GET /api/v1/accounts/{id}/actions ------------------------------------------------------ */

struct action_items {
    json_t *items;
    const char *account;
};

static int action_item(void *ctx, const struct cvom_action *a)
{
    struct action_items *k = ctx;
    return json_array_append_new(k->items, action_json(a, k->account)) != 0;
}

int api_actions_list(struct web_req *r)
{
    struct cvom_account a;
    struct api_page pg;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_page_params(r, &pg)))
        return rc;
    struct cvom_action_filter f = {.account_id = a.id, .status = -1};
    const char *status = web_query(r, "status");
    if (status && status[0] && (f.status = cvom__action_status_parse(status)) < 0)
        return api_invalid(r, "status", "status is open or done.");
    struct action_items k = {json_array(), a.name};
    enum cvom_status st = r->store->ops->action_list(r->store, &f, action_item, &k, &r->err);
    if (st) {
        json_decref(k.items);
        return web_fail(r, st, &r->err);
    }
    return api_send_list(r, &pg, k.items, NULL);
}

/* ---- POST /api/v1/accounts/{id}/actions ----------------------------------------------------- */

static const char *const action_keys[] = {"title",  "owner", "due",  "axis",
                                          "effect", "cost",  "play", NULL};

int api_actions_create(struct web_req *r)
{
    struct cvom_account acc;
    int rc;
    if ((rc = api_account(r, &acc)))
        return rc;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    struct pages_action_fields in = {0};
    char effect[40], cost[40];
    if (!(rc = api_known_fields(r, body, action_keys)) &&
        !(rc = api_member_text(r, body, "title", &in.title)) &&
        !(rc = api_member_text(r, body, "owner", &in.owner)) &&
        !(rc = api_member_text(r, body, "due", &in.due)) &&
        !(rc = api_member_text(r, body, "axis", &in.axis)) &&
        !(rc = api_member_text(r, body, "play", &in.play)) &&
        !(rc = api_member_number(r, body, "effect", effect, sizeof effect, &in.effect)))
        rc = api_member_number(r, body, "cost", cost, sizeof cost, &in.cost);
    struct cvom_action a;
    enum cvom_status st = CVOM_OK;
    if (!rc && (st = pages_action_read(r->store, &in, api_today(), &a, &r->err)) != CVOM_OK)
        rc = st == CVOM_EINVAL ? api_invalid(r, r->err.field, r->err.message)
                               : web_fail(r, st, &r->err);
    json_decref(body);
    if (rc)
        return rc;
    a.account_id = acc.id;
    if ((rc = api_begin(r)) ||
        (rc = api_finish(r, r->store->ops->action_add(r->store, &a, &r->err))))
        return rc;
    snprintf(r->location, sizeof r->location, "/api/v1/actions/%" PRId64, a.id);
    api_etag(r, a.version);
    return api_send(r, 201, action_json(&a, acc.name));
}

/* ---- POST /api/v1/actions/{id} -------------------------------------------------------------- */

static const char *const status_keys[] = {"status", "date", NULL};

/* The action of the route's first capture and its account, when the user may see it; 0 or
 * the error answer's status. */
static int api_action(struct web_req *r, struct cvom_action *a, struct cvom_account *acc)
{
    int64_t id;
    static const char *const missing = "There is no such action.";
    if (api_parse_id(r->param[0], &id))
        return web_refuse(r, WEB_NOT_FOUND, NULL, missing);
    enum cvom_status st = r->store->ops->action_get(r->store, id, a, &r->err);
    if (!st)
        st = r->store->ops->account_get(r->store, a->account_id, acc, &r->err);
    /* Another manager's action is answered exactly like a missing one. */
    if (st == CVOM_ENOTFOUND || (!st && !api_visible(r, acc)))
        return web_refuse(r, WEB_NOT_FOUND, NULL, missing);
    return st ? web_fail(r, st, &r->err) : 0;
}

int api_action_get(struct web_req *r)
{
    struct cvom_action a;
    struct cvom_account acc;
    int rc = api_action(r, &a, &acc);
    if (rc)
        return rc;
    api_etag(r, a.version);
    return api_send(r, 200, action_json(&a, acc.name));
}

int api_action_status(struct web_req *r)
{
    struct cvom_action a;
    struct cvom_account acc;
    int rc = api_action(r, &a, &acc);
    if (rc)
        return rc;
    int64_t id = a.id;
    enum cvom_status st;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    const char *status = "", *date = "";
    int to = -1;
    int32_t day = api_today();
    enum api_version_how how;
    if (!(rc = api_version(r, body, a.version, &a.version, &how)) &&
        !(rc = api_known_fields(r, body, status_keys)) &&
        !(rc = api_member_text(r, body, "status", &status)) &&
        !(rc = api_member_text(r, body, "date", &date))) {
        if ((to = cvom__action_status_parse(status)) < 0)
            rc = api_invalid(r, "status", "status is open or done.");
        else if (date[0] && cvom_date_parse(date, &day))
            rc = api_invalid(r, "date", "date must be a date YYYY-MM-DD.");
    }
    json_decref(body);
    if (rc)
        return rc;
    /* Asking again for the status the action has changes nothing, and is no error: a retry
     * of a request whose answer was lost must not fail. */
    if ((int)a.status == to) {
        api_etag(r, a.version);
        return api_send(r, 200, action_json(&a, acc.name));
    }
    st = pages_action_set(r->store, &a, (enum cvom_action_status)to, day, &r->err);
    if (st == CVOM_EINVAL)
        return api_invalid(r, r->err.field, r->err.message);
    if (st == CVOM_ECONFLICT && r->store->ops->action_get(r->store, id, &a, NULL) == CVOM_OK) {
        api_etag(r, a.version);
        return api_conflict(r, how, action_json(&a, acc.name));
    }
    if (st)
        return web_fail(r, st, &r->err);
    if ((st = r->store->ops->action_get(r->store, id, &a, &r->err)) != CVOM_OK)
        return web_fail(r, st, &r->err);
    api_etag(r, a.version);
    return api_send(r, 200, action_json(&a, acc.name));
}

/* ---- GET /api/v1/accounts/{id}/whatif -------------------------------------------------------- */

/* The record of `cvom whatif ACCOUNT --format json`. */
static json_t *whatif_json(const struct cvom_account *a, int32_t as_of, const struct cvom_whatif *w)
{
    static const char *const dims[CVOM_DIM_COUNT] = {"intellectual", "emotional"};
    json_t *o = json_object();
    json_object_set_new(o, "account_id", json_integer(a->id));
    json_object_set_new(o, "account", api_str(a->name));
    json_object_set_new(o, "as_of", api_date(as_of));
    json_object_set_new(o, "actions", json_integer((json_int_t)w->steps));
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        char key[40];
        snprintf(key, sizeof key, "%s_now", dims[d]);
        json_object_set_new(o, key, api_num2(w->before[d]));
        snprintf(key, sizeof key, "%s_effect", dims[d]);
        json_object_set_new(o, key, api_num2(w->effect[d]));
        snprintf(key, sizeof key, "%s_projected", dims[d]);
        json_object_set_new(o, key, api_num2(w->after[d]));
    }
    json_object_set_new(o, "quadrant_now",
                        cvom__quadrant_json(w->state_before, w->quadrant_before));
    json_object_set_new(o, "state_now", json_string(cvom_state_name(w->state_before)));
    json_object_set_new(o, "quadrant_projected",
                        cvom__quadrant_json(w->state_after, w->quadrant_after));
    json_object_set_new(o, "state_projected", json_string(cvom_state_name(w->state_after)));
    json_object_set_new(o, "cost", api_num2(w->cost));
    json_object_set_new(o, "basis", json_string("a plan's estimate, not evidence"));
    return o;
}

/* The ?action values, each an open action of the account: 0 or the answer's status. */
static int whatif_picks(struct web_req *r, int64_t account, struct cvom_action_set *k)
{
    const struct form *q = web_query_form(r);
    size_t n = 0;
    if (!q)
        return api_invalid(r, "action", "The query string is malformed.");
    for (size_t i = 0; i < q->n; i++) {
        if (strcmp(q->f[i].name, "action") != 0)
            continue;
        int64_t id;
        if (++n > WHATIF_PICKS_MAX)
            return api_invalid(r, "action", "Too many actions.");
        if (api_parse_id(q->f[i].value, &id))
            return api_invalid(r, "action", "action takes an action's id.");
        enum cvom_status st = cvom__whatif_pick(r->store, account, id, k, &r->err);
        /* Another account's action is not named: it may be someone else's. */
        if (st == CVOM_ENOTFOUND ||
            (st == CVOM_EINVAL && strstr(r->err.message, "another account")))
            return api_invalid(r, "action", "There is no such action in this account's plan.");
        if (st == CVOM_EINVAL || st == CVOM_ELIMIT)
            return api_invalid(r, "action", r->err.message);
        if (st)
            return web_fail(r, st, &r->err);
    }
    return 0;
}

int api_account_whatif(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_action_set k = {0};
    struct cvom_config cfg;
    struct cvom_whatif w;
    int32_t as_of;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_as_of(r, &as_of)) ||
        (rc = whatif_picks(r, a.id, &k))) {
        free(k.v);
        return rc;
    }
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st)
        st = cvom__whatif_account(r->store, &cfg, a.id, as_of, k.v, k.n, NULL, &w, &r->err);
    free(k.v);
    if (st)
        return web_fail(r, st, &r->err);
    return api_send(r, 200, whatif_json(&a, as_of, &w));
}

/* ---- GET /api/v1/offerings ----------------------------------------------------------------------
 */

static int offering_item(void *ctx, const struct cvom_offering *o)
{
    return json_array_append_new(ctx, json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)o->id,
                                                "code", api_str(o->code), "name", api_str(o->name),
                                                "category", api_str(o->category))) != 0;
}

int api_offerings_list(struct web_req *r)
{
    struct api_page pg;
    int rc = api_page_params(r, &pg);
    if (rc)
        return rc;
    json_t *items = json_array();
    enum cvom_status st = r->store->ops->offering_list(r->store, offering_item, items, &r->err);
    if (st) {
        json_decref(items);
        return web_fail(r, st, &r->err);
    }
    return api_send_list(r, &pg, items, NULL);
}

/* ---- PUT /api/v1/accounts/{id}/ratings/{offering} -----------------------------------------------
 */

static const char *const rating_keys[] = {"importance", "performance", "cost", NULL};

static int rating_number(struct web_req *r, json_t *body, const char *key, int required,
                         double *out)
{
    json_t *v = json_object_get(body, key);
    *out = 0;
    if (!v || json_is_null(v))
        return required ? api_invalid(r, key, "importance and performance are both needed.") : 0;
    if (!json_is_number(v))
        return api_invalid(r, key, "Expected a number.");
    *out = json_number_value(v);
    return 0;
}

int api_rating_put(struct web_req *r)
{
    struct cvom_account a;
    int rc;
    if ((rc = api_account(r, &a)))
        return rc;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    struct cvom_offer_rating rt;
    if (!(rc = api_known_fields(r, body, rating_keys)) &&
        !(rc = rating_number(r, body, "importance", 1, &rt.importance)) &&
        !(rc = rating_number(r, body, "performance", 1, &rt.performance)))
        rc = rating_number(r, body, "cost", 0, &rt.cost);
    json_decref(body);
    if (rc)
        return rc;
    struct cvom_offering o;
    enum cvom_status st =
        pages_rating_save(r->store, &a, r->n_param > 1 ? r->param[1] : NULL, &rt, &o, &r->err);
    if (st == CVOM_ENOTFOUND)
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such offering.");
    if (st == CVOM_EINVAL)
        return api_invalid(r, r->err.field, r->err.message);
    if (st)
        return web_fail(r, st, &r->err);
    struct cvom_serving_config cfg;
    cvom_serving_config_init(&cfg);
    enum cvom_ip_quadrant q = cvom_ip_classify(&cfg, rt.importance, rt.performance);
    json_t *out = json_object();
    json_object_set_new(out, "account_id", json_integer(a.id));
    json_object_set_new(out, "account", api_str(a.name));
    json_object_set_new(out, "code", api_str(o.code));
    json_object_set_new(out, "offering", api_str(o.name));
    json_object_set_new(out, "category", api_str(o.category));
    json_object_set_new(out, "importance", api_num(rt.importance));
    json_object_set_new(out, "performance", api_num(rt.performance));
    json_object_set_new(out, "cost", api_num2(rt.cost));
    json_object_set_new(out, "ip_quadrant", json_string(cvom_ip_quadrant_key(q)));
    json_object_set_new(out, "unvalued",
                        json_string(rt.importance < cfg.importance_threshold ? "yes" : "no"));
    return api_send(r, 200, out);
}
