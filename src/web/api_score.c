/* api_score.c — where accounts stand: one account's score with its evidence, its
 * explanation (the structure of `cvom explain --format json`), its snapshot history, and the
 * whole visible portfolio on the matrix, kept ready-serialised in the answer cache. */
#include "web/api_util.h"

#include "service/explain_json.h"
#include "service/groups.h"

#include "io/util.h"
#include "web/auth.h"
#include "web/cache.h"
#include "core/mem.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const dim_key[CVOM_DIM_COUNT] = {"intellectual", "emotional"};

/* The score columns shared with `cvom export`: intellectual, emotional, their intervals,
 * quadrant and state. */
static void score_columns(json_t *o, const struct cvom_score *s)
{
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        json_object_set_new(o, dim_key[d], api_num2(s->value[d]));
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        char key[32];
        snprintf(key, sizeof key, "%s_lo", dim_key[d]);
        json_object_set_new(o, key, api_num2(s->lo[d]));
        snprintf(key, sizeof key, "%s_hi", dim_key[d]);
        json_object_set_new(o, key, api_num2(s->hi[d]));
    }
    json_object_set_new(o, "quadrant", cvom__quadrant_json(s->state, s->quadrant));
    json_object_set_new(o, "state", json_string(cvom_state_name(s->state)));
}

static int fewest_respondents(const struct cvom_score *s)
{
    return s->respondents[0] < s->respondents[1] ? s->respondents[0] : s->respondents[1];
}

/* One row of `cvom export` / `cvom matrix --format json`. */
static json_t *scored_json(const struct cvom_account_line *a, const struct cvom_score *s,
                           const struct cvom_evidence *ev)
{
    json_t *o = json_object();
    json_object_set_new(o, "account_id", json_integer(a->id));
    json_object_set_new(o, "external_id", api_str(a->external_id));
    json_object_set_new(o, "name", api_str(a->name));
    json_object_set_new(o, "owner", api_str(a->owner));
    json_object_set_new(o, "revenue", api_num2(a->revenue));
    score_columns(o, s);
    json_object_set_new(o, "respondents", json_integer(fewest_respondents(s)));
    json_object_set_new(o, "last_assessed", api_date(ev->newest));
    json_object_set_new(o, "stale", json_string(ev->stale ? "yes" : "no"));
    return o;
}

/* ---- one account ---------------------------------------------------------------------------- */

int api_account_score(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_config cfg;
    struct cvom_score s;
    struct cvom_evidence ev;
    struct cvom_instrument_cache cache;
    int32_t as_of;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_as_of(r, &as_of)))
        return rc;
    cvom__instrument_cache_init(&cache);
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st)
        st = cvom__account_score(r->store, &cache, &cfg, a.id, as_of, &s, &ev, &r->err);
    cvom__instrument_cache_cleanup(&cache);
    if (st)
        return web_fail(r, st, &r->err);
    struct cvom_account_line line;
    cvom__account_line_of(&a, &line);
    json_t *o = scored_json(&line, &s, &ev);
    json_object_set_new(o, "as_of", api_date(as_of));
    json_t *axes = json_object();
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        json_object_set_new(axes, dim_key[d],
                            json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:f}", "value",
                                      api_num(s.value[d]), "lo", api_num(s.lo[d]), "hi",
                                      api_num(s.hi[d]), "se", api_num(s.se[d]), "respondents",
                                      s.respondents[d], "self", api_num(s.self_value[d]),
                                      "threshold", cfg.threshold[d]));
    json_object_set_new(o, "axes", axes);
    json_object_set_new(o, "evidence",
                        json_pack("{s:i, s:i, s:o, s:s}", "assessments", ev.assessments, "customer",
                                  ev.customer, "last_assessed", api_date(ev.newest), "stale",
                                  ev.stale ? "yes" : "no"));
    return api_send(r, 200, o);
}

/* The group of account id as JSON into *out; a manager's list leaves out the members they do
 * not own (counted in hidden_members), while the roll-up counts every member. */
static int group_of(struct web_req *r, const struct cvom_config *cfg, int64_t id, int32_t as_of,
                    json_t **out)
{
    struct cvom_group_view gv = {0};
    enum cvom_status st = cvom__group_load(r->store, cfg, id, as_of, &gv, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    if (r->user.role == CVOM_ROLE_MANAGER)
        cvom__group_view_owned(&gv, r->user.display);
    *out = cvom__group_json(&gv, as_of);
    cvom__group_view_cleanup(&gv);
    return *out ? 0 : web_fail(r, CVOM_ENOMEM, NULL);
}

/* The account's group: the shape of "group" in `cvom explain --format json`, for an account
 * without accounts below it too (members 1). */
int api_account_group(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_config cfg;
    json_t *o = NULL;
    int32_t as_of;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_as_of(r, &as_of)))
        return rc;
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    if ((rc = group_of(r, &cfg, a.id, as_of, &o)))
        return rc;
    return api_send(r, 200, o);
}

/* Where the customer stakeholders sit on the matrix and how far apart: the object
 * "stakeholders_on_matrix" of `cvom explain --format json`, field for field. */
int api_account_explanation(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_config cfg;
    struct cvom_explanation ex;
    struct cvom_instrument ins;
    struct cvom_evidence ev;
    struct cvom_signals_shown sig;
    int32_t as_of;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_as_of(r, &as_of)))
        return rc;
    cvom_instrument_init(&ins);
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st)
        st = cvom__account_explain_signals(r->store, &cfg, a.id, as_of, &ex, &ins, &ev, &sig,
                                           &r->err);
    if (st) {
        cvom_instrument_cleanup(&ins);
        return web_fail(r, st, &r->err);
    }
    struct cvom_spread sp;
    struct cvom_health h;
    if ((st = cvom_stakeholder_spread(&cfg, &ex, &sp)) != CVOM_OK) {
        cvom_explanation_cleanup(&ex);
        cvom_instrument_cleanup(&ins);
        return web_fail(r, st, NULL);
    }
    if ((st = cvom_partnership_health(&cfg, &ins, &ex, &h)) != CVOM_OK) {
        cvom_spread_cleanup(&sp);
        cvom_explanation_cleanup(&ex);
        cvom_instrument_cleanup(&ins);
        return web_fail(r, st, NULL);
    }
    struct cvom_account_map map;
    if ((st = cvom__account_map_load(r->store, &cfg, a.id, as_of, &ex, &map, &r->err))) {
        cvom_health_cleanup(&h);
        cvom_spread_cleanup(&sp);
        cvom_explanation_cleanup(&ex);
        cvom_instrument_cleanup(&ins);
        return web_fail(r, st, &r->err);
    }
    json_t *o = cvom__explanation_json(&a, &ex, &ins, as_of, &sig, &sp, &h, &map);
    cvom__account_map_cleanup(&map);
    cvom_health_cleanup(&h);
    cvom_spread_cleanup(&sp);
    cvom_explanation_cleanup(&ex);
    cvom_instrument_cleanup(&ins);
    json_t *g = NULL;
    if ((rc = group_of(r, &cfg, a.id, as_of, &g))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "group", g);
    return api_send(r, 200, o);
}

static int snapshot_cb(void *ctx, const struct cvom_snapshot *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "date", api_date(s->date));
    score_columns(o, &s->score);
    json_object_set_new(o, "respondents", json_integer(fewest_respondents(&s->score)));
    return json_array_append_new(ctx, o) ? 1 : 0;
}

int api_account_history(struct web_req *r)
{
    struct cvom_account a;
    struct api_page pg;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_page_params(r, &pg)))
        return rc;
    json_t *items = json_array();
    enum cvom_status st =
        r->store->ops->snapshot_history(r->store, a.id, snapshot_cb, items, &r->err);
    if (st) {
        json_decref(items);
        return web_fail(r, st, &r->err);
    }
    return api_send_list(r, &pg, items, json_pack("{s:I}", "account_id", (json_int_t)a.id));
}

/* ---- the matrix ----------------------------------------------------------------------------- */

/* The order of `cvom matrix`: largest revenue first, then by name, then by id (the order
 * a scan gives namesakes in). Sorts pointers into the scan. */
static int by_revenue(const void *x, const void *y)
{
    const struct cvom_scored *a = *(const struct cvom_scored *const *)x;
    const struct cvom_scored *b = *(const struct cvom_scored *const *)y;
    if (a->account.revenue != b->account.revenue)
        return a->account.revenue < b->account.revenue ? 1 : -1;
    int c = strcmp(a->account.name, b->account.name);
    return c ? c : (a->account.id > b->account.id) - (a->account.id < b->account.id);
}

/* The matrix comes in pages: a whole 10,000-account portfolio is a few MiB of JSON, too
 * much to send on every call. Totals always cover every account. */
#define MATRIX_PAGE 1000
#define MATRIX_PAGE_MAX 100000

struct matrix_query {
    struct cvom_account_filter f;
    int none;     /* the asked owner is outside the user's scope */
    int quadrant; /* -1: any */
    int32_t as_of;
    long limit, offset;
};

static json_t *matrix_json(const struct cvom_config *cfg, const struct cvom_scored *v, size_t n,
                           const struct matrix_query *mq)
{
    size_t k = 0, count[CVOM_Q_COUNT] = {0}, insufficient = 0, borderline = 0, unassessed = 0;
    double revenue[CVOM_Q_COUNT] = {0}, insufficient_rev = 0;
    const struct cvom_scored **p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return NULL;
    /* Accounts never assessed are not on the picture; a quadrant filter keeps only the
     * points in that quadrant — as on the command line. */
    for (size_t i = 0; i < n; i++) {
        const struct cvom_score *s = &v[i].score;
        if (!v[i].evidence.assessments) {
            unassessed++;
            continue;
        }
        if (mq->quadrant >= 0 &&
            (s->state == CVOM_STATE_INSUFFICIENT || (int)s->quadrant != mq->quadrant))
            continue;
        p[k++] = &v[i];
    }
    /* Only the accounts up to the end of the page asked for need their place. */
    size_t end = (size_t)mq->offset + (size_t)mq->limit;
    cvom__sort_first(p, k, end < k ? end : k, sizeof *p, by_revenue);
    json_t *items = json_array();
    for (size_t i = 0; i < k; i++) {
        const struct cvom_score *s = &p[i]->score;
        if (i >= (size_t)mq->offset && i - (size_t)mq->offset < (size_t)mq->limit)
            json_array_append_new(items, scored_json(&p[i]->account, s, &p[i]->evidence));
        if (s->state == CVOM_STATE_INSUFFICIENT) {
            insufficient++;
            insufficient_rev += p[i]->account.revenue;
            continue;
        }
        borderline += s->state == CVOM_STATE_BORDERLINE;
        count[s->quadrant]++;
        revenue[s->quadrant] += p[i]->account.revenue;
    }
    free(p);
    json_t *quadrants = json_object();
    for (int q = 0; q < CVOM_Q_COUNT; q++)
        json_object_set_new(quadrants, cvom_quadrant_name((enum cvom_quadrant)q),
                            json_pack("{s:I, s:o}", "count", (json_int_t)count[q], "revenue",
                                      api_num2(revenue[q])));
    return json_pack("{s:o, s:{s:f, s:f}, s:I, s:I, s:I, s:b, s:o, s:o, s:{s:I, s:o}, s:I, s:I}",
                     "as_of", api_date(mq->as_of), "thresholds", "intellectual", cfg->threshold[0],
                     "emotional", cfg->threshold[1], "total", (json_int_t)k, "limit",
                     (json_int_t)mq->limit, "offset", (json_int_t)mq->offset, "has_more",
                     (int)(mq->offset + mq->limit < (long)k), "items", items, "quadrants",
                     quadrants, "insufficient", "count", (json_int_t)insufficient, "revenue",
                     api_num2(insufficient_rev), "borderline", (json_int_t)borderline, "unassessed",
                     (json_int_t)unassessed);
}

static int matrix_params(struct web_req *r, struct matrix_query *mq)
{
    int rc = api_filter(r, &mq->f, &mq->none);
    if (rc || (rc = api_as_of(r, &mq->as_of)))
        return rc;
    const char *v;
    mq->limit = MATRIX_PAGE;
    mq->offset = 0;
    if ((v = web_query(r, "limit")) && cvom__parse_long(v, 1, MATRIX_PAGE_MAX, &mq->limit))
        return api_invalid(r, "limit", "limit must be a whole number from 1 to 100000.");
    if ((v = web_query(r, "offset")) && cvom__parse_long(v, 0, 1000000000L, &mq->offset))
        return api_invalid(r, "offset", "offset must be a whole number from 0.");
    const char *q = web_query(r, "quadrant");
    mq->quadrant = q && q[0] ? cvom_quadrant_parse(q) : -1;
    if (q && q[0] && mq->quadrant < 0)
        return api_invalid(r, "quadrant",
                           "quadrant must be transactional, intellectual, emotional or "
                           "partnership.");
    return 0;
}

/* Everything the answer depends on besides the data's revision: the date, the filters, and
 * whose accounts the user may see. Values carry their lengths so no two queries collide. */
static void matrix_key(struct buf *key, const struct matrix_query *mq)
{
    const char *v[] = {mq->f.owner, mq->f.tag, mq->f.industry, mq->f.region};
    buf_printf(key, "api/matrix as_of=%" PRId32 " q=%d none=%d limit=%ld offset=%ld", mq->as_of,
               mq->quadrant, mq->none, mq->limit, mq->offset);
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        buf_printf(key, " %zu:%s", strlen(v[i]), v[i]);
}

static int matrix_build(struct web_req *r, const struct matrix_query *mq)
{
    struct cvom_config cfg;
    struct cvom_scored *v = NULL;
    size_t n = 0;
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st && !mq->none)
        st = cvom__portfolio_scan(r->store, &cfg, &mq->f, mq->as_of, &v, &n, NULL, NULL, &r->err);
    if (st) {
        free(v);
        return web_fail(r, st, &r->err);
    }
    json_t *o = matrix_json(&cfg, v, n, mq);
    free(v);
    return api_send(r, 200, o);
}

/* Serialised answers, a few large ones: a 10,000-account matrix is a few MiB. */
static struct web_cache matrix_cache = WEB_CACHE_INIT(32, 256u << 20);
/* Held while a missing answer is built, so that a burst of requests after a change scores
 * the portfolio once rather than once per connection (each scan holds every account in
 * memory); the others wait and then find the answer in the cache. */
static pthread_mutex_t matrix_building = PTHREAD_MUTEX_INITIALIZER;

/* A hit is lent to the response without a copy: at 64 connections, copying a few hundred
 * kilobytes per answer is what would bound the throughput. */
static int matrix_cached(struct web_req *r, int64_t revision, const struct buf *key)
{
    if (!web_cache_serve(&matrix_cache, revision, key->p, key->len, r))
        return 0;
    r->out_type = "application/json";
    r->status = 200;
    return 200;
}

/* The Link to the next page, from the answer itself (it may be a cached one, lent): compact
 * JSON holds "has_more":true only as that member (a quote inside a string is escaped), which
 * comes before the items. */
static void matrix_link(struct web_req *r, const struct matrix_query *mq)
{
    static const char more[] = "\"has_more\":true";
    const char *body = r->lent ? r->lent : r->out.p;
    size_t len = r->lent ? r->lent_len : r->out.len;
    static const char items[] = "\"items\":"; /* the member after it: no need to look on */
    for (size_t i = 0; body && i + sizeof more - 1 <= len; i++) {
        if (memcmp(body + i, items, sizeof items - 1) == 0)
            return;
        if (memcmp(body + i, more, sizeof more - 1) == 0) {
            api_next_link(r, mq->limit, mq->offset, mq->offset + mq->limit + 1);
            return;
        }
    }
}

int api_matrix(struct web_req *r)
{
    struct matrix_query mq;
    int64_t revision;
    int rc = matrix_params(r, &mq);
    if (rc)
        return rc;
    enum cvom_status st = web_revision(r, &revision);
    if (st)
        return web_fail(r, st, &r->err);
    struct buf key;
    buf_init(&key, 4096);
    matrix_key(&key, &mq);
    if (key.failed) { /* cannot happen with bounded filters; answer without the cache */
        buf_free(&key);
        return matrix_build(r, &mq);
    }
    if (!(rc = matrix_cached(r, revision, &key))) {
        pthread_mutex_lock(&matrix_building);
        /* Data may have changed while this request waited: look again under the revision
         * of now, so that waiters share the newest answer rather than each building one for
         * the revision they started with. */
        st = r->store->ops->revision(r->store, &revision, &r->err);
        if (st)
            rc = web_fail(r, st, &r->err);
        else if (!(rc = matrix_cached(r, revision, &key))) {
            rc = matrix_build(r, &mq);
            if (rc == 200 && !r->out.failed)
                web_cache_put(&matrix_cache, revision, key.p, key.len, r->out.p, r->out.len);
        }
        pthread_mutex_unlock(&matrix_building);
    }
    if (rc == 200) {
        /* The answer is the same bytes for the same question at the same revision (the
         * cache rests on that): its tag is theirs, without reading a large answer through. */
        buf_printf(&key, " revision=%" PRId64, revision);
        if (!key.failed)
            web_tag(key.p, key.len, r->etag);
        matrix_link(r, &mq);
    }
    buf_free(&key);
    return rc;
}
