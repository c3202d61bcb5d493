/* pages_analytics.c — the read-only analytics pages: /compare (how the portfolio moved
 * between two dates), /overserved (where we spend on what customers do not value) and
 * /alignment (whose values match ours), and their JSON under /api/v1. The service gathers
 * (service/analytics.c) and io shapes the JSON (service/analytics_json.c) exactly as the command
 * line's --format json; this file only reads the query, keeps a manager to their own
 * accounts, and renders. Every text from the store goes through buf_html. */
#include "web/pages_analytics.h"

#include "service/analytics_json.h"
#include "io/util.h"
#include "service/alerts.h"
#include "service/analytics.h"
#include "web/api_util.h"
#include "web/page.h"
#include "web/pages_util.h"

#include <math.h>
#include <string.h>

/* ---- shared: scope, dates, links -------------------------------------------------------- */

/* The accounts the user may see, narrowed by ?owner, ?tag and ?industry. 0 when the user
 * may see no account at all. text receives the filters as words, "" for none. */
static int page_scope(struct web_req *r, struct cvom_account_filter *f, char *text, size_t cap)
{
    const char *owner = r->user.role == CVOM_ROLE_MANAGER ? NULL : web_query(r, "owner");
    const char *tag = web_query(r, "tag"), *industry = web_query(r, "industry");
    int any = pages_scope_filter(r, owner, tag, industry, f);
    size_t used = 0;
    text[0] = '\0';
    const char *keys[] = {"owner", "tag", "industry"};
    const char *vals[] = {f->owner, f->tag, f->industry};
    for (size_t i = 0; i < 3; i++) {
        if (!vals[i][0])
            continue;
        int w = snprintf(text + used, cap - used, "%s%s = %s", used ? ", " : "", keys[i], vals[i]);
        if (w > 0 && (size_t)w < cap - used)
            used += (size_t)w;
    }
    return any;
}

/* A date from the query: 1 and *out when given and valid, 0 when absent, -1 when invalid. */
static int query_date(struct web_req *r, const char *name, int32_t *out)
{
    const char *v = web_query(r, name);
    if (!v || !v[0])
        return 0;
    return cvom_date_parse(v, out) ? -1 : 1;
}

static void account_link(struct buf *b, const struct cvom_account_line *a)
{
    buf_printf(b, "<a href=\"/accounts/%lld\">", (long long)a->id);
    buf_html(b, a->name);
    buf_puts(b, "</a>");
}

static void quadrant_badge(struct buf *b, const struct cvom_score *s)
{
    if (s->state == CVOM_STATE_INSUFFICIENT)
        buf_puts(b, "<span class=\"badge q-none\">Not placed</span>");
    else
        buf_printf(b, "<span class=\"badge %s\">%s</span>", pages_quadrant_class(s->quadrant),
                   cvom_quadrant_title(s->quadrant));
}

static void money(struct buf *b, double v)
{
    pages_thousands(b, v);
}

static void date_text(struct buf *b, int32_t d)
{
    char s[11];
    cvom_date_format(d, s);
    buf_puts(b, s);
}

/* The three pages' own navigation, the current one marked. */
static void sub_nav(struct buf *b, const char *here)
{
    static const struct {
        const char *href, *label;
    } items[] = {{"/compare", "Migration"},
                 {"/overserved", "Over-serving"},
                 {"/alignment", "Value alignment"},
                 {"/alerts", "Alerts"}};
    buf_puts(b, "<nav class=\"actions\" aria-label=\"Analytics\">");
    for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
        int cur = strcmp(here, items[i].href) == 0;
        buf_printf(b, "<a href=\"%s\" class=\"button%s\"%s>%s</a>", items[i].href,
                   cur ? "" : " secondary", cur ? " aria-current=\"page\"" : "", items[i].label);
    }
    buf_puts(b, "</nav>");
}

static void head(struct web_req *r, const char *title, const char *here, const char *sub)
{
    struct buf *b = &r->out;
    page_begin(r, title, "analytics");
    buf_puts(b, "<div class=\"page-head\"><h1>");
    buf_html(b, title);
    buf_puts(b, "</h1><p class=\"sub\">");
    buf_html(b, sub);
    buf_puts(b, "</p></div>");
    sub_nav(b, here);
}

/* A text input of the filter form, with the value the query gave. */
static void field(struct buf *b, const char *id, const char *label, const char *type,
                  const char *value)
{
    buf_printf(b,
               "<div class=\"field\"><label for=\"f-%s\">%s</label><input id=\"f-%s\" "
               "name=\"%s\" type=\"%s\" maxlength=\"%d\" value=\"",
               id, label, id, id, type, CVOM_FIELD_MAX - 1);
    buf_html(b, value ? value : "");
    buf_puts(b, "\"></div>");
}

/* The filter fields every page has: owner (not for a manager), tag, industry. */
static void scope_fields(struct web_req *r)
{
    if (r->user.role != CVOM_ROLE_MANAGER)
        field(&r->out, "owner", "Owner", "text", web_query(r, "owner"));
    field(&r->out, "tag", "Tag", "text", web_query(r, "tag"));
    field(&r->out, "industry", "Industry", "text", web_query(r, "industry"));
}

static void form_end(struct buf *b, const char *reset)
{
    buf_printf(b,
               "<div class=\"field actions\"><button type=\"submit\">Apply</button> "
               "<a href=\"%s\" class=\"button secondary\">Reset</a></div></form>",
               reset);
}

static void table_head(struct buf *b, const char *caption, const char *const *cols,
                       const char *numeric)
{
    buf_puts(b, "<div class=\"table-wrap\"><table class=\"data\"><caption class=\"sr\">");
    buf_html(b, caption);
    buf_puts(b, "</caption><thead><tr>");
    for (size_t i = 0; cols[i]; i++)
        buf_printf(b, "<th scope=\"col\"%s>%s</th>", numeric[i] == 'n' ? " class=\"num\"" : "",
                   cols[i]);
    buf_puts(b, "</tr></thead><tbody>");
}

static void table_end(struct buf *b)
{
    buf_puts(b, "</tbody></table></div>");
}

static void num_cell(struct buf *b, double v, int decimals)
{
    buf_puts(b, "<td class=\"num\">");
    buf_num(b, v, decimals);
    buf_puts(b, "</td>");
}

static void money_cell(struct buf *b, double v)
{
    buf_puts(b, "<td class=\"num\">");
    money(b, v);
    buf_puts(b, "</td>");
}

/* ---- /compare ---------------------------------------------------------------------------- */

static const char *state_title(int s)
{
    return s == CVOM_MIG_NOT_PLACED ? "Not placed" : cvom_quadrant_title((enum cvom_quadrant)s);
}

/* One transition table with its row and column totals. */
static void transition_table(struct buf *b, const struct cvom_migration *m, int revenue)
{
    buf_printf(b,
               "<div class=\"table-wrap\"><table class=\"data\"><caption>By %s: rows are "
               "the quadrant on ",
               revenue ? "revenue" : "accounts");
    date_text(b, m->options.from);
    buf_puts(b, ", columns the quadrant on ");
    date_text(b, m->options.to);
    buf_puts(b, "</caption><thead><tr><th scope=\"col\">Then \\ now</th>");
    for (int j = 0; j <= CVOM_MIG_STATES; j++)
        buf_printf(b, "<th scope=\"col\" class=\"num\">%s</th>",
                   j < CVOM_MIG_STATES ? state_title(j) : "Total");
    buf_puts(b, "</tr></thead><tbody>");
    for (int i = 0; i <= CVOM_MIG_STATES; i++) {
        buf_printf(b, "<tr><th scope=\"row\">%s</th>",
                   i < CVOM_MIG_STATES ? state_title(i) : "Total");
        for (int j = 0; j <= CVOM_MIG_STATES; j++) {
            double v;
            if (i < CVOM_MIG_STATES && j < CVOM_MIG_STATES)
                v = revenue ? m->revenue[i][j] : (double)m->count[i][j];
            else if (i < CVOM_MIG_STATES)
                v = revenue ? m->revenue_from[i] : (double)m->count_from[i];
            else if (j < CVOM_MIG_STATES)
                v = revenue ? m->revenue_to[j] : (double)m->count_to[j];
            else
                v = revenue ? m->total_revenue : (double)m->n_accounts;
            int stay = i == j && i < CVOM_MIG_STATES;
            buf_puts(b, stay ? "<td class=\"num\"><b>" : "<td class=\"num\">");
            money(b, v);
            buf_puts(b, stay ? "</b></td>" : "</td>");
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table></div>");
}

static void move_row(struct buf *b, const struct cvom_compare *k, size_t i, const char *note,
                     const double *fall)
{
    const struct cvom_migration_account *a = &k->in[i];
    buf_puts(b, "<tr><th scope=\"row\">");
    account_link(b, k->acc[i]);
    buf_puts(b, "</th><td>");
    buf_html(b, k->acc[i]->owner);
    buf_puts(b, "</td>");
    money_cell(b, a->revenue);
    buf_puts(b, "<td>");
    quadrant_badge(b, &a->from);
    buf_puts(b, "</td><td>");
    quadrant_badge(b, &a->to);
    buf_puts(b, "</td>");
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        num_cell(b, a->to.value[d], 2);
        num_cell(b, a->to.value[d] - a->from.value[d], 2);
    }
    if (fall)
        num_cell(b, *fall, 2);
    buf_puts(b, "<td>");
    buf_html(b, note);
    buf_puts(b, "</td></tr>");
}

static const char *borderline_note(const struct cvom_migration_account *a)
{
    int before = a->from.state == CVOM_STATE_BORDERLINE, now = a->to.state == CVOM_STATE_BORDERLINE;
    return before && now ? "borderline on both dates"
           : now         ? "borderline now"
           : before      ? "borderline before"
                         : "";
}

static void movers_block(struct buf *b, const struct cvom_compare *k)
{
    static const char *const cols[] = {"Account", "Owner",        "Revenue", "Then",
                                       "Now",     "Intellectual", "Δ",       "Emotional",
                                       "Δ",       "Note",         NULL};
    const struct cvom_migration *m = &k->m;
    buf_printf(b,
               "<section class=\"block\" aria-labelledby=\"movers-h\"><h2 id=\"movers-h\">"
               "Movers (%zu)</h2><p class=\"hint\">Placed on both dates and in another "
               "quadrant now; scores now, Δ since then. Largest revenue first.</p>",
               m->n_movers);
    if (!m->n_movers) {
        buf_puts(b, "<p>None.</p></section>");
        return;
    }
    table_head(b, "Movers", cols, "ssnssnnnns");
    for (size_t i = 0; i < m->n_movers; i++)
        move_row(b, k, m->movers[i].index, borderline_note(&k->in[m->movers[i].index]), NULL);
    table_end(b);
    buf_puts(b, "</section>");
}

static void slides_block(struct buf *b, const struct cvom_compare *k)
{
    static const char *const cols[] = {"Account", "Owner",        "Revenue", "Then",
                                       "Now",     "Intellectual", "Δ",       "Emotional",
                                       "Δ",       "Fall",         "Note",    NULL};
    const struct cvom_migration *m = &k->m;
    buf_printf(b,
               "<section class=\"block\" aria-labelledby=\"slide-h\"><h2 id=\"slide-h\">"
               "Sliding towards Transactional (%zu)</h2><p class=\"hint\">Placed on both "
               "dates, and either entered Transactional or lost at least %g points of "
               "intellectual + emotional value together (the fall). Entered first, then the "
               "largest fall.</p>",
               m->n_slides, m->options.slide_points);
    if (!m->n_slides) {
        buf_puts(b, "<p>None.</p></section>");
        return;
    }
    table_head(b, "Sliding towards Transactional", cols, "ssnssnnnnns");
    for (size_t i = 0; i < m->n_slides; i++) {
        const struct cvom_migration_slide *s = &m->slides[i];
        char note[80];
        const char *bl = borderline_note(&k->in[s->index]);
        snprintf(note, sizeof note, "%s%s%s", s->entered ? "entered Transactional" : "",
                 s->entered && bl[0] ? ", " : "", bl);
        move_row(b, k, s->index, note, &s->fall);
    }
    table_end(b);
    buf_puts(b, "</section>");
}

static void stale_block(struct buf *b, const struct cvom_compare *k)
{
    static const char *const cols[] = {"Account",    "Owner", "Revenue", "Last assessed",
                                       "Age (days)", "Now",   NULL};
    const struct cvom_migration *m = &k->m;
    buf_printf(b,
               "<section class=\"block\" aria-labelledby=\"stale-h\"><h2 id=\"stale-h\">"
               "Stale assessments (%zu)</h2><p class=\"hint\">The newest assessment was more "
               "than %d days old on ",
               m->n_stale, k->cfg.validity_days);
    date_text(b, m->options.to);
    buf_puts(b, ": reassess before trusting it.</p>");
    if (!m->n_stale) {
        buf_puts(b, "<p>None.</p></section>");
        return;
    }
    table_head(b, "Stale assessments", cols, "ssnsns");
    for (size_t i = 0; i < m->n_stale; i++) {
        const struct cvom_migration_stale *s = &m->stale[i];
        const struct cvom_migration_account *a = &k->in[s->index];
        buf_puts(b, "<tr><th scope=\"row\">");
        account_link(b, k->acc[s->index]);
        buf_puts(b, "</th><td>");
        buf_html(b, k->acc[s->index]->owner);
        buf_puts(b, "</td>");
        money_cell(b, s->revenue);
        buf_puts(b, "<td>");
        pages_date(b, a->last_assessed);
        buf_puts(b, "</td>");
        num_cell(b, s->age_days >= 0 ? (double)s->age_days : NAN, 0);
        buf_puts(b, "<td>");
        quadrant_badge(b, &a->to);
        buf_puts(b, "</td></tr>");
    }
    table_end(b);
    buf_puts(b, "</section>");
}

static void projection_table(struct buf *b, const struct cvom_migration *m,
                             const struct cvom_migration_chain *ch, const char *what)
{
    if (!ch->available) {
        buf_printf(b, "<p>Share of %s: nothing to project.</p>", what);
        return;
    }
    static const char *const cols[] = {
        "Period", "Date", "Transactional", "Intellectual", "Emotional", "Partnership", NULL};
    char cap[64];
    snprintf(cap, sizeof cap, "Share of %s", what);
    buf_printf(b, "<h3>Share of %s</h3>", what);
    table_head(b, cap, cols, "nsnnnn");
    for (int p = 0; p <= m->options.periods; p++) {
        buf_printf(b, "<tr><td class=\"num\">%d</td><td>", p);
        date_text(b, m->options.to + p * m->period_days);
        buf_puts(b, "</td>");
        for (int q = 0; q < CVOM_Q_COUNT; q++) {
            buf_puts(b, "<td class=\"num\">");
            buf_num(b, 100 * ch->mix[p][q], 1);
            buf_puts(b, "\xC2\xA0%</td>");
        }
        buf_puts(b, "</tr>");
    }
    table_end(b);
}

/* The filter form of a page that takes two dates (ids and labels as given) and the scope. */
static void two_dates_form(struct web_req *r, const char *page, const char *const id[2],
                           const char *const label[2], const int32_t date[2])
{
    struct buf *b = &r->out;
    buf_printf(b, "<form class=\"filters\" method=\"get\" action=\"%s\">", page);
    for (int i = 0; i < 2; i++) {
        char d[11];
        cvom_date_format(date[i], d);
        field(b, id[i], label[i], "date", d);
    }
    scope_fields(r);
    form_end(b, page);
}

static void compare_form(struct web_req *r, int32_t from, int32_t to)
{
    static const char *const id[2] = {"from", "to"}, *const label[2] = {"From", "To"};
    two_dates_form(r, "/compare", id, label, (const int32_t[2]){from, to});
}

static void compare_body(struct web_req *r, const struct cvom_compare *k)
{
    struct buf *b = &r->out;
    const struct cvom_migration *m = &k->m;
    buf_printf(b, "<p>%zu accounts, %zu placed on both dates; %ld days between them.</p>",
               m->n_accounts, m->placed_both, (long)m->period_days);
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"tr-h\"><h2 id=\"tr-h\">"
                "Transitions</h2><p class=\"hint\">Not placed: not enough evidence on that "
                "date. On the diagonal (bold): stayed put.</p>");
    transition_table(b, m, 0);
    transition_table(b, m, 1);
    buf_puts(b, "</section>");
    movers_block(b, k);
    slides_block(b, k);
    stale_block(b, k);
    buf_printf(b,
               "<section class=\"block\" aria-labelledby=\"proj-h\"><h2 id=\"proj-h\">"
               "Projection</h2><p class=\"hint\">The mix of placed accounts if the moves "
               "seen between the dates repeat every %ld days: a Markov chain estimated from "
               "the %zu accounts placed on both dates. An estimate, not a forecast.</p>",
               (long)m->period_days, m->placed_both);
    projection_table(b, m, &m->by_count, "accounts");
    projection_table(b, m, &m->by_revenue, "revenue");
    buf_puts(b, "</section>");
}

int pages_compare(struct web_req *r)
{
    struct cvom_account_filter f;
    char filters[640], problem[160] = "";
    int any = page_scope(r, &f, filters, sizeof filters);
    struct cvom_migration_options o;
    cvom_migration_options_init(&o);
    int32_t from, to;
    enum cvom_status st =
        cvom__compare_default_dates(r->store, pages_today(), &o.from, &o.to, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    int gf = query_date(r, "from", &from), gt = query_date(r, "to", &to);
    if (gf < 0 || gt < 0)
        cvom__copy_str(problem, sizeof problem,
                       "A date was not understood (YYYY-MM-DD): showing "
                       "the default dates.");
    else if ((gf ? from : o.from) >= (gt ? to : o.to))
        cvom__copy_str(problem, sizeof problem,
                       "From must be before To: showing the default dates.");
    else {
        o.from = gf ? from : o.from;
        o.to = gt ? to : o.to;
    }
    struct cvom_compare k;
    struct cvom_config cfg;
    if (any)
        st = cvom__compare_gather(r->store, &f, &o, &k, &r->err);
    else if (!(st = cvom__config_load(r->store, &cfg, &r->err)))
        st = cvom__compare_build(&cfg, NULL, 0, NULL, 0, &o, &k, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    head(r, "Migration between two dates", "/compare",
         "Who moved between quadrants, who is sliding towards Transactional, and where the "
         "mix is heading if the moves repeat.");
    if (problem[0])
        page_notice(r, "error", problem);
    compare_form(r, o.from, o.to);
    if (filters[0]) {
        buf_puts(&r->out, "<p class=\"hint\">Accounts where ");
        buf_html(&r->out, filters);
        buf_puts(&r->out, ".</p>");
    }
    compare_body(r, &k);
    cvom__compare_cleanup(&k);
    page_end(r);
    return 200;
}

/* ---- /overserved ------------------------------------------------------------------------- */

static void offerings_cell(struct buf *b, const struct cvom_serving_config *cfg,
                           const struct cvom_served *s)
{
    buf_puts(b, "<td><ul class=\"plain\">");
    for (size_t j = 0; j < s->n_ratings; j++) {
        const struct cvom_offering_rating *x = &s->ratings[j];
        enum cvom_ip_quadrant q = cvom_ip_classify(cfg, x->r.importance, x->r.performance);
        int unvalued = x->r.importance < cfg->importance_threshold;
        buf_puts(b, unvalued ? "<li><b><code>" : "<li><code>");
        buf_html(b, x->code);
        buf_puts(b, "</code> ");
        buf_html(b, x->name);
        buf_printf(b, " — %s (importance ", cvom_ip_quadrant_label(q));
        buf_num(b, x->r.importance, 1);
        buf_puts(b, ", performance ");
        buf_num(b, x->r.performance, 1);
        buf_puts(b, ", cost ");
        money(b, x->r.cost);
        buf_puts(b, unvalued ? ")</b>, unvalued</li>" : ")</li>");
    }
    buf_puts(b, "</ul></td>");
}

static void overserved_table(struct buf *b, const struct cvom_overserving *o, int all)
{
    static const char *const cols[] = {"Account",       "Owner", "Quadrant",  "Cost to serve",
                                       "Unvalued cost", "Share", "Offerings", NULL};
    size_t shown = 0;
    for (size_t i = 0; i < o->n; i++)
        shown += all || o->v[i].s.overserved;
    if (!shown) {
        buf_puts(b, "<p>None.</p>");
        return;
    }
    table_head(b, "Over-served accounts", cols, "sssnnns");
    for (size_t i = 0; i < o->n; i++) {
        const struct cvom_served *s = &o->v[i];
        if (!all && !s->s.overserved)
            continue;
        buf_puts(b, "<tr><th scope=\"row\">");
        account_link(b, &s->acc->account);
        buf_puts(b, s->s.overserved ? " <span class=\"badge flag\">Over-served</span>" : "");
        buf_puts(b, "</th><td>");
        buf_html(b, s->acc->account.owner);
        buf_puts(b, "</td><td>");
        quadrant_badge(b, &s->acc->score);
        buf_puts(b, "</td>");
        money_cell(b, s->s.total_cost);
        money_cell(b, s->s.unvalued_cost);
        buf_puts(b, "<td class=\"num\">");
        buf_num(b, 100 * s->s.share, 1);
        buf_puts(b, "\xC2\xA0%</td>");
        offerings_cell(b, &o->cfg, s);
        buf_puts(b, "</tr>");
    }
    table_end(b);
}

int pages_overserved(struct web_req *r)
{
    struct cvom_account_filter f;
    char filters[640], problem[120] = "";
    int any = page_scope(r, &f, filters, sizeof filters);
    int32_t as_of = pages_today();
    if (query_date(r, "as-of", &as_of) < 0) {
        as_of = pages_today();
        cvom__copy_str(problem, sizeof problem,
                       "The date was not understood (YYYY-MM-DD); showing "
                       "today.");
    }
    const char *all_q = web_query(r, "all");
    int all = all_q && strcmp(all_q, "1") == 0;
    struct cvom_analytics_settings set;
    struct cvom_serving_config cfg;
    struct cvom_overserving o;
    cvom_serving_config_init(&cfg);
    enum cvom_status st = cvom__analytics_settings_load(r->store, &set, &r->err);
    cfg.overserved_share = set.overserved_share;
    if (!st)
        st = any ? cvom__overserving_gather(r->store, &cfg, &f, -1, as_of, &o, &r->err)
                 : cvom__overserving_build(r->store, &cfg, NULL, 0, &o, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    struct buf *b = &r->out;
    head(r, "Over-served accounts", "/overserved",
         "Where much of what we spend goes on offerings the customer rates unimportant.");
    if (problem[0])
        page_notice(r, "error", problem);
    char d[11];
    cvom_date_format(as_of, d);
    buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/overserved\">");
    field(b, "as-of", "Quadrants as of", "date", d);
    scope_fields(r);
    buf_printf(b,
               "<div class=\"field\"><label><input type=\"checkbox\" name=\"all\" value=\"1\""
               "%s> Every rated account</label></div>",
               all ? " checked" : "");
    form_end(b, "/overserved");
    const struct cvom_serving_total *t = &o.total;
    buf_printf(b,
               "<p>%zu of %zu rated accounts are over-served: their unvalued cost (what we "
               "spend on offerings they rate below %.1f on 1–7) is more than %.1f\xC2\xA0%% of "
               "their cost to serve. Unvalued cost ",
               t->overserved, t->accounts, o.cfg.importance_threshold,
               100 * o.cfg.overserved_share);
    money(b, t->unvalued_cost);
    buf_puts(b, " of ");
    money(b, t->total_cost);
    buf_printf(b, " in all (%.1f\xC2\xA0%%); ", 100 * t->share);
    money(b, t->overserved_unvalued_cost);
    buf_puts(b, " of it on the over-served accounts.</p>");
    if (filters[0]) {
        buf_puts(b, "<p class=\"hint\">Accounts where ");
        buf_html(b, filters);
        buf_puts(b, ".</p>");
    }
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"ov-h\"><h2 id=\"ov-h\">");
    buf_puts(b, all ? "Every rated account" : "Over-served");
    buf_puts(b, "</h2><p class=\"hint\">Most unvalued cost first. Each offering with its "
                "importance–performance quadrant; the unvalued ones in bold.</p>");
    overserved_table(b, &o, all);
    buf_puts(b, "</section>");
    cvom__overserving_cleanup(&o);
    page_end(r);
    return 200;
}

/* ---- /alignment -------------------------------------------------------------------------- */

static void their_list(struct buf *b, const struct cvom_aligned *a)
{
    buf_puts(b, "<td>");
    for (size_t k = 0; k < a->n_theirs; k++) {
        buf_puts(b, k ? ", " : "");
        buf_html(b, a->theirs[k].value);
    }
    buf_puts(b, "</td>");
}

static void alignment_table(struct buf *b, const struct cvom_alignment_set *s, int risk_only,
                            const char *caption)
{
    static const char *const cols[] = {"Account",           "Owner",   "Quadrant",      "In common",
                                       "Alignment (tau-b)", "At risk", "Their ranking", NULL};
    table_head(b, caption, cols, "sssnnss");
    for (size_t i = 0; i < s->n; i++) {
        const struct cvom_aligned *a = &s->v[i];
        if (risk_only && !a->at_risk)
            continue;
        buf_puts(b, "<tr><th scope=\"row\">");
        account_link(b, &a->acc->account);
        buf_puts(b, "</th><td>");
        buf_html(b, a->acc->account.owner);
        buf_puts(b, "</td><td>");
        quadrant_badge(b, &a->acc->score);
        buf_printf(b, "</td><td class=\"num\">%zu</td>", a->a.common);
        num_cell(b, a->a.tau, 3);
        buf_printf(b, "<td>%s</td>",
                   a->at_risk ? "<span class=\"badge flag\">At risk</span>" : "no");
        their_list(b, a);
        buf_puts(b, "</tr>");
    }
    table_end(b);
}

int pages_alignment(struct web_req *r)
{
    struct cvom_account_filter f;
    char filters[640], problem[120] = "";
    int any = page_scope(r, &f, filters, sizeof filters);
    int32_t as_of = pages_today();
    if (query_date(r, "as-of", &as_of) < 0) {
        as_of = pages_today();
        cvom__copy_str(problem, sizeof problem,
                       "The date was not understood (YYYY-MM-DD); showing "
                       "today.");
    }
    struct cvom_analytics_settings set;
    struct cvom_alignment_set s;
    enum cvom_status st = cvom__analytics_settings_load(r->store, &set, &r->err);
    if (!st)
        st = any ? cvom__alignment_gather(r->store, set.at_risk, &f, -1, as_of, 0, &s, &r->err)
                 : cvom__alignment_build(r->store, set.at_risk, NULL, 0, &s, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    struct buf *b = &r->out;
    head(r, "Value alignment", "/alignment",
         "How each account's ranking of values matches ours (Kendall's tau-b, −1 reversed to "
         "1 the same order); a partnership that does not match is at risk.");
    if (problem[0])
        page_notice(r, "error", problem);
    char d[11];
    cvom_date_format(as_of, d);
    buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/alignment\">");
    field(b, "as-of", "Quadrants as of", "date", d);
    scope_fields(r);
    form_end(b, "/alignment");
    if (filters[0]) {
        buf_puts(b, "<p class=\"hint\">Accounts where ");
        buf_html(b, filters);
        buf_puts(b, ".</p>");
    }
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"ours-h\"><h2 id=\"ours-h\">Our "
                "ranking</h2>");
    if (!s.n_ours) {
        buf_puts(b, "<p>We have no ranking of our own yet (<code>cvom align rank ours VALUE "
                    "…</code>), so no account's alignment is known.</p></section>");
    } else {
        buf_puts(b, "<ol>");
        for (size_t i = 0; i < s.n_ours; i++) {
            buf_puts(b, "<li>");
            buf_html(b, s.ours[i]);
            buf_puts(b, "</li>");
        }
        buf_puts(b, "</ol></section>");
        buf_printf(b,
                   "<section class=\"block\" aria-labelledby=\"risk-h\"><h2 id=\"risk-h\">"
                   "Partnerships at risk (%zu)</h2><p class=\"hint\">In the Partnership "
                   "quadrant and aligned below %.2f.</p>",
                   s.n_at_risk, s.threshold);
        if (s.n_at_risk)
            alignment_table(b, &s, 1, "Partnerships at risk");
        else
            buf_puts(b, "<p>None.</p>");
        buf_printf(b,
                   "</section><section class=\"block\" aria-labelledby=\"all-h\"><h2 "
                   "id=\"all-h\">Every ranked account (%zu)</h2><p class=\"hint\">Least "
                   "aligned first; unknown (fewer than two values in common) last.</p>",
                   s.n);
        if (s.n)
            alignment_table(b, &s, 0, "Alignment of every ranked account");
        else
            buf_puts(b, "<p>None.</p>");
        buf_puts(b, "</section>");
    }
    cvom__alignment_set_cleanup(&s);
    page_end(r);
    return 200;
}

/* ---- the API: the command line's --format json ---------------------------------------- */

/* The account filter of an API request, "" text for none; 0 or the 422 answer's status.
 * *none: the user may see no account of it. */
static int api_scope(struct web_req *r, struct cvom_account_filter *f, int *none, char *text,
                     size_t cap)
{
    int rc = api_filter(r, f, none);
    if (rc)
        return rc;
    /* A manager without a display name owns nothing (an empty owner would mean everyone). */
    if (r->user.role == CVOM_ROLE_MANAGER && !r->user.display[0])
        *none = 1;
    static const char *const keys[] = {"owner", "tag", "industry", "region"};
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < 4; i++) {
        const char *v = web_query(r, keys[i]);
        if (!v || !v[0])
            continue;
        int w = snprintf(text + used, cap - used, "%s%s = %s", used ? ", " : "", keys[i], v);
        if (w > 0 && (size_t)w < cap - used)
            used += (size_t)w;
    }
    return 0;
}

/* A number from the query within lo..hi: 0 (with *out set when given) or the 422 status. */
static int api_number(struct web_req *r, const char *name, double lo, double hi, double *out)
{
    const char *v = web_query(r, name);
    double d;
    if (!v || !v[0])
        return 0;
    if (cvom__parse_double(v, &d) || !(d >= lo && d <= hi)) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be a number from %g to %g.", name, lo, hi);
        return api_invalid(r, name, msg);
    }
    *out = d;
    return 0;
}

static int api_date_param(struct web_req *r, const char *name, int32_t *out)
{
    int g = query_date(r, name, out);
    if (g < 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s must be a date YYYY-MM-DD.", name);
        return api_invalid(r, name, msg);
    }
    return 0;
}

int api_compare(struct web_req *r)
{
    struct cvom_account_filter f;
    char filters[640];
    int none, rc;
    struct cvom_migration_options o;
    cvom_migration_options_init(&o);
    double periods = o.periods, slide = o.slide_points;
    if ((rc = api_scope(r, &f, &none, filters, sizeof filters)))
        return rc;
    enum cvom_status st =
        cvom__compare_default_dates(r->store, api_today(), &o.from, &o.to, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    if ((rc = api_date_param(r, "from", &o.from)) || (rc = api_date_param(r, "to", &o.to)) ||
        (rc = api_number(r, "periods", 1, CVOM_MIG_PERIODS_MAX, &periods)) ||
        (rc = api_number(r, "slide_points", 0, 200, &slide)))
        return rc;
    if (periods != floor(periods))
        return api_invalid(r, "periods", "periods must be a whole number.");
    if (o.from >= o.to)
        return api_invalid(r, "from", "from must be before to.");
    o.periods = (int)periods;
    o.slide_points = slide;
    struct cvom_compare k;
    struct cvom_config cfg;
    if (!none)
        st = cvom__compare_gather(r->store, &f, &o, &k, &r->err);
    else if (!(st = cvom__config_load(r->store, &cfg, &r->err)))
        st = cvom__compare_build(&cfg, NULL, 0, NULL, 0, &o, &k, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    json_t *doc = cvom__compare_json(&k, filters);
    cvom__compare_cleanup(&k);
    return api_send(r, 200, doc);
}

int api_overserved(struct web_req *r)
{
    struct cvom_account_filter f;
    char filters[640];
    int none, rc;
    int32_t as_of;
    struct cvom_analytics_settings set;
    struct cvom_serving_config cfg;
    cvom_serving_config_init(&cfg);
    if ((rc = api_scope(r, &f, &none, filters, sizeof filters)) || (rc = api_as_of(r, &as_of)))
        return rc;
    enum cvom_status st = cvom__analytics_settings_load(r->store, &set, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    cfg.overserved_share = set.overserved_share;
    if ((rc = api_number(r, "share", 0, 1, &cfg.overserved_share)) ||
        (rc = api_number(r, "importance_threshold", CVOM_RATING_MIN, CVOM_RATING_MAX,
                         &cfg.importance_threshold)) ||
        (rc = api_number(r, "performance_threshold", CVOM_RATING_MIN, CVOM_RATING_MAX,
                         &cfg.performance_threshold)))
        return rc;
    const char *all = web_query(r, "all");
    if (all && strcmp(all, "true") != 0 && strcmp(all, "false") != 0)
        return api_invalid(r, "all", "all must be true or false.");
    struct cvom_overserving o;
    st = none ? cvom__overserving_build(r->store, &cfg, NULL, 0, &o, &r->err)
              : cvom__overserving_gather(r->store, &cfg, &f, -1, as_of, &o, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    json_t *doc = cvom__overserving_json(&o, all && strcmp(all, "true") == 0);
    cvom__overserving_cleanup(&o);
    return api_send(r, 200, doc);
}

int api_alignment(struct web_req *r)
{
    struct cvom_account_filter f;
    char filters[640];
    int none, rc;
    int32_t as_of;
    int64_t account_id = 0;
    struct cvom_analytics_settings set;
    if ((rc = api_scope(r, &f, &none, filters, sizeof filters)) || (rc = api_as_of(r, &as_of)))
        return rc;
    enum cvom_status st = cvom__analytics_settings_load(r->store, &set, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    double threshold = set.at_risk;
    if ((rc = api_number(r, "threshold", -1, 1, &threshold)))
        return rc;
    const char *acc = web_query(r, "account");
    if (acc) {
        struct cvom_account a;
        if (api_parse_id(acc, &account_id))
            return api_invalid(r, "account", "account must be an account id.");
        st = r->store->ops->account_get(r->store, account_id, &a, &r->err);
        if (st == CVOM_ENOTFOUND || (!st && !api_visible(r, &a)))
            return web_refuse(r, WEB_NOT_FOUND, "account", "There is no such account.");
        if (st)
            return web_fail(r, st, &r->err);
        memset(&f, 0, sizeof f);
        none = 0;
    }
    struct cvom_alignment_set s;
    st = none ? cvom__alignment_build(r->store, threshold, NULL, 0, &s, &r->err)
              : cvom__alignment_gather(r->store, threshold, acc ? NULL : &f, -1, as_of, account_id,
                                       &s, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    json_t *doc = NULL;
    if (!s.n_ours) {
        cvom__alignment_set_cleanup(&s);
        return web_refuse(r, WEB_NOT_FOUND, NULL,
                          "There is no ranking of our own yet: nothing to align with.");
    }
    doc = acc && s.n == 1 ? cvom__aligned_json(&s, &s.v[0]) : cvom__alignment_json(&s);
    cvom__alignment_set_cleanup(&s);
    return api_send(r, 200, doc);
}

/* ---- GET /alerts, and the front page's panel ----------------------------------------------- */

/* The alerts of al as a list per account, at most max_accounts accounts (0: all). */
static void alerts_list(struct buf *b, const struct cvom_alerts *al, size_t max_accounts)
{
    size_t shown = 0;
    buf_puts(b, "<ul class=\"alerts\">");
    for (size_t i = 0; i < al->n; i++) {
        const struct cvom_alert *x = &al->v[i];
        const struct cvom_report_account *a = &al->doc.report.accounts[x->account];
        int first = i == 0 || al->v[i - 1].account != x->account;
        if (first && max_accounts && shown == max_accounts)
            break;
        if (first) {
            shown++;
            buf_printf(b, "%s<li><a href=\"/accounts/%lld\">", i ? "</ul></li>" : "",
                       (long long)a->id);
            buf_html(b, a->label ? a->label : a->name);
            buf_puts(b, "</a>");
            if (a->owner[0]) {
                buf_puts(b, " <span class=\"hint\">");
                buf_html(b, a->owner);
                buf_puts(b, "</span>");
            }
            buf_puts(b, "<ul>");
        }
        buf_printf(b, "<li data-kind=\"%s\"><span class=\"badge\">%s</span> ",
                   cvom__alert_kind_name(x->kind), cvom__alert_kind_name(x->kind));
        buf_html(b, x->why);
        buf_puts(b, " <a href=\"");
        buf_html(b, x->where);
        buf_puts(b, "\">Fix</a></li>");
    }
    buf_puts(b, al->n ? "</ul></li></ul>" : "</ul>");
}

static size_t alert_accounts(const struct cvom_alerts *al)
{
    size_t n = 0;
    for (size_t i = 0; i < al->n; i++)
        n += i == 0 || al->v[i - 1].account != al->v[i].account;
    return n;
}

int pages_alerts(struct web_req *r)
{
    struct cvom_account_filter f;
    char filters[640];
    int any = page_scope(r, &f, filters, sizeof filters);
    int32_t as_of = pages_today(), since = 0;
    int bad = query_date(r, "as-of", &as_of) < 0;
    if (bad)
        as_of = pages_today();
    int given = query_date(r, "since", &since);
    struct cvom_alerts *al = calloc(1, sizeof *al);
    enum cvom_status st = al ? CVOM_OK : cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    if (!st && (given <= 0 || since >= as_of))
        st = cvom__alerts_default_since(r->store, as_of, &since, &r->err);
    if (!st && any)
        st = cvom__alerts_gather(r->store, &f, as_of, since, al, &r->err);
    if (st) {
        free(al);
        return web_fail(r, st, &r->err);
    }
    struct buf *b = &r->out;
    head(r, "Alerts", "/alerts",
         "What needs attention, account by account: each alert says why it fired and links to "
         "where it is fixed.");
    if (bad || given < 0 || (given > 0 && since >= as_of))
        page_notice(r, "error",
                    "A date was not understood (YYYY-MM-DD, since before the "
                    "date); showing the defaults.");
    static const char *const id[2] = {"as-of", "since"}, *const label[2] = {"As of",
                                                                            "Changes since"};
    two_dates_form(r, "/alerts", id, label, (const int32_t[2]){as_of, since});
    char d[11], s[11];
    cvom_date_format(as_of, d);
    cvom_date_format(since, s);
    buf_printf(b, "<p>%zu alert%s on %zu account%s as of %s, changes since %s.</p>", al->n,
               al->n == 1 ? "" : "s", alert_accounts(al), alert_accounts(al) == 1 ? "" : "s", d, s);
    alerts_list(b, al, 0);
    page_end(r);
    cvom__alerts_cleanup(al);
    free(al);
    return 200;
}

void pages_alerts_panel(struct web_req *r, const struct cvom_account_filter *f, int32_t as_of,
                        size_t n_accounts)
{
    struct buf *b = &r->out;
    buf_puts(b, "<section class=\"block\" id=\"attention\" aria-labelledby=\"at-h\"><h2 "
                "id=\"at-h\">Needs attention</h2>");
    if (n_accounts > PAGES_ALERTS_PANEL_MAX) {
        buf_printf(b,
                   "<p>%zu accounts are more than this page lists: see <a href=\"/alerts\">"
                   "the alerts</a>.</p></section>",
                   n_accounts);
        return;
    }
    struct cvom_alerts *al = calloc(1, sizeof *al);
    int32_t since = 0;
    struct cvom_error err = {0};
    enum cvom_status st =
        al ? cvom__alerts_default_since(r->store, as_of, &since, &err) : CVOM_ENOMEM;
    if (!st)
        st = cvom__alerts_gather(r->store, f, as_of, since, al, &err);
    if (st) {
        buf_puts(b, "<p class=\"hint\">The alerts could not be worked out: ");
        buf_html(b, err.message[0] ? err.message : "out of memory");
        buf_puts(b, "</p></section>");
        free(al);
        return;
    }
    size_t accounts = alert_accounts(al);
    if (!al->n)
        buf_puts(b, "<p>Nothing needs attention today.</p>");
    else
        buf_printf(b, "<p>%zu alert%s on %zu account%s. <a href=\"/alerts\">All alerts</a></p>",
                   al->n, al->n == 1 ? "" : "s", accounts, accounts == 1 ? "" : "s");
    alerts_list(b, al, PAGES_ALERTS_PANEL_ACCOUNTS);
    buf_puts(b, "</section>");
    cvom__alerts_cleanup(al);
    free(al);
}
