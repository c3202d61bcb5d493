/* postgres.h — the parts of the PostgreSQL back end: its connection and statements
 * (conn.c), the text of its statements (statements.c) and its schema (schema.c).
 */
#ifndef CVOM_STORE_POSTGRES_H
#define CVOM_STORE_POSTGRES_H

#include "store/db.h"

#include "lazy_pq.h" /* libpq, loaded when the first connection opens */

#include <stdint.h>

struct pg_store {
    struct db_store base; /* first */
    PGconn *conn;
    unsigned char prepared[S_COUNT]; /* prepared on the server under the name "s<number>" */
    void *streaming;                 /* the scan whose rows are arriving, or NULL */
    char schema[64];                 /* the schema cvom's tables live in, for messages */
    struct pg_bulk {                 /* rows on their way into COPY FROM STDIN */
        char *p;
        size_t len, cap;
    } bulk;
};

extern const char *const cvom__postgres_sql[S_COUNT];

/* Bring the schema up to date; where names the database in messages. */
enum cvom_status cvom__postgres_schema(struct pg_store *s, const char *where,
                                       struct cvom_error *err);
/* One count from a query of static text: 0, or -1 with the failure recorded. */
int cvom__pg_count(struct pg_store *s, const char *sql, int64_t *out);

#endif
