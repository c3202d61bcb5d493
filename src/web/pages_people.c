/* pages_people.c — an account's people on its page: the relationship map drawn as an
 * organisation chart (server-side SVG: colour by stance, size by influence, each person's
 * own quadrant, last contact and coverage gaps), the forms that add, change and remove
 * stakeholders, the form that changes the account's facts, and the page of a new account.
 * Every write checks the account's owner as the notes do and carries the session's CSRF
 * token; the fields are validated by io/records.c, as on the command line. */
#include "web/pages_util.h"

#include "io/records.h"
#include "io/util.h"
#include "io/values.h"
#include "render/palette.h"
#include "service/accounts.h"
#include "service/relmap.h"
#include "web/auth.h"
#include "web/page.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAP_DRAWN_MAX 200 /* people drawn on one chart; the rest are listed as left out */
#define COL_W 160
#define ROW_H 96

/* ---- the map ----------------------------------------------------------------------------- */

/* Each entry's column on the chart: leaves take the next column in chart order, a person
 * with reports sits above the middle of the first and last of them. up[i] receives the
 * index of whom entry i reports to on the chart, -1 at the top. */
static void place(const struct cvom_map_entry *e, size_t n, double *x, long *up)
{
    long last_at[64];
    double next = 0;
    for (size_t i = 0; i < n; i++) {
        int d = e[i].depth < 63 ? e[i].depth : 63;
        up[i] = d > 0 ? last_at[d - 1] : -1;
        last_at[d] = (long)i;
        int leaf = i + 1 == n || e[i + 1].depth <= e[i].depth;
        x[i] = leaf ? next++ : -1;
    }
    for (size_t i = n; i-- > 0;) {
        if (x[i] >= 0)
            continue;
        double lo = -1, hi = -1;
        for (size_t j = i + 1; j < n && e[j].depth > e[i].depth; j++)
            if (up[j] == (long)i) {
                if (lo < 0)
                    lo = x[j];
                hi = x[j];
            }
        x[i] = lo < 0 ? 0 : (lo + hi) / 2;
    }
}

static double node_r(double influence)
{
    return 8 + 14 * (influence < 0 ? 0 : influence > 1 ? 1 : influence);
}

/* A name as the chart writes it: at most 22 characters, cut with an ellipsis. */
static void short_text(struct buf *b, const char *s)
{
    char cut[96];
    size_t n = 0, chars = 0;
    for (const char *p = s; *p && n + 4 < sizeof cut; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > 22) {
            memcpy(cut + n, "\xE2\x80\xA6", 3);
            n += 3;
            break;
        }
        cut[n++] = *p;
    }
    cut[n] = '\0';
    buf_html(b, cut);
}

static void map_node(struct buf *b, const struct cvom_map_entry *e, double cx, double cy)
{
    const struct cvom_stakeholder *s = &e->s;
    char fill[8], day[16] = "no contact";
    cvom__palette_hex(cvom__palette_stance[(unsigned)s->stance < CVOM_STANCE_COUNT ? s->stance : 0],
                      fill);
    if (s->last_contact)
        cvom_date_format(s->last_contact, day);
    double r = node_r(s->influence);
    buf_printf(b, "<g class=\"map-node%s\" data-stakeholder=\"%" PRId64 "\"><title>",
               e->gaps ? " gap" : "", s->id);
    buf_html(b, s->name);
    buf_printf(b, " \xE2\x80\x94 %s, influence %.2f", cvom__stance_name(s->stance), s->influence);
    if (e->gaps) {
        char why[256];
        buf_puts(b, "; gap: ");
        buf_html(b, cvom__map_gaps_text(e->gaps, why, sizeof why));
    }
    buf_printf(b, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"", cx, cy, r,
               fill);
    if (e->gaps)
        buf_puts(b, " stroke=\"#bf2828\" stroke-width=\"3\" stroke-dasharray=\"4 3\"");
    buf_puts(b, "/>");
    if (e->gaps)
        buf_printf(b,
                   "<text x=\"%.1f\" y=\"%.1f\" class=\"map-flag\" fill=\"#bf2828\" "
                   "font-weight=\"700\" font-size=\"16\">!</text>",
                   cx + r + 3, cy - r + 10);
    buf_printf(b,
               "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
               "font-weight=\"600\">",
               cx, cy + r + 14);
    short_text(b, s->name);
    buf_printf(b,
               "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
               "fill=\"#555\">",
               cx, cy + r + 27);
    if (e->quadrant >= 0)
        buf_printf(b, "%s \xC2\xB7 ", cvom_quadrant_title((enum cvom_quadrant)e->quadrant));
    buf_printf(b, "%s</text></g>", day);
}

static void map_svg(struct buf *b, const struct cvom_account_map *m, size_t n)
{
    double *x = calloc(n, sizeof *x);
    long *up = calloc(n, sizeof *up);
    if (!x || !up) {
        free(x);
        free(up);
        buf_puts(b, "<p class=\"hint\">The map could not be drawn (out of memory).</p>");
        return;
    }
    place(m->e, n, x, up);
    double cols = 1;
    int rows = 1;
    for (size_t i = 0; i < n; i++) {
        if (x[i] + 1 > cols)
            cols = x[i] + 1;
        if (m->e[i].depth + 1 > rows)
            rows = m->e[i].depth + 1;
    }
    double w = cols * COL_W, h = rows * ROW_H + 10;
    buf_printf(b,
               "<div class=\"table-wrap\"><svg class=\"relmap\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"map-t\"><title "
               "id=\"map-t\">Organisation chart by whom each stakeholder reports to</title>",
               w, h, w, h);
    for (size_t i = 0; i < n; i++) {
        if (up[i] < 0)
            continue;
        size_t p = (size_t)up[i];
        double px = x[p] * COL_W + COL_W / 2.0, py = m->e[p].depth * ROW_H + 30;
        double cx = x[i] * COL_W + COL_W / 2.0, cy = m->e[i].depth * ROW_H + 30;
        double mid = cy - node_r(m->e[i].s.influence) - 8;
        buf_printf(b, "<path d=\"M%.1f %.1fV%.1fH%.1fV%.1f\" fill=\"none\" stroke=\"#999\"/>", px,
                   py + node_r(m->e[p].s.influence) + 32, mid, cx,
                   cy - node_r(m->e[i].s.influence));
    }
    for (size_t i = 0; i < n; i++)
        map_node(b, &m->e[i], x[i] * COL_W + COL_W / 2.0, m->e[i].depth * ROW_H + 30);
    buf_puts(b, "</svg></div>");
    free(x);
    free(up);
}

static void map_legend(struct buf *b)
{
    buf_puts(b, "<p class=\"hint map-legend\">Colour: stance (");
    for (int s = 1; s < CVOM_STANCE_COUNT; s++)
        buf_printf(b, "%s<span class=\"stance %s\">%s</span>", s > 1 ? ", " : "",
                   cvom__stance_name((enum cvom_stance)s), cvom__stance_name((enum cvom_stance)s));
    buf_printf(b,
               "; grey: unknown). Size: influence. Under each name: their own quadrant and "
               "last contact. A dashed red ring and \xE2\x80\x9C!\xE2\x80\x9D mark a "
               "coverage gap. Decision makers: a role with \xE2\x80\x9C"
               "decision\xE2\x80\x9D "
               "or \xE2\x80\x9C"
               "buyer\xE2\x80\x9D, or influence %.1f or more.</p>",
               CVOM_MAP_DECIDER_INFLUENCE);
}

void pages_account_map(struct web_req *r, const struct cvom_account_map *m)
{
    struct buf *b = &r->out;
    buf_puts(b, "<section class=\"block\" id=\"map\" aria-labelledby=\"map-h\"><h2 "
                "id=\"map-h\">Relationship map</h2>");
    if (!m->n) {
        buf_puts(b, "<p>No stakeholders recorded yet.</p></section>");
        return;
    }
    size_t n = m->n < MAP_DRAWN_MAX ? m->n : MAP_DRAWN_MAX;
    map_svg(b, m, n);
    if (n < m->n)
        buf_printf(b,
                   "<p class=\"hint\">The chart shows the first %zu of %zu stakeholders; "
                   "the gaps below count them all.</p>",
                   n, m->n);
    map_legend(b);
    if (!m->flagged) {
        buf_puts(b, "<p class=\"map-ok\">No coverage gaps.</p></section>");
        return;
    }
    buf_printf(b, "<h3>Coverage gaps (%zu)</h3><ul class=\"gaps\">", m->flagged);
    for (size_t i = 0; i < m->n; i++) {
        const struct cvom_map_entry *e = &m->e[i];
        if (!e->gaps)
            continue;
        char why[256];
        buf_puts(b, "<li><strong>");
        buf_html(b, e->s.name);
        buf_puts(b, "</strong>: ");
        buf_html(b, cvom__map_gaps_text(e->gaps, why, sizeof why));
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul></section>");
}

/* ---- the stakeholder form ---------------------------------------------------------------- */

static void option(struct buf *b, const char *value, const char *text, int selected)
{
    buf_puts(b, "<option value=\"");
    buf_html(b, value);
    buf_printf(b, "\"%s>", selected ? " selected" : "");
    buf_html(b, text);
    buf_puts(b, "</option>");
}

static void text_input(struct buf *b, const char *id, const char *name, const char *label,
                       const char *value, int max, const char *extra)
{
    buf_printf(b,
               "<label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" maxlength=\"%d\" "
               "value=\"",
               id, label, id, name, max);
    buf_html(b, value);
    buf_printf(b, "\"%s>", extra);
}

/* The fields of a stakeholder (s, or a new one when s->id is 0) as a form posting to
 * action; p (k of them) are the account's stakeholders, to choose whom s reports to. */
void pages_stakeholder_form(struct web_req *r, const struct cvom_stakeholder *s,
                            const struct cvom_stakeholder *p, size_t k, const char *action)
{
    struct buf *b = &r->out;
    char id[32], val[32];
    snprintf(id, sizeof id, "sh%" PRId64, s->id);
    buf_puts(b, "<form class=\"stack\" method=\"post\" action=\"");
    buf_html(b, action);
    buf_puts(b, "\">");
    page_csrf(r);
    const struct {
        const char *field, *label;
        const char *value;
        int max;
        const char *extra;
    } texts[] = {
        {"name", "Name", s->name, CVOM_FIELD_MAX - 1, " required"},
        {"role", "Role (economic buyer, decision maker, user \xE2\x80\xA6)", s->role,
         CVOM_FIELD_MAX - 1, ""},
        {"email", "E-mail", s->email, CVOM_FIELD_MAX - 1, " type=\"email\""},
        {"external_id", "CRM id", s->external_id, CVOM_FIELD_MAX - 1, ""},
        {"counterpart", "Our counterpart (who looks after them)", s->counterpart,
         CVOM_FIELD_MAX - 1, ""},
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char fid[64];
        snprintf(fid, sizeof fid, "%s-%s", id, texts[i].field);
        text_input(b, fid, texts[i].field, texts[i].label, texts[i].value, texts[i].max,
                   texts[i].extra);
    }
    snprintf(val, sizeof val, "%.2f", s->influence);
    buf_printf(b,
               "<label for=\"%s-influence\">Influence (0 to 1)</label><input "
               "id=\"%s-influence\" name=\"influence\" type=\"number\" min=\"0\" max=\"1\" "
               "step=\"0.01\" value=\"%s\">",
               id, id, val);
    buf_printf(b,
               "<label for=\"%s-stance\">Stance</label><select id=\"%s-stance\" "
               "name=\"stance\">",
               id, id);
    for (int k2 = 0; k2 < CVOM_STANCE_COUNT; k2++)
        option(b, cvom__stance_name((enum cvom_stance)k2), cvom__stance_name((enum cvom_stance)k2),
               (int)s->stance == k2);
    buf_printf(b,
               "</select><label for=\"%s-reports\">Reports to</label><select "
               "id=\"%s-reports\" name=\"reports_to\">",
               id, id);
    option(b, "", "nobody here", s->reports_to == 0);
    for (size_t i = 0; i < k; i++) {
        if (p[i].id == s->id)
            continue;
        snprintf(val, sizeof val, "%" PRId64, p[i].id);
        option(b, val, p[i].name, p[i].id == s->reports_to);
    }
    char day[11] = "";
    if (s->last_contact)
        cvom_date_format(s->last_contact, day);
    buf_printf(b,
               "</select><label for=\"%s-contact\">Last contact</label><input "
               "id=\"%s-contact\" name=\"last_contact\" type=\"date\" value=\"%s\">"
               "<label for=\"%s-channel\">Channel</label><select id=\"%s-channel\" "
               "name=\"channel\">",
               id, id, day, id, id);
    for (int c = 0; c < CVOM_CHANNEL_COUNT; c++)
        option(b, cvom__channel_name((enum cvom_channel)c),
               c ? cvom__channel_name((enum cvom_channel)c) : "none recorded",
               (int)s->channel == c);
    buf_printf(b,
               "</select><label for=\"%s-notes\">Notes</label><textarea id=\"%s-notes\" "
               "name=\"notes\" rows=\"3\" maxlength=\"%d\">",
               id, id, CVOM_STAKEHOLDER_NOTES_MAX - 1);
    buf_html(b, s->notes);
    buf_printf(b, "</textarea><div><button type=\"submit\">%s</button></div></form>",
               s->id ? "Save the stakeholder" : "Add the stakeholder");
}

/* ---- POST /accounts/{id}/stakeholders[/{sid}[/remove]] ------------------------------------ */

/* The stakeholder of the route's second capture in account a: 0 or the answer. */
static int stakeholder_of(struct web_req *r, const struct cvom_account *a,
                          struct cvom_stakeholder *s)
{
    long id;
    enum cvom_status st = CVOM_ENOTFOUND;
    if (r->n_param >= 2 && !cvom__parse_long(r->param[1], 1, LONG_MAX, &id))
        st = r->store->ops->stakeholder_get(r->store, id, s, &r->err);
    if (st == CVOM_ENOTFOUND || (!st && s->account_id != a->id))
        return web_refuse(r, WEB_NOT_FOUND, NULL, "The account has no such stakeholder.");
    return st ? web_fail(r, st, &r->err) : 0;
}

/* The form's fields onto s; whom they report to is resolved within the account. Text
 * areas come with CRLF line ends: kept as LF. */
static enum cvom_status read_stakeholder(struct web_req *r, struct cvom_stakeholder *s)
{
    char boss[CVOM_FIELD_MAX] = "", text[CVOM_STAKEHOLDER_NOTES_MAX + 1];
    enum cvom_status st = CVOM_OK;
    for (size_t i = 0; !st && cvom__stakeholder_fields[i].name; i++) {
        const char *f = cvom__stakeholder_fields[i].name, *v = web_field(r, f);
        if (!v)
            continue;
        size_t n = 0;
        for (; *v && n < sizeof text - 1; v++)
            if (*v != '\r')
                text[n++] = *v;
        text[n] = '\0';
        if (*v)
            return cvom_error_set(&r->err, CVOM_ELIMIT, "%s: too long", f);
        st = cvom__stakeholder_set(s, f, text, boss, &r->err);
    }
    if (!st && web_field(r, "reports_to"))
        st = cvom__stakeholder_reports_to(r->store, s, boss, &r->err);
    if (!st)
        st = cvom__stakeholder_check(s, &r->err);
    return st;
}

static int stakeholder_write(struct web_req *r, const struct cvom_account *a,
                             struct cvom_stakeholder *s, int add, const char *saved)
{
    enum cvom_status st = r->store->ops->begin(r->store, &r->err);
    if (!st) {
        st = read_stakeholder(r, s);
        if (!st)
            st = add ? r->store->ops->stakeholder_add(r->store, s, &r->err)
                     : r->store->ops->stakeholder_update(r->store, s, &r->err);
        if (!st)
            st = r->store->ops->commit(r->store, &r->err);
        if (st)
            r->store->ops->rollback(r->store);
    }
    if (st)
        return st == CVOM_EINVAL || st == CVOM_ELIMIT || st == CVOM_EEXIST
                   ? pages_form_error(r, &r->err)
                   : web_fail(r, st, &r->err);
    char to[96];
    snprintf(to, sizeof to, "/accounts/%" PRId64 "?saved=%s#map", a->id, saved);
    return web_redirect(r, to);
}

int pages_stakeholder_add(struct web_req *r)
{
    struct cvom_account a;
    int http = pages_editable_account(r, &a);
    if (http)
        return http;
    struct cvom_stakeholder s;
    memset(&s, 0, sizeof s);
    s.account_id = a.id;
    s.influence = 0.5;
    return stakeholder_write(r, &a, &s, 1, "stakeholder-added");
}

int pages_stakeholder_edit(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_stakeholder s;
    int http = pages_editable_account(r, &a);
    if (http || (http = stakeholder_of(r, &a, &s)))
        return http;
    return stakeholder_write(r, &a, &s, 0, "stakeholder");
}

/* Remove a record in a transaction of its own and say so in the audit log, then go to. */
static int remove_then(struct web_req *r,
                       enum cvom_status (*rm)(struct cvom_store *, int64_t, struct cvom_error *),
                       int64_t id, const char *action, const char *target, const char *detail,
                       const char *to)
{
    enum cvom_status st = r->store->ops->begin(r->store, &r->err);
    if (!st) {
        if (!(st = rm(r->store, id, &r->err))) {
            web_audit(r, action, target, detail);
            st = r->store->ops->commit(r->store, &r->err);
        }
        if (st)
            r->store->ops->rollback(r->store);
    }
    return st ? web_fail(r, st, &r->err) : web_redirect(r, to);
}

int pages_stakeholder_remove(struct web_req *r)
{
    struct cvom_account a;
    struct cvom_stakeholder s;
    int http = pages_editable_account(r, &a);
    if (http || (http = stakeholder_of(r, &a, &s)))
        return http;
    char detail[96], to[96];
    snprintf(detail, sizeof detail, "stakeholder %" PRId64 " of account %" PRId64, s.id, a.id);
    snprintf(to, sizeof to, "/accounts/%" PRId64 "?saved=stakeholder-removed#map", a.id);
    return remove_then(r, r->store->ops->stakeholder_remove, s.id, "stakeholder-delete", s.name,
                       detail, to);
}

/* POST /accounts/{id}/remove: the account with its stakeholders, assessments and plan. */
int pages_account_remove(struct web_req *r)
{
    struct cvom_account a;
    int http = pages_editable_account(r, &a);
    if (http)
        return http;
    char detail[64];
    snprintf(detail, sizeof detail, "account %" PRId64 " on the web", a.id);
    return remove_then(r, r->store->ops->account_remove, a.id, "account-delete", a.name, detail,
                       "/accounts?removed=1");
}

/* ---- the account's facts ----------------------------------------------------------------- */

static const char *const account_form_fields[] = {"name",    "external_id", "owner",    "parent",
                                                  "revenue", "potential",   "currency", "industry",
                                                  "region",  "tags"};

/* The account's fields (a new one when a->id is 0) as a form posting to action. Only an
 * admin chooses the owner: a manager's accounts are theirs. */
void pages_account_form(struct web_req *r, const struct cvom_account *a, const char *parent,
                        const char *action)
{
    struct buf *b = &r->out;
    char num[64];
    buf_puts(b, "<form class=\"stack\" method=\"post\" action=\"");
    buf_html(b, action);
    buf_puts(b, "\">");
    page_csrf(r);
    if (a->id)
        buf_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%" PRId64 "\">", a->version);
    text_input(b, "acc-name", "name", "Name", a->name, CVOM_FIELD_MAX - 1, " required");
    text_input(b, "acc-external_id", "external_id", "CRM id", a->external_id, CVOM_FIELD_MAX - 1,
               "");
    if (r->user.role == CVOM_ROLE_ADMIN)
        text_input(b, "acc-owner", "owner", "Owner (account manager)", a->owner, CVOM_FIELD_MAX - 1,
                   "");
    text_input(b, "acc-parent", "parent", "Part of (the parent account: id, CRM id or name)",
               parent, CVOM_FIELD_MAX - 1, "");
    snprintf(num, sizeof num, "%.2f", a->revenue);
    text_input(b, "acc-revenue", "revenue", "Annual revenue with us", num, 32,
               " inputmode=\"decimal\"");
    snprintf(num, sizeof num, "%.2f", a->potential);
    text_input(b, "acc-potential", "potential", "Annual potential", num, 32,
               " inputmode=\"decimal\"");
    text_input(b, "acc-currency", "currency", "Currency (e.g. EUR)", a->currency, 3, "");
    text_input(b, "acc-industry", "industry", "Industry", a->industry, CVOM_FIELD_MAX - 1, "");
    text_input(b, "acc-region", "region", "Region", a->region, CVOM_FIELD_MAX - 1, "");
    text_input(b, "acc-tags", "tags", "Tags (comma-separated)", a->tags, CVOM_TAGS_MAX - 1, "");
    buf_puts(b, "<label class=\"check\"><input type=\"checkbox\" name=\"allow_same_name\" "
                "value=\"1\"> Another account may have this name</label>");
    buf_printf(b, "<div><button type=\"submit\">%s</button></div></form>",
               a->id ? "Save the account" : "Create the account");
}

/* The form's fields onto a; the parent is resolved among the accounts the user may see. */
static enum cvom_status read_account(struct web_req *r, struct cvom_account *a)
{
    char parent[CVOM_FIELD_MAX] = "";
    int parent_given = 0;
    enum cvom_status st = CVOM_OK;
    for (size_t i = 0; !st && i < sizeof account_form_fields / sizeof *account_form_fields; i++) {
        const char *f = account_form_fields[i], *v = web_field(r, f);
        if (!v || (strcmp(f, "owner") == 0 && r->user.role != CVOM_ROLE_ADMIN))
            continue;
        parent_given |= strcmp(f, "parent") == 0;
        st = cvom__account_set(a, f, v, parent, &r->err);
    }
    if (st || !parent_given)
        return st;
    cvom__trim(parent);
    if (!parent[0]) {
        a->parent_id = 0;
        return CVOM_OK;
    }
    struct cvom_account p;
    st = r->store->ops->account_find(r->store, parent, &p, &r->err);
    if (!st && p.id == a->id)
        st = cvom_error_set(&r->err, CVOM_EINVAL, "parent: an account cannot be its own parent");
    else if (st == CVOM_ENOTFOUND || (!st && !pages_can_see(r, &p)))
        st = cvom_error_set(&r->err, CVOM_EINVAL, "parent: no account '%.60s' that you may see",
                            parent);
    if (st == CVOM_EINVAL)
        cvom__copy_str(r->err.field, sizeof r->err.field, "parent");
    if (!st)
        a->parent_id = p.id;
    return st;
}

static int account_write(struct web_req *r, struct cvom_account *a)
{
    int add = a->id == 0;
    char was[CVOM_FIELD_MAX], key[CVOM_FIELD_MAX];
    cvom__name_key(a->name, was, sizeof was);
    enum cvom_status st = read_account(r, a);
    if (!st && r->user.role == CVOM_ROLE_MANAGER)
        cvom__copy_str(a->owner, sizeof a->owner, r->user.display);
    if (!st)
        st = cvom__account_check(a, &r->err);
    if (st)
        return pages_form_error(r, &r->err);
    int allow = web_field(r, "allow_same_name") != NULL;
    if (!(st = r->store->ops->begin(r->store, &r->err))) {
        if (add || strcmp(cvom__name_key(a->name, key, sizeof key), was) != 0)
            st = cvom__account_name_check(r->store, a, allow,
                                          "the box \xE2\x80\x9C"
                                          "Another account may have this "
                                          "name\xE2\x80\x9D",
                                          &r->err);
        if (!st)
            st = add ? r->store->ops->account_add(r->store, a, &r->err)
                     : r->store->ops->account_update(r->store, a, &r->err);
        if (!st)
            st = r->store->ops->commit(r->store, &r->err);
        if (st)
            r->store->ops->rollback(r->store);
    }
    if (st == CVOM_ECONFLICT)
        return web_refuse(r, WEB_CONFLICT, NULL,
                          "The account was changed by someone else while you were editing. "
                          "Nothing was saved: open it again and redo your change.");
    if (st)
        return st == CVOM_EINVAL || st == CVOM_EEXIST || st == CVOM_ELIMIT
                   ? pages_form_error(r, &r->err)
                   : web_fail(r, st, &r->err);
    char to[96];
    snprintf(to, sizeof to, "/accounts/%" PRId64 "?saved=%s", a->id,
             add ? "account-created" : "account");
    return web_redirect(r, to);
}

/* POST /accounts/{id}/edit */
int pages_account_edit(struct web_req *r)
{
    struct cvom_account a;
    int http = pages_editable_account(r, &a);
    if (http)
        return http;
    return (http = pages_form_version(r, &a.version)) ? http : account_write(r, &a);
}

/* GET /accounts/new */
int pages_account_new(struct web_req *r)
{
    struct cvom_account a;
    memset(&a, 0, sizeof a);
    cvom__copy_str(a.currency, sizeof a.currency, "EUR");
    if (r->user.role == CVOM_ROLE_MANAGER && !r->user.display[0])
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "A manager needs a display name to own accounts; ask an admin.");
    page_begin(r, "New account", "accounts");
    struct buf *b = &r->out;
    buf_puts(b, "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/accounts\">Accounts"
                "</a> <span aria-hidden=\"true\">\xE2\x80\xBA</span> <span aria-current=\"page\">"
                "New account</span></nav><div class=\"narrow\"><h1>New account</h1>");
    if (r->user.role == CVOM_ROLE_MANAGER) {
        buf_puts(b, "<p class=\"hint\">The account will be yours: its owner is ");
        buf_html(b, r->user.display);
        buf_puts(b, ".</p>");
    }
    pages_account_form(r, &a, "", "/accounts");
    buf_puts(b, "</div>");
    page_end(r);
    return 200;
}

/* POST /accounts */
int pages_account_create(struct web_req *r)
{
    if (r->user.role == CVOM_ROLE_MANAGER && !r->user.display[0])
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "A manager needs a display name to own accounts; ask an admin.");
    struct cvom_account a;
    memset(&a, 0, sizeof a);
    cvom__copy_str(a.currency, sizeof a.currency, "EUR");
    return account_write(r, &a);
}
