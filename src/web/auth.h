/* auth.h — who is asking: sessions from cookies and API tokens from Authorization headers,
 * CSRF checks, sign-in with rate limits and a cap on concurrent password hashing, the
 * first-run setup link, and the audit log. */
#ifndef CVOM_WEB_AUTH_H
#define CVOM_WEB_AUTH_H

#include "web/web.h"

#define WEB_SESSION_COOKIE "cvom_session"
#define WEB_PRESESSION_COOKIE "cvom_csrf" /* double-submit token for forms before sign-in */

/* Once at start: purge expired sessions; on a database without users, create the one-time
 * setup link for the first administrator. */
enum cvom_status web_auth_prepare(struct web_app *app, struct cvom_store *st,
                                  const struct web_options *o, struct cvom_error *err);
/* Print how to sign in (or the setup link) to standard output. */
void web_auth_announce(struct web_app *app, const char *location);

/* The secret a request identifies itself with, from its Authorization header and its
 * session cookie's value (either may be NULL): the token of "Bearer TOKEN" (the scheme in any
 * case; *bearer set to 1), else a session cookie short enough to be one of ours (*bearer 0),
 * else NULL. The secret points into the argument it came from. */
const char *web_credential(const char *authorization, const char *session, int *bearer);

/* Find the user of a request from its bearer token or session cookie. Not signed in is not
 * an error: r->signed_in stays 0. Expired sessions are removed. */
enum cvom_status web_auth_identify(struct web_req *r);

/* The data revision for a cached answer: the one read with the request's credential, or,
 * when there was none, read now. */
enum cvom_status web_revision(struct web_req *r, int64_t *revision);

/* Whether an unsafe request may proceed: its Origin (or Referer) is this site, and its CSRF
 * token (form field "csrf" or header X-CSRF-Token) matches the session's, or the
 * pre-session cookie's before sign-in. */
int web_csrf_ok(struct web_req *r);
/* Whether the request's Origin (or Referer) is this site. */
int web_same_origin(struct web_req *r);

/* The CSRF token forms of this request must carry (the session's, or a new pre-session
 * token that this response sets as a cookie). */
const char *web_csrf_token(struct web_req *r);

/* A turn among the server's concurrent password hashes (argon2id is expensive): 1 when
 * granted within a few seconds, 0 when the server is too busy. Every granted turn ends with
 * web_hash_done. */
int web_hash_turn(struct web_app *app);
void web_hash_done(struct web_app *app);

/* Record an audit line for this request's user and address. Never pass secrets. */
void web_audit(struct web_req *r, const char *action, const char *target, const char *detail);

/* Route handlers for signing in and out and the first-run setup. */
int web_signin_page(struct web_req *r);
int web_signin_post(struct web_req *r);
int web_signout_post(struct web_req *r);
int web_setup_page(struct web_req *r);
int web_setup_post(struct web_req *r);

#endif
