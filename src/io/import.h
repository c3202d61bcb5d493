/* import.h — the CSV import engine both faces call: find the header row and match its
 * columns to fields (names ignoring case and punctuation, common CRM aliases, explicit
 * COLUMN=FIELD pairs), validate every row, dedupe by external id, resolve parents once all
 * rows are in, group answers into assessments, and stop at the first bad row with its line
 * and column. It writes through the store inside a transaction the caller opened: the caller
 * commits, or rolls back for a dry run or after a failure. */
#ifndef CVOM_IO_IMPORT_H
#define CVOM_IO_IMPORT_H

#include "io/csv.h"
#include "io/records.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* The kinds below CVOM_IMPORT_KIND_COUNT are those every face offers (the web application
 * lists them; each touches one account's records at a time, so an owner scope applies);
 * the catalogue kinds after it — offerings, ratings and value rankings — are for the
 * command line, and refuse an owner scope where they touch shared data. */
enum cvom_import_kind {
    CVOM_IMPORT_ACCOUNTS = 0,
    CVOM_IMPORT_STAKEHOLDERS,
    CVOM_IMPORT_RESPONSES,
    CVOM_IMPORT_SIGNALS,
    CVOM_IMPORT_NETWORK,
    CVOM_IMPORT_KIND_COUNT,
    CVOM_IMPORT_OFFERINGS = CVOM_IMPORT_KIND_COUNT,
    CVOM_IMPORT_RATINGS,
    CVOM_IMPORT_VALUES,
    CVOM_IMPORT_KIND_ALL
};

#define CVOM_IMPORT_FIELDS_MAX 16   /* fields of any kind */
#define CVOM_IMPORT_COLUMNS_MAX 128 /* header columns whose mapping a result keeps */
#define CVOM_IMPORT_MAP_MAX 64      /* explicit COLUMN=FIELD pairs */

/* "accounts", "stakeholders", "responses", "signals", "network", "offerings", "ratings",
 * "values". The parser knows the first five only and returns -1 for anything else;
 * cvom_import_kind_parse_all knows every kind. */
const char *cvom_import_kind_name(enum cvom_import_kind k);
int cvom_import_kind_parse(const char *s);
int cvom_import_kind_parse_all(const char *s);

/* The fields of a kind, ended by an entry with a NULL name (static storage). */
const struct cvom_field_def *cvom_import_fields(enum cvom_import_kind k);
/* Index of a field of kind k by name, or -1. */
int cvom_import_field_index(enum cvom_import_kind k, const char *field);

/* A header cell to read as a field, whatever its name says. Both strings are borrowed for
 * the duration of cvom_import_run. */
struct cvom_import_map {
    const char *column; /* the header cell exactly as written */
    const char *field;  /* a field of the kind being imported */
};

struct cvom_import_opts {
    const struct cvom_import_map *map; /* explicit pairs, checked first; may be NULL */
    size_t n_map;
    /* responses: the instrument answered (0: the newest version of "default"); responses,
     * signals and network: the date of rows without one (days since 1970-01-01). */
    int64_t instrument_id;
    int32_t default_date;
    /* When not NULL or empty: whose accounts this import may touch. Every account read or
     * written must have this owner (others count as not found), an owner column must name
     * it, and new accounts get it as owner. Borrowed. */
    const char *owner_scope;
    /* Called every 65536 rows with the rows so far and the bytes read; may be NULL. */
    void (*progress)(void *ctx, size_t rows, size_t offset);
    void *progress_ctx;
};

/* Initialise options: no map, the default instrument, date 0 (set it for responses), no
 * owner scope, no progress. */
void cvom_import_opts_init(struct cvom_import_opts *o);

/* One header column and the field it was matched to. */
struct cvom_import_column {
    char name[CVOM_FIELD_MAX]; /* the header cell, truncated to fit */
    long column;               /* 1-based position in the row */
    int field;                 /* index into cvom_import_fields(kind), or -1: ignored */
};

struct cvom_import_result {
    /* accounts, stakeholders, offerings and ratings: records added and updated;
     * responses: assessments added (added) and answers stored (updated); values: rankings
     * replaced (added) and places stored (updated). rows: data rows read after the header. */
    size_t added, updated, rows;
    int header_found;           /* 1 once the header row was recognised */
    long header_line;           /* its line */
    size_t n_columns;           /* columns of the header (all of them) */
    struct cvom_import_column columns[CVOM_IMPORT_COLUMNS_MAX]; /* the first ones */
    int field_column[CVOM_IMPORT_FIELDS_MAX]; /* 1-based column of each field, 0: absent */
    long error_cell; /* on failure at a particular cell: its 1-based column in the row */
};

/* Import every row that csv yields as records of kind into st, inside the write transaction
 * the caller opened. name is the file's name for messages (copied into err->file).
 *
 * Outcomes: CVOM_OK when every row was valid and written; otherwise the status of the first
 * failure with err->file, err->line, err->column and err->message naming it — a syntax error
 * from the reader, a missing header ("no header row …"), a required field without a column,
 * or a bad row (CVOM_EPARSE / CVOM_EINVAL / CVOM_ELIMIT / CVOM_ENOTFOUND), or a store error.
 * The import stops at that row, so later rows are not checked. After a failure the caller
 * must roll back: earlier rows were written.
 *
 * Unlike other out-parameters, res is filled as far as the import got even on failure, so
 * that a face can show the column mapping beside the error. The caller owns csv and closes
 * it. */
enum cvom_status cvom_import_run(struct cvom_store *st, enum cvom_import_kind kind,
                                 struct cvom_csv *csv, const char *name,
                                 const struct cvom_import_opts *o, struct cvom_import_result *res,
                                 struct cvom_error *err);

#endif
