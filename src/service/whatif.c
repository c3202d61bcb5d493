/* whatif.c — gathering a plan's actions from the store and projecting scores under them:
 * shared by `cvom whatif`, the web pages and the API, so that every face gives the same
 * numbers. Nothing is stored. */
#include "service/whatif.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cvom__action_set_push(void *ctx, const struct cvom_action *a)
{
    struct cvom_action_set *k = ctx;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 16;
        if (cap > CVOM_WHATIF_STEPS_MAX)
            cap = CVOM_WHATIF_STEPS_MAX;
        struct cvom_action *g = cap > k->cap ? realloc(k->v, cap * sizeof *g) : NULL;
        if (!g) {
            k->over = 1;
            return 1;
        }
        k->v = g;
        k->cap = cap;
    }
    k->v[k->n++] = *a;
    return 0;
}

enum cvom_status cvom__whatif_open(struct cvom_store *st, int64_t account_id,
                                   struct cvom_action_set *out, struct cvom_error *err)
{
    struct cvom_action_filter f = {.account_id = account_id, .status = CVOM_ACTION_OPEN};
    enum cvom_status s = st->ops->action_list(st, &f, cvom__action_set_push, out, err);
    if (!s && out->over)
        s = cvom_error_set(err, CVOM_ELIMIT, "too many open actions");
    return s;
}

enum cvom_status cvom__whatif_pick(struct cvom_store *st, int64_t account_id, int64_t id,
                                   struct cvom_action_set *set, struct cvom_error *err)
{
    struct cvom_action a;
    enum cvom_status s = st->ops->action_get(st, id, &a, err);
    if (s)
        return s;
    if (a.account_id != account_id)
        return cvom_error_set(err, CVOM_EINVAL, "action %lld belongs to another account",
                              (long long)id);
    if (a.status != CVOM_ACTION_OPEN)
        return cvom_error_set(err, CVOM_EINVAL,
                              "action %lld is done: only open actions are planned", (long long)id);
    for (size_t j = 0; j < set->n; j++)
        if (set->v[j].id == a.id)
            return cvom_error_set(err, CVOM_EINVAL, "action %lld is given twice", (long long)id);
    cvom__action_set_push(set, &a);
    if (set->over)
        return cvom_error_set(err, CVOM_ELIMIT, "too many actions");
    return CVOM_OK;
}

struct cvom_whatif_step cvom__whatif_step_of(const struct cvom_action *a)
{
    return (struct cvom_whatif_step){.axis = a->axis,
                                     .effect = a->axis >= 0 ? a->effect : 0,
                                     .cost = isnan(a->cost) ? 0 : a->cost};
}

enum cvom_status cvom__whatif_apply(const struct cvom_config *cfg, const struct cvom_score *now,
                                    const struct cvom_action *v, size_t n, struct cvom_whatif *out,
                                    struct cvom_error *err)
{
    struct cvom_whatif_step *s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        s[i] = cvom__whatif_step_of(&v[i]);
    enum cvom_status st = cvom_whatif_project(cfg, now, s, n, out, err);
    free(s);
    return st;
}

enum cvom_status cvom__whatif_account(struct cvom_store *st, const struct cvom_config *cfg,
                                      int64_t account_id, int32_t as_of,
                                      const struct cvom_action *v, size_t n, struct cvom_score *now,
                                      struct cvom_whatif *out, struct cvom_error *err)
{
    struct cvom_score s;
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    enum cvom_status rc = cvom__account_score(st, &cache, cfg, account_id, as_of, &s, NULL, err);
    cvom__instrument_cache_cleanup(&cache);
    if (!rc)
        rc = cvom__whatif_apply(cfg, &s, v, n, out, err);
    if (!rc && now)
        *now = s;
    return rc;
}

static int by_account(const void *x, const void *y)
{
    const struct cvom_action *a = x, *b = y;
    return (a->account_id > b->account_id) - (a->account_id < b->account_id);
}

/* The run of actions of account id in the set k sorted by account: [*lo, *end). */
static void run_of(const struct cvom_action_set *k, int64_t id, size_t *lo, size_t *end)
{
    size_t a = 0, b = k->n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (k->v[mid].account_id < id)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    while (b < k->n && k->v[b].account_id == id)
        b++;
    *end = b;
}

enum cvom_status cvom__whatif_portfolio(struct cvom_store *st, const struct cvom_config *cfg,
                                        const struct cvom_account_filter *f, int quadrant,
                                        int32_t as_of, struct cvom_action_set *plan,
                                        struct cvom__whatif_portfolio *out, struct cvom_error *err)
{
    struct cvom__whatif_portfolio p;
    struct cvom_action_set all = {0};
    struct cvom_action_set *k = plan ? plan : &all;
    memset(&p, 0, sizeof p);
    enum cvom_status s = cvom__portfolio_scan(st, cfg, f, as_of, &p.v, &p.n, NULL, NULL, err);
    if (!s)
        p.n = cvom__scored_keep_quadrant(p.v, p.n, quadrant);
    if (!s && !plan)
        s = cvom__whatif_open(st, 0, &all, err);
    if (!s && !(p.w = calloc(p.n ? p.n : 1, sizeof *p.w)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    /* Each account's run of actions is one projection. */
    if (!s && k->n)
        cvom__sort(k->v, k->n, sizeof *k->v, by_account);
    for (size_t i = 0; !s && i < p.n; i++) {
        size_t lo, end;
        run_of(k, p.v[i].account.id, &lo, &end);
        p.counted += end - lo;
        s = cvom__whatif_apply(cfg, &p.v[i].score, k->v + lo, end - lo, &p.w[i], err);
    }
    p.actions = k->n;
    free(all.v);
    if (s) {
        cvom__whatif_portfolio_cleanup(&p);
        return s;
    }
    cvom_whatif_tally(p.w, p.n, &p.mix);
    *out = p;
    return CVOM_OK;
}

void cvom__whatif_portfolio_cleanup(struct cvom__whatif_portfolio *p)
{
    if (!p)
        return;
    free(p->v);
    free(p->w);
    p->v = NULL;
    p->w = NULL;
    p->n = 0;
}
