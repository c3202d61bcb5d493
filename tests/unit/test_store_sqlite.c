/* test_store_sqlite.c — what only the SQLite back end does: refusing files that are not
 * its own (another program's database, a newer schema, a file that is no database) without
 * touching them, undoing a migration that fails part-way, and backups into a new file.
 */
#include "store_fixtures.h"

#include <sqlite3.h>

static void test_open_refusals(void)
{
    struct cvom_store *st = NULL;
    struct cvom_error err = {0};
    char p[256];
    sqlite3 *db;

    /* Another program's database is left alone. */
    path_in_dir(p, sizeof p, "foreign.db");
    CHECK_INT(sqlite3_open(p, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CHECK_INT(cvom__store_open(p, &st, &err), CVOM_EINVAL);
    CHECK(st == NULL);

    /* A schema newer than this program knows is refused, not damaged. */
    st = open_store("newer.db");
    cvom__store_close(st);
    path_in_dir(p, sizeof p, "newer.db");
    CHECK_INT(sqlite3_open(p, &db), SQLITE_OK);
    CHECK_INT(
        sqlite3_exec(db, "INSERT INTO schema_migrations(version) VALUES (9999)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    st = NULL;
    CHECK_INT(cvom__store_open(p, &st, &err), CVOM_ESTORE);
    CHECK(strstr(err.message, "9999") != NULL);
    CHECK(st == NULL);

    /* A migration that fails part-way leaves nothing behind: here the file already holds a
     * table that migration 1 creates later than its first tables. */
    path_in_dir(p, sizeof p, "halfway.db");
    CHECK_INT(sqlite3_open(p, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "PRAGMA application_id = 1129729869; CREATE TABLE settings(x)", NULL,
                           NULL, NULL),
              SQLITE_OK);
    sqlite3_close(db);
    CHECK_INT(cvom__store_open(p, &st, &err), CVOM_ESTORE);
    CHECK(strstr(err.message, "settings") != NULL);
    CHECK(st == NULL);
    CHECK_INT(sqlite3_open(p, &db), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT group_concat(name) FROM sqlite_schema", -1, &q, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(q), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(q, 0), "settings");
    sqlite3_finalize(q);
    sqlite3_close(db);

    /* Not a database at all. */
    path_in_dir(p, sizeof p, "garbage.db");
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 200; i++)
            fputs("this is not a database file. ", f);
        fclose(f);
    }
    CHECK_INT(cvom__store_open(p, &st, &err), CVOM_ESTORE);
    CHECK(st == NULL);
}

static void test_backup(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct counts orig, copy;
    char dest[256];
    path_in_dir(dest, sizeof dest, "backup.db");
    get_counts(st, &orig);

    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    CHECK_INT(st->ops->backup(st, dest, &err), CVOM_EINVAL);
    st->ops->rollback(st);
    CHECK(access(dest, F_OK) != 0);

    CHECK_INT(st->ops->backup(st, dest, &err), CVOM_OK);
    CHECK_INT(st->ops->backup(st, dest, &err), CVOM_EEXIST);
    CHECK_INT(st->ops->backup(st, "/nonexistent-dir/x.db", &err), CVOM_EIO);

    struct cvom_store *b = open_store("backup.db");
    CHECK(b != NULL);
    if (!b)
        return;
    get_counts(b, &copy);
    CHECK(same_counts(&orig, &copy));
    int v1 = 0, v2 = 0;
    CHECK_INT(st->ops->schema_version(st, &v1, &err), CVOM_OK);
    CHECK_INT(b->ops->schema_version(b, &v2, &err), CVOM_OK);
    CHECK_INT(v1, v2);
    struct cvom_account a;
    CHECK_INT(b->ops->account_find(b, "Committed", &a, &err), CVOM_OK);
    cvom__store_close(b);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cvom-store-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    CHECK_CASE(test_open_refusals);
    struct cvom_store *st = open_store("main.db");
    if (st) {
        put_instrument(st, "backed-up", 1);
        struct cvom_error err = {0};
        CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
        add_account(st, "Committed", "C-1");
        add_stakeholder(st, add_account(st, "Second", ""), "Ines");
        CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
        test_backup(st);
        cvom__store_close(st);
    }
    remove_dir();
    return CHECK_DONE();
}
