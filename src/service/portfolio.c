/* portfolio.c — from stored assessments to an account's score and its explanation. For
 * each respondent only the latest complete assessment on or before the date counts. */
#include "service/portfolio.h"

#include "service/accounts.h"

#include "io/instrument_csv.h"
#include "io/util.h"
#include "service/analytics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASSESSMENTS_MAX 100000 /* per account: far beyond any real decision-making unit */

const char *const cvom_config_keys[] = {
    "threshold.intellectual", "threshold.emotional", "confidence", "min_respondents",
    "include_self", "validity_days", "signals.survey_weight",
    /* read by the analytics (service/analytics.c), not by scoring */
    CVOM_SETTING_OVERSERVED_SHARE, CVOM_SETTING_ALIGN_AT_RISK, NULL,
};

static enum cvom_status config_apply(struct cvom_config *cfg, const char *key, const char *val)
{
    double d;
    long l;
    enum cvom_status a = cvom_analytics_setting_parse(key, val, &d);
    if (a != CVOM_ENOTFOUND) /* an analytics setting: checked here, kept out of cfg */
        return a;
    if (strncmp(key, "threshold.", 10) == 0 || strcmp(key, "confidence") == 0 ||
        strcmp(key, "signals.survey_weight") == 0) {
        if (cvom_parse_double(val, &d))
            return CVOM_EINVAL;
        if (strcmp(key, "confidence") == 0)
            cfg->confidence = d;
        else if (key[0] == 's')
            cfg->survey_weight = d;
        else
            cfg->threshold[key[10] == 'i' ? CVOM_DIM_INTELLECTUAL : CVOM_DIM_EMOTIONAL] = d;
        return CVOM_OK;
    }
    if (cvom_parse_long(val, 0, 100000, &l))
        return CVOM_EINVAL;
    if (strcmp(key, "min_respondents") == 0)
        cfg->min_respondents = (int)l;
    else if (strcmp(key, "include_self") == 0)
        cfg->include_self = l != 0;
    else
        cfg->validity_days = (int)l;
    return CVOM_OK;
}

void cvom_config_value(const struct cvom_config *cfg, const struct cvom_analytics_settings *an,
                       const char *key, char *buf, size_t cap)
{
    if (strcmp(key, "threshold.intellectual") == 0)
        snprintf(buf, cap, "%g", cfg->threshold[CVOM_DIM_INTELLECTUAL]);
    else if (strcmp(key, "threshold.emotional") == 0)
        snprintf(buf, cap, "%g", cfg->threshold[CVOM_DIM_EMOTIONAL]);
    else if (strcmp(key, "confidence") == 0)
        snprintf(buf, cap, "%g", cfg->confidence);
    else if (strcmp(key, "min_respondents") == 0)
        snprintf(buf, cap, "%d", cfg->min_respondents);
    else if (strcmp(key, "include_self") == 0)
        snprintf(buf, cap, "%d", cfg->include_self);
    else if (strcmp(key, "validity_days") == 0)
        snprintf(buf, cap, "%d", cfg->validity_days);
    else if (strcmp(key, "signals.survey_weight") == 0)
        snprintf(buf, cap, "%g", cfg->survey_weight);
    else if (an && strcmp(key, CVOM_SETTING_OVERSERVED_SHARE) == 0)
        snprintf(buf, cap, "%g", an->overserved_share);
    else if (an && strcmp(key, CVOM_SETTING_ALIGN_AT_RISK) == 0)
        snprintf(buf, cap, "%g", an->at_risk);
    else if (cap)
        buf[0] = '\0';
}

enum cvom_status cvom_config_load(struct cvom_store *st, struct cvom_config *cfg,
                                  struct cvom_error *err)
{
    struct cvom_config c;
    cvom_config_init(&c);
    for (int i = 0; cvom_config_keys[i]; i++) {
        char val[64];
        enum cvom_status s = st->ops->setting_get(st, cvom_config_keys[i], val, sizeof val, err);
        if (s == CVOM_ENOTFOUND)
            continue;
        if (s)
            return s;
        if (config_apply(&c, cvom_config_keys[i], val))
            return cvom_error_set(err, CVOM_EINVAL, "setting %s has a malformed value: %s",
                                  cvom_config_keys[i], val);
    }
    enum cvom_status s = cvom_config_validate(&c, err);
    if (!s)
        *cfg = c;
    return s;
}

/* CVOM_OK when key is a setting and value a valid one, with the rest of the configuration. */
static enum cvom_status config_check(struct cvom_store *st, const char *key, const char *value,
                                     struct cvom_error *err)
{
    int known = 0;
    for (int i = 0; cvom_config_keys[i]; i++)
        known |= strcmp(cvom_config_keys[i], key) == 0;
    if (!known)
        return cvom_error_set(err, CVOM_EINVAL, "unknown setting %s", key);
    struct cvom_config c;
    enum cvom_status s = cvom_config_load(st, &c, err);
    if (s)
        return s;
    if (config_apply(&c, key, value))
        return cvom_error_set(err, CVOM_EINVAL, "%s: not a number in its range: %s", key, value);
    return cvom_config_validate(&c, err);
}

enum cvom_status cvom_config_store(struct cvom_store *st, const char *key, const char *value,
                                   struct cvom_error *err)
{
    enum cvom_status s = config_check(st, key, value, err);
    return s ? s : st->ops->setting_set(st, key, value, err);
}

enum cvom_status cvom_config_store_seen(struct cvom_store *st, const char *key,
                                        const char *seen, const char *value,
                                        struct cvom_error *err)
{
    /* The stored text of what was seen: a person sees "55.0" where "55" may be stored. */
    struct cvom_config c;
    struct cvom_analytics_settings an;
    char raw[64], shown[32];
    enum cvom_status s = st->ops->setting_get(st, key, raw, sizeof raw, err);
    if (s && s != CVOM_ENOTFOUND)
        return s;
    int unset = s == CVOM_ENOTFOUND;
    if ((s = cvom_config_load(st, &c, err)) != CVOM_OK ||
        (s = cvom_analytics_settings_load(st, &an, err)) != CVOM_OK)
        return s;
    cvom_config_value(&c, &an, key, shown, sizeof shown);
    if (strcmp(shown, seen) != 0)
        return cvom_error_set(err, CVOM_ECONFLICT,
                              "%s was changed by someone else meanwhile: it is %s now", key,
                              shown);
    if ((s = config_check(st, key, value, err)) != CVOM_OK)
        return s;
    /* The swap makes the change only if nobody else made one since the stored value was
     * read above, on any server. */
    return st->ops->setting_swap(st, key, unset ? NULL : raw, value, err);
}

void cvom_instrument_cache_init(struct cvom_instrument_cache *c)
{
    memset(c, 0, sizeof *c);
}

static void drop_instruments(struct cvom_instrument_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        cvom_instrument_cleanup(&c->ins[i]);
    c->n = 0;
}

void cvom_instrument_cache_cleanup(struct cvom_instrument_cache *c)
{
    drop_instruments(c);
    for (int i = 0; i < 2; i++) {
        if (c->signals[i])
            cvom_signals_cleanup(c->signals[i]);
        free(c->signals[i]);
        c->signals[i] = NULL;
    }
}

/* The signals in force on as_of: loaded for this account alone the first time, and for the
 * whole portfolio once another account asks for the same date. */
static enum cvom_status signals_for(struct cvom_instrument_cache *c, struct cvom_store *st,
                                    int64_t account_id, int32_t as_of,
                                    const struct cvom_signal_ctx **out, struct cvom_error *err)
{
    int slot = -1;
    int64_t only = account_id;
    for (int i = 0; i < 2 && slot < 0; i++) {
        struct cvom_signal_ctx *x = c->signals[i];
        if (!x || x->as_of != as_of)
            continue;
        if (x->only == 0 || x->only == account_id) {
            c->last = i;
            *out = x;
            return CVOM_OK;
        }
        slot = i;
        only = 0;
    }
    if (slot < 0)
        slot = !c->signals[0] ? 0 : !c->signals[1] ? 1 : !c->last;
    if (!c->signals[slot] && !(c->signals[slot] = calloc(1, sizeof *c->signals[slot])))
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    struct cvom_signal_ctx *x = c->signals[slot];
    cvom_signals_cleanup(x);
    enum cvom_status s = cvom_signals_load(st, as_of, only, x, err);
    if (s) {
        cvom_signals_cleanup(x);
        free(x);
        c->signals[slot] = NULL;
        return s;
    }
    c->last = slot;
    *out = x;
    return CVOM_OK;
}

enum cvom_status cvom_instrument_cache_get(struct cvom_instrument_cache *c,
                                           struct cvom_store *st, int64_t id,
                                           const struct cvom_instrument **out,
                                           struct cvom_error *err)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->ids[i] == id) {
            *out = &c->ins[i];
            return CVOM_OK;
        }
    if (c->n == sizeof c->ids / sizeof *c->ids) /* full: start over rather than grow */
        drop_instruments(c);
    struct cvom_instrument *ins = &c->ins[c->n];
    cvom_instrument_init(ins);
    enum cvom_status s = st->ops->instrument_get(st, id, ins, err);
    if (s) {
        cvom_instrument_cleanup(ins);
        return s;
    }
    c->ids[c->n++] = id;
    *out = ins;
    return CVOM_OK;
}

/* The latest complete assessment per respondent on or before a date. */
struct picks {
    int32_t as_of;
    size_t n, cap;
    struct cvom_assessment *a;
    int overflow;
};

static int same_respondent(const struct cvom_assessment *x, const struct cvom_assessment *y)
{
    if (x->kind != y->kind)
        return 0;
    if (x->stakeholder_id || y->stakeholder_id)
        return x->stakeholder_id == y->stakeholder_id;
    return strcmp(x->respondent, y->respondent) == 0;
}

static int later(const struct cvom_assessment *x, const struct cvom_assessment *y)
{
    return x->date > y->date || (x->date == y->date && x->id > y->id);
}

static int pick_cb(void *ctx, const struct cvom_assessment *a)
{
    struct picks *p = ctx;
    if (a->status != CVOM_ASSESS_COMPLETE || a->date > p->as_of)
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (same_respondent(&p->a[i], a)) {
            if (later(a, &p->a[i]))
                p->a[i] = *a;
            return 0;
        }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct cvom_assessment *g = cap <= ASSESSMENTS_MAX ? realloc(p->a, cap * sizeof *g) : NULL;
        if (!g) {
            p->overflow = 1;
            return 1;
        }
        p->a = g;
        p->cap = cap;
    }
    p->a[p->n++] = *a;
    return 0;
}

static enum cvom_status pick(struct cvom_store *st, const struct cvom_config *cfg,
                             int64_t account_id, int32_t as_of, struct picks *p,
                             struct cvom_evidence *ev, struct cvom_error *err)
{
    memset(p, 0, sizeof *p);
    p->as_of = as_of;
    enum cvom_status s = st->ops->assessment_list(st, account_id, pick_cb, p, err);
    if (!s && p->overflow)
        s = cvom_error_set(err, CVOM_ELIMIT, "too many assessments for one account");
    if (s) {
        free(p->a);
        return s;
    }
    struct cvom_evidence e = {0};
    for (size_t i = 0; i < p->n; i++) {
        e.assessments++;
        e.customer += p->a[i].kind == CVOM_RESP_CUSTOMER;
        if (p->a[i].date > e.newest)
            e.newest = p->a[i].date;
    }
    e.stale = e.newest && as_of - e.newest > cfg->validity_days;
    if (ev)
        *ev = e;
    return CVOM_OK;
}

/* Influence and label of an assessment's respondent. */
static enum cvom_status respondent_of(struct cvom_store *st, const struct cvom_assessment *a,
                                      double *influence, char *label, size_t cap,
                                      struct cvom_error *err)
{
    *influence = 1.0;
    cvom_copy(label, cap, a->respondent);
    if (a->kind != CVOM_RESP_CUSTOMER || !a->stakeholder_id)
        return CVOM_OK;
    char ref[32];
    snprintf(ref, sizeof ref, "%lld", (long long)a->stakeholder_id);
    struct cvom_stakeholder sh;
    enum cvom_status s = st->ops->stakeholder_find(st, a->account_id, ref, &sh, err);
    if (s == CVOM_ENOTFOUND)
        return CVOM_OK;
    if (s)
        return s;
    *influence = sh.influence;
    cvom_copy(label, cap, sh.name);
    return CVOM_OK;
}

struct answers {
    const struct cvom_instrument *ins;
    size_t n;
    size_t items[CVOM_ITEMS_MAX];
    double raw[CVOM_ITEMS_MAX];
    int bad;
};

static int answer_cb(void *ctx, const struct cvom_response *r)
{
    struct answers *a = ctx;
    int i = cvom_instrument_find(a->ins, r->item_code);
    if (i < 0 || a->n == CVOM_ITEMS_MAX) {
        a->bad = 1;
        return 1;
    }
    a->items[a->n] = (size_t)i;
    a->raw[a->n++] = r->value;
    return 0;
}

static enum cvom_status load_answers(struct cvom_store *st, struct cvom_instrument_cache *cache,
                                     const struct cvom_assessment *a, struct answers *out,
                                     struct cvom_error *err)
{
    out->n = 0;
    out->bad = 0;
    enum cvom_status s = cvom_instrument_cache_get(cache, st, a->instrument_id, &out->ins, err);
    if (!s)
        s = st->ops->response_list(st, a->id, answer_cb, out, err);
    if (!s && out->bad)
        s = cvom_error_set(err, CVOM_EINVAL, "assessment %lld has an answer to an unknown item",
                           (long long)a->id);
    return s;
}

enum cvom_status cvom_account_score(struct cvom_store *st, struct cvom_instrument_cache *cache,
                                    const struct cvom_config *cfg, int64_t account_id,
                                    int32_t as_of, struct cvom_score *out,
                                    struct cvom_evidence *ev, struct cvom_error *err)
{
    struct picks p;
    enum cvom_status s = pick(st, cfg, account_id, as_of, &p, ev, err);
    if (s)
        return s;
    struct cvom_respondent *r = calloc(p.n ? p.n : 1, sizeof *r);
    struct answers *ans = malloc(sizeof *ans);
    if (!r || !ans)
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; !s && i < p.n; i++) {
        char label[CVOM_NAME_MAX];
        double infl;
        s = respondent_of(st, &p.a[i], &infl, label, sizeof label, err);
        if (s || !(infl > 0))
            continue; /* a stakeholder with no influence does not move the score */
        if ((s = load_answers(st, cache, &p.a[i], ans, err)) != CVOM_OK)
            break;
        r[n].kind = p.a[i].kind;
        r[n].influence = infl;
        for (size_t j = 0; j < ans->n; j++)
            cvom_respondent_answer(&r[n], &ans->ins->items[ans->items[j]], ans->raw[j]);
        /* Each version has its own minimum; apply it here so versions can be mixed. */
        for (int d = 0; d < CVOM_DIM_COUNT; d++)
            if (r[n].dim[d].n < (uint32_t)ans->ins->min_items)
                memset(&r[n].dim[d], 0, sizeof r[n].dim[d]);
        n++;
    }
    const struct cvom_signal_ctx *sig = NULL;
    if (!s && (s = cvom_score_account(cfg, 1, r, n, out)) == CVOM_OK &&
        (s = signals_for(cache, st, account_id, as_of, &sig, err)) == CVOM_OK) {
        struct cvom_signal_input in[CVOM_SIGNALS_MAX];
        size_t k = cvom_signals_of(sig, account_id, in, NULL, NULL);
        if (k && cvom_blend_signals(cfg, in, k, out, NULL))
            s = cvom_error_set(err, CVOM_EINVAL, "the signals of account %lld cannot be blended",
                               (long long)account_id);
    }
    free(ans);
    free(r);
    free(p.a);
    return s;
}

/* Add the items of one version to the union instrument; map[i] receives the union index of
 * the version's item i. Codes that clash with another version's get a "@vN" suffix. */
static enum cvom_status union_add(struct cvom_instrument *u, const struct cvom_instrument *v,
                                  size_t *map, struct cvom_error *err)
{
    for (size_t i = 0; i < v->n_items; i++) {
        struct cvom_item it = v->items[i];
        int at = cvom_instrument_find(u, it.code);
        if (at >= 0 && memcmp(&u->items[at], &it, sizeof it) == 0) {
            map[i] = (size_t)at;
            continue;
        }
        if (at >= 0) {
            char code[CVOM_CODE_MAX + 16];
            snprintf(code, sizeof code, "%s@v%d", v->items[i].code, v->version);
            if (cvom_copy(it.code, sizeof it.code, code))
                return cvom_error_set(err, CVOM_ELIMIT, "item code too long: %s", code);
        }
        enum cvom_status s = cvom_instrument_add(u, &it, err);
        if (s)
            return s;
        map[i] = u->n_items - 1;
    }
    if (u->min_items == 0 || v->min_items < u->min_items)
        u->min_items = v->min_items;
    return CVOM_OK;
}

enum cvom_status cvom_account_explain(struct cvom_store *st, const struct cvom_config *cfg,
                                      int64_t account_id, int32_t as_of,
                                      struct cvom_explanation *ex, struct cvom_instrument *ins,
                                      struct cvom_evidence *ev, struct cvom_error *err)
{
    return cvom_account_explain_signals(st, cfg, account_id, as_of, ex, ins, ev, NULL, err);
}

enum cvom_status cvom_account_explain_signals(struct cvom_store *st,
                                              const struct cvom_config *cfg, int64_t account_id,
                                              int32_t as_of, struct cvom_explanation *ex,
                                              struct cvom_instrument *ins,
                                              struct cvom_evidence *ev,
                                              struct cvom_signals_shown *shown,
                                              struct cvom_error *err)
{
    struct picks p;
    enum cvom_status s = pick(st, cfg, account_id, as_of, &p, ev, err);
    if (s)
        return s;
    struct cvom_instrument_cache cache;
    cvom_instrument_cache_init(&cache);
    struct cvom_instrument u;
    cvom_instrument_init(&u);
    u.min_items = 0;
    cvom_copy(u.name, sizeof u.name, "combined");
    size_t n = p.n ? p.n : 1;
    struct cvom_answer_set *sets = calloc(n, sizeof *sets);
    size_t *items = calloc(n * CVOM_ITEMS_MAX, sizeof *items);
    double *raw = calloc(n * CVOM_ITEMS_MAX, sizeof *raw);
    char (*labels)[CVOM_NAME_MAX] = calloc(n, sizeof *labels);
    struct answers *ans = malloc(sizeof *ans);
    size_t map[CVOM_ITEMS_MAX], k = 0;
    if (!sets || !items || !raw || !labels || !ans)
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !s && i < p.n; i++) {
        double infl;
        s = respondent_of(st, &p.a[i], &infl, labels[k], sizeof labels[k], err);
        if (s || !(infl > 0))
            continue;
        if ((s = load_answers(st, &cache, &p.a[i], ans, err)) != CVOM_OK ||
            (s = union_add(&u, ans->ins, map, err)) != CVOM_OK)
            break;
        struct cvom_answer_set *set = &sets[k];
        set->label = labels[k];
        set->kind = p.a[i].kind;
        set->influence = infl;
        set->n = ans->n;
        set->items = items + k * CVOM_ITEMS_MAX;
        set->raw = raw + k * CVOM_ITEMS_MAX;
        for (size_t j = 0; j < ans->n; j++) {
            items[k * CVOM_ITEMS_MAX + j] = map[ans->items[j]];
            raw[k * CVOM_ITEMS_MAX + j] = ans->raw[j];
        }
        k++;
    }
    if (!s && u.min_items == 0)
        u.min_items = 1;
    const struct cvom_signal_ctx *sig = NULL;
    if (!s)
        s = cvom_explain(cfg, &u, sets, k, ex, err);
    if (!s && (s = signals_for(&cache, st, account_id, as_of, &sig, err)) == CVOM_OK) {
        struct cvom_signal_input in[CVOM_SIGNALS_MAX];
        size_t m = cvom_signals_of(sig, account_id, in, NULL, shown);
        if (m && cvom_explain_blend(cfg, in, m, ex))
            s = cvom_error_set(err, CVOM_EINVAL, "the signals of account %lld cannot be blended",
                               (long long)account_id);
        if (s)
            cvom_explanation_cleanup(ex);
    } else if (shown) {
        shown->n = 0;
    }
    if (!s) {
        cvom_instrument_cleanup(ins);
        *ins = u;
    } else {
        cvom_instrument_cleanup(&u);
    }
    free(ans);
    free(labels);
    free(raw);
    free(items);
    free(sets);
    free(p.a);
    cvom_instrument_cache_cleanup(&cache);
    return s;
}

enum cvom_status cvom_ensure_default_instrument(struct cvom_store *st, int64_t *id,
                                                struct cvom_error *err)
{
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    enum cvom_status s = cvom_instrument_default(&ins, err);
    if (!s) {
        s = st->ops->instrument_find(st, ins.name, ins.version, id, err);
        if (s == CVOM_ENOTFOUND)
            s = st->ops->instrument_put(st, &ins, id, err);
    }
    cvom_instrument_cleanup(&ins);
    return s;
}

#define PORTFOLIO_MAX 5000000u

struct collect {
    struct cvom_scored *v;
    size_t n, cap;
    int oom;
};

static int collect_cb(void *ctx, const struct cvom_account *a)
{
    struct collect *k = ctx;
    void *g = cvom_grow(k->v, &k->cap, k->n + 1, sizeof *k->v, PORTFOLIO_MAX);
    if (!g) {
        k->oom = 1;
        return 1;
    }
    k->v = g;
    struct cvom_scored *sc = &k->v[k->n++];
    memset(sc, 0, sizeof *sc);
    cvom_account_brief_of(a, &sc->account);
    return 0;
}

enum cvom_status cvom_portfolio_scan(struct cvom_store *st, const struct cvom_config *cfg,
                                     const struct cvom_account_filter *f, int32_t as_of,
                                     struct cvom_scored **out, size_t *n,
                                     void (*progress)(void *ctx, size_t done, size_t total),
                                     void *ctx, struct cvom_error *err)
{
    /* Accounts are collected first: scoring issues further queries, which must not run
     * while the listing is still being stepped through. */
    struct collect k = {0};
    enum cvom_status s = st->ops->account_list(st, f, collect_cb, &k, err);
    if (!s && k.oom)
        s = cvom_error_set(err, CVOM_ENOMEM, "too many accounts to hold in memory");
    struct cvom_instrument_cache cache;
    cvom_instrument_cache_init(&cache);
    for (size_t i = 0; !s && i < k.n; i++) {
        s = cvom_account_score(st, &cache, cfg, k.v[i].account.id, as_of, &k.v[i].score,
                               &k.v[i].evidence, err);
        if (progress && (i % 256 == 255 || i + 1 == k.n))
            progress(ctx, i + 1, k.n);
    }
    cvom_instrument_cache_cleanup(&cache);
    if (!s)
        s = cvom_scan_namesakes(k.v, k.n, err);
    if (s) {
        free(k.v);
        return s;
    }
    *out = k.v;
    *n = k.n;
    return CVOM_OK;
}

/* Complete assessments of one instrument, gathered across accounts. */
struct gather {
    int64_t instrument_id;
    int64_t *ids;
    size_t n, cap;
    int oom;
};

static int gather_cb(void *ctx, const struct cvom_assessment *a)
{
    struct gather *g = ctx;
    if (a->instrument_id != g->instrument_id || a->status != CVOM_ASSESS_COMPLETE)
        return 0;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        int64_t *v = cap <= PORTFOLIO_MAX ? realloc(g->ids, cap * sizeof *v) : NULL;
        if (!v) {
            g->oom = 1;
            return 1;
        }
        g->ids = v;
        g->cap = cap;
    }
    g->ids[g->n++] = a->id;
    return 0;
}

/* One row of the case matrix per complete assessment: the axis's item scores. */
static enum cvom_status case_rows(struct cvom_store *st, const struct cvom_instrument *ins,
                                  const struct gather *g, int d, struct cvom_axis_reliability *r,
                                  double **data, struct cvom_error *err)
{
    r->items = 0;
    for (size_t j = 0; j < ins->n_items; j++)
        if (cvom_item_on_dim(&ins->items[j], (enum cvom_dim)d))
            r->index[r->items++] = j;
    double *m = malloc((g->n ? g->n : 1) * r->items * sizeof *m);
    struct answers *ans = malloc(sizeof *ans);
    enum cvom_status s = m && ans ? CVOM_OK : cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    r->cases = 0;
    for (size_t i = 0; !s && i < g->n; i++) {
        ans->ins = ins;
        ans->n = 0;
        ans->bad = 0;
        if ((s = st->ops->response_list(st, g->ids[i], answer_cb, ans, err)) != CVOM_OK)
            break;
        double *row = m + r->cases * r->items;
        size_t have = 0;
        for (size_t k = 0; k < r->items; k++) {
            row[k] = NAN;
            for (size_t j = 0; j < ans->n; j++)
                if (ans->items[j] == r->index[k]) {
                    cvom_item_normalise(&ins->items[r->index[k]], ans->raw[j], &row[k]);
                    have++;
                    break;
                }
        }
        r->cases += have == r->items; /* complete cases only */
    }
    free(ans);
    if (s) {
        free(m);
        return s;
    }
    *data = m;
    return CVOM_OK;
}

enum cvom_status cvom_instrument_reliability(struct cvom_store *st, int64_t id,
                                             const struct cvom_instrument *ins,
                                             struct cvom_axis_reliability out[CVOM_DIM_COUNT],
                                             struct cvom_error *err)
{
    struct collect k = {0};
    struct gather g = {.instrument_id = id};
    enum cvom_status s = st->ops->account_list(st, NULL, collect_cb, &k, err);
    if (!s && k.oom)
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !s && i < k.n; i++) {
        s = st->ops->assessment_list(st, k.v[i].account.id, gather_cb, &g, err);
        if (!s && g.oom)
            s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    }
    free(k.v);
    for (int d = 0; !s && d < CVOM_DIM_COUNT; d++) {
        double *data = NULL;
        struct cvom_axis_reliability *r = &out[d];
        if ((s = case_rows(st, ins, &g, d, r, &data, err)) != CVOM_OK)
            break;
        r->alpha = NAN;
        for (size_t j = 0; j < r->items; j++)
            r->item_total[j] = NAN;
        double a;
        if (cvom_cronbach_alpha(data, r->cases, r->items, &a, r->item_total) == CVOM_OK)
            r->alpha = a;
        free(data);
    }
    free(g.ids);
    return s;
}
