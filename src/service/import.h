/* import.h — the CSV import engine both faces call: find the header row and match its
 * columns to fields (names ignoring case and punctuation, common CRM aliases, explicit
 * COLUMN=FIELD pairs), validate every row, dedupe by external id, resolve parents once all
 * rows are in, group answers into assessments, and stop at the first bad row with its line
 * and column. It writes through the store inside a transaction the caller opened: the caller
 * commits, or rolls back for a dry run or after a failure. */
#ifndef CVOM_SERVICE_IMPORT_H
#define CVOM_SERVICE_IMPORT_H

#include "io/csv.h"
#include "io/records.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
#define CVOM_IMPORT_MAP_MAX 256     /* explicit COLUMN=FIELD pairs */

/* "accounts", "stakeholders", "responses", "signals", "network", "offerings", "ratings",
 * "values". The parser knows the first five only and returns -1 for anything else;
 * cvom__import_kind_parse_all knows every kind. */
const char *cvom__import_kind_name(enum cvom_import_kind k);
int cvom__import_kind_parse(const char *s);
int cvom__import_kind_parse_all(const char *s);

/* The fields of a kind, ended by an entry with a NULL name (static storage). */
const struct cvom_field_def *cvom__import_fields(enum cvom_import_kind k);
/* Index of a field of kind k by name, or -1. */
int cvom__import_field_index(enum cvom_import_kind k, const char *field);

/* A header cell to read as a field, whatever its name says. Both strings are borrowed for
 * the duration of cvom__import_run. The column is matched exactly, then ignoring case and
 * surrounding spaces. A field of "" or "ignored" leaves the column out even where an alias
 * would read it. */
struct cvom_import_map {
    const char *column; /* the header cell as written */
    const char *field;  /* a field of the kind being imported, or "ignored" */
};

/* Whether field names a field of kind k for a map entry ("ignored" and "" included). */
int cvom__import_map_field_ok(enum cvom_import_kind k, const char *field);

/* Where the rows come from: a CSV reader or one sheet of a workbook (io/xlsx.h). Exactly
 * one is set; both are borrowed. */
struct cvom_xlsx;
struct cvom_import_source {
    struct cvom_csv *csv;
    struct cvom_xlsx *xlsx;
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
    /* Numbers: 1 when the decimal mark is a comma (1.234,50); see cvom__number_canonical. */
    int decimal_comma;
    /* Accounts: 1 to add an account whose name (ignoring case and spaces) another account
     * already has, when the row's external id tells the two apart. Without it such a row is
     * refused: rows without an external id update the account of their name instead. */
    int allow_same_name;
    /* Called every 65536 rows with the rows so far and the bytes read; may be NULL. */
    void (*progress)(void *ctx, size_t rows, size_t offset);
    void *progress_ctx;
};

/* Initialise options: no map, the default instrument, date 0 (set it for responses), no
 * owner scope, decimal point, no second accounts of one name, no progress. */
void cvom__import_opts_init(struct cvom_import_opts *o);

/* How a header column came to be read. */
enum cvom_import_how {
    CVOM_HOW_IGNORED = 0, /* no field has this name or alias */
    CVOM_HOW_MAP,         /* an explicit COLUMN=FIELD */
    CVOM_HOW_MAP_IGNORED, /* an explicit COLUMN=ignored */
    CVOM_HOW_NAME,        /* the column is named after the field */
    CVOM_HOW_ALIAS,       /* a name CRM exports use for the field */
    CVOM_HOW_SHADOWED,    /* an alias of a field that another column fills better */
    CVOM_HOW_COUNT
};

/* One header column and the field it was matched to. */
struct cvom_import_column {
    char name[CVOM_FIELD_MAX]; /* the header cell, truncated to fit */
    long column;               /* 1-based position in the row */
    int field;                 /* index into cvom__import_fields(kind), or -1: ignored */
    enum cvom_import_how how;
    int shadowed_by; /* CVOM_HOW_SHADOWED: the 1-based column that fills it */
};

#define CVOM_IMPORT_PREVIEW_ROWS 10

/* A row as it will be stored: each field's value after decoding (numbers in plain form,
 * cvom's spreadsheet guard removed) and what the import does with it. */
struct cvom_import_preview_row {
    long line;
    char action[96]; /* "add", "update #12 (external id)", "update #12 (name)", ... */
    char value[CVOM_IMPORT_FIELDS_MAX][CVOM_FIELD_MAX]; /* "" for fields without a column */
};

struct cvom_import_result {
    /* accounts, stakeholders, offerings and ratings: records added and updated;
     * responses: assessments added (added) and answers stored (updated); values: rankings
     * replaced (added) and places stored (updated). rows: data rows read after the header. */
    size_t added, updated, rows;
    size_t matched_by_name; /* of updated: records found by their name, not an id */
    size_t unchanged;       /* accounts and stakeholders found whose row changes nothing
                               (not written, not counted as updated) */
    size_t skipped_blank;   /* rows with no text in any cell, passed over */
    int header_found;       /* 1 once the header row was recognised */
    long header_line;       /* its line (its row in a sheet) */
    size_t n_columns;       /* columns of the header (all of them) */
    struct cvom_import_column columns[CVOM_IMPORT_COLUMNS_MAX]; /* the first ones */
    int field_column[CVOM_IMPORT_FIELDS_MAX]; /* 1-based column of each field, 0: absent */
    long error_cell;        /* on failure at a particular cell: its 1-based column in the row */
    char where[96];         /* on failure: the place as a person reads it, "line 4, column 13" or
                               "Sheet1!C7"; "" when the failure has no place */
    char delimiter;         /* CSV: the delimiter used */
    int delimiter_detected; /* CSV: 1 when it was detected rather than given */
    char sheet[CVOM_FIELD_MAX]; /* workbooks: the sheet read */
    size_t n_preview;
    struct cvom_import_preview_row preview[CVOM_IMPORT_PREVIEW_ROWS];
};

/* Import every row of src as records of kind into st, inside the write transaction the
 * caller opened. name is the file's name for messages (copied into err->file).
 *
 * Rows whose cells are all empty are passed over. A row with more cells than the header is
 * refused when any cell past the header holds text; a row that names the same record as an
 * earlier row (the same external id, the same name without one, the same answer, rating,
 * value or measure) is refused with both lines. Without an external id an account is found
 * by its name ignoring case and spaces, and updated.
 *
 * Outcomes: CVOM_OK when every row was valid and written; otherwise the status of the first
 * failure with err->file, err->line, err->column and err->message naming it — a syntax error
 * from the reader, a missing header ("no header row …"), a required field without a column,
 * or a bad row (CVOM_EPARSE / CVOM_EINVAL / CVOM_ELIMIT / CVOM_ENOTFOUND / CVOM_EEXIST), or
 * a store error. For a workbook err->file is "book.xlsx:Sheet1!C7" and err->line is 0, so
 * that the place reads as spreadsheets name it. The import stops at that row, so later rows
 * are not checked. After a failure the caller must roll back: earlier rows were written.
 *
 * Unlike other out-parameters, res is filled as far as the import got even on failure, so
 * that a face can show the column mapping beside the error. The caller owns the source and
 * closes it. */
enum cvom_status cvom__import_run(struct cvom_store *st, enum cvom_import_kind kind,
                                  const struct cvom_import_source *src, const char *name,
                                  const struct cvom_import_opts *o, struct cvom_import_result *res,
                                  struct cvom_error *err);

/* ---- the mapping, as text (import_map.c) -------------------------------------------- */

/* Print the mapping an import used — the source (delimiter, sheet), each column and the
 * field it fills or "ignored", and the fields left without a column — as lines of text
 * for a terminal, each starting with two spaces after a first line naming the file. */
void cvom__import_print_mapping(FILE *f, enum cvom_import_kind kind, const char *name,
                                const struct cvom_import_result *res);

/* Write the mapping an import used as a mapping file: CSV "column,field" with a header,
 * one row per column, "ignored" for the columns no field reads. 0, or EOF on failure. */
int cvom__import_write_map(FILE *f, enum cvom_import_kind kind,
                           const struct cvom_import_result *res);

/* A mapping file read into memory: up to CVOM_IMPORT_MAP_MAX pairs. */
struct cvom_import_mapfile {
    struct cvom_import_map map[CVOM_IMPORT_MAP_MAX];
    size_t n;
    char *text; /* owned: the strings map points into */
};

/* Read a mapping file (CSV "column,field"; a first row "column,field" is a header) of
 * len bytes at buf for kind. Every field must be one of kind's (or "ignored"). CVOM_OK;
 * CVOM_EPARSE / CVOM_EINVAL / CVOM_ELIMIT with file, line and column. Free with
 * cvom__import_mapfile_cleanup (also after a failure). */
enum cvom_status cvom__import_mapfile_read(const char *buf, size_t len, const char *name,
                                           enum cvom_import_kind kind,
                                           struct cvom_import_mapfile *out, struct cvom_error *err);
void cvom__import_mapfile_cleanup(struct cvom_import_mapfile *m);

/* Internal to the engine: which field of kind a header cell names, and how (see
 * enum cvom_import_how; CVOM_HOW_SHADOWED is decided later, over the whole header). */
int cvom__import_match(enum cvom_import_kind kind, const struct cvom_import_opts *o,
                       const char *cell, enum cvom_import_how *how);
/* The rank of such a match among the columns that could fill one field: the lowest wins
 * (an explicit pair 0, the field's own name 1, aliases 2 and up). */
int cvom__import_rank(enum cvom_import_kind kind, const char *cell, enum cvom_import_how how);

#endif
