/* postgres/restore.c — a PostgreSQL database is restored by the server's own tools, which
 * know its dumps; the refusal says which, as the backup operation does (postgres/conn.c).
 */
#include "store/postgres/postgres.h"

enum cvom_status cvom__postgres_restore(const char *backup, const char *conninfo, int replace,
                                        struct cvom_error *err)
{
    (void)backup;
    (void)conninfo;
    (void)replace;
    return cvom_error_set(err, CVOM_EINVAL,
                          "a PostgreSQL database is restored with its own tools: pg_restore "
                          "--clean --if-exists --dbname='postgresql://…' FILE (from pg_dump "
                          "--format=custom); 'cvom migrate' copies a cvom file into a server");
}
