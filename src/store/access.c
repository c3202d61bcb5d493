/* access.c — who uses cvom and what the web application keeps about them: users,
 * sessions, API tokens, the audit log, failed sign-ins and survey links.
 */
#include "store/db.h"
#include "store/ops.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A user from the seven columns that start at column c (USER_COLUMNS). */
static enum cvom_status read_user_at(struct db_query *q, int c, struct cvom_user *u,
                                     struct cvom_error *err)
{
    char role[16];
    memset(u, 0, sizeof *u);
    u->id = db_col_int(q, c);
    db_col_text(q, c + 1, u->name, sizeof u->name);
    db_col_text(q, c + 2, u->display, sizeof u->display);
    db_col_text(q, c + 3, role, sizeof role);
    db_col_text(q, c + 4, u->password, sizeof u->password);
    u->disabled = (int)db_col_int(q, c + 5) != 0;
    u->created = db_col_int(q, c + 6);
    int r = cvom__role_parse(role);
    if (r < 0)
        return db_bad_column("users", "role", role, err);
    u->role = (enum cvom_role)r;
    return CVOM_OK;
}

/* Add (new_id not NULL: receives the id) or update a user. */
static enum cvom_status write_user(struct db_store *s, enum stmt id, const struct cvom_user *u,
                                   int64_t *new_id, const char *what, struct cvom_error *err)
{
    if ((unsigned)u->role >= CVOM_ROLE_COUNT)
        return db_bad_enum(what, "role", err);
    struct db_query q;
    enum cvom_status st = db_open(s, id, &q, err);
    if (st)
        return st;
    db_bind_text(&q, 1, u->name, sizeof u->name);
    db_bind_text(&q, 2, u->display, sizeof u->display);
    db_bind_str(&q, 3, cvom__role_name(u->role));
    db_bind_text(&q, 4, u->password, sizeof u->password);
    db_bind_int(&q, 5, u->disabled != 0);
    /* ?6: the moment of creation when adding (it never changes), the id when updating */
    if (new_id) {
        db_bind_int(&q, 6, u->created);
        st = db_insert(&q, what, NULL, 0, new_id, err);
    } else {
        db_bind_int(&q, 6, u->id);
        st = db_exec(&q, what, NULL, 0, err);
    }
    db_close(&q);
    return st;
}

enum cvom_status cvom__op_user_add(struct cvom_store *st, struct cvom_user *u,
                                   struct cvom_error *err)
{
    return write_user(db_of(st), S_USER_ADD, u, &u->id, "adding a user", err);
}

enum cvom_status cvom__op_user_update(struct cvom_store *st, const struct cvom_user *u,
                                      struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status = write_user(s, S_USER_UPDATE, u, NULL, "changing a user", err);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no user %" PRId64, u->id);
    return status;
}

static enum cvom_status read_user(struct db_query *q, struct cvom_user *u, struct cvom_error *err)
{
    return read_user_at(q, 0, u, err);
}

static enum cvom_status read_user_v(struct db_query *q, void *out, struct cvom_error *err)
{
    return read_user(q, out, err);
}

enum cvom_status cvom__op_user_get(struct cvom_store *st, int64_t id, struct cvom_user *out,
                                   struct cvom_error *err)
{
    struct cvom_user u;
    enum cvom_status status =
        db_one_row(db_of(st), S_USER_GET, id, NULL, 0, "no such user", read_user_v, &u, err);
    if (!status)
        *out = u;
    return status;
}

enum cvom_status cvom__op_user_find(struct cvom_store *st, const char *name, struct cvom_user *out,
                                    struct cvom_error *err)
{
    struct cvom_user u;
    enum cvom_status status = db_one_row(db_of(st), S_USER_FIND, 0, name, CVOM_FIELD_MAX,
                                         "no such user", read_user_v, &u, err);
    if (!status)
        *out = u;
    return status;
}

struct user_walk {
    cvom_user_cb cb;
    void *ctx;
};

static int user_walk_cb(void *ctx, const void *rec)
{
    struct user_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_user_list(struct cvom_store *st, cvom_user_cb cb, void *ctx,
                                    struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_user u;
    struct user_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_USER_LIST, &q, err);
    return status ? status : db_each_row(&q, &u, read_user_v, user_walk_cb, &w, err);
}

enum cvom_status cvom__op_user_count(struct cvom_store *st, int64_t *n, struct cvom_error *err)
{
    return db_query_int(db_of(st), S_USER_COUNT, 0, 0, n, err);
}

static enum cvom_status read_session(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_session *x = out;
    (void)err;
    memset(x, 0, sizeof *x);
    db_col_text(q, 0, x->id, sizeof x->id);
    x->user_id = db_col_int(q, 1);
    db_col_text(q, 2, x->csrf, sizeof x->csrf);
    x->created = db_col_int(q, 3);
    x->seen = db_col_int(q, 4);
    return CVOM_OK;
}

enum cvom_status cvom__op_session_put(struct cvom_store *st, const struct cvom_session *x,
                                      struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_SESSION_PUT, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, x->id, sizeof x->id);
    db_bind_int(&q, 2, x->user_id);
    db_bind_text(&q, 3, x->csrf, sizeof x->csrf);
    db_bind_int(&q, 4, x->created);
    db_bind_int(&q, 5, x->seen);
    struct fk_ref refs[] = {{"user_id", S_USER_EXISTS, x->user_id}};
    status = db_exec(&q, "starting a session", refs, 1, err);
    db_close(&q);
    return status;
}

/* What S_SESSION_IDENTIFY and S_TOKEN_IDENTIFY give: the credential's own columns, then
 * its user's, then the data revision. Read straight into the caller's records, which are
 * left as they were when there is no such row. */
struct identified {
    db_read_fn read; /* the credential's columns */
    int columns;     /* how many */
    void *credential;
    struct cvom_user *user;
    int64_t *revision;
};

static enum cvom_status read_identified(struct db_query *q, void *out, struct cvom_error *err)
{
    struct identified *x = out;
    enum cvom_status st = x->read(q, x->credential, err);
    if (!st)
        st = read_user_at(q, x->columns, x->user, err);
    if (!st)
        *x->revision = db_col_int(q, x->columns + 7);
    return st;
}

enum cvom_status cvom__op_session_identify(struct cvom_store *st, const char *id,
                                           struct cvom_session *out, struct cvom_user *user,
                                           int64_t *revision, struct cvom_error *err)
{
    struct identified x = {read_session, 5, out, user, revision};
    return db_one_row(db_of(st), S_SESSION_IDENTIFY, 0, id, CVOM_DIGEST_HEX, "no such session",
                      read_identified, &x, err);
}

enum cvom_status cvom__op_session_touch(struct cvom_store *st, const char *id, int64_t seen,
                                        struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_SESSION_TOUCH, id, CVOM_DIGEST_HEX, 1, seen, 0,
                         "keeping a session", err);
}

enum cvom_status cvom__op_session_remove(struct cvom_store *st, const char *id,
                                         struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_SESSION_REMOVE, id, CVOM_DIGEST_HEX, 0, 0, 0,
                         "ending a session", err);
}

enum cvom_status cvom__op_session_remove_user(struct cvom_store *st, int64_t user_id,
                                              struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_SESSION_REMOVE_USER, NULL, 0, 1, user_id, 0,
                         "ending a user's sessions", err);
}

enum cvom_status cvom__op_session_purge(struct cvom_store *st, int64_t created_before,
                                        int64_t seen_before, struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_SESSION_PURGE, NULL, 0, 2, created_before, seen_before,
                         "removing expired sessions", err);
}

/* ---- idempotency keys ---- */

enum cvom_status cvom__op_idem_claim(struct cvom_store *st, const struct cvom_idem *x, int *claimed,
                                     struct cvom_error *err)
{
    struct db_query q;
    int64_t user;
    enum cvom_status status = db_open(db_of(st), S_IDEM_CLAIM, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, x->user_id);
    db_bind_text(&q, 2, x->key, sizeof x->key);
    db_bind_text(&q, 3, x->request, sizeof x->request);
    db_bind_int(&q, 4, x->created);
    struct fk_ref refs[] = {{"user_id", S_USER_EXISTS, x->user_id}};
    status = db_returning(&q, "keeping an idempotency key", refs, 1, &user, claimed, err);
    db_close(&q);
    return status;
}

static enum cvom_status read_idem(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_idem *x = out;
    (void)err;
    db_col_text(q, 0, x->request, sizeof x->request);
    x->created = db_col_int(q, 1);
    x->status = (int)db_col_int(q, 2);
    db_col_text(q, 3, x->location, sizeof x->location);
    db_col_text(q, 4, x->body, sizeof x->body);
    return CVOM_OK;
}

enum cvom_status cvom__op_idem_get(struct cvom_store *st, int64_t user_id, const char *key,
                                   struct cvom_idem *out, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(db_of(st), S_IDEM_GET, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, user_id);
    db_bind_text(&q, 2, key, CVOM_DIGEST_HEX);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW) {
        out->user_id = user_id;
        snprintf(out->key, sizeof out->key, "%s", key);
        status = read_idem(&q, out, err);
    } else if (rc == DB_DONE) {
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no such idempotency key");
    } else {
        status = db_fail(db_of(st), "reading an idempotency key", err);
    }
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_idem_finish(struct cvom_store *st, const struct cvom_idem *x,
                                      struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(db_of(st), S_IDEM_FINISH, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, x->user_id);
    db_bind_text(&q, 2, x->key, sizeof x->key);
    db_bind_int(&q, 3, x->status);
    db_bind_text(&q, 4, x->location, sizeof x->location);
    db_bind_text(&q, 5, x->body, sizeof x->body);
    status = db_exec(&q, "keeping the answer to an idempotency key", NULL, 0, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_idem_drop(struct cvom_store *st, int64_t user_id, const char *key,
                                    struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(db_of(st), S_IDEM_DROP, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, user_id);
    db_bind_text(&q, 2, key, CVOM_DIGEST_HEX);
    status = db_exec(&q, "forgetting an idempotency key", NULL, 0, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_idem_purge(struct cvom_store *st, int64_t created_before,
                                     struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_IDEM_PURGE, NULL, 0, 1, created_before, 0,
                         "removing expired idempotency keys", err);
}

static enum cvom_status read_token(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_token *t = out;
    (void)err;
    memset(t, 0, sizeof *t);
    t->id = db_col_int(q, 0);
    t->user_id = db_col_int(q, 1);
    db_col_text(q, 2, t->name, sizeof t->name);
    db_col_text(q, 3, t->hash, sizeof t->hash);
    t->created = db_col_int(q, 4);
    t->used = db_col_int(q, 5);
    return CVOM_OK;
}

enum cvom_status cvom__op_token_add(struct cvom_store *st, struct cvom_token *t,
                                    struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_TOKEN_ADD, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, t->user_id);
    db_bind_text(&q, 2, t->name, sizeof t->name);
    db_bind_text(&q, 3, t->hash, sizeof t->hash);
    db_bind_int(&q, 4, t->created);
    db_bind_int(&q, 5, t->used);
    struct fk_ref refs[] = {{"user_id", S_USER_EXISTS, t->user_id}};
    status = db_insert(&q, "adding a token", refs, 1, &t->id, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_token_identify(struct cvom_store *st, const char *hash,
                                         struct cvom_token *out, struct cvom_user *user,
                                         int64_t *revision, struct cvom_error *err)
{
    struct identified x = {read_token, 6, out, user, revision};
    return db_one_row(db_of(st), S_TOKEN_IDENTIFY, 0, hash, CVOM_DIGEST_HEX, "no such token",
                      read_identified, &x, err);
}

enum cvom_status cvom__op_token_touch(struct cvom_store *st, int64_t id, int64_t used,
                                      struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_TOKEN_TOUCH, NULL, 0, 2, id, used, "recording a token's use",
                         err);
}

struct token_walk {
    cvom_token_cb cb;
    void *ctx;
};

static int token_walk_cb(void *ctx, const void *rec)
{
    struct token_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_token_list(struct cvom_store *st, cvom_token_cb cb, void *ctx,
                                     struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_token t;
    struct token_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_TOKEN_LIST, &q, err);
    return status ? status : db_each_row(&q, &t, read_token, token_walk_cb, &w, err);
}

enum cvom_status cvom__op_token_remove(struct cvom_store *st, int64_t id, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status =
        db_exec_keyed(s, S_TOKEN_REMOVE, NULL, 0, 1, id, 0, "removing a token", err);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no token %" PRId64, id);
    return status;
}

static enum cvom_status read_audit(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_audit *a = out;
    (void)err;
    memset(a, 0, sizeof *a);
    a->id = db_col_int(q, 0);
    a->at = db_col_int(q, 1);
    db_col_text(q, 2, a->actor, sizeof a->actor);
    db_col_text(q, 3, a->action, sizeof a->action);
    db_col_text(q, 4, a->target, sizeof a->target);
    db_col_text(q, 5, a->detail, sizeof a->detail);
    db_col_text(q, 6, a->address, sizeof a->address);
    return CVOM_OK;
}

enum cvom_status cvom__op_audit_add(struct cvom_store *st, struct cvom_audit *a,
                                    struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_AUDIT_ADD, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, a->at);
    db_bind_text(&q, 2, a->actor, sizeof a->actor);
    db_bind_text(&q, 3, a->action, sizeof a->action);
    db_bind_text(&q, 4, a->target, sizeof a->target);
    db_bind_text(&q, 5, a->detail, sizeof a->detail);
    db_bind_text(&q, 6, a->address, sizeof a->address);
    status = db_insert(&q, "writing the audit log", NULL, 0, &a->id, err);
    db_close(&q);
    return status;
}

struct audit_walk {
    cvom_audit_cb cb;
    void *ctx;
};

static int audit_walk_cb(void *ctx, const void *rec)
{
    struct audit_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_audit_list(struct cvom_store *st, int64_t limit, int64_t offset,
                                     cvom_audit_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_audit a;
    struct audit_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_AUDIT_LIST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, limit);
    db_bind_int(&q, 2, offset);
    return db_each_row(&q, &a, read_audit, audit_walk_cb, &w, err);
}

enum cvom_status cvom__op_audit_find(struct cvom_store *st, const struct cvom_audit_filter *f,
                                     cvom_audit_cb cb, void *ctx, struct cvom_error *err)
{
    static const struct cvom_audit_filter all = {0};
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_audit a;
    struct audit_walk w = {cb, ctx};
    if (!f)
        f = &all;
    enum cvom_status status = db_open(s, S_AUDIT_FIND, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, f->limit > 0 ? f->limit : INT64_MAX);
    db_bind_int(&q, 2, f->offset > 0 ? f->offset : 0);
    db_bind_int(&q, 3, f->since ? f->since : INT64_MIN);
    db_bind_int(&q, 4, f->until ? f->until : INT64_MAX);
    db_bind_str(&q, 5, f->actor ? f->actor : "");
    db_bind_str(&q, 6, f->target ? f->target : "");
    db_bind_str(&q, 7, f->target_alt ? f->target_alt : (f->target ? f->target : ""));
    return db_each_row(&q, &a, read_audit, audit_walk_cb, &w, err);
}

enum cvom_status cvom__op_failure_add(struct cvom_store *st, const char *key, int64_t at,
                                      struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    /* Old failures matter to no limit: drop those a day old as new ones come. */
    enum cvom_status status = db_exec_keyed(s, S_FAILURE_PURGE, NULL, 0, 1, at - 86400, 0,
                                            "recording a failed sign-in", err);
    if (!status)
        status = db_exec_keyed(s, S_FAILURE_ADD, key, CVOM_FIELD_MAX, 1, at, 0,
                               "recording a failed sign-in", err);
    return status;
}

/* The failures of one key since `since`: how many, the first and the last (0 when none). */
struct failures {
    int64_t n, first, last;
};

static enum cvom_status failures_of(struct db_store *s, const char *key, int64_t since,
                                    struct failures *out, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(s, S_FAILURE_COUNT, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, key, CVOM_FIELD_MAX);
    db_bind_int(&q, 2, since);
    if (db_step(&q) == DB_ROW) {
        out->n = db_col_int(&q, 0);
        out->first = db_col_int(&q, 1);
        out->last = db_col_int(&q, 2);
    } else {
        status = db_fail(s, "counting failed sign-ins", err);
    }
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_failure_count(struct cvom_store *st, const char *key, int64_t since,
                                        int64_t *n, struct cvom_error *err)
{
    struct failures f;
    enum cvom_status status = failures_of(db_of(st), key, since, &f, err);
    if (!status)
        *n = f.n;
    return status;
}

enum cvom_status cvom__op_failure_clear(struct cvom_store *st, const char *key,
                                        struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_FAILURE_CLEAR, key, CVOM_FIELD_MAX, 0, 0, 0,
                         "clearing failed sign-ins", err);
}

/* The keys failures are counted under. An address holds no '/', so the pair's key cannot
 * be read as another pair's. */
#define SIGNIN_ALL "all"
#define SIGNIN_CEILING_SPAN 60 /* the ceiling counts failures over this many seconds */

static void address_key(char *out, const char *address)
{
    snprintf(out, CVOM_FIELD_MAX, "addr:%s", address);
}

static void pair_key(char *out, const char *address, const char *name)
{
    snprintf(out, CVOM_FIELD_MAX, "pair:%s/%s", address, name);
}

/* Seconds still to wait at `now` after f, when `free` failures go unpunished and each one
 * past them doubles the delay from first_delay up to max_delay. */
static int64_t delay_left(const struct failures *f, int64_t free,
                          const struct cvom_signin_limits *lim, int64_t now)
{
    if (f->n < free || f->n == 0)
        return 0;
    int64_t delay = lim->first_delay;
    for (int64_t i = free; i < f->n && delay < lim->max_delay; i++)
        delay *= 2;
    if (delay > lim->max_delay)
        delay = lim->max_delay;
    return f->last + delay > now ? f->last + delay - now : 0;
}

enum cvom_status cvom__op_signin_wait(struct cvom_store *st, const struct cvom_signin_limits *lim,
                                      const char *address, const char *name, int64_t now,
                                      int64_t *wait, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    char ka[CVOM_FIELD_MAX], kp[CVOM_FIELD_MAX];
    struct failures fa, fp, all = {0, 0, 0};
    address_key(ka, address);
    pair_key(kp, address, name);
    enum cvom_status status = failures_of(s, ka, now - lim->window, &fa, err);
    if (!status)
        status = failures_of(s, kp, now - lim->window, &fp, err);
    if (!status && lim->ceiling > 0)
        status = failures_of(s, SIGNIN_ALL, now - SIGNIN_CEILING_SPAN + 1, &all, err);
    if (status)
        return status;
    int64_t w = delay_left(&fa, lim->address_free, lim, now);
    int64_t wp = delay_left(&fp, lim->pair_free, lim, now);
    if (wp > w)
        w = wp;
    if (lim->ceiling > 0 && all.n >= lim->ceiling) {
        int64_t wc = all.first + SIGNIN_CEILING_SPAN - now;
        if (wc < 1)
            wc = 1;
        if (wc > w)
            w = wc;
    }
    *wait = w;
    return CVOM_OK;
}

enum cvom_status cvom__op_signin_failed(struct cvom_store *st, const char *address,
                                        const char *name, int64_t now, struct cvom_error *err)
{
    char ka[CVOM_FIELD_MAX], kp[CVOM_FIELD_MAX];
    address_key(ka, address);
    pair_key(kp, address, name);
    enum cvom_status status = cvom__op_failure_add(st, ka, now, err);
    if (!status)
        status = cvom__op_failure_add(st, kp, now, err);
    if (!status)
        status = cvom__op_failure_add(st, SIGNIN_ALL, now, err);
    return status;
}

enum cvom_status cvom__op_signin_passed(struct cvom_store *st, const char *address,
                                        const char *name, struct cvom_error *err)
{
    char kp[CVOM_FIELD_MAX];
    pair_key(kp, address, name);
    return cvom__op_failure_clear(st, kp, err);
}

static enum cvom_status read_survey(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_survey *x = out;
    (void)err;
    memset(x, 0, sizeof *x);
    db_col_text(q, 0, x->hash, sizeof x->hash);
    x->account_id = db_col_int(q, 1);
    x->stakeholder_id = db_col_int(q, 2);
    x->instrument_id = db_col_int(q, 3);
    x->created = db_col_int(q, 4);
    x->expires = db_col_int(q, 5);
    x->used = db_col_int(q, 6);
    x->assessment_id = db_col_int(q, 7);
    db_col_text(q, 8, x->created_by, sizeof x->created_by);
    db_col_text(q, 9, x->language, sizeof x->language);
    return CVOM_OK;
}

enum cvom_status cvom__op_survey_add(struct cvom_store *st, const struct cvom_survey *x,
                                     struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_SURVEY_ADD, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, x->hash, sizeof x->hash);
    db_bind_int(&q, 2, x->account_id);
    db_bind_int(&q, 3, x->stakeholder_id);
    db_bind_int(&q, 4, x->instrument_id);
    db_bind_int(&q, 5, x->created);
    db_bind_int(&q, 6, x->expires);
    db_bind_int(&q, 7, x->used);
    db_bind_ref(&q, 8, x->assessment_id);
    db_bind_text(&q, 9, x->created_by, sizeof x->created_by);
    db_bind_text(&q, 10, x->language, sizeof x->language);
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, x->account_id},
                            {"stakeholder_id", S_STAKEHOLDER_EXISTS, x->stakeholder_id},
                            {"instrument_id", S_INSTRUMENT_EXISTS, x->instrument_id}};
    status = db_exec(&q, "adding a survey link", refs, 3, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_survey_get(struct cvom_store *st, const char *hash,
                                     struct cvom_survey *out, struct cvom_error *err)
{
    struct cvom_survey x;
    enum cvom_status status = db_one_row(db_of(st), S_SURVEY_GET, 0, hash, CVOM_DIGEST_HEX,
                                         "no such survey link", read_survey, &x, err);
    if (!status)
        *out = x;
    return status;
}

enum cvom_status cvom__op_survey_use(struct cvom_store *st, const char *hash, int64_t now,
                                     int64_t assessment_id, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_SURVEY_USE, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, hash, CVOM_DIGEST_HEX);
    db_bind_int(&q, 2, now);
    db_bind_ref(&q, 3, assessment_id);
    status = db_exec(&q, "using a survey link", NULL, 0, err);
    db_close(&q);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "the survey link is used or expired");
    return status;
}

struct survey_walk {
    cvom_survey_cb cb;
    void *ctx;
};

static int survey_walk_cb(void *ctx, const void *rec)
{
    struct survey_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_survey_list(struct cvom_store *st, int64_t account_id, cvom_survey_cb cb,
                                      void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_survey x;
    struct survey_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_SURVEY_LIST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, account_id);
    return db_each_row(&q, &x, read_survey, survey_walk_cb, &w, err);
}

enum cvom_status cvom__op_survey_draft_put(struct cvom_store *st, const char *hash, int64_t now,
                                           const char *draft, const char *comment,
                                           struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_SURVEY_DRAFT_PUT, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, hash, CVOM_DIGEST_HEX);
    db_bind_text(&q, 2, draft, CVOM_DRAFT_MAX);
    db_bind_text(&q, 3, comment, CVOM_COMMENT_MAX);
    db_bind_int(&q, 4, now);
    status = db_exec(&q, "saving a survey draft", NULL, 0, err);
    db_close(&q);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "the survey link is used or expired");
    return status;
}

enum cvom_status cvom__op_survey_draft_get(struct cvom_store *st, const char *hash, char *draft,
                                           size_t draft_cap, char *comment, size_t comment_cap,
                                           struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_SURVEY_DRAFT_GET, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, hash, CVOM_DIGEST_HEX);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW) {
        db_col_text(&q, 0, draft, draft_cap);
        db_col_text(&q, 1, comment, comment_cap);
    } else if (rc == DB_DONE) {
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no such survey link");
    } else {
        status = db_fail(s, "reading a survey draft", err);
    }
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_comment_put(struct cvom_store *st, int64_t assessment_id,
                                      const char *comment, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(db_of(st), S_COMMENT_PUT, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, assessment_id);
    db_bind_text(&q, 2, comment, CVOM_COMMENT_MAX);
    struct fk_ref refs[] = {{"assessment_id", S_ASSESSMENT_EXISTS, assessment_id}};
    status = db_exec(&q, "adding a comment", refs, 1, err);
    db_close(&q);
    return status;
}

static enum cvom_status read_comment(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_comment *c = out;
    (void)err;
    c->assessment_id = db_col_int(q, 0);
    db_col_text(q, 1, c->text, sizeof c->text);
    return CVOM_OK;
}

struct comment_walk {
    cvom_comment_cb cb;
    void *ctx;
};

static int comment_walk_cb(void *ctx, const void *rec)
{
    struct comment_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_comment_list(struct cvom_store *st, int64_t account_id,
                                       cvom_comment_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_query q;
    struct cvom_comment c;
    struct comment_walk w = {cb, ctx};
    enum cvom_status status = db_open(db_of(st), S_COMMENT_LIST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, account_id);
    return db_each_row(&q, &c, read_comment, comment_walk_cb, &w, err);
}

enum cvom_status cvom__op_revision(struct cvom_store *st, int64_t *n, struct cvom_error *err)
{
    return db_query_int(db_of(st), S_REVISION, 0, 0, n, err);
}
