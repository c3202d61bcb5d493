/* pages_actions.c — action plans on the web: the account page's plan section with the forms
 * that add an action and change its status, and the portfolio's /actions page with its
 * filters, the overdue and unowned actions, and the what-if of a selection of open actions
 * (or of all of them) on the quadrant mix. The rules are the command line's `cvom action`
 * and `cvom whatif`; the projections come from service/whatif.c. */
#include "web/pages_util.h"

#include "io/util.h"
#include "service/playbooks.h"
#include "service/whatif.h"
#include "web/auth.h"
#include "web/page.h"
#include "core/mem.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ACTIONS_SHOWN 5000 /* rows of one listing on a page */
#define PICKS_MAX 500      /* actions ticked for one projection */

/* ---- reading an action ------------------------------------------------------------------- */

static int blank(const char *s)
{
    return !s || !s[0];
}

/* A copy of s without the blanks around it into out; CVOM_EINVAL when it does not fit. */
static enum cvom_status text_field(const char *s, char *out, size_t cap, const char *field,
                                   const char *what, struct cvom_error *err)
{
    if (cvom__copy_str(out, cap, s ? s : "")) {
        cvom_error_set(err, CVOM_EINVAL, "%s is longer than %zu bytes", what, cap - 1);
        cvom__copy_str(err->field, sizeof err->field, field);
        return CVOM_EINVAL;
    }
    cvom__trim(out);
    return CVOM_OK;
}

static enum cvom_status bad(struct cvom_error *err, const char *field, const char *message)
{
    cvom_error_set(err, CVOM_EINVAL, "%s", message);
    cvom__copy_str(err->field, sizeof err->field, field);
    return CVOM_EINVAL;
}

static enum cvom_status read_numbers(const struct pages_action_fields *in, struct cvom_action *a,
                                     struct cvom_error *err)
{
    a->axis = -1;
    if (!blank(in->axis)) {
        if (strcmp(in->axis, "intellectual") == 0)
            a->axis = CVOM_DIM_INTELLECTUAL;
        else if (strcmp(in->axis, "emotional") == 0)
            a->axis = CVOM_DIM_EMOTIONAL;
        else
            return bad(err, "axis", "The axis is intellectual or emotional.");
    }
    if (!blank(in->effect)) {
        if (a->axis < 0)
            return bad(err, "effect", "An expected effect needs the axis it is to move.");
        if (cvom__parse_double(in->effect, &a->effect) || fabs(a->effect) > CVOM_WHATIF_EFFECT_MAX)
            return bad(err, "effect",
                       "The expected effect is a number of points from -100 "
                       "to 100.");
    }
    a->cost = NAN;
    if (!blank(in->cost) && (cvom__parse_double(in->cost, &a->cost) || a->cost < 0))
        return bad(err, "cost", "The cost is an amount of 0 or more.");
    if (!blank(in->due) && cvom_date_parse(in->due, &a->due))
        return bad(err, "due", "The due date is a date YYYY-MM-DD.");
    return CVOM_OK;
}

enum cvom_status pages_action_read(struct cvom_store *st, const struct pages_action_fields *in,
                                   int32_t today, struct cvom_action *out, struct cvom_error *err)
{
    struct cvom_action a;
    memset(&a, 0, sizeof a);
    enum cvom_status s = text_field(in->title, a.title, sizeof a.title, "title", "The title", err);
    if (!s && !a.title[0])
        s = bad(err, "title", "An action needs a title: what is to be done.");
    if (!s)
        s = text_field(in->owner, a.owner, sizeof a.owner, "owner", "The owner", err);
    if (!s)
        s = read_numbers(in, &a, err);
    if (!s)
        s = text_field(in->play, a.play, sizeof a.play, "play", "The play", err);
    if (!s && a.play[0]) {
        /* The play must be one of the playbook in use, so that the plan points at one. */
        struct cvom_playbook b;
        if (!(s = cvom__playbook_load(st, &b, NULL, err)) && cvom_playbook_find(&b, a.play) < 0)
            s = bad(err, "play", "The playbook has no such play.");
        cvom_playbook_cleanup(&b);
    }
    if (s)
        return s;
    a.status = CVOM_ACTION_OPEN;
    a.created = today;
    *out = a;
    return CVOM_OK;
}

enum cvom_status pages_action_set(struct cvom_store *st, const struct cvom_action *a,
                                  enum cvom_action_status to, int32_t day, struct cvom_error *err)
{
    if (to == CVOM_ACTION_DONE && a->status == CVOM_ACTION_DONE)
        return bad(err, "status", "The action is already done.");
    if (to == CVOM_ACTION_OPEN && a->status == CVOM_ACTION_OPEN)
        return bad(err, "status", "The action is already open.");
    if (to == CVOM_ACTION_DONE && day < a->created)
        return bad(err, "date", "An action cannot be done before the day it was planned.");
    enum cvom_status s = st->ops->begin(st, err);
    if (s)
        return s;
    s = st->ops->action_set_status(st, a->id, a->version, to, to == CVOM_ACTION_DONE ? day : 0,
                                   err);
    if (!s)
        s = st->ops->commit(st, err);
    if (s)
        st->ops->rollback(st);
    return s;
}

/* ---- listing ------------------------------------------------------------------------------ */

struct actions {
    struct cvom_action *v;
    size_t n, cap;
    int more; /* 1 when rows were left out */
};

static int push_action(void *ctx, const struct cvom_action *a)
{
    struct actions *l = ctx;
    /* Past what a page shows, or out of memory: the page says rows were left out. */
    void *g = l->n < ACTIONS_SHOWN
                  ? cvom__grow(l->v, &l->cap, l->n + 1, sizeof *l->v, ACTIONS_SHOWN)
                  : NULL;
    if (!g) {
        l->more = 1;
        return 1;
    }
    l->v = g;
    l->v[l->n++] = *a;
    return 0;
}

static void date_cell(struct buf *b, int32_t d)
{
    char s[11];
    if (!d) {
        buf_puts(b, "\xE2\x80\x94");
        return;
    }
    cvom_date_format(d, s);
    buf_puts(b, s);
}

static int overdue(const struct cvom_action *a, int32_t today)
{
    return a->status == CVOM_ACTION_OPEN && a->due && a->due < today;
}

/* "intellectual +12.0", or "no axis". */
static void aim(struct buf *b, const struct cvom_action *a)
{
    if (a->axis >= 0 && a->axis < CVOM_DIM_COUNT)
        buf_printf(b, "%s %+.1f", cvom_dim_name((enum cvom_dim)a->axis), a->effect);
    else
        buf_puts(b, "<span class=\"hint\">no axis</span>");
}

static void status_badge(struct buf *b, const struct cvom_action *a, int32_t today)
{
    if (a->status == CVOM_ACTION_DONE)
        buf_puts(b, "<span class=\"badge\">done</span>");
    else if (overdue(a, today))
        buf_puts(b, "<span class=\"badge late\">overdue</span>");
    else
        buf_puts(b, "<span class=\"badge\">open</span>");
}

/* ---- the account page's plan -------------------------------------------------------------------
 */

static void status_forms(struct web_req *r, const struct cvom_account *acc,
                         const struct cvom_action *a)
{
    struct buf *b = &r->out;
    long long aid = (long long)acc->id, id = (long long)a->id;
    int open = a->status == CVOM_ACTION_OPEN;
    /* Each form carries the version of the action it was made from. */
    buf_printf(b,
               "<form class=\"row-form\" method=\"post\" action=\"/accounts/%lld/actions/"
               "%lld\">",
               aid, id);
    page_csrf(r);
    buf_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)a->version);
    buf_printf(b,
               "<label class=\"sr\" for=\"st-%lld\">Status of action %lld</label>"
               "<select id=\"st-%lld\" name=\"status\"><option value=\"open\"%s>open</option>"
               "<option value=\"done\"%s>done</option></select> <button type=\"submit\">"
               "Set status</button></form>",
               id, id, id, open ? " selected" : "", open ? "" : " selected");
    if (!open)
        return;
    buf_printf(b,
               "<form class=\"row-form\" method=\"post\" action=\"/accounts/%lld/actions/"
               "%lld\">",
               aid, id);
    page_csrf(r);
    buf_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)a->version);
    buf_puts(b, "<input type=\"hidden\" name=\"status\" value=\"done\"><button type=\"submit\" "
                "class=\"done-button\">Mark done</button></form>");
}

static void plan_table(struct web_req *r, const struct cvom_account *acc, const struct actions *l,
                       int edit, int32_t today)
{
    struct buf *b = &r->out;
    buf_printf(b,
               "<table class=\"data plan\"><caption class=\"sr\">Action plan</caption><thead>"
               "<tr><th scope=\"col\">#</th><th scope=\"col\">Action</th><th scope=\"col\">"
               "Owner</th><th scope=\"col\">Due</th><th scope=\"col\">Aims at</th><th "
               "scope=\"col\" class=\"num\">Cost</th><th scope=\"col\">Status</th>%s</tr>"
               "</thead><tbody>",
               edit ? "<th scope=\"col\">Change</th>" : "");
    for (size_t i = 0; i < l->n; i++) {
        const struct cvom_action *a = &l->v[i];
        buf_printf(b, "<tr class=\"%s\"><td>%lld</td><td>",
                   overdue(a, today)               ? "overdue"
                   : a->status == CVOM_ACTION_DONE ? "done"
                                                   : "",
                   (long long)a->id);
        buf_html(b, a->title);
        buf_puts(b, "</td><td>");
        if (a->owner[0])
            buf_html(b, a->owner);
        else
            buf_puts(b, "<span class=\"late\">nobody yet</span>");
        buf_puts(b, "</td><td>");
        date_cell(b, a->due);
        buf_puts(b, "</td><td>");
        aim(b, a);
        buf_puts(b, "</td><td class=\"num\">");
        buf_num(b, a->cost, 2);
        buf_puts(b, "</td><td>");
        status_badge(b, a, today);
        if (a->status == CVOM_ACTION_DONE) {
            buf_puts(b, " <small>");
            date_cell(b, a->done);
            buf_puts(b, "</small>");
        }
        buf_puts(b, "</td>");
        if (edit) {
            buf_puts(b, "<td>");
            status_forms(r, acc, a);
            buf_puts(b, "</td>");
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table>");
}

static void add_form(struct web_req *r, const struct cvom_account *acc)
{
    struct buf *b = &r->out;
    buf_printf(b,
               "<details class=\"add-action\"><summary>Add an action</summary><form "
               "class=\"stack\" method=\"post\" action=\"/accounts/%lld/actions\">",
               (long long)acc->id);
    page_csrf(r);
    buf_printf(b,
               "<label for=\"act-title\">What is to be done</label><input id=\"act-title\" "
               "name=\"title\" required maxlength=\"%d\">"
               "<label for=\"act-owner\">Owner (who does it)</label><input id=\"act-owner\" "
               "name=\"owner\" maxlength=\"%d\">"
               "<label for=\"act-due\">Due</label><input id=\"act-due\" name=\"due\" "
               "type=\"date\">"
               "<label for=\"act-axis\">Axis it is meant to move</label><select id=\"act-axis\" "
               "name=\"axis\"><option value=\"\">none (cost only)</option><option "
               "value=\"intellectual\">intellectual</option><option value=\"emotional\">"
               "emotional</option></select>"
               "<label for=\"act-effect\">Expected effect in points if it works (-100 to 100)"
               "</label><input id=\"act-effect\" name=\"effect\" type=\"number\" step=\"0.1\" "
               "min=\"-100\" max=\"100\">"
               "<label for=\"act-cost\">Expected cost</label><input id=\"act-cost\" "
               "name=\"cost\" type=\"number\" step=\"0.01\" min=\"0\">"
               "<div><button type=\"submit\">Add to the plan</button></div></form></details>",
               CVOM_ACTION_TITLE_MAX - 1, CVOM_FIELD_MAX - 1);
}

void pages_account_plan(struct web_req *r, const struct cvom_account *acc, int edit)
{
    static const struct {
        const char *key, *text;
    } done[] = {{"added", "The action was added to the plan."},
                {"done", "The action is marked done."},
                {"open", "The action is open again."}};
    struct buf *b = &r->out;
    struct actions l = {0};
    struct cvom_action_filter f = {.account_id = acc->id, .status = -1};
    int32_t today = pages_today();
    buf_puts(b, "<section class=\"block\" id=\"plan\" aria-labelledby=\"plan-h\"><h2 "
                "id=\"plan-h\">Action plan</h2>");
    const char *said = web_query(r, "plan");
    for (size_t i = 0; said && i < sizeof done / sizeof *done; i++)
        if (strcmp(said, done[i].key) == 0)
            page_notice(r, "ok", done[i].text);
    enum cvom_status st = r->store->ops->action_list(r->store, &f, push_action, &l, &r->err);
    if (st) {
        page_notice(r, "error", "The plan could not be read.");
    } else if (!l.n) {
        buf_puts(b, "<p class=\"hint\">No actions planned yet.</p>");
    } else {
        plan_table(r, acc, &l, edit, today);
        if (l.more)
            buf_printf(b, "<p class=\"hint\">Only the first %d actions are listed.</p>",
                       ACTIONS_SHOWN);
    }
    buf_printf(b,
               "<p class=\"links\"><a href=\"/accounts/%lld/whatif\">What if the planned "
               "actions worked?</a> \xC2\xB7 <a href=\"/actions\">Every account's actions"
               "</a></p>",
               (long long)acc->id);
    if (edit)
        add_form(r, acc);
    buf_puts(b, "</section>");
    free(l.v);
}

/* ---- POST /accounts/{id}/actions --------------------------------------------------------------
 */

int pages_action_add(struct web_req *r)
{
    struct cvom_account acc;
    int http = pages_editable_account(r, &acc);
    if (http)
        return http;
    struct pages_action_fields in = {.title = web_field(r, "title"),
                                     .owner = web_field(r, "owner"),
                                     .due = web_field(r, "due"),
                                     .axis = web_field(r, "axis"),
                                     .effect = web_field(r, "effect"),
                                     .cost = web_field(r, "cost"),
                                     .play = web_field(r, "play")};
    struct cvom_action a;
    enum cvom_status st = pages_action_read(r->store, &in, pages_today(), &a, &r->err);
    if (st)
        return st == CVOM_EINVAL ? pages_form_error(r, &r->err) : web_fail(r, st, &r->err);
    a.account_id = acc.id;
    if (!(st = r->store->ops->begin(r->store, &r->err))) {
        if (!(st = r->store->ops->action_add(r->store, &a, &r->err)))
            st = r->store->ops->commit(r->store, &r->err);
        if (st)
            r->store->ops->rollback(r->store);
    }
    if (st)
        return web_fail(r, st, &r->err);
    char to[80];
    snprintf(to, sizeof to, "/accounts/%lld?plan=added#plan", (long long)acc.id);
    return web_redirect(r, to);
}

/* ---- POST /accounts/{id}/actions/{action} -----------------------------------------------------
 */

int pages_action_status(struct web_req *r)
{
    struct cvom_account acc;
    int http = pages_editable_account(r, &acc);
    if (http)
        return http;
    long id;
    struct cvom_action a;
    enum cvom_status st = CVOM_ENOTFOUND;
    if (r->n_param >= 2 && !cvom__parse_long(r->param[1], 1, LONG_MAX, &id))
        st = r->store->ops->action_get(r->store, id, &a, &r->err);
    /* An action of another account is answered like a missing one. */
    if (st == CVOM_ENOTFOUND || (!st && a.account_id != acc.id))
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such action in this plan.");
    if (st)
        return web_fail(r, st, &r->err);
    const char *want = web_field(r, "status");
    int to = want ? cvom__action_status_parse(want) : -1;
    if (to < 0)
        return web_refuse(r, WEB_INVALID, "status", "The status is open or done.");
    if ((http = pages_form_version(r, &a.version)))
        return http;
    st = pages_action_set(r->store, &a, (enum cvom_action_status)to, pages_today(), &r->err);
    if (st == CVOM_ECONFLICT && r->store->ops->action_get(r->store, a.id, &a, NULL) == CVOM_OK) {
        char msg[CVOM_ACTION_TITLE_MAX + 200], day[11] = "";
        if (a.done)
            cvom_date_format(a.done, day);
        snprintf(msg, sizeof msg,
                 "Someone else changed the action \u201c%s\u201d while you had the page open: "
                 "it is %s%s%s now. Nothing was changed; look at the plan again.",
                 a.title, cvom__action_status_name(a.status), a.done ? " since " : "", day);
        return web_refuse(r, WEB_CONFLICT, "version", msg);
    }
    if (st)
        return st == CVOM_EINVAL ? pages_form_error(r, &r->err) : web_fail(r, st, &r->err);
    char to_path[96];
    snprintf(to_path, sizeof to_path, "/accounts/%lld?plan=%s#plan", (long long)acc.id,
             to == CVOM_ACTION_DONE ? "done" : "open");
    return web_redirect(r, to_path);
}

/* ---- GET /actions -----------------------------------------------------------------------------
 */

/* The accounts the user may see, by id, for names and scope. */
struct scope {
    struct cvom_account_brief *v;
    size_t n, cap;
    int oom;
};

static int push_brief(void *ctx, const struct cvom_account *a)
{
    struct scope *s = ctx;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        void *g = realloc(s->v, cap * sizeof *s->v);
        if (!g) {
            s->oom = 1;
            return 1;
        }
        s->v = g;
        s->cap = cap;
    }
    cvom__account_brief_of(a, &s->v[s->n++]);
    return 0;
}

static int by_id(const void *x, const void *y)
{
    const struct cvom_account_brief *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

static const struct cvom_account_brief *in_scope(const struct scope *s, int64_t id)
{
    struct cvom_account_brief key;
    key.id = id;
    return s->n ? bsearch(&key, s->v, s->n, sizeof *s->v, by_id) : NULL;
}

struct actions_page {
    char owner[CVOM_FIELD_MAX];
    int status; /* -1: any */
    int all;    /* project every open action */
    struct scope scope;
    struct cvom_account_filter filter;
    int any; /* 0: the user may see no account */
    struct actions list, late, unowned;
    struct cvom_action_set plan; /* the ticked actions */
    int planned;                 /* a projection was asked for */
    struct cvom__whatif_portfolio proj;
    int projected;
    char problem[256];
};

/* Keep a listed action when its account is in scope and its owner matches the filter. */
struct keep {
    struct actions_page *p;
    struct actions *into;
    int check_owner;
};

static int keep_action(void *ctx, const struct cvom_action *a)
{
    struct keep *k = ctx;
    if (!in_scope(&k->p->scope, a->account_id))
        return 0;
    if (k->check_owner && k->p->owner[0] && strcmp(a->owner, k->p->owner) != 0)
        return 0;
    return push_action(k->into, a);
}

static enum cvom_status load_lists(struct web_req *r, struct actions_page *p, int32_t today)
{
    struct cvom_store *st = r->store;
    enum cvom_status s = CVOM_OK;
    if (p->any)
        s = st->ops->account_list(st, &p->filter, push_brief, &p->scope, &r->err);
    if (!s && p->scope.oom)
        s = cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    if (s || !p->scope.n)
        return s;
    cvom__sort(p->scope.v, p->scope.n, sizeof *p->scope.v, by_id);
    struct cvom_action_filter all = {.status = p->status};
    struct cvom_action_filter late = {.status = CVOM_ACTION_OPEN, .due_before = today};
    struct cvom_action_filter unowned = {.status = CVOM_ACTION_OPEN, .unowned = 1};
    struct keep k1 = {p, &p->list, 1}, k2 = {p, &p->late, 0}, k3 = {p, &p->unowned, 0};
    s = st->ops->action_list(st, &all, keep_action, &k1, &r->err);
    if (!s)
        s = st->ops->action_list(st, &late, keep_action, &k2, &r->err);
    if (!s)
        s = st->ops->action_list(st, &unowned, keep_action, &k3, &r->err);
    return s;
}

/* The actions ticked under ?plan=ID: each an open action of an account in scope. */
static int read_plan(struct web_req *r, struct actions_page *p)
{
    const struct form *q = web_query_form(r);
    size_t n = 0;
    for (size_t i = 0; q && i < q->n; i++) {
        if (strcmp(q->f[i].name, "plan") != 0)
            continue;
        p->planned = 1;
        long id;
        struct cvom_action a;
        enum cvom_status st = CVOM_ENOTFOUND;
        if (++n > PICKS_MAX) {
            snprintf(p->problem, sizeof p->problem, "Tick at most %d actions at once.", PICKS_MAX);
            return 0;
        }
        if (!cvom__parse_long(q->f[i].value, 1, LONG_MAX, &id))
            st = r->store->ops->action_get(r->store, id, &a, &r->err);
        if (st == CVOM_ENOTFOUND || (!st && !in_scope(&p->scope, a.account_id))) {
            snprintf(p->problem, sizeof p->problem, "There is no action %.40s to plan.",
                     q->f[i].value);
            return 0;
        }
        if (st)
            return web_fail(r, st, &r->err);
        if (a.status != CVOM_ACTION_OPEN) {
            snprintf(p->problem, sizeof p->problem,
                     "Action %lld is done: only open actions are planned.", (long long)a.id);
            return 0;
        }
        int twice = 0;
        for (size_t j = 0; j < p->plan.n; j++)
            twice |= p->plan.v[j].id == a.id;
        if (!twice)
            cvom__action_set_push(&p->plan, &a);
    }
    return 0;
}

static void filters_form(struct web_req *r, const struct actions_page *p)
{
    struct buf *b = &r->out;
    static const char *const st[] = {"open", "done"};
    buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/actions\"><label "
                "for=\"f-owner\">Owner of the action</label><input id=\"f-owner\" name=\"owner\" "
                "maxlength=\"127\" value=\"");
    buf_html(b, p->owner);
    buf_printf(b,
               "\"><label for=\"f-status\">Status</label><select id=\"f-status\" "
               "name=\"status\"><option value=\"any\"%s>any</option>",
               p->status < 0 ? " selected" : "");
    for (int i = 0; i < 2; i++)
        buf_printf(b, "<option value=\"%s\"%s>%s</option>", st[i],
                   p->status == i ? " selected" : "", st[i]);
    buf_puts(b, "</select> <button type=\"submit\">Filter</button></form>");
}

static void short_table(struct web_req *r, const struct actions_page *p, const struct actions *l,
                        const char *id, const char *title, const char *empty, int32_t today)
{
    struct buf *b = &r->out;
    buf_printf(b,
               "<section class=\"block attention\" aria-labelledby=\"%s\"><h2 id=\"%s\">%s "
               "<span class=\"count\">%zu</span></h2>",
               id, id, title, l->n);
    if (!l->n) {
        buf_printf(b, "<p class=\"hint\">%s</p></section>", empty);
        return;
    }
    buf_puts(b, "<table class=\"data compact\"><thead><tr><th scope=\"col\">Account</th><th "
                "scope=\"col\">Action</th><th scope=\"col\">Owner</th><th scope=\"col\">Due"
                "</th></tr></thead><tbody>");
    for (size_t i = 0; i < l->n; i++) {
        const struct cvom_action *a = &l->v[i];
        const struct cvom_account_brief *acc = in_scope(&p->scope, a->account_id);
        buf_printf(b, "<tr class=\"%s\"><td><a href=\"/accounts/%lld#plan\">",
                   overdue(a, today) ? "overdue" : "", (long long)a->account_id);
        buf_html(b, acc ? acc->name : "?");
        buf_puts(b, "</a></td><td>");
        buf_html(b, a->title);
        buf_puts(b, "</td><td>");
        if (a->owner[0])
            buf_html(b, a->owner);
        else
            buf_puts(b, "<span class=\"late\">nobody yet</span>");
        buf_puts(b, "</td><td>");
        date_cell(b, a->due);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></section>");
}

static int ticked(const struct actions_page *p, int64_t id)
{
    for (size_t j = 0; j < p->plan.n; j++)
        if (p->plan.v[j].id == id)
            return 1;
    return 0;
}

static void main_table(struct web_req *r, const struct actions_page *p, int32_t today)
{
    struct buf *b = &r->out;
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"all-h\"><h2 id=\"all-h\">Actions"
                "</h2><form method=\"get\" action=\"/actions#whatif\">");
    buf_puts(b, "<input type=\"hidden\" name=\"owner\" value=\"");
    buf_html(b, p->owner);
    buf_printf(b, "\"><input type=\"hidden\" name=\"status\" value=\"%s\">",
               p->status < 0 ? "any"
                             : cvom__action_status_name((enum cvom_action_status)p->status));
    if (!p->list.n) {
        buf_puts(b, "<p class=\"hint\">No action matches.</p>");
    } else {
        buf_puts(b, "<table class=\"data\"><thead><tr><th scope=\"col\">Plan</th><th "
                    "scope=\"col\">Account</th><th scope=\"col\">Action</th><th scope=\"col\">"
                    "Owner</th><th scope=\"col\">Due</th><th scope=\"col\">Aims at</th><th "
                    "scope=\"col\" class=\"num\">Cost</th><th scope=\"col\">Status</th></tr>"
                    "</thead><tbody>");
    }
    for (size_t i = 0; i < p->list.n; i++) {
        const struct cvom_action *a = &p->list.v[i];
        const struct cvom_account_brief *acc = in_scope(&p->scope, a->account_id);
        long long id = (long long)a->id;
        buf_printf(b, "<tr class=\"%s\"><td>", overdue(a, today) ? "overdue" : "");
        if (a->status == CVOM_ACTION_OPEN)
            buf_printf(b,
                       "<input type=\"checkbox\" name=\"plan\" value=\"%lld\" id=\"pl-%lld\""
                       "%s><label class=\"sr\" for=\"pl-%lld\">Plan action %lld</label>",
                       id, id, ticked(p, a->id) ? " checked" : "", id, id);
        buf_printf(b, "</td><td><a href=\"/accounts/%lld#plan\">", (long long)a->account_id);
        buf_html(b, acc ? acc->name : "?");
        buf_puts(b, "</a></td><td>");
        buf_html(b, a->title);
        buf_puts(b, "</td><td>");
        if (a->owner[0])
            buf_html(b, a->owner);
        else
            buf_puts(b, "<span class=\"late\">nobody yet</span>");
        buf_puts(b, "</td><td>");
        date_cell(b, a->due);
        buf_puts(b, "</td><td>");
        aim(b, a);
        buf_puts(b, "</td><td class=\"num\">");
        buf_num(b, a->cost, 2);
        buf_puts(b, "</td><td>");
        status_badge(b, a, today);
        buf_puts(b, "</td></tr>");
    }
    if (p->list.n)
        buf_puts(b, "</tbody></table>");
    if (p->list.more)
        buf_printf(b, "<p class=\"hint\">Only the first %d actions are listed.</p>", ACTIONS_SHOWN);
    buf_puts(b, "<div class=\"actions\"><button type=\"submit\">What if the ticked actions "
                "worked?</button> <button type=\"submit\" name=\"all\" value=\"1\">What if every "
                "open action worked?</button></div></form></section>");
}

static void mix_table(struct web_req *r, const struct actions_page *p)
{
    struct buf *b = &r->out;
    const struct cvom_whatif_mix *m = &p->proj.mix;
    buf_puts(b, "<section class=\"block estimate\" id=\"whatif\" aria-labelledby=\"wi-h\"><h2 "
                "id=\"wi-h\">What if <span class=\"badge flag\">Estimate</span></h2><p>");
    buf_printf(b,
               "%s: %zu action%s on %zu of %zu accounts, if every one of them worked. A "
               "plan's estimate, not evidence.</p>",
               p->all ? "Every open action" : "The ticked actions", p->proj.counted,
               p->proj.counted == 1 ? "" : "s", m->with_steps, m->accounts);
    buf_puts(b, "<table class=\"data compact\" id=\"wi-mix\"><thead><tr><th scope=\"col\">"
                "Quadrant</th><th scope=\"col\" class=\"num\">Now</th><th scope=\"col\" "
                "class=\"num\">Projected</th><th scope=\"col\" class=\"num\">Change</th></tr>"
                "</thead><tbody>");
    for (int q = 0; q <= CVOM_Q_COUNT; q++) {
        const char *name =
            q < CVOM_Q_COUNT ? cvom_quadrant_name((enum cvom_quadrant)q) : "not placed";
        buf_printf(b,
                   "<tr data-quadrant=\"%s\"><th scope=\"row\">%s</th><td class=\"num\">%zu"
                   "</td><td class=\"num\">%zu</td><td class=\"num\">%+lld</td></tr>",
                   name,
                   q < CVOM_Q_COUNT ? cvom_quadrant_title((enum cvom_quadrant)q) : "Not placed",
                   m->before[q], m->after[q], (long long)m->after[q] - (long long)m->before[q]);
    }
    buf_puts(b, "</tbody></table><p>Cost of the plan: <strong id=\"wi-cost\">");
    buf_num(b, m->cost, 2);
    buf_printf(b, "</strong>. %zu account%s would change quadrant%s</p>", m->moved,
               m->moved == 1 ? "" : "s", m->moved ? ":" : ".");
    if (m->moved)
        buf_puts(b, "<ul class=\"moves\">");
    for (size_t i = 0; i < p->proj.n; i++) {
        const struct cvom_whatif *w = &p->proj.w[i];
        if (w->state_before == CVOM_STATE_INSUFFICIENT ||
            w->state_after == CVOM_STATE_INSUFFICIENT || w->quadrant_before == w->quadrant_after)
            continue;
        buf_printf(b, "<li><a href=\"/accounts/%lld/whatif\">", (long long)p->proj.v[i].account.id);
        buf_html(b, p->proj.v[i].account.name);
        buf_printf(b, "</a>: %s \xE2\x86\x92 %s</li>", cvom_quadrant_title(w->quadrant_before),
                   cvom_quadrant_title(w->quadrant_after));
    }
    if (m->moved)
        buf_puts(b, "</ul>");
    buf_puts(b, "</section>");
}

static void read_filters(struct web_req *r, struct actions_page *p)
{
    const char *owner = web_query(r, "owner"), *status = web_query(r, "status");
    const char *all = web_query(r, "all");
    if (owner && cvom__copy_str(p->owner, sizeof p->owner, owner))
        p->owner[0] = '\0';
    cvom__trim(p->owner);
    p->status = CVOM_ACTION_OPEN;
    if (status && strcmp(status, "any") == 0)
        p->status = -1;
    else if (status && cvom__action_status_parse(status) >= 0)
        p->status = cvom__action_status_parse(status);
    p->all = all && strcmp(all, "1") == 0;
    p->any = pages_scope_filter(r, NULL, NULL, NULL, &p->filter);
}

static void actions_page_free(struct actions_page *p)
{
    free(p->scope.v);
    free(p->list.v);
    free(p->late.v);
    free(p->unowned.v);
    free(p->plan.v);
    if (p->projected)
        cvom__whatif_portfolio_cleanup(&p->proj);
    free(p);
}

/* Project the plan (or every open action) over the accounts in scope. */
static enum cvom_status project(struct web_req *r, struct actions_page *p, int32_t today)
{
    struct cvom_config cfg;
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st)
        st = cvom__whatif_portfolio(r->store, &cfg, &p->filter, -1, today, p->all ? NULL : &p->plan,
                                    &p->proj, &r->err);
    if (!st)
        p->projected = 1;
    return st;
}

int pages_actions(struct web_req *r)
{
    struct actions_page *p = calloc(1, sizeof *p);
    if (!p)
        return web_fail(r, CVOM_ENOMEM, NULL);
    int32_t today = pages_today();
    read_filters(r, p);
    enum cvom_status st = load_lists(r, p, today);
    int http = st ? web_fail(r, st, &r->err) : read_plan(r, p);
    if (!http && p->any && (p->all || (p->planned && !p->problem[0] && p->plan.n)) &&
        (st = project(r, p, today)) != CVOM_OK)
        http = web_fail(r, st, &r->err);
    if (http) {
        actions_page_free(p);
        return http;
    }
    struct buf *b = &r->out;
    page_begin(r, "Actions", "actions");
    buf_puts(b, "<div class=\"page-head\"><h1>Actions</h1><p class=\"hint\">The plans of the "
                "accounts you can see. Tick open actions to see where they would take the "
                "portfolio if they worked.</p></div>");
    filters_form(r, p);
    if (p->problem[0])
        page_notice(r, "error", p->problem);
    if (p->projected)
        mix_table(r, p);
    short_table(r, p, &p->late, "late-h", "Overdue", "Nothing is overdue.", today);
    short_table(r, p, &p->unowned, "unowned-h", "Without an owner",
                "Every open action has an owner.", today);
    main_table(r, p, today);
    page_end(r);
    http = p->problem[0] ? 422 : 200;
    actions_page_free(p);
    return http;
}
