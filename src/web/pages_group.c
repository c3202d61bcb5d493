/* pages_group.c — the account page's group section, for an account with accounts below it:
 * the group's point on a small matrix among its members, the weights, the revenue, the split,
 * and every member with a link to its page (those not placed listed as such). The roll-up is
 * the core's (cvom_group_rollup); a manager sees the members they own by name and the count
 * of the others. */
#include "web/pages_util.h"

#include "service/groups.h"
#include "web/page.h"

#include <math.h>
#include <string.h>

static void group_svg(struct buf *b, const struct cvom_group_view *v, const double *t)
{
    const struct cvom_score *g = &v->g.score;
    buf_puts(b, "<svg class=\"mini group\" viewBox=\"0 0 220 220\" role=\"img\" "
                "aria-labelledby=\"gr-t\"><title id=\"gr-t\">The group's point and each placed "
                "member at its own scores, numbered as in the table, which lists the same "
                "values</title>");
    pages_mini_frame(b, t[0], t[1]);
    for (size_t k = 0; k < v->n; k++) {
        const struct cvom_group_entry *e = &v->m[k];
        if (!e->placed)
            continue;
        const struct cvom_score *s = &e->s.score;
        double r = 3.5 + 4.0 * e->share;
        if (v->g.placed)
            buf_printf(b, "<line class=\"spoke\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                       pages_mini_x(g->value[0]), pages_mini_y(g->value[1]),
                       pages_mini_x(s->value[0]), pages_mini_y(s->value[1]));
        buf_printf(b,
                   "<g class=\"member\"><circle class=\"stk %s\" cx=\"%.1f\" cy=\"%.1f\" "
                   "r=\"%.1f\"><title>%zu. ",
                   pages_quadrant_class(s->quadrant), pages_mini_x(s->value[0]),
                   pages_mini_y(s->value[1]), r, k + 1);
        buf_html(b, e->s.account.name);
        buf_printf(b,
                   ": intellectual %.1f, emotional %.1f (%s), share %.0f %%</title></circle>"
                   "<text class=\"num\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>"
                   "</g>",
                   s->value[0], s->value[1], cvom_quadrant_title(s->quadrant), 100 * e->share,
                   pages_mini_x(s->value[0]) + r + 4, pages_mini_y(s->value[1]) - r, k + 1);
    }
    if (v->g.placed)
        buf_printf(b,
                   "<rect class=\"acct\" x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" "
                   "transform=\"rotate(45 %.1f %.1f)\"><title>The group: intellectual %.1f, "
                   "emotional %.1f (%s)</title></rect>",
                   pages_mini_x(g->value[0]) - 5, pages_mini_y(g->value[1]) - 5,
                   pages_mini_x(g->value[0]), pages_mini_y(g->value[1]), g->value[0], g->value[1],
                   cvom_quadrant_title(g->quadrant));
    buf_puts(b, "</svg>");
}

static void group_summary(struct buf *b, const struct cvom_group_view *v, const char *currency)
{
    const struct cvom_group *g = &v->g;
    char quads[96];
    buf_printf(b,
               "<p class=\"group-sum\">This account and the %zu below it: %zu placed. Group "
               "revenue <strong>",
               g->members - 1, g->placed);
    pages_money(b, g->revenue, currency);
    buf_puts(b, "</strong>");
    if (g->no_revenue)
        buf_printf(b, " (%zu without revenue)", g->no_revenue);
    buf_puts(b, ".</p><p>");
    if (!g->placed) {
        buf_puts(b, "No member is placed, so the group has no point yet.</p>");
        return;
    }
    buf_puts(b, "The group's point: intellectual <strong>");
    buf_num(b, g->score.value[0], 1);
    buf_puts(b, "</strong>, emotional <strong>");
    buf_num(b, g->score.value[1], 1);
    buf_puts(b, "</strong>, ");
    pages_badges(b, &g->score, 0);
    buf_puts(b, g->weights == CVOM_GROUP_BY_REVENUE
                    ? " — the placed members weighted by revenue.</p>"
                    : " — the placed members weighted equally, as one of them has no "
                      "revenue.</p>");
    buf_puts(b, "<p class=\"split-line\">");
    if (g->split)
        buf_printf(b,
                   "<span class=\"badge split\">Split</span> The group is split: its members "
                   "sit in %s (spread ",
                   cvom__group_quadrants_text(g->quadrants, quads, sizeof quads));
    else
        buf_printf(b, "Not split: every placed member sits in %s",
                   cvom__group_quadrants_text(g->quadrants, quads, sizeof quads));
    if (g->split) {
        buf_num(b, g->spread, 1);
        buf_puts(b, " points)");
    }
    buf_puts(b, ".</p>");
}

static void member_row(struct buf *b, const struct cvom_group_entry *e, size_t k)
{
    const struct cvom_account_line *a = &e->s.account;
    buf_printf(b, "<tr><td class=\"num\">%zu</td><th scope=\"row\">", k + 1);
    /* Indented by depth, the stylesheet allowing no inline style. */
    for (int d = 0; d < e->depth && d < 16; d++)
        buf_puts(b, d + 1 == e->depth ? "&emsp;&#8627;&nbsp;" : "&emsp;");
    buf_printf(b, "<a href=\"/accounts/%lld\">", (long long)a->id);
    buf_html(b, a->name);
    buf_puts(b, "</a></th><td>");
    if (e->placed)
        buf_printf(b, "<span class=\"badge %s\">%s</span>",
                   pages_quadrant_class(e->s.score.quadrant),
                   cvom_quadrant_title(e->s.score.quadrant));
    else
        buf_puts(b, e->s.evidence.assessments ? "Not placed (not enough evidence)"
                                              : "Not placed (never assessed)");
    buf_puts(b, "</td><td class=\"num\">");
    buf_num(b, e->placed ? e->s.score.value[0] : NAN, 1);
    buf_puts(b, "</td><td class=\"num\">");
    buf_num(b, e->placed ? e->s.score.value[1] : NAN, 1);
    buf_puts(b, "</td><td class=\"num\">");
    if (e->placed)
        buf_printf(b, "%.0f %%", 100 * e->share);
    buf_puts(b, "</td><td class=\"num\">");
    pages_money(b, a->revenue, a->currency);
    buf_puts(b, "</td></tr>");
}

void pages_account_group(struct web_req *r, const struct cvom_config *cfg,
                         const struct cvom_account *a, int32_t today)
{
    struct buf *b = &r->out;
    struct cvom_group_view v = {0};
    enum cvom_status st = cvom__group_load(r->store, cfg, a->id, today, &v, &r->err);
    if (st) {
        buf_puts(b, "<section class=\"block\" id=\"group\"><p class=\"hint\">The account's "
                    "group could not be read.</p></section>");
        return;
    }
    if (v.g.members < 2) {
        cvom__group_view_cleanup(&v);
        return;
    }
    if (r->user.role == CVOM_ROLE_MANAGER)
        cvom__group_view_owned(&v, r->user.display);
    buf_puts(b, "<section class=\"block\" id=\"group\" aria-labelledby=\"gr-h\"><h2 "
                "id=\"gr-h\">Group");
    if (v.g.split)
        buf_puts(b, " <span class=\"badge split\">Split</span>");
    buf_puts(b, "</h2><div class=\"traj\">");
    group_svg(b, &v, cfg->threshold);
    buf_puts(b, "<div>");
    group_summary(b, &v, a->currency);
    buf_puts(b, "<div class=\"table-wrap\"><table class=\"data compact\"><caption class=\"sr\">"
                "The members of the group</caption><thead><tr><th scope=\"col\" "
                "class=\"num\">#</th><th scope=\"col\">Account</th><th scope=\"col\">"
                "Quadrant</th><th scope=\"col\" class=\"num\">Intellectual</th><th "
                "scope=\"col\" class=\"num\">Emotional</th><th scope=\"col\" class=\"num\">"
                "Share</th><th scope=\"col\" class=\"num\">Revenue</th></tr></thead><tbody>");
    for (size_t k = 0; k < v.n; k++)
        member_row(b, &v.m[k], k);
    buf_puts(b, "</tbody></table></div>");
    if (v.hidden)
        buf_printf(b,
                   "<p class=\"hint\">%zu more member%s, owned by others, count in the "
                   "group's point and revenue.</p>",
                   v.hidden, v.hidden == 1 ? "" : "s");
    buf_puts(b, "</div></div></section>");
    cvom__group_view_cleanup(&v);
}
