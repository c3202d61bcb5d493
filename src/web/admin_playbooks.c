/* admin_playbooks.c — /admin/playbooks: the playbook in use, each play with a form to edit
 * its title, text, axis and cost or to remove it, a form to add a play, and a reset to the
 * built-in playbook. Every change writes the team's whole playbook in one transaction, as
 * `cvom playbook import` does, and is audited. Administrators only. */
#include "web/pages_util.h"

#include "io/util.h"
#include "service/playbooks.h"
#include "web/auth.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static void axis_options(struct buf *b, enum cvom_play_axis chosen)
{
    for (int i = 0; i < CVOM_PLAY_AXIS_COUNT; i++)
        buf_printf(b, "<option value=\"%s\"%s>%s</option>",
                   cvom_play_axis_name((enum cvom_play_axis)i), (int)chosen == i ? " selected" : "",
                   cvom_play_axis_name((enum cvom_play_axis)i));
}

static void cost_options(struct buf *b, enum cvom_cost_level chosen)
{
    for (int i = 0; i < CVOM_COST_COUNT; i++)
        buf_printf(
            b, "<option value=\"%s\"%s>%s</option>", cvom_cost_level_name((enum cvom_cost_level)i),
            (int)chosen == i ? " selected" : "", cvom_cost_level_name((enum cvom_cost_level)i));
}

/* The fields of one play's form; `n` makes the ids unique on the page. */
static void play_fields(struct buf *b, const struct cvom_play *p, size_t n)
{
    buf_printf(b,
               "<label for=\"pt-%zu\">Title</label><input id=\"pt-%zu\" name=\"title\" "
               "required maxlength=\"%d\" value=\"",
               n, n, CVOM_PLAY_TITLE_MAX - 1);
    buf_html(b, p ? p->title : "");
    buf_printf(b,
               "\"><label for=\"px-%zu\">The play</label><textarea id=\"px-%zu\" "
               "name=\"play\" rows=\"3\" required maxlength=\"%d\">",
               n, n, CVOM_PLAY_TEXT_MAX - 1);
    buf_html(b, p ? p->text : "");
    buf_printf(b,
               "</textarea><div class=\"pair\"><label for=\"pa-%zu\">Axis</label><select "
               "id=\"pa-%zu\" name=\"axis\">",
               n, n);
    axis_options(b, p ? p->axis : CVOM_PLAY_BOTH);
    buf_printf(b,
               "</select><label for=\"pc-%zu\">Cost</label><select id=\"pc-%zu\" "
               "name=\"cost\">",
               n, n);
    cost_options(b, p ? p->cost : CVOM_COST_MEDIUM);
    buf_puts(b, "</select></div>");
}

static void play_form(struct web_req *r, const struct cvom_play *p, size_t n)
{
    struct buf *b = &r->out;
    buf_puts(b, "<li class=\"play-edit\"><form class=\"stack\" method=\"post\" "
                "action=\"/admin/playbooks\">");
    page_csrf(r);
    buf_puts(b, "<input type=\"hidden\" name=\"key\" value=\"");
    buf_html(b, p->key);
    buf_puts(b, "\"><h3><code>");
    buf_html(b, p->key);
    buf_puts(b, "</code></h3>");
    play_fields(b, p, n);
    buf_puts(b, "<div><button type=\"submit\" name=\"op\" value=\"save\">Save</button> <button "
                "type=\"submit\" name=\"op\" value=\"remove\" class=\"danger\">Remove</button>"
                "</div></form></li>");
}

static int playbooks_page(struct web_req *r, const char *error, int http)
{
    static const struct {
        const char *key, *text;
    } done[] = {{"saved", "The play was saved."},
                {"added", "The play was added."},
                {"removed", "The play was removed."},
                {"reset", "The built-in playbook applies again."}};
    struct cvom_playbook book;
    int builtin = 0;
    enum cvom_status st = cvom__playbook_load(r->store, &book, &builtin, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    struct buf *b = &r->out;
    page_begin(r, "Playbook", "admin");
    buf_puts(b, "<div class=\"narrow\"><p><a href=\"/admin\">Administration</a></p><h1>Playbook"
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
               "<p>The plays suggested on account pages, filed under a situation: a quadrant "
               "(<code>partnership</code>), a move between two (<code>partnership-to-"
               "intellectual</code>) or the evidence (<code>borderline</code>, "
               "<code>insufficient</code>). In use: <strong id=\"pb-source\">%s</strong>, "
               "%zu plays. Any change here keeps the team's own copy in the database; "
               "removing every play, or the reset below, brings back the built-in one.</p>",
               builtin ? "the built-in playbook" : "the team's playbook", book.n);
    buf_puts(b, "<h2>Plays</h2><ol class=\"plays-edit\">");
    for (size_t i = 0; i < book.n; i++)
        play_form(r, &book.plays[i], i);
    buf_puts(b, "</ol><h2>Add a play</h2><form class=\"stack\" method=\"post\" "
                "action=\"/admin/playbooks\">");
    page_csrf(r);
    buf_printf(b,
               "<input type=\"hidden\" name=\"op\" value=\"add\"><label for=\"pk-new\">Situation "
               "key (a-z, 0-9, . _ -)</label><input id=\"pk-new\" name=\"key\" required "
               "maxlength=\"%d\" pattern=\"[a-z0-9_.\\-]+\">",
               CVOM_PLAY_KEY_MAX - 1);
    play_fields(b, NULL, book.n);
    buf_puts(b, "<div><button type=\"submit\">Add play</button></div></form>");
    if (!builtin) {
        buf_puts(b, "<h2>Reset</h2><form method=\"post\" action=\"/admin/playbooks\">");
        page_csrf(r);
        buf_puts(b, "<input type=\"hidden\" name=\"op\" value=\"reset\"><button type=\"submit\" "
                    "class=\"danger\">Go back to the built-in playbook</button></form>");
    }
    buf_puts(b, "</div>");
    page_end(r);
    cvom_playbook_cleanup(&book);
    return http;
}

int admin_playbooks_get(struct web_req *r)
{
    return playbooks_page(r, NULL, 200);
}

/* The play the form describes, validated as a row of a playbook file is. */
static enum cvom_status form_play(struct web_req *r, struct cvom_play *out)
{
    const char *fields[CVOM_PLAY_COLUMNS] = {web_field(r, "key"), web_field(r, "title"),
                                             web_field(r, "play"), web_field(r, "axis"),
                                             web_field(r, "cost")};
    for (size_t i = 0; i < CVOM_PLAY_COLUMNS; i++)
        if (!fields[i])
            fields[i] = "";
    return cvom_play_from_fields(fields, CVOM_PLAY_COLUMNS, out, NULL, &r->err);
}

/* The book with play p put in place of the one with its key (op "save"), added (op "add")
 * or left out (op "remove"), into *out. */
static enum cvom_status edited(struct web_req *r, const struct cvom_playbook *book, const char *op,
                               const struct cvom_play *p, struct cvom_playbook *out)
{
    int at = cvom_playbook_find(book, p->key);
    if (strcmp(op, "add") != 0 && at < 0)
        return cvom_error_set(&r->err, CVOM_ENOTFOUND, "the playbook has no play '%s'", p->key);
    if (strcmp(op, "add") == 0 && at >= 0)
        return cvom_error_set(&r->err, CVOM_EEXIST, "the playbook has a play '%s' already", p->key);
    enum cvom_status st = CVOM_OK;
    for (size_t i = 0; !st && i < book->n; i++) {
        if ((int)i == at && strcmp(op, "remove") == 0)
            continue;
        st = cvom_playbook_add(out, (int)i == at ? p : &book->plays[i], &r->err);
    }
    if (!st && strcmp(op, "add") == 0)
        st = cvom_playbook_add(out, p, &r->err);
    return st;
}

/* Replace the team's playbook with b in one transaction. */
static enum cvom_status store_book(struct web_req *r, const struct cvom_playbook *b)
{
    struct cvom_store *st = r->store;
    enum cvom_status s = st->ops->begin(st, &r->err);
    if (s)
        return s;
    s = st->ops->playbook_clear(st, &r->err);
    for (size_t i = 0; !s && i < b->n; i++)
        s = st->ops->playbook_put(st, &b->plays[i], &r->err);
    if (!s)
        s = st->ops->commit(st, &r->err);
    if (s)
        st->ops->rollback(st);
    return s;
}

static int after(struct web_req *r, enum cvom_status st, const char *op, const char *key)
{
    static const char *const said[][2] = {
        {"save", "saved"}, {"add", "added"}, {"remove", "removed"}, {"reset", "reset"}};
    if (st == CVOM_EINVAL || st == CVOM_ENOTFOUND || st == CVOM_EEXIST || st == CVOM_ELIMIT) {
        char msg[sizeof r->err.message + 16];
        snprintf(msg, sizeof msg, "%s.", r->err.message);
        buf_reset(&r->out);
        return playbooks_page(r, msg, web_http_status(st));
    }
    if (st)
        return web_fail(r, st, &r->err);
    web_audit(r, "playbook", key, op);
    for (size_t i = 0; i < sizeof said / sizeof *said; i++)
        if (strcmp(op, said[i][0]) == 0) {
            char to[64];
            snprintf(to, sizeof to, "/admin/playbooks?done=%s", said[i][1]);
            return web_redirect(r, to);
        }
    return web_redirect(r, "/admin/playbooks");
}

int admin_playbooks_post(struct web_req *r)
{
    const char *op = web_field(r, "op");
    if (!op || (strcmp(op, "save") != 0 && strcmp(op, "add") != 0 && strcmp(op, "remove") != 0 &&
                strcmp(op, "reset") != 0))
        return web_refuse(r, WEB_INVALID, "op", "The form asked for nothing this page does.");
    if (strcmp(op, "reset") == 0) {
        enum cvom_status st = r->store->ops->begin(r->store, &r->err);
        if (!st && !(st = r->store->ops->playbook_clear(r->store, &r->err)))
            st = r->store->ops->commit(r->store, &r->err);
        if (st)
            r->store->ops->rollback(r->store);
        return after(r, st, op, "built-in");
    }
    struct cvom_play p;
    struct cvom_playbook book, next;
    cvom_playbook_init(&next);
    memset(&p, 0, sizeof p);
    enum cvom_status st;
    if (strcmp(op, "remove") == 0) {
        /* Only the key counts: the other fields may be anything the form held. */
        const char *key = web_field(r, "key");
        st = key && !cvom__copy_str(p.key, sizeof p.key, key)
                 ? CVOM_OK
                 : cvom_error_set(&r->err, CVOM_ENOTFOUND, "the playbook has no such play");
    } else {
        st = form_play(r, &p);
    }
    if (!st && !(st = cvom__playbook_load(r->store, &book, NULL, &r->err))) {
        st = edited(r, &book, op, &p, &next);
        cvom_playbook_cleanup(&book);
    }
    if (!st)
        st = store_book(r, &next);
    cvom_playbook_cleanup(&next);
    char key[CVOM_PLAY_KEY_MAX];
    cvom__copy_str(key, sizeof key, p.key);
    return after(r, st, op, key);
}
