/* pages_account.c — one account: its fields, its score with intervals and evidence state,
 * partnership health (the four pillars gated by trust), the explanation (respondents, items,
 * what would move it), stakeholders and where each sits on the matrix, the trajectory over
 * stored snapshots, assessments, survey links and notes; and saving the notes. The numbers
 * come from the same service and core calls as `cvom account show` and `cvom explain`. */
#include "web/pages_util.h"

#include "service/accounts.h"
#include "service/playbooks.h"
#include "service/relmap.h"
#include "service/texts.h"
#include "web/pages_signals.h"

#include "io/records.h"
#include "io/util.h"
#include "web/page.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_MAX 10000 /* rows of one kind kept for one account page */

/* ---- what the page shows, loaded up front ------------------------------------------------ */

static int push_stakeholder(void *ctx, const struct cvom_stakeholder *s)
{
    return cvom__rows_push(ctx, s);
}

static int push_assessment(void *ctx, const struct cvom_assessment *a)
{
    return cvom__rows_push(ctx, a);
}

static int push_snapshot(void *ctx, const struct cvom_snapshot *s)
{
    return cvom__rows_push(ctx, s);
}

static int push_action(void *ctx, const struct cvom_action *a)
{
    return cvom__rows_push(ctx, a);
}

static int push_survey(void *ctx, const struct cvom_survey *s)
{
    return cvom__rows_push(ctx, s);
}

static int push_comment(void *ctx, const struct cvom_comment *c)
{
    return cvom__rows_push(ctx, c);
}

#define LANGS_MAX 32 /* languages offered for a survey link */

/* The earlier date a move is judged from, as on the command line and the one-pager. */
#define PLAYS_SINCE_DAYS 180

struct view {
    struct cvom_account a;
    struct cvom_config cfg;
    struct cvom_score score; /* exactly as the export computes it */
    struct cvom_evidence ev;
    struct cvom_explanation ex;
    struct cvom_signals_shown sig; /* the signals blended into ex, in its order */
    struct cvom_instrument ins;    /* the items the explanation refers to */
    int explained;
    struct cvom_spread sp; /* the customer stakeholders on the matrix; when explained */
    struct cvom_health h;  /* partnership health; when explained */
    int spread_done, health_done, map_done;
    struct cvom_account_map map; /* the relationship map; when explained */
    struct cvom_rows stakeholders, assessments, snapshots, surveys, actions, comments;
    char langs[LANGS_MAX][CVOM_LANG_MAX]; /* the survey's languages, for a new link */
    size_t n_langs;
    struct cvom_playbook book;     /* the playbook in use */
    struct cvom_play_choice plays; /* keys of the plays suggested for this account */
    int32_t today;
    int edit;
    char label[CVOM_ACCOUNT_LABEL_MAX]; /* the name, told apart from namesakes */
    size_t namesakes;                   /* other accounts of that name the user may see */
    struct cvom_account namesake;       /* the first of them */
};

static void view_init(struct view *v)
{
    memset(v, 0, sizeof *v);
    cvom_instrument_init(&v->ins);
    cvom__rows_init(&v->stakeholders, sizeof(struct cvom_stakeholder), LIST_MAX);
    cvom__rows_init(&v->assessments, sizeof(struct cvom_assessment), LIST_MAX);
    cvom__rows_init(&v->snapshots, sizeof(struct cvom_snapshot), LIST_MAX);
    cvom__rows_init(&v->surveys, sizeof(struct cvom_survey), LIST_MAX);
    cvom__rows_init(&v->actions, sizeof(struct cvom_action), LIST_MAX);
    cvom__rows_init(&v->comments, sizeof(struct cvom_comment), LIST_MAX);
    cvom_playbook_init(&v->book);
}

static void view_cleanup(struct view *v)
{
    if (v->map_done)
        cvom__account_map_cleanup(&v->map);
    if (v->health_done)
        cvom_health_cleanup(&v->h);
    if (v->spread_done)
        cvom_spread_cleanup(&v->sp);
    if (v->explained)
        cvom_explanation_cleanup(&v->ex);
    cvom_instrument_cleanup(&v->ins);
    cvom__rows_free(&v->stakeholders);
    cvom__rows_free(&v->assessments);
    cvom__rows_free(&v->snapshots);
    cvom__rows_free(&v->surveys);
    cvom__rows_free(&v->actions);
    cvom__rows_free(&v->comments);
    cvom_playbook_cleanup(&v->book);
}

static enum cvom_status view_load(struct web_req *r, struct view *v)
{
    struct cvom_store *st = r->store;
    struct cvom_instrument_cache cache;
    v->today = pages_today();
    v->edit = pages_can_edit(r, &v->a);
    struct cvom_account_filter scope;
    pages_scope_filter(r, NULL, NULL, NULL, &scope);
    enum cvom_status s = cvom__account_label_of(st, &scope, &v->a, v->label, sizeof v->label,
                                                &v->namesakes, &v->namesake, &r->err);
    if (!s)
        s = cvom__config_load(st, &v->cfg, &r->err);
    if (!s) {
        cvom__instrument_cache_init(&cache);
        s = cvom__account_score(st, &cache, &v->cfg, v->a.id, v->today, &v->score, &v->ev, &r->err);
        cvom__instrument_cache_cleanup(&cache);
    }
    if (!s && (s = cvom__account_explain_signals(st, &v->cfg, v->a.id, v->today, &v->ex, &v->ins,
                                                 NULL, &v->sig, &r->err)) == CVOM_OK)
        v->explained = 1;
    if (!s && (s = cvom_stakeholder_spread(&v->cfg, &v->ex, &v->sp)) == CVOM_OK)
        v->spread_done = 1;
    if (!s && (s = cvom_partnership_health(&v->cfg, &v->ins, &v->ex, &v->h)) == CVOM_OK)
        v->health_done = 1;
    if (!s && (s = cvom__account_map_load(st, &v->cfg, v->a.id, v->today, &v->ex, &v->map,
                                          &r->err)) == CVOM_OK)
        v->map_done = 1;
    if (!s)
        s = st->ops->stakeholder_list(st, v->a.id, push_stakeholder, &v->stakeholders, &r->err);
    if (!s)
        s = st->ops->assessment_list(st, v->a.id, push_assessment, &v->assessments, &r->err);
    if (!s)
        s = st->ops->snapshot_history(st, v->a.id, push_snapshot, &v->snapshots, &r->err);
    if (!s)
        s = st->ops->comment_list(st, v->a.id, push_comment, &v->comments, &r->err);
    if (!s && v->edit)
        s = st->ops->survey_list(st, v->a.id, push_survey, &v->surveys, &r->err);
    int64_t survey_instrument;
    if (!s && v->edit &&
        st->ops->instrument_latest(st, "default", &survey_instrument, NULL) == CVOM_OK)
        s = cvom__texts_languages(st, survey_instrument, v->langs, LANGS_MAX, &v->n_langs, &r->err);
    if (!s)
        s = cvom__playbook_load(st, &v->book, NULL, &r->err);
    if (!s)
        s = cvom__account_plays(st, &v->cfg, v->a.id, v->today - PLAYS_SINCE_DAYS, v->today,
                                &v->score, &v->plays, &r->err);
    struct cvom_action_filter open = {.account_id = v->a.id, .status = CVOM_ACTION_OPEN};
    if (!s)
        s = st->ops->action_list(st, &open, push_action, &v->actions, &r->err);
    const struct cvom_rows *kept[] = {&v->stakeholders, &v->assessments, &v->snapshots,
                                      &v->surveys,      &v->actions,     &v->comments};
    for (size_t i = 0; !s && i < sizeof kept / sizeof *kept; i++)
        s = cvom__rows_status(kept[i], "this account has too many records to show", &r->err);
    return s;
}

static const struct cvom_stakeholder *stakeholder_by_id(const struct view *v, int64_t id)
{
    const struct cvom_stakeholder *s = v->stakeholders.v;
    for (size_t i = 0; i < v->stakeholders.n; i++)
        if (s[i].id == id)
            return &s[i];
    return NULL;
}

/* ---- head and score ---------------------------------------------------------------------- */

static void tags(struct buf *b, const char *list)
{
    if (!list[0])
        return;
    buf_puts(b, "<ul class=\"tags\" aria-label=\"Tags\">");
    for (const char *t = list; *t;) {
        size_t len = strcspn(t, ",");
        char tag[CVOM_TAGS_MAX];
        snprintf(tag, sizeof tag, "%.*s", (int)len, t);
        buf_puts(b, "<li class=\"tag\">");
        buf_html(b, tag);
        buf_puts(b, "</li>");
        t += len + (t[len] == ',');
    }
    buf_puts(b, "</ul>");
}

static void head(struct web_req *r, const struct view *v)
{
    struct buf *b = &r->out;
    const struct cvom_account *a = &v->a;
    buf_puts(b, "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/accounts\">Accounts"
                "</a> <span aria-hidden=\"true\">\xE2\x80\xBA</span> <span aria-current=\"page\">");
    buf_html(b, v->label);
    buf_puts(b, "</span></nav><div class=\"page-head account-head\"><div><h1>");
    buf_html(b, v->label);
    buf_puts(b, "</h1>");
    if (v->namesakes) {
        char other[CVOM_ACCOUNT_LABEL_MAX];
        struct cvom_account_line o;
        cvom__account_line_of(&v->namesake, &o);
        buf_printf(b,
                   "<p class=\"hint\">Another account has this name: <a href=\"/accounts/%" PRId64
                   "\">",
                   o.id);
        buf_html(b, cvom__account_label(&o, 1, other, sizeof other));
        buf_puts(b, "</a>");
        if (v->namesakes > 1)
            buf_printf(b, " and %zu more", v->namesakes - 1);
        buf_puts(b, ".</p>");
    }
    buf_puts(b, "<p class=\"badges\">");
    pages_badges(b, &v->score, v->ev.stale);
    buf_puts(b, "</p></div>");
    if (v->edit)
        buf_printf(b,
                   "<div class=\"actions\"><a class=\"button\" href=\"/accounts/%lld/assess\">"
                   "Record an assessment</a> <a class=\"button secondary\" href=\"#survey\">"
                   "Send a survey link</a></div>",
                   (long long)a->id);
    buf_puts(b, "</div><dl class=\"meta\">");
    const struct {
        const char *label, *value;
    } meta[] = {{"Owner", a->owner},
                {"Industry", a->industry},
                {"Region", a->region},
                {"CRM id", a->external_id}};
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) {
        if (!meta[i].value[0])
            continue;
        buf_printf(b, "<div><dt>%s</dt><dd>", meta[i].label);
        buf_html(b, meta[i].value);
        buf_puts(b, "</dd></div>");
    }
    buf_puts(b, "<div><dt>Revenue</dt><dd>");
    pages_money(b, a->revenue, a->currency);
    if (a->potential > 0) {
        buf_puts(b, " <small>(potential ");
        pages_thousands(b, a->potential);
        buf_puts(b, ")</small>");
    }
    buf_puts(b, "</dd></div>");
    struct cvom_account parent;
    if (a->parent_id &&
        r->store->ops->account_get(r->store, a->parent_id, &parent, NULL) == CVOM_OK &&
        pages_can_see(r, &parent)) {
        buf_printf(b, "<div><dt>Part of</dt><dd><a href=\"/accounts/%lld\">", (long long)parent.id);
        buf_html(b, parent.name);
        buf_puts(b, "</a></dd></div>");
    }
    buf_puts(b, "</dl>");
    tags(b, a->tags);
    buf_printf(b,
               "<p class=\"hint downloads\">Download the one-pager: <a "
               "href=\"/accounts/%lld/onepager.pdf\" download>PDF</a> \xC2\xB7 <a "
               "href=\"/accounts/%lld/onepager.png\" download>PNG</a></p>",
               (long long)a->id, (long long)a->id);
}

/* A 0–100 bar with the interval, the value and the threshold. */
static void interval_bar(struct buf *b, const char *axis, double value, double lo, double hi,
                         double threshold)
{
    buf_printf(b, "<svg class=\"ibar\" viewBox=\"0 0 200 28\" role=\"img\" aria-label=\"%s ", axis);
    buf_num(b, value, 1);
    if (!isnan(lo)) {
        buf_puts(b, ", interval ");
        buf_num(b, lo, 1);
        buf_puts(b, " to ");
        buf_num(b, hi, 1);
    }
    buf_printf(b,
               ", threshold %g\"><rect class=\"track\" x=\"0\" y=\"12\" width=\"200\" "
               "height=\"4\" rx=\"2\"/>",
               threshold);
    if (!isnan(lo))
        buf_printf(b,
                   "<rect class=\"iv\" x=\"%.1f\" y=\"7\" width=\"%.1f\" height=\"14\" "
                   "rx=\"3\"/>",
                   2 * lo, 2 * (hi - lo));
    buf_printf(b, "<line class=\"thr\" x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"26\"/>", 2 * threshold,
               2 * threshold);
    if (!isnan(value))
        buf_printf(b, "<circle class=\"val\" cx=\"%.1f\" cy=\"14\" r=\"6\"/>", 2 * value);
    buf_puts(b, "</svg>");
}

static void score_cards(struct buf *b, const struct view *v)
{
    static const char *const titles[CVOM_DIM_COUNT] = {"Intellectual value", "Emotional value"};
    const struct cvom_score *s = &v->score;
    buf_puts(b, "<section class=\"cards\" aria-label=\"Score\">");
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        buf_printf(b, "<div class=\"card\"><h2>%s</h2>", titles[d]);
        if (isnan(s->value[d])) {
            buf_puts(b, "<p class=\"big\">\xE2\x80\x94</p><p class=\"hint\">No score: no "
                        "respondent answered enough items on this axis.</p></div>");
            continue;
        }
        buf_puts(b, "<p class=\"big\">");
        buf_num(b, s->value[d], 1);
        buf_puts(b, "</p><p>");
        if (!isnan(s->lo[d])) {
            buf_printf(b, "%.0f %% interval ", v->cfg.confidence * 100);
            buf_num(b, s->lo[d], 1);
            buf_puts(b, "\xE2\x80\x93");
            buf_num(b, s->hi[d], 1);
        } else {
            buf_puts(b, "No interval: too little spread to estimate one");
        }
        buf_printf(b, "</p>");
        interval_bar(b, titles[d], s->value[d], s->lo[d], s->hi[d], v->cfg.threshold[d]);
        double above = s->value[d] - v->cfg.threshold[d];
        buf_printf(b,
                   "<p class=\"hint\">%.1f points %s the threshold %g \xC2\xB7 %d "
                   "respondent%s</p></div>",
                   fabs(above), above < 0 ? "below" : "above", v->cfg.threshold[d],
                   s->respondents[d], s->respondents[d] == 1 ? "" : "s");
    }
    buf_puts(b, "<div class=\"card\"><h2>Position</h2>");
    if (s->state == CVOM_STATE_INSUFFICIENT) {
        buf_puts(b, "<p class=\"big small\">Not placed</p><p>Not enough evidence: every "
                    "axis needs a respondent who answered enough of its items.</p>");
    } else {
        buf_printf(b, "<p class=\"big small %s\">%s</p><p>%s</p>",
                   pages_quadrant_class(s->quadrant), cvom_quadrant_title(s->quadrant),
                   pages_quadrant_meaning(s->quadrant));
        if (s->state == CVOM_STATE_BORDERLINE)
            buf_puts(b, "<p class=\"hint\"><strong>Borderline:</strong> an interval crosses a "
                        "threshold, so the point is on the line. Do not over-read it.</p>");
    }
    buf_printf(b, "<p class=\"hint\">%d assessment%s (%d from the customer), newest ",
               v->ev.assessments, v->ev.assessments == 1 ? "" : "s", v->ev.customer);
    pages_date(b, v->ev.newest);
    if (v->ev.stale)
        buf_printf(b, ": <strong>stale</strong>, older than %d days", v->cfg.validity_days);
    buf_puts(b, ".</p>");
    if (!isnan(s->self_value[0]) || !isnan(s->self_value[1])) {
        buf_puts(b, "<p class=\"hint\">Our own view: ");
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            buf_printf(b, "%s%s ", d ? "; " : "", d ? "emotional" : "intellectual");
            buf_num(b, s->self_value[d], 1);
            if (!isnan(s->self_value[d]) && !isnan(s->value[d]))
                buf_printf(b, " (gap %+.1f)", s->self_value[d] - s->value[d]);
        }
        buf_puts(b, ".</p>");
    }
    buf_puts(b, "</div></section>");
}

/* ---- trajectory -------------------------------------------------------------------------- */

static void trajectory(struct buf *b, const struct view *v)
{
    const struct cvom_snapshot *sn = v->snapshots.v;
    const struct cvom_score *now = &v->score;
    double t0 = v->cfg.threshold[0], t1 = v->cfg.threshold[1];
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"traj-h\"><h2 id=\"traj-h\">"
                "Trajectory</h2><div class=\"traj\"><svg class=\"mini\" viewBox=\"0 0 220 "
                "220\" role=\"img\" aria-labelledby=\"traj-t\"><title id=\"traj-t\">The "
                "account's position at each stored snapshot and now; the table lists the "
                "same values</title>");
    pages_mini_frame(b, t0, t1);
    /* The path through every placed snapshot, ending at today's live score. */
    buf_puts(b, "<polyline class=\"path\" points=\"");
    for (size_t i = 0; i < v->snapshots.n; i++)
        if (sn[i].score.state != CVOM_STATE_INSUFFICIENT && !isnan(sn[i].score.value[0]) &&
            !isnan(sn[i].score.value[1]))
            buf_printf(b, "%.1f,%.1f ", pages_mini_x(sn[i].score.value[0]),
                       pages_mini_y(sn[i].score.value[1]));
    int placed_now =
        now->state != CVOM_STATE_INSUFFICIENT && !isnan(now->value[0]) && !isnan(now->value[1]);
    if (placed_now)
        buf_printf(b, "%.1f,%.1f", pages_mini_x(now->value[0]), pages_mini_y(now->value[1]));
    buf_puts(b, "\"/>");
    for (size_t i = 0; i < v->snapshots.n; i++) {
        const struct cvom_score *s = &sn[i].score;
        if (s->state == CVOM_STATE_INSUFFICIENT || isnan(s->value[0]) || isnan(s->value[1]))
            continue;
        char d[11];
        cvom_date_format(sn[i].date, d);
        buf_printf(b,
                   "<circle class=\"snap %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"><title>%s: "
                   "intellectual %.1f, emotional %.1f (%s)</title></circle>",
                   pages_quadrant_class(s->quadrant), pages_mini_x(s->value[0]),
                   pages_mini_y(s->value[1]), d, s->value[0], s->value[1],
                   cvom_quadrant_title(s->quadrant));
    }
    if (placed_now)
        buf_printf(b,
                   "<circle class=\"now %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\"><title>Now: "
                   "intellectual %.1f, emotional %.1f (%s)</title></circle>"
                   "<text class=\"nowlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                   "now</text>",
                   pages_quadrant_class(now->quadrant), pages_mini_x(now->value[0]),
                   pages_mini_y(now->value[1]), now->value[0], now->value[1],
                   cvom_quadrant_title(now->quadrant), pages_mini_x(now->value[0]),
                   pages_mini_y(now->value[1]) - 11);
    buf_puts(b, "</svg><table class=\"data compact\"><caption class=\"sr\">Position over time"
                "</caption><thead><tr><th scope=\"col\">Date</th><th scope=\"col\" "
                "class=\"num\">Intellectual</th><th scope=\"col\" class=\"num\">Emotional</th>"
                "<th scope=\"col\">Position</th></tr></thead><tbody><tr><th scope=\"row\">"
                "Now</th>");
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        buf_puts(b, "<td class=\"num\">");
        buf_num(b, now->value[d], 1);
        buf_puts(b, "</td>");
    }
    buf_puts(b, "<td>");
    pages_badges(b, now, 0);
    buf_puts(b, "</td></tr>");
    for (size_t i = v->snapshots.n; i-- > 0;) {
        char d[11];
        cvom_date_format(sn[i].date, d);
        buf_printf(b, "<tr><th scope=\"row\">%s</th>", d);
        for (int k = 0; k < CVOM_DIM_COUNT; k++) {
            buf_puts(b, "<td class=\"num\">");
            buf_num(b, sn[i].score.value[k], 1);
            buf_puts(b, "</td>");
        }
        buf_puts(b, "<td>");
        pages_badges(b, &sn[i].score, 0);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div>");
    if (!v->snapshots.n)
        buf_puts(b, "<p class=\"hint\">No snapshots stored yet: <code>cvom score</code> stores "
                    "one for every account.</p>");
    buf_puts(b, "</section>");
}

/* ---- partnership health ------------------------------------------------------------------ */

/* A 0–100 bar for one measure, with a tick at the level where it counts as sound. */
static void pillar_bar(struct buf *b, const char *title, double value)
{
    buf_printf(b, "<svg class=\"pbar\" viewBox=\"0 0 200 14\" role=\"img\" aria-label=\"%s ",
               title);
    if (isnan(value))
        buf_puts(b, "no score");
    else
        buf_num(b, value, 1);
    buf_printf(b, " of 100\"><rect class=\"track\" x=\"0\" y=\"3\" width=\"200\" height=\"8\" "
                  "rx=\"4\"/>");
    if (!isnan(value))
        buf_printf(b,
                   "<rect class=\"fill%s\" x=\"0\" y=\"3\" width=\"%.1f\" height=\"8\" rx=\"4\"/>",
                   value < CVOM_PILLAR_SOUND ? " weak" : "",
                   2 * (value < 0     ? 0
                        : value > 100 ? 100
                                      : value));
    buf_printf(b, "<line class=\"sound\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"14\"/></svg>",
               2 * CVOM_PILLAR_SOUND, 2 * CVOM_PILLAR_SOUND);
}

static void measure_row(struct buf *b, const struct cvom_health *h, int m)
{
    const struct cvom_pillar_score *ps = &h->measure[m];
    const char *title = cvom_pillar_title((enum cvom_pillar)m);
    buf_printf(b, "<tr%s><th scope=\"row\">%s", m == CVOM_PILLAR_TRUST ? " class=\"trust\"" : "",
               title);
    if (m == h->weakest)
        buf_puts(b, " <span class=\"badge flag\">weakest</span>");
    buf_puts(b, "</th><td class=\"num\">");
    if (isnan(ps->value))
        buf_puts(b, "\xE2\x80\x94<span class=\"sr\"> no score</span>");
    else
        buf_num(b, ps->value, 1);
    buf_puts(b, "</td><td class=\"barcell\">");
    pillar_bar(b, title, ps->value);
    buf_puts(b, "</td><td class=\"num\">");
    if (isnan(ps->value))
        buf_puts(b, "<small>no answers</small>");
    else
        buf_printf(b, "<small>%d respondent%s</small>", ps->respondents,
                   ps->respondents == 1 ? "" : "s");
    buf_puts(b, "</td></tr>");
}

static void health_card(struct buf *b, const struct view *v)
{
    const struct cvom_health *h = &v->h;
    buf_puts(b, "<section class=\"block health\" id=\"health\" aria-labelledby=\"ph-h\"><h2 "
                "id=\"ph-h\">Partnership health</h2>");
    if (!v->health_done || h->state == CVOM_HEALTH_NONE) {
        buf_puts(b, "<p class=\"empty\">No pillar answers yet: no counted respondent has "
                    "answered a statement on passion, resonance, security, creativity or "
                    "trust.</p>");
        if (v->edit)
            buf_printf(b,
                       "<p class=\"hint\">The questionnaire asks them under \xE2\x80\x9C"
                       "How the partnership stands\xE2\x80\x9D: <a "
                       "href=\"/accounts/%lld/assess\">record an assessment</a>.</p>",
                       (long long)v->a.id);
        buf_puts(b, "</section>");
        return;
    }
    buf_puts(b, "<div class=\"health-grid\"><div class=\"card\"><h3>Health</h3>");
    if (h->state == CVOM_HEALTH_OK) {
        buf_puts(b, "<p class=\"big health-value\">");
        buf_num(b, h->health, 1);
        buf_puts(b, "</p>");
        if (h->capped) {
            buf_puts(b, "<p><span class=\"badge flag\">Capped by trust</span></p><p "
                        "class=\"hint\">The pillars average ");
            buf_num(b, h->pillars_mean, 1);
            buf_printf(b, ", but health stands at most %g points above trust (",
                       CVOM_HEALTH_TRUST_MARGIN);
            buf_num(b, h->measure[CVOM_PILLAR_TRUST].value, 1);
            buf_puts(b, "). Rebuilding trust comes first.</p>");
        } else {
            buf_puts(b, "<p class=\"hint\">The mean of the four pillars; trust (");
            buf_num(b, h->measure[CVOM_PILLAR_TRUST].value, 1);
            buf_printf(b,
                       ") does not hold it back. Health may stand at most %g points above "
                       "trust.</p>",
                       CVOM_HEALTH_TRUST_MARGIN);
        }
    } else {
        buf_puts(b, "<p class=\"big health-value\">\xE2\x80\x94</p><p class=\"hint\">Not "
                    "known yet: ");
        int missing = 0;
        for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
            if (isnan(h->measure[m].value))
                buf_printf(b, "%s%s", missing++ ? ", " : "", cvom_pillar_name((enum cvom_pillar)m));
        buf_printf(b, " %s no score. Health needs all four pillars and trust.</p>",
                   missing == 1 ? "has" : "have");
    }
    if (h->weakest >= 0) {
        buf_printf(b, "<p>Weakest pillar: <strong>%s</strong> (",
                   cvom_pillar_title((enum cvom_pillar)h->weakest));
        buf_num(b, h->measure[h->weakest].value, 1);
        buf_puts(b, ")</p>");
    }
    buf_printf(b, "<p class=\"hint\">%d respondent%s answered partnership statements.</p></div>",
               h->respondents, h->respondents == 1 ? "" : "s");
    buf_printf(b,
               "<div class=\"card\"><h3>Pillars and trust</h3><table class=\"data compact "
               "pillars\"><caption class=\"sr\">Score of each pillar and of trust, 0 to 100; "
               "%g or more is sound</caption><thead><tr><th scope=\"col\">Measure</th><th "
               "scope=\"col\" class=\"num\">Score</th><th scope=\"col\"><span class=\"sr\">"
               "Bar</span></th><th scope=\"col\" class=\"num\">Evidence</th></tr></thead>"
               "<tbody>",
               CVOM_PILLAR_SOUND);
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
        measure_row(b, h, m);
    buf_printf(b,
               "</tbody></table><p class=\"hint\">The tick marks %g: at or above it a "
               "measure is sound. <code>cvom pillars</code> shows the items and changes "
               "over time.</p></div></div></section>",
               CVOM_PILLAR_SOUND);
}

/* ---- stakeholders on the matrix ------------------------------------------------------------ */

static void spread_summary(struct buf *b, const struct cvom_spread *sp)
{
    int seen[CVOM_Q_COUNT] = {0};
    buf_puts(b, "<p class=\"spread-sum\">");
    if (!isnan(sp->spread)) {
        buf_puts(b, "Spread <strong>");
        buf_num(b, sp->spread, 1);
        buf_puts(b, " points</strong>: the influence-weighted standard distance of the "
                    "stakeholders from the account's point.");
    } else {
        buf_puts(b, "Spread: not measured (it needs two stakeholders and the account's "
                    "point).");
    }
    buf_puts(b, "</p><p class=\"split-line\">");
    if (sp->split)
        buf_printf(b,
                   "<span class=\"badge split\">Split</span> Stakeholders with influence %g "
                   "or more sit in %d quadrants: ",
                   CVOM_SPLIT_MIN_INFLUENCE, sp->quadrants);
    else if (sp->quadrants == 1)
        buf_printf(b, "Not split: every stakeholder with influence %g or more sits in the ",
                   CVOM_SPLIT_MIN_INFLUENCE);
    else
        buf_printf(b, "Not split: no stakeholder with influence %g or more has a point.",
                   CVOM_SPLIT_MIN_INFLUENCE);
    if (sp->quadrants >= 1) {
        int first = 1;
        for (size_t k = 0; k < sp->n; k++) {
            const struct cvom_spread_point *p = &sp->points[k];
            if (!p->weighs || seen[p->quadrant]++)
                continue;
            buf_printf(b, "%s%s", first ? "" : ", ", cvom_quadrant_title(p->quadrant));
            first = 0;
        }
        buf_puts(b, sp->split ? "." : " quadrant.");
    }
    buf_puts(b, "</p>");
}

static void spread_section(struct buf *b, const struct view *v)
{
    const struct cvom_spread *sp = &v->sp;
    const struct cvom_explanation *ex = &v->ex;
    const struct cvom_score *now = &ex->score;
    buf_puts(b, "<section class=\"block\" id=\"spread\" aria-labelledby=\"sp-h\"><h2 "
                "id=\"sp-h\">Stakeholders on the matrix");
    if (v->spread_done && sp->split)
        buf_puts(b, " <span class=\"badge split\">Split</span>");
    buf_puts(b, "</h2>");
    if (!v->spread_done || !sp->n) {
        buf_puts(b, "<p class=\"empty\">None yet: no customer stakeholder has a score on both "
                    "axes.</p></section>");
        return;
    }
    double t0 = v->cfg.threshold[0], t1 = v->cfg.threshold[1];
    buf_puts(b, "<div class=\"traj\"><svg class=\"mini spread\" viewBox=\"0 0 220 220\" "
                "role=\"img\" aria-labelledby=\"sp-t\"><title id=\"sp-t\">Each customer "
                "stakeholder at their own scores, numbered as in the table, and the account's "
                "point; the table lists the same values</title>");
    pages_mini_frame(b, t0, t1);
    int placed =
        now->state != CVOM_STATE_INSUFFICIENT && !isnan(now->value[0]) && !isnan(now->value[1]);
    if (placed)
        for (size_t k = 0; k < sp->n; k++)
            buf_printf(b,
                       "<line class=\"spoke\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                       "y2=\"%.1f\"/>",
                       pages_mini_x(now->value[0]), pages_mini_y(now->value[1]),
                       pages_mini_x(sp->points[k].x), pages_mini_y(sp->points[k].y));
    for (size_t k = 0; k < sp->n; k++) {
        const struct cvom_spread_point *p = &sp->points[k];
        double r = 3.5 + 3.0 * (p->influence < 0 ? 0 : p->influence > 1 ? 1 : p->influence);
        buf_printf(b,
                   "<g class=\"sh\"><circle class=\"stk %s%s\" cx=\"%.1f\" cy=\"%.1f\" "
                   "r=\"%.1f\"><title>",
                   pages_quadrant_class(p->quadrant), p->weighs ? "" : " light", pages_mini_x(p->x),
                   pages_mini_y(p->y), r);
        buf_printf(b, "%zu. ", k + 1);
        buf_html(b, ex->respondents[p->respondent].label);
        buf_printf(b,
                   ": intellectual %.1f, emotional %.1f (%s), influence %.2f</title>"
                   "</circle><text class=\"num\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                   "%zu</text></g>",
                   p->x, p->y, cvom_quadrant_title(p->quadrant), p->influence,
                   pages_mini_x(p->x) + r + 4, pages_mini_y(p->y) - r, k + 1);
    }
    if (placed)
        buf_printf(b,
                   "<rect class=\"acct\" x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" "
                   "transform=\"rotate(45 %.1f %.1f)\"><title>The account: intellectual %.1f, "
                   "emotional %.1f (%s)</title></rect>",
                   pages_mini_x(now->value[0]) - 5, pages_mini_y(now->value[1]) - 5,
                   pages_mini_x(now->value[0]), pages_mini_y(now->value[1]), now->value[0],
                   now->value[1], cvom_quadrant_title(now->quadrant));
    buf_puts(b, "</svg><div>");
    spread_summary(b, sp);
    buf_puts(b, "<div class=\"table-wrap\"><table class=\"data compact\"><caption class=\"sr\">"
                "Customer stakeholders at their own scores</caption><thead><tr><th "
                "scope=\"col\" class=\"num\">#</th><th scope=\"col\">Stakeholder</th><th "
                "scope=\"col\" class=\"num\">Influence</th><th scope=\"col\" class=\"num\">"
                "Intellectual</th><th scope=\"col\" class=\"num\">Emotional</th><th "
                "scope=\"col\">Quadrant</th><th scope=\"col\" class=\"num\">Distance</th>"
                "</tr></thead><tbody>");
    for (size_t k = 0; k < sp->n; k++) {
        const struct cvom_spread_point *p = &sp->points[k];
        buf_printf(b, "<tr><td class=\"num\">%zu</td><th scope=\"row\">", k + 1);
        buf_html(b, ex->respondents[p->respondent].label);
        if (!p->weighs)
            buf_printf(b, " <small>(below %g: not in the split)</small>", CVOM_SPLIT_MIN_INFLUENCE);
        buf_puts(b, "</th><td class=\"num\">");
        buf_num(b, p->influence, 2);
        buf_puts(b, "</td><td class=\"num\">");
        buf_num(b, p->x, 1);
        buf_puts(b, "</td><td class=\"num\">");
        buf_num(b, p->y, 1);
        buf_printf(b, "</td><td><span class=\"badge %s\">%s</span></td><td class=\"num\">",
                   pages_quadrant_class(p->quadrant), cvom_quadrant_title(p->quadrant));
        buf_num(b, p->distance, 1);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div></div></div></section>");
}

/* ---- explanation ------------------------------------------------------------------------- */

static void respondents_table(struct buf *b, const struct cvom_explanation *ex)
{
    buf_puts(b, "<h3>Respondents</h3><p class=\"hint\">Each respondent's score on an axis, its "
                "share of the weight (by influence), and the points it adds. The points add up "
                "to the account score.</p><div class=\"table-wrap\"><table class=\"data\">"
                "<thead><tr><th scope=\"col\">Respondent</th><th scope=\"col\" class=\"num\">"
                "Influence</th><th scope=\"col\" class=\"num\">Intellectual</th><th "
                "scope=\"col\" class=\"num\">Emotional</th></tr></thead><tbody>");
    double sum[CVOM_DIM_COUNT] = {0};
    for (size_t i = 0; i < ex->n_respondents; i++) {
        const struct cvom_explain_respondent *p = &ex->respondents[i];
        buf_puts(b, "<tr><th scope=\"row\">");
        buf_html(b, p->label);
        if (p->kind == CVOM_RESP_SELF)
            buf_puts(b, " <span class=\"badge q-none\">our view</span>");
        buf_puts(b, "</th><td class=\"num\">");
        buf_num(b, p->influence, 2);
        buf_puts(b, "</td>");
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            buf_puts(b, "<td class=\"num\">");
            if (p->counted[d])
                buf_printf(b, "%.1f \xC3\x97 %.1f %% = <strong>%.2f</strong>", p->score[d],
                           100 * p->share[d], p->contribution[d]);
            else if (!isnan(p->score[d]))
                buf_printf(b, "%.1f <small>(not counted)</small>", p->score[d]);
            else
                buf_puts(b, "<small>too few answers</small>");
            buf_puts(b, "</td>");
            sum[d] += p->contribution[d];
        }
        buf_puts(b, "</tr>");
    }
    buf_printf(b, "</tbody><tfoot><tr><th scope=\"row\" colspan=\"2\">%s</th>",
               ex->blend.n ? "The survey's part" : "Account score");
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        buf_puts(b, "<td class=\"num\"><strong>");
        if (!isnan(ex->score.value[d]))
            buf_num(b, sum[d], 2);
        buf_puts(b, "</strong></td>");
    }
    buf_puts(b, "</tr></tfoot></table></div>");
}

static void items_table(struct buf *b, const struct cvom_explanation *ex,
                        const struct cvom_instrument *ins, const struct cvom_health *h)
{
    buf_puts(b, "<details class=\"items\" open><summary><h3>Items</h3></summary><p "
                "class=\"hint\">Points each item adds to the account score, and in brackets the "
                "change per scale point of agreement from every counted respondent. "
                "Partnership items feed the pillars instead.</p>"
                "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">"
                "Item</th><th scope=\"col\">Measures</th><th scope=\"col\" class=\"num\">"
                "Intellectual</th><th scope=\"col\" class=\"num\">Emotional</th></tr></thead>"
                "<tbody>");
    for (size_t j = 0; j < ex->n_items && j < ins->n_items; j++) {
        const struct cvom_explain_item *it = &ex->items[j];
        if (!it->answered)
            continue;
        buf_puts(b, "<tr><th scope=\"row\"><span class=\"code\">");
        buf_html(b, ins->items[j].code);
        buf_puts(b, "</span></th><td>");
        buf_html(b, ins->items[j].construct);
        buf_puts(b, "<br><small>");
        buf_html(b, ins->items[j].statement);
        buf_puts(b, "</small></td>");
        int pillar = cvom_axis_pillar(ins->items[j].axis);
        if (pillar >= 0) {
            /* A partnership item moves neither axis: say what it feeds instead. */
            buf_printf(b,
                       "<td colspan=\"2\" class=\"pillar-item\"><span class=\"badge "
                       "pillar\">%s</span> partnership, on neither value axis",
                       cvom_pillar_title((enum cvom_pillar)pillar));
            if (h && j < h->n_items && !isnan(h->items[j].contribution)) {
                buf_puts(b, "<br><small>adds ");
                buf_num(b, h->items[j].contribution, 2);
                buf_printf(b, " points to %s (mean answer ",
                           cvom_pillar_name((enum cvom_pillar)pillar));
                buf_num(b, h->items[j].mean, 1);
                buf_puts(b, ")</small>");
            }
            buf_puts(b, "</td></tr>");
            continue;
        }
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            buf_puts(b, "<td class=\"num\">");
            if (cvom_item_on_dim(&ins->items[j], (enum cvom_dim)d) && !isnan(ex->score.value[d]))
                buf_printf(b, "%.2f <small>(%+.2f)</small>", it->contribution[d],
                           it->sensitivity[d]);
            else if (!cvom_item_on_dim(&ins->items[j], (enum cvom_dim)d))
                buf_puts(b, "<span class=\"na\" title=\"not on this axis\">\xE2\x80\x94</span>"
                            "<span class=\"sr\">not on this axis</span>");
            else
                buf_puts(b, "<span class=\"na\" title=\"the axis has no score\">\xE2\x80\x94"
                            "</span><span class=\"sr\">the axis has no score</span>");
            buf_puts(b, "</td>");
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table></div></details>");
}

static void axis_moves(struct buf *b, const struct cvom_explanation *ex,
                       const struct cvom_instrument *ins, const struct cvom_config *cfg, int d,
                       int nearest)
{
    static const char *const title[CVOM_DIM_COUNT] = {"Intellectual", "Emotional"};
    struct cvom_move m;
    if (cvom_explain_move(ex, (enum cvom_dim)d, &m))
        return;
    buf_printf(b, "<li><p><strong>%s %.1f</strong> is %.1f points %s the threshold %g.%s</p>",
               title[d], ex->score.value[d], m.distance, m.rise ? "below" : "above",
               cfg->threshold[d], d == nearest ? " <span class=\"badge flag\">nearest</span>" : "");
    if (!m.needed) {
        buf_printf(b,
                   "<p>Even %s answers on every item would move it only %.1f points: it "
                   "takes %s.</p></li>",
                   m.rise ? "the best" : "the worst", m.total,
                   m.rise ? "new evidence (more respondents, other stakeholders) to cross"
                          : "a change in many answers at once");
        return;
    }
    buf_printf(b, "<p>It would cross if every respondent %s %s:</p><ul class=\"levers\">",
               m.rise ? "rated best" : "rated worst",
               m.needed == 1   ? "this item"
               : m.needed <= 3 ? "these items"
                               : "the items below");
    for (size_t i = 0; i < m.needed && i < 6; i++) {
        const struct cvom_item *it = &ins->items[m.levers[i].item];
        buf_puts(b, "<li><span class=\"code\">");
        buf_html(b, it->code);
        buf_printf(b, "</span> <strong>%s%.1f</strong> ", m.rise ? "+" : "\xE2\x88\x92",
                   m.levers[i].reach);
        buf_html(b, it->construct[0] ? it->construct : it->statement);
        if (it->reverse)
            buf_puts(b, m.rise ? " (by disagreeing)" : " (by agreeing)");
        buf_puts(b, "</li>");
    }
    if (m.needed > 6)
        buf_printf(b, "<li>\xE2\x80\xA6 and %zu more items</li>", m.needed - 6);
    buf_puts(b, "</ul></li>");
}

static void moves(struct buf *b, const struct view *v)
{
    const struct cvom_explanation *ex = &v->ex;
    buf_puts(b, "<h3>What would move it</h3>");
    int nearest = cvom_explain_nearest(ex);
    if (nearest < 0) {
        buf_puts(b, "<p>Nothing yet: the account needs more answers before it is a point.</p>");
        return;
    }
    buf_puts(b, "<ul class=\"moves\">");
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        axis_moves(b, ex, &v->ins, &v->cfg, d, nearest);
    buf_puts(b, "</ul><p class=\"hint\">Figures are points of the axis score.</p>");
}

static void explanation(struct buf *b, const struct view *v)
{
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"why-h\"><h2 id=\"why-h\">Why it "
                "sits here</h2>");
    if (!v->ex.n_respondents) {
        buf_puts(b, "<p>No complete assessment yet.</p></section>");
        return;
    }
    moves(b, v);
    respondents_table(b, &v->ex);
    pages_signals_table(b, &v->ex, &v->sig);
    /* Items add points only to an axis with a score; without one the table says nothing. */
    if (!isnan(v->ex.score.value[0]) || !isnan(v->ex.score.value[1]))
        items_table(b, &v->ex, &v->ins, v->health_done ? &v->h : NULL);
    buf_puts(b, "</section>");
}

/* ---- people and history ------------------------------------------------------------------ */

static int32_t last_answer(const struct view *v, int64_t stakeholder_id)
{
    const struct cvom_assessment *a = v->assessments.v;
    int32_t last = 0;
    for (size_t i = 0; i < v->assessments.n; i++)
        if (a[i].stakeholder_id == stakeholder_id && a[i].status == CVOM_ASSESS_COMPLETE &&
            a[i].date > last)
            last = a[i].date;
    return last;
}

/* whom s reports to, by name; "" for nobody. */
static const char *boss_of(const struct view *v, const struct cvom_stakeholder *s)
{
    const struct cvom_stakeholder *p = stakeholder_by_id(v, s->reports_to);
    return p ? p->name : "";
}

static void stakeholder_row(struct web_req *r, const struct view *v,
                            const struct cvom_stakeholder *s)
{
    struct buf *b = &r->out;
    buf_printf(b, "<tr id=\"sh-%lld\"><th scope=\"row\">", (long long)s->id);
    buf_html(b, s->name);
    buf_puts(b, "</th><td>");
    buf_html(b, s->role);
    buf_puts(b, "</td><td class=\"num\">");
    buf_num(b, s->influence, 2);
    buf_printf(b, "</td><td><span class=\"stance %s\">%s</span></td><td>",
               cvom__stance_name(s->stance), cvom__stance_name(s->stance));
    buf_html(b, boss_of(v, s));
    buf_puts(b, "</td><td class=\"num\">");
    pages_date(b, s->last_contact);
    if (s->channel)
        buf_printf(b, " (%s)", cvom__channel_name(s->channel));
    buf_puts(b, "</td><td>");
    buf_html(b, s->counterpart);
    buf_puts(b, "</td><td class=\"num\">");
    pages_date(b, last_answer(v, s->id));
    buf_puts(b, "</td></tr>");
    if (!v->edit && !s->notes[0])
        return;
    buf_puts(b, "<tr class=\"sub-row\"><td colspan=\"8\">");
    if (s->notes[0]) {
        buf_puts(b, "<p class=\"notes\">");
        buf_html(b, s->notes);
        buf_puts(b, "</p>");
    }
    if (v->edit) {
        char action[96];
        buf_puts(b, "<details class=\"edit-stakeholder\"><summary>Edit ");
        buf_html(b, s->name);
        buf_puts(b, "</summary>");
        snprintf(action, sizeof action, "/accounts/%lld/stakeholders/%lld", (long long)v->a.id,
                 (long long)s->id);
        pages_stakeholder_form(r, s, v->stakeholders.v, v->stakeholders.n, action);
        buf_printf(b, "<form class=\"row-form\" method=\"post\" action=\"%s/remove\">", action);
        page_csrf(r);
        buf_puts(b, "<button type=\"submit\" class=\"danger\">Remove ");
        buf_html(b, s->name);
        buf_puts(b, "</button></form></details>");
    }
    buf_puts(b, "</td></tr>");
}

static void stakeholders(struct web_req *r, const struct view *v)
{
    struct buf *b = &r->out;
    const struct cvom_stakeholder *s = v->stakeholders.v;
    buf_puts(b, "<section class=\"block\" id=\"people\" aria-labelledby=\"sh-h\"><h2 "
                "id=\"sh-h\">Stakeholders</h2>");
    if (!v->stakeholders.n)
        buf_puts(b, "<p>No stakeholders recorded. Add them here, with an import or with "
                    "<code>cvom stakeholder add</code>.</p>");
    else
        buf_puts(b, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th "
                    "scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\" "
                    "class=\"num\">Influence</th><th scope=\"col\">Stance</th><th "
                    "scope=\"col\">Reports to</th><th scope=\"col\" class=\"num\">Last "
                    "contact</th><th scope=\"col\">Counterpart</th><th scope=\"col\" "
                    "class=\"num\">Last answered</th></tr></thead><tbody>");
    for (size_t i = 0; i < v->stakeholders.n; i++)
        stakeholder_row(r, v, &s[i]);
    if (v->stakeholders.n)
        buf_puts(b, "</tbody></table></div>");
    if (v->edit) {
        struct cvom_stakeholder blank;
        char action[64];
        memset(&blank, 0, sizeof blank);
        blank.influence = 0.5;
        snprintf(action, sizeof action, "/accounts/%lld/stakeholders", (long long)v->a.id);
        buf_puts(b, "<details class=\"add-stakeholder\"><summary>Add a stakeholder</summary>");
        pages_stakeholder_form(r, &blank, v->stakeholders.v, v->stakeholders.n, action);
        buf_puts(b, "</details>");
    }
    buf_puts(b, "</section>");
}

/* The account's facts as a form, for those who may change them. */
static void account_edit(struct web_req *r, const struct view *v)
{
    struct cvom_account parent;
    char ref[CVOM_FIELD_MAX] = "", action[64];
    if (v->a.parent_id &&
        r->store->ops->account_get(r->store, v->a.parent_id, &parent, NULL) == CVOM_OK)
        snprintf(ref, sizeof ref, "%lld", (long long)parent.id);
    snprintf(action, sizeof action, "/accounts/%lld/edit", (long long)v->a.id);
    buf_puts(&r->out, "<details class=\"edit-account\" id=\"edit\"><summary>Edit the account"
                      "</summary>");
    pages_account_form(r, &v->a, ref, action);
    buf_printf(&r->out,
               "<form class=\"row-form\" method=\"post\" action=\"/accounts/%lld/remove\">",
               (long long)v->a.id);
    page_csrf(r);
    buf_puts(&r->out, "<p class=\"hint\">Removing the account removes its stakeholders, "
                      "assessments, snapshots and plan with it.</p><button type=\"submit\" "
                      "class=\"danger\">Remove the account</button></form></details>");
}

static void assessments(struct buf *b, const struct view *v)
{
    const struct cvom_assessment *a = v->assessments.v;
    buf_printf(b,
               "<section class=\"block\" aria-labelledby=\"as-h\"><h2 id=\"as-h\">"
               "Assessments (%zu)</h2>",
               v->assessments.n);
    if (!v->assessments.n) {
        buf_puts(b, "<p>None yet.</p></section>");
        return;
    }
    buf_puts(b, "<div class=\"table-wrap\"><table class=\"data compact\"><thead><tr><th "
                "scope=\"col\">Date</th><th scope=\"col\">Respondent</th><th scope=\"col\">"
                "View</th><th scope=\"col\">Status</th></tr></thead><tbody>");
    for (size_t i = v->assessments.n; i-- > 0;) {
        const struct cvom_stakeholder *s = stakeholder_by_id(v, a[i].stakeholder_id);
        buf_puts(b, "<tr><th scope=\"row\">");
        pages_date(b, a[i].date);
        buf_puts(b, "</th><td>");
        buf_html(b, s ? s->name : a[i].respondent);
        buf_printf(b, "</td><td>%s</td><td>%s</td></tr>",
                   a[i].kind == CVOM_RESP_SELF ? "Our view" : "Customer",
                   a[i].status == CVOM_ASSESS_COMPLETE ? "Complete" : "Draft");
        const struct cvom_comment *c = v->comments.v;
        for (size_t k = 0; k < v->comments.n; k++)
            if (c[k].assessment_id == a[i].id) {
                buf_printf(b, "<tr class=\"said\"><td colspan=\"4\"><figure><figcaption>"
                              "Comment</figcaption><blockquote>");
                buf_html(b, c[k].text);
                buf_puts(b, "</blockquote></figure></td></tr>");
            }
    }
    buf_puts(b, "</tbody></table></div></section>");
}

static void date_of(struct buf *b, int64_t seconds)
{
    pages_date(b, (int32_t)(seconds / 86400));
}

static void surveys(struct web_req *r, const struct view *v)
{
    struct buf *b = &r->out;
    buf_printf(b, "<section class=\"block\" id=\"survey\" aria-labelledby=\"sv-h\"><h2 "
                  "id=\"sv-h\">Survey links</h2><p>A link a stakeholder answers without an "
                  "account. It works once and expires; the answers count as the customer's "
                  "view.</p>");
    if (!v->stakeholders.n) {
        buf_puts(b, "<p class=\"hint\">Add a stakeholder first.</p>");
    } else {
        buf_printf(b, "<form class=\"row-form\" method=\"post\" action=\"/accounts/%lld/survey\">",
                   (long long)v->a.id);
        page_csrf(r);
        buf_puts(b, "<div class=\"field\"><label for=\"sv-who\">Stakeholder</label><select "
                    "id=\"sv-who\" name=\"stakeholder\" required><option value=\"\">Choose"
                    "\xE2\x80\xA6</option>");
        const struct cvom_stakeholder *s = v->stakeholders.v;
        for (size_t i = 0; i < v->stakeholders.n; i++) {
            buf_printf(b, "<option value=\"%lld\">", (long long)s[i].id);
            buf_html(b, s[i].name);
            if (s[i].role[0]) {
                buf_puts(b, " (");
                buf_html(b, s[i].role);
                buf_puts(b, ")");
            }
            buf_puts(b, "</option>");
        }
        buf_puts(b, "</select></div><div class=\"field short\"><label for=\"sv-lang\">Language"
                    "</label><select id=\"sv-lang\" name=\"language\"><option value=\"\">"
                    "The browser\xE2\x80\x99s</option>");
        for (size_t i = 0; i < v->n_langs; i++) {
            struct cvom_lang_file f;
            cvom__lang_init(&f);
            buf_puts(b, "<option value=\"");
            buf_html(b, v->langs[i]);
            buf_puts(b, "\">");
            buf_html(b, cvom__lang_builtin(v->langs[i], &f, NULL) == CVOM_OK && f.name[0]
                            ? f.name
                            : v->langs[i]);
            buf_puts(b, "</option>");
            cvom__lang_cleanup(&f);
        }
        buf_puts(b, "</select></div><div class=\"field short\"><label for=\"sv-days\">Valid for "
                    "(days)</label><input type=\"number\" id=\"sv-days\" name=\"days\" "
                    "min=\"1\" max=\"60\" value=\"14\" required></div><div class=\"field "
                    "actions\"><button type=\"submit\">Create link</button></div></form>");
    }
    if (v->surveys.n) {
        const struct cvom_survey *sv = v->surveys.v;
        int64_t now = (int64_t)time(NULL);
        buf_puts(b, "<div class=\"table-wrap\"><table class=\"data compact\"><thead><tr><th "
                    "scope=\"col\">Stakeholder</th><th scope=\"col\">Created</th><th "
                    "scope=\"col\">Expires</th><th scope=\"col\">Language</th><th "
                    "scope=\"col\">Status</th><th scope=\"col\">By</th></tr></thead><tbody>");
        for (size_t i = 0; i < v->surveys.n; i++) {
            const struct cvom_stakeholder *s = stakeholder_by_id(v, sv[i].stakeholder_id);
            buf_puts(b, "<tr><th scope=\"row\">");
            buf_html(b, s ? s->name : "(removed)");
            buf_puts(b, "</th><td>");
            date_of(b, sv[i].created);
            buf_puts(b, "</td><td>");
            date_of(b, sv[i].expires);
            buf_puts(b, "</td><td>");
            buf_html(b, sv[i].language[0] ? sv[i].language : "\xE2\x80\x94");
            buf_puts(b, "</td><td>");
            if (sv[i].used) {
                buf_puts(b, "<span class=\"badge q-partnership\">Answered</span> ");
                date_of(b, sv[i].used);
            } else if (sv[i].expires <= now) {
                buf_puts(b, "<span class=\"badge q-none\">Expired</span>");
            } else {
                buf_puts(b, "<span class=\"badge flag\">Open</span>");
            }
            buf_puts(b, "</td><td>");
            buf_html(b, sv[i].created_by);
            buf_puts(b, "</td></tr>");
        }
        buf_puts(b, "</tbody></table></div>");
    }
    buf_puts(b, "</section>");
}

/* The plays the playbook suggests for where the account is and where it came from, and
 * its open actions (added on the command line or through the API). */
static void plays(struct buf *b, const struct view *v)
{
    buf_puts(b, "<section class=\"card\" aria-labelledby=\"plays-h\"><h2 id=\"plays-h\">"
                "Suggested plays</h2>");
    if (!v->plays.n)
        buf_puts(b, "<p>No play suggested.</p>");
    else
        buf_puts(b, "<ul class=\"plays\">");
    for (size_t i = 0; i < v->plays.n; i++) {
        int k = cvom_playbook_find(&v->book, v->plays.keys[i]);
        if (k < 0)
            continue;
        const struct cvom_play *p = &v->book.plays[k];
        buf_puts(b, "<li><strong>");
        buf_html(b, p->title);
        buf_puts(b, "</strong> <span class=\"badge\">");
        buf_html(b, cvom_play_axis_name(p->axis));
        buf_puts(b, "</span> <span class=\"badge\">cost ");
        buf_html(b, cvom_cost_level_name(p->cost));
        buf_puts(b, "</span><p>");
        buf_html(b, p->text);
        buf_puts(b, "</p></li>");
    }
    if (v->plays.n)
        buf_puts(b, "</ul>");
    /* The account's actions, open and done, are kept in the action plan below. */
    buf_printf(b,
               "<p class=\"hint\">%zu open action%s in the <a href=\"#plan\">action plan"
               "</a>.</p></section>",
               v->actions.n, v->actions.n == 1 ? "" : "s");
}

/* The notes form with text in it; it carries the version of the account it was made from,
 * so that saving it over someone else's newer change is refused. */
static void notes_form(struct web_req *r, const struct cvom_account *a, const char *text)
{
    struct buf *b = &r->out;
    buf_printf(b, "<form class=\"stack\" method=\"post\" action=\"/accounts/%lld/notes\">",
               (long long)a->id);
    page_csrf(r);
    buf_printf(b,
               "<input type=\"hidden\" name=\"version\" value=\"%lld\">"
               "<label for=\"notes-text\">Notes for the account team</label><textarea "
               "id=\"notes-text\" name=\"notes\" rows=\"6\" maxlength=\"%d\">",
               (long long)a->version, CVOM_NOTES_MAX - 1);
    buf_html(b, text);
    buf_puts(b, "</textarea><div><button type=\"submit\">Save notes</button></div></form>");
}

/* 409: the notes changed since the page was opened. Shows what they say now, and the
 * person's own text in a form made from the new version, to merge and save again. */
static int notes_conflict(struct web_req *r, const struct cvom_account *now, const char *mine)
{
    struct buf *b = &r->out;
    buf_reset(b);
    page_begin(r, "Changed meanwhile", "accounts");
    buf_puts(b, "<div class=\"narrow\"><h1>Someone else changed this account</h1>");
    page_notice(r, "error",
                "Your notes were not saved: the account was changed while you "
                "were editing. Nothing of yours is lost: your text is below.");
    buf_printf(b, "<p><a href=\"/accounts/%lld\">", (long long)now->id);
    buf_html(b, now->name);
    buf_puts(b, "</a> now has these notes:</p><p class=\"notes\">");
    if (now->notes[0])
        buf_html(b, now->notes);
    else
        buf_puts(b, "<span class=\"hint\">none</span>");
    buf_puts(b, "</p><h2>Your text</h2>");
    notes_form(r, now, mine);
    buf_puts(b, "</div>");
    page_end(r);
    r->status = 409;
    return 409;
}

static void notes(struct web_req *r, const struct view *v)
{
    struct buf *b = &r->out;
    buf_puts(b, "<section class=\"block\" id=\"notes\" aria-labelledby=\"no-h\"><h2 "
                "id=\"no-h\">Notes</h2>");
    if (!v->edit) {
        if (v->a.notes[0]) {
            buf_puts(b, "<p class=\"notes\">");
            buf_html(b, v->a.notes);
            buf_puts(b, "</p>");
        } else {
            buf_puts(b, "<p class=\"hint\">No notes.</p>");
        }
        buf_puts(b, "</section>");
        return;
    }
    notes_form(r, &v->a, v->a.notes);
    buf_puts(b, "</section>");
}

/* ---- GET /accounts/{id} ------------------------------------------------------------------ */

int pages_account(struct web_req *r)
{
    struct view *v = malloc(sizeof *v);
    if (!v)
        return web_fail(r, CVOM_ENOMEM, NULL);
    view_init(v);
    int http = pages_load_account(r, &v->a);
    enum cvom_status st = http ? CVOM_OK : view_load(r, v);
    if (http || st) {
        view_cleanup(v);
        free(v);
        return http ? http : web_fail(r, st, &r->err);
    }
    struct buf *b = &r->out;
    page_begin(r, v->label, "accounts");
    head(r, v);
    /* What the change that led here did, as ?saved= names it. */
    static const struct {
        const char *key, *text;
    } said[] = {
        {"notes", "Notes saved."},
        {"network", "Added to the network ledger: the score below includes it."},
        {"assessment", "Assessment saved: the score below includes it."},
        {"account-created", "Account created. Add its stakeholders below."},
        {"account", "Account saved."},
        {"stakeholder-added", "Stakeholder added."},
        {"stakeholder", "Stakeholder saved."},
        {"stakeholder-removed", "Stakeholder removed."},
    };
    const char *saved = web_query(r, "saved");
    for (size_t i = 0; saved && i < sizeof said / sizeof *said; i++)
        if (strcmp(saved, said[i].key) == 0)
            page_notice(r, "ok", said[i].text);
    if (v->edit)
        account_edit(r, v);
    score_cards(b, v);
    health_card(b, v);
    trajectory(b, v);
    pages_account_group(r, &v->cfg, &v->a, v->today);
    pages_account_map(r, &v->map);
    stakeholders(r, v);
    spread_section(b, v);
    explanation(b, v);
    if (pages_network_section(r, v->a.id, v->edit))
        buf_puts(b, "<p class=\"hint\">The network ledger could not be read.</p></section>");
    plays(b, v);
    pages_account_plan(r, &v->a, v->edit);
    pages_account_offerings(r, &v->a, v->edit);
    assessments(b, v);
    if (v->edit)
        surveys(r, v);
    notes(r, v);
    page_end(r);
    view_cleanup(v);
    free(v);
    return 200;
}

/* ---- POST /accounts/{id}/notes ----------------------------------------------------------- */

int pages_notes_post(struct web_req *r)
{
    struct cvom_account a;
    int http = pages_load_account(r, &a);
    if (http)
        return http;
    if (!pages_can_edit(r, &a))
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Your role does not allow changing this account.");
    const char *text = web_field(r, "notes");
    if (!text)
        return web_refuse(r, WEB_INVALID, "notes", "The form did not carry any notes.");
    /* Browsers send line breaks in a textarea as CRLF; keep LF like the rest of the data. */
    char clean[CVOM_NOTES_MAX + 1];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\r')
            continue;
        if (n == sizeof clean - 1)
            return web_refuse(r, WEB_TOO_LARGE, "notes", "The notes are longer than 4,095 bytes.");
        clean[n++] = *p;
    }
    clean[n] = '\0';
    /* The version the form was made from; without one (an older page), the one read now. */
    int64_t seen = 0;
    if ((http = pages_form_version(r, &seen)))
        return http;
    char parent_ref[CVOM_FIELD_MAX];
    enum cvom_status st = r->store->ops->begin(r->store, &r->err);
    if (!st)
        st = r->store->ops->account_get(r->store, a.id, &a, &r->err);
    if (!st && seen)
        a.version = seen;
    if (!st)
        st = cvom__account_set(&a, "notes", clean, parent_ref, &r->err);
    if (!st)
        st = r->store->ops->account_update(r->store, &a, &r->err);
    if (!st)
        st = r->store->ops->commit(r->store, &r->err);
    if (st) {
        r->store->ops->rollback(r->store);
        struct cvom_account now;
        if (st == CVOM_ECONFLICT &&
            r->store->ops->account_get(r->store, a.id, &now, NULL) == CVOM_OK)
            return notes_conflict(r, &now, clean);
        return web_fail(r, st, &r->err);
    }
    char to[64];
    snprintf(to, sizeof to, "/accounts/%lld?saved=notes#notes", (long long)a.id);
    return web_redirect(r, to);
}
