/* admin.c — the import and administration section: its route table, and the pages only
 * administrators use — users and roles, the scoring settings, instruments and their
 * versions, and the audit log. Every change runs in one transaction and is audited. */
#include "web/admin.h"

#include "io/instrument_csv.h"
#include "io/util.h"
#include "service/analytics.h"
#include "service/auth.h"
#include "web/auth.h"
#include "web/multipart.h"
#include "web/page.h"
#include "core/mem.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USERS_SHOWN 5000
#define INSTRUMENTS_SHOWN 200
#define AUDIT_PAGE 50

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* "2026-05-01 14:03 UTC" */
static void format_time(int64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm))
        cvom__copy_str(out, cap, "?");
}

/* A notice chosen by a fixed key from the query, so that no text of the URL is shown. */
struct done_text {
    const char *key, *text;
};

static void done_notice(struct web_req *r, const struct done_text *texts)
{
    const char *done = web_query(r, "done");
    for (; done && texts->key; texts++)
        if (strcmp(done, texts->key) == 0)
            page_notice(r, "ok", texts->text);
}

/* Run the current transaction's end: commit when s is OK, else roll back. */
static enum cvom_status finish(struct web_req *r, enum cvom_status s)
{
    if (!s)
        s = r->store->ops->commit(r->store, &r->err);
    if (s)
        r->store->ops->rollback(r->store);
    return s;
}

/* ---- GET /admin ------------------------------------------------------------------------------ */

static int admin_home(struct web_req *r)
{
    static const struct {
        const char *href, *label, *about;
    } links[] = {
        {"/admin/users", "Users and roles", "who may sign in, and what they may do"},
        {"/admin/settings", "Scoring settings",
         "thresholds, confidence, evidence rules, over-serving and alignment"},
        {"/admin/instruments", "Instruments", "the questionnaires and their versions"},
        {"/admin/playbooks", "Playbook", "the plays suggested for each quadrant and move"},
        {"/admin/signals", "Signals", "CRM figures blended into the scores, their weights"},
        {"/admin/audit", "Audit log", "sign-ins, role changes, imports, settings"},
        {"/import", "Import", "accounts, stakeholders and responses from CSV files"},
    };
    struct buf *b = &r->out;
    page_begin(r, "Administration", "admin");
    buf_puts(b, "<div class=\"narrow\"><h1>Administration</h1><ul>");
    for (size_t i = 0; i < sizeof links / sizeof *links; i++)
        buf_printf(b, "<li><a href=\"%s\">%s</a> — %s</li>", links[i].href, links[i].label,
                   links[i].about);
    buf_puts(b, "</ul></div>");
    page_end(r);
    return 200;
}

/* ---- users ----------------------------------------------------------------------------------- */

struct user_list {
    struct cvom_user *u;
    size_t n, cap;
};

static int user_cb(void *ctx, const struct cvom_user *u)
{
    struct user_list *l = ctx;
    if (l->n == USERS_SHOWN)
        return 1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        void *g = realloc(l->u, cap * sizeof *l->u);
        if (!g)
            return 1;
        l->u = g;
        l->cap = cap;
    }
    l->u[l->n] = *u;
    sodium_memzero(l->u[l->n].password, sizeof l->u[l->n].password);
    l->u[l->n].password[0] = u->password[0] ? '*' : '\0'; /* only whether one is set */
    l->n++;
    return 0;
}

static void role_options(struct buf *b, enum cvom_role chosen)
{
    for (int i = CVOM_ROLE_COUNT - 1; i >= 0; i--)
        buf_printf(b, "<option value=\"%s\"%s>%s</option>", cvom__role_name((enum cvom_role)i),
                   (int)chosen == i ? " selected" : "", cvom__role_name((enum cvom_role)i));
}

static void user_action_open(struct web_req *r, const struct cvom_user *u, const char *action)
{
    buf_printf(&r->out, "<form method=\"post\" action=\"/admin/users/%lld\">", (long long)u->id);
    page_csrf(r);
    buf_printf(&r->out, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
}

/* The forms that change one user; an administrator's own row offers only the password. */
static void user_actions(struct web_req *r, const struct cvom_user *u)
{
    struct buf *b = &r->out;
    long long id = (long long)u->id;
    int self = u->id == r->user.id;
    if (!self) {
        user_action_open(r, u, "role");
        buf_printf(b,
                   "<label for=\"role-%lld\">Role</label><select id=\"role-%lld\" "
                   "name=\"role\">",
                   id, id);
        role_options(b, u->role);
        buf_puts(b, "</select> <button type=\"submit\">Change role</button></form>");
        user_action_open(r, u, u->disabled ? "enable" : "disable");
        buf_printf(b, "<button type=\"submit\">%s</button></form>",
                   u->disabled ? "Allow sign-in" : "Disable");
    } else {
        buf_puts(b, "<p>This is you: another administrator must change your role or "
                    "access.</p>");
    }
    user_action_open(r, u, "password");
    buf_printf(b,
               "<label for=\"pw-%lld\">New password</label><input type=\"password\" "
               "id=\"pw-%lld\" name=\"password\" minlength=\"%d\" maxlength=\"%d\" "
               "autocomplete=\"new-password\" required> "
               "<button type=\"submit\">Set password</button></form>",
               id, id, CVOM_PASSWORD_MIN, CVOM_PASSWORD_MAX);
}

static void users_table(struct web_req *r, const struct user_list *l)
{
    struct buf *b = &r->out;
    buf_puts(b, "<table class=\"data\"><caption>Users</caption><thead><tr>"
                "<th scope=\"col\">Name</th><th scope=\"col\">Display name (account owner)</th>"
                "<th scope=\"col\">Role</th><th scope=\"col\">Can sign in</th>"
                "<th scope=\"col\">Created</th><th scope=\"col\">Change</th></tr></thead><tbody>");
    for (size_t i = 0; i < l->n; i++) {
        const struct cvom_user *u = &l->u[i];
        char created[32];
        format_time(u->created, created, sizeof created);
        buf_puts(b, "<tr><td>");
        buf_html(b, u->name);
        buf_puts(b, "</td><td>");
        buf_html(b, u->display);
        buf_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td><td>", cvom__role_name(u->role),
                   u->disabled      ? "no (disabled)"
                   : u->password[0] ? "yes"
                                    : "no password",
                   created);
        user_actions(r, u);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
    if (l->n == USERS_SHOWN)
        buf_printf(b, "<p>Only the first %d users are listed.</p>", USERS_SHOWN);
}

/* What the add form held, to show it again after an error (never the password). */
struct user_form {
    char name[CVOM_FIELD_MAX], display[CVOM_FIELD_MAX];
    enum cvom_role role;
};

static void add_user_form(struct web_req *r, const struct user_form *f)
{
    struct buf *b = &r->out;
    buf_puts(b, "<h2>Add a user</h2><form class=\"stack\" method=\"post\" "
                "action=\"/admin/users\">");
    page_csrf(r);
    buf_puts(b, "<label for=\"name\">Sign-in name (letters, digits, . _ - @)</label>"
                "<input id=\"name\" name=\"name\" required maxlength=\"64\" "
                "autocomplete=\"off\" value=\"");
    buf_html(b, f ? f->name : "");
    buf_puts(b, "\"><label for=\"display\">Display name: the owner name on their accounts "
                "(default: the sign-in name)</label><input id=\"display\" name=\"display\" "
                "maxlength=\"127\" value=\"");
    buf_html(b, f ? f->display : "");
    buf_puts(b, "\"><label for=\"role\">Role</label><select id=\"role\" name=\"role\">");
    role_options(b, f ? f->role : CVOM_ROLE_VIEWER);
    buf_printf(b,
               "</select><label for=\"password\">Initial password (at least %d "
               "characters)</label><input id=\"password\" name=\"password\" "
               "type=\"password\" minlength=\"%d\" maxlength=\"%d\" required "
               "autocomplete=\"new-password\"><button type=\"submit\">Add user</button>"
               "</form>",
               CVOM_PASSWORD_MIN, CVOM_PASSWORD_MIN, CVOM_PASSWORD_MAX);
}

static int users_page(struct web_req *r, const char *error, const struct user_form *f, int http)
{
    static const struct done_text texts[] = {
        {"added", "The user was added."},
        {"role", "The role was changed, and that user's sessions were ended."},
        {"disable", "The user can no longer sign in; their sessions were ended."},
        {"enable", "The user can sign in again."},
        {"password", "The password was set, and that user's sessions were ended."},
        {"same", "Nothing changed."},
        {NULL, NULL},
    };
    struct user_list l = {0};
    enum cvom_status s = r->store->ops->user_list(r->store, user_cb, &l, &r->err);
    if (s) {
        free(l.u);
        return web_fail(r, s, &r->err);
    }
    struct buf *b = &r->out;
    page_begin(r, "Users", "admin");
    buf_puts(b, "<div class=\"narrow\"><p><a href=\"/admin\">Administration</a></p>"
                "<h1>Users and roles</h1>");
    if (error)
        page_notice(r, "error", error);
    else
        done_notice(r, texts);
    buf_puts(b, "<p>Administrators do everything; managers see and edit the accounts whose "
                "owner is their display name; viewers read everything. Changing a role, "
                "disabling a user or setting their password signs them out everywhere.</p>");
    users_table(r, &l);
    add_user_form(r, f);
    buf_puts(b, "</div>");
    page_end(r);
    free(l.u);
    return http;
}

static int users_get(struct web_req *r)
{
    return users_page(r, NULL, NULL, 200);
}

/* Hash a password within the server's cap on concurrent hashing. */
static enum cvom_status hash_password(struct web_req *r, const char *pw, char out[CVOM_SECRET_MAX])
{
    if (!web_hash_turn(r->app))
        return cvom_error_set(&r->err, CVOM_EBUSY, "the server is busy; please try again");
    enum cvom_status s = cvom__password_hash(pw, NULL, out, &r->err);
    web_hash_done(r->app);
    return s;
}

static int users_add(struct web_req *r)
{
    struct user_form f = {.role = CVOM_ROLE_VIEWER};
    const char *name = web_field(r, "name"), *display = web_field(r, "display");
    const char *role = web_field(r, "role"), *pw = web_field(r, "password");
    cvom__copy_str(f.name, sizeof f.name, name ? name : "");
    cvom__copy_str(f.display, sizeof f.display, display ? display : "");
    cvom__trim(f.name);
    cvom__trim(f.display);
    int ro = cvom__role_parse(role);
    if (ro < 0)
        return users_page(r, "Choose a role: admin, manager or viewer.", &f, 422);
    f.role = (enum cvom_role)ro;
    if (!pw || !pw[0])
        return users_page(r, "Give the new user an initial password.", &f, 422);
    if (!web_hash_turn(r->app))
        return web_refuse(r, WEB_BUSY, NULL, "The server is busy; please try again.");
    struct cvom_user u;
    enum cvom_status s = r->store->ops->begin(r->store, &r->err);
    if (!s)
        s = cvom__user_create(r->store, f.name, f.display, f.role, pw, now_s(), &u, &r->err);
    web_hash_done(r->app);
    if (!s)
        web_audit(r, "user-add", u.name, cvom__role_name(u.role));
    if ((s = finish(r, s)) == CVOM_EEXIST)
        cvom_error_set(&r->err, s, "There is already a user named '%s'.", f.name);
    if (s == CVOM_EINVAL || s == CVOM_EEXIST || s == CVOM_ELIMIT)
        return users_page(r, r->err.message, &f, 422);
    return s ? web_fail(r, s, &r->err) : web_redirect(r, "/admin/users?done=added");
}

/* One change to user u (already loaded, inside the transaction). hash is the new password's
 * hash for the "password" action. Fills *done with the notice key; an administrator may not
 * demote or disable themselves. */
static enum cvom_status change_user(struct web_req *r, struct cvom_user *u, const char *action,
                                    const char *hash, const char **done)
{
    int self = u->id == r->user.id;
    char detail[96];
    if (strcmp(action, "role") == 0) {
        int ro = cvom__role_parse(web_field(r, "role"));
        if (ro < 0)
            return cvom_error_set(&r->err, CVOM_EINVAL, "Choose a role: admin, manager or viewer.");
        if (self && ro != CVOM_ROLE_ADMIN)
            return cvom_error_set(&r->err, CVOM_EINVAL,
                                  "You cannot remove your own "
                                  "administrator role: ask another administrator to do it.");
        if ((enum cvom_role)ro == u->role) {
            *done = "same";
            return CVOM_OK;
        }
        snprintf(detail, sizeof detail, "%s → %s", cvom__role_name(u->role),
                 cvom__role_name((enum cvom_role)ro));
        u->role = (enum cvom_role)ro;
        web_audit(r, "role-change", u->name, detail);
        *done = "role";
    } else if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
        int disable = action[0] == 'd';
        if (self && disable)
            return cvom_error_set(&r->err, CVOM_EINVAL,
                                  "You cannot disable yourself: ask "
                                  "another administrator to do it.");
        u->disabled = disable;
        web_audit(r, disable ? "user-disable" : "user-enable", u->name, NULL);
        *done = disable ? "disable" : "enable";
    } else if (strcmp(action, "password") == 0 && hash) {
        cvom__copy_str(u->password, sizeof u->password, hash);
        web_audit(r, "password-set", u->name, NULL);
        *done = "password";
    } else {
        return cvom_error_set(&r->err, CVOM_EINVAL, "Unknown change.");
    }
    enum cvom_status s = r->store->ops->user_update(r->store, u, &r->err);
    if (!s && strcmp(*done, "enable") != 0) /* signed out wherever they are */
        s = r->store->ops->session_remove_user(r->store, u->id, &r->err);
    return s;
}

static int user_post(struct web_req *r)
{
    long id;
    if (cvom__parse_long(r->param[0], 1, 0x7fffffffL, &id))
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such user.");
    const char *action = web_field(r, "action");
    const char *done = "same";
    char hash[CVOM_SECRET_MAX] = "";
    struct cvom_user u;
    memset(&u, 0, sizeof u);
    enum cvom_status s = CVOM_OK;
    /* Hashing takes a while: done before the transaction, so no lock is held meanwhile. */
    if (action && strcmp(action, "password") == 0) {
        const char *pw = web_field(r, "password");
        s = hash_password(r, pw ? pw : "", hash);
    }
    if (!s && !(s = r->store->ops->begin(r->store, &r->err))) {
        s = r->store->ops->user_get(r->store, id, &u, &r->err);
        if (s == CVOM_ENOTFOUND)
            s = cvom_error_set(&r->err, s, "There is no such user.");
        if (!s)
            s = change_user(r, &u, action ? action : "", hash[0] ? hash : NULL, &done);
        s = finish(r, s);
    }
    sodium_memzero(u.password, sizeof u.password);
    sodium_memzero(hash, sizeof hash);
    if (s == CVOM_ENOTFOUND)
        return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such user.");
    if (s == CVOM_EINVAL)
        return users_page(r, r->err.message, NULL, 422);
    if (s)
        return web_fail(r, s, &r->err);
    char to[64];
    snprintf(to, sizeof to, "/admin/users?done=%s", done);
    return web_redirect(r, to);
}

/* ---- settings -------------------------------------------------------------------------------- */

static const char *const setting_labels[] = {
    "Intellectual threshold (0–100): at or above it an account counts as high",
    "Emotional threshold (0–100): at or above it an account counts as high",
    "Interval coverage (for example 0.90 for 90 %)",
    "Customer respondents needed on an axis to place an account",
    "Count self-assessments in the score (1) or show them beside it (0)",
    "Days after which an assessment is stale",
    "Weight of the survey against the CRM signals blended into the axis scores",
    "Over-served when the unvalued cost is more than this share of the cost to serve (0–1)",
    "A partnership aligned below this (Kendall's tau-b, −1 to 1) is at risk",
};

#define SETTINGS_N (sizeof setting_labels / sizeof *setting_labels)

static void current_settings(const struct cvom_config *cfg,
                             const struct cvom_analytics_settings *an, char v[][32])
{
    for (size_t i = 0; i < SETTINGS_N && cvom__config_keys[i]; i++)
        cvom__config_value(cfg, an, cvom__config_keys[i], v[i], 32);
}

/* The form shows values and carries, for each setting, the value the page was made from
 * (seen), so that a change made over someone else's newer one is refused. */
static int settings_page(struct web_req *r, char values[][32], char seen[][32], const char *error,
                         const char *bad_key, int http)
{
    static const struct done_text texts[] = {
        {"saved", "The settings were saved. Scores use them from now on."},
        {"same", "Nothing changed."},
        {NULL, NULL},
    };
    struct buf *b = &r->out;
    page_begin(r, "Scoring settings", "admin");
    buf_puts(b, "<div class=\"narrow\"><p><a href=\"/admin\">Administration</a></p>"
                "<h1>Scoring settings</h1>");
    if (error)
        page_notice(r, "error", error);
    else
        done_notice(r, texts);
    buf_puts(b, "<form class=\"stack\" method=\"post\" action=\"/admin/settings\">");
    page_csrf(r);
    for (size_t i = 0; i < SETTINGS_N && cvom__config_keys[i]; i++) {
        const char *key = cvom__config_keys[i];
        int bad = bad_key && strcmp(bad_key, key) == 0;
        buf_printf(b,
                   "<label for=\"%s\">%s <code>%s</code></label>"
                   "<input id=\"%s\" name=\"%s\" inputmode=\"decimal\" maxlength=\"30\"%s "
                   "value=\"",
                   key, setting_labels[i], key, key, key, bad ? " aria-invalid=\"true\"" : "");
        buf_html(b, values[i]);
        buf_printf(b, "\"><input type=\"hidden\" name=\"seen.%s\" value=\"", key);
        buf_html(b, seen[i]);
        buf_puts(b, "\">");
    }
    buf_puts(b, "<button type=\"submit\">Save settings</button></form></div>");
    page_end(r);
    return http;
}

static int settings_get(struct web_req *r)
{
    struct cvom_config cfg;
    struct cvom_analytics_settings an;
    char v[SETTINGS_N][32];
    enum cvom_status s = cvom__config_load(r->store, &cfg, &r->err);
    if (!s)
        s = cvom__analytics_settings_load(r->store, &an, &r->err);
    if (s)
        return web_fail(r, s, &r->err);
    current_settings(&cfg, &an, v);
    return settings_page(r, v, v, NULL, NULL, 200);
}

static int same_setting(const char *x, const char *y)
{
    double a, b;
    return strcmp(x, y) == 0 ||
           (!cvom__parse_double(x, &a) && !cvom__parse_double(y, &b) && a == b);
}

/* Store the settings the person changed (sent differs from what the page showed them,
 * seen), each only while it still is what they saw; on a bad value or a change made
 * meanwhile, *bad names it. */
static enum cvom_status store_settings(struct web_req *r, char cur[][32], char seen[][32],
                                       char sent[][32], const char **bad, char *detail, size_t cap)
{
    size_t used = 0;
    detail[0] = '\0';
    for (size_t i = 0; i < SETTINGS_N && cvom__config_keys[i]; i++) {
        if (same_setting(seen[i], sent[i]) || same_setting(cur[i], sent[i]))
            continue;
        enum cvom_status s =
            cvom__config_store_seen(r->store, cvom__config_keys[i], seen[i], sent[i], &r->err);
        if (s) {
            *bad = cvom__config_keys[i];
            return s;
        }
        int n = snprintf(detail + used, cap - used, "%s%s %s → %s", used ? "; " : "",
                         cvom__config_keys[i], cur[i], sent[i]);
        if (n > 0 && (size_t)n < cap - used)
            used += (size_t)n;
    }
    return CVOM_OK;
}

static int settings_post(struct web_req *r)
{
    struct cvom_config cfg;
    struct cvom_analytics_settings an;
    char cur[SETTINGS_N][32], seen[SETTINGS_N][32], sent[SETTINGS_N][32], detail[600];
    const char *bad = NULL;
    enum cvom_status s = r->store->ops->begin(r->store, &r->err);
    if (!s)
        s = cvom__config_load(r->store, &cfg, &r->err);
    if (!s)
        s = cvom__analytics_settings_load(r->store, &an, &r->err);
    if (s) {
        finish(r, s);
        return web_fail(r, s, &r->err);
    }
    current_settings(&cfg, &an, cur);
    for (size_t i = 0; i < SETTINGS_N && cvom__config_keys[i]; i++) {
        char name[64];
        const char *v = web_field(r, cvom__config_keys[i]);
        cvom__copy_str(sent[i], sizeof sent[i], v ? v : cur[i]);
        cvom__trim(sent[i]);
        /* A form without what it was made from (an older page) is taken as made from now. */
        snprintf(name, sizeof name, "seen.%s", cvom__config_keys[i]);
        v = web_field(r, name);
        cvom__copy_str(seen[i], sizeof seen[i], v ? v : cur[i]);
    }
    s = store_settings(r, cur, seen, sent, &bad, detail, sizeof detail);
    if (!s && detail[0])
        web_audit(r, "settings", "scoring", detail);
    if ((s = finish(r, s)) == CVOM_EINVAL) {
        char msg[sizeof r->err.message + 80];
        snprintf(msg, sizeof msg, "%s: %s. Nothing was changed.", bad ? bad : "settings",
                 r->err.message);
        return settings_page(r, sent, seen, msg, bad, 422);
    }
    if (s == CVOM_ECONFLICT) {
        /* Show the values as they are now with the person's own beside them in the form,
         * made from the new values, so that saving again is a deliberate choice. */
        char msg[sizeof r->err.message + 200], now[SETTINGS_N][32];
        struct cvom_config cfg2;
        struct cvom_analytics_settings an2;
        if (cvom__config_load(r->store, &cfg2, NULL) ||
            cvom__analytics_settings_load(r->store, &an2, NULL))
            return web_fail(r, s, &r->err);
        current_settings(&cfg2, &an2, now);
        snprintf(msg, sizeof msg,
                 "Someone else changed the settings while you had the page "
                 "open (%s). Nothing was saved: your values are in the form; "
                 "save again to keep them.",
                 r->err.message);
        return settings_page(r, sent, now, msg, bad, 409);
    }
    if (s)
        return web_fail(r, s, &r->err);
    return web_redirect(r, detail[0] ? "/admin/settings?done=saved" : "/admin/settings?done=same");
}

/* ---- instruments ---------------------------------------------------------------------------- */

struct instrument_entry {
    int64_t id;
    char name[CVOM_NAME_MAX];
    int version;
    size_t items;
};

struct instrument_list {
    struct instrument_entry e[INSTRUMENTS_SHOWN];
    size_t n;
};

static int instrument_cb(void *ctx, int64_t id, const char *name, int version, size_t n_items)
{
    struct instrument_list *l = ctx;
    if (l->n == INSTRUMENTS_SHOWN)
        return 1;
    struct instrument_entry *e = &l->e[l->n++];
    e->id = id;
    cvom__copy_str(e->name, sizeof e->name, name);
    e->version = version;
    e->items = n_items;
    return 0;
}

static void items_table(struct buf *b, const struct cvom_instrument *ins)
{
    buf_printf(b, "<p>A respondent needs %d answered items on an axis to score on it.</p>",
               ins->min_items);
    buf_puts(b, "<table class=\"data\"><thead><tr><th scope=\"col\">Code</th>"
                "<th scope=\"col\">Axis</th><th scope=\"col\">Reverse</th>"
                "<th scope=\"col\">Scale</th><th scope=\"col\">Weight</th>"
                "<th scope=\"col\">Statement</th></tr></thead><tbody>");
    for (size_t i = 0; i < ins->n_items; i++) {
        const struct cvom_item *it = &ins->items[i];
        buf_puts(b, "<tr><td><code>");
        buf_html(b, it->code);
        buf_printf(b, "</code></td><td>%s</td><td>%s</td><td>%d–%d</td><td>",
                   cvom_axis_name(it->axis), it->reverse ? "yes" : "no", it->scale_min,
                   it->scale_max);
        buf_num(b, it->weight, 2);
        buf_puts(b, "</td><td>");
        buf_html(b, it->statement);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
}

static void instrument_upload_form(struct web_req *r)
{
    struct buf *b = &r->out;
    buf_puts(b, "<h2>Add an instrument or a new version</h2><p>A file with <code># name:</code>, "
                "<code># version:</code> and <code># min_items:</code> lines, then a CSV table "
                "with the header <code>code,axis,reverse,weight,scale_min,scale_max,statement"
                "</code> (and optionally <code>construct</code>). A name and version already "
                "here are refused: publish changes as a new version, so that old assessments "
                "keep theirs.</p><form class=\"stack\" method=\"post\" "
                "enctype=\"multipart/form-data\" action=\"/admin/instruments\">");
    page_csrf(r);
    buf_puts(b, "<label for=\"file\">Instrument file</label><input type=\"file\" id=\"file\" "
                "name=\"file\" accept=\".csv,.txt,text/csv,text/plain\">"
                "<label for=\"text\">Or paste it</label><textarea id=\"text\" name=\"text\" "
                "rows=\"6\" spellcheck=\"false\"></textarea>"
                "<button type=\"submit\">Add the instrument</button></form>");
}

static int instruments_page(struct web_req *r, const char *error, int http)
{
    static const struct done_text texts[] = {
        {"added", "The instrument version was added."},
        {NULL, NULL},
    };
    struct instrument_list *l = calloc(1, sizeof *l);
    if (!l)
        return web_fail(r, CVOM_ENOMEM, NULL);
    enum cvom_status s = r->store->ops->instrument_list(r->store, instrument_cb, l, &r->err);
    if (s) {
        free(l);
        return web_fail(r, s, &r->err);
    }
    struct buf *b = &r->out;
    page_begin(r, "Instruments", "admin");
    buf_puts(b, "<div class=\"narrow\"><p><a href=\"/admin\">Administration</a></p>"
                "<h1>Instruments</h1>");
    if (error)
        page_notice(r, "error", error);
    else
        done_notice(r, texts);
    for (size_t i = 0; i < l->n; i++) {
        struct cvom_instrument ins;
        cvom_instrument_init(&ins);
        buf_puts(b, "<details><summary>");
        buf_html(b, l->e[i].name);
        buf_printf(b, " version %d — %zu items</summary>", l->e[i].version, l->e[i].items);
        if (r->store->ops->instrument_get(r->store, l->e[i].id, &ins, NULL) == CVOM_OK)
            items_table(b, &ins);
        else
            buf_puts(b, "<p>The items could not be read.</p>");
        buf_puts(b, "</details>");
        cvom_instrument_cleanup(&ins);
    }
    if (l->n == 0)
        buf_puts(b, "<p>No instruments yet.</p>");
    instrument_upload_form(r);
    buf_puts(b, "</div>");
    page_end(r);
    free(l);
    return http;
}

static int instruments_get(struct web_req *r)
{
    return instruments_page(r, NULL, 200);
}

/* The uploaded file or the pasted text, as a NUL-terminated copy the caller frees. */
static enum cvom_status instrument_upload(struct web_req *r, char **text, size_t *len, char *name,
                                          size_t cap)
{
    struct web_input *in = calloc(1, sizeof *in);
    if (!in)
        return cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    enum cvom_status s = web_input_open(r, in);
    const char *data = NULL;
    size_t n = 0;
    const struct web_part *file = !s && in->multipart ? web_multipart_get(&in->mp, "file") : NULL;
    if (file && file->len) {
        data = file->data;
        n = file->len;
        const char *base = strrchr(file->filename, '/');
        base = base ? base + 1 : file->filename;
        cvom__copy_str(name, cap, base[0] && web_utf8_ok(base, strlen(base)) ? base : "upload");
    } else if (!s && web_input_data(in, "text", &data, &n) && n) {
        cvom__copy_str(name, cap, "pasted text");
    } else if (!s) {
        s = cvom_error_set(&r->err, CVOM_EINVAL, "Choose an instrument file, or paste it.");
    }
    if (!s && !(*text = malloc(n + 1)))
        s = cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    if (!s) {
        cvom__copy(*text, data, n);
        (*text)[n] = '\0';
        *len = n;
    }
    free(in);
    return s;
}

static int instruments_post(struct web_req *r)
{
    char name[128], *text = NULL;
    size_t len = 0;
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    enum cvom_status s = instrument_upload(r, &text, &len, name, sizeof name);
    if (!s)
        s = cvom__instrument_parse(text, len, name, &ins, &r->err);
    free(text);
    int64_t id = 0;
    if (!s && !(s = r->store->ops->begin(r->store, &r->err))) {
        s = r->store->ops->instrument_put(r->store, &ins, &id, &r->err);
        if (s == CVOM_EEXIST)
            cvom_error_set(&r->err, s,
                           "%s version %d is already here: publish the change as "
                           "a new version.",
                           ins.name, ins.version);
        if (!s) {
            char detail[64];
            snprintf(detail, sizeof detail, "version %d, %zu items", ins.version, ins.n_items);
            web_audit(r, "instrument-add", ins.name, detail);
        }
        s = finish(r, s);
    }
    cvom_instrument_cleanup(&ins);
    if (s == CVOM_EINVAL || s == CVOM_EPARSE || s == CVOM_ELIMIT || s == CVOM_EEXIST) {
        char msg[sizeof r->err.file + sizeof r->err.message + 48];
        if (r->err.line > 0)
            snprintf(msg, sizeof msg, "%s:%ld:%ld: %s", r->err.file, r->err.line,
                     r->err.column > 0 ? r->err.column : 1L, r->err.message);
        else
            snprintf(msg, sizeof msg, "%s", r->err.message);
        return instruments_page(r, msg, 422);
    }
    return s ? web_fail(r, s, &r->err) : web_redirect(r, "/admin/instruments?done=added");
}

/* ---- audit log ------------------------------------------------------------------------------- */

struct audit_page {
    struct buf *b;
    int rows;
};

static int audit_cb(void *ctx, const struct cvom_audit *a)
{
    struct audit_page *p = ctx;
    if (++p->rows > AUDIT_PAGE)
        return 1; /* one more than a page only says that there is a next page */
    char when[32];
    format_time(a->at, when, sizeof when);
    buf_printf(p->b, "<tr><td>%s</td><td>", when);
    buf_html(p->b, a->actor[0] ? a->actor : "—");
    buf_puts(p->b, "</td><td>");
    buf_html(p->b, a->action);
    buf_puts(p->b, "</td><td>");
    buf_html(p->b, a->target);
    buf_puts(p->b, "</td><td>");
    buf_html(p->b, a->detail);
    buf_puts(p->b, "</td><td>");
    buf_html(p->b, a->address);
    buf_puts(p->b, "</td></tr>");
    return 0;
}

static int audit_get(struct web_req *r)
{
    long page = 1;
    const char *q = web_query(r, "page");
    if (q && cvom__parse_long(q, 1, 1000000, &page))
        return web_refuse(r, WEB_BAD_REQUEST, NULL, "The page must be a number from 1.");
    struct buf *b = &r->out;
    page_begin(r, "Audit log", "admin");
    buf_printf(b,
               "<div class=\"narrow\"><p><a href=\"/admin\">Administration</a></p>"
               "<h1>Audit log</h1><table class=\"data\"><caption>Newest first, page %ld"
               "</caption><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th>"
               "<th scope=\"col\">What</th><th scope=\"col\">To what</th>"
               "<th scope=\"col\">Detail</th><th scope=\"col\">From</th></tr></thead><tbody>",
               page);
    struct audit_page p = {.b = b};
    enum cvom_status s = r->store->ops->audit_list(
        r->store, AUDIT_PAGE + 1, (int64_t)(page - 1) * AUDIT_PAGE, audit_cb, &p, &r->err);
    if (s)
        return web_fail(r, s, &r->err);
    buf_puts(b, "</tbody></table>");
    if (p.rows == 0)
        buf_puts(b, "<p>Nothing on this page.</p>");
    buf_puts(b, "<nav aria-label=\"Pages\"><p>");
    if (page > 1)
        buf_printf(b, "<a href=\"/admin/audit?page=%ld\" rel=\"prev\">Newer</a> ", page - 1);
    if (p.rows > AUDIT_PAGE)
        buf_printf(b, "<a href=\"/admin/audit?page=%ld\" rel=\"next\">Older</a>", page + 1);
    buf_puts(b, "</p></nav></div>");
    page_end(r);
    return 200;
}

/* ---- routes --------------------------------------------------------------------------------- */

const struct web_route web_admin_routes[] = {
    {M_GET, "/import", web_import_page, A_MANAGER, 0},
    {M_POST, "/import", web_import_preview, A_MANAGER, 0},
    {M_POST, "/import/commit", web_import_commit, A_MANAGER, 0},
    {M_GET, "/admin", admin_home, A_ADMIN, 0},
    {M_GET, "/admin/users", users_get, A_ADMIN, 0},
    {M_POST, "/admin/users", users_add, A_ADMIN, 0},
    {M_POST, "/admin/users/{id}", user_post, A_ADMIN, 0},
    {M_GET, "/admin/settings", settings_get, A_ADMIN, 0},
    {M_POST, "/admin/settings", settings_post, A_ADMIN, 0},
    {M_GET, "/admin/instruments", instruments_get, A_ADMIN, 0},
    {M_POST, "/admin/instruments", instruments_post, A_ADMIN, 0},
    {M_GET, "/admin/audit", audit_get, A_ADMIN, 0},
    {0, NULL, NULL, 0, 0},
};
