/* db.c — the query layer the shared operations are written with: the statement cache,
 * binding and reading through the back end, failures turned into statuses that name the
 * field, and the common shapes of an operation (one row, every row, a keyed write).
 */
#include "store/db.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const unsigned char cvom__stmt_kind[S_COUNT] = {
#define X(name, kind) [S_##name] = kind,
    CVOM_STATEMENTS(X)
#undef X
};

void db_release(struct db_store *s)
{
    for (size_t i = 0; i < S_COUNT; i++) {
        if (s->cache[i])
            s->drv->finalize(s, s->cache[i]);
        s->cache[i] = NULL;
    }
    for (int t = 0; t < DEFER_TABLES; t++) {
        free(s->defer.t[t].v);
        free(s->defer.t[t].text);
        free(s->defer.t[t].place);
    }
    memset(&s->defer, 0, sizeof s->defer);
}

/* ---------------------------------------------------------------------------------------
 * Rows held back
 * ------------------------------------------------------------------------------------- */

/* Rows held before they go: a batch refused is sent again row by row, one round trip each,
 * to name the row. */
#define DEFER_BATCH 16384

/* Each table whose rows may be held: the insert it stands for, how its rows go, the id
 * its next row takes (or S_COUNT: none) and what a failure says is being done. */
static const struct {
    enum stmt insert, bulk, next_id;
    int columns;
    const char *what;
} defer_tables[DEFER_TABLES] = {
    [DEFER_ACCOUNTS] = {S_ACCOUNT_ADD, S_BULK_ACCOUNTS, S_ACCOUNT_NEXT_ID, 12, "adding an account"},
    [DEFER_ASSESSMENTS] = {S_ASSESSMENT_ADD, S_BULK_ASSESSMENTS, S_ASSESSMENT_NEXT_ID, 8,
                           "adding an assessment"},
    [DEFER_RESPONSES] = {S_RESPONSE_PUT, S_BULK_RESPONSES, S_COUNT, 3, "saving an answer"},
    [DEFER_TOTALS] = {S_TOTALS_PUT, S_BULK_TOTALS, S_COUNT, 13, "keeping an assessment's totals"},
};

/* Whether statement id may run while rows are held without sending them first: it reads
 * only tables that hold none. Anything else could see them, or write after them. */
static int defer_passes(const struct db_store *s, enum stmt id)
{
    switch (id) {
    case S_STAKEHOLDER_GET:
    case S_STAKEHOLDER_BY_EXTERNAL:
    case S_STAKEHOLDER_BY_NAME:
    case S_STAKEHOLDER_LIST:
    case S_STAKEHOLDER_ALL:
    case S_INSTRUMENT_GET:
    case S_INSTRUMENT_LATEST:
    case S_INSTRUMENT_FIND:
    case S_ITEM_LIST: return 1;
    case S_ACCOUNT_GET:
    case S_ACCOUNT_BY_EXTERNAL:
    case S_ACCOUNT_BY_NAME:
    case S_ACCOUNT_LIST: return s->defer.t[DEFER_ACCOUNTS].rows == 0;
    default: return cvom__stmt_kind[id] == STMT_TX && id != S_COMMIT;
    }
}

static void defer_clear(struct db_store *s)
{
    for (int t = 0; t < DEFER_TABLES; t++) {
        s->defer.t[t].rows = 0;
        s->defer.t[t].text_len = 0;
    }
    s->defer.held = 0;
}

/* Send rows [from, to) of table t in one COPY; 0, or -1 with the failure in s->fail. */
static int defer_send(struct db_store *s, int t, size_t from, size_t to)
{
    const struct db_deferred *d = &s->defer.t[t];
    int n = defer_tables[t].columns, rc = 0;
    struct db_value v[DB_DEFER_COLUMNS];
    if (s->drv->bulk_begin(s, defer_tables[t].bulk) != 0)
        return -1;
    for (size_t r = from; r < to && rc == 0; r++) {
        for (int i = 0; i < n; i++) {
            v[i] = d->v[r * (size_t)n + (size_t)i];
            if (v[i].type == DBT_TEXT)
                v[i].t = d->text + v[i].i;
        }
        rc = s->drv->bulk_row(s, v, n);
    }
    if (s->drv->bulk_end(s, rc == 0) != 0)
        rc = -1;
    return rc;
}

/* Every row held, in one savepoint, tables in the order their references need. A batch
 * the database refuses is undone and sent again a row at a time: the first row refused
 * fails with its place. */
static enum cvom_status defer_flush(struct db_store *s, struct cvom_error *err)
{
    if (!s->defer.held)
        return CVOM_OK;
    s->defer.flushing = 1;
    int rc = 0;
    enum cvom_status st = db_run(s, S_SAVEPOINT, "saving the rows read", err);
    for (int t = 0; st == CVOM_OK && rc == 0 && t < DEFER_TABLES; t++)
        if (s->defer.t[t].rows)
            rc = defer_send(s, t, 0, s->defer.t[t].rows);
    if (st == CVOM_OK && rc == 0) {
        st = db_run(s, S_RELEASE, "saving the rows read", err);
    } else if (st == CVOM_OK) {
        st = db_run(s, S_ROLLBACK_TO, "undoing a batch of rows", err);
        if (st == CVOM_OK)
            st = db_run(s, S_RELEASE, "undoing a batch of rows", err);
        for (int t = 0; st == CVOM_OK && t < DEFER_TABLES; t++) {
            const struct db_deferred *d = &s->defer.t[t];
            for (size_t r = 0; st == CVOM_OK && r < d->rows; r++) {
                if (defer_send(s, t, r, r + 1) == 0)
                    continue;
                st = db_fail(s, defer_tables[t].what, err);
                if (err) {
                    err->line = d->place[2 * r];
                    err->column = d->place[2 * r + 1];
                }
            }
        }
        if (st == CVOM_OK)
            st = cvom_error_set(err, CVOM_ESTORE,
                                "the database refused a batch of rows but "
                                "took each of its rows alone");
    }
    defer_clear(s);
    s->defer.flushing = 0;
    return st;
}

static void defer_stop(struct db_store *s)
{
    defer_clear(s);
    s->defer.on = 0;
    for (int t = 0; t < DEFER_TABLES; t++)
        s->defer.t[t].next_id = 0; /* others may add rows once these are in */
}

enum cvom_status db_defer(struct db_store *s, int on, struct cvom_error *err)
{
    if (on > 0) {
        s->defer.on = s->in_tx && s->drv->bulk_begin && s->drv->bulk_row && s->drv->bulk_end;
        return CVOM_OK;
    }
    enum cvom_status st = on == 0 ? defer_flush(s, err) : CVOM_OK;
    defer_stop(s);
    return st;
}

void db_defer_at(struct db_store *s, long line, long column)
{
    s->defer.line = line;
    s->defer.column = column;
}

/* Room for one more row of table t and len more bytes of its text. */
static int defer_room(struct db_deferred *d, int n, size_t len)
{
    if (d->rows == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 1024;
        struct db_value *v = realloc(d->v, cap * (size_t)n * sizeof *v);
        if (!v)
            return -1;
        d->v = v;
        long *place = realloc(d->place, 2 * cap * sizeof *place);
        if (!place)
            return -1;
        d->place = place;
        d->cap = cap;
    }
    if (d->text_cap - d->text_len < len) {
        size_t cap = d->text_cap ? d->text_cap : 65536;
        while (cap - d->text_len < len)
            cap *= 2;
        char *text = realloc(d->text, cap);
        if (!text)
            return -1;
        d->text = text;
        d->text_cap = cap;
    }
    return 0;
}

/* Hold the row a deferred query was bound with; *id: the id it takes, where it has one. */
static enum cvom_status defer_row(struct db_query *q, int64_t *id, struct cvom_error *err)
{
    struct db_store *s = q->s;
    int t = q->deferred - 1, n = defer_tables[t].columns;
    struct db_deferred *d = &s->defer.t[t];
    if (q->bind_failed)
        return db_fail(s, defer_tables[t].what, err);
    if (defer_tables[t].next_id != S_COUNT) {
        if (!d->next_id) {
            enum cvom_status st = db_query_int(s, defer_tables[t].next_id, 0, 0, &d->next_id, err);
            if (st != CVOM_OK)
                return st;
        }
        q->row[0] = (struct db_value){.type = DBT_INT, .i = d->next_id};
        *id = d->next_id;
    }
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += q->row[i].type == DBT_TEXT ? q->row[i].n : 0;
    if (defer_room(d, n, len) != 0)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory holding the rows read");
    struct db_value *v = d->v + d->rows * (size_t)n;
    for (int i = 0; i < n; i++) {
        v[i] = q->row[i];
        if (v[i].type != DBT_TEXT)
            continue;
        memcpy(d->text + d->text_len, v[i].t, v[i].n);
        v[i].i = (int64_t)d->text_len;
        v[i].t = NULL;
        d->text_len += v[i].n;
    }
    d->place[2 * d->rows] = s->defer.line;
    d->place[2 * d->rows + 1] = s->defer.column;
    d->rows++;
    d->next_id += d->next_id != 0;
    if (cvom__stmt_kind[defer_tables[t].insert] == STMT_DATA)
        s->dirty = 1; /* a held row of the portfolio's data: the commit moves the revision */
    s->changes = 1;
    if (++s->defer.held >= DEFER_BATCH)
        return defer_flush(s, err);
    return CVOM_OK;
}

/* Bound value i of a deferred query: parameters are numbered from 1, and a table with ids
 * keeps its column 0 for the id. */
static void defer_bind(struct db_query *q, int i, struct db_value v)
{
    int col = defer_tables[q->deferred - 1].next_id != S_COUNT ? i : i - 1;
    if (col >= 0 && col < DB_DEFER_COLUMNS)
        q->row[col] = v;
    else
        q->bind_failed = 1;
}

/* ---------------------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------------------- */

enum cvom_status db_open(struct db_store *s, enum stmt id, struct db_query *q,
                         struct cvom_error *err)
{
    q->s = s;
    q->id = id;
    q->h = NULL;
    q->cached = 0;
    q->bind_failed = 0;
    q->deferred = 0;
    if (s->defer.on && !s->defer.flushing) {
        for (int t = 0; t < DEFER_TABLES; t++)
            if (defer_tables[t].insert == id) {
                q->deferred = 1 + t;
                memset(q->row, 0, sizeof q->row);
                return CVOM_OK;
            }
        if (s->defer.held && !defer_passes(s, id)) {
            enum cvom_status st = defer_flush(s, err);
            if (st != CVOM_OK)
                return st;
        }
    }
    if (!s->busy[id]) {
        if (!s->cache[id] && s->drv->prepare(s, id, &s->cache[id]) != DB_DONE) {
            s->cache[id] = NULL;
            return db_fail(s, "preparing a query", err);
        }
        s->busy[id] = 1;
        q->h = s->cache[id];
        q->cached = 1;
        return CVOM_OK;
    }
    if (s->drv->prepare(s, id, &q->h) != DB_DONE) {
        q->h = NULL;
        return db_fail(s, "preparing a query", err);
    }
    return CVOM_OK;
}

/* Reset (or finalize) the statement so that it holds no lock and no borrowed buffer. */
void db_close(struct db_query *q)
{
    if (!q->h)
        return;
    if (q->cached) {
        q->s->drv->reset(q->s, q->h);
        q->s->busy[q->id] = 0;
    } else {
        q->s->drv->finalize(q->s, q->h);
    }
    q->h = NULL;
}

void db_bind_text(struct db_query *q, int i, const char *buf, size_t cap)
{
    if (q->deferred)
        defer_bind(q, i, (struct db_value){.type = DBT_TEXT, .t = buf, .n = strnlen(buf, cap)});
    else if (!q->bind_failed && q->s->drv->bind_text(q, i, buf, strnlen(buf, cap)) != 0)
        q->bind_failed = 1;
}

void db_bind_str(struct db_query *q, int i, const char *str)
{
    if (q->deferred)
        defer_bind(q, i, (struct db_value){.type = DBT_TEXT, .t = str, .n = strlen(str)});
    else if (!q->bind_failed && q->s->drv->bind_text(q, i, str, strlen(str)) != 0)
        q->bind_failed = 1;
}

void db_bind_null(struct db_query *q, int i)
{
    if (q->deferred)
        defer_bind(q, i, (struct db_value){.type = DBT_NULL});
    else if (!q->bind_failed && q->s->drv->bind_null(q, i) != 0)
        q->bind_failed = 1;
}

void db_bind_opt_text(struct db_query *q, int i, const char *buf, size_t cap)
{
    if (buf[0] == '\0')
        db_bind_null(q, i);
    else
        db_bind_text(q, i, buf, cap);
}

void db_bind_int(struct db_query *q, int i, int64_t v)
{
    if (q->deferred)
        defer_bind(q, i, (struct db_value){.type = DBT_INT, .i = v});
    else if (!q->bind_failed && q->s->drv->bind_int(q, i, v) != 0)
        q->bind_failed = 1;
}

void db_bind_ref(struct db_query *q, int i, int64_t id)
{
    if (id == 0)
        db_bind_null(q, i);
    else
        db_bind_int(q, i, id);
}

void db_bind_double(struct db_query *q, int i, double v)
{
    if (q->deferred)
        defer_bind(q, i, (struct db_value){.type = DBT_REAL, .r = v});
    else if (!q->bind_failed && q->s->drv->bind_double(q, i, v) != 0)
        q->bind_failed = 1;
}

void db_bind_real(struct db_query *q, int i, double v)
{
    if (isnan(v))
        db_bind_null(q, i);
    else
        db_bind_double(q, i, v);
}

enum db_step db_step(struct db_query *q)
{
    enum stmt_kind kind = cvom__stmt_kind[q->id];
    /* Every write runs inside a transaction (db_exec and db_insert open one for a write
     * outside the caller's), so that the revision moves at its commit. */
    assert(kind == STMT_TX || kind == STMT_READ || q->s->in_tx);
    if (q->bind_failed)
        return DB_FAIL;
    enum db_step rc = q->s->drv->step(q);
    if (kind == STMT_DATA && rc != DB_FAIL)
        q->s->dirty = 1;
    return rc;
}

int64_t db_col_int(struct db_query *q, int i)
{
    return q->s->drv->col_int(q, i);
}

double db_col_double(struct db_query *q, int i)
{
    return q->s->drv->col_double(q, i);
}

double db_col_real(struct db_query *q, int i)
{
    return q->s->drv->col_null(q, i) ? NAN : q->s->drv->col_double(q, i);
}

int db_col_null(struct db_query *q, int i)
{
    return q->s->drv->col_null(q, i);
}

void db_col_text(struct db_query *q, int i, char *buf, size_t cap)
{
    size_t n = 0;
    const unsigned char *t = (const unsigned char *)q->s->drv->col_text(q, i, &n);
    if (!t)
        n = 0;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && (t[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(buf, t, n);
    buf[n] = '\0';
}

int64_t db_changes(struct db_store *s)
{
    return s->changes;
}

/* ---------------------------------------------------------------------------------------
 * Failures
 * ------------------------------------------------------------------------------------- */

void db_set_field(struct cvom_error *err, const char *field)
{
    if (!err)
        return;
    size_t n = strnlen(field, sizeof err->field - 1);
    memcpy(err->field, field, n);
    err->field[n] = '\0';
}

/* Name the reference that is missing: the one the database named, or else the first whose
 * record does not exist. */
static enum cvom_status fk_fail(struct db_store *s, const char *what, const char *named,
                                const struct fk_ref *refs, size_t n_refs, struct cvom_error *err)
{
    for (size_t i = 0; i < n_refs; i++) {
        if (refs[i].value == 0)
            continue;
        if (named[0] ? strcmp(named, refs[i].field) != 0
                     : db_row_exists(s, refs[i].exists, refs[i].value) != 0)
            continue;
        cvom_error_set(err, CVOM_EINVAL, "%s: %s %" PRId64 " does not exist", what, refs[i].field,
                       refs[i].value);
        db_set_field(err, refs[i].field);
        return CVOM_EINVAL;
    }
    return cvom_error_set(err, CVOM_EINVAL,
                          "%s: the record refers to, or is still referred to by, another "
                          "record",
                          what);
}

enum cvom_status db_fail_refs(struct db_store *s, const char *what, const struct fk_ref *refs,
                              size_t n_refs, struct cvom_error *err)
{
    /* Copied, since explaining a foreign-key failure runs queries of its own. */
    struct db_failure f = s->fail;
    enum cvom_status st;
    if (err)
        err->field[0] = '\0';
    switch (f.kind) {
    case DBF_BUSY:
        return cvom_error_set(err, CVOM_EBUSY,
                              "%s: the database is locked by another connection (%s)", what,
                              f.message);
    case DBF_RETRY:
        s->retry = 1;
        return cvom_error_set(err, CVOM_EBUSY,
                              "%s: another connection changed the same records at the same "
                              "time; try again (%s)",
                              what, f.message);
    case DBF_NOMEM: return cvom_error_set(err, CVOM_ENOMEM, "%s: out of memory", what);
    case DBF_UNIQUE:
        st = cvom_error_set(err, CVOM_EEXIST, "%s: another record already has this %s", what,
                            f.columns);
        break;
    case DBF_NOTNULL:
        st = cvom_error_set(err, CVOM_EINVAL, "%s: %s needs a value", what, f.columns);
        break;
    case DBF_CHECK:
        st = cvom_error_set(err, CVOM_EINVAL, "%s: %s is out of range", what, f.columns);
        break;
    case DBF_FOREIGN: return fk_fail(s, what, f.columns, refs, n_refs, err);
    case DBF_RAISED: {
        /* Our schema's rules word their messages "field: …". */
        size_t n = strcspn(f.message, ":");
        if (f.message[n] == ':' && n < sizeof f.columns) {
            memcpy(f.columns, f.message, n);
            f.columns[n] = '\0';
        }
        st = cvom_error_set(err, CVOM_EINVAL, "%s: %s", what, f.message);
        break;
    }
    default: return cvom_error_set(err, CVOM_ESTORE, "%s: %s", what, f.message);
    }
    if (f.columns[0])
        db_set_field(err, f.columns);
    return st;
}

enum cvom_status db_fail(struct db_store *s, const char *what, struct cvom_error *err)
{
    return db_fail_refs(s, what, NULL, 0, err);
}

enum cvom_status db_bad_column(const char *table, const char *column, const char *value,
                               struct cvom_error *err)
{
    cvom_error_set(err, CVOM_ESTORE, "%s.%s holds '%s', which this version does not know", table,
                   column, value);
    db_set_field(err, column);
    return CVOM_ESTORE;
}

enum cvom_status db_bad_enum(const char *what, const char *field, struct cvom_error *err)
{
    cvom_error_set(err, CVOM_EINVAL, "%s: %s is not a known value", what, field);
    db_set_field(err, field);
    return CVOM_EINVAL;
}

/* ---------------------------------------------------------------------------------------
 * Common shapes
 * ------------------------------------------------------------------------------------- */

/* A write the caller runs outside a transaction gets one of its own around it: 1 in *owned
 * when it was opened here. */
static enum cvom_status implicit_begin(struct db_query *q, int *owned, struct cvom_error *err)
{
    *owned = 0;
    if (cvom__stmt_kind[q->id] < STMT_WRITE || q->s->in_tx)
        return CVOM_OK;
    enum cvom_status st = db_begin(q->s, err);
    *owned = st == CVOM_OK;
    return st;
}

/* Commit (or, after a failure, roll back) the transaction implicit_begin opened; the number
 * of rows the write changed survives the commit. */
static enum cvom_status implicit_end(struct db_store *s, int owned, enum cvom_status st,
                                     struct cvom_error *err)
{
    if (!owned)
        return st;
    int64_t changes = s->changes;
    if (st == CVOM_OK)
        st = db_commit(s, err);
    if (st != CVOM_OK)
        db_rollback(s);
    s->changes = changes;
    return st;
}

enum cvom_status db_exec(struct db_query *q, const char *what, const struct fk_ref *refs,
                         size_t n_refs, struct cvom_error *err)
{
    int owned;
    int64_t id;
    if (q->deferred)
        return defer_row(q, &id, err);
    enum cvom_status st = implicit_begin(q, &owned, err);
    if (st != CVOM_OK)
        return st;
    enum db_step rc = db_step(q);
    if (rc == DB_FAIL)
        st = db_fail_refs(q->s, what, refs, n_refs, err);
    return implicit_end(q->s, owned, st, err);
}

enum cvom_status db_returning(struct db_query *q, const char *what, const struct fk_ref *refs,
                              size_t n_refs, int64_t *value, int *got, struct cvom_error *err)
{
    int owned, found = 0;
    int64_t v = 0;
    if (q->deferred) {
        enum cvom_status held = defer_row(q, value, err);
        *got = held == CVOM_OK;
        return held;
    }
    enum cvom_status st = implicit_begin(q, &owned, err);
    if (st != CVOM_OK)
        return st;
    enum db_step rc = db_step(q);
    if (rc == DB_ROW) {
        v = db_col_int(q, 0);
        found = 1;
        /* Finish the statement, so that nothing is left running at a commit. */
        while ((rc = db_step(q)) == DB_ROW)
            ;
    } else if (rc == DB_DONE && q->s->changes > 0 && q->s->drv->last_id) {
        /* An insert written without RETURNING (where the back end pays for one): the id
         * comes from the connection. */
        v = q->s->drv->last_id(q->s);
        found = 1;
    }
    if (rc == DB_FAIL)
        st = db_fail_refs(q->s, what, refs, n_refs, err);
    st = implicit_end(q->s, owned, st, err);
    if (st == CVOM_OK) {
        *got = found;
        if (found)
            *value = v;
    }
    return st;
}

enum cvom_status db_insert(struct db_query *q, const char *what, const struct fk_ref *refs,
                           size_t n_refs, int64_t *id, struct cvom_error *err)
{
    int got = 0;
    enum cvom_status st = db_returning(q, what, refs, n_refs, id, &got, err);
    if (st == CVOM_OK && !got) /* RETURNING gives a row for every row inserted */
        return cvom_error_set(err, CVOM_ESTORE, "%s: the database returned no id", what);
    return st;
}

enum cvom_status db_run(struct db_store *s, enum stmt id, const char *what, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status st = db_open(s, id, &q, err);
    if (st != CVOM_OK)
        return st;
    st = db_exec(&q, what, NULL, 0, err);
    db_close(&q);
    return st;
}

enum cvom_status db_query_int(struct db_store *s, enum stmt id, int has_param, int64_t param,
                              int64_t *out, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status st = db_open(s, id, &q, err);
    if (st != CVOM_OK)
        return st;
    if (has_param)
        db_bind_int(&q, 1, param);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW)
        *out = db_col_int(&q, 0);
    else if (rc == DB_DONE)
        st = CVOM_ENOTFOUND;
    else
        st = db_fail(s, "reading the database", err);
    db_close(&q);
    return st;
}

int db_row_exists(struct db_store *s, enum stmt id, int64_t value)
{
    int64_t one;
    enum cvom_status st = db_query_int(s, id, 1, value, &one, NULL);
    return st == CVOM_OK ? 1 : st == CVOM_ENOTFOUND ? 0 : -1;
}

enum cvom_status db_exec_keyed(struct db_store *s, enum stmt id, const char *text, size_t cap,
                               int nints, int64_t a, int64_t b, const char *what,
                               struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(s, id, &q, err);
    if (status)
        return status;
    int i = 1;
    if (text)
        db_bind_text(&q, i++, text, cap);
    if (nints > 0)
        db_bind_int(&q, i++, a);
    if (nints > 1)
        db_bind_int(&q, i, b);
    status = db_exec(&q, what, NULL, 0, err);
    db_close(&q);
    return status;
}

enum cvom_status db_one_row(struct db_store *s, enum stmt id, int64_t num, const char *text,
                            size_t text_cap, const char *missing, db_read_fn read, void *out,
                            struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status st = db_open(s, id, &q, err);
    if (st)
        return st;
    if (text)
        db_bind_text(&q, 1, text, text_cap);
    else
        db_bind_int(&q, 1, num);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW)
        st = read(&q, out, err);
    else if (rc == DB_DONE)
        st = cvom_error_set(err, CVOM_ENOTFOUND, "%s", missing);
    else
        st = db_fail(s, "reading the database", err);
    db_close(&q);
    return st;
}

enum cvom_status db_each_row(struct db_query *q, void *rec, db_read_fn read,
                             int (*cb)(void *ctx, const void *rec), void *ctx,
                             struct cvom_error *err)
{
    enum cvom_status st = CVOM_OK;
    enum db_step rc;
    while ((rc = db_step(q)) == DB_ROW) {
        if ((st = read(q, rec, err)) != CVOM_OK || cb(ctx, rec))
            break;
    }
    if (!st && rc == DB_FAIL)
        st = db_fail(q->s, "reading the database", err);
    db_close(q);
    return st;
}

enum cvom_status db_savepoint(struct db_store *s, const char *what, struct cvom_error *err)
{
    /* Outside the caller's transaction, a transaction of its own does the same. */
    if (!s->in_tx) {
        enum cvom_status st = db_begin(s, err);
        if (st == CVOM_OK)
            s->implicit = 1;
        return st;
    }
    return db_run(s, S_SAVEPOINT, what, err);
}

enum cvom_status db_savepoint_end(struct db_store *s, enum cvom_status st, struct cvom_error *err)
{
    if (s->implicit) {
        s->implicit = 0;
        return implicit_end(s, 1, st, err);
    }
    if (st != CVOM_OK) {
        db_run(s, S_ROLLBACK_TO, "undoing a partial change", NULL);
        db_run(s, S_RELEASE, "undoing a partial change", NULL);
        return st;
    }
    return db_run(s, S_RELEASE, "finishing a change", err);
}

/* ---------------------------------------------------------------------------------------
 * Transactions
 * ------------------------------------------------------------------------------------- */

enum cvom_status db_begin(struct db_store *s, struct cvom_error *err)
{
    if (s->in_tx) /* the same answer from every back end; PostgreSQL would only warn */
        return cvom_error_set(err, CVOM_ESTORE, "a transaction is open already");
    enum cvom_status st = db_run(s, S_BEGIN, "starting a transaction", err);
    if (st == CVOM_OK) {
        s->in_tx = 1;
        s->dirty = 0;
    }
    return st;
}

/* The revision moves once per transaction that wrote the portfolio's data, in that same
 * transaction: every other connection sees the change and the new revision together. */
enum cvom_status db_commit(struct db_store *s, struct cvom_error *err)
{
    if (!s->in_tx)
        return cvom_error_set(err, CVOM_ESTORE, "no transaction is open to commit");
    enum cvom_status st = defer_flush(s, err);
    if (st == CVOM_OK && s->dirty)
        st = db_run(s, S_REVISION_BUMP, "moving the data revision", err);
    if (st == CVOM_OK)
        st = db_run(s, S_COMMIT, "committing", err);
    if (st == CVOM_OK || !s->drv->in_transaction(s)) {
        s->in_tx = 0;
        s->dirty = 0;
    }
    return st;
}

void db_rollback(struct db_store *s)
{
    defer_stop(s);
    /* The database may already have rolled back on its own after some errors. */
    if (s->drv->in_transaction(s))
        db_run(s, S_ROLLBACK, "rolling back", NULL);
    s->in_tx = 0;
    s->dirty = 0;
}

/* ---------------------------------------------------------------------------------------
 * Schema
 * ------------------------------------------------------------------------------------- */

enum cvom_status db_schema_version(struct db_store *s, int *version, struct cvom_error *err)
{
    int64_t n = 0, v = 0;
    enum cvom_status st = db_query_int(s, S_HAS_MIGRATIONS, 0, 0, &n, err);
    if (st == CVOM_OK && n > 0)
        st = db_query_int(s, S_SCHEMA_VERSION, 0, 0, &v, err);
    if (st != CVOM_OK)
        return st;
    *version = (int)v;
    return CVOM_OK;
}

/* Apply one migration unless another connection got there first: the migration lock (where
 * the back end has one) and the version read inside the transaction make two servers that
 * start at once migrate once. */
static enum cvom_status apply_migration(struct db_store *s, const struct db_migration *m,
                                        struct cvom_error *err)
{
    struct db_query q;
    int version = 0;
    enum cvom_status st = db_begin(s, err);
    if (st != CVOM_OK)
        return st;
    if (s->drv->sql[S_MIGRATION_LOCK])
        st = db_run(s, S_MIGRATION_LOCK, "waiting for another schema migration", err);
    if (st == CVOM_OK)
        st = db_schema_version(s, &version, err);
    if (st != CVOM_OK || version >= m->version)
        goto out;
    if (version == 0 &&
        (st = db_run(s, S_MIGRATION_TABLE, "creating the migration table", err)) != CVOM_OK)
        goto out;
    for (const char *const *piece = m->sql; *piece; piece++) {
        if (s->drv->script(s, *piece) != DB_DONE) {
            st = db_fail(s, "applying a schema migration", err);
            goto out;
        }
    }
    if ((st = db_open(s, S_MIGRATION_MARK, &q, err)) != CVOM_OK)
        goto out;
    db_bind_int(&q, 1, m->version);
    st = db_exec(&q, "recording a schema migration", NULL, 0, err);
    db_close(&q);
    if (st != CVOM_OK)
        goto out;
    s->dirty = 0; /* a migration is not a change of the data */
    if ((st = db_commit(s, err)) == CVOM_OK)
        return CVOM_OK;
out:
    db_rollback(s);
    return st;
}

enum cvom_status db_migrate(struct db_store *s, const struct db_migration *m, size_t n,
                            const char *where, struct cvom_error *err)
{
    int version = 0;
    enum cvom_status st = db_schema_version(s, &version, err);
    if (st != CVOM_OK)
        return st;
    if (version > m[n - 1].version)
        return cvom_error_set(err, CVOM_ESTORE,
                              "%s has schema version %d, newer than this program knows (%d); "
                              "use a newer cvom",
                              where, version, m[n - 1].version);
    for (size_t i = 0; i < n; i++) {
        if (m[i].version <= version)
            continue;
        if ((st = apply_migration(s, &m[i], err)) != CVOM_OK)
            return st;
    }
    return CVOM_OK;
}
