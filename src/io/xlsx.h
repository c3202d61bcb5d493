/* xlsx.h — reading one sheet of an Office Open XML workbook (.xlsx) row by row, as the CSV
 * reader does: shared and inline strings, numbers, dates (cells with a date format) as
 * YYYY-MM-DD, booleans, empty cells, and the saved values of formulas. Errors name the
 * place as spreadsheets do: row and column (err->line, err->column; see
 * cvom__xlsx_cell_name) in the sheet cvom__xlsx_sheet names.
 *
 * Every part read is bounded (decompressed size, strings, cells per row, XML nesting), so
 * a hostile or broken workbook — a zip bomb among them — is refused, never followed. */
#ifndef CVOM_IO_XLSX_H
#define CVOM_IO_XLSX_H

#include "io/csv.h"

#include <stddef.h>

struct cvom_xlsx;

struct cvom_xlsx_opts {
    const char *sheet;  /* the sheet to read by name; NULL or "": the first */
    size_t max_part;    /* bytes of one decompressed part; default 512 MiB */
    size_t max_strings; /* bytes of the shared strings, decompressed; default 256 MiB */
    size_t max_field;   /* bytes of one cell's text; default 65536, as for CSV */
    size_t max_fields;  /* columns up to the last cell with a value; default 512 */
};

void cvom__xlsx_opts_init(struct cvom_xlsx_opts *o);

/* Whether the first n bytes at head start a zip archive (a workbook, or another kind of
 * zip the reader will refuse with its reason). */
int cvom__xlsx_is_zip(const void *head, size_t n);

/* Open the workbook at path, or len bytes at buf (not copied: it must outlive the reader),
 * and position it at the chosen sheet. name is used in messages (copied). Outcomes:
 * CVOM_OK; CVOM_EIO when the file cannot be read (with strerror); CVOM_EPARSE when it is
 * not a workbook or is damaged (an OpenDocument spreadsheet or an old .xls is named as
 * such); CVOM_ENOTFOUND when there is no such sheet (the message lists those there are);
 * CVOM_ELIMIT past a bound. */
enum cvom_status cvom__xlsx_open_file(const char *path, const char *name,
                                      const struct cvom_xlsx_opts *o, struct cvom_xlsx **out,
                                      struct cvom_error *err);
enum cvom_status cvom__xlsx_open_mem(const void *buf, size_t len, const char *name,
                                     const struct cvom_xlsx_opts *o, struct cvom_xlsx **out,
                                     struct cvom_error *err);
void cvom__xlsx_close(struct cvom_xlsx *x);

/* The next row that has a cell (rows the sheet leaves out are skipped, as blank lines are
 * in CSV). Fields run from column A to the last cell of the row; cells the sheet leaves
 * out are empty fields. row->line is the sheet's row number, each field's column its
 * column number (A = 1). At the end: CVOM_OK with row->eof = 1. On a defect: CVOM_EPARSE
 * or CVOM_ELIMIT with err->line and err->column at the cell (0 when the defect has no
 * cell). The fields are valid until the next call. */
enum cvom_status cvom__xlsx_next(struct cvom_xlsx *x, struct cvom_csv_row *row,
                                 struct cvom_error *err);

/* The name of the sheet being read (valid while the reader is open). */
const char *cvom__xlsx_sheet(const struct cvom_xlsx *x);
/* Decompressed bytes of the sheet read so far, and its size, for progress reports. */
size_t cvom__xlsx_offset(const struct cvom_xlsx *x);

/* "C7" for row 7, column 3 (AA is column 27). */
void cvom__xlsx_cell_name(long row, long column, char *buf, size_t cap);

#endif
