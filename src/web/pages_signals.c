/* pages_signals.c — on the account page: the CRM signals blended into its scores, with the
 * points each adds, and its network ledger. */
#include "web/pages_signals.h"

#include "io/util.h"
#include "web/api_util.h"
#include "web/page.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void pages_signals_table(struct buf *b, const struct cvom_explanation *ex,
                         const struct cvom_signals_shown *sig)
{
    const struct cvom_blend *bl = &ex->blend;
    if (!sig->n)
        return;
    buf_printf(b,
               "<h3>Signals</h3><p class=\"hint\">Figures from the CRM and finance systems, "
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
        buf_printf(b,
                   "<tr><th scope=\"row\">Survey</th><td>%s</td><td></td><td class=\"num\">"
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
        buf_printf(b,
                   "</small></th><td>%s</td><td class=\"num\">%.4g</td><td class=\"num\">"
                   "%.1f</td><td class=\"num\">%g</td>",
                   cvom_dim_name(g->sig.def.axis), g->raw, g->score, g->sig.def.weight);
        if (bl->counted[i])
            buf_printf(b,
                       "<td class=\"num\">%.1f %%</td><td class=\"num\"><strong>%.2f"
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
    buf_printf(k->b, "</td><td>%s</td><td>", cvom__network_kind_name(e->kind));
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

static void network_form(struct web_req *r, int64_t account_id)
{
    struct buf *b = &r->out;
    buf_printf(b,
               "<form class=\"stack\" method=\"post\" action=\"/accounts/%lld/network\">"
               "<fieldset><legend>Record an introduction, peer group or event</legend>",
               (long long)account_id);
    page_csrf(r);
    buf_printf(b,
               "<label for=\"net-kind\">Kind</label><select id=\"net-kind\" name=\"kind\">"
               "<option value=\"introduction\">Introduction</option><option "
               "value=\"peer_group\">Peer group</option><option value=\"event\">Event"
               "</option></select><label for=\"net-title\">What (whom we introduced, which "
               "group or event)</label><input id=\"net-title\" name=\"title\" required "
               "maxlength=\"%d\"><label for=\"net-date\">Date</label><input type=\"date\" "
               "id=\"net-date\" name=\"date\"><label for=\"net-rating\">The customer's "
               "rating, 1&ndash;5 (leave empty until given)</label><input type=\"number\" "
               "id=\"net-rating\" name=\"rating\" min=\"1\" max=\"5\" step=\"1\">"
               "<label for=\"net-notes\">Notes</label><input id=\"net-notes\" "
               "name=\"notes\" maxlength=\"%d\"><div><button type=\"submit\">Add to the "
               "ledger</button></div></fieldset></form>",
               CVOM_FIELD_MAX - 1, CVOM_FIELD_MAX - 1);
}

enum cvom_status pages_network_section(struct web_req *r, int64_t account_id, int edit)
{
    struct buf *b = &r->out;
    struct cvom_store *st = r->store;
    struct cvom_error *err = &r->err;
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
        buf_puts(b, "<p>Nothing recorded yet.</p>");
    } else {
        buf_puts(b, "</tbody></table></div>");
        if (k.n > PAGES_LEDGER_ROWS)
            buf_printf(b, "<p class=\"hint\">The newest %d entries are shown.</p>",
                       PAGES_LEDGER_ROWS);
    }
    if (edit)
        network_form(r, account_id);
    buf_puts(b, "</section>");
    return CVOM_OK;
}

enum cvom_status pages_network_read(const struct pages_network_fields *in, int32_t today,
                                    struct cvom_network_entry *out, struct cvom_error *err)
{
    struct cvom_network_entry e;
    memset(&e, 0, sizeof e);
    e.rating = NAN;
    e.date = today;
    int kind = in->kind ? cvom__network_kind_parse(in->kind) : -1;
    if (kind < 0) {
        cvom_error_set(err, CVOM_EINVAL, "The kind is introduction, peer_group or event.");
        cvom__copy_str(err->field, sizeof err->field, "kind");
        return CVOM_EINVAL;
    }
    e.kind = (enum cvom_network_kind)kind;
    if (!in->title || cvom__copy_str(e.title, sizeof e.title, in->title) ||
        !cvom__trim(e.title)[0]) {
        cvom_error_set(err, CVOM_EINVAL, "Say what it was, in 1 to %d bytes.", CVOM_FIELD_MAX - 1);
        cvom__copy_str(err->field, sizeof err->field, "title");
        return CVOM_EINVAL;
    }
    if (in->notes && cvom__copy_str(e.notes, sizeof e.notes, in->notes)) {
        cvom_error_set(err, CVOM_EINVAL, "The notes are longer than %d bytes.", CVOM_FIELD_MAX - 1);
        cvom__copy_str(err->field, sizeof err->field, "notes");
        return CVOM_EINVAL;
    }
    if (in->date && in->date[0] && cvom_date_parse(in->date, &e.date)) {
        cvom_error_set(err, CVOM_EINVAL, "The date must be YYYY-MM-DD.");
        cvom__copy_str(err->field, sizeof err->field, "date");
        return CVOM_EINVAL;
    }
    if (in->rating && in->rating[0] &&
        (cvom__parse_double(in->rating, &e.rating) || !(e.rating >= 1 && e.rating <= 5))) {
        cvom_error_set(err, CVOM_EINVAL, "The rating is a number from 1 to 5.");
        cvom__copy_str(err->field, sizeof err->field, "rating");
        return CVOM_EINVAL;
    }
    *out = e;
    return CVOM_OK;
}

static enum cvom_status network_store(struct cvom_store *st, struct cvom_network_entry *e,
                                      struct cvom_error *err)
{
    enum cvom_status s = st->ops->begin(st, err);
    if (!s) {
        if (!(s = st->ops->network_add(st, e, err)))
            s = st->ops->commit(st, err);
        if (s)
            st->ops->rollback(st);
    }
    return s;
}

/* ---- POST /accounts/{id}/network ----------------------------------------------------------- */

int pages_network_post(struct web_req *r)
{
    struct cvom_account a;
    int http = pages_load_account(r, &a);
    if (http)
        return http;
    if (!pages_can_edit(r, &a))
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Your role does not allow changing this account.");
    struct pages_network_fields in = {web_field(r, "kind"), web_field(r, "title"),
                                      web_field(r, "date"), web_field(r, "rating"),
                                      web_field(r, "notes")};
    struct cvom_network_entry e;
    enum cvom_status st = pages_network_read(&in, pages_today(), &e, &r->err);
    if (st)
        return web_refuse(r, WEB_INVALID, r->err.field, r->err.message);
    e.account_id = a.id;
    if ((st = network_store(r->store, &e, &r->err)) != CVOM_OK)
        return web_fail(r, st, &r->err);
    char to[80];
    snprintf(to, sizeof to, "/accounts/%lld?saved=network#network", (long long)a.id);
    return web_redirect(r, to);
}

/* ---- the API ------------------------------------------------------------------------------- */

static int signal_item(void *ctx, const struct cvom_signal *g)
{
    int fixed = g->def.norm == CVOM_NORM_FIXED, logistic = g->def.norm == CVOM_NORM_LOGISTIC;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(g->id));
    json_object_set_new(o, "name", api_str(g->def.name));
    json_object_set_new(o, "label", api_str(g->def.label));
    json_object_set_new(o, "axis", json_string(cvom_dim_name(g->def.axis)));
    json_object_set_new(o, "direction", json_string(g->def.direction < 0 ? "-" : "+"));
    json_object_set_new(o, "norm", json_string(cvom_norm_name(g->def.norm)));
    json_object_set_new(o, "p1", fixed || logistic ? json_real(g->def.p1) : json_null());
    json_object_set_new(o, "p2", fixed || logistic ? json_real(g->def.p2) : json_null());
    json_object_set_new(o, "weight", json_real(g->def.weight));
    json_object_set_new(o, "source",
                        json_string(g->source == CVOM_SIGNAL_LEDGER ? "ledger" : "imported"));
    return json_array_append_new(ctx, o) != 0;
}

int api_signals_list(struct web_req *r)
{
    struct api_page pg;
    int rc = api_page_params(r, &pg);
    if (rc)
        return rc;
    json_t *items = json_array();
    enum cvom_status st = r->store->ops->signal_list(r->store, signal_item, items, &r->err);
    if (st) {
        json_decref(items);
        return web_fail(r, st, &r->err);
    }
    return api_send_list(r, &pg, items, NULL);
}

static json_t *entry_json(const struct cvom_network_entry *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(e->id));
    json_object_set_new(o, "account_id", json_integer(e->account_id));
    json_object_set_new(o, "date", api_date(e->date));
    json_object_set_new(o, "kind", json_string(cvom__network_kind_name(e->kind)));
    json_object_set_new(o, "title", api_str(e->title));
    json_object_set_new(o, "rating", isnan(e->rating) ? json_null() : json_real(e->rating));
    json_object_set_new(o, "notes", api_str(e->notes));
    return o;
}

static int entry_item(void *ctx, const struct cvom_network_entry *e)
{
    return json_array_append_new(ctx, entry_json(e)) != 0;
}

int api_network_list(struct web_req *r)
{
    struct cvom_account a;
    struct api_page pg;
    int rc;
    if ((rc = api_account(r, &a)) || (rc = api_page_params(r, &pg)))
        return rc;
    json_t *items = json_array();
    enum cvom_status st = r->store->ops->network_list(r->store, a.id, entry_item, items, &r->err);
    if (st) {
        json_decref(items);
        return web_fail(r, st, &r->err);
    }
    return api_send_list(r, &pg, items, NULL);
}

static const char *const entry_keys[] = {"kind", "title", "date", "rating", "notes", NULL};

int api_network_create(struct web_req *r)
{
    struct cvom_account a;
    int rc;
    if ((rc = api_account(r, &a)))
        return rc;
    json_t *body = api_body(r, &rc);
    if (!body)
        return rc;
    struct pages_network_fields in = {0};
    char rating[40];
    if (!(rc = api_known_fields(r, body, entry_keys)) &&
        !(rc = api_member_text(r, body, "kind", &in.kind)) &&
        !(rc = api_member_text(r, body, "title", &in.title)) &&
        !(rc = api_member_text(r, body, "date", &in.date)) &&
        !(rc = api_member_text(r, body, "notes", &in.notes)))
        rc = api_member_number(r, body, "rating", rating, sizeof rating, &in.rating);
    struct cvom_network_entry e;
    enum cvom_status st;
    if (!rc && (st = pages_network_read(&in, api_today(), &e, &r->err)) != CVOM_OK)
        rc = api_invalid(r, r->err.field, r->err.message);
    json_decref(body);
    if (rc)
        return rc;
    e.account_id = a.id;
    if ((rc = api_begin(r)) ||
        (rc = api_finish(r, r->store->ops->network_add(r->store, &e, &r->err))))
        return rc;
    /* An entry has no address of its own: the ledger it is in. */
    snprintf(r->location, sizeof r->location, "/api/v1/accounts/%" PRId64 "/network", a.id);
    return api_send(r, 201, entry_json(&e));
}

const struct web_route web_signal_routes[] = {
    {M_POST, "/accounts/{id}/network", pages_network_post, A_MANAGER, 0},
    {M_GET, "/admin/signals", admin_signals_get, A_ADMIN, 0},
    {M_POST, "/admin/signals", admin_signals_post, A_ADMIN, 0},
    {M_GET, "/api/v1/signals", api_signals_list, A_VIEWER, 0},
    {M_GET, "/api/v1/accounts/{id}/network", api_network_list, A_VIEWER, 0},
    {M_POST, "/api/v1/accounts/{id}/network", api_network_create, A_MANAGER, 0},
    {0, NULL, NULL, 0, 0},
};
