/* groups.c — account groups from the store: the tree of accounts by parent, each member
 * scored, the roll-up of the core applied, and the JSON both faces give. */
#include "service/groups.h"

#include "io/util.h"
#include "service/accounts.h"
#include "service/explain_json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNTS_MAX ((size_t)CVOM_GROUP_MAX)

int cvom__scored_placed(const struct cvom_scored *s)
{
    return s->evidence.assessments && s->score.state != CVOM_STATE_INSUFFICIENT;
}

/* ---- the tree --------------------------------------------------------------------------- */

/* Every account's parent index (up) and children (kids[first[k]..first[k + 1]), in the order
 * given). */
struct tree {
    long *up;
    size_t *first, *kids;
};

static void tree_cleanup(struct tree *t)
{
    free(t->up);
    free(t->first);
    free(t->kids);
    memset(t, 0, sizeof *t);
}

static enum cvom_status tree_build(const struct cvom_scored *v, size_t n, struct tree *t,
                                   struct cvom_error *err)
{
    memset(t, 0, sizeof *t);
    int64_t *id = calloc(n ? n : 1, sizeof *id), *parent = calloc(n ? n : 1, sizeof *parent);
    t->up = malloc((n ? n : 1) * sizeof *t->up);
    t->first = calloc(n + 1, sizeof *t->first);
    t->kids = malloc((n ? n : 1) * sizeof *t->kids);
    size_t *next = calloc(n ? n : 1, sizeof *next);
    enum cvom_status st = CVOM_OK;
    if (!id || !parent || !t->up || !t->first || !t->kids || !next)
        st = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !st && i < n; i++) {
        id[i] = v[i].account.id;
        parent[i] = v[i].account.parent_id;
    }
    if (!st)
        st = cvom_group_tree(id, parent, n, t->up, err);
    for (size_t i = 0; !st && i < n; i++)
        if (t->up[i] >= 0)
            t->first[t->up[i] + 1]++;
    for (size_t i = 0; !st && i < n; i++)
        t->first[i + 1] += t->first[i];
    for (size_t i = 0; !st && i < n; i++)
        if (t->up[i] >= 0)
            t->kids[t->first[t->up[i]] + next[t->up[i]]++] = i;
    free(id);
    free(parent);
    free(next);
    if (st)
        tree_cleanup(t);
    return st;
}

/* The members of g's group, depth first, into order[] and depth[] (room for n); returns
 * how many. stack has room for n. */
static size_t members_of(const struct tree *t, size_t g, size_t *order, int *depth, size_t *stack)
{
    size_t out = 0, top = 0;
    stack[top++] = g;
    depth[g] = 0;
    while (top) {
        size_t k = stack[--top];
        order[out++] = k;
        /* Pushed last child first, so the first child comes out first. */
        for (size_t c = t->first[k + 1]; c > t->first[k]; c--) {
            size_t kid = t->kids[c - 1];
            depth[kid] = depth[k] + 1;
            stack[top++] = kid;
        }
    }
    return out;
}

/* ---- one group from the store ---------------------------------------------------------- */

/* Every account as an unscored entry, its texts in a block beside the rows. */
struct every {
    struct cvom_rows rows;
    struct cvom_line_texts t;
};

static int all_cb(void *ctx, const struct cvom_account *a)
{
    struct every *e = ctx;
    struct cvom_scored sc;
    memset(&sc, 0, sizeof sc);
    cvom__account_line_of(a, &sc.account); /* texts: pointed at e->t once all are in */
    if (cvom__line_texts_add(&e->t, a)) {
        e->rows.failed = CVOM_ENOMEM;
        return 1;
    }
    return cvom__rows_push(&e->rows, &sc);
}

static struct cvom_group_member member_of(const struct cvom_scored *s)
{
    return (struct cvom_group_member){
        .score = s->score, .placed = cvom__scored_placed(s), .revenue = s->account.revenue};
}

/* Score the members order[0..n) of v into out, and roll them up. */
static enum cvom_status roll_members(struct cvom_store *st, const struct cvom_config *cfg,
                                     struct cvom_scored *v, const size_t *order, const int *depth,
                                     size_t n, int32_t as_of, struct cvom_group_view *out,
                                     struct cvom_error *err)
{
    struct cvom_group_entry *m = calloc(n, sizeof *m);
    struct cvom_group_member *gm = calloc(n, sizeof *gm);
    double *share = calloc(n, sizeof *share);
    enum cvom_status s =
        m && gm && share ? CVOM_OK : cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    for (size_t i = 0; !s && i < n; i++) {
        struct cvom_scored *sc = &v[order[i]];
        s = cvom__account_score(st, &cache, cfg, sc->account.id, as_of, &sc->score, &sc->evidence,
                                err);
        m[i].s = *sc;
        m[i].depth = depth[order[i]];
        m[i].placed = cvom__scored_placed(sc);
        gm[i] = member_of(sc);
    }
    cvom__instrument_cache_cleanup(&cache);
    if (!s)
        s = cvom_group_rollup(cfg, gm, n, share, &out->g);
    for (size_t i = 0; !s && i < n; i++)
        m[i].share = share[i];
    if (!s) {
        out->n = n;
        out->m = m;
        m = NULL;
    }
    free(m);
    free(gm);
    free(share);
    return s;
}

enum cvom_status cvom__group_load(struct cvom_store *st, const struct cvom_config *cfg, int64_t id,
                                  int32_t as_of, struct cvom_group_view *out,
                                  struct cvom_error *err)
{
    int opened = 0;
    enum cvom_status s = st->ops->begin_read(st, &opened, err);
    if (s)
        return s;
    struct every e = {0};
    cvom__rows_init(&e.rows, sizeof(struct cvom_scored), ACCOUNTS_MAX);
    struct cvom_rows rows;
    struct tree t = {0};
    size_t *order = NULL, *stack = NULL;
    int *depth = NULL;
    s = st->ops->account_list(st, NULL, all_cb, &e, err);
    rows = e.rows;
    if (!s)
        s = cvom__rows_status(&rows, "more than 100000 accounts: too many to gather into groups",
                              err);
    struct cvom_scored *all = rows.v;
    for (size_t i = 0; !s && i < rows.n; i++)
        cvom__line_texts_point(&e.t, i, e.t.text, &all[i].account);
    size_t g = rows.n;
    for (size_t i = 0; !s && i < rows.n; i++)
        if (all[i].account.id == id)
            g = i;
    if (!s && g == rows.n) {
        s = cvom_error_set(err, CVOM_ENOTFOUND, "no account %lld", (long long)id);
        if (err)
            cvom__copy_str(err->field, sizeof err->field, "account");
    }
    if (!s)
        s = tree_build(all, rows.n, &t, err);
    if (!s &&
        (!(order = malloc(rows.n * sizeof *order)) || !(stack = malloc(rows.n * sizeof *stack)) ||
         !(depth = malloc(rows.n * sizeof *depth))))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (!s) {
        size_t n = members_of(&t, g, order, depth, stack);
        struct cvom_group_view v = {0};
        s = roll_members(st, cfg, all, order, depth, n, as_of, &v, err);
        if (!s) {
            v.text = e.t.text; /* the members' texts, now the view's */
            e.t.text = NULL;
            *out = v;
        }
    }
    tree_cleanup(&t);
    if (opened)
        st->ops->rollback(st);
    cvom__rows_free(&rows);
    cvom__line_texts_free(&e.t);
    free(order);
    free(stack);
    free(depth);
    return s;
}

void cvom__group_view_cleanup(struct cvom_group_view *v)
{
    if (!v)
        return;
    free(v->m);
    free(v->text);
    v->m = NULL;
    v->text = NULL;
    v->n = 0;
}

void cvom__group_view_owned(struct cvom_group_view *v, const char *owner)
{
    size_t out = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (i > 0 && strcmp(v->m[i].s.account.owner, owner) != 0) {
            v->hidden++;
            continue;
        }
        v->m[out++] = v->m[i];
    }
    v->n = out;
}

/* ---- a portfolio folded into its groups ------------------------------------------------- */

/* The evidence of a group: its members' summed; stale when every assessed member is. */
static void group_evidence(const struct cvom_scored *v, const size_t *order, size_t k,
                           struct cvom_scored *e)
{
    struct cvom_evidence ev = {0};
    int fresh = 0;
    unsigned axes = 0;
    for (size_t j = 0; j < k; j++) {
        const struct cvom_evidence *m = &v[order[j]].evidence;
        ev.assessments += m->assessments;
        ev.customer += m->customer;
        if (m->newest > ev.newest)
            ev.newest = m->newest;
        fresh |= m->assessments && !m->stale;
        axes |= v[order[j]].axes;
    }
    ev.stale = ev.assessments && !fresh;
    e->evidence = ev;
    e->axes = axes;
}

/* Roll up every top-level group of v[0..total) (an account without a parent among them, with
 * all below it) in the scan's order and hand each to visit: the top's index, its members (the
 * top first) and the roll-up. With groups_only, accounts without children are passed over. A
 * non-zero return from visit stops the walk with CVOM_ENOMEM. */
typedef int (*group_visit_fn)(void *ctx, const struct cvom_scored *v, size_t top,
                              const size_t *order, size_t k, const struct cvom_group *g);

static enum cvom_status walk_groups(const struct cvom_config *cfg, const struct cvom_scored *v,
                                    size_t total, int groups_only, group_visit_fn visit, void *ctx,
                                    struct cvom_error *err)
{
    size_t cap = total ? total : 1;
    struct tree t;
    enum cvom_status s = tree_build(v, total, &t, err);
    if (s)
        return s;
    size_t *order = malloc(cap * sizeof *order), *stack = malloc(cap * sizeof *stack);
    int *depth = malloc(cap * sizeof *depth);
    struct cvom_group_member *gm = malloc(cap * sizeof *gm);
    double *share = malloc(cap * sizeof *share);
    if (!order || !stack || !depth || !gm || !share)
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !s && i < total; i++) {
        if (t.up[i] >= 0 || (groups_only && t.first[i + 1] == t.first[i]))
            continue;
        size_t k = members_of(&t, i, order, depth, stack);
        struct cvom_group g;
        for (size_t j = 0; j < k; j++)
            gm[j] = member_of(&v[order[j]]);
        if ((s = cvom_group_rollup(cfg, gm, k, share, &g)) == CVOM_OK &&
            visit(ctx, v, i, order, k, &g))
            s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    }
    tree_cleanup(&t);
    free(order);
    free(stack);
    free(depth);
    free(gm);
    free(share);
    return s;
}

struct fold {
    struct cvom_scored *folded;
    size_t *count;
    struct cvom_group *groups;
    size_t out;
};

static int fold_one(void *ctx, const struct cvom_scored *v, size_t top, const size_t *order,
                    size_t k, const struct cvom_group *g)
{
    struct fold *f = ctx;
    struct cvom_scored *e = &f->folded[f->out];
    *e = v[top];
    if (k > 1) {
        e->score = g->score;
        e->account.revenue = g->revenue;
        group_evidence(v, order, k, e);
    }
    if (f->groups)
        f->groups[f->out] = *g;
    f->count[f->out++] = k;
    return 0;
}

enum cvom_status cvom__group_fold(const struct cvom_config *cfg, struct cvom_scored *v, size_t *n,
                                  size_t *members, struct cvom_group *groups,
                                  struct cvom_error *err)
{
    size_t cap = *n ? *n : 1;
    struct fold f = {.folded = malloc(cap * sizeof *f.folded),
                     .count = malloc(cap * sizeof *f.count),
                     .groups = groups};
    enum cvom_status s = f.folded && f.count ? walk_groups(cfg, v, *n, 0, fold_one, &f, err)
                                             : cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (!s) {
        memcpy(v, f.folded, f.out * sizeof *v);
        if (members)
            memcpy(members, f.count, f.out * sizeof *members);
        *n = f.out;
    }
    free(f.folded);
    free(f.count);
    return s;
}

struct each {
    int (*fn)(void *ctx, size_t top, size_t members, const struct cvom_group *g);
    void *ctx;
};

static int each_one(void *ctx, const struct cvom_scored *v, size_t top, const size_t *order,
                    size_t k, const struct cvom_group *g)
{
    (void)v;
    (void)order;
    const struct each *e = ctx;
    return e->fn(e->ctx, top, k, g);
}

enum cvom_status
cvom__group_each(const struct cvom_config *cfg, const struct cvom_scored *v, size_t n,
                 int (*fn)(void *ctx, size_t top, size_t members, const struct cvom_group *g),
                 void *ctx, struct cvom_error *err)
{
    struct each e = {fn, ctx};
    return walk_groups(cfg, v, n, 1, each_one, &e, err);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *num(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *str(const char *s)
{
    json_t *v = json_string(s);
    return v ? v : json_null();
}

char *cvom__group_quadrants_text(unsigned quadrants, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int q = 0; q < CVOM_Q_COUNT; q++) {
        if (!(quadrants & (1u << q)))
            continue;
        int w = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "",
                         cvom_quadrant_title((enum cvom_quadrant)q));
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
    return buf;
}

static json_t *member_json(const struct cvom_group_entry *e)
{
    const struct cvom_score *sc = &e->s.score;
    const struct cvom_account_line *a = &e->s.account;
    return json_pack(
        "{s:I, s:o, s:o, s:i, s:f, s:b, s:f, s:o, s:o, s:o, s:s}", "id", (json_int_t)a->id, "name",
        str(a->name), "parent_id", a->parent_id ? json_integer(a->parent_id) : json_null(), "depth",
        e->depth, "revenue", a->revenue, "placed", e->placed, "share", e->share, "intellectual",
        num(e->placed ? sc->value[0] : NAN), "emotional", num(e->placed ? sc->value[1] : NAN),
        "quadrant", e->placed ? json_string(cvom_quadrant_name(sc->quadrant)) : json_null(),
        "state", e->s.evidence.assessments ? cvom_state_name(sc->state) : "unassessed");
}

json_t *cvom__group_json(const struct cvom_group_view *v, int32_t as_of)
{
    const struct cvom_group *g = &v->g;
    const struct cvom_score *s = &g->score;
    json_t *axes = json_object(), *quadrants = json_array(), *list = json_array();
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        json_object_set_new(axes, cvom_dim_name((enum cvom_dim)d),
                            json_pack("{s:o, s:o, s:o, s:o}", "value", num(s->value[d]), "lo",
                                      num(s->lo[d]), "hi", num(s->hi[d]), "se", num(s->se[d])));
    for (int q = 0; q < CVOM_Q_COUNT; q++)
        if (g->quadrants & (1u << q))
            json_array_append_new(quadrants,
                                  json_string(cvom_quadrant_name((enum cvom_quadrant)q)));
    for (size_t i = 0; i < v->n; i++)
        json_array_append_new(list, member_json(&v->m[i]));
    char date[11] = "";
    if (as_of)
        cvom_date_format(as_of, date);
    const struct cvom_account_line *a = &v->m[0].s.account;
    return json_pack("{s:I, s:o, s:s, s:I, s:I, s:s, s:o, s:o, s:s, s:o, s:b, s:o, s:f, s:s, "
                     "s:I, s:o, s:I}",
                     "account_id", (json_int_t)a->id, "name", str(a->name), "as_of", date,
                     "members", (json_int_t)g->members, "placed", (json_int_t)g->placed, "weights",
                     cvom_group_weights_name(g->weights), "axes", axes, "quadrant",
                     cvom__quadrant_json(s->state, s->quadrant), "state", cvom_state_name(s->state),
                     "spread", num(g->spread), "split", g->split, "split_quadrants", quadrants,
                     "revenue", g->revenue, "currency", a->currency, "without_revenue",
                     (json_int_t)g->no_revenue, "member_accounts", list, "hidden_members",
                     (json_int_t)v->hidden);
}

static int ids_cb(void *ctx, const struct cvom_account *a)
{
    return cvom__rows_push(ctx, &a->id);
}

static int id_cmp(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

/* Keep the entries of v[0..*n) (and members) whose account is in f. */
static enum cvom_status keep_in_filter(struct cvom_store *st, const struct cvom_account_filter *f,
                                       struct cvom_scored *v, size_t *members, size_t *n,
                                       struct cvom_error *err)
{
    struct cvom_rows k;
    cvom__rows_init(&k, sizeof(int64_t), ACCOUNTS_MAX);
    enum cvom_status s = st->ops->account_list(st, f, ids_cb, &k, err);
    if (!s)
        s = cvom__rows_status(&k, "more than 100000 accounts: too many to gather into groups", err);
    if (!s) {
        qsort(k.v, k.n, sizeof(int64_t), id_cmp);
        size_t out = 0;
        for (size_t i = 0; i < *n; i++) {
            if (!k.n || !bsearch(&v[i].account.id, k.v, k.n, sizeof(int64_t), id_cmp))
                continue;
            members[out] = members[i];
            v[out++] = v[i];
        }
        *n = out;
    }
    cvom__rows_free(&k);
    return s;
}

static int no_filter(const struct cvom_account_filter *f)
{
    return !f || (!f->owner[0] && !f->tag[0] && !f->industry[0] && !f->region[0]);
}

enum cvom_status cvom__group_scan(struct cvom_store *st, const struct cvom_config *cfg,
                                  const struct cvom_account_filter *f, int32_t as_of,
                                  struct cvom_scored **out, size_t **members, size_t *n,
                                  struct cvom_error *err)
{
    struct cvom_scored *v = NULL;
    size_t k = 0, *m = NULL;
    enum cvom_status s = cvom__portfolio_scan(st, cfg, NULL, as_of, &v, &k, NULL, NULL, err);
    if (!s && !(m = malloc((k ? k : 1) * sizeof *m)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (!s)
        s = cvom__group_fold(cfg, v, &k, m, NULL, err);
    if (!s && !no_filter(f))
        s = keep_in_filter(st, f, v, m, &k, err);
    if (s) {
        free(v);
        free(m);
        return s;
    }
    *out = v;
    *members = m;
    *n = k;
    return CVOM_OK;
}
