/* pages_offerings.c — offerings on the web: the catalogue at /offerings (managers and admins
 * add; admins remove, which also removes every account's rating of it), and the account
 * page's section with each rated offering's importance, performance, cost to serve and
 * importance–performance quadrant, the account's unvalued cost, and the form that records
 * a rating. The rules are `cvom offering`'s; the quadrants come from core/offerings.c. */
#include "web/pages_util.h"

#include "io/util.h"
#include "web/auth.h"
#include "web/page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OFFERINGS_SHOWN 2000 /* the catalogue and one account's ratings on a page */

/* ---- listings -------------------------------------------------------------------------------- */

/* The offerings and ratings a page shows, at most OFFERINGS_SHOWN of each (struct cvom_rows:
 * past them the page says rows were left out; short of memory, it fails). */
static int push_offering(void *ctx, const struct cvom_offering *o)
{
    return cvom__rows_push(ctx, o);
}

static int push_rating(void *ctx, const struct cvom_offering_rating *r)
{
    return cvom__rows_push(ctx, r);
}

/* A listing's status, with a collector that ran out of memory counted as a failure (one
 * past the bound only shows fewer: the page says so). */
static enum cvom_status kept(enum cvom_status st, const struct cvom_rows *l, struct cvom_error *err)
{
    return st ? st : cvom__rows_status(l, NULL, err);
}

/* A notice chosen by a fixed key of the query, so that no text of the URL is shown. */
static void said(struct web_req *r, const char *name, const char *const (*texts)[2])
{
    const char *v = web_query(r, name);
    for (; v && (*texts)[0]; texts++)
        if (strcmp(v, (*texts)[0]) == 0)
            page_notice(r, "ok", (*texts)[1]);
}

/* ---- GET /offerings ---------------------------------------------------------------------------
 */

static void catalogue_table(struct web_req *r, const struct cvom_rows *c)
{
    const struct cvom_offering *v = c->v;
    struct buf *b = &r->out;
    int admin = r->user.role == CVOM_ROLE_ADMIN;
    if (!c->n) {
        buf_puts(b, "<p class=\"hint\">The catalogue is empty.</p>");
        return;
    }
    buf_printf(b,
               "<table class=\"data\" id=\"catalogue\"><thead><tr><th scope=\"col\">Code"
               "</th><th scope=\"col\">Name</th><th scope=\"col\">Category</th>%s</tr>"
               "</thead><tbody>",
               admin ? "<th scope=\"col\">Remove</th>" : "");
    for (size_t i = 0; i < c->n; i++) {
        const struct cvom_offering *o = &v[i];
        buf_puts(b, "<tr><td><code>");
        buf_html(b, o->code);
        buf_puts(b, "</code></td><td>");
        buf_html(b, o->name);
        buf_puts(b, "</td><td>");
        buf_html(b, o->category);
        buf_puts(b, "</td>");
        if (admin) {
            buf_printf(b,
                       "<td><form class=\"row-form\" method=\"post\" action=\"/offerings/%lld/"
                       "remove\">",
                       (long long)o->id);
            page_csrf(r);
            buf_puts(b, "<button type=\"submit\" class=\"danger\">Remove with its ratings"
                        "</button></form></td>");
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table>");
    if (c->failed)
        buf_printf(b, "<p class=\"hint\">Only the first %d offerings are listed.</p>",
                   OFFERINGS_SHOWN);
}

static void add_offering_form(struct web_req *r)
{
    struct buf *b = &r->out;
    buf_puts(b, "<h2>Add an offering</h2><form class=\"stack\" method=\"post\" "
                "action=\"/offerings\">");
    page_csrf(r);
    buf_printf(b,
               "<label for=\"of-code\">Code (short, unique, no spaces)</label><input "
               "id=\"of-code\" name=\"code\" required maxlength=\"%d\" pattern=\"[^ ]+\">"
               "<label for=\"of-name\">Name</label><input id=\"of-name\" name=\"name\" required "
               "maxlength=\"%d\"><label for=\"of-category\">Category (core product, add-on "
               "service, \xE2\x80\xA6)</label><input id=\"of-category\" name=\"category\" "
               "maxlength=\"%d\" list=\"of-categories\"><datalist id=\"of-categories\"><option "
               "value=\"core product\"><option value=\"add-on service\"></datalist>"
               "<div><button type=\"submit\">Add offering</button></div></form>",
               CVOM_OFFERING_CODE_MAX - 1, CVOM_FIELD_MAX - 1, CVOM_FIELD_MAX - 1);
}

int pages_offerings(struct web_req *r)
{
    static const char *const texts[][2] = {
        {"added", "The offering was added to the catalogue."},
        {"removed", "The offering and every rating of it were removed."},
        {NULL, NULL}};
    struct cvom_rows c;
    cvom__rows_init(&c, sizeof(struct cvom_offering), OFFERINGS_SHOWN);
    enum cvom_status st =
        kept(r->store->ops->offering_list(r->store, push_offering, &c, &r->err), &c, &r->err);
    if (st) {
        cvom__rows_free(&c);
        return web_fail(r, st, &r->err);
    }
    struct buf *b = &r->out;
    page_begin(r, "Offerings", "offerings");
    buf_puts(b, "<div class=\"narrow\"><h1>Offerings</h1><p class=\"hint\">What we sell or give: "
                "core products and add-on services. Each account's page records how important "
                "each is to the customer, how well we perform it, and what serving it costs.</p>");
    said(r, "done", texts);
    catalogue_table(r, &c);
    if (r->user.role >= CVOM_ROLE_MANAGER)
        add_offering_form(r);
    buf_puts(b, "</div>");
    page_end(r);
    cvom__rows_free(&c);
    return 200;
}

/* ---- POST /offerings --------------------------------------------------------------------------
 */

static int field_error(struct web_req *r, const char *field, const char *message)
{
    return web_refuse(r, WEB_INVALID, field, message);
}

int pages_offering_add(struct web_req *r)
{
    const char *code = web_field(r, "code"), *name = web_field(r, "name");
    const char *cat = web_field(r, "category");
    struct cvom_offering o;
    memset(&o, 0, sizeof o);
    if (cvom__copy_str(o.code, sizeof o.code, code ? code : "") || !cvom__trim(o.code)[0] ||
        strchr(o.code, ' '))
        return field_error(r, "code", "The code is 1 to 63 bytes without spaces.");
    if (cvom__copy_str(o.name, sizeof o.name, name ? name : "") || !cvom__trim(o.name)[0])
        return field_error(r, "name", "The name is 1 to 127 bytes of text.");
    if (cvom__copy_str(o.category, sizeof o.category, cat ? cat : ""))
        return field_error(r, "category", "The category is at most 127 bytes.");
    cvom__trim(o.category);
    enum cvom_status st = r->store->ops->begin(r->store, &r->err);
    if (!st) {
        if (!(st = r->store->ops->offering_add(r->store, &o, &r->err)))
            st = r->store->ops->commit(r->store, &r->err);
        if (st)
            r->store->ops->rollback(r->store);
    }
    if (st == CVOM_EEXIST)
        return web_refuse(r, WEB_CONFLICT, "code",
                          "The catalogue has an offering with that code already.");
    if (st)
        return web_fail(r, st, &r->err);
    return web_redirect(r, "/offerings?done=added");
}

/* ---- POST /offerings/{offering}/remove --------------------------------------------------------
 */

int pages_offering_remove(struct web_req *r)
{
    struct cvom_offering o;
    enum cvom_status st = CVOM_ENOTFOUND;
    if (r->n_param >= 1 && strlen(r->param[0]) < CVOM_OFFERING_CODE_MAX)
        st = r->store->ops->offering_find(r->store, r->param[0], &o, &r->err);
    if (st == CVOM_ENOTFOUND)
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such offering.");
    if (!st && !(st = r->store->ops->begin(r->store, &r->err))) {
        if (!(st = r->store->ops->offering_remove(r->store, o.id, &r->err)))
            st = r->store->ops->commit(r->store, &r->err);
        if (st)
            r->store->ops->rollback(r->store);
    }
    if (st)
        return web_fail(r, st, &r->err);
    web_audit(r, "offering-remove", o.code, "with every account's rating of it");
    return web_redirect(r, "/offerings?done=removed");
}

/* ---- the account page's section ----------------------------------------------------------------
 */

/* Costs are shown as the account's revenue is: in its currency, in whole units. */
static void serving_summary(struct buf *b, const struct cvom_serving_config *cfg,
                            const struct cvom_serving *sv, const char *currency)
{
    buf_puts(b, "<p class=\"serving\">Cost to serve: <strong id=\"of-total\">");
    pages_money(b, sv->total_cost, currency);
    buf_puts(b, "</strong>; unvalued cost (offerings rated below the importance threshold): "
                "<strong id=\"of-unvalued\">");
    pages_money(b, sv->unvalued_cost, currency);
    buf_printf(b, "</strong> (%.1f %%)", 100 * sv->share);
    if (sv->overserved)
        buf_printf(b,
                   " <span class=\"badge flag\" id=\"of-overserved\">Over-served</span> "
                   "<small>more than %.0f %% of what serving it costs goes on what it does "
                   "not value</small>",
                   100 * cfg->overserved_share);
    buf_puts(b, ".</p>");
}

static void ratings_table(struct buf *b, const struct cvom_serving_config *cfg,
                          const struct cvom_rows *l, const char *currency)
{
    const struct cvom_offering_rating *rated = l->v;
    buf_puts(b, "<table class=\"data\" id=\"ratings\"><thead><tr><th scope=\"col\">Offering"
                "</th><th scope=\"col\">Category</th><th scope=\"col\" class=\"num\">Importance"
                "</th><th scope=\"col\" class=\"num\">Performance</th><th scope=\"col\" "
                "class=\"num\">Cost to serve</th><th scope=\"col\">Quadrant</th></tr></thead>"
                "<tbody>");
    for (size_t i = 0; i < l->n; i++) {
        const struct cvom_offering_rating *x = &rated[i];
        enum cvom_ip_quadrant q = cvom_ip_classify(cfg, x->r.importance, x->r.performance);
        int unvalued = x->r.importance < cfg->importance_threshold;
        buf_puts(b, "<tr data-code=\"");
        buf_html(b, x->code);
        buf_printf(b, "\" data-quadrant=\"%s\"%s><td>", cvom_ip_quadrant_key(q),
                   unvalued ? " class=\"unvalued\"" : "");
        buf_html(b, x->name);
        buf_puts(b, " <small><code>");
        buf_html(b, x->code);
        buf_puts(b, "</code></small></td><td>");
        buf_html(b, x->category);
        buf_puts(b, "</td><td class=\"num\">");
        buf_num(b, x->r.importance, 1);
        buf_puts(b, "</td><td class=\"num\">");
        buf_num(b, x->r.performance, 1);
        buf_puts(b, "</td><td class=\"num\">");
        pages_money(b, x->r.cost, currency);
        buf_printf(b, "</td><td><span class=\"badge ip-%s\">%s</span>%s</td></tr>",
                   cvom_ip_quadrant_key(q), cvom_ip_quadrant_label(q),
                   unvalued ? " <small>unvalued</small>" : "");
    }
    buf_puts(b, "</tbody></table>");
}

static void rate_form(struct web_req *r, const struct cvom_account *a, const struct cvom_rows *c)
{
    const struct cvom_offering *v = c->v;
    struct buf *b = &r->out;
    if (!c->n) {
        buf_puts(b, "<p class=\"hint\">Add offerings to the <a href=\"/offerings\">catalogue"
                    "</a> to rate them here.</p>");
        return;
    }
    buf_printf(b,
               "<details class=\"rate\"><summary>Rate an offering</summary><form "
               "class=\"stack\" method=\"post\" action=\"/accounts/%lld/ratings\">",
               (long long)a->id);
    page_csrf(r);
    buf_puts(b, "<label for=\"rt-offering\">Offering</label><select id=\"rt-offering\" "
                "name=\"offering\" required>");
    for (size_t i = 0; i < c->n; i++) {
        buf_puts(b, "<option value=\"");
        buf_html(b, v[i].code);
        buf_puts(b, "\">");
        buf_html(b, v[i].name);
        buf_puts(b, " (");
        buf_html(b, v[i].code);
        buf_puts(b, ")</option>");
    }
    buf_puts(b, "</select><label for=\"rt-imp\">Importance to the customer (1\xE2\x80\x93"
                "7)"
                "</label><input id=\"rt-imp\" name=\"importance\" type=\"number\" min=\"1\" "
                "max=\"7\" step=\"0.1\" required><label for=\"rt-perf\">Our performance as they "
                "see it (1\xE2\x80\x93"
                "7)</label><input id=\"rt-perf\" name=\"performance\" "
                "type=\"number\" min=\"1\" max=\"7\" step=\"0.1\" required><label "
                "for=\"rt-cost\">Our annual cost to serve it</label><input id=\"rt-cost\" "
                "name=\"cost\" type=\"number\" min=\"0\" step=\"0.01\" value=\"0\"><div><button "
                "type=\"submit\">Save rating</button></div></form></details>");
}

void pages_account_offerings(struct web_req *r, const struct cvom_account *a, int edit)
{
    static const char *const texts[][2] = {{"saved", "The rating was saved."}, {NULL, NULL}};
    struct buf *b = &r->out;
    struct cvom_rows l, c;
    cvom__rows_init(&l, sizeof(struct cvom_offering_rating), OFFERINGS_SHOWN);
    cvom__rows_init(&c, sizeof(struct cvom_offering), OFFERINGS_SHOWN);
    struct cvom_serving_config cfg;
    struct cvom_serving sv;
    struct cvom_error e;
    cvom_serving_config_init(&cfg);
    buf_puts(b, "<section class=\"block\" id=\"offerings\" aria-labelledby=\"of-h\"><h2 "
                "id=\"of-h\">Offerings and cost to serve</h2>");
    said(r, "rated", texts);
    enum cvom_status st =
        kept(r->store->ops->rating_list(r->store, a->id, push_rating, &l, &r->err), &l, &r->err);
    if (!st && edit)
        st = kept(r->store->ops->offering_list(r->store, push_offering, &c, &r->err), &c, &r->err);
    const struct cvom_offering_rating *rated = l.v;
    memset(&sv, 0, sizeof sv);
    struct cvom_offer_rating *just = calloc(l.n ? l.n : 1, sizeof *just);
    for (size_t i = 0; just && i < l.n; i++)
        just[i] = rated[i].r;
    if (!st && !just)
        st = CVOM_ENOMEM;
    if (!st)
        st = cvom_serving_assess(&cfg, just, l.n, &sv, &e);
    if (st) {
        page_notice(r, "error", "The offerings could not be read.");
    } else if (!l.n) {
        buf_puts(b, "<p class=\"hint\">No offering rated for this account yet.</p>");
    } else {
        buf_printf(b,
                   "<p class=\"hint\">Importance and performance on 1\xE2\x80\x93"
                   "7; at or "
                   "above %.1f is high. Concentrate here: important, performing below; keep up "
                   "the good work: important, performing well; low priority: unimportant, "
                   "performing below; possible overkill: unimportant, performing well.</p>",
                   cfg.importance_threshold);
        ratings_table(b, &cfg, &l, a->currency);
        serving_summary(b, &cfg, &sv, a->currency);
    }
    if (!st && edit)
        rate_form(r, a, &c);
    buf_puts(b, "<p class=\"links\"><a href=\"/offerings\">The catalogue</a></p></section>");
    free(just);
    cvom__rows_free(&l);
    cvom__rows_free(&c);
}

/* ---- POST /accounts/{id}/ratings ---------------------------------------------------------------
 */

static int rating_number(struct web_req *r, const char *name, double *out, int required)
{
    const char *v = web_field(r, name);
    if (!v || !v[0]) {
        if (required)
            return field_error(r, name, "Importance and performance are both needed.");
        *out = 0;
        return 0;
    }
    if (cvom__parse_double(v, out))
        return field_error(r, name, "Expected a number.");
    return 0;
}

enum cvom_status pages_rating_save(struct cvom_store *st, const struct cvom_account *a,
                                   const char *offering, const struct cvom_offer_rating *rt,
                                   struct cvom_offering *found, struct cvom_error *err)
{
    struct cvom_offering o;
    struct cvom_offering_rating x;
    enum cvom_status s = cvom_offer_rating_validate(rt, err);
    if (s)
        return s;
    if (!offering || strlen(offering) >= CVOM_OFFERING_CODE_MAX)
        return cvom_error_set(err, CVOM_ENOTFOUND, "there is no such offering");
    if ((s = st->ops->offering_find(st, offering, &o, err)) != CVOM_OK)
        return s;
    memset(&x, 0, sizeof x);
    x.account_id = a->id;
    x.offering_id = o.id;
    x.r = *rt;
    if ((s = st->ops->begin(st, err)) != CVOM_OK)
        return s;
    if (!(s = st->ops->rating_put(st, &x, err)))
        s = st->ops->commit(st, err);
    if (s)
        st->ops->rollback(st);
    if (!s && found)
        *found = o;
    return s;
}

int pages_rating_post(struct web_req *r)
{
    struct cvom_account a;
    int http = pages_load_account(r, &a);
    if (http)
        return http;
    if (!pages_can_edit(r, &a))
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Your role does not allow changing this account.");
    struct cvom_offer_rating rt;
    if ((http = rating_number(r, "importance", &rt.importance, 1)) ||
        (http = rating_number(r, "performance", &rt.performance, 1)) ||
        (http = rating_number(r, "cost", &rt.cost, 0)))
        return http;
    enum cvom_status st =
        pages_rating_save(r->store, &a, web_field(r, "offering"), &rt, NULL, &r->err);
    if (st == CVOM_ENOTFOUND)
        return field_error(r, "offering", "There is no such offering in the catalogue.");
    if (st == CVOM_EINVAL)
        return web_refuse(r, WEB_INVALID, r->err.field, r->err.message);
    if (st)
        return web_fail(r, st, &r->err);
    char to[80];
    snprintf(to, sizeof to, "/accounts/%lld?rated=saved#offerings", (long long)a.id);
    return web_redirect(r, to);
}
