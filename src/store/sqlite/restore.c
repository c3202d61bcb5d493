/* sqlite/restore.c — a backup file put back in place of a database: checked while opened
 * read-only, copied page by page into a temporary file beside the target, brought up to this
 * version's schema, and only then moved into place, so that a failure at any step leaves the
 * target as it was.
 */
#include "store/sqlite/sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BACKUP_WAIT_MS 5000 /* how long to wait for a lock someone holds on the backup file */

/* What a backup must be beyond one of our files: sound, and of a schema this version knows. */
static enum cvom_status check_contents(sqlite3 *db, const char *path, struct cvom_error *err)
{
    int64_t app = 0, damaged = 0, version = 0;
    int rc = cvom__sqlite_int(db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK && app == CVOM_SQLITE_APPLICATION_ID)
        rc = cvom__sqlite_int(
            db, "SELECT count(*) FROM pragma_quick_check WHERE quick_check <> 'ok'", &damaged);
    if (rc == SQLITE_OK && app == CVOM_SQLITE_APPLICATION_ID && !damaged)
        rc = cvom__sqlite_int(db, "SELECT coalesce(max(version), 0) FROM schema_migrations",
                              &version);
    if ((rc & 0xff) == SQLITE_NOTADB || (rc == SQLITE_OK && app != CVOM_SQLITE_APPLICATION_ID))
        return cvom_error_set(err, CVOM_EINVAL, "%s is not a cvom database", path);
    if (rc != SQLITE_OK)
        return cvom_error_set(err, CVOM_ESTORE, "cannot read %s: %s", path, sqlite3_errmsg(db));
    if (damaged)
        return cvom_error_set(err, CVOM_EINVAL, "%s is damaged: its integrity check failed", path);
    if (version > cvom__sqlite_newest_version())
        return cvom_error_set(err, CVOM_EINVAL,
                              "%s has schema version %d, newer than this program knows (%d); "
                              "use a newer cvom",
                              path, (int)version, cvom__sqlite_newest_version());
    return CVOM_OK;
}

/* The backup is a regular file, not the target itself, and a sound database of ours. */
static enum cvom_status check_backup(const char *backup, const char *path, sqlite3 **out,
                                     struct cvom_error *err)
{
    struct stat b, p;
    if (stat(backup, &b) != 0)
        return cvom_error_set(err, errno == ENOENT ? CVOM_ENOTFOUND : CVOM_EIO,
                              "cannot read %s: %s", backup, strerror(errno));
    if (!S_ISREG(b.st_mode))
        return cvom_error_set(err, CVOM_EINVAL, "%s is not a file", backup);
    if (stat(path, &p) == 0 && p.st_dev == b.st_dev && p.st_ino == b.st_ino)
        return cvom_error_set(err, CVOM_EINVAL, "%s is the database itself", backup);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(backup, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        enum cvom_status st = cvom_error_set(err, CVOM_ESTORE, "cannot open %s: %s", backup,
                                             db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return st;
    }
    enum cvom_status st = check_contents(db, backup, err);
    if (st != CVOM_OK) {
        sqlite3_close(db);
        return st;
    }
    *out = db;
    return CVOM_OK;
}

/* A new, empty file beside path, readable by the owner only: path.restore-XXXXXX. */
static enum cvom_status make_temp(const char *path, char *temp, size_t cap, struct cvom_error *err)
{
    int n = snprintf(temp, cap, "%s.restore-XXXXXX", path);
    if (n < 0 || (size_t)n >= cap)
        return cvom_error_set(err, CVOM_ELIMIT, "the path %s is too long", path);
    int fd = mkstemp(temp);
    if (fd < 0)
        return cvom_error_set(err, CVOM_EIO, "cannot create a file beside %s: %s", path,
                              strerror(errno));
    close(fd);
    return CVOM_OK;
}

/* The backup's pages into temp, and temp brought up to this version's schema. */
static enum cvom_status fill(sqlite3 *backup_db, const char *backup, const char *temp,
                             struct cvom_error *err)
{
    char what[PATH_MAX + 16];
    snprintf(what, sizeof what, "restoring %s", backup);
    enum cvom_status st = cvom__sqlite_copy_pages(backup_db, BACKUP_WAIT_MS, temp, what, err);
    struct cvom_store *restored = NULL;
    if (st == CVOM_OK)
        st = cvom__sqlite_open(temp, &restored, err);
    cvom__store_close(restored);
    return st;
}

/* Move temp to path, which did not exist: link, unlike rename, never replaces a file that
 * appeared meanwhile. */
static enum cvom_status put_new(const char *temp, const char *path, struct cvom_error *err)
{
    if (link(temp, path) != 0)
        return cvom_error_set(err, errno == EEXIST ? CVOM_EEXIST : CVOM_EIO, "cannot create %s: %s",
                              path, strerror(errno));
    unlink(temp);
    return CVOM_OK;
}

/* Put temp in place of the database at path, which must be one of ours that no other
 * connection has open. Leaving WAL mode needs that, and writes the log back into the old file
 * so that none of it is left beside the new one; an exclusive lock keeps newcomers out until
 * the new file is in place. */
static enum cvom_status put_over(const char *temp, const char *path, struct cvom_error *err)
{
    sqlite3 *db = NULL;
    int64_t delete_mode = 0;
    enum cvom_status st;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        st = cvom_error_set(err, CVOM_ESTORE, "cannot open %s: %s", path,
                            db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return st;
    }
    st = cvom__sqlite_check_ownership(db, path, err);
    if (st == CVOM_OK) {
        int rc = sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = cvom__sqlite_int(db, "SELECT journal_mode = 'delete' FROM pragma_journal_mode",
                                  &delete_mode);
        if (rc == SQLITE_OK && delete_mode)
            rc = sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
        if (rc != SQLITE_OK || !delete_mode)
            st = cvom_error_set(err, CVOM_EBUSY,
                                "%s is in use by another program (a cvom serve?); stop it "
                                "and try again",
                                path);
    }
    if (st == CVOM_OK && rename(temp, path) != 0)
        st = cvom_error_set(err, CVOM_EIO, "cannot replace %s: %s", path, strerror(errno));
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return st;
}

/* Make the new name of the file survive a crash (best effort: the file itself is written). */
static void sync_dir(const char *path)
{
    char dir[PATH_MAX] = ".";
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t n = slash == path ? 1 : (size_t)(slash - path); /* "/x.db": the root */
        if (n >= sizeof dir)
            return;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

enum cvom_status cvom__sqlite_restore(const char *backup, const char *path, int replace,
                                      struct cvom_error *err)
{
    char temp[PATH_MAX];
    sqlite3 *backup_db = NULL;
    int exists = access(path, F_OK) == 0;
    if (exists && !replace)
        return cvom_error_set(err, CVOM_EEXIST, "%s exists already; not replacing it", path);
    enum cvom_status st = check_backup(backup, path, &backup_db, err);
    if (st != CVOM_OK)
        return st;
    st = make_temp(path, temp, sizeof temp, err);
    if (st == CVOM_OK) {
        st = fill(backup_db, backup, temp, err);
        if (st == CVOM_OK)
            st = exists ? put_over(temp, path, err) : put_new(temp, path, err);
        if (st != CVOM_OK)
            unlink(temp);
        else
            sync_dir(path);
    }
    sqlite3_close(backup_db);
    return st;
}
