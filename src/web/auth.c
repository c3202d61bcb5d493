/* auth.c — sessions, tokens, CSRF, sign-in with rate limits, the first-run setup link and
 * the audit log. Secrets travel only in cookies, headers and the setup link; the database
 * holds their digests. */
#include "web/auth.h"

#include "service/auth.h"
#include "web/multipart.h"
#include "web/page.h"
#include "core/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SETUP_VALID 86400 /* the first-run link works for a day */
#define TOUCH_EVERY 60    /* write a session's last-seen time at most this often */

static char setup_secret[CVOM_SECRET_CHARS]; /* only for the announcement at start */

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* ---- the body as a form ---------------------------------------------------------------------- */

const struct form *web_form(struct web_req *r)
{
    if (r->form_state == 0) {
        r->form_state = -1;
        const char *ct = r->content_type ? r->content_type : "";
        if (r->body.len == 0 || strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
            enum cvom_status st = form_parse(r->body.p ? r->body.p : "", r->body.len, &r->form);
            r->form_state = st == CVOM_OK ? 1 : st == CVOM_ENOMEM ? -2 : -1;
        } else {
            r->form_state = 1; /* not a form: no fields */
        }
    }
    return r->form_state == 1 ? &r->form : NULL;
}

const char *web_field(struct web_req *r, const char *name)
{
    const struct form *f = web_form(r);
    return f ? form_get(f, name) : NULL;
}

/* ---- audit ------------------------------------------------------------------------------- */

void web_audit(struct web_req *r, const char *action, const char *target, const char *detail)
{
    struct cvom_audit a = {.at = now_s()};
    snprintf(a.actor, sizeof a.actor, "%s", r->signed_in ? r->user.name : "");
    snprintf(a.action, sizeof a.action, "%s", action);
    snprintf(a.target, sizeof a.target, "%s", target ? target : "");
    snprintf(a.detail, sizeof a.detail, "%s", detail ? detail : "");
    snprintf(a.address, sizeof a.address, "%s", r->address);
    struct cvom_error err;
    if (r->store->ops->audit_add(r->store, &a, &err))
        fprintf(stderr, "cvom serve: could not write the audit log: %s\n", err.message);
}

/* ---- start ----------------------------------------------------------------------------------- */

enum cvom_status web_auth_prepare(struct web_app *app, struct cvom_store *st,
                                  const struct web_options *o, struct cvom_error *err)
{
    (void)o;
    if (cvom__auth_init())
        return cvom_error_set(err, CVOM_EIO, "the cryptography library could not start");
    int64_t id, n = 0, now = now_s();
    enum cvom_status s = st->ops->begin(st, err);
    if (!s)
        s = cvom__ensure_default_instrument(st, &id, err);
    if (!s)
        s = st->ops->session_purge(st, now - app->session_max, now - app->session_idle, err);
    if (!s)
        s = st->ops->user_count(st, &n, err);
    setup_secret[0] = '\0';
    if (!s && n == 0) {
        /* No users yet: a one-time link lets the person who started the server become the
         * first administrator. */
        char digest[CVOM_DIGEST_HEX], expires[32];
        cvom__secret_new(setup_secret);
        cvom__secret_digest(setup_secret, digest);
        snprintf(expires, sizeof expires, "%lld", (long long)(now + SETUP_VALID));
        s = st->ops->setting_set(st, "setup.digest", digest, err);
        if (!s)
            s = st->ops->setting_set(st, "setup.expires", expires, err);
    }
    if (!s)
        s = st->ops->commit(st, err);
    return s;
}

void web_auth_announce(struct web_app *app, const char *location)
{
    if (setup_secret[0]) {
        printf("cvom serve: %s has no users yet. Create the first administrator here (the link "
               "works once, for 24 hours):\n  %s/setup/%s\n",
               location, app->public_origin, setup_secret);
        printf("  or on the command line: cvom user add NAME --role admin --password-stdin\n");
    } else {
        printf("cvom serve: sign in at %s/signin\n", app->public_origin);
    }
}

/* ---- identify ----------------------------------------------------------------------------------
 */

/* The credential's user, found with it; a disabled one is not signed in. */
static void take_user(struct web_req *r, struct cvom_user *u, int64_t revision)
{
    r->user = *u;
    sodium_memzero(u->password, sizeof u->password);
    sodium_memzero(r->user.password, sizeof r->user.password); /* not needed past here */
    r->signed_in = !r->user.disabled;
    r->revision = revision;
    r->revision_known = 1;
}

/* The credential, its user and the data revision come in one query: a cached page then costs
 * the database that one look-up. */
static enum cvom_status from_token(struct web_req *r, const char *bearer)
{
    char digest[CVOM_DIGEST_HEX];
    struct cvom_token t;
    struct cvom_user u;
    int64_t revision;
    cvom__secret_digest(bearer, digest);
    enum cvom_status s =
        r->store->ops->token_identify(r->store, digest, &t, &u, &revision, &r->err);
    if (s == CVOM_ENOTFOUND)
        return CVOM_OK;
    if (s)
        return s;
    take_user(r, &u, revision);
    r->via_token = r->signed_in;
    int64_t now = now_s();
    if (r->signed_in && now - t.used > TOUCH_EVERY)
        r->store->ops->token_touch(r->store, t.id, now, NULL);
    return CVOM_OK;
}

/* How stale a session's last-seen time may get before it is written again: rarely, to spare
 * the database, but well within the idle limit so that activity keeps a session alive. */
static int64_t touch_every(const struct web_app *app)
{
    int64_t quarter = app->session_idle / 4;
    return quarter < TOUCH_EVERY ? quarter : TOUCH_EVERY;
}

static enum cvom_status from_session(struct web_req *r, const char *cookie)
{
    char digest[CVOM_DIGEST_HEX];
    struct cvom_user u;
    int64_t revision;
    cvom__secret_digest(cookie, digest);
    enum cvom_status s =
        r->store->ops->session_identify(r->store, digest, &r->session, &u, &revision, &r->err);
    if (s == CVOM_ENOTFOUND)
        return CVOM_OK;
    if (s)
        return s;
    int64_t now = now_s();
    if (now - r->session.seen > r->app->session_idle ||
        now - r->session.created > r->app->session_max) {
        sodium_memzero(u.password, sizeof u.password);
        r->store->ops->session_remove(r->store, digest, NULL);
        memset(&r->session, 0, sizeof r->session);
        return CVOM_OK;
    }
    take_user(r, &u, revision);
    if (!r->signed_in)
        memset(&r->session, 0, sizeof r->session);
    else if (now - r->session.seen > touch_every(r->app))
        r->store->ops->session_touch(r->store, digest, now, NULL);
    return CVOM_OK;
}

const char *web_credential(const char *authorization, const char *session, int *bearer)
{
    *bearer = 0;
    if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0) {
        *bearer = 1;
        return authorization + 7;
    }
    if (session && strlen(session) < CVOM_SECRET_CHARS + 8)
        return session;
    return NULL;
}

enum cvom_status web_revision(struct web_req *r, int64_t *revision)
{
    if (r->revision_known) {
        *revision = r->revision;
        return CVOM_OK;
    }
    return r->store->ops->revision(r->store, revision, &r->err);
}

enum cvom_status web_auth_identify(struct web_req *r)
{
    int bearer;
    const char *secret =
        web_credential(web_header(r, "Authorization"), web_cookie(r, WEB_SESSION_COOKIE), &bearer);
    if (!secret)
        return CVOM_OK;
    return bearer ? from_token(r, secret) : from_session(r, secret);
}

/* ---- CSRF --------------------------------------------------------------------------------------
 */

/* The Origin of an unsafe request must be this site: scheme://Host. Without an Origin, the
 * Referer must be on this site; with neither, the request is refused. */
static int same_origin(struct web_req *r)
{
    const char *host = web_header(r, "Host");
    if (!host || !host[0])
        return 0;
    char want[320];
    snprintf(want, sizeof want, "%s://%s", r->app->secure_cookies ? "https" : "http", host);
    const char *origin = web_header(r, "Origin");
    if (origin)
        return strcmp(origin, want) == 0;
    const char *ref = web_header(r, "Referer");
    size_t n = strlen(want);
    return ref && strncmp(ref, want, n) == 0 && (ref[n] == '/' || ref[n] == '\0');
}

static int same_token(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* The token of a multipart form (a file upload), sent as a part like any other field, so
 * that it never has to travel in a URL, where logs and the Referer header would keep it.
 * Copied into buf (cap bytes); NULL when there is none. */
static const char *multipart_token(struct web_req *r, char *buf, size_t cap)
{
    const char *ct = r->content_type ? r->content_type : "";
    if (strncasecmp(ct, "multipart/form-data", 19) != 0 || !r->body.p)
        return NULL;
    struct web_multipart *mp = malloc(sizeof *mp);
    const struct web_part *p = NULL;
    if (mp && web_multipart_parse(ct, r->body.p, r->body.len, mp, NULL) == CVOM_OK)
        p = web_multipart_get(mp, "csrf");
    const char *out = NULL;
    if (p && !p->is_file && p->len < cap) {
        cvom__copy(buf, p->data, p->len);
        buf[p->len] = '\0';
        out = buf;
    }
    free(mp);
    return out;
}

int web_same_origin(struct web_req *r)
{
    return same_origin(r);
}

int web_csrf_ok(struct web_req *r)
{
    if (!same_origin(r))
        return 0;
    char part[CVOM_DIGEST_HEX + 1];
    const char *sent = web_header(r, "X-CSRF-Token");
    if (!sent)
        sent = web_field(r, "csrf");
    if (!sent)
        sent = multipart_token(r, part, sizeof part);
    if (!sent)
        return 0;
    if (r->session.id[0])
        return same_token(sent, r->session.csrf);
    const char *pre = web_cookie(r, WEB_PRESESSION_COOKIE);
    return pre && same_token(sent, pre);
}

const char *web_csrf_token(struct web_req *r)
{
    if (r->session.id[0])
        return r->session.csrf;
    const char *pre = web_cookie(r, WEB_PRESESSION_COOKIE);
    if (pre && strlen(pre) == CVOM_DIGEST_HEX - 1)
        return pre;
    if (!r->csrf_new[0]) {
        char secret[CVOM_SECRET_CHARS];
        cvom__secret_new(secret);
        cvom__secret_digest(secret, r->csrf_new);
        snprintf(r->cookie, sizeof r->cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
                 WEB_PRESESSION_COOKIE, r->csrf_new, r->app->secure_cookies ? "; Secure" : "");
    }
    return r->csrf_new;
}

/* ---- sessions ----------------------------------------------------------------------------------
 */

/* A new session for user, replacing any the browser had: the id changes at every sign-in. */
static enum cvom_status session_start(struct web_req *r, const struct cvom_user *u)
{
    int bearer;
    const char *old = web_credential(NULL, web_cookie(r, WEB_SESSION_COOKIE), &bearer);
    if (old) {
        char d[CVOM_DIGEST_HEX];
        cvom__secret_digest(old, d);
        r->store->ops->session_remove(r->store, d, NULL);
    }
    char secret[CVOM_SECRET_CHARS], csrf_secret[CVOM_SECRET_CHARS];
    struct cvom_session s = {.user_id = u->id, .created = now_s()};
    s.seen = s.created;
    cvom__secret_new(secret);
    cvom__secret_digest(secret, s.id);
    cvom__secret_new(csrf_secret);
    cvom__secret_digest(csrf_secret, s.csrf);
    enum cvom_status st = r->store->ops->session_put(r->store, &s, &r->err);
    if (!st) {
        snprintf(r->cookie, sizeof r->cookie,
                 "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", WEB_SESSION_COOKIE,
                 secret, (long long)r->app->session_max, r->app->secure_cookies ? "; Secure" : "");
        r->session = s;
        r->user = *u;
        r->signed_in = 1;
    }
    sodium_memzero(secret, sizeof secret);
    return st;
}

/* ---- password checks with a cap on concurrent hashing ------------------------------------------
 */

/* argon2id takes tens of megabytes and a good fraction of a second; at most hashing_max run at
 * once, and a request that cannot get a turn within a few seconds is turned away. */
int web_hash_turn(struct web_app *app)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&app->hash_lock);
    int rc = 0;
    while (app->hashing_now >= app->hashing_max && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&app->hash_cond, &app->hash_lock, &until);
    int ok = app->hashing_now < app->hashing_max;
    if (ok)
        app->hashing_now++;
    pthread_mutex_unlock(&app->hash_lock);
    return ok;
}

void web_hash_done(struct web_app *app)
{
    pthread_mutex_lock(&app->hash_lock);
    app->hashing_now--;
    pthread_cond_signal(&app->hash_cond);
    pthread_mutex_unlock(&app->hash_lock);
}

/* ---- pages -------------------------------------------------------------------------------------
 */

static void signin_form(struct web_req *r, const char *name, const char *next, const char *error)
{
    page_begin(r, "Sign in", NULL);
    buf_puts(&r->out, "<section class=\"narrow\"><h1>Sign in</h1>");
    if (error)
        page_notice(r, "error", error);
    buf_puts(&r->out, "<form method=\"post\" action=\"/signin\" class=\"stack\">");
    page_csrf(r);
    buf_puts(&r->out, "<input type=\"hidden\" name=\"next\" value=\"");
    buf_html(&r->out, next ? next : "/");
    buf_puts(&r->out, "\"><label for=\"name\">User name</label>"
                      "<input id=\"name\" name=\"name\" autocomplete=\"username\" required "
                      "maxlength=\"64\" value=\"");
    buf_html(&r->out, name ? name : "");
    buf_puts(&r->out, "\"><label for=\"password\">Password</label>"
                      "<input id=\"password\" name=\"password\" type=\"password\" "
                      "autocomplete=\"current-password\" required maxlength=\"256\">"
                      "<button type=\"submit\">Sign in</button></form></section>");
    page_end(r);
}

int web_signin_page(struct web_req *r)
{
    if (r->signed_in)
        return web_redirect(r, "/");
    signin_form(r, NULL, web_query(r, "next"), NULL);
    return 200;
}

/* A user name that does not exist is checked against this hash, so that both answers take
 * as long as one argon2id verification. */
static char dummy[CVOM_SECRET_MAX];

static void make_dummy(void)
{
    cvom__password_hash("not a real password at all", NULL, dummy, NULL);
}

/* The address sign-ins are counted under: an IPv4 address as it is (also when mapped into
 * IPv6), an IPv6 address by its /64 network, since one subscriber usually holds a whole
 * /64 and could otherwise try from a new address each time. */
static void signin_address(const char *address, char *out, size_t cap)
{
    struct in6_addr a;
    snprintf(out, cap, "%s", address);
    if (!strchr(address, ':') || inet_pton(AF_INET6, address, &a) != 1)
        return;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
        inet_ntop(AF_INET, &a.s6_addr[12], out, (socklen_t)cap);
        return;
    }
    char net[INET6_ADDRSTRLEN];
    memset(&a.s6_addr[8], 0, 8);
    if (inet_ntop(AF_INET6, &a, net, sizeof net))
        snprintf(out, cap, "%s/64", net);
}

/* Seconds this address must still wait before trying this name; 0 to go ahead. A store
 * that cannot say answers as if the wait were a minute: refusing is the safe side. */
static int64_t signin_wait(struct web_req *r, const char *address, const char *name)
{
    int64_t wait = 60;
    r->store->ops->signin_wait(r->store, &r->app->signin, address, name, now_s(), &wait, NULL);
    return wait;
}

int web_signin_post(struct web_req *r)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    const char *name = web_field(r, "name"), *password = web_field(r, "password");
    const char *next = web_field(r, "next");
    if (!name || !password || !name[0] || strlen(name) > 64) {
        r->status = 422;
        signin_form(r, name, next, "Please give your user name and password.");
        return 422;
    }
    /* The limit answers before any hashing, so a flood costs us almost nothing. It counts
     * failures per address, so that nobody can refuse the owner of a name from elsewhere. */
    char address[80];
    signin_address(r->address, address, sizeof address);
    int64_t wait = signin_wait(r, address, name);
    if (wait > 0) {
        char text[160];
        web_audit(r, "sign-in-refused", name, "too many failed attempts");
        r->status = 429;
        snprintf(r->retry_after, sizeof r->retry_after, "%lld", (long long)wait);
        snprintf(text, sizeof text,
                 "Too many failed attempts. Please wait %lld second%s and try again.",
                 (long long)wait, wait == 1 ? "" : "s");
        signin_form(r, name, next, text);
        return 429;
    }
    struct cvom_user u;
    enum cvom_status s = r->store->ops->user_find(r->store, name, &u, &r->err);
    if (s && s != CVOM_ENOTFOUND)
        return web_fail(r, s, &r->err);
    pthread_once(&once, make_dummy);
    if (!web_hash_turn(r->app))
        return web_refuse(r, WEB_BUSY, NULL, "The server is busy. Please try again in a moment.");
    int ok = cvom__password_verify(s ? dummy : u.password, password);
    web_hash_done(r->app);
    sodium_memzero(u.password, sizeof u.password);
    if (s || !ok || u.disabled) {
        r->store->ops->signin_failed(r->store, address, name, now_s(), NULL);
        web_audit(r, "sign-in-failed", name, s ? "unknown user" : u.disabled ? "disabled" : "");
        r->status = 401;
        signin_form(r, name, next, "The user name or password is not right.");
        return 401;
    }
    r->store->ops->signin_passed(r->store, address, name, NULL);
    if ((s = session_start(r, &u)) != CVOM_OK)
        return web_fail(r, s, &r->err);
    web_audit(r, "sign-in", u.name, NULL);
    return web_redirect(r, next && next[0] ? next : "/");
}

int web_signout_post(struct web_req *r)
{
    if (r->session.id[0]) {
        web_audit(r, "sign-out", r->user.name, NULL);
        r->store->ops->session_remove(r->store, r->session.id, NULL);
    }
    snprintf(r->cookie, sizeof r->cookie, "%s=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0%s",
             WEB_SESSION_COOKIE, r->app->secure_cookies ? "; Secure" : "");
    return web_redirect(r, "/signin");
}

/* ---- first-run setup
 * ------------------------------------------------------------------------------ */

/* Whether the {token} of this request is the live setup link. */
static int setup_valid(struct web_req *r)
{
    char digest[CVOM_DIGEST_HEX], want[CVOM_DIGEST_HEX], expires[32];
    int64_t users = 1;
    if (r->store->ops->user_count(r->store, &users, NULL) || users > 0)
        return 0;
    if (r->store->ops->setting_get(r->store, "setup.digest", want, sizeof want, NULL) ||
        r->store->ops->setting_get(r->store, "setup.expires", expires, sizeof expires, NULL))
        return 0;
    cvom__secret_digest(r->param[0], digest);
    return same_token(digest, want) && now_s() < strtoll(expires, NULL, 10);
}

static void setup_form(struct web_req *r, const char *error)
{
    page_begin(r, "Set up cvom", NULL);
    buf_puts(&r->out, "<section class=\"narrow\"><h1>Create the first administrator</h1>"
                      "<p>This link works once. The administrator can then add the other "
                      "users.</p>");
    if (error)
        page_notice(r, "error", error);
    buf_puts(&r->out, "<form method=\"post\" class=\"stack\" action=\"/setup/");
    buf_url(&r->out, r->param[0]);
    buf_puts(&r->out, "\">");
    page_csrf(r);
    buf_puts(&r->out,
             "<label for=\"name\">User name</label><input id=\"name\" name=\"name\" required "
             "maxlength=\"64\" autocomplete=\"username\" pattern=\"[A-Za-z0-9._@\\-]+\">"
             "<label for=\"display\">Your name as account owner</label>"
             "<input id=\"display\" name=\"display\" maxlength=\"127\" autocomplete=\"name\">"
             "<label for=\"password\">Password (at least 10 characters)</label>"
             "<input id=\"password\" name=\"password\" type=\"password\" minlength=\"10\" "
             "maxlength=\"256\" required autocomplete=\"new-password\">"
             "<button type=\"submit\">Create and sign in</button></form></section>");
    page_end(r);
}

int web_setup_page(struct web_req *r)
{
    if (!setup_valid(r))
        return web_refuse(r, WEB_NOT_FOUND, NULL, "This setup link is used, expired or not valid.");
    setup_form(r, NULL);
    return 200;
}

int web_setup_post(struct web_req *r)
{
    if (!setup_valid(r))
        return web_refuse(r, WEB_NOT_FOUND, NULL, "This setup link is used, expired or not valid.");
    const char *name = web_field(r, "name"), *display = web_field(r, "display");
    const char *password = web_field(r, "password");
    struct cvom_user u;
    enum cvom_status s = r->store->ops->begin(r->store, &r->err);
    if (!s && web_hash_turn(r->app)) {
        s = cvom__user_create(r->store, name ? name : "", display, CVOM_ROLE_ADMIN,
                              password ? password : "", now_s(), &u, &r->err);
        web_hash_done(r->app);
    } else if (!s) {
        s = cvom_error_set(&r->err, CVOM_EBUSY, "the server is busy; please try again");
    }
    if (!s)
        s = r->store->ops->setting_set(r->store, "setup.digest", "", &r->err);
    if (!s)
        s = session_start(r, &u);
    if (!s)
        s = r->store->ops->commit(r->store, &r->err);
    if (s) {
        r->store->ops->rollback(r->store);
        if (s == CVOM_EINVAL || s == CVOM_EEXIST) {
            r->status = 422;
            setup_form(r, r->err.message);
            return 422;
        }
        return web_fail(r, s, &r->err);
    }
    web_audit(r, "setup", u.name, "first administrator created");
    return web_redirect(r, "/");
}
