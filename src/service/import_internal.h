/* import_internal.h — what the files of the import engine share: the state of one run and
 * the helpers every kind's row handler uses (cells, errors, duplicates, account lookups).
 * Not for the faces: they use service/import.h. */
#ifndef CVOM_SERVICE_IMPORT_INTERNAL_H
#define CVOM_SERVICE_IMPORT_INTERNAL_H

#include "service/import.h"
#include "io/keymap.h"
#include "io/values.h"

struct parent_ref {
    int64_t id;
    char ref[CVOM_FIELD_MAX];
    long line, column, cell;
};

struct importer {
    struct cvom_store *st;
    struct cvom_error *err;
    enum cvom_import_kind kind;
    const char *path;
    const struct cvom_import_source *src;
    const struct cvom_import_opts *o;
    const char *scope; /* owner scope, or NULL */
    struct cvom_import_result *res;
    const struct cvom_field_def *fields;
    size_t n_fields;
    int col[CVOM_IMPORT_FIELDS_MAX]; /* column of each field, -1 when absent */
    size_t header_n;                 /* cells of the header row */
    const struct cvom_csv_row *row;
    char number[CVOM_IMPORT_FIELDS_MAX][CVOM_NUMBER_TEXT_MAX]; /* numbers in plain form */
    char action[96]; /* what the current row does, for the preview */
    /* What earlier rows of this file named: "x|external id", "a|account id", … -> line. */
    struct cvom_keymap seen;
    /* Accounts by name key (built on first use): the first id, and how many share it. And,
     * without an owner scope, accounts by external id, built with it. */
    struct cvom_keymap names;
    struct cvom_keymap externals;
    int names_ready;
    int holding; /* the store may hold new rows back (hold_rows) */
    /* Answers, without an owner scope: the name of each account in externals, and the id
     * and name of every stakeholder with an external id in people ("account|external id"),
     * each name at the offset in text its entry's line keeps (-1: none). */
    struct cvom_keymap people;
    int people_ready;
    char *text;
    size_t text_len, text_cap;
    /* The last name key made, and what it was made from (keys cost a Unicode pass). */
    char key_of[CVOM_FIELD_MAX];
    char key[CVOM_FIELD_MAX * 2];
    /* Kinds that write no accounts or stakeholders: the account and the respondent the
     * previous row named, so that a file grouped by account costs no lookups. */
    char last_ref[CVOM_FIELD_MAX];
    struct cvom_account last_account;
    int64_t last_sh_account;
    char last_sh_ref[CVOM_FIELD_MAX];
    int64_t last_sh_id;
    char last_sh_name[CVOM_FIELD_MAX];
    /* accounts: parents, stakeholders: whom they report to; resolved after all rows */
    struct parent_ref *parents;
    size_t n_parents, cap_parents;
    /* responses: assessments by respondent, account and date; the line of each answer */
    int64_t instrument_id;
    struct cvom_instrument ins;
    struct cvom_keymap assessments;
    long *answer_lines; /* n_items per assessment, at the index the map keeps in .line */
    size_t n_answer_lines, cap_answer_lines;
    /* values: the hierarchies this file has started, which it replaces */
    int64_t *ranked;
    size_t n_ranked, cap_ranked;
    /* signals: the signal named by the latest row */
    struct cvom_signal signal;
};

/* The cell of field in the current row (NULL when the field has no column or the row is
 * short), and its text. */
const struct cvom_csv_field *cvom__imp_cell(const struct importer *im, const char *field);
const char *cvom__imp_val(const struct importer *im, const char *field);
/* The 1-based position of f in the current row, or 0. */
long cvom__imp_cell_of(const struct importer *im, const struct cvom_csv_field *f);

/* Fail the import at f (or at the start of the row when f is NULL), keeping the field name
 * a validator put into err. msg may be err->message itself. Returns st. */
enum cvom_status cvom__imp_error(struct importer *im, const struct cvom_csv_field *f,
                                 enum cvom_status st, const char *msg);

/* Refuse a second row with the same key: at f, naming what (e.g. "external_id 'X1'") and
 * the line of the first. Returns 0 when key is new (and remembers it with this row's
 * line), else the failure's status. */
enum cvom_status cvom__imp_once(struct importer *im, const char *key,
                                const struct cvom_csv_field *f, const char *what);

/* "line 12" or, in a workbook, "row 12". */
void cvom__imp_line_name(const struct importer *im, long line, char *buf, size_t cap);

/* An account the import may touch: by id, external id or exact name as the store resolves
 * it, else by its name ignoring case and spaces; within the owner scope. CVOM_ENOTFOUND,
 * or CVOM_EINVAL with a message when the name is ambiguous. */
enum cvom_status cvom__imp_find_ref(struct importer *im, const char *ref, struct cvom_account *out);
/* The same for the account named in field of the current row, failing at its cell. */
enum cvom_status cvom__imp_find_account(struct importer *im, const char *field,
                                        struct cvom_account *a);
int cvom__imp_in_scope(const struct importer *im, const struct cvom_account *a);

/* The index of accounts by name key, built on first use; accounts the import adds or
 * renames are put in by the handler. */
enum cvom_status cvom__imp_names(struct importer *im);
/* Answers: the stakeholder of the account with external id ref, from one reading of every
 * stakeholder: 1 with its id and name (valid while im lives), 0 when the index does not
 * know it (ask the store), -1 when reading failed (im->err). */
int cvom__imp_person(struct importer *im, int64_t account_id, const char *ref, int64_t *id,
                     const char **name);
/* cvom__name_key of name, kept in im until the next call with another name. */
const char *cvom__imp_name_key(struct importer *im, const char *name);

/* The row handlers, one per kind (import_records.c, import_catalogue.c). */
enum cvom_status cvom__import_account(struct importer *im);
enum cvom_status cvom__import_parents(struct importer *im);
/* Whom each stakeholder of the file reports to, once every row is in (a manager may come
 * after their reports): the references kept in parents, resolved within each account. */
enum cvom_status cvom__import_bosses(struct importer *im);
enum cvom_status cvom__import_stakeholder(struct importer *im);
enum cvom_status cvom__import_response(struct importer *im);
enum cvom_status cvom__import_offering(struct importer *im);
enum cvom_status cvom__import_rating(struct importer *im);
enum cvom_status cvom__import_value(struct importer *im);
enum cvom_status cvom__import_signal(struct importer *im);
enum cvom_status cvom__import_network(struct importer *im);

/* A date cell (or the default date when it is empty), failing at the cell with the reason. */
enum cvom_status cvom__imp_date(struct importer *im, const struct cvom_csv_field *f, int32_t *date);

#endif
