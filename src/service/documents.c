/* documents.c — gathering what the matrix picture, the portfolio report and the account
 * one-pager show: the selected accounts scored on the dates asked for, the explanation and
 * the stakeholders. Shared by `cvom render`, `cvom report` and the web's downloads. */
#include "service/documents.h"

#include "service/accounts.h"
#include "service/analytics.h"
#include "service/groups.h"
#include "service/playbooks.h"

#include "io/csv.h"
#include "io/util.h"
#include "core/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNTS_MAX 10000000u  /* accounts held for one picture */
#define STAKEHOLDERS_MAX 10000u /* far beyond any decision-making unit */
#define PAGE_ACTIONS_MAX 200u   /* more open actions than a page could ever list */
#define PLAYS_SINCE_DAYS 180    /* a move is judged against the quadrant this long before */

/* ---- the matrix picture ------------------------------------------------------------------- */

/* What a point needs of an account, much smaller than a whole account record, so that a
 * portfolio of 100,000 accounts fits in a few megabytes. */
struct cvom_matrix_doc_acct {
    int64_t id;
    char *name; /* in the document's one block of names */
    double revenue;
};

struct collect {
    struct cvom_matrix_doc_acct *v;
    size_t n;
    char *names; /* every label, NUL-terminated, one after another */
};

static void collect_free(struct cvom_matrix_doc_acct *v, char *names)
{
    free(v);
    free(names);
}

/* The accounts of a scan as the document keeps them: id, label and revenue. Labels tell
 * namesakes apart; with members, an account that stands for a group of more than one says
 * so: "NAME (group of N)". All labels go into one block (two passes: measure, then copy),
 * not one allocation each. */
static enum cvom_status collect_scan(const struct cvom_scored *v, size_t n, const size_t *members,
                                     struct collect *k, struct cvom_error *err)
{
    char label[CVOM_ACCOUNT_LABEL_MAX + 40];
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
            cvom__account_label(&v[i].account, v[i].namesake, label, CVOM_ACCOUNT_LABEL_MAX);
            size_t len = strlen(label);
            if (members && members[i] > 1)
                len += (size_t)snprintf(label + len, sizeof label - len, " (group of %zu)",
                                        members[i]);
            if (pass == 1) {
                memcpy(k->names + at, label, len + 1);
                k->v[i] = (struct cvom_matrix_doc_acct){
                    .id = v[i].account.id, .name = k->names + at, .revenue = v[i].account.revenue};
            }
            at += len + 1;
        }
        total = at;
        if (pass == 0) {
            k->v = n <= ACCOUNTS_MAX ? cvom__alloc_array(n * sizeof *k->v) : NULL;
            k->names = cvom__alloc_array(total);
            if (!k->v || !k->names) {
                collect_free(k->v, k->names);
                *k = (struct collect){0};
                return cvom_error_set(err, CVOM_ENOMEM, "too many accounts to hold in memory");
            }
        }
    }
    k->n = n;
    return CVOM_OK;
}

/* The accounts the picture shows as points, from the scan as of to (and, when before is not
 * NULL, the same accounts' scan as of the earlier date, in the same order). */
static enum cvom_status build_points(const struct collect *k, const struct cvom_scored *now,
                                     const struct cvom_scored *before, int quadrant,
                                     struct cvom_chart_point **out, size_t *n, size_t *unassessed,
                                     struct cvom_error *err)
{
    /* Written through as far as it is used: every point is set whole before it is read. */
    struct cvom_chart_point *pts = cvom__alloc_array(k->n * sizeof *pts);
    if (!pts)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    size_t m = 0;
    *unassessed = 0;
    for (size_t i = 0; i < k->n; i++) {
        const struct cvom_score *sc = &now[i].score;
        if (!now[i].evidence.assessments) {
            ++*unassessed;
            continue;
        }
        if (quadrant >= 0 &&
            (sc->state == CVOM_STATE_INSUFFICIENT || (int)sc->quadrant != quadrant))
            continue;
        struct cvom_chart_point *p = &pts[m++];
        *p = (struct cvom_chart_point){.label = k->v[i].name,
                                       .x = sc->value[CVOM_DIM_INTELLECTUAL],
                                       .y = sc->value[CVOM_DIM_EMOTIONAL],
                                       .x0 = NAN,
                                       .y0 = NAN,
                                       .revenue = k->v[i].revenue >= 0 ? k->v[i].revenue : 0,
                                       .quadrant = sc->quadrant,
                                       .state = sc->state};
        if (sc->state == CVOM_STATE_INSUFFICIENT)
            p->x = p->y = NAN;
        if (before && before[i].score.state != CVOM_STATE_INSUFFICIENT) {
            p->x0 = before[i].score.value[CVOM_DIM_INTELLECTUAL];
            p->y0 = before[i].score.value[CVOM_DIM_EMOTIONAL];
        }
    }
    *out = pts;
    *n = m;
    return CVOM_OK;
}

/* The document of the scanned accounts now[0..n) (and before, the same accounts as of an
 * earlier date, or NULL): labels, points, the unassessed count and the thresholds. With
 * members, the accounts stand for groups of that many, labelled so. */
static enum cvom_status doc_of_scan(const struct cvom_config *cfg, const struct cvom_scored *now,
                                    const struct cvom_scored *before, size_t n,
                                    const size_t *members, int quadrant, struct cvom_matrix_doc *d,
                                    struct cvom_error *err)
{
    struct collect k = {0};
    struct cvom_chart_point *pts = NULL;
    size_t m = 0, unassessed = 0;
    enum cvom_status s = collect_scan(now, n, members, &k, err);
    if (!s)
        s = build_points(&k, now, before, quadrant, &pts, &m, &unassessed, err);
    if (s) {
        collect_free(k.v, k.names);
        return s;
    }
    d->pts = pts;
    d->n = m;
    d->unassessed = unassessed;
    d->threshold[CVOM_DIM_INTELLECTUAL] = cfg->threshold[CVOM_DIM_INTELLECTUAL];
    d->threshold[CVOM_DIM_EMOTIONAL] = cfg->threshold[CVOM_DIM_EMOTIONAL];
    d->accts = k.v;
    d->n_accts = k.n;
    d->names = k.names;
    return CVOM_OK;
}

enum cvom_status cvom__matrix_doc_gather(struct cvom_store *st, const struct cvom_account_filter *f,
                                         int quadrant, int32_t to, int has_from, int32_t from,
                                         struct cvom_matrix_doc *d, struct cvom_error *err)
{
    memset(d, 0, sizeof *d);
    struct cvom_config cfg;
    struct cvom_scored *now = NULL, *before = NULL;
    size_t n_now = 0;
    /* Both dates in one pass over the store: the same accounts, in the same order. */
    enum cvom_status s = cvom__config_load(st, &cfg, err);
    if (!s && f) {
        const int32_t dates[2] = {to, from};
        struct cvom_scored *v[2] = {NULL, NULL};
        s = cvom__portfolio_scan_dates(st, &cfg, f, dates, has_from ? 2 : 1, v, &n_now, NULL, NULL,
                                       err);
        now = v[0];
        before = v[1];
    }
    if (!s)
        s = doc_of_scan(&cfg, now, has_from ? before : NULL, n_now, NULL, quadrant, d, err);
    free(now);
    free(before);
    return s;
}

enum cvom_status cvom__matrix_doc_gather_groups(struct cvom_store *st,
                                                const struct cvom_account_filter *f, int quadrant,
                                                int32_t to, int has_from, int32_t from,
                                                struct cvom_matrix_doc *d, struct cvom_error *err)
{
    memset(d, 0, sizeof *d);
    struct cvom_config cfg;
    struct cvom_scored *now = NULL, *before = NULL;
    size_t *members = NULL, *members_before = NULL, n = 0, n_before = 0;
    enum cvom_status s = cvom__config_load(st, &cfg, err);
    if (!s && f)
        s = cvom__group_scan(st, &cfg, f, to, &now, &members, &n, err);
    /* The same groups on the earlier date, read again: the accounts are today's either way. */
    if (!s && f && has_from)
        s = cvom__group_scan(st, &cfg, f, from, &before, &members_before, &n_before, err);
    if (!s && before && n_before != n)
        s = cvom_error_set(err, CVOM_ECONFLICT, "the accounts changed while they were read");
    if (!s)
        s = doc_of_scan(&cfg, now, before, n, members, quadrant, d, err);
    free(now);
    free(before);
    free(members);
    free(members_before);
    return s;
}

void cvom__matrix_doc_cleanup(struct cvom_matrix_doc *d)
{
    if (!d)
        return;
    free(d->pts);
    collect_free(d->accts, d->names);
    memset(d, 0, sizeof *d);
}

/* Append "key=value" (or "key = value" with spaced) to text when value is set. */
static void filter_item(char *text, size_t cap, size_t *used, const char *key, const char *value,
                        int spaced)
{
    if (!value || !value[0] || *used >= cap)
        return;
    int w = snprintf(text + *used, cap - *used, "%s%s%s%s", *used ? ", " : "", key,
                     spaced ? " = " : "=", value);
    if (w > 0 && (size_t)w < cap - *used)
        *used += (size_t)w;
    else
        text[*used] = '\0'; /* leave out what does not fit whole */
}

static size_t filter_text(char *text, size_t cap, const struct cvom_account_filter *f, int spaced)
{
    size_t used = 0;
    text[0] = '\0';
    if (!f)
        return 0;
    filter_item(text, cap, &used, "owner", f->owner, spaced);
    filter_item(text, cap, &used, "tag", f->tag, spaced);
    filter_item(text, cap, &used, "industry", f->industry, spaced);
    filter_item(text, cap, &used, "region", f->region, spaced);
    return used;
}

void cvom__matrix_doc_footer(char *out, size_t cap, int32_t to, int has_from, int32_t from,
                             const struct cvom_account_filter *f, const char *quadrant)
{
    char filters[4 * CVOM_FIELD_MAX + 96];
    size_t used = filter_text(filters, sizeof filters, f, 0);
    filter_item(filters, sizeof filters, &used, "quadrant", quadrant, 0);
    char date_to[11], date_from[11] = "";
    cvom_date_format(to, date_to);
    if (has_from)
        cvom_date_format(from, date_from);
    if (!cap)
        return;
    snprintf(out, cap, "as of %s%s%s%s%s", date_to, has_from ? " \u00b7 compared with " : "",
             date_from, filters[0] ? " \u00b7 " : "", filters);
}

/* ---- the portfolio report ----------------------------------------------------------------- */

static int by_id(const void *x, const void *y)
{
    const struct cvom_scored *a = x, *b = y;
    return (a->account.id > b->account.id) - (a->account.id < b->account.id);
}

/* The labels of the accounts that share their name with another, one after the other in
 * one block (*labels, to be freed), and each row's label pointing at its own or its name. */
static int label_rows(struct cvom_report_account *rows, const struct cvom_scored *now, size_t n,
                      char **labels)
{
    char label[CVOM_ACCOUNT_LABEL_MAX];
    size_t size = 1;
    for (size_t i = 0; i < n; i++)
        if (now[i].namesake)
            size += strlen(cvom__account_label(&now[i].account, 1, label, sizeof label)) + 1;
    char *at = *labels = malloc(size);
    if (!at)
        return -1;
    for (size_t i = 0; i < n; i++) {
        rows[i].label = rows[i].name;
        if (!now[i].namesake)
            continue;
        size_t len = strlen(cvom__account_label(&now[i].account, 1, label, sizeof label));
        memcpy(at, label, len + 1);
        rows[i].label = at;
        at += len + 1;
    }
    return 0;
}

/* The report's rows: each account now, with its score on the since date beside it. */
static struct cvom_report_account *join(const struct cvom_scored *now, size_t n,
                                        struct cvom_scored *before, size_t nb, char **labels)
{
    struct cvom_report_account *rows = cvom__alloc_array(n * sizeof *rows); /* each set whole */
    if (!rows)
        return NULL;
    /* One scan of both dates lists the same accounts in the same order: each row's earlier
     * score is then beside it, and a search is only needed when the lists differ. */
    int paired = nb == n && cvom__scored_same_order(now, before, n);
    if (nb && !paired)
        cvom__sort(before, nb, sizeof *before, by_id);
    for (size_t i = 0; i < n; i++) {
        const struct cvom_scored *v = &now[i];
        const struct cvom_scored *b = paired ? &before[i]
                                      : nb   ? bsearch(v, before, nb, sizeof *before, by_id)
                                             : NULL;
        rows[i] = (struct cvom_report_account){
            .id = v->account.id,
            .external_id = v->account.external_id,
            .name = v->account.name,
            .owner = v->account.owner,
            .revenue = v->account.revenue,
            .now = v->score,
            .assessments = v->evidence.assessments,
            .last_assessed = v->evidence.newest,
            .stale = v->evidence.stale,
        };
        if (b)
            rows[i].before = b->score;
        else
            rows[i].before.state = CVOM_STATE_INSUFFICIENT;
    }
    if (label_rows(rows, now, n, labels) != 0) {
        free(rows);
        return NULL;
    }
    return rows;
}

/* The report index of a scanned account: the rows are the "now" scan, in its order. */
static size_t row_of(const struct cvom_report_doc *d, const struct cvom_scored *a)
{
    return (size_t)(a - d->now);
}

/* Transitions and slides between the two dates (none when they are the same day). */
static enum cvom_status report_migration(struct cvom_report_doc *d, const struct cvom_config *cfg,
                                         size_t n, size_t nb, struct cvom_error *err)
{
    struct cvom_report *r = &d->report;
    struct cvom_migration_options o;
    cvom_migration_options_init(&o);
    o.from = r->since;
    o.to = r->as_of;
    r->slide_points = o.slide_points;
    if (r->since >= r->as_of)
        return CVOM_OK;
    enum cvom_status s = cvom__compare_build(cfg, d->now, n, d->before, nb, &o, &d->mig, err);
    if (!s && !(d->slide_rows = calloc(d->mig.m.n_slides + 1, sizeof *d->slide_rows)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (s)
        return s;
    r->has_migration = 1;
    memcpy(r->transition_count, d->mig.m.count, sizeof r->transition_count);
    memcpy(r->transition_revenue, d->mig.m.revenue, sizeof r->transition_revenue);
    for (size_t i = 0; i < d->mig.m.n_slides; i++) {
        const struct cvom_migration_slide *sl = &d->mig.m.slides[i];
        /* A slide was placed on both dates, so it is one of the "now" accounts. */
        d->slide_rows[r->n_slides++] = (struct cvom_report_slide){sl->index, sl->fall, sl->entered};
    }
    r->slides = d->slide_rows;
    return CVOM_OK;
}

static enum cvom_status report_serving(struct cvom_store *st, struct cvom_report_doc *d,
                                       double share, size_t n, struct cvom_error *err)
{
    struct cvom_report *r = &d->report;
    struct cvom_serving_config sc;
    cvom_serving_config_init(&sc);
    sc.overserved_share = share;
    r->overserved_share = share;
    enum cvom_status s = cvom__overserving_build(st, &sc, d->now, n, &d->served, err);
    if (!s && !(d->served_rows = calloc(d->served.n + 1, sizeof *d->served_rows)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (s)
        return s;
    r->rated_accounts = d->served.total.accounts;
    r->unvalued_cost = d->served.total.unvalued_cost;
    r->cost_to_serve = d->served.total.total_cost;
    for (size_t i = 0; i < d->served.n; i++) {
        const struct cvom_served *v = &d->served.v[i];
        if (v->s.overserved)
            d->served_rows[r->n_overserved++] = (struct cvom_report_served){
                row_of(d, v->acc), v->s.total_cost, v->s.unvalued_cost, v->s.share, v->offerings};
    }
    r->overserved = d->served_rows;
    return CVOM_OK;
}

static enum cvom_status report_alignment(struct cvom_store *st, struct cvom_report_doc *d,
                                         double threshold, size_t n, struct cvom_error *err)
{
    struct cvom_report *r = &d->report;
    r->at_risk_threshold = threshold;
    enum cvom_status s = cvom__alignment_build(st, threshold, d->now, n, &d->align, err);
    if (!s && !(d->risk_rows = calloc(d->align.n + 1, sizeof *d->risk_rows)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (s)
        return s;
    r->has_our_ranking = d->align.n_ours > 0;
    r->ranked_accounts = d->align.n;
    for (size_t i = 0; i < d->align.n; i++) {
        const struct cvom_aligned *a = &d->align.v[i];
        if (a->at_risk)
            d->risk_rows[r->n_at_risk++] =
                (struct cvom_report_aligned){row_of(d, a->acc), a->a.common, a->a.tau};
    }
    r->at_risk = d->risk_rows;
    return CVOM_OK;
}

static enum cvom_status report_health(struct cvom_store *st, struct cvom_report_doc *d,
                                      const struct cvom_config *cfg, size_t n,
                                      struct cvom_error *err)
{
    struct cvom_report *r = &d->report;
    enum cvom_status s =
        cvom__health_known(st, cfg, d->now, n, r->as_of, &d->health, &d->n_health, err);
    if (!s && !(d->health_rows = calloc(d->n_health + 1, sizeof *d->health_rows)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (s)
        return s;
    for (size_t i = 0; i < d->n_health; i++) {
        const struct cvom_health *h = &d->health[i].h;
        struct cvom_report_health *v = &d->health_rows[i];
        v->account = row_of(d, d->health[i].acc);
        for (int p = 0; p < CVOM_PILLAR_COUNT; p++)
            v->measure[p] = h->measure[p].value;
        v->health = h->health;
        v->capped = h->capped;
        v->weakest = h->weakest;
    }
    r->health = d->health_rows;
    r->n_health = d->n_health;
    return CVOM_OK;
}

/* Each signal over the report's accounts as of its date. */
static enum cvom_status report_signals(struct cvom_store *st, struct cvom_report_doc *d,
                                       const struct cvom_config *cfg, size_t n,
                                       struct cvom_error *err)
{
    struct cvom_report *r = &d->report;
    struct cvom_signal_ctx *ctx = calloc(1, sizeof *ctx);
    int64_t *ids = calloc(n + 1, sizeof *ids);
    const struct cvom_score **scores = calloc(n + 1, sizeof *scores);
    enum cvom_status s = ctx && ids && scores ? cvom__signals_load(st, r->as_of, 0, ctx, err)
                                              : cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (!s) {
        for (size_t i = 0; i < n; i++) {
            ids[i] = d->now[i].account.id;
            scores[i] = &d->now[i].score;
        }
        cvom__signals_summarise(ctx, cfg->survey_weight, ids, scores, n, d->signals);
        for (size_t j = 0; j < ctx->n; j++) {
            const struct cvom_signal_summary *g = &d->signals[j];
            d->signal_rows[j] = (struct cvom_report_signal){g->sig.def.name,
                                                            g->sig.def.label,
                                                            g->sig.def.axis,
                                                            g->sig.def.direction,
                                                            g->sig.def.norm,
                                                            g->sig.def.weight,
                                                            g->sig.source == CVOM_SIGNAL_LEDGER,
                                                            g->accounts,
                                                            g->mean_score,
                                                            g->mean_points};
        }
        r->survey_weight = cfg->survey_weight;
        r->signals = d->signal_rows;
        r->n_signals = ctx->n;
    }
    if (ctx)
        cvom__signals_cleanup(ctx);
    free(ctx);
    free(ids);
    free(scores);
    return s;
}

static enum cvom_status report_analytics(struct cvom_store *st, struct cvom_report_doc *d,
                                         const struct cvom_config *cfg, size_t n, size_t nb,
                                         struct cvom_error *err)
{
    struct cvom_analytics_settings set;
    enum cvom_status s = cvom__analytics_settings_load(st, &set, err);
    if (!s)
        s = report_migration(d, cfg, n, nb, err);
    if (!s)
        s = report_serving(st, d, set.overserved_share, n, err);
    if (!s)
        s = report_alignment(st, d, set.at_risk, n, err);
    if (!s)
        s = report_health(st, d, cfg, n, err);
    if (!s)
        s = report_signals(st, d, cfg, n, err);
    return s;
}

struct id_at {
    int64_t id;
    size_t at;
};

static int id_at_cmp(const void *x, const void *y)
{
    const struct id_at *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

static int by_group_revenue(const void *x, const void *y)
{
    const struct cvom_report_group *a = x, *b = y;
    if (a->group.revenue != b->group.revenue)
        return a->group.revenue < b->group.revenue ? 1 : -1;
    return (a->account > b->account) - (a->account < b->account);
}

struct group_rows {
    struct cvom_report_doc *d;
    const struct cvom_scored *all;
    const struct id_at *ids; /* the report's accounts by id */
    size_t n, out;
};

/* A group whose top account is among the report's becomes a row. */
static int group_row(void *ctx, size_t top, size_t members, const struct cvom_group *g)
{
    (void)members;
    struct group_rows *k = ctx;
    struct id_at key = {.id = k->all[top].account.id};
    const struct id_at *hit = k->n ? bsearch(&key, k->ids, k->n, sizeof *k->ids, id_at_cmp) : NULL;
    if (!hit) /* the filters leave its top out */
        return 0;
    struct cvom_report_group *row = &k->d->group_rows[k->out++];
    row->account = hit->at;
    row->group = *g;
    cvom__group_quadrants_text(g->quadrants, row->split, sizeof row->split);
    return 0;
}

/* The groups section: every group of more than one account, rolled up over all its members
 * (the report's filters choose groups by their top account, not members). Without filters
 * the report's own scan is the whole portfolio; with them the whole portfolio is scanned. */
static enum cvom_status report_groups(struct cvom_store *st, struct cvom_report_doc *d,
                                      const struct cvom_config *cfg,
                                      const struct cvom_account_filter *f, int32_t as_of, size_t n,
                                      struct cvom_error *err)
{
    int filtered = f->owner[0] || f->tag[0] || f->industry[0] || f->region[0];
    struct cvom_scored *scanned = NULL;
    size_t k = n;
    enum cvom_status s = CVOM_OK;
    if (filtered)
        s = cvom__portfolio_scan(st, cfg, NULL, as_of, &scanned, &k, NULL, NULL, err);
    struct group_rows rows = {.d = d, .all = filtered ? scanned : d->now, .n = n};
    /* A group is an account with members: with no account under a parent there is none, and
     * the sorting and the walk below (30 ms for 100,000 accounts) can be spared. */
    int parents = 0;
    for (size_t j = 0; !s && j < k && !parents; j++)
        parents = rows.all[j].account.parent_id != 0;
    if (!s && !parents) {
        free(scanned);
        return CVOM_OK;
    }
    struct id_at *ids = s ? NULL : malloc((n ? n : 1) * sizeof *ids);
    if (!s && (!ids || !(d->group_rows = calloc(k ? k : 1, sizeof *d->group_rows))))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t j = 0; !s && j < n; j++)
        ids[j] = (struct id_at){.id = d->rows[j].id, .at = j};
    if (!s) {
        cvom__sort(ids, n, sizeof *ids, id_at_cmp);
        rows.ids = ids;
        s = cvom__group_each(cfg, rows.all, k, group_row, &rows, err);
    }
    if (!s) {
        cvom__sort(d->group_rows, rows.out, sizeof *d->group_rows, by_group_revenue);
        d->report.groups = d->group_rows;
        d->report.n_groups = rows.out;
    }
    free(ids);
    free(scanned);
    return s;
}

enum cvom_status cvom__report_doc_gather(struct cvom_store *st, const struct cvom_account_filter *f,
                                         int32_t as_of, int32_t since, struct cvom_report_doc *d,
                                         struct cvom_error *err)
{
    memset(d, 0, sizeof *d);
    if (since > as_of)
        return cvom_error_set(err, CVOM_EINVAL,
                              "the since date must not be after the as-of "
                              "date");
    filter_text(d->filters, sizeof d->filters, f, 1);
    struct cvom_config cfg;
    size_t n = 0, nb = 0;
    /* The whole report from one state of the database, read without taking and giving back
     * a lock for each of its many questions. */
    int opened = 0;
    enum cvom_status s = st->ops->begin_read(st, &opened, err);
    if (s)
        return s;
    s = cvom__config_load(st, &cfg, err);
    if (!s && f) { /* both dates in one pass over the store */
        const int32_t dates[2] = {as_of, since};
        struct cvom_scored *v[2] = {NULL, NULL};
        s = cvom__portfolio_scan_dates(st, &cfg, f, dates, 2, v, &n, NULL, NULL, err);
        d->now = v[0];
        d->before = v[1];
        nb = n;
    }
    if (!s && !(d->rows = join(d->now, n, d->before, nb, &d->labels)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (!s) {
        d->report = (struct cvom_report){
            .as_of = as_of,
            .since = since,
            .threshold = {cfg.threshold[0], cfg.threshold[1]},
            .confidence = cfg.confidence,
            .validity_days = cfg.validity_days,
            .filters = d->filters,
            .accounts = d->rows,
            .n_accounts = n,
        };
        s = report_analytics(st, d, &cfg, n, nb, err);
    }
    if (!s && f)
        s = report_groups(st, d, &cfg, f, as_of, n, err);
    if (opened)
        st->ops->rollback(st);
    if (!s)
        s = cvom__report_build(&d->report, err);
    if (s)
        cvom__report_doc_cleanup(d);
    return s;
}

void cvom__report_doc_cleanup(struct cvom_report_doc *d)
{
    if (!d)
        return;
    cvom__report_cleanup(&d->report);
    cvom__compare_cleanup(&d->mig);
    cvom__overserving_cleanup(&d->served);
    cvom__alignment_set_cleanup(&d->align);
    free(d->health);
    free(d->slide_rows);
    free(d->served_rows);
    free(d->risk_rows);
    free(d->health_rows);
    free(d->group_rows);
    free(d->rows);
    free(d->labels);
    free(d->before);
    free(d->now);
    memset(d, 0, sizeof *d);
}

/* ---- the account one-pager ---------------------------------------------------------------- */

struct people {
    struct cvom_stakeholder *v;
    size_t n, cap;
    int overflow;
};

static int collect_person(void *ctx, const struct cvom_stakeholder *s)
{
    struct people *p = ctx;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct cvom_stakeholder *g =
            cap <= STAKEHOLDERS_MAX ? realloc(p->v, cap * sizeof *g) : NULL;
        if (!g) {
            p->overflow = 1;
            return 1;
        }
        p->v = g;
        p->cap = cap;
    }
    p->v[p->n++] = *s;
    return 0;
}

/* Each stakeholder with the axis scores of their own counted assessment; the explanation
 * labels a customer respondent with the stakeholder's name. */
static struct cvom_onepager_stakeholder *stakeholder_rows(const struct cvom_onepager_doc *d)
{
    const struct cvom_explanation *ex = &d->ex;
    struct cvom_onepager_stakeholder *v = calloc(d->n_people ? d->n_people : 1, sizeof *v);
    for (size_t i = 0; v && i < d->n_people; i++) {
        const struct cvom_stakeholder *s = &d->people[i];
        v[i] = (struct cvom_onepager_stakeholder){.name = s->name,
                                                  .role = s->role,
                                                  .influence = s->influence,
                                                  .stance = cvom__stance_name(s->stance),
                                                  .score = {NAN, NAN}};
        for (size_t k = 0; k < ex->n_respondents; k++) {
            const struct cvom_explain_respondent *r = &ex->respondents[k];
            if (r->kind == CVOM_RESP_CUSTOMER && strcmp(r->label, s->name) == 0) {
                v[i].score[0] = r->score[0];
                v[i].score[1] = r->score[1];
                break;
            }
        }
    }
    return v;
}

/* ---- plays and open actions for the one-pager ----------------------------------------- */

/* The suggested plays, from the playbook in use. */
static enum cvom_status page_plays(struct cvom_store *st, const struct cvom_onepager_doc *d,
                                   int64_t account_id, int32_t as_of, struct cvom_onepager *page,
                                   struct cvom_error *err)
{
    struct cvom_playbook b;
    struct cvom_play_choice ch = {0};
    enum cvom_status s = cvom__playbook_load(st, &b, NULL, err);
    if (s)
        return s;
    s = cvom__account_plays(st, &d->cfg, account_id, as_of - PLAYS_SINCE_DAYS, as_of, &d->ex.score,
                            &ch, err);
    if (!s && !(page->plays = calloc(CVOM_PLAY_CHOICE_MAX, sizeof *page->plays)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !s && i < ch.n; i++) {
        int k = cvom_playbook_find(&b, ch.keys[i]);
        if (k >= 0)
            page->plays[page->n_plays++] = b.plays[k];
    }
    cvom_playbook_cleanup(&b);
    return s;
}

struct open_actions {
    struct cvom_onepager_action *v;
    size_t n;
    int32_t as_of;
};

static int action_cb(void *ctx, const struct cvom_action *a)
{
    struct open_actions *k = ctx;
    if (k->n >= PAGE_ACTIONS_MAX)
        return 1;
    struct cvom_onepager_action *x = &k->v[k->n++];
    cvom__copy_str(x->title, sizeof x->title, a->title);
    cvom__copy_str(x->owner, sizeof x->owner, a->owner);
    x->due = a->due;
    x->overdue = a->due && a->due < k->as_of;
    x->axis = a->axis;
    x->effect = a->effect;
    return 0;
}

static enum cvom_status page_actions(struct cvom_store *st, int64_t account_id, int32_t as_of,
                                     struct cvom_onepager *page, struct cvom_error *err)
{
    struct open_actions k = {calloc(PAGE_ACTIONS_MAX, sizeof *k.v), 0, as_of};
    if (!k.v)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    struct cvom_action_filter f = {.account_id = account_id, .status = CVOM_ACTION_OPEN};
    enum cvom_status s = st->ops->action_list(st, &f, action_cb, &k, err);
    page->actions = k.v;
    page->n_actions = k.n;
    return s;
}

/* ---- over-serving, health and alignment for the one-pager ------------------------------ */

/* The account as a scan of one, for the analytics that work on scans. */
static void scan_of_one(const struct cvom_onepager_doc *d, const struct cvom_account *a,
                        struct cvom_scored *one)
{
    memset(one, 0, sizeof *one);
    cvom__account_line_of(a, &one->account); /* a outlives the scan of one */
    one->score = d->ex.score;
    one->evidence = d->ev;
}

/* The account's over-serving as `cvom overserved` works it out, with the offerings it
 * rates below the importance threshold. */
static enum cvom_status page_serving(struct cvom_store *st, struct cvom_scored *one,
                                     const struct cvom_analytics_settings *set,
                                     struct cvom_onepager *page, struct cvom_error *err)
{
    struct cvom_serving_config cfg;
    struct cvom_overserving o;
    cvom_serving_config_init(&cfg);
    cfg.overserved_share = set->overserved_share;
    page->importance_threshold = cfg.importance_threshold;
    page->overserved_share = cfg.overserved_share;
    enum cvom_status s = cvom__overserving_build(st, &cfg, one, 1, &o, err);
    if (s || o.n != 1) {
        if (!s)
            cvom__overserving_cleanup(&o);
        return s;
    }
    const struct cvom_served *sv = &o.v[0];
    page->rated = 1;
    page->total_cost = sv->s.total_cost;
    page->unvalued_cost = sv->s.unvalued_cost;
    page->unvalued_share = sv->s.share;
    page->overserved = sv->s.overserved;
    page->unvalued = calloc(sv->n_ratings ? sv->n_ratings : 1, sizeof *page->unvalued);
    if (!page->unvalued)
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !s && i < sv->n_ratings; i++) {
        const struct cvom_offering_rating *r = &sv->ratings[i];
        if (!(r->r.importance < cfg.importance_threshold))
            continue;
        struct cvom_onepager_offering *x = &page->unvalued[page->n_unvalued++];
        cvom__copy_str(x->code, sizeof x->code, r->code);
        cvom__copy_str(x->name, sizeof x->name, r->name);
        x->importance = r->r.importance;
        x->cost = r->r.cost;
    }
    cvom__overserving_cleanup(&o);
    return s;
}

/* The alignment of the account's value hierarchy with ours, as `cvom align` finds it. */
static enum cvom_status page_alignment(struct cvom_store *st, struct cvom_scored *one,
                                       const struct cvom_analytics_settings *set,
                                       struct cvom_onepager *page, struct cvom_error *err)
{
    struct cvom_alignment_set s;
    enum cvom_status rc = cvom__alignment_build(st, set->at_risk, one, 1, &s, err);
    if (rc)
        return rc;
    page->at_risk_threshold = set->at_risk;
    if (s.n_ours && s.n == 1 && s.v[0].n_theirs) {
        page->aligned = 1;
        page->tau = s.v[0].a.tau;
        page->common = s.v[0].a.common;
        page->at_risk = s.v[0].at_risk;
    }
    cvom__alignment_set_cleanup(&s);
    return CVOM_OK;
}

static enum cvom_status page_analytics(struct cvom_store *st, struct cvom_onepager_doc *d,
                                       const struct cvom_account *a, struct cvom_error *err)
{
    struct cvom_analytics_settings set;
    struct cvom_scored one;
    scan_of_one(d, a, &one);
    enum cvom_status s = cvom__analytics_settings_load(st, &set, err);
    if (!s)
        s = page_serving(st, &one, &set, &d->page, err);
    if (!s)
        s = page_alignment(st, &one, &set, &d->page, err);
    if (!s) {
        s = cvom_partnership_health(&d->cfg, &d->ins, &d->ex, &d->health);
        if (s)
            cvom_error_set(err, s, "the partnership health could not be scored");
        d->has_health = !s;
        d->page.health = s ? NULL : &d->health;
    }
    return s;
}

/* The map's entries as the page draws them, borrowing their strings; NULL without memory. */
static struct cvom_onepager_map_person *map_rows(const struct cvom_account_map *m)
{
    struct cvom_onepager_map_person *v = calloc(m->n ? m->n : 1, sizeof *v);
    for (size_t i = 0; v && i < m->n; i++) {
        const struct cvom_map_entry *e = &m->e[i];
        v[i] = (struct cvom_onepager_map_person){.name = e->s.name,
                                                 .role = e->s.role,
                                                 .influence = e->s.influence,
                                                 .stance = e->s.stance,
                                                 .stance_name = cvom__stance_name(e->s.stance),
                                                 .depth = e->depth,
                                                 .decider = e->decider,
                                                 .quadrant = e->quadrant,
                                                 .last_contact = e->s.last_contact,
                                                 .channel = cvom__channel_name(e->s.channel),
                                                 .counterpart = e->s.counterpart,
                                                 .gaps = e->gaps};
    }
    return v;
}

/* The account's group for the page when it has accounts below it; a reader who sees only
 * their own accounts (scope's owner) gets the others counted, not listed. */
static enum cvom_status page_group(struct cvom_store *st, const struct cvom_account_filter *scope,
                                   int64_t id, int32_t as_of, struct cvom_onepager_doc *d,
                                   struct cvom_error *err)
{
    enum cvom_status s = cvom__group_load(st, &d->cfg, id, as_of, &d->group, err);
    if (s || d->group.g.members < 2)
        return s;
    if (scope && scope->owner[0])
        cvom__group_view_owned(&d->group, scope->owner);
    if (!(d->group_rows = calloc(d->group.n, sizeof *d->group_rows)))
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->group.n; i++) {
        const struct cvom_group_entry *e = &d->group.m[i];
        d->group_rows[i] =
            (struct cvom_onepager_group_member){.name = e->s.account.name,
                                                .depth = e->depth,
                                                .placed = e->placed,
                                                .assessed = e->s.evidence.assessments > 0,
                                                .quadrant = e->s.score.quadrant,
                                                .score = {e->s.score.value[0], e->s.score.value[1]},
                                                .share = e->share,
                                                .revenue = e->s.account.revenue};
    }
    d->page.group = &d->group.g;
    d->page.group_members = d->group_rows;
    d->page.n_group = d->group.n;
    d->page.group_hidden = d->group.hidden;
    return CVOM_OK;
}

enum cvom_status cvom__onepager_doc_gather(struct cvom_store *st,
                                           const struct cvom_account_filter *scope,
                                           const struct cvom_account *a, int32_t as_of,
                                           struct cvom_onepager_doc *d, struct cvom_error *err)
{
    memset(d, 0, sizeof *d);
    cvom_instrument_init(&d->ins);
    enum cvom_status s = cvom__config_load(st, &d->cfg, err);
    if (!s)
        s = cvom__account_explain_signals(st, &d->cfg, a->id, as_of, &d->ex, &d->ins, &d->ev,
                                          &d->sig, err);
    struct people p = {0};
    if (!s)
        s = st->ops->stakeholder_list(st, a->id, collect_person, &p, err);
    d->people = p.v;
    d->n_people = p.n;
    if (!s && p.overflow)
        s = cvom_error_set(err, CVOM_ELIMIT, "too many stakeholders to draw");
    if (!s)
        s = cvom__account_label_of(st, scope, a, d->title, sizeof d->title, NULL, NULL, err);
    if (!s && !(d->rows = stakeholder_rows(d)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (!s)
        s = cvom__account_map_load(st, &d->cfg, a->id, as_of, &d->ex, &d->map, err);
    if (!s && !(d->map_rows = map_rows(&d->map)))
        s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (s) {
        cvom__onepager_doc_cleanup(d);
        return s;
    }
    d->page = (struct cvom_onepager){.name = d->title,
                                     .external_id = a->external_id,
                                     .owner = a->owner,
                                     .industry = a->industry,
                                     .region = a->region,
                                     .currency = a->currency,
                                     .revenue = a->revenue,
                                     .potential = a->potential,
                                     .as_of = as_of,
                                     .threshold = {d->cfg.threshold[0], d->cfg.threshold[1]},
                                     .confidence = d->cfg.confidence,
                                     .ex = &d->ex,
                                     .ins = &d->ins,
                                     .assessments = d->ev.assessments,
                                     .customer_assessments = d->ev.customer,
                                     .newest = d->ev.newest,
                                     .stale = d->ev.stale,
                                     .stakeholders = d->rows,
                                     .n_stakeholders = d->n_people,
                                     .map = d->map_rows,
                                     .n_map = d->map.n,
                                     .map_flagged = d->map.flagged};
    for (size_t i = 0; i < d->sig.n && i < CVOM_SIGNALS_MAX; i++)
        d->page.signal_name[i] = d->sig.v[i].sig.def.name;
    s = page_plays(st, d, a->id, as_of, &d->page, err);
    if (!s)
        s = page_actions(st, a->id, as_of, &d->page, err);
    if (!s)
        s = page_analytics(st, d, a, err);
    if (!s)
        s = page_group(st, scope, a->id, as_of, d, err);
    if (s) {
        cvom__onepager_doc_cleanup(d);
        return s;
    }
    return CVOM_OK;
}

void cvom__onepager_doc_cleanup(struct cvom_onepager_doc *d)
{
    if (!d)
        return;
    free(d->page.plays);
    free(d->page.actions);
    free(d->page.unvalued);
    if (d->has_health)
        cvom_health_cleanup(&d->health);
    free(d->rows);
    free(d->map_rows);
    free(d->group_rows);
    cvom__group_view_cleanup(&d->group);
    cvom__account_map_cleanup(&d->map);
    free(d->people);
    cvom_explanation_cleanup(&d->ex);
    cvom_instrument_cleanup(&d->ins);
    memset(d, 0, sizeof *d);
}
