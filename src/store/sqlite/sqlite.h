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

#endif
