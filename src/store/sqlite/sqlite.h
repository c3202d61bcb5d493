/* sqlite.h — the parts of the SQLite back end: its connection and statements (conn.c), the
 * text of its statements (statements.c) and its schema (schema.c).
 */
#ifndef CVOM_STORE_SQLITE_H
#define CVOM_STORE_SQLITE_H

#include "store/db.h"

#include <sqlite3.h>

/* Written into the file header so that cvom recognises its own databases ("CVOM"). */
#define CVOM_SQLITE_APPLICATION_ID 1129729869

struct sq_store {
    struct db_store base; /* first */
    sqlite3 *db;
    int timeout_ms; /* how long to wait for another connection's lock */
};

extern const char *const cvom__sqlite_sql[S_COUNT];

/* Refuse a file that another program made, set up the connection and bring the schema up
 * to date. */
enum cvom_status cvom__sqlite_schema(struct sq_store *s, const char *path, struct cvom_error *err);

/* Copy every page of database src into the file dest (existing and empty), waiting about
 * timeout_ms for another connection's lock; what names the work in messages ("backup to
 * FILE"). */
enum cvom_status cvom__sqlite_copy_pages(sqlite3 *src, int timeout_ms, const char *dest,
                                         const char *what, struct cvom_error *err);
/* One integer from a statement of static text, e.g. a PRAGMA: SQLITE_OK with it in *out;
 * SQLITE_DONE when there is no row; or SQLite's error code. */
int cvom__sqlite_int(sqlite3 *db, const char *sql, int64_t *out);
/* Refuse (CVOM_EINVAL) a database that some other program made: it has another application
 * id, or it has tables but was never migrated by us. */
enum cvom_status cvom__sqlite_check_ownership(sqlite3 *db, const char *path,
                                              struct cvom_error *err);
/* The schema version the newest migration brings a file to. */
int cvom__sqlite_newest_version(void);

#endif
