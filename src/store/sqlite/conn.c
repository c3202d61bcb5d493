/* sqlite/conn.c — the SQLite back end: one file, WAL journal, foreign keys on. Prepares its
 * statements, moves values in and rows out, sorts SQLite's result codes into the store's
 * kinds of failure, and backs the database up page by page.
 */
#include "store/sqlite/sqlite.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS 5000

static struct sq_store *sq(struct db_store *s)
{
    return (struct sq_store *)s;
}

static sqlite3_stmt *stmt_of(struct db_query *q)
{
    return q->h;
}

/* ---------------------------------------------------------------------------------------
 * Failures
 * ------------------------------------------------------------------------------------- */

/* The column list after "… constraint failed: " with "table." prefixes removed, e.g.
 * "accounts.external_id" → "external_id", "instruments.name, instruments.version" →
 * "name, version". */
static void constraint_columns(const char *msg, char *out, size_t cap)
{
    const char *p = strstr(msg, "failed: ");
    size_t n = 0;
    out[0] = '\0';
    if (!p)
        return;
    p += strlen("failed: ");
    while (*p && n + 1 < cap) {
        const char *end = p + strcspn(p, ",");
        const char *dot = memchr(p, '.', (size_t)(end - p));
        const char *start = dot ? dot + 1 : p;
        size_t len = (size_t)(end - start);
        if (n > 0 && n + 2 < cap) {
            out[n++] = ',';
            out[n++] = ' ';
        }
        if (len > cap - 1 - n)
            len = cap - 1 - n;
        memcpy(out + n, start, len);
        n += len;
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    out[n] = '\0';
}

/* Record what SQLite said about result code rc (extended codes are on). */
static void record(struct db_store *s, int rc)
{
    struct db_failure *f = &s->fail;
    snprintf(f->message, sizeof f->message, "%s", sqlite3_errmsg(sq(s)->db));
    f->columns[0] = '\0';
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: f->kind = DBF_BUSY; return;
    case SQLITE_NOMEM: f->kind = DBF_NOMEM; return;
    case SQLITE_CONSTRAINT: break;
    default: f->kind = DBF_OTHER; return;
    }
    constraint_columns(f->message, f->columns, sizeof f->columns);
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: f->kind = DBF_UNIQUE; break;
    case SQLITE_CONSTRAINT_NOTNULL: f->kind = DBF_NOTNULL; break;
    case SQLITE_CONSTRAINT_CHECK: f->kind = DBF_CHECK; break;
    case SQLITE_CONSTRAINT_FOREIGNKEY: f->kind = DBF_FOREIGN; break;
    case SQLITE_CONSTRAINT_TRIGGER:
        f->kind = DBF_RAISED;
        f->columns[0] = '\0';
        break;
    default: f->kind = DBF_OTHER; break;
    }
}

static int bound(struct db_query *q, int rc)
{
    if (rc == SQLITE_OK)
        return 0;
    record(q->s, rc);
    return -1;
}

/* ---------------------------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------------------------- */

static enum db_step sq_prepare(struct db_store *s, enum stmt id, void **h)
{
    sqlite3_stmt *stmt = NULL;
    /* The cached copy lives as long as the connection: SQLite plans it for that. */
    unsigned flags = s->busy[id] ? 0 : SQLITE_PREPARE_PERSISTENT;
    int rc = sqlite3_prepare_v3(sq(s)->db, cvom__sqlite_sql[id], -1, flags, &stmt, NULL);
    if (rc != SQLITE_OK) {
        record(s, rc);
        sqlite3_finalize(stmt);
        return DB_FAIL;
    }
    *h = stmt;
    return DB_DONE;
}

static void sq_reset(struct db_store *s, void *h)
{
    (void)s;
    sqlite3_reset(h);
    sqlite3_clear_bindings(h);
}

static void sq_finalize(struct db_store *s, void *h)
{
    (void)s;
    sqlite3_finalize(h);
}

/* Bound text is not copied: the caller's buffer outlives the step (db.h). */
static int sq_bind_text(struct db_query *q, int i, const char *p, size_t n)
{
    if (n > INT32_MAX)
        return bound(q, SQLITE_TOOBIG);
    return bound(q, sqlite3_bind_text(stmt_of(q), i, p, (int)n, SQLITE_STATIC));
}

static int sq_bind_int(struct db_query *q, int i, int64_t v)
{
    return bound(q, sqlite3_bind_int64(stmt_of(q), i, v));
}

static int sq_bind_double(struct db_query *q, int i, double v)
{
    return bound(q, sqlite3_bind_double(stmt_of(q), i, v));
}

static int sq_bind_null(struct db_query *q, int i)
{
    return bound(q, sqlite3_bind_null(stmt_of(q), i));
}

static enum db_step sq_step(struct db_query *q)
{
    int rc = sqlite3_step(stmt_of(q));
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE) {
        q->s->changes = sqlite3_changes64(sq(q->s)->db);
        return DB_DONE;
    }
    record(q->s, rc);
    return DB_FAIL;
}

static int64_t sq_col_int(struct db_query *q, int i)
{
    return sqlite3_column_int64(stmt_of(q), i);
}

static double sq_col_double(struct db_query *q, int i)
{
    return sqlite3_column_double(stmt_of(q), i);
}

static const char *sq_col_text(struct db_query *q, int i, size_t *n)
{
    const unsigned char *t = sqlite3_column_text(stmt_of(q), i);
    *n = t ? (size_t)sqlite3_column_bytes(stmt_of(q), i) : 0;
    return (const char *)t;
}

static int sq_col_null(struct db_query *q, int i)
{
    return sqlite3_column_type(stmt_of(q), i) == SQLITE_NULL;
}

/* Run several statements of static SQL text (a migration, the connection settings). */
static enum db_step sq_script(struct db_store *s, const char *sql)
{
    const char *tail = sql;
    while (*tail) {
        sqlite3_stmt *stmt = NULL;
        int rc = sqlite3_prepare_v2(sq(s)->db, tail, -1, &stmt, &tail);
        if (rc != SQLITE_OK) {
            record(s, rc);
            sqlite3_finalize(stmt);
            return DB_FAIL;
        }
        if (!stmt) /* only whitespace or a comment was left */
            break;
        do
            rc = sqlite3_step(stmt);
        while (rc == SQLITE_ROW);
        if (rc != SQLITE_DONE) {
            record(s, rc);
            sqlite3_finalize(stmt);
            return DB_FAIL;
        }
        sqlite3_finalize(stmt);
    }
    return DB_DONE;
}

static int sq_in_transaction(struct db_store *s)
{
    return !sqlite3_get_autocommit(sq(s)->db);
}

/* ---------------------------------------------------------------------------------------
 * Backup and timeouts
 * ------------------------------------------------------------------------------------- */

enum cvom_status cvom__sqlite_copy_pages(sqlite3 *src, int timeout_ms, const char *dest,
                                         const char *what, struct cvom_error *err)
{
    enum cvom_status status = CVOM_OK;
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *bk = sqlite3_backup_init(dst, "main", src, "main");
        if (bk) {
            /* Another connection may hold a lock for a moment; wait about the timeout
             * before giving up. */
            for (int tries = 0; tries <= timeout_ms / 50; tries++) {
                rc = sqlite3_backup_step(bk, -1);
                if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                    break;
                sqlite3_sleep(50);
            }
            sqlite3_backup_finish(bk);
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        } else {
            rc = sqlite3_errcode(dst);
        }
    }
    if (rc != SQLITE_OK) {
        const char *msg = dst ? sqlite3_errmsg(dst) : "out of memory";
        if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
            status = cvom_error_set(err, CVOM_EBUSY, "%s: the database is locked", what);
        else
            status = cvom_error_set(err, CVOM_ESTORE, "%s failed: %s (%s)", what,
                                    sqlite3_errstr(rc), msg);
    }
    if (sqlite3_close(dst) != SQLITE_OK && status == CVOM_OK)
        status = cvom_error_set(err, CVOM_ESTORE, "%s: closing failed", what);
    return status;
}

/* Copy every page into dest, which must be a new file: it is created exclusively here, so
 * nothing that exists is ever overwritten. A failed backup removes the file again. */
static enum cvom_status sq_backup(struct db_store *base, const char *dest, struct cvom_error *err)
{
    struct sq_store *s = sq(base);
    /* Backups hold customer data: readable by the owner only. */
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return cvom_error_set(err, CVOM_EEXIST, "%s already exists; not overwriting it", dest);
        return cvom_error_set(err, CVOM_EIO, "cannot create %s: %s", dest, strerror(errno));
    }
    close(fd);
    char what[300];
    snprintf(what, sizeof what, "backup to %s", dest);
    enum cvom_status status = cvom__sqlite_copy_pages(s->db, s->timeout_ms, dest, what, err);
    if (status != CVOM_OK)
        unlink(dest);
    return status;
}

static enum cvom_status sq_set_timeout(struct db_store *base, int ms, struct cvom_error *err)
{
    (void)err;
    sq(base)->timeout_ms = ms;
    sqlite3_busy_timeout(sq(base)->db, ms);
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Open and close
 * ------------------------------------------------------------------------------------- */

static void sq_close(struct db_store *base)
{
    struct sq_store *s = sq(base);
    if (s->db) {
        db_release(base);
        if (!sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        int rc = sqlite3_close(s->db);
        assert(rc == SQLITE_OK); /* every statement is finalized by now */
        (void)rc;
    }
    free(s);
}

static int64_t sq_last_id(struct db_store *s)
{
    return sqlite3_last_insert_rowid(((struct sq_store *)s)->db);
}

static const struct db_driver sqlite_driver = {
    .name = "sqlite",
    .sql = cvom__sqlite_sql,
    .prepare = sq_prepare,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_null = sq_col_null,
    .script = sq_script,
    .in_transaction = sq_in_transaction,
    .backup = sq_backup,
    .set_timeout = sq_set_timeout,
    .close = sq_close,
    .last_id = sq_last_id,
};

enum cvom_status cvom__sqlite_open(const char *path, struct cvom_store **out,
                                   struct cvom_error *err)
{
    if (!path || !*path)
        return cvom_error_set(err, CVOM_EINVAL, "no database path given");
    struct sq_store *s = calloc(1, sizeof *s);
    if (!s)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory opening %s", path);
    s->base.base.ops = &cvom__db_ops;
    s->base.drv = &sqlite_driver;
    s->timeout_ms = DEFAULT_TIMEOUT_MS;

    enum cvom_status st;
    /* A handle is used by one thread at a time (its statement cache is not shared), so
     * SQLite's own locking of the connection would only cost time on every call. */
    int rc = sqlite3_open_v2(
        path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        if (!s->db) {
            st = cvom_error_set(err, CVOM_ENOMEM, "out of memory opening %s", path);
        } else {
            st =
                cvom_error_set(err, CVOM_ESTORE, "cannot open %s: %s", path, sqlite3_errmsg(s->db));
        }
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, s->timeout_ms);
    st = cvom__sqlite_schema(s, path, err);
    if (st != CVOM_OK)
        goto fail;
    *out = &s->base.base;
    return CVOM_OK;
fail:
    sq_close(&s->base);
    return st;
}
