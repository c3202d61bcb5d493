/* instrument_csv.h — instruments as files: a preamble of '# key: value' lines (name,
 * version, min_items) followed by a CSV table with the header
 * code,axis,reverse,weight,scale_min,scale_max,statement[,construct][,respondent], in any
 * order: the statement in our words, the respondent text in the respondent's own voice. */
#ifndef CVOM_IO_INSTRUMENT_CSV_H
#define CVOM_IO_INSTRUMENT_CSV_H

#include "cvom.h"

#include <stdio.h>

/* Largest instrument file accepted. */
#define CVOM_INSTRUMENT_FILE_MAX (4u << 20)

/* Parse an instrument from buf (name is used in error messages). out must be initialised;
 * on failure it is left empty and err names the line and column. */
enum cvom_status cvom__instrument_parse(const char *buf, size_t len, const char *name,
                                        struct cvom_instrument *out, struct cvom_error *err);
/* Read and parse a file ("-" for standard input). */
enum cvom_status cvom__instrument_load(const char *path, struct cvom_instrument *out,
                                       struct cvom_error *err);
/* The instrument that ships with cvom (data/instrument-default.csv, embedded). */
enum cvom_status cvom__instrument_default(struct cvom_instrument *out, struct cvom_error *err);

/* Write the instrument: full = 1 writes the file format (preamble, construct column and the
 * respondent column when an item has a respondent text, so it reads back identically);
 * full = 0 writes only the table with the header
 * code,axis,reverse,weight,scale_min,scale_max,statement,respondent, the respondent text
 * being the statement where an item has none. CVOM_EIO on a write error. */
enum cvom_status cvom__instrument_write(FILE *f, const struct cvom_instrument *ins, int full);

/* Files of a '# key: value' preamble and a CSV table (instruments, language files): key is
 * called for each preamble line with a colon, with the line and the column where the value
 * starts; the table's header is matched against names (those marked required must be
 * there, none twice, in any order), and row is called for each row after it with map[c] the
 * field of column c (-1 when absent; a row too short for a column present is refused here).
 * Failures made with cvom__file_error name the file, line and column; `missing` is the
 * message when the file has no table. */
#define CVOM_TABLE_COLUMNS_MAX 16
struct cvom_csv_row;
struct cvom_table_spec {
    const char *const *names;
    const int *required;
    int n;
    enum cvom_status (*key)(void *ctx, const char *key, const char *val, long line, long column,
                            struct cvom_error *err);
    enum cvom_status (*row)(void *ctx, const struct cvom_csv_row *row, const int *map,
                            struct cvom_error *err);
    const char *missing; /* the message when there is no table */
};
enum cvom_status cvom__table_read(const char *buf, size_t len, const char *name,
                                  const struct cvom_table_spec *spec, void *ctx,
                                  struct cvom_error *err);

/* Set err to "msg: value" (value may be NULL) at name:line:col; returns st. */
enum cvom_status cvom__file_error(struct cvom_error *err, const char *name, long line, long col,
                                  enum cvom_status st, const char *msg, const char *value);

/* Write one CSV field, quoted when it needs to be. Returns 0 or EOF. */
int cvom__csv_put(FILE *f, const char *s);

#endif
