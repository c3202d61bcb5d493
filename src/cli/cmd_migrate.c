/* cmd_migrate.c — `cvom migrate` (a whole database copied from one back end into another,
 * and verified table by table) and `cvom restore` (a backup put back in place of an SQLite
 * database). */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "sqlite:FILE" names a file as plainly as FILE does. */
static const char *location_of(const char *arg)
{
    static const char prefix[] = "sqlite:";
    return strncmp(arg, prefix, sizeof prefix - 1) == 0 ? arg + sizeof prefix - 1 : arg;
}

static int is_file(const char *location)
{
    return !cvom__store_location_is_server(location);
}

/* Both locations name one database: the same text, or two names of one file. */
static int same_database(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0)
        return 1;
    return is_file(a) && is_file(b) && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Open a database that must be there already: a file is never created by reading it. */
static enum cvom_status open_existing(const char *location, struct cvom_store **out,
                                      struct cvom_error *err)
{
    if (is_file(location) && access(location, F_OK) != 0)
        return cvom_error_set(err, CVOM_ENOTFOUND, "%s does not exist", location);
    return cvom__store_open(location, out, err);
}

static void on_progress(void *ctx, const char *table, int64_t rows, int64_t total)
{
    (void)ctx;
    fprintf(stderr, "\rcopying %-16s %10" PRId64 " rows (%" PRId64 " in all)", table, rows, total);
}

static int on_report(void *ctx, const struct cvom_copy_check *k)
{
    struct table *t = ctx;
    char rows[24], target_rows[24];
    snprintf(rows, sizeof rows, "%" PRId64, k->rows);
    snprintf(target_rows, sizeof target_rows, "%" PRId64, k->target_rows);
    const char *cells[] = {k->table, rows, target_rows, k->sha256, k->same ? "yes" : "NO"};
    return table_add(t, cells) != 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Open both, copy (or compare), print the checks. *created says whether the target file was
 * made here, to be removed again when the copy fails. */
static enum cvom_status run_copy(struct cli *c, const char *from, const char *to, unsigned flags,
                                 int progress, struct table *t, int *created)
{
    struct cvom_store *src = NULL, *dst = NULL;
    *created = !(flags & CVOM_COPY_VERIFY_ONLY) && is_file(to) && access(to, F_OK) != 0;
    enum cvom_status st = open_existing(from, &src, &c->err);
    if (st == CVOM_OK)
        st = (flags & CVOM_COPY_VERIFY_ONLY) ? open_existing(to, &dst, &c->err)
                                             : cvom__store_open(to, &dst, &c->err);
    if (st == CVOM_OK) {
        st =
            cvom__store_copy(src, dst, flags, progress ? on_progress : NULL, on_report, t, &c->err);
        if (progress)
            fputc('\n', stderr);
    }
    cvom__store_close(dst);
    cvom__store_close(src);
    return st;
}

int cmd_migrate(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "from", .kind = 's', .arg = "LOCATION", .help = "the database to copy"},
        {.name = "to",
         .kind = 's',
         .arg = "LOCATION",
         .help = "the database to copy into (a file is created)"},
        {.name = "replace",
         .kind = 'f',
         .help = "remove what the target holds first, instead of refusing"},
        {.name = "verify-only",
         .kind = 'f',
         .help = "copy nothing: compare the two databases table by table"},
        {.name = "format",
         .kind = 's',
         .arg = "FMT",
         .help = "the table of checks: text (default), csv or json"},
        {.name = "quiet", .kind = 'f', .help = "no progress or summary on standard error"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "--from LOCATION --to LOCATION [--replace]",
                  "Copy a whole database - every table, ids included - from one back end into "
                  "another: an SQLite file into PostgreSQL, back again, or file to file and "
                  "server to server. A LOCATION is a file (also written sqlite:FILE), a "
                  "postgresql:// URL or a libpq 'key=value' string.\n\n"
                  "The copy runs in one transaction on the target, which must hold nothing but "
                  "what a new database holds (or give --replace), and commits only when both "
                  "sides, read again, agree on every table's rows and SHA-256 checksum; the "
                  "table of checks is printed. The source is read in one consistent state and "
                  "may stay in use. Each side keeps its own schema version and data revision.",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    const char *from = cli_val(opts, "from"), *to = cli_val(opts, "to");
    unsigned flags = (cli_opt(opts, "replace")->set ? CVOM_COPY_REPLACE : 0) |
                     (cli_opt(opts, "verify-only")->set ? CVOM_COPY_VERIFY_ONLY : 0);
    if (!from || !to || !*from || !*to)
        return cli_usage_error(c, "give the databases with --from and --to");
    from = location_of(from);
    to = location_of(to);
    if (same_database(from, to))
        return cli_usage_error(c, "--from and --to name the same database");
    if ((flags & CVOM_COPY_REPLACE) && (flags & CVOM_COPY_VERIFY_ONLY))
        return cli_usage_error(c, "--verify-only writes nothing: leave out --replace");

    static const char *const cols[] = {"table", "rows", "target_rows", "sha256", "same"};
    struct table *t = table_new(cols, "snnss");
    if (!t)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    int quiet = cli_opt(opts, "quiet")->set, created = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    enum cvom_status st =
        run_copy(c, from, to, flags,
                 !quiet && !(flags & CVOM_COPY_VERIFY_ONLY) && isatty(STDERR_FILENO), t, &created);
    if (table_rows(t) > 0)
        table_print(t, stdout, fmt);
    table_free(t);
    if (st != CVOM_OK) {
        if (created)
            unlink(to);
        rc = cli_fail(c, st, &c->err);
        if (st == CVOM_EEXIST)
            fprintf(stderr, "cvom: --replace removes what the target holds first\n");
        return rc;
    }
    if (!quiet)
        fprintf(stderr, "%s in %.1f s: every table agrees\n",
                (flags & CVOM_COPY_VERIFY_ONLY) ? "compared" : "copied", seconds_since(&t0));
    return 0;
}

int cmd_restore(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "replace", .kind = 'f', .help = "replace the database at --db if it exists"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "BACKUP [--replace]",
                  "Put BACKUP (made by 'cvom backup') in place of the SQLite database at --db. "
                  "The backup is checked first - a cvom database, sound, of a schema this "
                  "version knows - and copied into a temporary file beside the database, which "
                  "takes the database's place only when it is complete, so that a failure "
                  "leaves the database as it was. An existing database is replaced only with "
                  "--replace, and not while another program (a cvom serve) has it open.\n\n"
                  "A PostgreSQL database is restored with pg_restore; 'cvom migrate' copies a "
                  "file into a server.",
                  pos, 1, 1, &np, &rc))
        return rc;
    int replace = cli_opt(opts, "replace")->set;
    enum cvom_status st = cvom__store_restore(pos[0], c->db, replace, &c->err);
    if (st != CVOM_OK) {
        rc = cli_fail(c, st, &c->err);
        if (st == CVOM_EEXIST)
            fprintf(stderr, "cvom: --replace puts the backup in its place\n");
        return rc;
    }
    /* The audit line goes in the restored database, which is the one that goes on. */
    cli_audit(c, pos[0], replace ? "in place of the database" : "as a new database");
    if ((st = cli_store_existing(c)) != CVOM_OK || (st = cli_audit_alone(c)) != CVOM_OK)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "restored %s into %s\n", pos[0], c->db);
    return 0;
}
