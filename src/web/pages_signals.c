/* pages_signals.c — on the account page: the CRM signals blended into its scores, with the
 * points each adds, and its network ledger. */
#include "web/pages_signals.h"

#include <math.h>

void pages_signals_table(struct buf *b, const struct cvom_explanation *ex,
                         const struct cvom_signals_shown *sig)
{
    const struct cvom_blend *bl = &ex->blend;
    if (!sig->n)
        return;
    buf_printf(b, "<h3>Signals</h3><p class=\"hint\">Figures from the CRM and finance systems, "
                  "each brought to 0&ndash;100 and blended with the survey (weight %g) by its "
                  "weight. The survey's part and the signals' points add up to the account "
                  "score.</p><div class=\"table-wrap\"><table class=\"data\" id=\"signals\">"
                  "<thead><tr><th scope=\"col\">Signal</th><th scope=\"col\">Axis</th>"
                  "<th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"num\">"
                  "Score</th><th scope=\"col\" class=\"num\">Weight</th><th scope=\"col\" "
                  "class=\"num\">Share</th><th scope=\"col\" class=\"num\">Points</th></tr>"
                  "</thead><tbody>",
               bl->survey_weight);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        if (isnan(bl->survey[d]))
            continue;
        buf_printf(b, "<tr><th scope=\"row\">Survey</th><td>%s</td><td></td><td class=\"num\">"
                      "%.1f</td><td class=\"num\">%g</td><td class=\"num\">%.1f %%</td>"
                      "<td class=\"num\"><strong>%.2f</strong></td></tr>",
                   cvom_dim_name((enum cvom_dim)d), bl->survey[d], bl->survey_weight,
                   100 * bl->survey_share[d], bl->survey_share[d] * bl->survey[d]);
    }
    for (size_t i = 0; i < sig->n && i < bl->n; i++) {
        const struct cvom_signal_shown *g = &sig->v[i];
        buf_puts(b, "<tr><th scope=\"row\">");
        buf_html(b, g->sig.def.name);
        buf_puts(b, "<br><small>");
        if (g->sig.source == CVOM_SIGNAL_LEDGER)
            buf_printf(b, "mean rating of %d ledger entr%s in the last year", g->count,
                       g->count == 1 ? "y" : "ies");
        else {
            buf_html(b, g->sig.def.label);
            buf_puts(b, g->sig.def.direction < 0 ? " (more is less value), " : ", ");
            pages_date(b, g->date);
        }
        buf_printf(b, "</small></th><td>%s</td><td class=\"num\">%.4g</td><td class=\"num\">"
                      "%.1f</td><td class=\"num\">%g</td>",
                   cvom_dim_name(g->sig.def.axis), g->raw, g->score, g->sig.def.weight);
        if (bl->counted[i])
            buf_printf(b, "<td class=\"num\">%.1f %%</td><td class=\"num\"><strong>%.2f"
                          "</strong></td></tr>",
                       100 * bl->share[i], bl->contribution[i]);
        else
            buf_puts(b, "<td colspan=\"2\"><small>not counted: no survey score on this axis"
                        "</small></td></tr>");
    }
    buf_puts(b, "</tbody><tfoot><tr><th scope=\"row\" colspan=\"6\">Account score</th>"
                "<td class=\"num\">");
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (!isnan(ex->score.value[d]))
            buf_printf(b, "%s%s <strong>%.2f</strong>", d ? "<br>" : "",
                       cvom_dim_name((enum cvom_dim)d), ex->score.value[d]);
    buf_puts(b, "</td></tr></tfoot></table></div>");
}

struct ledger {
    struct buf *b;
    size_t n;
};

static int ledger_row(void *ctx, const struct cvom_network_entry *e)
{
    struct ledger *k = ctx;
    if (k->n++ >= PAGES_LEDGER_ROWS)
        return 1;
    buf_puts(k->b, "<tr><td>");
    pages_date(k->b, e->date);
    buf_printf(k->b, "</td><td>%s</td><td>", cvom_network_kind_name(e->kind));
    buf_html(k->b, e->title);
    if (e->notes[0]) {
        buf_puts(k->b, "<br><small>");
        buf_html(k->b, e->notes);
        buf_puts(k->b, "</small>");
    }
    buf_puts(k->b, "</td><td class=\"num\">");
    if (isnan(e->rating))
        buf_puts(k->b, "<small>not rated</small>");
    else
        buf_printf(k->b, "%.0f / 5", e->rating);
    buf_puts(k->b, "</td></tr>");
    return 0;
}

enum cvom_status pages_network_section(struct buf *b, struct cvom_store *st, int64_t account_id,
                                       struct cvom_error *err)
{
    buf_puts(b, "<section class=\"block\" id=\"network\" aria-labelledby=\"net-h\"><h2 "
                "id=\"net-h\">Network ledger</h2><p class=\"hint\">Introductions, peer groups and "
                "events we gave this customer, with their rating. The mean rating of the last "
                "year is the signal <em>network</em> on the intellectual axis.</p>");
    size_t mark = b->len;
    buf_puts(b, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">"
                "Date</th><th scope=\"col\">Kind</th><th scope=\"col\">What</th><th "
                "scope=\"col\" class=\"num\">Rating</th></tr></thead><tbody>");
    struct ledger k = {b, 0};
    enum cvom_status s = st->ops->network_list(st, account_id, ledger_row, &k, err);
    if (s)
        return s;
    if (k.n == 0) {
        b->len = mark;
        buf_puts(b, "<p>Nothing recorded yet (<code>cvom network add</code> or "
                    "<code>cvom import network</code>).</p></section>");
        return CVOM_OK;
    }
    buf_puts(b, "</tbody></table></div>");
    if (k.n > PAGES_LEDGER_ROWS)
        buf_printf(b, "<p class=\"hint\">The newest %d entries are shown.</p>", PAGES_LEDGER_ROWS);
    buf_puts(b, "</section>");
    return CVOM_OK;
}
