/* alerts.c — what needs attention: the report's sections on two dates turned into one list
 * per account, with the stakeholders' spread, partnership health on both dates, open actions
 * and survey links added. */
#include "service/alerts.h"

#include "core/mem.h"
#include "io/util.h"
#include "service/analytics.h"
#include "service/portfolio.h"
#include "service/relmap.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECONDS_PER_DAY 86400
#define ALERTS_MAX (1u << 22) /* four million alerts: far past any portfolio */

static const char *const kind_names[CVOM_ALERT_KIND_COUNT] = {
    [CVOM_ALERT_SLID] = "slid",
    [CVOM_ALERT_STALE] = "stale",
    [CVOM_ALERT_DUE] = "due",
    [CVOM_ALERT_BORDERLINE] = "borderline",
    [CVOM_ALERT_SPLIT] = "split",
    [CVOM_ALERT_AT_RISK] = "at_risk",
    [CVOM_ALERT_OVERSERVED] = "overserved",
    [CVOM_ALERT_CRUMBLED] = "crumbled",
    [CVOM_ALERT_OVERDUE] = "overdue_action",
    [CVOM_ALERT_UNOWNED] = "unowned_action",
    [CVOM_ALERT_UNANSWERED] = "unanswered_survey",
    [CVOM_ALERT_COVERAGE] = "coverage_gap",
};

const char *cvom__alert_kind_name(enum cvom_alert_kind k)
{
    return k < CVOM_ALERT_KIND_COUNT ? kind_names[k] : "";
}

int cvom__alert_kind_parse(const char *s)
{
    for (int k = 0; k < CVOM_ALERT_KIND_COUNT; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return k;
    return -1;
}

/* The work of one gather: the alerts so far and the first failure. */
struct gathering {
    struct cvom_alerts *a;
    struct cvom_store *st;
    struct cvom_config cfg;
    enum cvom_status s;
    struct cvom_error *err;
};

/* Add an alert; where is a page's path, or what follows the account page's path ("",
 * "#survey"). NULL, and g->s set, when memory runs out. */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static struct cvom_alert *
add(struct gathering *g, enum cvom_alert_kind kind, size_t account, const char *where, int32_t date,
    const char *fmt, ...)
{
    struct cvom_alerts *a = g->a;
    if (g->s)
        return NULL;
    void *v = cvom__grow(a->v, &a->cap, a->n + 1, sizeof *a->v, ALERTS_MAX);
    if (!v) {
        g->s = cvom_error_set(g->err, CVOM_ENOMEM, "too many alerts to hold in memory");
        return NULL;
    }
    a->v = v;
    struct cvom_alert *x = &a->v[a->n++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->account = account;
    x->date = date;
    if (where[0] == '/') /* a page of its own */
        snprintf(x->where, sizeof x->where, "%s", where);
    else /* a part of the account's page */
        snprintf(x->where, sizeof x->where, "/accounts/%lld%s",
                 (long long)a->doc.report.accounts[account].id, where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->why, sizeof x->why, fmt, ap);
    va_end(ap);
    a->count[kind]++;
    return x;
}

static const char *day(int32_t d, char buf[11])
{
    cvom_date_format(d, buf);
    return buf;
}

/* The index of an account of the report by id, or (size_t)-1. The report's accounts are in
 * the scan's order, not by id: a sorted index answers. */
struct by_id {
    int64_t id;
    size_t at;
};

static int by_id_cmp(const void *x, const void *y)
{
    const struct by_id *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

static size_t account_at(const struct by_id *ix, size_t n, int64_t id)
{
    struct by_id key = {id, 0};
    const struct by_id *hit = bsearch(&key, ix, n, sizeof *ix, by_id_cmp);
    return hit ? hit->at : (size_t)-1;
}

/* ---- from the report's sections ------------------------------------------------------------ */

static void from_report(struct gathering *g)
{
    const struct cvom_report *r = &g->a->doc.report;
    char d1[11], d2[11];
    for (size_t i = 0; i < r->n_slides; i++) {
        const struct cvom_report_slide *sl = &r->slides[i];
        const struct cvom_report_account *ac = &r->accounts[sl->account];
        add(g, CVOM_ALERT_SLID, sl->account, "", 0,
            sl->entered ? "It fell %.1f points since %s and is Transactional now."
                        : "It fell %.1f points towards Transactional since %s (%s now).",
            sl->fall, day(r->since, d1), cvom_quadrant_title(ac->now.quadrant));
    }
    for (size_t i = 0; i < r->n_stale; i++) {
        const struct cvom_report_account *ac = &r->accounts[r->stale[i]];
        add(g, CVOM_ALERT_STALE, r->stale[i], "#survey", ac->last_assessed,
            "Its newest assessment, of %s, is older than the %d days an assessment holds.",
            day(ac->last_assessed, d1), r->validity_days);
    }
    for (size_t i = 0; i < r->n_accounts; i++) {
        const struct cvom_report_account *ac = &r->accounts[i];
        int32_t due = ac->last_assessed + r->validity_days;
        if (!ac->last_assessed || ac->stale || due > r->as_of + g->a->due_days)
            continue;
        add(g, CVOM_ALERT_DUE, i, "#survey", due,
            "Its newest assessment, of %s, is stale from %s: ask again within %d days.",
            day(ac->last_assessed, d1), day(due, d2), (int)(due - r->as_of));
    }
    for (size_t i = 0; i < r->n_borderline; i++) {
        const struct cvom_report_account *ac = &r->accounts[r->borderline[i]];
        unsigned axes = cvom_borderline_axes(&ac->now, r->threshold);
        add(g, CVOM_ALERT_BORDERLINE, r->borderline[i], "", 0,
            "Its %s interval crosses the threshold: more answers would place it surely.",
            axes == 3   ? "intellectual and emotional"
            : axes == 1 ? "intellectual"
                        : "emotional");
    }
    for (size_t i = 0; i < r->n_at_risk; i++) {
        const struct cvom_report_aligned *al = &r->at_risk[i];
        add(g, CVOM_ALERT_AT_RISK, al->account, "/alignment", 0,
            "A partnership whose values align with ours at tau %.2f, below %.2f.", al->tau,
            r->at_risk_threshold);
    }
    for (size_t i = 0; i < r->n_overserved; i++) {
        const struct cvom_report_served *sv = &r->overserved[i];
        char cost[64];
        cvom__money_format(cost, sizeof cost, sv->unvalued_cost, NULL);
        add(g, CVOM_ALERT_OVERSERVED, sv->account, "/overserved", 0,
            "%s (%.0f %% of the cost to serve) goes on what it does not value: %s.", cost,
            100 * sv->share, sv->offerings);
    }
}

/* ---- partnership health on both dates -------------------------------------------------------- */

static void crumbled(struct gathering *g, const struct by_id *ix, size_t n_ix)
{
    struct cvom_alerts *a = g->a;
    struct cvom_health_row *then = NULL;
    size_t n_then = 0;
    char d1[11];
    g->s = cvom__health_known(g->st, &g->cfg, a->doc.before, a->doc.report.n_accounts, a->since,
                              &then, &n_then, g->err);
    for (size_t i = 0; !g->s && i < a->doc.n_health; i++) {
        const struct cvom_health_row *now = &a->doc.health[i];
        const struct cvom_health_row *was = NULL;
        for (size_t j = 0; !was && j < n_then; j++) /* few: the accounts with every pillar */
            if (then[j].acc->account.id == now->acc->account.id)
                was = &then[j];
        size_t at = account_at(ix, n_ix, now->acc->account.id);
        if (!was || at == (size_t)-1)
            continue;
        /* One alert per account, naming each pillar that crumbled with both measures. */
        char list[256] = "";
        size_t len = 0;
        int n = 0;
        for (int p = 0; p < CVOM_PILLAR_COUNT; p++) {
            double b = was->h.measure[p].value, v = now->h.measure[p].value;
            if (cvom_pillar_trend_between(b, v) != CVOM_TREND_CRUMBLED || len >= sizeof list)
                continue;
            int w = snprintf(list + len, sizeof list - len, "%s%s (%.0f, now %.0f)", n ? ", " : "",
                             cvom_pillar_title((enum cvom_pillar)p), b, v);
            len += w > 0 ? (size_t)w : 0;
            n++;
        }
        if (n)
            add(g, CVOM_ALERT_CRUMBLED, at, "#health", 0, "%s %s sound on %s and %s weak now: %s.",
                n == 1 ? "A pillar" : "Pillars", n == 1 ? "was" : "were", day(a->since, d1),
                n == 1 ? "is" : "are", list);
    }
    free(then);
}

/* ---- the stakeholders' spread -------------------------------------------------------------- */

static void split(struct gathering *g)
{
    const struct cvom_report *r = &g->a->doc.report;
    for (size_t i = 0; !g->s && i < r->n_accounts; i++) {
        const struct cvom_scored *sc = &g->a->doc.now[i];
        /* Two weighty customer respondents at least, on a placed account. */
        if (sc->evidence.customer < 2 || sc->score.state == CVOM_STATE_INSUFFICIENT)
            continue;
        struct cvom_explanation ex;
        struct cvom_instrument ins;
        struct cvom_spread sp = {0};
        memset(&ex, 0, sizeof ex);
        cvom_instrument_init(&ins);
        g->s = cvom__account_explain(g->st, &g->cfg, sc->account.id, r->as_of, &ex, &ins, NULL,
                                     g->err);
        if (!g->s && cvom_stakeholder_spread(&g->cfg, &ex, &sp))
            g->s = cvom_error_set(g->err, CVOM_ENOMEM, "out of memory");
        if (!g->s && sp.split)
            add(g, CVOM_ALERT_SPLIT, i, "#spread", 0,
                "Its stakeholders of influence sit in %d quadrants: they see us differently.",
                sp.quadrants);
        cvom_spread_cleanup(&sp);
        cvom_explanation_cleanup(&ex);
        cvom_instrument_cleanup(&ins);
    }
}

/* ---- the relationship map's coverage gaps ---------------------------------------------------- */

static void coverage(struct gathering *g)
{
    const struct cvom_report *r = &g->a->doc.report;
    for (size_t i = 0; !g->s && i < r->n_accounts; i++) {
        struct cvom_account_map m;
        g->s =
            cvom__account_map_load(g->st, &g->cfg, r->accounts[i].id, r->as_of, NULL, &m, g->err);
        if (g->s || !m.flagged) {
            if (!g->s)
                cvom__account_map_cleanup(&m);
            continue;
        }
        /* Who, and what is missing, for the first few flagged people. */
        char who[256] = "";
        size_t len = 0, named = 0;
        for (size_t k = 0; k < m.n && named < 3; k++) {
            if (!m.e[k].gaps)
                continue;
            char gaps[160];
            int w = snprintf(who + len, sizeof who - len, "%s%s (%s)", named ? "; " : "",
                             m.e[k].s.name, cvom__map_gaps_text(m.e[k].gaps, gaps, sizeof gaps));
            if (w < 0 || (size_t)w >= sizeof who - len)
                break;
            len += (size_t)w;
            named++;
        }
        add(g, CVOM_ALERT_COVERAGE, i, "#map", 0, "%zu %s a coverage gap: %s%s.", m.flagged,
            m.flagged == 1 ? "stakeholder has" : "stakeholders have", who,
            m.flagged > named ? "; …" : "");
        cvom__account_map_cleanup(&m);
    }
}

/* ---- action plans and survey links ----------------------------------------------------------- */

struct action_walk {
    struct gathering *g;
    const struct by_id *ix;
    size_t n_ix;
};

static int open_action(void *ctx, const struct cvom_action *x)
{
    struct action_walk *w = ctx;
    struct gathering *g = w->g;
    size_t at = account_at(w->ix, w->n_ix, x->account_id);
    if (at == (size_t)-1)
        return 0; /* outside the filter */
    char d1[11], who[CVOM_FIELD_MAX + 16] = "";
    if (x->owner[0])
        snprintf(who, sizeof who, " (%s's)", x->owner);
    struct cvom_alert *al = NULL;
    if (x->due && x->due < g->a->as_of &&
        (al = add(g, CVOM_ALERT_OVERDUE, at, "/actions", x->due, "\"%s\"%s was due on %s.",
                  x->title, who, day(x->due, d1))) != NULL)
        al->ref = x->id;
    if (!x->owner[0] && (al = add(g, CVOM_ALERT_UNOWNED, at, "/actions", x->due,
                                  "\"%s\" is open and nobody owns it.", x->title)) != NULL)
        al->ref = x->id;
    return g->s != CVOM_OK;
}

struct survey_walk {
    struct gathering *g;
    size_t at;
};

static int survey_link(void *ctx, const struct cvom_survey *sv)
{
    struct survey_walk *w = ctx;
    struct gathering *g = w->g;
    int32_t made = (int32_t)(sv->created / SECONDS_PER_DAY);
    int32_t age = g->a->as_of - made;
    if (sv->used || made > g->a->as_of || age < g->a->unanswered_days)
        return 0;
    char d1[11];
    add(g, CVOM_ALERT_UNANSWERED, w->at, "#survey", made,
        "A survey link made on %s is unanswered after %d days%s.", day(made, d1), (int)age,
        sv->expires / SECONDS_PER_DAY <= g->a->as_of ? ", and has expired" : "");
    return g->s != CVOM_OK;
}

/* ---- the whole ------------------------------------------------------------------------------- */

static enum cvom_status settings_load(struct cvom_store *st, struct cvom_alerts *a,
                                      struct cvom_error *err)
{
    struct cvom_analytics_settings set;
    enum cvom_status s = cvom__analytics_settings_load(st, &set, err);
    if (!s) {
        a->due_days = (int)set.due_days;
        a->unanswered_days = (int)set.unanswered_days;
    }
    return s;
}

static int by_account_kind(const void *x, const void *y)
{
    const struct cvom_alert *a = x, *b = y;
    if (a->account != b->account)
        return a->account < b->account ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return (a->ref > b->ref) - (a->ref < b->ref);
}

enum cvom_status cvom__alerts_gather(struct cvom_store *st, const struct cvom_account_filter *f,
                                     int32_t as_of, int32_t since, struct cvom_alerts *out,
                                     struct cvom_error *err)
{
    memset(out, 0, sizeof *out);
    if (since >= as_of)
        return cvom_error_set(err, CVOM_EINVAL, "the since date must be before the alerts' date");
    struct cvom_account_filter all = {0};
    struct gathering g = {.a = out, .st = st, .err = err};
    out->as_of = as_of;
    out->since = since;
    g.s = settings_load(st, out, err);
    if (!g.s)
        g.s = cvom__config_load(st, &g.cfg, err);
    if (!g.s)
        g.s = cvom__report_doc_gather(st, f ? f : &all, as_of, since, &out->doc, err);
    size_t n = out->doc.report.n_accounts;
    struct by_id *ix = g.s ? NULL : malloc((n ? n : 1) * sizeof *ix);
    if (!g.s && !ix)
        g.s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !g.s && i < n; i++)
        ix[i] = (struct by_id){out->doc.report.accounts[i].id, i};
    if (!g.s)
        cvom__sort(ix, n, sizeof *ix, by_id_cmp);
    if (!g.s)
        from_report(&g);
    if (!g.s)
        crumbled(&g, ix, n);
    if (!g.s)
        split(&g);
    if (!g.s)
        coverage(&g);
    struct cvom_action_filter open = {.status = CVOM_ACTION_OPEN};
    struct action_walk aw = {&g, ix, n};
    if (!g.s) {
        enum cvom_status s = st->ops->action_list(st, &open, open_action, &aw, err);
        g.s = g.s ? g.s : s;
    }
    for (size_t i = 0; !g.s && i < n; i++) {
        struct survey_walk sw = {&g, i};
        enum cvom_status s =
            st->ops->survey_list(st, out->doc.report.accounts[i].id, survey_link, &sw, err);
        g.s = g.s ? g.s : s;
    }
    free(ix);
    if (g.s) {
        cvom__alerts_cleanup(out);
        return g.s;
    }
    cvom__sort(out->v, out->n, sizeof *out->v, by_account_kind);
    return CVOM_OK;
}

void cvom__alerts_cleanup(struct cvom_alerts *a)
{
    cvom__report_doc_cleanup(&a->doc);
    free(a->v);
    memset(a, 0, sizeof *a);
}

enum cvom_status cvom__alerts_default_since(struct cvom_store *st, int32_t as_of, int32_t *since,
                                            struct cvom_error *err)
{
    int32_t d1, d0;
    enum cvom_status s = cvom__snapshot_dates(st, as_of, &d1, &d0, err);
    if (!s)
        *since = d0 > 0 ? d0 : d1 > 0 && d1 < as_of ? d1 : as_of - 90;
    return s;
}
