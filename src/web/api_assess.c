/* api_assess.c — /api/v1/accounts/{id}/assessments and /api/v1/instruments: assessments with
 * their answers, recorded whole in one transaction and checked the way `cvom assess
 * --answers` checks a file; and the questionnaires they answer. */
#include "web/api_util.h"

#include "io/util.h"
#include "service/texts.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ASSESSMENTS_MAX 100000 /* per account, in one answer */

/* ---- instruments ------------------------------------------------------------------------ */

static int instrument_cb(void *ctx, int64_t id, const char *name, int version, size_t n_items)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "name", api_str(name));
    json_object_set_new(o, "version", json_integer(version));
    json_object_set_new(o, "items", json_integer((json_int_t)n_items));
    return json_array_append_new(ctx, o) ? 1 : 0;
}

int api_instruments_list(struct web_req *r)
{
    struct api_page pg;
    int rc = api_page_params(r, &pg);
    if (rc)
        return rc;
    json_t *items = json_array();
    enum cvom_status st = r->store->ops->instrument_list(r->store, instrument_cb, items, &r->err);
    if (st) {
        json_decref(items);
        return web_fail(r, st, &r->err);
    }
    return api_send_list(r, &pg, items, NULL);
}

int api_instrument_get(struct web_req *r)
{
    int64_t id;
    if (api_parse_id(r->param[0], &id))
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such instrument.");
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    enum cvom_status st = r->store->ops->instrument_get(r->store, id, &ins, &r->err);
    if (st == CVOM_ENOTFOUND)
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such instrument.");
    struct cvom_texts tx;
    if (!st && (st = cvom__texts_open(&tx, r->store, id, &ins, "en", &r->err)) != CVOM_OK)
        cvom__texts_close(&tx);
    if (st) {
        cvom_instrument_cleanup(&ins);
        return web_fail(r, st, &r->err);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < ins.n_items; i++) {
        const struct cvom_item *it = &ins.items[i];
        json_t *o = json_object();
        json_object_set_new(o, "code", api_str(it->code));
        json_object_set_new(o, "axis", json_string(cvom_axis_name(it->axis)));
        json_object_set_new(o, "reverse", json_boolean(it->reverse));
        json_object_set_new(o, "weight", json_real(it->weight));
        json_object_set_new(o, "scale_min", json_integer(it->scale_min));
        json_object_set_new(o, "scale_max", json_integer(it->scale_max));
        json_object_set_new(o, "statement", api_str(it->statement));
        json_object_set_new(o, "construct", api_str(it->construct));
        json_object_set_new(o, "respondent", api_str(cvom__texts_item(&tx, i)));
        json_array_append_new(items, o);
    }
    cvom__texts_close(&tx);
    json_t *o =
        json_pack("{s:I, s:o, s:i, s:i, s:o}", "id", (json_int_t)id, "name", api_str(ins.name),
                  "version", ins.version, "min_items", ins.min_items, "items", items);
    cvom_instrument_cleanup(&ins);
    return api_send(r, 200, o);
}

/* ---- reading assessments ------------------------------------------------------------------ */

struct assessments {
    struct cvom_assessment *v;
    size_t n, cap;
    int oom;
};

static int collect_cb(void *ctx, const struct cvom_assessment *a)
{
    struct assessments *k = ctx;
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 16;
        struct cvom_assessment *v = cap <= ASSESSMENTS_MAX ? realloc(k->v, cap * sizeof *v) : NULL;
        if (!v) {
            k->oom = 1;
            return 1;
        }
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = *a;
    return 0;
}

/* A raw answer: whole numbers as integers, as they were most likely given. */
static json_t *answer_value(double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        return json_integer((json_int_t)v);
    return api_num(v);
}

static int response_cb(void *ctx, const struct cvom_response *resp)
{
    return json_object_set_new(ctx, resp->item_code, answer_value(resp->value)) ? 1 : 0;
}

/* One assessment with its answers, item code to raw answer. */
static int assessment_json(struct web_req *r, struct cvom_instrument_cache *cache,
                           const struct cvom_assessment *a, json_t **out)
{
    const struct cvom_instrument *ins;
    enum cvom_status st =
        cvom__instrument_cache_get(cache, r->store, a->instrument_id, &ins, &r->err);
    json_t *answers = json_object();
    if (!st)
        st = r->store->ops->response_list(r->store, a->id, response_cb, answers, &r->err);
    if (st) {
        json_decref(answers);
        return web_fail(r, st, &r->err);
    }
    char date[11];
    cvom_date_format(a->date, date);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "account_id", json_integer(a->account_id));
    json_object_set_new(o, "instrument_id", json_integer(a->instrument_id));
    json_object_set_new(o, "instrument", api_str(ins->name));
    json_object_set_new(o, "instrument_version", json_integer(ins->version));
    json_object_set_new(o, "kind", json_string(cvom_respondent_kind_name(a->kind)));
    json_object_set_new(o, "stakeholder_id",
                        a->stakeholder_id ? json_integer(a->stakeholder_id) : json_null());
    json_object_set_new(o, "respondent", api_str(a->respondent));
    json_object_set_new(o, "date", json_string(date));
    json_object_set_new(o, "status",
                        json_string(a->status == CVOM_ASSESS_COMPLETE ? "complete" : "draft"));
    json_object_set_new(o, "answers", answers);
    *out = o;
    return 0;
}

int api_assessments_list(struct web_req *r)
{
    struct cvom_account a;
    struct api_page pg;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_page_params(r, &pg)))
        return rc;
    /* Collected first: answers are read with further queries, which must not run while the
     * listing is still being stepped through. */
    struct assessments k = {0};
    enum cvom_status st = r->store->ops->assessment_list(r->store, a.id, collect_cb, &k, &r->err);
    if (!st && k.oom)
        st = cvom_error_set(&r->err, CVOM_ENOMEM, "too many assessments");
    if (st) {
        free(k.v);
        return web_fail(r, st, &r->err);
    }
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    json_t *items = json_array();
    for (size_t i = 0; !rc && i < k.n; i++) {
        json_t *o;
        if (!(rc = assessment_json(r, &cache, &k.v[i], &o)))
            json_array_append_new(items, o);
    }
    cvom__instrument_cache_cleanup(&cache);
    free(k.v);
    if (rc) {
        json_decref(items);
        return rc;
    }
    return api_send_list(r, &pg, items, NULL);
}

/* ---- recording an assessment --------------------------------------------------------------- */

static const char *const assessment_keys[] = {"stakeholder_id", "self",  "date", "instrument",
                                              "answers",        "draft", NULL};

/* Who answers: a stakeholder of the account, or one of our people by name. */
static int respondent(struct web_req *r, json_t *body, const struct cvom_account *acc,
                      struct cvom_assessment *a)
{
    json_t *sid = json_object_get(body, "stakeholder_id"), *self = json_object_get(body, "self");
    if (json_is_null(sid))
        sid = NULL;
    if (json_is_null(self))
        self = NULL;
    if (!sid == !self)
        return api_invalid(r, sid ? "self" : "stakeholder_id",
                           "Say who answers: give stakeholder_id or self, not both.");
    if (self) {
        const char *name = json_string_value(self);
        if (!name || !name[0] || strlen(name) >= sizeof a->respondent)
            return api_invalid(r, "self", "self must be a name of 1 to 127 bytes.");
        for (const unsigned char *p = (const unsigned char *)name; *p; p++)
            if (*p < 0x20)
                return api_invalid(r, "self", "self contains a control character.");
        a->kind = CVOM_RESP_SELF;
        a->stakeholder_id = 0;
        cvom__copy_str(a->respondent, sizeof a->respondent, name);
        return 0;
    }
    if (!json_is_integer(sid) || json_integer_value(sid) <= 0)
        return api_invalid(r, "stakeholder_id", "Expected the id of a stakeholder.");
    char ref[24];
    struct cvom_stakeholder s;
    snprintf(ref, sizeof ref, "%" JSON_INTEGER_FORMAT, json_integer_value(sid));
    enum cvom_status st = r->store->ops->stakeholder_find(r->store, acc->id, ref, &s, &r->err);
    if (st == CVOM_ENOTFOUND || (!st && s.id != json_integer_value(sid)))
        return api_invalid(r, "stakeholder_id", "The account has no such stakeholder.");
    if (st)
        return web_fail(r, st, &r->err);
    a->kind = CVOM_RESP_CUSTOMER;
    a->stakeholder_id = s.id;
    cvom__copy_str(a->respondent, sizeof a->respondent, s.name);
    return 0;
}

/* The instrument, by "NAME" (its newest version) or "NAME@VERSION"; "default" when absent. */
static int instrument(struct web_req *r, json_t *v, struct cvom_instrument *ins, int64_t *id)
{
    const char *ref = v && !json_is_null(v) ? json_string_value(v) : "default";
    if (!ref || !ref[0] || strlen(ref) >= CVOM_NAME_MAX)
        return api_invalid(r, "instrument", "instrument must be NAME or NAME@VERSION.");
    char name[CVOM_NAME_MAX];
    cvom__copy_str(name, sizeof name, ref);
    char *at = strchr(name, '@');
    long version = 0;
    enum cvom_status st;
    if (at) {
        *at = '\0';
        if (cvom__parse_long(at + 1, 1, 1000000, &version))
            return api_invalid(r, "instrument", "The version after @ must be a whole number.");
        st = r->store->ops->instrument_find(r->store, name, (int)version, id, &r->err);
    } else {
        st = r->store->ops->instrument_latest(r->store, name, id, &r->err);
    }
    if (!st)
        st = r->store->ops->instrument_get(r->store, *id, ins, &r->err);
    if (st == CVOM_ENOTFOUND)
        return api_invalid(r, "instrument", "There is no such instrument.");
    return st ? web_fail(r, st, &r->err) : 0;
}

/* Every answer must name an item of the instrument and lie on its scale; null leaves an
 * item unanswered. answer[] receives NaN for unanswered items. */
static int answers(struct web_req *r, json_t *v, const struct cvom_instrument *ins, double *answer)
{
    char field[64];
    for (size_t j = 0; j < ins->n_items; j++)
        answer[j] = NAN;
    if (!json_is_object(v))
        return api_invalid(r, "answers", "answers must be an object of item code to score.");
    size_t n = 0;
    const char *code;
    json_t *x;
    json_object_foreach(v, code, x)
    {
        snprintf(field, sizeof field, "answers.%.40s", code);
        int j = cvom_instrument_find(ins, code);
        if (j < 0)
            return api_invalid(r, field, "There is no such item in the instrument.");
        if (json_is_null(x))
            continue;
        const struct cvom_item *it = &ins->items[j];
        double d = json_number_value(x);
        if (!json_is_number(x) || d < it->scale_min || d > it->scale_max) {
            char msg[96];
            snprintf(msg, sizeof msg, "The score must be a number from %d to %d.", it->scale_min,
                     it->scale_max);
            return api_invalid(r, field, msg);
        }
        answer[j] = d;
        n++;
    }
    return n ? 0 : api_invalid(r, "answers", "There are no answers.");
}

/* Store the assessment and its answers in one transaction. */
static int store_assessment(struct web_req *r, struct cvom_assessment *a,
                            const struct cvom_instrument *ins, const double *answer)
{
    int rc = api_begin(r);
    if (rc)
        return rc;
    enum cvom_status st = r->store->ops->assessment_add(r->store, a, &r->err);
    for (size_t j = 0; !st && j < ins->n_items; j++) {
        if (isnan(answer[j]))
            continue;
        struct cvom_response resp = {.assessment_id = a->id, .value = answer[j]};
        cvom__copy_str(resp.item_code, sizeof resp.item_code, ins->items[j].code);
        st = r->store->ops->response_put(r->store, &resp, &r->err);
    }
    return api_finish(r, st);
}

static int parse_assessment(struct web_req *r, json_t *body, const struct cvom_account *acc,
                            struct cvom_assessment *a, struct cvom_instrument *ins, double *answer)
{
    int rc = api_known_fields(r, body, assessment_keys);
    if (rc || (rc = respondent(r, body, acc, a)))
        return rc;
    json_t *date = json_object_get(body, "date"), *draft = json_object_get(body, "draft");
    a->date = api_today();
    if (date && !json_is_null(date) &&
        (!json_is_string(date) || cvom_date_parse(json_string_value(date), &a->date)))
        return api_invalid(r, "date", "date must be a date YYYY-MM-DD.");
    if (draft && !json_is_boolean(draft))
        return api_invalid(r, "draft", "draft must be true or false.");
    a->status = json_is_true(draft) ? CVOM_ASSESS_DRAFT : CVOM_ASSESS_COMPLETE;
    a->account_id = acc->id;
    if ((rc = instrument(r, json_object_get(body, "instrument"), ins, &a->instrument_id)))
        return rc;
    return answers(r, json_object_get(body, "answers"), ins, answer);
}

int api_assessments_create(struct web_req *r)
{
    struct cvom_account acc;
    int rc;
    if ((rc = api_account(r, &acc)))
        return rc;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    struct cvom_assessment a;
    struct cvom_instrument ins;
    double *answer = malloc(CVOM_ITEMS_MAX * sizeof *answer);
    memset(&a, 0, sizeof a);
    cvom_instrument_init(&ins);
    if (!answer)
        rc = web_fail(r, CVOM_ENOMEM, NULL);
    if (!rc)
        rc = parse_assessment(r, body, &acc, &a, &ins, answer);
    json_decref(body);
    if (!rc)
        rc = store_assessment(r, &a, &ins, answer);
    free(answer);
    cvom_instrument_cleanup(&ins);
    if (rc)
        return rc;
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    json_t *o;
    rc = assessment_json(r, &cache, &a, &o);
    cvom__instrument_cache_cleanup(&cache);
    /* An assessment has no address of its own: the list it is in. */
    snprintf(r->location, sizeof r->location, "/api/v1/accounts/%" PRId64 "/assessments", acc.id);
    return rc ? rc : api_send(r, 201, o);
}
