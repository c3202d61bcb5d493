/* pages_campaigns.c — survey campaigns on the web: the list with a form to create one, and
 * a campaign's page with its figures per account and in total, who has not answered and the
 * addresses refused; closing it. Administrators see every account; a manager sees, and puts
 * into a new campaign, only the accounts they own. */
#include "web/page.h"
#include "web/pages_util.h"

#include "web/auth.h"

#include "io/util.h"
#include "service/campaigns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAMPAIGNS_SHOWN 200

/* The owner whose accounts the user's view is narrowed to: "" for an administrator; a
 * manager's display name. NULL for a manager without one, who owns nothing. */
static const char *scope_of(const struct web_req *r)
{
    if (r->user.role == CVOM_ROLE_ADMIN)
        return "";
    return r->user.display[0] ? r->user.display : NULL;
}

static void day_of(int64_t t, char out[11])
{
    cvom_date_format((int32_t)(t / 86400), out);
}

/* ---- GET /campaigns ------------------------------------------------------------------------ */

struct list_page {
    struct web_req *r;
    const char *scope;
    size_t shown;
    enum cvom_status st;
};

static void figures_cells(struct buf *b, const struct cvom_campaign_figures *f)
{
    const int64_t n[] = {f->links, f->sent, f->opened, f->started, f->completed};
    for (size_t i = 0; i < sizeof n / sizeof *n; i++)
        buf_printf(b, "<td class=\"num\">%lld</td>", (long long)n[i]);
    buf_printf(b, "<td class=\"num\">%.1f%%</td><td class=\"num\">%lld</td>",
               cvom__campaign_rate(f), (long long)f->refused);
}

static const char figures_head[] =
    "<th scope=\"col\" class=\"num\">Links</th><th scope=\"col\" class=\"num\">Sent</th>"
    "<th scope=\"col\" class=\"num\">Opened</th><th scope=\"col\" class=\"num\">Started</th>"
    "<th scope=\"col\" class=\"num\">Completed</th><th scope=\"col\" class=\"num\">Response "
    "rate</th><th scope=\"col\" class=\"num\">Refused</th>";

static int list_row(void *ctx, const struct cvom_campaign *c)
{
    struct list_page *p = ctx;
    struct web_req *r = p->r;
    struct cvom_campaign_view v;
    char ref[24], closes[11];
    if (p->shown >= CAMPAIGNS_SHOWN)
        return 1;
    snprintf(ref, sizeof ref, "%lld", (long long)c->id);
    p->st = cvom__campaign_view_load(r->store, ref, p->scope, &v, &r->err);
    /* A manager lists the campaigns that reach one of their accounts, or that they made. */
    int mine = p->scope[0] == '\0' || v.n > 0 || strcmp(c->created_by, r->user.name) == 0;
    if (!p->st && mine) {
        struct buf *b = &r->out;
        day_of(c->closed ? c->closed : c->closes - 1, closes);
        buf_printf(b, "<tr><td><a href=\"/campaigns/%lld\">", (long long)c->id);
        buf_html(b, c->name);
        buf_printf(b, "</a></td><td>%s</td><td>%s</td>",
                   cvom__campaign_open(c, (int64_t)time(NULL)) ? "open" : "closed", closes);
        figures_cells(b, &v.total);
        buf_puts(b, "</tr>");
        p->shown++;
    }
    cvom__campaign_view_cleanup(&v);
    return p->st != CVOM_OK;
}

static void create_form(struct web_req *r)
{
    struct buf *b = &r->out;
    char closes[11];
    day_of((int64_t)time(NULL) + (int64_t)CVOM_CAMPAIGN_DAYS_DEFAULT * 86400, closes);
    buf_puts(b, "<h2>A new campaign</h2><p class=\"hint\">One personal link for each "
                "stakeholder with an e-mail address of the accounts chosen");
    if (r->user.role == CVOM_ROLE_MANAGER)
        buf_puts(b, " among yours");
    buf_puts(b, ". Send them with <code>cvom campaign send</code>, or take them for a mail "
                "merge with <code>cvom campaign links</code>.</p><form class=\"stack\" "
                "method=\"post\" action=\"/campaigns\">");
    page_csrf(r);
    buf_printf(b,
               "<label for=\"cp-name\">Name</label><input id=\"cp-name\" name=\"name\" required "
               "maxlength=\"%d\">",
               CVOM_FIELD_MAX - 1);
    if (r->user.role == CVOM_ROLE_ADMIN)
        buf_printf(b,
                   "<label for=\"cp-owner\">Only the accounts of (owner)</label><input "
                   "id=\"cp-owner\" name=\"owner\" maxlength=\"%d\">",
                   CVOM_FIELD_MAX - 1);
    buf_printf(b,
               "<label for=\"cp-tag\">Only accounts tagged</label><input id=\"cp-tag\" "
               "name=\"tag\" maxlength=\"%d\"><label for=\"cp-industry\">Only the industry"
               "</label><input id=\"cp-industry\" name=\"industry\" maxlength=\"%d\">"
               "<label for=\"cp-quadrant\">Only the quadrant</label><select id=\"cp-quadrant\" "
               "name=\"quadrant\"><option value=\"\">any</option><option>transactional</option>"
               "<option>intellectual</option><option>emotional</option><option>partnership"
               "</option></select><label for=\"cp-closes\">Links work until</label><input "
               "id=\"cp-closes\" name=\"closes\" type=\"date\" value=\"%s\"><label "
               "for=\"cp-language\">Language of the messages (for stakeholders without their "
               "own)</label><select id=\"cp-language\" name=\"language\"><option>en</option>"
               "<option>de</option><option>fr</option></select>"
               "<div><button type=\"submit\">Create the campaign</button></div></form>",
               CVOM_FIELD_MAX - 1, CVOM_FIELD_MAX - 1, closes);
}

static int pages_campaigns(struct web_req *r)
{
    const char *scope = scope_of(r);
    if (r->user.role < CVOM_ROLE_MANAGER || !scope)
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Campaigns are for administrators and "
                          "account managers.");
    struct buf *b = &r->out;
    page_begin(r, "Campaigns", "campaigns");
    buf_puts(b, "<div class=\"page-head\"><h1>Survey campaigns</h1><p class=\"hint\">Who was "
                "sent a survey link, who opened it, who answered.</p></div>");
    const char *done = web_query(r, "done");
    if (done && strcmp(done, "closed") == 0)
        page_notice(r, "ok", "The campaign is closed: its links work no more.");
    buf_printf(b,
               "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th "
               "scope=\"col\">Campaign</th><th scope=\"col\">State</th><th scope=\"col\">"
               "Closes</th>%s</tr></thead><tbody>",
               figures_head);
    struct list_page p = {.r = r, .scope = scope};
    enum cvom_status st = r->store->ops->campaign_list(r->store, list_row, &p, &r->err);
    if (!st)
        st = p.st;
    if (st) {
        buf_reset(b);
        return web_fail(r, st, &r->err);
    }
    buf_puts(b, "</tbody></table></div>");
    if (!p.shown)
        buf_puts(b, "<p>No campaign yet.</p>");
    create_form(r);
    page_end(r);
    return 200;
}

/* ---- POST /campaigns ------------------------------------------------------------------------ */

static int invalid(struct web_req *r, const char *field, const char *message)
{
    return web_refuse(r, WEB_INVALID, field, message);
}

static int pages_campaign_create(struct web_req *r)
{
    const char *scope = scope_of(r);
    if (r->user.role < CVOM_ROLE_MANAGER || !scope)
        return web_refuse(r, WEB_FORBIDDEN, NULL, "Your role does not allow this.");
    const char *owner = web_field(r, "owner"), *tag = web_field(r, "tag");
    const char *industry = web_field(r, "industry"), *q = web_field(r, "quadrant");
    const char *closes = web_field(r, "closes"), *name = web_field(r, "name");
    struct cvom_account_filter f;
    pages_scope_filter(r, owner, tag, industry, &f);
    struct cvom_campaign_spec spec = {.name = name,
                                      .filter = &f,
                                      .quadrant = -1,
                                      .scope_owner = scope,
                                      .language = web_field(r, "language"),
                                      .created_by = r->user.name,
                                      .now = (int64_t)time(NULL)};
    if (q && q[0] && (spec.quadrant = cvom_quadrant_parse(q)) < 0)
        return invalid(r, "quadrant", "There is no such quadrant.");
    int32_t day;
    if (closes && closes[0]) {
        if (cvom_date_parse(closes, &day))
            return invalid(r, "closes", "The date was not understood (YYYY-MM-DD).");
        spec.closes = ((int64_t)day + 1) * 86400;
    }
    struct cvom_config cfg;
    struct cvom_campaign c;
    size_t links = 0;
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st)
        st = r->store->ops->begin(r->store, &r->err);
    if (!st) {
        st = cvom__campaign_create(r->store, &cfg, &spec, &c, &links, &r->err);
        char detail[64];
        snprintf(detail, sizeof detail, "%zu links", links);
        if (!st)
            web_audit(r, "campaign-create", c.name, detail);
        if (!st)
            st = r->store->ops->commit(r->store, &r->err);
        if (st)
            r->store->ops->rollback(r->store);
    }
    if (st == CVOM_EINVAL)
        return invalid(r, name && name[0] ? NULL : "name", r->err.message);
    if (st == CVOM_EEXIST)
        return web_refuse(r, WEB_CONFLICT, "name", "There is a campaign of that name already.");
    if (st)
        return web_fail(r, st, &r->err);
    char to[48];
    snprintf(to, sizeof to, "/campaigns/%lld", (long long)c.id);
    return web_redirect(r, to);
}

/* ---- GET /campaigns/{id} ----------------------------------------------------------------- */

/* The campaign of the route's id as the user may see it; 0 or the answer's status. */
static int load(struct web_req *r, struct cvom_campaign_view *v)
{
    const char *scope = scope_of(r);
    memset(v, 0, sizeof *v);
    if (r->user.role < CVOM_ROLE_MANAGER || !scope)
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Campaigns are for administrators and "
                          "account managers.");
    long id;
    enum cvom_status st = cvom__parse_long(r->param[0], 1, INT32_MAX, &id)
                              ? CVOM_ENOTFOUND
                              : cvom__campaign_view_load(r->store, r->param[0], scope, v, &r->err);
    /* Another manager's campaign is as missing as one that is not there. */
    if (!st && scope[0] && v->n == 0 && strcmp(v->c.created_by, r->user.name) != 0)
        st = CVOM_ENOTFOUND;
    if (st == CVOM_ENOTFOUND)
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such campaign.");
    return st ? web_fail(r, st, &r->err) : 0;
}

static void figures_table(struct web_req *r, const struct cvom_campaign_view *v)
{
    struct buf *b = &r->out;
    buf_printf(b,
               "<h2>Figures</h2><div class=\"table-wrap\"><table class=\"data\" "
               "id=\"figures\"><thead><tr><th scope=\"col\">Account</th>%s</tr></thead>"
               "<tbody>",
               figures_head);
    for (size_t i = 0; i < v->n_accounts; i++) {
        buf_printf(b, "<tr><th scope=\"row\"><a href=\"/accounts/%lld\">",
                   (long long)v->accounts[i].id);
        buf_html(b, v->accounts[i].name);
        buf_puts(b, "</a></th>");
        figures_cells(b, &v->accounts[i].f);
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody><tfoot><tr class=\"total\"><th scope=\"row\">Total</th>");
    figures_cells(b, &v->total);
    buf_puts(b, "</tr></tfoot></table></div>");
}

static void waiting_table(struct web_req *r, const struct cvom_campaign_view *v)
{
    struct buf *b = &r->out;
    buf_puts(b, "<h2>Not answered</h2>");
    if (v->total.completed == v->total.links) {
        buf_puts(b, "<p>Everyone has answered.</p>");
        return;
    }
    buf_puts(b, "<div class=\"table-wrap\"><table class=\"data\" id=\"waiting\"><thead><tr>"
                "<th scope=\"col\">Account</th><th scope=\"col\">Stakeholder</th><th "
                "scope=\"col\">E-mail</th><th scope=\"col\">Where it stands</th></tr></thead>"
                "<tbody>");
    for (size_t i = 0; i < v->n; i++) {
        const struct cvom_campaign_link *l = &v->links[i];
        if (!cvom__campaign_link_waiting(l))
            continue;
        buf_puts(b, l->refused ? "<tr class=\"refused\"><td>" : "<tr><td>");
        buf_html(b, l->account);
        buf_puts(b, "</td><td>");
        buf_html(b, l->name);
        buf_puts(b, "</td><td>");
        buf_html(b, l->email);
        buf_puts(b, "</td><td>");
        buf_html(b, cvom__campaign_link_state(l));
        if (l->error[0]) {
            buf_puts(b, ": <small>");
            buf_html(b, l->error);
            buf_puts(b, "</small>");
        }
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div>");
}

/* Closing stops every link of a campaign: an administrator may, and a manager who made it
 * or who owns every account it reaches. */
static int may_close(struct web_req *r, const struct cvom_campaign_view *v)
{
    if (r->user.role == CVOM_ROLE_ADMIN || strcmp(v->c.created_by, r->user.name) == 0)
        return 1;
    struct cvom_campaign_view all;
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)v->c.id);
    int whole = !cvom__campaign_view_load(r->store, ref, NULL, &all, &r->err) && all.n == v->n;
    cvom__campaign_view_cleanup(&all);
    return whole;
}

static int pages_campaign(struct web_req *r)
{
    struct cvom_campaign_view v;
    int http = load(r, &v);
    if (http) {
        cvom__campaign_view_cleanup(&v);
        return http;
    }
    struct buf *b = &r->out;
    char closes[11], created[11];
    day_of(v.c.closes - 1, closes);
    day_of(v.c.created, created);
    int open = cvom__campaign_open(&v.c, (int64_t)time(NULL));
    page_begin(r, v.c.name, "campaigns");
    buf_puts(b, "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/campaigns\">"
                "Campaigns</a></nav><div class=\"page-head\"><h1>");
    buf_html(b, v.c.name);
    buf_printf(b, "</h1><p class=\"hint\">%s; created %s by ", open ? "Open" : "Closed", created);
    buf_html(b, v.c.created_by);
    buf_printf(b, "; links work until %s; messages in ", closes);
    buf_html(b, v.c.language);
    buf_puts(b, " unless a stakeholder has a language of their own. The response rate is "
                "the share of links answered.</p></div>");
    figures_table(r, &v);
    waiting_table(r, &v);
    if (open && may_close(r, &v)) {
        buf_printf(b, "<form method=\"post\" action=\"/campaigns/%lld/close\">", (long long)v.c.id);
        page_csrf(r);
        buf_puts(b, "<button type=\"submit\" class=\"danger\">Close the campaign now</button> "
                    "<span class=\"hint\">Its links stop working.</span></form>");
    }
    page_end(r);
    cvom__campaign_view_cleanup(&v);
    return 200;
}

/* ---- POST /campaigns/{id}/close ----------------------------------------------------------- */

static int pages_campaign_close(struct web_req *r)
{
    struct cvom_campaign_view v;
    int http = load(r, &v);
    if (!http && !may_close(r, &v))
        http = web_refuse(r, WEB_FORBIDDEN, NULL,
                          "A campaign that reaches accounts of others is closed by an "
                          "administrator or by whoever made it.");
    enum cvom_status st = http ? CVOM_OK : r->store->ops->begin(r->store, &r->err);
    if (!http && !st) {
        st = r->store->ops->campaign_close(r->store, v.c.id, (int64_t)time(NULL), &r->err);
        if (!st)
            web_audit(r, "campaign-close", v.c.name, NULL);
        if (!st)
            st = r->store->ops->commit(r->store, &r->err);
        if (st)
            r->store->ops->rollback(r->store);
    }
    cvom__campaign_view_cleanup(&v);
    if (http)
        return http;
    if (st == CVOM_ENOTFOUND)
        return web_refuse(r, WEB_CONFLICT, NULL, "The campaign is closed already.");
    return st ? web_fail(r, st, &r->err) : web_redirect(r, "/campaigns?done=closed");
}

const struct web_route web_campaign_routes[] = {
    {M_GET, "/campaigns", pages_campaigns, A_MANAGER, 0},
    {M_POST, "/campaigns", pages_campaign_create, A_MANAGER, 0},
    {M_GET, "/campaigns/{id}", pages_campaign, A_MANAGER, 0},
    {M_POST, "/campaigns/{id}/close", pages_campaign_close, A_MANAGER, 0},
    {0, NULL, NULL, 0, 0},
};
