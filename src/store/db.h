/* db.h — inside the store: what a back end provides (statements by number, bound parameters,
 * rows, failures sorted into kinds) and the helpers every operation is written with.
 *
 * The operations (accounts.c, assessments.c, access.c, plans.c, signals.c) are written once
 * against this interface; a back end (sqlite/, postgres/) only prepares its own SQL text,
 * moves values in and rows out, and says what kind of failure the database reported. The
 * rules the operations apply — validation, lookup order, names of enumerations — are
 * therefore the same on every back end.
 */
#ifndef CVOM_STORE_DB_H
#define CVOM_STORE_DB_H

#include "store/statements.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

enum db_step { DB_ROW = 1, DB_DONE, DB_FAIL };

/* What went wrong, in words every back end can map its own codes onto. */
enum db_fail_kind {
    DBF_OTHER = 0, /* anything else: the database's message is shown */
    DBF_UNIQUE,    /* a unique or primary key already taken; columns names it */
    DBF_NOTNULL,   /* a required column without a value; columns names it */
    DBF_CHECK,     /* a check constraint refused the value; columns names the constraint,
                      which the schema names after the column it guards */
    DBF_FOREIGN,   /* a reference to a record that does not exist (or still is referred to) */
    DBF_RAISED,    /* our own schema's rule; the message starts with "field: " */
    DBF_BUSY,      /* another connection held a lock past the timeout */
    DBF_RETRY,     /* a serialization failure or deadlock: the whole transaction may be
                      tried again */
    DBF_NOMEM,
};

struct db_failure {
    enum db_fail_kind kind;
    char columns[64];  /* e.g. "external_id" or "name, version"; "" when not known */
    char message[256]; /* the database's own words */
};

struct db_store;

/* A statement in use: taken from the handle's cache, or a private copy when a listing
 * callback runs the same statement again while it is in use. */
/* One value of a row as it moves from one database into another (store/copy.c). */
enum db_type { DBT_NULL = 0, DBT_INT, DBT_REAL, DBT_TEXT };
struct db_value {
    enum db_type type;
    int64_t i;
    double r;
    const char *t; /* n bytes, borrowed from the row read: valid until its next step */
    size_t n;
};

#define DB_DEFER_COLUMNS 13 /* the most columns of a row held back (db_defer) */

struct db_query {
    struct db_store *s;
    enum stmt id;
    void *h;         /* the back end's prepared statement */
    int cached;      /* 1: h is the cached one, returned by db_close */
    int bind_failed; /* a bind failed: the step fails with what the back end recorded */
    int deferred;    /* 1 + the table whose row this insert holds back (db_defer); 0: none */
    struct db_value row[DB_DEFER_COLUMNS]; /* a held row's values, as they are bound */
};

/* What a back end provides. Every function that can fail records the failure in s->fail
 * before it returns. */
struct db_driver {
    const char *name;       /* "sqlite", "postgresql" */
    const char *const *sql; /* the text of each statement, by number; NULL: none needed */
    /* Prepare statement id into *h. */
    enum db_step (*prepare)(struct db_store *s, enum stmt id, void **h);
    void (*reset)(struct db_store *s, void *h); /* ready to bind again; keeps it */
    void (*finalize)(struct db_store *s, void *h);
    /* Parameters are numbered from 1; they return 0, or -1 after recording a failure. */
    int (*bind_text)(struct db_query *q, int i, const char *p, size_t n);
    int (*bind_int)(struct db_query *q, int i, int64_t v);
    int (*bind_double)(struct db_query *q, int i, double v);
    int (*bind_null)(struct db_query *q, int i);
    /* The next row. DB_DONE also sets s->changes (rows written by the statement). */
    enum db_step (*step)(struct db_query *q);
    /* Columns of the current row, numbered from 0. NULL reads as 0 or 0.0; col_text gives
     * NULL for NULL, else the bytes (valid until the next step) and their number. */
    int64_t (*col_int)(struct db_query *q, int i);
    double (*col_double)(struct db_query *q, int i);
    const char *(*col_text)(struct db_query *q, int i, size_t *n);
    int (*col_null)(struct db_query *q, int i);
    /* Run a script of static SQL (a migration); DB_DONE or DB_FAIL. */
    enum db_step (*script)(struct db_store *s, const char *sql);
    /* 1 while a transaction is open on the connection. */
    int (*in_transaction)(struct db_store *s);
    /* The rest of the operations table that differs by back end. */
    enum cvom_status (*backup)(struct db_store *s, const char *dest, struct cvom_error *err);
    enum cvom_status (*set_timeout)(struct db_store *s, int ms, struct cvom_error *err);
    void (*close)(struct db_store *s); /* frees the back end's part and s */
    /* Optional (NULL: rows are written one at a time through the write statement): many
     * rows into one table at once, for copying a whole database. bulk_begin starts write
     * statement id, bulk_row sends one row of n values, bulk_end finishes the rows sent — or,
     * with ok 0, abandons them. Each returns 0, or -1 after recording a failure. */
    int (*bulk_begin)(struct db_store *s, enum stmt id);
    int (*bulk_row)(struct db_store *s, const struct db_value *v, int n);
    int (*bulk_end)(struct db_store *s, int ok);
    /* Optional: the id of the row the last insert without RETURNING wrote (see db_insert). */
    int64_t (*last_id)(struct db_store *s);
};

/* Rows held back to go to the database together (db_defer): per table, the rows' values
 * (text as offsets into one buffer) and the place each came from. */
enum db_defer_table {
    DEFER_ACCOUNTS = 0,
    DEFER_ASSESSMENTS,
    DEFER_RESPONSES,
    DEFER_TOTALS,
    DEFER_TABLES
};
struct db_deferred {
    struct db_value *v; /* rows * columns; a text value's i is its offset into text */
    size_t rows, cap;
    char *text;
    size_t text_len, text_cap;
    long *place;     /* line and column of each row */
    int64_t next_id; /* the id the next row takes; 0: not read yet */
};
struct db_defer {
    int on;            /* db_defer(s, 1) was called and the back end has bulk hooks */
    int flushing;      /* the rows are being sent: statements run as they are */
    long line, column; /* the place of the rows deferred next (db_defer_at) */
    size_t held;       /* rows held in all tables */
    struct db_deferred t[DEFER_TABLES];
};

/* Every back end's handle starts with this. */
struct db_store {
    struct cvom_store base; /* first, so that a struct cvom_store * converts */
    const struct db_driver *drv;
    void *cache[S_COUNT]; /* prepared statements, made on first use */
    unsigned char busy[S_COUNT];
    int in_tx;       /* between begin and commit or rollback */
    int dirty;       /* the open transaction wrote the portfolio's data */
    int implicit;    /* the transaction was opened by db_savepoint, not the caller */
    int64_t changes; /* rows the last finished write changed */
    int retry;       /* the last failure may pass if the whole transaction runs again */
    struct db_failure fail;
    struct db_defer defer;
};

static inline struct db_store *db_of(struct cvom_store *st)
{
    return (struct db_store *)st;
}

/* The one operations table, shared by every back end. */
extern const struct cvom_store_ops cvom__db_ops;

/* Back ends: open a location of their own kind into a handle. */
enum cvom_status cvom__sqlite_open(const char *path, struct cvom_store **out,
                                   struct cvom_error *err);
enum cvom_status cvom__postgres_open(const char *conninfo, struct cvom_store **out,
                                     struct cvom_error *err);

/* Shared teardown of what db_store holds; back ends call it from their close. */
void db_release(struct db_store *s);

/* ---- the shared rules (store.c) ------------------------------------------------------ */

/* Tags as stored: each trimmed, empty ones dropped, joined by ",". The result is never
 * longer than the input (at most cap - 1 bytes of it are read), so out may be in itself or
 * a buffer of the same size. */
void cvom__tags_normalise(const char *in, size_t cap, char *out);
/* A reference that is all digits (and fits an id) as a number; 0 otherwise. */
int64_t cvom__ref_number(const char *ref);
/* Assessment statuses and evidence states by their stored names; -1 when unknown. */
const char *cvom__assessment_status_name(enum cvom_assessment_status s);
int cvom__assessment_status_parse(const char *s);
int cvom__state_parse(const char *s);

/* ---- queries ---------------------------------------------------------------------- */

enum cvom_status db_open(struct db_store *s, enum stmt id, struct db_query *q,
                         struct cvom_error *err);
void db_close(struct db_query *q);
/* Text from a fixed-size record buffer: never reads past cap. */
void db_bind_text(struct db_query *q, int i, const char *buf, size_t cap);
/* A NUL-terminated string of static or longer-lived storage. */
void db_bind_str(struct db_query *q, int i, const char *str);
/* Like db_bind_text, but an empty string is stored as NULL. */
void db_bind_opt_text(struct db_query *q, int i, const char *buf, size_t cap);
void db_bind_int(struct db_query *q, int i, int64_t v);
/* An id where 0 means "none", stored as NULL. */
void db_bind_ref(struct db_query *q, int i, int64_t id);
/* NaN is stored as NULL. */
void db_bind_real(struct db_query *q, int i, double v);
/* A number stored as it is (the schema's checks refuse what is out of range). */
void db_bind_double(struct db_query *q, int i, double v);
void db_bind_null(struct db_query *q, int i);
enum db_step db_step(struct db_query *q);
int64_t db_col_int(struct db_query *q, int i);
double db_col_double(struct db_query *q, int i); /* NULL reads as 0 */
double db_col_real(struct db_query *q, int i);   /* NULL reads as NaN */
int db_col_null(struct db_query *q, int i);
/* Copy a text column into a record buffer, cut at a UTF-8 character boundary when it does
 * not fit. NULL reads as "". */
void db_col_text(struct db_query *q, int i, char *buf, size_t cap);
/* Rows the last finished write changed. */
int64_t db_changes(struct db_store *s);

/* ---- failures --------------------------------------------------------------------- */

/* A reference that may be the cause of a foreign-key failure: the field, a statement that
 * tells whether the referenced record exists, and the value. 0 means "no reference". */
struct fk_ref {
    const char *field;
    enum stmt exists;
    int64_t value;
};

void db_set_field(struct cvom_error *err, const char *field);
/* Turn the failure recorded in s->fail into a status and a message; `what` says what was
 * being done ("adding an account"). Call it before another statement runs. */
enum cvom_status db_fail(struct db_store *s, const char *what, struct cvom_error *err);
enum cvom_status db_fail_refs(struct db_store *s, const char *what, const struct fk_ref *refs,
                              size_t n_refs, struct cvom_error *err);
enum cvom_status db_bad_column(const char *table, const char *column, const char *value,
                               struct cvom_error *err);
enum cvom_status db_bad_enum(const char *what, const char *field, struct cvom_error *err);

/* ---- common shapes of operations ---------------------------------------------------- */

/* Run a statement that returns no rows; refs explain a foreign-key failure. A write outside
 * the caller's transaction runs in one of its own (as do db_insert and db_savepoint). */
enum cvom_status db_exec(struct db_query *q, const char *what, const struct fk_ref *refs,
                         size_t n_refs, struct cvom_error *err);
/* Run an INSERT … RETURNING id and give the id; where the back end has last_id, the
 * statement may leave RETURNING out. */
enum cvom_status db_insert(struct db_query *q, const char *what, const struct fk_ref *refs,
                           size_t n_refs, int64_t *id, struct cvom_error *err);
/* Run a write whose RETURNING gives one number: *got is 1 with *value when it changed a row,
 * 0 when it changed none. */
enum cvom_status db_returning(struct db_query *q, const char *what, const struct fk_ref *refs,
                              size_t n_refs, int64_t *value, int *got, struct cvom_error *err);
/* Run a statement without parameters, e.g. BEGIN. */
enum cvom_status db_run(struct db_store *s, enum stmt id, const char *what, struct cvom_error *err);
/* A single integer from a query with at most one integer parameter (ignored when has_param
 * is 0). CVOM_ENOTFOUND when there is no row. */
enum cvom_status db_query_int(struct db_store *s, enum stmt id, int has_param, int64_t param,
                              int64_t *out, struct cvom_error *err);
/* 1 when the row exists, 0 when not, -1 when the question failed. */
int db_row_exists(struct db_store *s, enum stmt id, int64_t value);
/* A statement without rows whose parameters are an optional text key (when text is not
 * NULL) followed by nints (0 to 2) integers a, b. */
enum cvom_status db_exec_keyed(struct db_store *s, enum stmt id, const char *text, size_t cap,
                               int nints, int64_t a, int64_t b, const char *what,
                               struct cvom_error *err);

/* Converts the current row into a record. */
typedef enum cvom_status (*db_read_fn)(struct db_query *q, void *out, struct cvom_error *err);
/* One row of a query with one parameter (an id, or a text key when text is not NULL) into
 * out; CVOM_ENOTFOUND with the message `missing` when there is none. */
enum cvom_status db_one_row(struct db_store *s, enum stmt id, int64_t num, const char *text,
                            size_t text_cap, const char *missing, db_read_fn read, void *out,
                            struct cvom_error *err);
/* Call cb(ctx, rec) for every row of an opened, bound query (closed here); read converts a
 * row into rec. cb returns non-zero to stop. */
enum cvom_status db_each_row(struct db_query *q, void *rec, db_read_fn read,
                             int (*cb)(void *ctx, const void *rec), void *ctx,
                             struct cvom_error *err);

/* Operations of several statements run inside a savepoint, so that they take effect whole
 * or not at all, inside or outside the caller's transaction. */
enum cvom_status db_savepoint(struct db_store *s, const char *what, struct cvom_error *err);
/* On failure, undo back to the savepoint; either way drop it. The status passes through. */
enum cvom_status db_savepoint_end(struct db_store *s, enum cvom_status st, struct cvom_error *err);

/* ---- rows held back (imports) ------------------------------------------------------------ */

/* With on 1, new accounts, assessments and answers are held back and sent many at a time
 * through the back end's bulk hooks (COPY on PostgreSQL), where it has them; a back end
 * without them writes each row at once, as ever. With on 0 the rows held are sent and
 * holding stops; with -1 they are dropped (the caller rolls back). Any statement that
 * could see the rows held sends them first, so reads and writes keep their order.
 *
 * Rows go in batches inside a savepoint. When the database refuses a batch, it is undone
 * and its rows are sent again one at a time, so that the failure names the row: its
 * place (db_defer_at) is in err->line and err->column. */
enum cvom_status db_defer(struct db_store *s, int on, struct cvom_error *err);
/* The place (a line and column of the caller's input) of the rows held from now on. */
void db_defer_at(struct db_store *s, long line, long column);
/* The operations need not know: while rows are held, db_open gives the inserts that add
 * accounts, assessments and answers as queries whose bound values make a row to hold, and
 * db_insert and db_exec hold it (an insert's id is the one the database would give: one
 * more than the largest, read once). */

/* ---- transactions ---------------------------------------------------------------------- */

enum cvom_status db_begin(struct db_store *s, struct cvom_error *err);
/* Moves the data revision first when the transaction changed the portfolio's data. */
enum cvom_status db_commit(struct db_store *s, struct cvom_error *err);
void db_rollback(struct db_store *s);

/* ---- schema --------------------------------------------------------------------------- */

/* A migration's SQL comes in pieces (C compilers need not accept very long strings); each
 * piece holds one or more statements. */
struct db_migration {
    int version;
    const char *const *sql; /* NULL-terminated */
};

/* The schema version recorded in the database (0 for a new one). */
enum cvom_status db_schema_version(struct db_store *s, int *version, struct cvom_error *err);
/* Bring the schema up to the newest of the n migrations, each in its own transaction with
 * its row in schema_migrations; where names the database in messages. */
enum cvom_status db_migrate(struct db_store *s, const struct db_migration *m, size_t n,
                            const char *where, struct cvom_error *err);

/* ---- whole databases (copy.c) ------------------------------------------------------ */

/* Put the backup file in place of the database at a location of the back end's kind (see
 * cvom__store_restore); PostgreSQL refuses and names its own tools. */
enum cvom_status cvom__sqlite_restore(const char *backup, const char *path, int replace,
                                      struct cvom_error *err);
enum cvom_status cvom__postgres_restore(const char *backup, const char *conninfo, int replace,
                                        struct cvom_error *err);

#endif
