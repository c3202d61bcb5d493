/* bare_insert.c — the reference for the import benchmark on SQLite: the rows of a benchmark
 * file inserted into a database of cvom's own schema in one transaction, through prepared
 * statements, with no checks at all. It reads the simple files bench/import.sh writes (no
 * quotes, fields cut at each comma) and does only what storing those rows needs:
 *
 *   accounts FILE   external_id,name,owner,revenue,industry,region -> one accounts row each
 *   responses FILE  account_id,respondent_id,item_id,score -> one responses row each, and one
 *                   assessments row per run of rows of one account and respondent; accounts
 *                   and stakeholders are looked up in memory, from tables read at the start
 *
 *   usage: bench_bare_insert DB accounts|responses FILE DATE   (DATE: days since 1970)
 */
#include <sqlite3.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS 8
#define LINE_MAX_BYTES 4096

struct entry {
    char *key;
    int64_t id;
};

/* External ids to row ids: open addressing, a power of two of slots. */
struct table {
    struct entry *slot;
    size_t cap;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "bench_bare_insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
    exit(1);
}

static void table_load(struct table *t, sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    int64_t n = 0;
    char count[160];
    snprintf(count, sizeof count, "SELECT count(*) FROM (%s)", sql);
    if (sqlite3_prepare_v2(db, count, -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
        die(db, "counting");
    n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    t->cap = 16;
    while (t->cap < (size_t)n * 2)
        t->cap *= 2;
    t->slot = calloc(t->cap, sizeof *t->slot);
    if (!t->slot)
        die(NULL, "out of memory");
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        die(db, "reading the keys");
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(q, 1);
        if (!k)
            continue;
        size_t i = hash(k) & (t->cap - 1);
        while (t->slot[i].key)
            i = (i + 1) & (t->cap - 1);
        t->slot[i].key = strdup(k);
        if (!t->slot[i].key)
            die(NULL, "out of memory");
        t->slot[i].id = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
}

static int64_t table_get(const struct table *t, const char *k)
{
    for (size_t i = hash(k) & (t->cap - 1); t->slot[i].key; i = (i + 1) & (t->cap - 1))
        if (strcmp(t->slot[i].key, k) == 0)
            return t->slot[i].id;
    return 0;
}

/* Cut a line at its commas; returns the number of fields. */
static int split(char *line, char **f)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    f[n++] = line;
    for (char *p = line; *p && n < FIELDS; p++)
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

static void step(sqlite3 *db, sqlite3_stmt *q)
{
    if (sqlite3_step(q) != SQLITE_DONE)
        die(db, "inserting");
    sqlite3_reset(q);
}

static void run(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(db, sql);
}

static long accounts(sqlite3 *db, FILE *in)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO accounts(external_id, name, owner, revenue, industry,"
                           " region) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &q, NULL) != SQLITE_OK)
        die(db, "preparing");
    char line[LINE_MAX_BYTES], *f[FIELDS];
    long rows = 0;
    while (fgets(line, sizeof line, in)) {
        if (split(line, f) < 6)
            die(NULL, "a row of fewer than 6 fields");
        for (int i = 0; i < 6; i++)
            if (i == 3)
                sqlite3_bind_double(q, 4, strtod(f[3], NULL));
            else
                sqlite3_bind_text(q, i + 1, f[i], -1, SQLITE_STATIC);
        step(db, q);
        rows++;
    }
    sqlite3_finalize(q);
    return rows;
}

static long responses(sqlite3 *db, FILE *in, long date)
{
    struct table acc = {0}, sth = {0};
    table_load(&acc, db, "SELECT id, external_id FROM accounts");
    table_load(&sth, db, "SELECT id, external_id FROM stakeholders");
    int64_t instrument = 0;
    sqlite3_stmt *q, *a;
    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM instruments WHERE name = 'default'", -1, &q,
                           NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        die(db, "finding the instrument");
    instrument = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO assessments(account_id, instrument_id, kind,"
                           " stakeholder_id, respondent, date, status)"
                           " VALUES (?1, ?2, 'customer', ?3, ?4, ?5, 'complete')",
                           -1, &a, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO responses(assessment_id, item_code, value)"
                           " VALUES (?1, ?2, ?3)",
                           -1, &q, NULL) != SQLITE_OK)
        die(db, "preparing");
    char line[LINE_MAX_BYTES], *f[FIELDS], last[2 * LINE_MAX_BYTES] = "";
    int64_t assessment = 0;
    long rows = 0;
    while (fgets(line, sizeof line, in)) {
        if (split(line, f) < 4)
            die(NULL, "a row of fewer than 4 fields");
        char group[2 * LINE_MAX_BYTES];
        snprintf(group, sizeof group, "%s,%s", f[0], f[1]);
        if (strcmp(group, last) != 0) {
            int64_t account = table_get(&acc, f[0]);
            sqlite3_bind_int64(a, 1, account);
            sqlite3_bind_int64(a, 2, instrument);
            sqlite3_bind_int64(a, 3, table_get(&sth, f[1]));
            sqlite3_bind_text(a, 4, f[1], -1, SQLITE_STATIC);
            sqlite3_bind_int64(a, 5, date);
            step(db, a);
            assessment = sqlite3_last_insert_rowid(db);
            memcpy(last, group, sizeof last);
        }
        sqlite3_bind_int64(q, 1, assessment);
        sqlite3_bind_text(q, 2, f[2], -1, SQLITE_STATIC);
        sqlite3_bind_double(q, 3, strtod(f[3], NULL));
        step(db, q);
        rows++;
    }
    sqlite3_finalize(a);
    sqlite3_finalize(q);
    return rows;
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[2], "accounts") != 0 && strcmp(argv[2], "responses") != 0)) {
        fprintf(stderr, "usage: bench_bare_insert DB accounts|responses FILE DATE\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
        die(db, argv[1]);
    FILE *in = fopen(argv[3], "r");
    char header[LINE_MAX_BYTES];
    if (!in || !fgets(header, sizeof header, in)) {
        fprintf(stderr, "bench_bare_insert: cannot read %s\n", argv[3]);
        return 1;
    }
    /* The same settings as cvom's connections (store/sqlite/schema.c). */
    run(db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
            " PRAGMA cache_size = -32768");
    run(db, "BEGIN IMMEDIATE");
    long rows = strcmp(argv[2], "accounts") == 0 ? accounts(db, in)
                                                 : responses(db, in, strtol(argv[4], NULL, 10));
    run(db, "COMMIT");
    fclose(in);
    sqlite3_close(db);
    printf("%ld\n", rows);
    return 0;
}
