/* admin_signals.c — /admin/signals: the signals blended into the axis scores, each with a
 * form to change its label, axis, direction, normalisation and weight or to remove it, and
 * a form to define one. The same rules as `cvom signal add|set|rm` (one parser for the
 * fields, the core's validation); every change is one transaction and audited.
 * Administrators only: a signal moves every account's score. */
#include "web/pages_signals.h"

#include "io/util.h"
#include "web/auth.h"
#include "web/page.h"

#include <stdio.h>
#include <string.h>

static void option(struct buf *b, const char *value, const char *label, int chosen)
{
    buf_printf(b, "<option value=\"%s\"%s>%s</option>", value, chosen ? " selected" : "", label);
}

/* The fields of one signal's form; n makes the ids unique on the page. */
static void signal_fields(struct buf *b, const struct cvom_signal *g, size_t n)
{
    const struct cvom_signal_def *d = g ? &g->def : NULL;
    char p1[32] = "", p2[32] = "", w[32] = "0.25";
    if (d && d->norm != CVOM_NORM_PERCENTILE) {
        cvom__format_double(p1, sizeof p1, d->p1);
        cvom__format_double(p2, sizeof p2, d->p2);
    }
    if (d)
        cvom__format_double(w, sizeof w, d->weight);
    buf_printf(b,
               "<label for=\"sl-%zu\">What it measures</label><input id=\"sl-%zu\" "
               "name=\"label\" maxlength=\"%d\" value=\"",
               n, n, CVOM_NAME_MAX - 1);
    buf_html(b, d ? d->label : "");
    buf_printf(b,
               "\"><div class=\"pair\"><label for=\"sa-%zu\">Axis</label><select id=\"sa-%zu\" "
               "name=\"axis\">",
               n, n);
    option(b, "intellectual", "intellectual", !d || d->axis == CVOM_DIM_INTELLECTUAL);
    option(b, "emotional", "emotional", d && d->axis == CVOM_DIM_EMOTIONAL);
    buf_printf(b,
               "</select><label for=\"sd-%zu\">Direction</label><select id=\"sd-%zu\" "
               "name=\"direction\">",
               n, n);
    option(b, "+", "+ more is more value", !d || d->direction > 0);
    option(b, "-", "&minus; more is less value", d && d->direction < 0);
    buf_printf(b,
               "</select></div><div class=\"pair\"><label for=\"sn-%zu\">Normalisation"
               "</label><select id=\"sn-%zu\" name=\"norm\">",
               n, n);
    for (int k = 0; k < CVOM_NORM_COUNT; k++)
        option(b, cvom_norm_name((enum cvom_norm)k), cvom_norm_name((enum cvom_norm)k),
               d ? (int)d->norm == k : k == CVOM_NORM_FIXED);
    buf_printf(b,
               "</select><label for=\"sw-%zu\">Weight</label><input id=\"sw-%zu\" "
               "name=\"weight\" inputmode=\"decimal\" required value=\"%s\"></div>"
               "<div class=\"pair\"><label for=\"s1-%zu\">Fixed: scores 0 at; logistic: "
               "midpoint</label><input id=\"s1-%zu\" name=\"p1\" inputmode=\"decimal\" "
               "value=\"%s\"><label for=\"s2-%zu\">Fixed: scores 100 at; logistic: scale"
               "</label><input id=\"s2-%zu\" name=\"p2\" inputmode=\"decimal\" value=\"%s\">"
               "</div>",
               n, n, w, n, n, p1, n, n, p2);
}

struct rows {
    struct web_req *r;
    size_t n;
};

static int signal_form(void *ctx, const struct cvom_signal *g)
{
    struct rows *k = ctx;
    struct buf *b = &k->r->out;
    buf_puts(b, "<li><form class=\"stack\" method=\"post\" action=\"/admin/signals\">");
    page_csrf(k->r);
    buf_puts(b, "<input type=\"hidden\" name=\"name\" value=\"");
    buf_html(b, g->def.name);
    buf_puts(b, "\"><h3><code>");
    buf_html(b, g->def.name);
    buf_printf(b, "</code>%s</h3>",
               g->source == CVOM_SIGNAL_LEDGER ? " <small>from the network ledger</small>" : "");
    signal_fields(b, g, k->n++);
    buf_puts(b, "<div><button type=\"submit\" name=\"op\" value=\"save\">Save</button> <button "
                "type=\"submit\" name=\"op\" value=\"remove\" class=\"danger\">Remove</button>"
                "</div></form></li>");
    return 0;
}

static int signals_page(struct web_req *r, const char *error, int http)
{
    static const struct {
        const char *key, *text;
    } done[] = {{"saved", "The signal was saved: scores blend it as it now reads."},
                {"added", "The signal was added. Import its values to blend it in."},
                {"removed", "The signal and its values were removed."}};
    struct cvom_config cfg;
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    struct buf *b = &r->out;
    page_begin(r, "Signals", "admin");
    buf_puts(b, "<div class=\"narrow\"><p><a href=\"/admin\">Administration</a></p><h1>Signals"
                "</h1>");
    if (error) {
        page_notice(r, "error", error);
    } else {
        const char *v = web_query(r, "done");
        for (size_t i = 0; v && i < sizeof done / sizeof *done; i++)
            if (strcmp(v, done[i].key) == 0)
                page_notice(r, "ok", done[i].text);
    }
    buf_printf(b,
               "<p>Figures from the CRM and finance systems, each brought to 0&ndash;100 "
               "&mdash; <em>fixed</em>: linear between two values, clamped; "
               "<em>percentile</em>: its mid-rank among every account's value on the date; "
               "<em>logistic</em>: 100/(1+e<sup>&minus;(x&minus;midpoint)/scale</sup>) "
               "&mdash; turned round when more of it means less value, and blended into its "
               "axis by weight against the survey's %g (<a href=\"/admin/settings\">scoring "
               "settings</a>). Values are imported on the <a href=\"/import\">import page"
               "</a>.</p><h2>Signals in use</h2><ol class=\"plays-edit\">",
               cfg.survey_weight);
    struct rows k = {r, 0};
    if ((st = r->store->ops->signal_list(r->store, signal_form, &k, &r->err)) != CVOM_OK) {
        buf_reset(b);
        return web_fail(r, st, &r->err);
    }
    buf_puts(b, "</ol><h2>Define a signal</h2><form class=\"stack\" method=\"post\" "
                "action=\"/admin/signals\">");
    page_csrf(r);
    buf_printf(b,
               "<input type=\"hidden\" name=\"op\" value=\"add\"><label for=\"sname-new\">"
               "Name (letters, digits, _ . -)</label><input id=\"sname-new\" name=\"name\" "
               "required maxlength=\"%d\" pattern=\"[A-Za-z0-9_.\\-]+\">",
               CVOM_CODE_MAX - 1);
    signal_fields(b, NULL, k.n);
    buf_puts(b, "<div><button type=\"submit\">Add signal</button></div></form></div>");
    page_end(r);
    return http;
}

int admin_signals_get(struct web_req *r)
{
    return signals_page(r, NULL, 200);
}

static int after(struct web_req *r, enum cvom_status st, const char *op, const char *name)
{
    if (st == CVOM_EINVAL || st == CVOM_ENOTFOUND || st == CVOM_EEXIST) {
        char msg[sizeof r->err.message + 16];
        snprintf(msg, sizeof msg, "%s", r->err.message);
        buf_reset(&r->out);
        return signals_page(r, msg, st == CVOM_EINVAL ? 422 : web_http_status(st));
    }
    if (st)
        return web_fail(r, st, &r->err);
    web_audit(r, "signal", name, op);
    char to[64];
    snprintf(to, sizeof to, "/admin/signals?done=%s",
             strcmp(op, "save") == 0  ? "saved"
             : strcmp(op, "add") == 0 ? "added"
                                      : "removed");
    return web_redirect(r, to);
}

int admin_signals_post(struct web_req *r)
{
    const char *op = web_field(r, "op"), *name = web_field(r, "name");
    if (!op || (strcmp(op, "save") != 0 && strcmp(op, "add") != 0 && strcmp(op, "remove") != 0))
        return web_refuse(r, WEB_INVALID, "op", "The form asked for nothing this page does.");
    struct cvom_store *st = r->store;
    struct cvom_signal g;
    memset(&g, 0, sizeof g);
    enum cvom_status s = CVOM_OK;
    struct cvom_signal old;
    if (strcmp(op, "add") != 0) {
        s = name ? st->ops->signal_find(st, name, &old, &r->err)
                 : cvom_error_set(&r->err, CVOM_ENOTFOUND, "There is no such signal.");
        if (!s && strcmp(old.def.name, name) != 0) /* by name only, not by id */
            s = cvom_error_set(&r->err, CVOM_ENOTFOUND, "There is no such signal.");
    }
    if (!s && strcmp(op, "remove") == 0) {
        if (!(s = st->ops->begin(st, &r->err))) {
            if (!(s = st->ops->signal_remove(st, old.id, &r->err)))
                s = st->ops->commit(st, &r->err);
            if (s)
                st->ops->rollback(st);
        }
        return after(r, s, op, old.def.name);
    }
    if (!s) {
        struct cvom_signal_fields in = {name,
                                        web_field(r, "label"),
                                        web_field(r, "axis"),
                                        web_field(r, "direction"),
                                        web_field(r, "norm"),
                                        web_field(r, "p1"),
                                        web_field(r, "p2"),
                                        web_field(r, "weight")};
        s = cvom__signal_from_fields(&in, &g.def, &r->err);
    }
    if (!s && strcmp(op, "add") == 0) {
        s = st->ops->signal_find(st, g.def.name, &old, &r->err);
        s = s == CVOM_ENOTFOUND ? CVOM_OK
            : s                 ? s
                : cvom_error_set(&r->err, CVOM_EEXIST, "There is a signal %s already.", g.def.name);
    } else if (!s) {
        g.source = old.source; /* the ledger's signal stays the ledger's */
    }
    if (!s && !(s = st->ops->begin(st, &r->err))) {
        if (!(s = st->ops->signal_put(st, &g, &r->err)))
            s = st->ops->commit(st, &r->err);
        if (s)
            st->ops->rollback(st);
    }
    return after(r, s, op, g.def.name[0] ? g.def.name : (name ? name : ""));
}
