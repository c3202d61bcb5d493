/* copy.c — moving a whole database: every table of copy_tables.h copied row by row from one
 * store into another inside one transaction on the target, then both read again and compared
 * table by table, rows and a SHA-256 of a canonical text of the rows, before the commit; and
 * a backup file put back in place of an SQLite database.
 */
#include "store/copy_tables.h"
#include "store/db.h"
#include "core/mem.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define MAX_COLUMNS 16
#define PROGRESS_EVERY 5000 /* rows between two reports of progress */

/* A table as the copy moves it: its columns' kinds by position, and its statements. */
struct copy_table {
    const char *name, *columns, *kinds;
    int n; /* columns */
    enum stmt read, write, clear;
};

#define TABLE_ENTRY(A, id, name_, columns_, kinds_, n_, key)                                       \
    {.name = name_,                                                                                \
     .columns = columns_,                                                                          \
     .kinds = kinds_,                                                                              \
     .n = n_,                                                                                      \
     .read = S_COPY_##id##_READ,                                                                   \
     .write = S_COPY_##id##_WRITE,                                                                 \
     .clear = S_COPY_##id##_CLEAR},
static const struct copy_table tables[] = {CVOM_COPY_TABLES(TABLE_ENTRY, )};
#define N_TABLES (sizeof tables / sizeof tables[0])

#define TABLE_CHECK(A, id, name, columns, kinds, n, key)                                           \
    _Static_assert(sizeof(kinds) - 1 == (n) && (n) <= MAX_COLUMNS, name ": a kind per column");
CVOM_COPY_TABLES(TABLE_CHECK, )

/* Tables each database keeps for itself: the schema's version (both sides are at the same
 * one), and the data revision — a key for the caches of the servers on the target, which must
 * move on from the target's own value, never go back to one they may have cached pages under:
 * the copy's commit moves it, as any change's does; and the idempotency keys of API requests,
 * answers of a day that belong to the servers of each database; and the assessments'
 * totals, which the target adds up again from the answers copied. */
static const char *const own_tables[] = {"schema_migrations", "data_revision", "idempotency_keys",
                                         "assessment_totals"};

/* ---------------------------------------------------------------------------------------
 * Rows and their checksum
 * ------------------------------------------------------------------------------------- */

/* The current row of q, read by the kinds of t's columns. */
static void read_row(struct db_query *q, const struct copy_table *t, struct db_value *v)
{
    const struct db_driver *drv = q->s->drv;
    for (int i = 0; i < t->n; i++) {
        memset(&v[i], 0, sizeof v[i]);
        if (drv->col_null(q, i))
            continue;
        if (t->kinds[i] == 'i') {
            v[i].type = DBT_INT;
            v[i].i = drv->col_int(q, i);
        } else if (t->kinds[i] == 'r') {
            v[i].type = DBT_REAL;
            v[i].r = drv->col_double(q, i);
        } else {
            v[i].type = DBT_TEXT;
            v[i].t = drv->col_text(q, i, &v[i].n);
            if (!v[i].t)
                v[i].t = "";
        }
    }
}

/* What a table holds, as far as it has been read: rows and a running SHA-256. */
struct digest {
    int64_t rows;
    crypto_hash_sha256_state h;
};

static void digest_init(struct digest *d)
{
    d->rows = 0;
    crypto_hash_sha256_init(&d->h);
}

static void digest_bytes(struct digest *d, const void *p, size_t n)
{
    crypto_hash_sha256_update(&d->h, p, (unsigned long long)n);
}

/* The canonical text of a row, the same for the same values whichever database they come
 * from: per value "N;" for NULL, "I<decimal>;", "R<%.17g>;" (enough digits to tell any two
 * doubles apart, and -0 from 0), or "T<length>:<bytes>;"; then a newline. */
static void digest_row(struct digest *d, const struct db_value *v, int n)
{
    char b[48];
    for (int i = 0; i < n; i++) {
        int len;
        switch (v[i].type) {
        case DBT_INT: len = snprintf(b, sizeof b, "I%" PRId64 ";", v[i].i); break;
        case DBT_REAL: len = snprintf(b, sizeof b, "R%.17g;", v[i].r); break;
        case DBT_TEXT: len = snprintf(b, sizeof b, "T%zu:", v[i].n); break;
        default: len = snprintf(b, sizeof b, "N;"); break;
        }
        digest_bytes(d, b, (size_t)len);
        if (v[i].type == DBT_TEXT) {
            digest_bytes(d, v[i].t, v[i].n);
            digest_bytes(d, ";", 1);
        }
    }
    digest_bytes(d, "\n", 1);
    d->rows++;
}

static void digest_hex(struct digest *d, char out[CVOM_DIGEST_HEX])
{
    unsigned char sum[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&d->h, sum);
    sodium_bin2hex(out, CVOM_DIGEST_HEX, sum, sizeof sum);
}

/* ---------------------------------------------------------------------------------------
 * Reading a table
 * ------------------------------------------------------------------------------------- */

/* Where the rows of a table go: fn takes the current row of q; it sets stop when it wants
 * no more. */
struct row_sink {
    enum cvom_status (*fn)(struct row_sink *sink, struct db_query *q, struct cvom_error *err);
    int stop;
};

/* Every row statement id gives into sink; *rows counts them. */
static enum cvom_status scan_statement(struct db_store *s, enum stmt id, struct row_sink *sink,
                                       int64_t *rows, struct cvom_error *err)
{
    struct db_query q;
    enum db_step rc = DB_DONE;
    *rows = 0;
    enum cvom_status st = db_open(s, id, &q, err);
    if (st != CVOM_OK)
        return st;
    while (!sink->stop && (rc = db_step(&q)) == DB_ROW) {
        (*rows)++;
        if ((st = sink->fn(sink, &q, err)) != CVOM_OK)
            break;
    }
    if (st == CVOM_OK && rc == DB_FAIL)
        st = db_fail(s, "reading a table to copy", err);
    db_close(&q);
    return st;
}

/* Every row of table t in key order into sink: straight from its query, or, where the back
 * end reads through a cursor (so that a large table is never held in memory whole), a batch
 * at a time until one comes back empty. */
static enum cvom_status scan(struct db_store *s, const struct copy_table *t, struct row_sink *sink,
                             struct cvom_error *err)
{
    int64_t n = 0;
    if (!s->drv->sql[S_COPY_FETCH])
        return scan_statement(s, t->read, sink, &n, err);
    enum cvom_status st = db_run(s, t->read, "opening a table to copy", err);
    if (st != CVOM_OK)
        return st;
    do
        st = scan_statement(s, S_COPY_FETCH, sink, &n, err);
    while (st == CVOM_OK && n > 0 && !sink->stop);
    /* After a failure the transaction is lost anyway: the first failure is the one told. */
    enum cvom_status closed =
        db_run(s, S_COPY_CLOSE, "closing a table to copy", st == CVOM_OK ? err : NULL);
    return st != CVOM_OK ? st : closed;
}

/* A sink that only checksums, stopping after limit rows (-1: none). */
struct digest_sink {
    struct row_sink base; /* first */
    const struct copy_table *t;
    int64_t limit;
    struct digest d;
};

static enum cvom_status digest_fn(struct row_sink *sink, struct db_query *q, struct cvom_error *err)
{
    struct digest_sink *ds = (struct digest_sink *)sink;
    struct db_value v[MAX_COLUMNS];
    (void)err;
    read_row(q, ds->t, v);
    digest_row(&ds->d, v, ds->t->n);
    if (ds->limit >= 0 && ds->d.rows >= ds->limit)
        sink->stop = 1;
    return CVOM_OK;
}

/* Rows and checksum of table t; with limit >= 0, of its first limit rows at most. */
static enum cvom_status digest_table(struct db_store *s, const struct copy_table *t, int64_t limit,
                                     int64_t *rows, char hex[CVOM_DIGEST_HEX],
                                     struct cvom_error *err)
{
    struct digest_sink ds = {.base = {.fn = digest_fn}, .t = t, .limit = limit};
    digest_init(&ds.d);
    enum cvom_status st = scan(s, t, &ds.base, err);
    digest_hex(&ds.d, hex);
    *rows = ds.d.rows;
    return st;
}

/* ---------------------------------------------------------------------------------------
 * Checking the schema
 * ------------------------------------------------------------------------------------- */

static int is_known_table(const char *name)
{
    for (size_t i = 0; i < N_TABLES; i++)
        if (strcmp(name, tables[i].name) == 0)
            return 1;
    for (size_t i = 0; i < sizeof own_tables / sizeof own_tables[0]; i++)
        if (strcmp(name, own_tables[i]) == 0)
            return 1;
    return 0;
}

/* Every table of the schema is one the copy moves or one each side keeps for itself. */
static enum cvom_status check_tables(struct db_store *s, struct cvom_error *err)
{
    struct db_query q;
    enum db_step rc;
    enum cvom_status st = db_open(s, S_COPY_TABLES, &q, err);
    if (st != CVOM_OK)
        return st;
    while ((rc = db_step(&q)) == DB_ROW) {
        char name[CVOM_FIELD_MAX];
        db_col_text(&q, 0, name, sizeof name);
        if (!is_known_table(name)) {
            st = cvom_error_set(err, CVOM_EINVAL,
                                "the %s database has a table this version of cvom does not "
                                "copy: %s",
                                s->drv->name, name);
            break;
        }
    }
    if (st == CVOM_OK && rc == DB_FAIL)
        st = db_fail(s, "reading the schema", err);
    db_close(&q);
    return st;
}

/* Whether the next column of the list at *expect is name, of kind; moves *expect on. */
static int next_column(const char **expect, const char *name, char kind, char want_kind)
{
    size_t len = strcspn(*expect, ",");
    int same = len == strlen(name) && cvom__compare(*expect, name, len) == 0 && kind == want_kind;
    *expect += len;
    if (**expect == ',')
        *expect += 2; /* ", " */
    return same;
}

/* Table t has exactly the columns, in order and of the kinds, that the copy moves. */
static enum cvom_status check_columns(struct db_store *s, const struct copy_table *t,
                                      struct cvom_error *err)
{
    struct db_query q;
    enum db_step rc;
    const char *expect = t->columns;
    int i = 0, same = 1;
    enum cvom_status st = db_open(s, S_COPY_COLUMNS, &q, err);
    if (st != CVOM_OK)
        return st;
    db_bind_str(&q, 1, t->name);
    while ((rc = db_step(&q)) == DB_ROW) {
        char name[CVOM_FIELD_MAX], kind[4];
        db_col_text(&q, 0, name, sizeof name);
        db_col_text(&q, 1, kind, sizeof kind);
        if (i >= t->n || !next_column(&expect, name, kind[0], t->kinds[i]))
            same = 0;
        i++;
    }
    if (rc == DB_FAIL)
        st = db_fail(s, "reading the schema", err);
    else if (!same || i != t->n)
        st = cvom_error_set(err, CVOM_EINVAL,
                            "the columns of table %s of the %s database are not the ones this "
                            "version of cvom copies",
                            t->name, s->drv->name);
    db_close(&q);
    return st;
}

static enum cvom_status check_schema(struct db_store *s, struct cvom_error *err)
{
    enum cvom_status st = check_tables(s, err);
    for (size_t i = 0; st == CVOM_OK && i < N_TABLES; i++)
        st = check_columns(s, &tables[i], err);
    return st;
}

/* Two different handles on databases at one schema version, neither inside a transaction. */
static enum cvom_status check_pair(struct db_store *src, struct db_store *dst,
                                   struct cvom_error *err)
{
    int v1 = 0, v2 = 0;
    enum cvom_status st;
    if (src == dst)
        return cvom_error_set(err, CVOM_EINVAL, "a database cannot be copied onto itself");
    if (src->in_tx || dst->in_tx)
        return cvom_error_set(err, CVOM_EINVAL, "finish the open transaction before a copy");
    if (sodium_init() < 0)
        return cvom_error_set(err, CVOM_EIO, "the checksum library could not start");
    if ((st = db_schema_version(src, &v1, err)) != CVOM_OK ||
        (st = db_schema_version(dst, &v2, err)) != CVOM_OK)
        return st;
    if (v1 != v2)
        return cvom_error_set(err, CVOM_EINVAL,
                              "the databases have schema versions %d and %d; open both with "
                              "this version of cvom first",
                              v1, v2);
    if ((st = check_schema(src, err)) != CVOM_OK)
        return st;
    return check_schema(dst, err);
}

/* ---------------------------------------------------------------------------------------
 * Is the target new?
 * ------------------------------------------------------------------------------------- */

/* The target holds nothing but what every new database is made with (the eight values, the
 * network signal): each table as in a new database, which is made in memory to compare with,
 * so that what a new database holds is said in one place, its schema. CVOM_EEXIST names the
 * first table that holds more or other rows. */
static enum cvom_status check_new(struct db_store *dst, struct cvom_error *err)
{
    struct cvom_store *fresh = NULL;
    enum cvom_status st = cvom__sqlite_open(":memory:", &fresh, err);
    for (size_t i = 0; st == CVOM_OK && i < N_TABLES; i++) {
        int64_t want = 0, got = 0;
        char want_sum[CVOM_DIGEST_HEX], got_sum[CVOM_DIGEST_HEX];
        st = digest_table(db_of(fresh), &tables[i], -1, &want, want_sum, err);
        if (st == CVOM_OK)
            st = digest_table(dst, &tables[i], want + 1, &got, got_sum, err);
        if (st == CVOM_OK && (got != want || strcmp(got_sum, want_sum) != 0))
            st = cvom_error_set(err, CVOM_EEXIST,
                                "the target database already holds data (in table %s)",
                                tables[i].name);
    }
    cvom__store_close(fresh);
    return st;
}

/* ---------------------------------------------------------------------------------------
 * Copying
 * ------------------------------------------------------------------------------------- */

struct progress {
    cvom_copy_progress_cb fn;
    void *ctx;
    int64_t total;
};

/* A sink that checksums each row of the source and writes it into the target. */
struct copier {
    struct row_sink base; /* first */
    const struct copy_table *t;
    struct db_store *dst;
    int bulk;        /* through the target's bulk hooks, not its write statement */
    char what[64];   /* "copying accounts", for messages */
    struct digest d; /* the source's rows */
    struct progress *progress;
};

static void bind_value(struct db_query *q, int i, const struct db_value *v)
{
    const struct db_driver *drv = q->s->drv;
    int rc;
    switch (v->type) {
    case DBT_INT: rc = drv->bind_int(q, i, v->i); break;
    case DBT_REAL: rc = drv->bind_double(q, i, v->r); break;
    case DBT_TEXT: rc = drv->bind_text(q, i, v->t, v->n); break;
    default: rc = drv->bind_null(q, i); break;
    }
    if (rc != 0)
        q->bind_failed = 1;
}

/* One row through the target's write statement, prepared once per connection and reused. */
static enum cvom_status insert_row(struct copier *c, const struct db_value *v,
                                   struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status st = db_open(c->dst, c->t->write, &q, err);
    if (st != CVOM_OK)
        return st;
    for (int i = 0; i < c->t->n && !q.bind_failed; i++)
        bind_value(&q, i + 1, &v[i]);
    if (db_step(&q) == DB_FAIL)
        st = db_fail(c->dst, c->what, err);
    db_close(&q);
    return st;
}

static void tell_progress(struct copier *c)
{
    if (c->progress->fn)
        c->progress->fn(c->progress->ctx, c->t->name, c->d.rows, c->progress->total);
}

static enum cvom_status copy_fn(struct row_sink *sink, struct db_query *q, struct cvom_error *err)
{
    struct copier *c = (struct copier *)sink;
    struct db_value v[MAX_COLUMNS];
    enum cvom_status st = CVOM_OK;
    read_row(q, c->t, v);
    digest_row(&c->d, v, c->t->n);
    if (c->bulk) {
        if (c->dst->drv->bulk_row(c->dst, v, c->t->n) != 0)
            st = db_fail(c->dst, c->what, err);
    } else {
        st = insert_row(c, v, err);
    }
    c->progress->total++;
    if (c->d.rows % PROGRESS_EVERY == 0)
        tell_progress(c);
    return st;
}

/* Copy table t from src into dst, which is empty of it; out gets the source's check. */
static enum cvom_status copy_table(struct db_store *src, struct db_store *dst,
                                   const struct copy_table *t, struct progress *progress,
                                   struct cvom_copy_check *out, struct cvom_error *err)
{
    struct copier c = {.base = {.fn = copy_fn}, .t = t, .dst = dst, .progress = progress};
    c.bulk = dst->drv->bulk_begin && dst->drv->bulk_row && dst->drv->bulk_end;
    snprintf(c.what, sizeof c.what, "copying %s", t->name);
    digest_init(&c.d);
    if (c.bulk && dst->drv->bulk_begin(dst, t->write) != 0)
        return db_fail(dst, c.what, err);
    enum cvom_status st = scan(src, t, &c.base, err);
    if (c.bulk && dst->drv->bulk_end(dst, st == CVOM_OK) != 0 && st == CVOM_OK)
        st = db_fail(dst, c.what, err);
    out->table = t->name;
    out->rows = c.d.rows;
    digest_hex(&c.d, out->sha256);
    if (st == CVOM_OK)
        tell_progress(&c);
    return st;
}

/* Empty every table of the target, those that refer to others first. */
static enum cvom_status clear_all(struct db_store *dst, struct cvom_error *err)
{
    enum cvom_status st = CVOM_OK;
    for (size_t i = N_TABLES; st == CVOM_OK && i-- > 0;)
        st = db_run(dst, tables[i].clear, "emptying the target database", err);
    return st;
}

/* Read every table of the target and compare it with the source's check in c[]; *differ
 * counts the tables that do not agree. */
static enum cvom_status verify_all(struct db_store *dst, struct cvom_copy_check *c, int *differ,
                                   struct cvom_error *err)
{
    *differ = 0;
    for (size_t i = 0; i < N_TABLES; i++) {
        enum cvom_status st =
            digest_table(dst, &tables[i], -1, &c[i].target_rows, c[i].target_sha256, err);
        if (st != CVOM_OK)
            return st;
        c[i].same = c[i].rows == c[i].target_rows && strcmp(c[i].sha256, c[i].target_sha256) == 0;
        *differ += !c[i].same;
    }
    return CVOM_OK;
}

static const char *first_differing(const struct cvom_copy_check *c)
{
    for (size_t i = 0; i < N_TABLES; i++)
        if (!c[i].same)
            return c[i].table;
    return "";
}

/* Inside the target's transaction: make it empty, copy every table, verify. */
static enum cvom_status copy_into(struct db_store *src, struct db_store *dst, unsigned flags,
                                  struct progress *progress, struct cvom_copy_check *c,
                                  int *checked, struct cvom_error *err)
{
    enum cvom_status st = CVOM_OK;
    if (dst->drv->sql[S_COPY_DEFER])
        st = db_run(dst, S_COPY_DEFER, "preparing the target database", err);
    if (st == CVOM_OK && !(flags & CVOM_COPY_REPLACE))
        st = check_new(dst, err);
    if (st == CVOM_OK)
        st = clear_all(dst, err);
    for (size_t i = 0; st == CVOM_OK && i < N_TABLES; i++)
        st = copy_table(src, dst, &tables[i], progress, &c[i], err);
    int differ = 0;
    if (st == CVOM_OK)
        st = verify_all(dst, c, &differ, err);
    if (st != CVOM_OK)
        return st;
    *checked = 1;
    if (differ > 0)
        return cvom_error_set(err, CVOM_ESTORE,
                              "the copy differs from the source in %d table%s (first: %s); "
                              "nothing was written to the target",
                              differ, differ == 1 ? "" : "s", first_differing(c));
    return CVOM_OK;
}

/* A transaction that reads one state of the database throughout. */
static enum cvom_status begin_snapshot(struct db_store *s, struct cvom_error *err)
{
    enum cvom_status st = db_run(s, S_COPY_SNAPSHOT, "starting to read a database", err);
    if (st == CVOM_OK) {
        s->in_tx = 1;
        s->dirty = 0;
    }
    return st;
}

/* Compare every table of the two databases, each read in one state. */
static enum cvom_status verify_only(struct db_store *src, struct db_store *dst,
                                    struct cvom_copy_check *c, int *checked, struct cvom_error *err)
{
    enum cvom_status st = begin_snapshot(dst, err);
    for (size_t i = 0; st == CVOM_OK && i < N_TABLES; i++) {
        c[i].table = tables[i].name;
        st = digest_table(src, &tables[i], -1, &c[i].rows, c[i].sha256, err);
    }
    int differ = 0;
    if (st == CVOM_OK)
        st = verify_all(dst, c, &differ, err);
    if (st == CVOM_OK) {
        *checked = 1;
        if (differ > 0)
            st = cvom_error_set(err, CVOM_ESTORE, "the databases differ in %d table%s (first: %s)",
                                differ, differ == 1 ? "" : "s", first_differing(c));
    }
    db_rollback(dst);
    return st;
}

static void report_all(const struct cvom_copy_check *c, cvom_copy_report_cb report, void *ctx)
{
    for (size_t i = 0; report && i < N_TABLES; i++)
        if (report(ctx, &c[i]))
            break;
}

enum cvom_status cvom__store_copy(struct cvom_store *from, struct cvom_store *to, unsigned flags,
                                  cvom_copy_progress_cb progress, cvom_copy_report_cb report,
                                  void *ctx, struct cvom_error *err)
{
    if (!from || !to)
        return cvom_error_set(err, CVOM_EINVAL, "copy: no database given");
    struct db_store *src = db_of(from), *dst = db_of(to);
    struct cvom_copy_check c[N_TABLES];
    struct progress p = {.fn = progress, .ctx = ctx};
    int checked = 0;
    memset(c, 0, sizeof c);
    enum cvom_status st = check_pair(src, dst, err);
    if (st == CVOM_OK)
        st = begin_snapshot(src, err);
    if (st != CVOM_OK)
        return st;
    if (flags & CVOM_COPY_VERIFY_ONLY) {
        st = verify_only(src, dst, c, &checked, err);
    } else if ((st = db_begin(dst, err)) == CVOM_OK) {
        st = copy_into(src, dst, flags, &p, c, &checked, err);
        if (st == CVOM_OK)
            st = db_commit(dst, err);
        if (st != CVOM_OK)
            db_rollback(dst);
    }
    db_rollback(src);
    if (checked)
        report_all(c, report, ctx);
    return st;
}

/* ---------------------------------------------------------------------------------------
 * Restoring a backup
 * ------------------------------------------------------------------------------------- */

enum cvom_status cvom__store_restore(const char *backup, const char *location, int replace,
                                     struct cvom_error *err)
{
    if (!backup || !*backup)
        return cvom_error_set(err, CVOM_EINVAL, "no backup file given");
    if (!location || !*location)
        return cvom_error_set(err, CVOM_EINVAL, "no database location given");
    if (cvom__store_location_is_server(location))
        return cvom__postgres_restore(backup, location, replace, err);
    return cvom__sqlite_restore(backup, location, replace, err);
}
