/* postgres/conn.c — the PostgreSQL back end over libpq: one connection per handle,
 * statements prepared on the server once per connection and run with parameters sent as
 * text, failures sorted by SQLSTATE into the store's kinds with the column or constraint the
 * server names.
 *
 * Values travel in PostgreSQL's text format: integers in decimal, real numbers with 17
 * significant digits (and read back in the shortest form that round-trips, which
 * extra_float_digits > 0 asks for), so a number comes back exactly as it was stored.
 */
#include "store/postgres/postgres.h"
#include "core/mem.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 24        /* the most parameters any statement has (snapshots: 16) */
#define CONNECT_TIMEOUT "10" /* seconds, unless the location says otherwise */

/* A statement in use: its bound values, kept as NUL-terminated text in one buffer, and the
 * rows of its result. */
struct pg_stmt {
    enum stmt id;
    int nparams;                   /* the highest parameter number bound */
    size_t off[MAX_PARAMS];        /* where each value starts in text */
    unsigned char set[MAX_PARAMS]; /* 0: not bound, 1: a value, 2: NULL */
    char *text;
    size_t len, cap;
    PGresult *res;
    int row, nrows; /* row: the current row, -1 before the first */
    int streaming;  /* rows arrive one at a time (a scan) */
};

/* The scans of a whole portfolio read millions of rows: they arrive one at a time, so that
 * memory follows the accounts, not the answers. While one streams, the connection carries
 * nothing else, so whoever reads it asks no other question meanwhile. */
static int streams(enum stmt id)
{
    return id == S_ASSESSMENT_SCAN || id == S_RESPONSE_SCAN;
}

/* Read what is left of a streaming result, so that the connection is free again. */
static void drain(struct pg_store *p)
{
    PGresult *r;
    while ((r = PQgetResult(p->conn)) != NULL)
        PQclear(r);
    p->streaming = NULL;
}

static struct pg_store *pg(struct db_store *s)
{
    return (struct pg_store *)s;
}

static struct pg_stmt *stmt_of(struct db_query *q)
{
    return q->h;
}

/* ---------------------------------------------------------------------------------------
 * Failures
 * ------------------------------------------------------------------------------------- */

/* The server's words on one line: libpq ends lines with "\n" and indents hints with tabs. */
static void copy_message(char *out, size_t cap, const char *msg)
{
    size_t n = 0;
    for (const char *p = msg; *p && n + 1 < cap; p++) {
        char c = *p == '\n' || *p == '\t' ? ' ' : *p;
        if (c == ' ' && (n == 0 || out[n - 1] == ' '))
            continue;
        out[n++] = c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

/* The column list of a key in the server's detail: "Key (name, version)=(…) already
 * exists." gives "name, version". */
static void key_columns(const char *detail, char *out, size_t cap)
{
    out[0] = '\0';
    const char *p = detail ? strstr(detail, "Key (") : NULL;
    if (!p)
        return;
    p += strlen("Key (");
    const char *end = strstr(p, ")=(");
    if (!end)
        return;
    size_t n = (size_t)(end - p);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static const struct {
    const char *sqlstate;
    enum db_fail_kind kind;
} sqlstates[] = {
    {"23505", DBF_UNIQUE},  {"23502", DBF_NOTNULL}, {"23514", DBF_CHECK},
    {"23503", DBF_FOREIGN}, {"P0001", DBF_RAISED},  {"55P03", DBF_BUSY},
    {"40001", DBF_RETRY},   {"40P01", DBF_RETRY},   {"53200", DBF_NOMEM},
};

/* Record the failure res reports (or, without a result, what the connection says). */
static void record(struct db_store *s, const PGresult *res)
{
    struct db_failure *f = &s->fail;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    copy_message(f->message, sizeof f->message, primary ? primary : PQerrorMessage(pg(s)->conn));
    f->kind = DBF_OTHER;
    f->columns[0] = '\0';
    for (size_t i = 0; state && i < sizeof sqlstates / sizeof sqlstates[0]; i++)
        if (strcmp(state, sqlstates[i].sqlstate) == 0)
            f->kind = sqlstates[i].kind;
    const char *name = NULL;
    switch (f->kind) {
    case DBF_UNIQUE:
    case DBF_FOREIGN:
        key_columns(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL), f->columns, sizeof f->columns);
        return;
    case DBF_NOTNULL: name = PQresultErrorField(res, PG_DIAG_COLUMN_NAME); break;
    case DBF_CHECK: /* the schema names each check after the column it guards */
        name = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        break;
    default: return;
    }
    if (name)
        copy_message(f->columns, sizeof f->columns, name);
}

/* 0 when res holds rows or a finished command; otherwise records the failure, frees res
 * and returns -1. */
static int check(struct db_store *s, PGresult *res)
{
    ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK)
        return 0;
    record(s, res);
    PQclear(res);
    return -1;
}

static int no_memory(struct db_store *s)
{
    s->fail.kind = DBF_NOMEM;
    s->fail.columns[0] = '\0';
    copy_message(s->fail.message, sizeof s->fail.message, "out of memory");
    return -1;
}

/* ---------------------------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------------------------- */

static void stmt_name(enum stmt id, char *out, size_t cap)
{
    snprintf(out, cap, "s%d", (int)id);
}

static int busy(struct db_store *s)
{
    s->fail.kind = DBF_OTHER;
    s->fail.columns[0] = '\0';
    copy_message(s->fail.message, sizeof s->fail.message,
                 "another query was asked for while a scan was being read");
    return -1;
}

static enum db_step pg_prepare(struct db_store *s, enum stmt id, void **h)
{
    struct pg_store *p = pg(s);
    if (p->streaming) {
        busy(s);
        return DB_FAIL;
    }
    if (!p->prepared[id]) {
        char name[16];
        stmt_name(id, name, sizeof name);
        PGresult *res = PQprepare(p->conn, name, cvom__postgres_sql[id], 0, NULL);
        if (check(s, res) != 0)
            return DB_FAIL;
        PQclear(res);
        p->prepared[id] = 1;
    }
    struct pg_stmt *st = calloc(1, sizeof *st);
    if (!st) {
        no_memory(s);
        return DB_FAIL;
    }
    st->id = id;
    st->row = -1;
    *h = st;
    return DB_DONE;
}

static void pg_reset(struct db_store *s, void *h)
{
    struct pg_stmt *st = h;
    if (pg(s)->streaming == st)
        drain(pg(s));
    st->streaming = 0;
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->nrows = 0;
    st->nparams = 0;
    st->len = 0;
    memset(st->set, 0, sizeof st->set);
}

static void pg_finalize(struct db_store *s, void *h)
{
    struct pg_stmt *st = h;
    pg_reset(s, h);
    free(st->text);
    free(st);
}

/* Keep n bytes of p (and a NUL) as the value of parameter i. */
static int keep(struct db_query *q, int i, const char *p, size_t n)
{
    struct pg_stmt *st = stmt_of(q);
    if (i < 1 || i > MAX_PARAMS) {
        q->s->fail.kind = DBF_OTHER;
        q->s->fail.columns[0] = '\0';
        snprintf(q->s->fail.message, sizeof q->s->fail.message, "parameter %d is out of range", i);
        return -1;
    }
    if (st->cap - st->len < n + 1) {
        size_t cap = st->cap ? st->cap : 256;
        while (cap - st->len < n + 1)
            cap *= 2;
        char *t = realloc(st->text, cap);
        if (!t)
            return no_memory(q->s);
        st->text = t;
        st->cap = cap;
    }
    cvom__copy(st->text + st->len, p, n);
    st->text[st->len + n] = '\0';
    st->off[i - 1] = st->len;
    st->set[i - 1] = 1;
    st->len += n + 1;
    if (i > st->nparams)
        st->nparams = i;
    return 0;
}

static int pg_bind_text(struct db_query *q, int i, const char *p, size_t n)
{
    return keep(q, i, p, n);
}

static int pg_bind_int(struct db_query *q, int i, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%" PRId64, v);
    return keep(q, i, b, (size_t)n);
}

static int pg_bind_double(struct db_query *q, int i, double v)
{
    char b[40];
    int n = snprintf(b, sizeof b, "%.17g", v);
    return keep(q, i, b, (size_t)n);
}

static int pg_bind_null(struct db_query *q, int i)
{
    if (keep(q, i, "", 0) != 0)
        return -1;
    stmt_of(q)->set[i - 1] = 2;
    return 0;
}

/* An insert that takes the next id (statements.c) and found it taken by another connection
 * has done nothing; it is run again, a bounded number of times. */
#define NEXT_ID_TRIES 100

static int takes_next_id(enum stmt id)
{
    return strstr(cvom__postgres_sql[id], "DO NOTHING RETURNING") != NULL;
}

/* Send a scan and read its first row. */
static enum db_step run_streaming(struct db_query *q, const char *name, const char **values)
{
    struct pg_store *p = pg(q->s);
    struct pg_stmt *st = stmt_of(q);
    if (!PQsendQueryPrepared(p->conn, name, st->nparams, values, NULL, NULL, 0) ||
        !PQsetSingleRowMode(p->conn)) {
        record(q->s, NULL);
        drain(p);
        return DB_FAIL;
    }
    p->streaming = st;
    st->streaming = 1;
    st->row = -1;
    st->nrows = 0;
    return DB_ROW;
}

/* The next row of a streaming scan into st->res. */
static enum db_step next_streamed(struct db_query *q)
{
    struct pg_store *p = pg(q->s);
    struct pg_stmt *st = stmt_of(q);
    PQclear(st->res);
    st->res = PQgetResult(p->conn);
    ExecStatusType t = st->res ? PQresultStatus(st->res) : PGRES_FATAL_ERROR;
    if (t == PGRES_SINGLE_TUPLE) {
        st->row = 0;
        st->nrows = 1;
        return DB_ROW;
    }
    if (t == PGRES_TUPLES_OK) { /* the end: an empty result, then none */
        drain(p);
        st->row = st->nrows = 0;
        q->s->changes = 0;
        return DB_DONE;
    }
    record(q->s, st->res);
    PQclear(st->res);
    st->res = NULL;
    drain(p);
    return DB_FAIL;
}

static enum db_step run(struct db_query *q)
{
    struct pg_stmt *st = stmt_of(q);
    if (pg(q->s)->streaming) {
        busy(q->s);
        return DB_FAIL;
    }
    const char *values[MAX_PARAMS];
    char name[16];
    for (int i = 0; i < st->nparams; i++)
        values[i] = st->set[i] == 1 ? st->text + st->off[i] : NULL;
    stmt_name(st->id, name, sizeof name);
    if (streams(st->id))
        return run_streaming(q, name, values);
    PGresult *res = NULL;
    for (int tries = 0; tries < NEXT_ID_TRIES; tries++) {
        PQclear(res);
        res = PQexecPrepared(pg(q->s)->conn, name, st->nparams, values, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) > 0 || !takes_next_id(st->id))
            break;
    }
    if (check(q->s, res) != 0)
        return DB_FAIL;
    st->res = res;
    st->nrows = PQntuples(res);
    st->row = -1;
    return DB_ROW;
}

static enum db_step pg_step(struct db_query *q)
{
    struct pg_stmt *st = stmt_of(q);
    if (!st->res && !st->streaming && run(q) != DB_ROW)
        return DB_FAIL;
    if (st->streaming)
        return next_streamed(q);
    if (st->row + 1 < st->nrows) {
        st->row++;
        return DB_ROW;
    }
    st->row = st->nrows;
    const char *n = PQcmdTuples(st->res);
    q->s->changes = n && *n ? strtoll(n, NULL, 10) : 0;
    return DB_DONE;
}

static const char *value(struct db_query *q, int i)
{
    struct pg_stmt *st = stmt_of(q);
    return PQgetvalue(st->res, st->row, i);
}

static int64_t pg_col_int(struct db_query *q, int i)
{
    return strtoll(value(q, i), NULL, 10); /* NULL reads as "": 0 */
}

static double pg_col_double(struct db_query *q, int i)
{
    return strtod(value(q, i), NULL);
}

static const char *pg_col_text(struct db_query *q, int i, size_t *n)
{
    struct pg_stmt *st = stmt_of(q);
    if (PQgetisnull(st->res, st->row, i)) {
        *n = 0;
        return NULL;
    }
    *n = (size_t)PQgetlength(st->res, st->row, i);
    return PQgetvalue(st->res, st->row, i);
}

static int pg_col_null(struct db_query *q, int i)
{
    struct pg_stmt *st = stmt_of(q);
    return PQgetisnull(st->res, st->row, i);
}

static enum db_step pg_script(struct db_store *s, const char *sql)
{
    if (pg(s)->streaming) {
        busy(s);
        return DB_FAIL;
    }
    PGresult *res = PQexec(pg(s)->conn, sql);
    if (check(s, res) != 0)
        return DB_FAIL;
    PQclear(res);
    return DB_DONE;
}

static int pg_in_transaction(struct db_store *s)
{
    return PQtransactionStatus(pg(s)->conn) != PQTRANS_IDLE;
}

int cvom__pg_count(struct pg_store *s, const char *sql, int64_t *out)
{
    PGresult *res = PQexec(s->conn, sql);
    if (check(&s->base, res) != 0)
        return -1;
    *out = PQntuples(res) > 0 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    PQclear(res);
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Backup and timeouts
 * ------------------------------------------------------------------------------------- */

static enum cvom_status pg_backup(struct db_store *s, const char *dest, struct cvom_error *err)
{
    (void)s;
    (void)dest;
    return cvom_error_set(err, CVOM_EINVAL,
                          "a PostgreSQL database is backed up with its own tools: "
                          "pg_dump --format=custom --file=FILE 'postgresql://…' "
                          "(and pg_restore to bring it back)");
}

/* One setting for the rest of the session, by set_config() with bound values. */
static int set_setting(struct pg_store *s, const char *name, const char *val)
{
    const char *values[2] = {name, val};
    PGresult *res =
        PQexecParams(s->conn, "SELECT set_config($1, $2, false)", 2, NULL, values, NULL, NULL, 0);
    if (check(&s->base, res) != 0)
        return -1;
    PQclear(res);
    return 0;
}

static enum cvom_status pg_set_timeout(struct db_store *s, int ms, struct cvom_error *err)
{
    char v[24];
    snprintf(v, sizeof v, "%d", ms);
    if (set_setting(pg(s), "lock_timeout", v) != 0)
        return db_fail(s, "setting the lock timeout", err);
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Open and close
 * ------------------------------------------------------------------------------------- */

/* ---------------------------------------------------------------------------------------
 * Bulk writes: COPY … FROM STDIN
 * ------------------------------------------------------------------------------------- */

#define BULK_FLUSH (64 * 1024)      /* rows go to the server in pieces of about this size */
#define BULK_MAX ((size_t)64 << 20) /* the most one row may take in text */

static int bulk_fail(struct db_store *s, const char *message)
{
    s->fail.kind = DBF_OTHER;
    s->fail.columns[0] = '\0';
    copy_message(s->fail.message, sizeof s->fail.message, message);
    return -1;
}

/* Room for n more bytes in the buffer. */
static int bulk_room(struct pg_store *p, size_t n)
{
    struct pg_bulk *b = &p->bulk;
    if (n > BULK_MAX - b->len)
        return bulk_fail(&p->base, "a row is too large to copy");
    if (b->cap - b->len >= n)
        return 0;
    size_t cap = b->cap ? b->cap : 2 * BULK_FLUSH;
    while (cap - b->len < n)
        cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q)
        return no_memory(&p->base);
    b->p = q;
    b->cap = cap;
    return 0;
}

static int bulk_put(struct pg_store *p, const char *t, size_t n)
{
    if (bulk_room(p, n) != 0)
        return -1;
    cvom__copy(p->bulk.p + p->bulk.len, t, n);
    p->bulk.len += n;
    return 0;
}

/* Text in COPY's text format: backslash, tab, newline and carriage return escaped. */
static int bulk_text(struct pg_store *p, const char *t, size_t n)
{
    if (bulk_room(p, 2 * n) != 0) /* each byte takes two at the most */
        return -1;
    char *out = p->bulk.p + p->bulk.len;
    for (size_t i = 0; i < n; i++) {
        const char *esc = t[i] == '\\'   ? "\\\\"
                          : t[i] == '\t' ? "\\t"
                          : t[i] == '\n' ? "\\n"
                          : t[i] == '\r' ? "\\r"
                                         : NULL;
        if (esc) {
            memcpy(out, esc, 2);
            out += 2;
        } else {
            *out++ = t[i];
        }
    }
    p->bulk.len = (size_t)(out - p->bulk.p);
    return 0;
}

/* One value in COPY's text format; numbers as the parameters send them (pg_bind_double). */
static int bulk_value(struct pg_store *p, const struct db_value *v)
{
    char b[40];
    int n;
    switch (v->type) {
    case DBT_INT: n = snprintf(b, sizeof b, "%" PRId64, v->i); break;
    case DBT_REAL: n = snprintf(b, sizeof b, "%.17g", v->r); break;
    case DBT_TEXT: return bulk_text(p, v->t, v->n);
    default: n = snprintf(b, sizeof b, "\\N"); break;
    }
    return bulk_put(p, b, (size_t)n);
}

static int bulk_flush(struct pg_store *p)
{
    if (p->bulk.len == 0)
        return 0;
    if (PQputCopyData(p->conn, p->bulk.p, (int)p->bulk.len) != 1) {
        record(&p->base, NULL);
        return -1;
    }
    p->bulk.len = 0;
    return 0;
}

/* COPY cannot be prepared; its text is static all the same, and the rows travel apart from
 * it. */
static int pg_bulk_begin(struct db_store *s, enum stmt id)
{
    /* A table of millions of rows may take longer than the statement timeout allows a
     * question: lifted for the rest of this transaction only. */
    const char *values[1] = {"0"};
    PGresult *res = PQexecParams(pg(s)->conn, "SELECT set_config('statement_timeout', $1, true)", 1,
                                 NULL, values, NULL, NULL, 0);
    if (check(s, res) != 0)
        return -1;
    PQclear(res);
    res = PQexec(pg(s)->conn, cvom__postgres_sql[id]);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        record(s, res);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    pg(s)->bulk.len = 0;
    return 0;
}

static int pg_bulk_row(struct db_store *s, const struct db_value *v, int n)
{
    struct pg_store *p = pg(s);
    for (int i = 0; i < n; i++)
        if ((i > 0 && bulk_put(p, "\t", 1) != 0) || bulk_value(p, &v[i]) != 0)
            return -1;
    if (bulk_put(p, "\n", 1) != 0)
        return -1;
    return p->bulk.len >= BULK_FLUSH ? bulk_flush(p) : 0;
}

/* End the COPY, and read every result the server has for it (the connection is usable
 * again only then). A failure the server found in the rows is told here. */
static int pg_bulk_end(struct db_store *s, int ok)
{
    struct pg_store *p = pg(s);
    int rc = ok ? bulk_flush(p) : 0;
    ok = ok && rc == 0;
    p->bulk.len = 0;
    if (PQputCopyEnd(p->conn, ok ? NULL : "abandoned") != 1 && ok) {
        record(s, NULL);
        rc = -1;
        ok = 0;
    }
    PGresult *res;
    while ((res = PQgetResult(p->conn)) != NULL) {
        if (ok && PQresultStatus(res) != PGRES_COMMAND_OK) {
            record(s, res);
            rc = -1;
            ok = 0;
        }
        PQclear(res);
    }
    return rc;
}

static void pg_close(struct db_store *base)
{
    struct pg_store *s = pg(base);
    db_release(base);
    if (s->conn)
        PQfinish(s->conn);
    free(s->bulk.p);
    free(s);
}

static const struct db_driver postgres_driver = {
    .name = "postgresql",
    .sql = cvom__postgres_sql,
    .prepare = pg_prepare,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_null = pg_col_null,
    .script = pg_script,
    .in_transaction = pg_in_transaction,
    .backup = pg_backup,
    .set_timeout = pg_set_timeout,
    .close = pg_close,
    .bulk_begin = pg_bulk_begin,
    .bulk_row = pg_bulk_row,
    .bulk_end = pg_bulk_end,
};

/* The server's notices ("relation already exists, skipping") are not for our users. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The database in words for messages, without the password a URL may carry. */
static void describe(PGconn *c, char *out, size_t cap)
{
    const char *host = PQhost(c), *port = PQport(c), *db = PQdb(c);
    snprintf(out, cap, "PostgreSQL database %s on %s%s%s", db && *db ? db : "(default)",
             host && *host ? host : "the local server", port && *port ? ":" : "",
             port && *port ? port : "");
}

static enum cvom_status session_settings(struct pg_store *s, const char *where,
                                         struct cvom_error *err)
{
    static const char *const settings[][2] = {
        {"extra_float_digits", "1"}, /* real numbers read back exactly */
        {"client_min_messages", "warning"},
        {"lock_timeout", "5000"}, /* milliseconds, as SQLite's busy timeout */
        /* No question of ours runs for long; one that does is stuck, and gives way rather
         * than holding a server's connection (a bulk copy lifts it: pg_bulk_begin). */
        {"statement_timeout", "300000"},
        {"TimeZone", "UTC"},
    };
    if (PQsetClientEncoding(s->conn, "UTF8") != 0)
        return cvom_error_set(err, CVOM_ESTORE, "%s: cannot use UTF-8: %s", where,
                              PQerrorMessage(s->conn));
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (set_setting(s, settings[i][0], settings[i][1]) != 0)
            return db_fail(&s->base, "configuring the connection", err);
    PGresult *res = PQexec(s->conn, "SELECT current_schema()");
    if (check(&s->base, res) != 0)
        return db_fail(&s->base, "configuring the connection", err);
    const char *schema = PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0);
    snprintf(s->schema, sizeof s->schema, "%s", schema);
    PQclear(res);
    if (!s->schema[0])
        return cvom_error_set(err, CVOM_ESTORE,
                              "%s: no schema to create tables in (check search_path)", where);
    return CVOM_OK;
}

enum cvom_status cvom__postgres_open(const char *conninfo, struct cvom_store **out,
                                     struct cvom_error *err)
{
    const char *why = cvom__lazy_pq_load();
    if (why)
        return cvom_error_set(err, CVOM_ESTORE, "cannot open a PostgreSQL database: %s", why);
    struct pg_store *s = calloc(1, sizeof *s);
    if (!s)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory opening a PostgreSQL database");
    s->base.base.ops = &cvom__db_ops;
    s->base.drv = &postgres_driver;
    /* The location's own settings come after these defaults and win over them. */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *vals[] = {CONNECT_TIMEOUT, "cvom", conninfo, NULL};
    s->conn = PQconnectdbParams(keys, vals, 1);
    char where[256];
    enum cvom_status st;
    if (!s->conn) {
        st = cvom_error_set(err, CVOM_ENOMEM, "out of memory opening a PostgreSQL database");
        goto fail;
    }
    describe(s->conn, where, sizeof where);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        char msg[200];
        copy_message(msg, sizeof msg, PQerrorMessage(s->conn));
        st = cvom_error_set(err, CVOM_ESTORE, "cannot connect to the %s: %s", where, msg);
        goto fail;
    }
    PQsetNoticeProcessor(s->conn, quiet, NULL);
    st = session_settings(s, where, err);
    if (st == CVOM_OK)
        st = cvom__postgres_schema(s, where, err);
    if (st != CVOM_OK)
        goto fail;
    *out = &s->base.base;
    return CVOM_OK;
fail:
    pg_close(&s->base);
    return st;
}
