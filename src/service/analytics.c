/* analytics.c — gathering for the portfolio analytics: two scans joined for the migration,
 * each account's offering ratings assessed for over-serving, hierarchies aligned with ours,
 * and partnership health over a scan. The computations are the core's; this file finds the
 * data and keeps the lists in the orders the faces show them. */
#include "service/analytics.h"

#include "io/util.h"
#include "core/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SPAN_DAYS 180 /* compared when the store holds fewer than two snapshot dates */

/* ---- settings ---------------------------------------------------------------------------- */

enum cvom_status cvom__analytics_setting_parse(const char *key, const char *value, double *out)
{
    double lo, hi = 1;
    int days = 0;
    if (strcmp(key, CVOM_SETTING_OVERSERVED_SHARE) == 0)
        lo = 0;
    else if (strcmp(key, CVOM_SETTING_ALIGN_AT_RISK) == 0)
        lo = -1;
    else if ((days = strcmp(key, CVOM_SETTING_ALERT_DUE_DAYS) == 0) != 0)
        lo = 0, hi = 365;
    else if ((days = strcmp(key, CVOM_SETTING_ALERT_UNANSWERED_DAYS) == 0) != 0)
        lo = 1, hi = 365;
    else
        return CVOM_ENOTFOUND;
    double d;
    if (cvom__parse_double(value, &d) || !(d >= lo && d <= hi) || (days && d != floor(d)))
        return CVOM_EINVAL;
    *out = d;
    return CVOM_OK;
}

static enum cvom_status setting_read(struct cvom_store *st, const char *key, double *v,
                                     struct cvom_error *err)
{
    char val[64];
    enum cvom_status s = st->ops->setting_get(st, key, val, sizeof val, err);
    if (s == CVOM_ENOTFOUND)
        return CVOM_OK;
    if (!s && cvom__analytics_setting_parse(key, val, v))
        s = cvom_error_set(err, CVOM_EINVAL, "setting %s has a malformed value: %s", key, val);
    return s;
}

enum cvom_status cvom__analytics_settings_load(struct cvom_store *st,
                                               struct cvom_analytics_settings *out,
                                               struct cvom_error *err)
{
    struct cvom_analytics_settings s = {CVOM_OVERSERVED_SHARE, CVOM_ALIGN_AT_RISK,
                                        CVOM_ALERT_DUE_DAYS, CVOM_ALERT_UNANSWERED_DAYS};
    enum cvom_status r = setting_read(st, CVOM_SETTING_OVERSERVED_SHARE, &s.overserved_share, err);
    if (!r)
        r = setting_read(st, CVOM_SETTING_ALIGN_AT_RISK, &s.at_risk, err);
    if (!r)
        r = setting_read(st, CVOM_SETTING_ALERT_DUE_DAYS, &s.due_days, err);
    if (!r)
        r = setting_read(st, CVOM_SETTING_ALERT_UNANSWERED_DAYS, &s.unanswered_days, err);
    if (!r)
        *out = s;
    return r;
}

/* ---- migration ----------------------------------------------------------------------------- */

static int by_id(const void *x, const void *y)
{
    const struct cvom_scored *a = x, *b = y;
    return (a->account.id > b->account.id) - (a->account.id < b->account.id);
}

static struct cvom_score not_placed(void)
{
    struct cvom_score s;
    memset(&s, 0, sizeof s);
    s.state = CVOM_STATE_INSUFFICIENT;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        s.value[d] = s.lo[d] = s.hi[d] = s.se[d] = s.self_value[d] = NAN;
    return s;
}

int cvom__scored_same_order(const struct cvom_scored *a, const struct cvom_scored *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].account.id != b[i].account.id)
            return 0;
    return 1;
}

/* Pair each account's two scores. An account in only one scan (added or removed while the
 * scans ran) is not placed on the other date. */
static enum cvom_status join(struct cvom_compare *k, struct cvom_error *err)
{
    size_t cap = k->n_later + k->n_earlier + 1;
    char *seen = calloc(k->n_earlier + 1, 1);
    /* Each entry is set whole as it is taken; past k->n none is read. */
    k->in = cvom__alloc_array(cap * sizeof *k->in);
    k->acc = cvom__alloc_array(cap * sizeof *k->acc);
    if (!seen || !k->in || !k->acc) {
        free(seen);
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    }
    int paired =
        k->n_earlier == k->n_later && cvom__scored_same_order(k->later, k->earlier, k->n_later);
    if (k->n_earlier && !paired)
        cvom__sort(k->earlier, k->n_earlier, sizeof *k->earlier, by_id);
    for (size_t i = 0; i < k->n_later; i++) {
        const struct cvom_scored *v = &k->later[i];
        const struct cvom_scored *b =
            paired         ? &k->earlier[i]
            : k->n_earlier ? bsearch(v, k->earlier, k->n_earlier, sizeof *k->earlier, by_id)
                           : NULL;
        k->in[k->n] = (struct cvom_migration_account){
            .from = b ? b->score : not_placed(),
            .to = v->score,
            .revenue = v->account.revenue,
            .stale = v->evidence.stale,
            .last_assessed = v->evidence.newest,
        };
        if (b)
            seen[b - k->earlier] = 1;
        k->acc[k->n++] = &v->account;
    }
    for (size_t i = 0; i < k->n_earlier; i++) {
        if (seen[i])
            continue;
        const struct cvom_scored *b = &k->earlier[i];
        k->in[k->n] = (struct cvom_migration_account){
            .from = b->score, .to = not_placed(), .revenue = b->account.revenue};
        k->acc[k->n++] = &b->account;
    }
    free(seen);
    return CVOM_OK;
}

enum cvom_status cvom__compare_build(const struct cvom_config *cfg, struct cvom_scored *later,
                                     size_t n_later, struct cvom_scored *earlier, size_t n_earlier,
                                     const struct cvom_migration_options *o, struct cvom_compare *k,
                                     struct cvom_error *err)
{
    memset(k, 0, sizeof *k);
    k->cfg = *cfg;
    k->later = later;
    k->n_later = n_later;
    k->earlier = earlier;
    k->n_earlier = n_earlier;
    enum cvom_status s = join(k, err);
    if (!s)
        s = cvom_migration_build(o, k->in, k->n, &k->m, err);
    if (s)
        cvom__compare_cleanup(k);
    return s;
}

enum cvom_status cvom__compare_gather(struct cvom_store *st, const struct cvom_account_filter *f,
                                      const struct cvom_migration_options *o,
                                      struct cvom_compare *k, struct cvom_error *err)
{
    struct cvom_config cfg;
    struct cvom_scored *later = NULL, *earlier = NULL;
    size_t nl = 0, ne = 0;
    memset(k, 0, sizeof *k);
    enum cvom_status s = cvom__config_load(st, &cfg, err);
    if (!s) { /* both dates in one pass over the store */
        const int32_t dates[2] = {o->to, o->from};
        struct cvom_scored *v[2] = {NULL, NULL};
        s = cvom__portfolio_scan_dates(st, &cfg, f, dates, 2, v, &nl, NULL, NULL, err);
        later = v[0];
        earlier = v[1];
        ne = nl;
    }
    if (!s)
        s = cvom__compare_build(&cfg, later, nl, earlier, ne, o, k, err);
    if (s) {
        free(later);
        free(earlier);
        return s;
    }
    k->own_scans = 1;
    return CVOM_OK;
}

void cvom__compare_cleanup(struct cvom_compare *k)
{
    if (!k)
        return;
    cvom_migration_cleanup(&k->m);
    free(k->in);
    free(k->acc);
    if (k->own_scans) {
        free(k->later);
        free(k->earlier);
    }
    memset(k, 0, sizeof *k);
}

static int newest_snapshot(void *ctx, const struct cvom_snapshot *s)
{
    int32_t *newest = ctx;
    if (s->date > *newest)
        *newest = s->date;
    return 0;
}

enum cvom_status cvom__snapshot_dates(struct cvom_store *st, int32_t as_of, int32_t *newest,
                                      int32_t *before, struct cvom_error *err)
{
    /* The newest snapshot of every account on or before a date: the largest of them is the
     * newest snapshot date; asked again as of the day before it, the one before that. */
    *newest = *before = 0;
    enum cvom_status s = st->ops->snapshot_list_latest(st, as_of, newest_snapshot, newest, err);
    if (!s && *newest > 0)
        s = st->ops->snapshot_list_latest(st, *newest - 1, newest_snapshot, before, err);
    return s;
}

enum cvom_status cvom__compare_default_dates(struct cvom_store *st, int32_t today, int32_t *from,
                                             int32_t *to, struct cvom_error *err)
{
    int32_t d1, d0;
    enum cvom_status s = cvom__snapshot_dates(st, INT32_MAX, &d1, &d0, err);
    if (s)
        return s;
    if (d0 > 0 && d0 < d1) {
        *from = d0;
        *to = d1;
    } else {
        *from = today - DEFAULT_SPAN_DAYS;
        *to = today;
    }
    return CVOM_OK;
}

/* ---- over-serving ---------------------------------------------------------------------------- */

/* Every rating of the portfolio, in the store's order: by account, then code. */
static int collect_rating(void *ctx, const struct cvom_offering_rating *r)
{
    return cvom__rows_push(ctx, r);
}

/* Most unvalued cost first, then by name. */
static int by_unvalued(const void *a, const void *b)
{
    const struct cvom_served *x = a, *y = b;
    if (x->s.unvalued_cost != y->s.unvalued_cost)
        return x->s.unvalued_cost > y->s.unvalued_cost ? -1 : 1;
    return strcmp(x->acc->account.name, y->acc->account.name);
}

static void append_code(char *buf, size_t cap, const char *code)
{
    size_t n = strlen(buf);
    if (n + 1 < cap)
        snprintf(buf + n, cap - n, "%s%s", n ? " " : "", code);
}

/* The ratings of one account: the run of the store's listing that belongs to it (the
 * listing is grouped by account). */
static size_t ratings_of(const struct cvom_offering_rating *v, size_t n, int64_t account_id,
                         size_t *first)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first rating whose account is not below account_id */
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].account_id < account_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < n && v[end].account_id == account_id)
        end++;
    *first = lo;
    return end - lo;
}

static int sorted_by_account(const struct cvom_offering_rating *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i].account_id < v[i - 1].account_id)
            return 0;
    return 1;
}

/* Assess one account's n ratings r (in the store's order). */
static enum cvom_status assess_one(const struct cvom_serving_config *cfg,
                                   const struct cvom_offering_rating *r, size_t n,
                                   struct cvom_offer_rating *tmp, struct cvom_served *out,
                                   struct cvom_error *err)
{
    out->offerings[0] = '\0';
    for (size_t j = 0; j < n; j++) {
        tmp[j] = r[j].r;
        if (r[j].r.importance < cfg->importance_threshold)
            append_code(out->offerings, sizeof out->offerings, r[j].code);
    }
    out->ratings = r;
    out->n_ratings = n;
    return cvom_serving_assess(cfg, tmp, n, &out->s, err);
}

static enum cvom_status assess_all(struct cvom_overserving *o, const struct cvom_offering_rating *v,
                                   size_t n, struct cvom_error *err)
{
    struct cvom_offer_rating *tmp = malloc((n ? n : 1) * sizeof *tmp);
    o->v = calloc(o->n_scan ? o->n_scan : 1, sizeof *o->v);
    if (!tmp || !o->v) {
        free(tmp);
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    }
    enum cvom_status s = CVOM_OK;
    for (size_t i = 0; !s && i < o->n_scan; i++) {
        size_t first, k = ratings_of(v, n, o->scan[i].account.id, &first);
        if (!k)
            continue;
        struct cvom_served *sv = &o->v[o->n];
        sv->acc = &o->scan[i];
        s = assess_one(&o->cfg, v + first, k, tmp, sv, err);
        o->n++;
    }
    free(tmp);
    return s;
}

static enum cvom_status overserving_run(struct cvom_store *st, struct cvom_overserving *o,
                                        struct cvom_error *err)
{
    struct cvom_rows all;
    cvom__rows_init(&all, sizeof(struct cvom_offering_rating), SIZE_MAX / 2);
    enum cvom_status s = cvom_serving_config_validate(&o->cfg, err);
    if (!s)
        s = st->ops->rating_list(st, 0, collect_rating, &all, err);
    if (!s)
        s = cvom__rows_status(&all, "too many ratings to hold in memory", err);
    o->ratings = all.v;
    o->n_ratings = all.n;
    if (!s && !sorted_by_account(o->ratings, o->n_ratings))
        s = cvom_error_set(err, CVOM_EINVAL, "the store listed ratings out of account order");
    if (!s)
        s = assess_all(o, o->ratings, o->n_ratings, err);
    if (s)
        return s;
    struct cvom_serving *each = malloc((o->n ? o->n : 1) * sizeof *each);
    if (!each)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->n; i++)
        each[i] = o->v[i].s;
    cvom_serving_tally(each, o->n, &o->total);
    free(each);
    cvom__sort(o->v, o->n, sizeof *o->v, by_unvalued);
    return CVOM_OK;
}

enum cvom_status cvom__overserving_build(struct cvom_store *st,
                                         const struct cvom_serving_config *cfg,
                                         struct cvom_scored *scan, size_t n_scan,
                                         struct cvom_overserving *out, struct cvom_error *err)
{
    memset(out, 0, sizeof *out);
    out->cfg = *cfg;
    out->scan = scan;
    out->n_scan = n_scan;
    enum cvom_status s = overserving_run(st, out, err);
    if (s)
        cvom__overserving_cleanup(out);
    return s;
}

enum cvom_status cvom__overserving_gather(struct cvom_store *st,
                                          const struct cvom_serving_config *cfg,
                                          const struct cvom_account_filter *f, int quadrant,
                                          int32_t as_of, struct cvom_overserving *out,
                                          struct cvom_error *err)
{
    struct cvom_config score_cfg;
    struct cvom_scored *scan = NULL;
    size_t n = 0;
    memset(out, 0, sizeof *out);
    enum cvom_status s = cvom_serving_config_validate(cfg, err);
    if (!s)
        s = cvom__config_load(st, &score_cfg, err);
    if (!s)
        s = cvom__portfolio_scan(st, &score_cfg, f, as_of, &scan, &n, NULL, NULL, err);
    if (!s)
        n = cvom__scored_keep_quadrant(scan, n, quadrant);
    if (!s)
        s = cvom__overserving_build(st, cfg, scan, n, out, err);
    if (s) {
        free(scan);
        return s;
    }
    out->own_scan = 1;
    return CVOM_OK;
}

void cvom__overserving_cleanup(struct cvom_overserving *o)
{
    if (!o)
        return;
    free(o->v);
    free(o->ratings);
    if (o->own_scan)
        free(o->scan);
    memset(o, 0, sizeof *o);
}

/* ---- value alignment ------------------------------------------------------------------------ */

static int collect_place(void *ctx, const struct cvom_value_rank *r)
{
    return cvom__rows_push(ctx, r);
}

/* The places of the hierarchies listed, in the store's order: by account, then rank. */
enum cvom_status cvom__value_places(struct cvom_store *st, int64_t account_id,
                                    struct cvom_value_rank **v, size_t *n, struct cvom_error *err)
{
    struct cvom_rows p;
    cvom__rows_init(&p, sizeof **v, SIZE_MAX / 2);
    enum cvom_status s = st->ops->ranking_list(st, account_id, collect_place, &p, err);
    if (!s)
        s = cvom__rows_status(&p, "too many value rankings to hold in memory", err);
    *v = p.v; /* freed by the set's cleanup, even on failure */
    *n = p.n;
    return s;
}

/* Least aligned first; unknown alignments last; then by name. */
static int by_tau(const void *x, const void *y)
{
    const struct cvom_aligned *a = x, *b = y;
    int na = isnan(a->a.tau), nb = isnan(b->a.tau);
    if (na != nb)
        return na - nb;
    if (!na && a->a.tau != b->a.tau)
        return a->a.tau < b->a.tau ? -1 : 1;
    return strcmp(a->acc->account.name, b->acc->account.name);
}

/* The run of their_places that is account_id's hierarchy, by rank. */
static size_t hierarchy_of(const struct cvom_alignment_set *s, int64_t account_id,
                           const struct cvom_value_rank **first)
{
    size_t i = 0, hi = s->n_their_places, n = 0;
    while (i < hi) { /* the listing is by account: the first place not below account_id */
        size_t mid = i + (hi - i) / 2;
        if (s->their_places[mid].account_id < account_id)
            i = mid + 1;
        else
            hi = mid;
    }
    while (i + n < s->n_their_places && s->their_places[i + n].account_id == account_id &&
           n < CVOM_VALUES_MAX)
        n++;
    *first = n ? &s->their_places[i] : NULL;
    return n;
}

/* Align each scanned account (only account_id when > 0) that has a hierarchy. */
static enum cvom_status align_scan(struct cvom_alignment_set *s, int64_t account_id,
                                   struct cvom_error *err)
{
    if (!(s->v = calloc(s->n_scan ? s->n_scan : 1, sizeof *s->v)))
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    enum cvom_status st = CVOM_OK;
    for (size_t i = 0; !st && i < s->n_scan; i++) {
        const struct cvom_scored *acc = &s->scan[i];
        if (account_id > 0 && acc->account.id != account_id)
            continue;
        struct cvom_aligned *al = &s->v[s->n];
        al->n_theirs = hierarchy_of(s, acc->account.id, &al->theirs);
        if (!al->n_theirs && account_id <= 0)
            continue;
        const char *names[CVOM_VALUES_MAX];
        for (size_t k = 0; k < al->n_theirs; k++)
            names[k] = al->theirs[k].value;
        al->acc = acc;
        st = cvom_value_alignment(s->ours, s->n_ours, names, al->n_theirs, &al->a, err);
        al->at_risk = cvom_partnership_at_risk(acc->score.quadrant, acc->score.state, al->a.tau,
                                               s->threshold);
        s->n_at_risk += (size_t)al->at_risk;
        s->n++;
    }
    if (!st)
        cvom__sort(s->v, s->n, sizeof *s->v, by_tau);
    return st;
}

/* Our hierarchy, and theirs (one account's, or every account's with account_id <= 0). */
static enum cvom_status load_hierarchies(struct cvom_store *st, struct cvom_alignment_set *s,
                                         int64_t account_id, struct cvom_error *err)
{
    enum cvom_status r = cvom__value_places(st, 0, &s->our_places, &s->n_our_places, err);
    for (size_t i = 0; !r && i < s->n_our_places && s->n_ours < CVOM_VALUES_MAX; i++)
        s->ours[s->n_ours++] = s->our_places[i].value;
    if (!r && s->n_ours)
        r = cvom__value_places(st, account_id > 0 ? account_id : -1, &s->their_places,
                               &s->n_their_places, err);
    return r;
}

enum cvom_status cvom__alignment_build(struct cvom_store *st, double threshold,
                                       struct cvom_scored *scan, size_t n_scan,
                                       struct cvom_alignment_set *out, struct cvom_error *err)
{
    memset(out, 0, sizeof *out);
    out->threshold = threshold;
    out->scan = scan;
    out->n_scan = n_scan;
    enum cvom_status s = load_hierarchies(st, out, 0, err);
    if (!s && out->n_ours)
        s = align_scan(out, 0, err);
    if (s)
        cvom__alignment_set_cleanup(out);
    return s;
}

enum cvom_status cvom__alignment_gather(struct cvom_store *st, double threshold,
                                        const struct cvom_account_filter *f, int quadrant,
                                        int32_t as_of, int64_t account_id,
                                        struct cvom_alignment_set *out, struct cvom_error *err)
{
    struct cvom_config cfg;
    memset(out, 0, sizeof *out);
    out->threshold = threshold;
    out->own_scan = 1;
    enum cvom_status s = load_hierarchies(st, out, account_id, err);
    if (!s && out->n_ours)
        s = cvom__config_load(st, &cfg, err);
    if (!s && out->n_ours)
        s = cvom__portfolio_scan(st, &cfg, f, as_of, &out->scan, &out->n_scan, NULL, NULL, err);
    if (!s && out->n_ours)
        out->n_scan = cvom__scored_keep_quadrant(out->scan, out->n_scan, quadrant);
    if (!s && out->n_ours)
        s = align_scan(out, account_id, err);
    if (s)
        cvom__alignment_set_cleanup(out);
    return s;
}

void cvom__alignment_set_cleanup(struct cvom_alignment_set *s)
{
    if (!s)
        return;
    free(s->v);
    free(s->our_places);
    free(s->their_places);
    if (s->own_scan)
        free(s->scan);
    memset(s, 0, sizeof *s);
}

/* ---- partnership health ------------------------------------------------------------------- */

/* Lowest health first, then by name. */
static int by_health(const void *x, const void *y)
{
    const struct cvom_health_row *a = x, *b = y;
    if (a->h.health != b->h.health)
        return a->h.health < b->h.health ? -1 : 1;
    return strcmp(a->acc->account.name, b->acc->account.name);
}

/* The health of one account as of a date, kept as a summary. */
static enum cvom_status health_of(struct cvom_store *st, const struct cvom_config *cfg, int64_t id,
                                  int32_t as_of, struct cvom_health *out, struct cvom_error *err)
{
    struct cvom_explanation ex;
    struct cvom_instrument ins;
    memset(&ex, 0, sizeof ex);
    cvom_instrument_init(&ins);
    enum cvom_status s = cvom__account_explain(st, cfg, id, as_of, &ex, &ins, NULL, err);
    if (!s && (s = cvom_partnership_health(cfg, &ins, &ex, out)) != CVOM_OK)
        cvom_error_set(err, s, "scoring the partnership pillars failed");
    if (!s)
        cvom_health_cleanup(out); /* the summary fields stay */
    cvom_explanation_cleanup(&ex);
    cvom_instrument_cleanup(&ins);
    return s;
}

enum cvom_status cvom__health_known(struct cvom_store *st, const struct cvom_config *cfg,
                                    const struct cvom_scored *scan, size_t n_scan, int32_t as_of,
                                    struct cvom_health_row **out, size_t *n, struct cvom_error *err)
{
    struct cvom_health_row *v = calloc(n_scan ? n_scan : 1, sizeof *v);
    if (!v)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    size_t m = 0;
    enum cvom_status s = CVOM_OK;
    /* Health is known only when the four pillars and trust each have a score, which takes a
     * counted answer on each: an account the scan saw without one is not explained. */
    unsigned pillars = 0;
    for (int a = CVOM_AXIS_PASSION; a <= CVOM_AXIS_TRUST; a++)
        pillars |= 1u << a;
    for (size_t i = 0; !s && i < n_scan; i++) {
        /* Without any assessment there is nothing to explain. */
        if (!scan[i].evidence.assessments || (scan[i].axes & pillars) != pillars)
            continue;
        s = health_of(st, cfg, scan[i].account.id, as_of, &v[m].h, err);
        if (!s && v[m].h.state == CVOM_HEALTH_OK)
            v[m++].acc = &scan[i];
    }
    if (s) {
        free(v);
        return s;
    }
    cvom__sort(v, m, sizeof *v, by_health);
    *out = v;
    *n = m;
    return CVOM_OK;
}
