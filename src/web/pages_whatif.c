/* pages_whatif.c — GET /accounts/{id}/whatif: tick open actions of the account's plan and
 * see where they would take it if they worked — the projected scores, quadrant, state and
 * cost, and the current and projected point on a small matrix. A GET form: nothing changes.
 * The numbers are `cvom whatif ACCOUNT --action ID…`'s, from service/whatif.c. */
#include "web/pages_util.h"

#include "io/util.h"
#include "service/whatif.h"
#include "web/page.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PICKS_MAX 500 /* actions ticked at once */

struct whatif_view {
    struct cvom_account a;
    struct cvom_config cfg;
    struct cvom_action_set open;   /* the plan's open actions, to tick */
    struct cvom_action_set picked; /* the ticked ones */
    struct cvom_score now;
    struct cvom_whatif w;
    char problem[sizeof((struct cvom_error *)0)->message + 64];
};

/* The ticked ?action=ID values, each checked as the command line checks --action. */
static int read_picks(struct web_req *r, struct whatif_view *v)
{
    const struct form *q = web_query_form(r);
    size_t n = 0;
    for (size_t i = 0; q && i < q->n && !v->problem[0]; i++) {
        if (strcmp(q->f[i].name, "action") != 0)
            continue;
        long id;
        if (++n > PICKS_MAX) {
            snprintf(v->problem, sizeof v->problem, "Tick at most %d actions at once.", PICKS_MAX);
            break;
        }
        if (cvom__parse_long(q->f[i].value, 1, LONG_MAX, &id)) {
            snprintf(v->problem, sizeof v->problem, "There is no action %.40s in this plan.",
                     q->f[i].value);
            break;
        }
        enum cvom_status st = cvom__whatif_pick(r->store, v->a.id, id, &v->picked, &r->err);
        if (st == CVOM_ENOTFOUND ||
            (st == CVOM_EINVAL && strstr(r->err.message, "another account")))
            snprintf(v->problem, sizeof v->problem, "There is no action %ld in this plan.", id);
        else if (st == CVOM_EINVAL || st == CVOM_ELIMIT)
            snprintf(v->problem, sizeof v->problem, "%s.", r->err.message);
        else if (st)
            return web_fail(r, st, &r->err);
    }
    return 0;
}

/* ---- the small matrix -------------------------------------------------------------------------
 */

static int placed(enum cvom_state s, const double *v)
{
    return s != CVOM_STATE_INSUFFICIENT && !isnan(v[0]) && !isnan(v[1]);
}

static void picture(struct buf *b, const struct whatif_view *v, int with_plan)
{
    const struct cvom_whatif *w = &v->w;
    buf_puts(b, "<svg class=\"mini whatif\" id=\"wi-svg\" viewBox=\"0 0 220 220\" role=\"img\" "
                "aria-labelledby=\"wi-svg-t\"><title id=\"wi-svg-t\">The account's point now "
                "and, estimated, where the ticked actions would take it; the table lists the "
                "same values</title>");
    pages_mini_frame(b, v->cfg.threshold[0], v->cfg.threshold[1]);
    int now = placed(w->state_before, w->before), then = placed(w->state_after, w->after);
    if (now && then && with_plan)
        buf_printf(b, "<line class=\"shift\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                   pages_mini_x(w->before[0]), pages_mini_y(w->before[1]),
                   pages_mini_x(w->after[0]), pages_mini_y(w->after[1]));
    if (now)
        buf_printf(b,
                   "<circle class=\"now %s\" id=\"wi-now\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\">"
                   "<title>Now: intellectual %.2f, emotional %.2f</title></circle>"
                   "<text class=\"nowlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">now"
                   "</text>",
                   pages_quadrant_class(w->quadrant_before), pages_mini_x(w->before[0]),
                   pages_mini_y(w->before[1]), w->before[0], w->before[1],
                   pages_mini_x(w->before[0]), pages_mini_y(w->before[1]) - 11);
    if (then && with_plan)
        buf_printf(b,
                   "<circle class=\"proj %s\" id=\"wi-proj\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\" "
                   "data-intellectual=\"%.2f\" data-emotional=\"%.2f\"><title>Estimate: "
                   "intellectual %.2f, emotional %.2f</title></circle><text "
                   "class=\"nowlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                   "estimate</text>",
                   pages_quadrant_class(w->quadrant_after), pages_mini_x(w->after[0]),
                   pages_mini_y(w->after[1]), w->after[0], w->after[1], w->after[0], w->after[1],
                   pages_mini_x(w->after[0]), pages_mini_y(w->after[1]) + 19);
    buf_puts(b, "</svg>");
}

/* ---- the page -----------------------------------------------------------------------------------
 */

static int is_picked(const struct whatif_view *v, int64_t id)
{
    for (size_t i = 0; i < v->picked.n; i++)
        if (v->picked.v[i].id == id)
            return 1;
    return 0;
}

static void pick_form(struct web_req *r, const struct whatif_view *v)
{
    struct buf *b = &r->out;
    buf_printf(b,
               "<form class=\"block\" method=\"get\" action=\"/accounts/%lld/whatif\"><h2>"
               "Planned actions</h2>",
               (long long)v->a.id);
    if (!v->open.n) {
        buf_printf(b,
                   "<p class=\"hint\">This account has no open actions. <a "
                   "href=\"/accounts/%lld#plan\">Add one to its plan</a>.</p></form>",
                   (long long)v->a.id);
        return;
    }
    buf_puts(b, "<fieldset class=\"picks\"><legend>Tick the actions to plan</legend>");
    for (size_t i = 0; i < v->open.n; i++) {
        const struct cvom_action *a = &v->open.v[i];
        long long id = (long long)a->id;
        buf_printf(b,
                   "<div><input type=\"checkbox\" name=\"action\" value=\"%lld\" "
                   "id=\"pick-%lld\"%s><label for=\"pick-%lld\"> ",
                   id, id, is_picked(v, a->id) ? " checked" : "", id);
        buf_html(b, a->title);
        if (a->axis >= 0 && a->axis < CVOM_DIM_COUNT)
            buf_printf(b, " <small>(%s %+.1f", cvom_dim_name((enum cvom_dim)a->axis), a->effect);
        else
            buf_puts(b, " <small>(no axis");
        if (!isnan(a->cost)) {
            buf_puts(b, ", cost ");
            buf_num(b, a->cost, 2);
        }
        buf_puts(b, ")</small></label></div>");
    }
    buf_puts(b, "</fieldset><div class=\"actions\"><button type=\"submit\">Project</button>"
                "</div></form>");
}

static void cell(struct buf *b, const char *id, double v, int sign)
{
    buf_printf(b, "<td class=\"num\" id=\"%s\">", id);
    if (isnan(v))
        buf_puts(b, "\xE2\x80\x94");
    else if (sign)
        buf_printf(b, "%+.2f", v);
    else
        buf_num(b, v, 2);
    buf_puts(b, "</td>");
}

static const char *position(enum cvom_state s, enum cvom_quadrant q)
{
    return s == CVOM_STATE_INSUFFICIENT ? "Not placed" : cvom_quadrant_title(q);
}

static void result(struct web_req *r, const struct whatif_view *v)
{
    struct buf *b = &r->out;
    const struct cvom_whatif *w = &v->w;
    static const char *const ids[CVOM_DIM_COUNT][3] = {{"wi-i-now", "wi-i-effect", "wi-i-proj"},
                                                       {"wi-e-now", "wi-e-effect", "wi-e-proj"}};
    int with_plan = v->picked.n > 0;
    buf_puts(b, "<section class=\"block estimate\" aria-labelledby=\"wi-h\"><h2 id=\"wi-h\">"
                "Projection <span class=\"badge flag\">Estimate</span></h2>");
    if (with_plan)
        buf_printf(b,
                   "<p>If the %zu ticked action%s worked as expected. A plan's estimate, not "
                   "evidence: nothing is stored and the score does not change.</p>",
                   v->picked.n, v->picked.n == 1 ? "" : "s");
    else
        buf_puts(b, "<p class=\"hint\">Tick actions above and press Project to see where they "
                    "would take the account.</p>");
    buf_puts(b, "<div class=\"traj\">");
    picture(b, v, with_plan);
    buf_puts(b, "<table class=\"data compact\" id=\"wi-table\"><thead><tr><td></td><th "
                "scope=\"col\" class=\"num\">Now</th><th scope=\"col\" class=\"num\">Planned"
                "</th><th scope=\"col\" class=\"num\">Projected</th></tr></thead><tbody>");
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        buf_printf(b, "<tr><th scope=\"row\">%s%s</th>", d ? "Emotional" : "Intellectual",
                   w->capped[d] ? " <small>(held within 0\xE2\x80\x93"
                                  "100)</small>"
                                : "");
        cell(b, ids[d][0], w->before[d], 0);
        cell(b, ids[d][1], w->effect[d], 1);
        cell(b, ids[d][2], w->after[d], 0);
        buf_puts(b, "</tr>");
    }
    buf_printf(b,
               "<tr><th scope=\"row\">Quadrant</th><td id=\"wi-q-now\">%s</td><td></td><td "
               "id=\"wi-q-proj\" data-quadrant=\"%s\">%s</td></tr>",
               position(w->state_before, w->quadrant_before),
               w->state_after == CVOM_STATE_INSUFFICIENT ? ""
                                                         : cvom_quadrant_name(w->quadrant_after),
               position(w->state_after, w->quadrant_after));
    buf_printf(b,
               "<tr><th scope=\"row\">State</th><td>%s</td><td></td><td id=\"wi-state\">%s"
               "</td></tr>",
               cvom_state_name(w->state_before), cvom_state_name(w->state_after));
    buf_puts(b, "<tr><th scope=\"row\">Cost</th><td></td><td></td>");
    cell(b, "wi-cost", w->cost, 0);
    buf_puts(b, "</tr></tbody></table></div>");
    if (w->state_before == CVOM_STATE_INSUFFICIENT)
        buf_puts(b, "<p class=\"hint\">The account has too little evidence to be placed; a plan "
                    "does not change that.</p>");
    buf_puts(b, "</section>");
}

static void view_free(struct whatif_view *v)
{
    free(v->open.v);
    free(v->picked.v);
    free(v);
}

int pages_whatif(struct web_req *r)
{
    struct whatif_view *v = calloc(1, sizeof *v);
    if (!v)
        return web_fail(r, CVOM_ENOMEM, NULL);
    int http = pages_load_account(r, &v->a);
    enum cvom_status st = CVOM_OK;
    if (!http && (st = cvom__config_load(r->store, &v->cfg, &r->err)) == CVOM_OK &&
        (st = cvom__whatif_open(r->store, v->a.id, &v->open, &r->err)) == CVOM_OK)
        http = read_picks(r, v);
    if (!http && !st) {
        /* With a bad pick the page shows the account as it is, and says why. */
        size_t n = v->problem[0] ? 0 : v->picked.n;
        st = cvom__whatif_account(r->store, &v->cfg, v->a.id, pages_today(), v->picked.v, n,
                                  &v->now, &v->w, &r->err);
        if (n == 0)
            v->picked.n = 0;
    }
    if (http || st) {
        view_free(v);
        return http ? http : web_fail(r, st, &r->err);
    }
    struct buf *b = &r->out;
    page_begin(r, "What if", "accounts");
    buf_printf(b,
               "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/accounts\">"
               "Accounts</a> <span aria-hidden=\"true\">\xE2\x80\xBA</span> <a "
               "href=\"/accounts/%lld\">",
               (long long)v->a.id);
    buf_html(b, v->a.name);
    buf_puts(b, "</a> <span aria-hidden=\"true\">\xE2\x80\xBA</span> <span aria-current=\"page\">"
                "What if</span></nav><div class=\"page-head\"><h1>What if: ");
    buf_html(b, v->a.name);
    buf_puts(b, "</h1><p class=\"hint\">Each action's expected effect added to today's scores "
                "(held within 0\xE2\x80\x93"
                "100), judged against the thresholds as the scoring "
                "judges a point.</p></div>");
    if (v->problem[0])
        page_notice(r, "error", v->problem);
    pick_form(r, v);
    result(r, v);
    page_end(r);
    http = v->problem[0] ? 422 : 200;
    view_free(v);
    return http;
}
