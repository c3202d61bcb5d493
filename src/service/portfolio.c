/* portfolio.c — from stored assessments to an account's score and its explanation. For
 * each respondent only the latest complete assessment on or before the date counts. */
#include "service/portfolio.h"

#include "service/accounts.h"

#include "io/instrument_csv.h"
#include "io/util.h"
#include "service/analytics.h"
#include "core/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASSESSMENTS_MAX 100000 /* per account: far beyond any real decision-making unit */

const char *const cvom__config_keys[] = {
    "threshold.intellectual",
    "threshold.emotional",
    "confidence",
    "min_respondents",
    "include_self",
    "validity_days",
    "signals.survey_weight",
    /* read by the analytics (service/analytics.c), not by scoring */
    CVOM_SETTING_OVERSERVED_SHARE,
    CVOM_SETTING_ALIGN_AT_RISK,
    /* read by the alerts (service/alerts.c) */
    CVOM_SETTING_ALERT_DUE_DAYS,
    CVOM_SETTING_ALERT_UNANSWERED_DAYS,
    NULL,
};

static enum cvom_status config_apply(struct cvom_config *cfg, const char *key, const char *val)
{
    double d;
    long l;
    enum cvom_status a = cvom__analytics_setting_parse(key, val, &d);
    if (a != CVOM_ENOTFOUND) /* an analytics setting: checked here, kept out of cfg */
        return a;
    if (strncmp(key, "threshold.", 10) == 0 || strcmp(key, "confidence") == 0 ||
        strcmp(key, "signals.survey_weight") == 0) {
        if (cvom__parse_double(val, &d))
            return CVOM_EINVAL;
        if (strcmp(key, "confidence") == 0)
            cfg->confidence = d;
        else if (key[0] == 's')
            cfg->survey_weight = d;
        else
            cfg->threshold[key[10] == 'i' ? CVOM_DIM_INTELLECTUAL : CVOM_DIM_EMOTIONAL] = d;
        return CVOM_OK;
    }
    if (cvom__parse_long(val, 0, 100000, &l))
        return CVOM_EINVAL;
    if (strcmp(key, "min_respondents") == 0)
        cfg->min_respondents = (int)l;
    else if (strcmp(key, "include_self") == 0)
        cfg->include_self = l != 0;
    else
        cfg->validity_days = (int)l;
    return CVOM_OK;
}

void cvom__config_value(const struct cvom_config *cfg, const struct cvom_analytics_settings *an,
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
    else if (an && strcmp(key, CVOM_SETTING_ALERT_DUE_DAYS) == 0)
        snprintf(buf, cap, "%g", an->due_days);
    else if (an && strcmp(key, CVOM_SETTING_ALERT_UNANSWERED_DAYS) == 0)
        snprintf(buf, cap, "%g", an->unanswered_days);
    else if (cap)
        buf[0] = '\0';
}

enum cvom_status cvom__config_load(struct cvom_store *st, struct cvom_config *cfg,
                                   struct cvom_error *err)
{
    struct cvom_config c;
    cvom_config_init(&c);
    for (int i = 0; cvom__config_keys[i]; i++) {
        char val[64];
        enum cvom_status s = st->ops->setting_get(st, cvom__config_keys[i], val, sizeof val, err);
        if (s == CVOM_ENOTFOUND)
            continue;
        if (s)
            return s;
        if (config_apply(&c, cvom__config_keys[i], val))
            return cvom_error_set(err, CVOM_EINVAL, "setting %s has a malformed value: %s",
                                  cvom__config_keys[i], val);
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
    for (int i = 0; cvom__config_keys[i]; i++)
        known |= strcmp(cvom__config_keys[i], key) == 0;
    if (!known)
        return cvom_error_set(err, CVOM_EINVAL, "unknown setting %s", key);
    struct cvom_config c;
    enum cvom_status s = cvom__config_load(st, &c, err);
    if (s)
        return s;
    if (config_apply(&c, key, value))
        return cvom_error_set(err, CVOM_EINVAL, "%s: not a number in its range: %s", key, value);
    return cvom_config_validate(&c, err);
}

enum cvom_status cvom__config_store(struct cvom_store *st, const char *key, const char *value,
                                    struct cvom_error *err)
{
    enum cvom_status s = config_check(st, key, value, err);
    return s ? s : st->ops->setting_set(st, key, value, err);
}

enum cvom_status cvom__config_store_seen(struct cvom_store *st, const char *key, const char *seen,
                                         const char *value, struct cvom_error *err)
{
    /* The stored text of what was seen: a person sees "55.0" where "55" may be stored. */
    struct cvom_config c;
    struct cvom_analytics_settings an;
    char raw[64], shown[32];
    enum cvom_status s = st->ops->setting_get(st, key, raw, sizeof raw, err);
    if (s && s != CVOM_ENOTFOUND)
        return s;
    int unset = s == CVOM_ENOTFOUND;
    if ((s = cvom__config_load(st, &c, err)) != CVOM_OK ||
        (s = cvom__analytics_settings_load(st, &an, err)) != CVOM_OK)
        return s;
    cvom__config_value(&c, &an, key, shown, sizeof shown);
    if (strcmp(shown, seen) != 0)
        return cvom_error_set(err, CVOM_ECONFLICT,
                              "%s was changed by someone else meanwhile: it is %s now", key, shown);
    if ((s = config_check(st, key, value, err)) != CVOM_OK)
        return s;
    /* The swap makes the change only if nobody else made one since the stored value was
     * read above, on any server. */
    return st->ops->setting_swap(st, key, unset ? NULL : raw, value, err);
}

void cvom__instrument_cache_init(struct cvom_instrument_cache *c)
{
    memset(c, 0, sizeof *c);
}

static void drop_instruments(struct cvom_instrument_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        cvom_instrument_cleanup(&c->ins[i]);
    c->n = 0;
}

void cvom__instrument_cache_cleanup(struct cvom_instrument_cache *c)
{
    drop_instruments(c);
    for (int i = 0; i < 2; i++) {
        if (c->signals[i])
            cvom__signals_cleanup(c->signals[i]);
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
    cvom__signals_cleanup(x);
    enum cvom_status s = cvom__signals_load(st, as_of, only, x, err);
    if (s) {
        cvom__signals_cleanup(x);
        free(x);
        c->signals[slot] = NULL;
        return s;
    }
    c->last = slot;
    *out = x;
    return CVOM_OK;
}

enum cvom_status cvom__instrument_cache_get(struct cvom_instrument_cache *c, struct cvom_store *st,
                                            int64_t id, const struct cvom_instrument **out,
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

/* What a portfolio scan knows of a picked assessment besides the assessment. */
struct pick_extra {
    double influence; /* of its respondent */
    int kept;         /* 1 when the store keeps its totals: then axes and dim are them */
    unsigned axes;
    struct cvom_acc dim[CVOM_DIM_COUNT];
};

/* The latest complete assessment per respondent on or before a date. */
struct picks {
    int32_t as_of;
    size_t n, cap;
    struct cvom_assessment *a;
    struct pick_extra *extra; /* a portfolio scan's, for each of a */
    int overflow;             /* 0, or why there was no room: CVOM_ELIMIT or CVOM_ENOMEM */
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

/* Keep a if it is its respondent's latest so far: the index of p->a it now has, -1 when it
 * is not kept, -2 (p->overflow set) when there is no room. */
static long pick_place(struct picks *p, const struct cvom_assessment *a)
{
    if (a->status != CVOM_ASSESS_COMPLETE || a->date > p->as_of)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        if (same_respondent(&p->a[i], a)) {
            if (!later(a, &p->a[i]))
                return -1;
            p->a[i] = *a;
            return (long)i;
        }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct cvom_assessment *g = cap <= ASSESSMENTS_MAX ? realloc(p->a, cap * sizeof *g) : NULL;
        struct pick_extra *x = g ? realloc(p->extra, cap * sizeof *x) : NULL;
        if (g)
            p->a = g;
        if (!x) {
            p->overflow = cap <= ASSESSMENTS_MAX ? CVOM_ENOMEM : CVOM_ELIMIT;
            return -2;
        }
        p->extra = x;
        p->cap = cap;
    }
    p->a[p->n] = *a;
    return (long)p->n++;
}

/* Why pick_place found no room. */
static enum cvom_status overflow_error(const struct picks *p, struct cvom_error *err)
{
    return p->overflow == CVOM_ENOMEM
               ? cvom_error_set(err, CVOM_ENOMEM, "out of memory")
               : cvom_error_set(err, CVOM_ELIMIT, "too many assessments for one account");
}

/* The one rule of staleness every face shows: the newest assessment (0: none) is older than
 * the validity period on the day the account is looked at. */
static int is_stale(int32_t newest, int32_t as_of, const struct cvom_config *cfg)
{
    return newest && as_of - newest > cfg->validity_days;
}

static int pick_cb(void *ctx, const struct cvom_assessment *a)
{
    return pick_place(ctx, a) == -2;
}

static enum cvom_status pick(struct cvom_store *st, const struct cvom_config *cfg,
                             int64_t account_id, int32_t as_of, struct picks *p,
                             struct cvom_evidence *ev, struct cvom_error *err)
{
    memset(p, 0, sizeof *p);
    p->as_of = as_of;
    enum cvom_status s = st->ops->assessment_list(st, account_id, pick_cb, p, err);
    if (!s && p->overflow)
        s = overflow_error(p, err);
    free(p->extra);
    p->extra = NULL;
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
    e.stale = is_stale(e.newest, as_of, cfg);
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
    cvom__copy_str(label, cap, a->respondent);
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
    cvom__copy_str(label, cap, sh.name);
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
    enum cvom_status s = cvom__instrument_cache_get(cache, st, a->instrument_id, &out->ins, err);
    if (!s)
        s = st->ops->response_list(st, a->id, answer_cb, out, err);
    if (!s && out->bad)
        s = cvom_error_set(err, CVOM_EINVAL, "assessment %lld has an answer to an unknown item",
                           (long long)a->id);
    return s;
}

/* Add a respondent's answers, in the order of the instrument's items, to r; an axis with
 * fewer answers than the instrument's minimum is then left without a score. Each version has
 * its own minimum, applied here, so that versions can be mixed. */
static void accumulate(struct cvom_respondent *r, const struct answers *ans)
{
    for (size_t j = 0; j < ans->n; j++)
        cvom_respondent_answer(r, &ans->ins->items[ans->items[j]], ans->raw[j]);
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (r->dim[d].n < (uint32_t)ans->ins->min_items)
            memset(&r->dim[d], 0, sizeof r->dim[d]);
}

/* The account's score from its n respondents, blended with its signals on as_of. */
static enum cvom_status score_of(struct cvom_store *st, struct cvom_instrument_cache *cache,
                                 const struct cvom_config *cfg, int64_t account_id, int32_t as_of,
                                 const struct cvom_respondent *r, size_t n, struct cvom_score *out,
                                 struct cvom_error *err)
{
    const struct cvom_signal_ctx *sig = NULL;
    enum cvom_status s = cvom_score_account(cfg, 1, r, n, out);
    if (s || (s = signals_for(cache, st, account_id, as_of, &sig, err)) != CVOM_OK)
        return s;
    struct cvom_signal_input in[CVOM_SIGNALS_MAX];
    size_t k = cvom__signals_of(sig, account_id, in, NULL, NULL);
    if (k && cvom_blend_signals(cfg, in, k, out, NULL))
        return cvom_error_set(err, CVOM_EINVAL, "the signals of account %lld cannot be blended",
                              (long long)account_id);
    return CVOM_OK;
}

enum cvom_status cvom__account_score(struct cvom_store *st, struct cvom_instrument_cache *cache,
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
        accumulate(&r[n++], ans);
    }
    if (!s)
        s = score_of(st, cache, cfg, account_id, as_of, r, n, out, err);
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
            if (cvom__copy_str(it.code, sizeof it.code, code))
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

enum cvom_status cvom__account_explain(struct cvom_store *st, const struct cvom_config *cfg,
                                       int64_t account_id, int32_t as_of,
                                       struct cvom_explanation *ex, struct cvom_instrument *ins,
                                       struct cvom_evidence *ev, struct cvom_error *err)
{
    return cvom__account_explain_signals(st, cfg, account_id, as_of, ex, ins, ev, NULL, err);
}

enum cvom_status
cvom__account_explain_signals(struct cvom_store *st, const struct cvom_config *cfg,
                              int64_t account_id, int32_t as_of, struct cvom_explanation *ex,
                              struct cvom_instrument *ins, struct cvom_evidence *ev,
                              struct cvom_signals_shown *shown, struct cvom_error *err)
{
    struct picks p;
    enum cvom_status s = pick(st, cfg, account_id, as_of, &p, ev, err);
    if (s)
        return s;
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    struct cvom_instrument u;
    cvom_instrument_init(&u);
    u.min_items = 0;
    cvom__copy_str(u.name, sizeof u.name, "combined");
    size_t n = p.n ? p.n : 1;
    struct cvom_answer_set *sets = calloc(n, sizeof *sets);
    size_t *items = calloc(n * CVOM_ITEMS_MAX, sizeof *items);
    double *raw = calloc(n * CVOM_ITEMS_MAX, sizeof *raw);
    char(*labels)[CVOM_NAME_MAX] = calloc(n, sizeof *labels);
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
    int explained = 0;
    if (!s)
        explained = (s = cvom_explain(cfg, &u, sets, k, ex, err)) == CVOM_OK;
    if (!s && (s = signals_for(&cache, st, account_id, as_of, &sig, err)) == CVOM_OK) {
        struct cvom_signal_input in[CVOM_SIGNALS_MAX];
        size_t m = cvom__signals_of(sig, account_id, in, NULL, shown);
        if (m && cvom_explain_blend(cfg, in, m, ex))
            s = cvom_error_set(err, CVOM_EINVAL, "the signals of account %lld cannot be blended",
                               (long long)account_id);
    } else if (shown) {
        shown->n = 0;
    }
    if (s && explained) /* explained, but the signals could not be read or blended */
        cvom_explanation_cleanup(ex);
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
    cvom__instrument_cache_cleanup(&cache);
    return s;
}

enum cvom_status cvom__ensure_default_instrument(struct cvom_store *st, int64_t *id,
                                                 struct cvom_error *err)
{
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    enum cvom_status s = cvom__instrument_default(&ins, err);
    if (!s) {
        s = st->ops->instrument_find(st, ins.name, ins.version, id, err);
        if (s == CVOM_ENOTFOUND)
            s = st->ops->instrument_put(st, &ins, id, err);
    }
    cvom_instrument_cleanup(&ins);
    return s;
}

#define PORTFOLIO_MAX 5000000u

/* The accounts of a scan as they are listed, in one block that free() releases: room for cap
 * records, then their texts. Records may be moved about within it (sorted, kept, copied) as
 * they are. The block is made for the count the store gives, with room for LINE_TEXT_GUESS
 * bytes of texts an account, and made anew, larger, should it fill; room never written is
 * address space the kernel never backs. */
#define LINE_TEXT_MAX (5 * CVOM_FIELD_MAX + CVOM_TAGS_MAX) /* an account's texts at most */
#define LINE_TEXT_GUESS 256

struct collect {
    struct cvom_scored *v;
    size_t n, cap;
    char *text; /* in v's block, after the cap records */
    size_t text_len, text_cap;
    int oom;
};

/* Point line l's texts, which are in from, at the same places in to. */
static void line_move(struct cvom_account_line *l, const char *from, const char *to)
{
    const char **t[] = {&l->external_id, &l->name, &l->owner, &l->industry, &l->region, &l->tags};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        *t[i] = to + (*t[i] - from);
}

/* A new block for k with room for cap records and text_cap bytes of texts, holding what k
 * has so far; -1 when memory runs out (k as it was). */
static int collect_room(struct collect *k, size_t cap, size_t text_cap)
{
    /* A 100,000-account scan holds some 50 MB: in huge pages where the kernel gives them. */
    struct cvom_scored *b = cvom__alloc_array(cap * sizeof *b + text_cap);
    if (!b)
        return -1;
    char *text = (char *)(void *)(b + cap);
    if (k->n)
        memcpy(b, k->v, k->n * sizeof *b);
    if (k->text_len)
        memcpy(text, k->text, k->text_len);
    for (size_t i = 0; i < k->n; i++)
        line_move(&b[i].account, k->text, text);
    free(k->v);
    k->v = b;
    k->cap = cap;
    k->text = text;
    k->text_cap = text_cap;
    return 0;
}

static const char *text_put(struct collect *k, const char *s, size_t cap)
{
    size_t len = strnlen(s, cap - 1);
    char *at = k->text + k->text_len;
    memcpy(at, s, len);
    at[len] = '\0';
    k->text_len += len + 1;
    return at;
}

static int collect_cb(void *ctx, const struct cvom_account *a)
{
    struct collect *k = ctx;
    if (k->n == k->cap || k->text_cap - k->text_len < LINE_TEXT_MAX) {
        size_t cap = k->n < k->cap ? k->cap : k->cap ? 2 * k->cap : 64;
        size_t text_cap = 2 * k->text_cap;
        if (text_cap < cap * LINE_TEXT_GUESS)
            text_cap = cap * LINE_TEXT_GUESS;
        if (text_cap < k->text_len + LINE_TEXT_MAX)
            text_cap = k->text_len + LINE_TEXT_MAX;
        if (cap > PORTFOLIO_MAX || collect_room(k, cap, text_cap)) {
            k->oom = 1;
            return 1;
        }
    }
    struct cvom_scored *sc = &k->v[k->n++];
    memset(sc, 0, sizeof *sc);
    struct cvom_account_line *l = &sc->account;
    cvom__account_line_of(a, l);
    l->external_id = text_put(k, a->external_id, sizeof a->external_id);
    l->name = text_put(k, a->name, sizeof a->name);
    l->owner = text_put(k, a->owner, sizeof a->owner);
    l->industry = text_put(k, a->industry, sizeof a->industry);
    l->region = text_put(k, a->region, sizeof a->region);
    l->tags = text_put(k, a->tags, sizeof a->tags);
    sc->axes = ~0u; /* not known until a one-pass scan reads the answers */
    return 0;
}

/* The collected accounts once more, in a block of their own with their own texts. */
static struct cvom_scored *collect_copy(const struct collect *k)
{
    struct collect c = {0};
    if (collect_room(&c, k->n ? k->n : 1, k->text_len + 1))
        return NULL;
    if (k->n)
        memcpy(c.v, k->v, k->n * sizeof *c.v);
    if (k->text_len)
        memcpy(c.text, k->text, k->text_len);
    for (size_t i = 0; i < k->n; i++)
        line_move(&c.v[i].account, k->text, c.text);
    return c.v;
}

/* ---- the whole portfolio in one pass ----------------------------------------------------------
 *
 * Scoring account by account asks the store three questions per account and one per
 * assessment. A portfolio scan instead reads every stakeholder, every complete assessment and
 * every answer once, in three ordered queries, and keeps a small state per account and per
 * assessment that counts, never the answers themselves. It applies the same rules in the same
 * order as cvom__account_score (pick, respondent_of, accumulate, score_of), so the scores are
 * the same to the last bit. */

struct by_id {
    int64_t id;
    size_t at; /* index in the scan's accounts */
};

static int by_id_cmp(const void *x, const void *y)
{
    const struct by_id *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

/* An assessment that counts on one of the scan's dates: the latest of its respondent on or
 * before that date, with the influence it carries. */
struct counted {
    int64_t id;
    int64_t instrument_id;
    size_t account; /* index in the scan's accounts */
    unsigned date;  /* which of the scan's dates */
    unsigned axes;  /* the item axes its answers touch, as bits */
    int kept;       /* 1 when r.dim came from the totals the store keeps */
    double influence;
    struct cvom_respondent r;
};

/* Totals a scan added up from the answers, for the store to keep. */
struct cvom_totals_list {
    struct cvom_totals *t;
    size_t n;
};

struct bulk {
    struct cvom_store *st;
    struct cvom_instrument_cache *cache;
    const struct cvom_config *cfg;
    struct cvom_scored **acc; /* per date: the scan's accounts, in one order */
    struct by_id *ids;        /* the scan's accounts by id */
    size_t n_acc;
    unsigned n_dates;
    struct counted *c; /* by account, then date, then the order pick gives */
    size_t n_c, cap_c;
    size_t *first, *count;          /* per date and account (date * n_acc + i): its run in c;
                                       first SCORED once scored */
    struct by_id *by_assessment;    /* the counted assessments without totals, by id (at:
                                       index in c); one may count on several dates */
    struct picks p[SCAN_DATES_MAX]; /* the account being read, per date */
    int64_t account_id;
    size_t account_at;
    size_t n_missing;   /* counted assessments without totals kept */
    size_t n_by;        /* of by_assessment */
    size_t next;        /* response_scan: the next of by_assessment */
    struct answers ans; /* response_scan: the answers of c[by_assessment[next]] */
    int64_t ans_of;
    struct cvom_respondent *r; /* the respondents of the run being scored */
    size_t cap_r;
    enum cvom_status s;
    struct cvom_error *err;
};

#define SCORED SIZE_MAX

static const struct by_id *account_by_id(const struct bulk *b, int64_t id)
{
    struct by_id key = {id, 0};
    return bsearch(&key, b->ids, b->n_acc, sizeof *b->ids, by_id_cmp);
}

/* Score run (date * n_acc + account) from its counted assessments. */
static enum cvom_status score_run(struct bulk *b, size_t run)
{
    size_t k = b->count[run], at = run % b->n_acc;
    unsigned d = (unsigned)(run / b->n_acc);
    void *g = cvom__grow(b->r, &b->cap_r, k ? k : 1, sizeof *b->r, ASSESSMENTS_MAX);
    if (!g)
        return cvom_error_set(b->err, CVOM_ENOMEM, "out of memory");
    b->r = g;
    for (size_t j = 0; j < k; j++)
        b->r[j] = b->c[b->first[run] + j].r;
    struct cvom_scored *sc = &b->acc[d][at];
    return score_of(b->st, b->cache, b->cfg, sc->account.id, b->p[d].as_of, b->r, k, &sc->score,
                    b->err);
}

/* The picks of the account read last, on each date, become its evidence and its counted
 * assessments on that date. When the store keeps the totals of every one, the account is
 * scored at once and its counted assessments let go; the others wait for their answers. */
static void flush_account(struct bulk *b)
{
    if (!b->account_id)
        return;
    for (unsigned d = 0; d < b->n_dates; d++) {
        struct picks *p = &b->p[d];
        struct cvom_scored *sc = &b->acc[d][b->account_at];
        size_t run = (size_t)d * b->n_acc + b->account_at;
        struct cvom_evidence e = {0};
        size_t missing = 0;
        b->first[run] = b->n_c;
        for (size_t i = 0; i < p->n && !b->s; i++) {
            const struct cvom_assessment *a = &p->a[i];
            e.assessments++;
            e.customer += a->kind == CVOM_RESP_CUSTOMER;
            if (a->date > e.newest)
                e.newest = a->date;
            const struct pick_extra *x = &p->extra[i];
            double infl = x->influence;
            if (!(infl > 0))
                continue; /* a stakeholder with no influence does not move the score */
            void *g = cvom__grow(b->c, &b->cap_c, b->n_c + 1, sizeof *b->c, PORTFOLIO_MAX * 64u);
            if (!g) {
                b->s =
                    cvom_error_set(b->err, CVOM_ENOMEM, "too many assessments to hold in memory");
                break;
            }
            b->c = g;
            struct counted *c = &b->c[b->n_c++];
            memset(c, 0, sizeof *c);
            c->id = a->id;
            c->instrument_id = a->instrument_id;
            c->account = b->account_at;
            c->date = d;
            c->influence = infl;
            c->r.kind = a->kind;
            c->r.influence = infl;
            if (x->kept) {
                memcpy(c->r.dim, x->dim, sizeof c->r.dim);
                c->axes = x->axes;
                c->kept = 1;
                sc->axes |= x->axes;
            } else {
                missing++;
            }
        }
        b->count[run] = b->n_c - b->first[run];
        e.stale = is_stale(e.newest, p->as_of, b->cfg);
        sc->evidence = e;
        p->n = 0;
        if (!b->s && !missing) {
            b->s = score_run(b, run);
            b->n_c = b->first[run];
            b->first[run] = SCORED;
            b->count[run] = 0;
        }
        b->n_missing += missing;
    }
    b->account_id = 0;
}

static int scan_assessment_cb(void *ctx, const struct cvom_assessment *a, int64_t sh_account,
                              double influence, const struct cvom_totals *t)
{
    struct bulk *b = ctx;
    if (a->account_id != b->account_id) {
        flush_account(b);
        const struct by_id *hit = account_by_id(b, a->account_id);
        if (!hit)
            return b->s != CVOM_OK; /* outside the filter */
        b->account_id = a->account_id;
        b->account_at = hit->at;
    }
    for (unsigned d = 0; d < b->n_dates; d++) {
        long at = pick_place(&b->p[d], a);
        if (at == -2) {
            b->s = overflow_error(&b->p[d], b->err);
            return 1;
        }
        if (at < 0)
            continue;
        struct pick_extra *x = &b->p[d].extra[at];
        /* respondent_of: a customer's stakeholder of this account gives the influence. */
        x->influence =
            a->kind == CVOM_RESP_CUSTOMER && a->stakeholder_id && sh_account == a->account_id
                ? influence
                : 1.0;
        x->kept = t != NULL;
        if (t) {
            x->axes = t->axes;
            memcpy(x->dim, t->dim, sizeof x->dim);
        }
    }
    return 0;
}

/* The answers gathered for one counted assessment, put in the order of the instrument's
 * items (the store gives them by item code) and added to its respondent on every date it
 * counts on. */
static void finish_answers(struct bulk *b)
{
    struct answers *ans = &b->ans;
    if (!b->ans_of)
        return;
    for (size_t i = 1; i < ans->n; i++) /* a few dozen at most: insertion sort */
        for (size_t j = i; j > 0 && ans->items[j - 1] > ans->items[j]; j--) {
            size_t t = ans->items[j];
            double v = ans->raw[j];
            ans->items[j] = ans->items[j - 1];
            ans->raw[j] = ans->raw[j - 1];
            ans->items[j - 1] = t;
            ans->raw[j - 1] = v;
        }
    unsigned axes = 0;
    for (size_t j = 0; j < ans->n; j++)
        axes |= 1u << ans->ins->items[ans->items[j]].axis;
    for (; b->next < b->n_by && b->by_assessment[b->next].id == b->ans_of; b->next++) {
        struct counted *c = &b->c[b->by_assessment[b->next].at];
        accumulate(&c->r, ans);
        c->axes = axes;
        b->acc[c->date][c->account].axes |= axes;
    }
    b->ans_of = 0;
    ans->n = 0;
}

static int scan_response_cb(void *ctx, const struct cvom_response *r)
{
    struct bulk *b = ctx;
    if (r->assessment_id != b->ans_of) {
        finish_answers(b);
        /* Both come by assessment id: step over the counted ones without answers. */
        while (b->next < b->n_by && b->by_assessment[b->next].id < r->assessment_id)
            b->next++;
        if (b->next == b->n_by)
            return 1; /* nothing more counts */
        struct counted *c = &b->c[b->by_assessment[b->next].at];
        if (c->id != r->assessment_id)
            return 0; /* an assessment that does not count */
        b->s = cvom__instrument_cache_get(b->cache, b->st, c->instrument_id, &b->ans.ins, b->err);
        if (b->s)
            return 1;

        b->ans_of = c->id;
    }
    int i = cvom_instrument_find(b->ans.ins, r->item_code);
    if (i < 0 || b->ans.n == CVOM_ITEMS_MAX) {
        b->s =
            cvom_error_set(b->err, CVOM_EINVAL, "assessment %lld has an answer to an unknown item",
                           (long long)r->assessment_id);
        return 1;
    }
    b->ans.items[b->ans.n] = (size_t)i;
    b->ans.raw[b->ans.n++] = r->value;
    return 0;
}

/* The answers of the counted assessments without totals: one query each when they are
 * few, else every answer of the store in one pass; each is added up as it is read, and
 * its totals go to *fresh so that the store may keep them. */
static enum cvom_status read_answers(struct bulk *b, struct cvom_totals_list *fresh)
{
    size_t k = b->n_by, distinct = 0;
    for (size_t i = 0; i < k; i++)
        distinct += !i || b->by_assessment[i - 1].id != b->by_assessment[i].id;
    b->next = 0;
    if (!k)
        return CVOM_OK;
    enum cvom_status s = CVOM_OK;
    if (distinct <= b->n_c / 8)
        for (size_t i = 0; !s && i < k; i++) {
            if (i && b->by_assessment[i - 1].id == b->by_assessment[i].id)
                continue;
            s = b->st->ops->response_list(b->st, b->by_assessment[i].id, scan_response_cb, b,
                                          b->err);
            if (!s)
                s = b->s;
        }
    else if (!(s = b->st->ops->response_scan(b->st, scan_response_cb, b, b->err)))
        s = b->s;
    if (!s) {
        finish_answers(b);
        s = b->s;
    }
    if (!s && fresh && !(fresh->t = malloc(distinct * sizeof *fresh->t)))
        fresh = NULL; /* no room to keep them: the next scan adds them up again */
    for (size_t i = 0; !s && fresh && i < k; i++) {
        if (i && b->by_assessment[i - 1].id == b->by_assessment[i].id)
            continue;
        const struct counted *c = &b->c[b->by_assessment[i].at];
        struct cvom_totals *t = &fresh->t[fresh->n++];
        t->assessment_id = c->id;
        t->instrument_id = c->instrument_id;
        t->axes = c->axes;
        memcpy(t->dim, c->r.dim, sizeof t->dim);
    }
    return s;
}

static int by_id_at_cmp(const void *x, const void *y)
{
    const struct by_id *a = x, *b = y;
    int c = by_id_cmp(x, y);
    return c ? c : (a->at > b->at) - (a->at < b->at);
}

/* Score every account of acc[d][0..n) as of dates[d], for each of the n_dates dates, in one
 * pass over the assessments with the totals the store keeps, and one over the answers of
 * the assessments without (fresh receives their totals; NULL: not wanted); *one_by_one is
 * set, and nothing scored, when the portfolio was answered with more instrument versions
 * than one pass keeps at hand. */
static enum cvom_status scan_all(struct cvom_store *st, struct cvom_instrument_cache *cache,
                                 const struct cvom_config *cfg, const int32_t *dates,
                                 unsigned n_dates, struct cvom_scored **acc, size_t n,
                                 int *one_by_one, struct cvom_totals_list *fresh,
                                 void (*progress)(void *ctx, size_t done, size_t total), void *ctx,
                                 struct cvom_error *err)
{
    *one_by_one = 0;
    struct bulk b = {.st = st,
                     .cache = cache,
                     .cfg = cfg,
                     .acc = acc,
                     .n_acc = n,
                     .n_dates = n_dates,
                     .err = err};
    int32_t last = dates[0];
    for (unsigned d = 0; d < n_dates; d++) {
        b.p[d].as_of = dates[d];
        if (dates[d] > last)
            last = dates[d];
    }
    b.ids = malloc((n ? n : 1) * sizeof *b.ids);
    b.first = calloc((n ? n : 1) * n_dates, sizeof *b.first);
    b.count = calloc((n ? n : 1) * n_dates, sizeof *b.count);
    if (!b.ids || !b.first || !b.count)
        b.s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !b.s && i < n; i++)
        b.ids[i] = (struct by_id){acc[0][i].account.id, i};
    if (!b.s)
        cvom__sort(b.ids, n, sizeof *b.ids, by_id_cmp);
    for (unsigned d = 0; d < n_dates; d++)
        for (size_t i = 0; i < n; i++)
            acc[d][i].axes = 0;
    enum cvom_status s = b.s;
    if (!s)
        s = st->ops->assessment_scan(st, last, scan_assessment_cb, &b, err);
    if (!s && !(s = b.s)) {
        flush_account(&b);
        s = b.s;
    }
    /* The answers only of the counted assessments without totals. */
    if (!s &&
        !(b.by_assessment = malloc((b.n_missing ? b.n_missing : 1) * sizeof *b.by_assessment)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (!s) {
        for (size_t i = 0; i < b.n_c; i++)
            if (!b.c[i].kept)
                b.by_assessment[b.n_by++] = (struct by_id){b.c[i].id, i};
        cvom__sort(b.by_assessment, b.n_by, sizeof *b.by_assessment, by_id_at_cmp);
    }
    /* The instruments of the answers to read, read before them: while the answers stream,
     * the store is asked nothing else. More versions than the cache holds: score account by
     * account instead. */
    int64_t used[sizeof cache->ids / sizeof *cache->ids];
    size_t n_used = 0;
    for (size_t i = 0; !s && !*one_by_one && i < b.n_c; i++) {
        if (b.c[i].kept)
            continue;
        size_t j = 0;
        while (j < n_used && used[j] != b.c[i].instrument_id)
            j++;
        if (j < n_used)
            continue;
        if (n_used == sizeof used / sizeof *used) {
            *one_by_one = 1;
            break;
        }
        used[n_used++] = b.c[i].instrument_id;
        s = cvom__instrument_cache_get(cache, st, b.c[i].instrument_id, &b.ans.ins, err);
    }
    if (!s && !*one_by_one)
        s = read_answers(&b, fresh);
    for (unsigned d = 0; *one_by_one && d < n_dates; d++)
        for (size_t i = 0; i < n; i++)
            acc[d][i].axes = ~0u;
    size_t total = (size_t)n_dates * n;
    for (size_t i = 0; !s && !*one_by_one && i < total; i++) {
        if (b.first[i] != SCORED)
            s = score_run(&b, i);
        if (progress && (i % 4096 == 4095 || i + 1 == total))
            progress(ctx, i + 1, total);
    }
    free(b.r);
    for (unsigned d = 0; d < n_dates; d++) {
        free(b.p[d].a);
        free(b.p[d].extra);
    }
    free(b.ids);
    free(b.first);
    free(b.count);
    free(b.c);
    free(b.by_assessment);
    return s;
}

/* Keep the totals a scan added up, if no change reached the database since the scan read it
 * (at revision seen): in a write transaction that holds the writers of answers off, so
 * that each is still true when kept. They only spare later scans the answers, so a store
 * that cannot take them now (read-only, busy, changed) is left as it is. */
static void keep_totals(struct cvom_store *st, int64_t seen, const struct cvom_totals_list *fresh)
{
    struct cvom_error e;
    int64_t now = -1;
    if (!fresh->n || st->ops->begin(st, &e))
        return;
    enum cvom_status s = st->ops->totals_lock(st, &e);
    if (!s)
        s = st->ops->revision(st, &now, &e);
    if (!s && now == seen)
        s = st->ops->hold_rows(st, 1, &e); /* many at once where the store can */
    for (size_t i = 0; !s && now == seen && i < fresh->n; i++)
        s = st->ops->totals_put(st, &fresh->t[i], &e);
    if (!s && now == seen)
        s = st->ops->hold_rows(st, 0, &e);
    if (s || now != seen || st->ops->commit(st, &e))
        st->ops->rollback(st);
}

enum cvom_status cvom__portfolio_scan_dates(struct cvom_store *st, const struct cvom_config *cfg,
                                            const struct cvom_account_filter *f,
                                            const int32_t *dates, unsigned n_dates,
                                            struct cvom_scored **out, size_t *n,
                                            void (*progress)(void *ctx, size_t done, size_t total),
                                            void *ctx, struct cvom_error *err)
{
    if (n_dates < 1 || n_dates > SCAN_DATES_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "a scan takes 1 to %d dates", SCAN_DATES_MAX);
    /* One state of the database for all the reads of the scan. */
    int opened = 0;
    enum cvom_status s = st->ops->begin_read(st, &opened, err);
    if (s)
        return s;
    int64_t revision = 0;
    struct cvom_totals_list fresh = {0};
    if (opened)
        s = st->ops->revision(st, &revision, err);
    /* Room for every account at once: growing an array of 100,000 scored accounts step by
     * step would copy it over and over. */
    struct collect k = {0};
    struct cvom_scored *v[SCAN_DATES_MAX] = {NULL};
    int64_t total = 0;
    if (!s)
        s = st->ops->account_count(st, &total, err);
    if (!s && total > 0 && (uint64_t)total <= PORTFOLIO_MAX &&
        collect_room(&k, (size_t)total, (size_t)total * LINE_TEXT_GUESS))
        s = cvom_error_set(err, CVOM_ENOMEM, "too many accounts to hold in memory");
    if (!s)
        s = st->ops->account_list(st, f, collect_cb, &k, err);
    if (!s && k.oom)
        s = cvom_error_set(err, CVOM_ENOMEM, "too many accounts to hold in memory");
    if (!s && !k.v && collect_room(&k, 1, 1)) /* none: still a block */
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (!s)
        s = cvom__scan_namesakes(k.v, k.n, err);
    /* The same accounts for every other date, with texts of their own. */
    for (unsigned d = 1; !s && d < n_dates; d++)
        if (!(v[d] = collect_copy(&k)))
            s = cvom_error_set(err, CVOM_ENOMEM, "too many accounts to hold in memory");
    v[0] = k.v;
    /* Accounts with as many respondents share a Student-t quantile: remember them. */
    struct cvom_config with_memo = *cfg;
    struct cvom_tcache *memo = cfg->tcache ? NULL : calloc(1, sizeof *memo);
    if (memo)
        with_memo.tcache = memo;
    cfg = &with_memo;
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    /* The signals of the whole portfolio on each date, read once (account 0: every
     * account's); the cache keeps two dates. */
    const struct cvom_signal_ctx *sig;
    for (unsigned d = 0; !s && d < n_dates; d++)
        s = signals_for(&cache, st, 0, dates[d], &sig, err);
    int one_by_one = 0;
    if (!s)
        s = scan_all(st, &cache, cfg, dates, n_dates, v, k.n, &one_by_one, opened ? &fresh : NULL,
                     progress, ctx, err);
    /* Account by account, to the same result, when one pass does not do. */
    for (unsigned d = 0; !s && one_by_one && d < n_dates; d++)
        for (size_t i = 0; !s && i < k.n; i++) {
            s = cvom__account_score(st, &cache, cfg, v[d][i].account.id, dates[d], &v[d][i].score,
                                    &v[d][i].evidence, err);
            if (progress && (i % 256 == 255 || i + 1 == k.n))
                progress(ctx, d * k.n + i + 1, n_dates * k.n);
        }
    cvom__instrument_cache_cleanup(&cache);
    free(memo);
    if (opened)
        st->ops->rollback(st);
    if (!s)
        keep_totals(st, revision, &fresh);
    free(fresh.t);
    if (s) {
        for (unsigned d = 0; d < n_dates; d++)
            free(v[d]);
        return s;
    }
    for (unsigned d = 0; d < n_dates; d++)
        out[d] = v[d];
    *n = k.n;
    return CVOM_OK;
}

int cvom__scored_in_quadrant(const struct cvom_scored *s, int q)
{
    if (q < 0)
        return 1;
    return s->evidence.assessments && s->score.state != CVOM_STATE_INSUFFICIENT &&
           (int)s->score.quadrant == q;
}

size_t cvom__scored_keep_quadrant(struct cvom_scored *v, size_t n, int q)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (cvom__scored_in_quadrant(&v[i], q))
            v[k++] = v[i];
    return k;
}

enum cvom_status cvom__portfolio_scan(struct cvom_store *st, const struct cvom_config *cfg,
                                      const struct cvom_account_filter *f, int32_t as_of,
                                      struct cvom_scored **out, size_t *n,
                                      void (*progress)(void *ctx, size_t done, size_t total),
                                      void *ctx, struct cvom_error *err)
{
    return cvom__portfolio_scan_dates(st, cfg, f, &as_of, 1, out, n, progress, ctx, err);
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

enum cvom_status cvom__instrument_reliability(struct cvom_store *st, int64_t id,
                                              const struct cvom_instrument *ins,
                                              struct cvom_axis_reliability out[CVOM_DIM_COUNT],
                                              struct cvom_error *err)
{
    struct collect k = {0};
    struct gather g = {.instrument_id = id};
    enum cvom_status s = st->ops->account_list(st, NULL, collect_cb, &k, err); /* their ids */
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
