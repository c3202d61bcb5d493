/* csv.h — a streaming RFC 4180 reader with exact positions for every error.
 *
 * Reads from a file descriptor in large blocks; fields are handed out as pointers into the
 * reader's own buffer, valid until the next call. Accepts UTF-8 with or without a BOM, LF
 * or CRLF line ends, quoted fields with embedded delimiters, doubled quotes and newlines.
 * Windows-1252 input is transcoded to UTF-8 only when the caller asks for it.
 */
#ifndef CVOM_CSV_H
#define CVOM_CSV_H

#include "cvom.h"

#include <stddef.h>
#include <stdio.h>

enum cvom_encoding {
    CVOM_ENC_UTF8 = 0, /* invalid UTF-8 is an error with its position */
    CVOM_ENC_CP1252,   /* every byte is mapped to UTF-8; undefined bytes are an error */
    CVOM_ENC_COUNT
};

/* Parse "utf-8"/"utf8" or "windows-1252"/"cp1252" (case-insensitive); -1 otherwise. */
int cvom__encoding_parse(const char *s);

struct cvom_csv_opts {
    enum cvom_encoding encoding;
    char delimiter;    /* default ','; 0: chosen from the first lines of the input, among
                          ',', ';' and tab (see cvom__csv_delimiter) */
    size_t max_field;  /* bytes per field after decoding; default 65536 */
    size_t max_fields; /* fields per row; default 512 */
    size_t max_row;    /* bytes per row; default 1 MiB */
    long first_line;   /* line number of the first byte of input; default 1 (for callers
                          that consumed a preamble themselves) */
    size_t limit;      /* open_fd: read at most this many bytes; 0 (default) = to the end.
                          Lets several readers share one file in byte ranges. */
    int mid_file;      /* 1: the input starts inside a file, so a byte-order mark there
                          is data, not a mark; default 0 */
};

void cvom__csv_opts_init(struct cvom_csv_opts *o);

/* Flags of a field that a workbook's cell can carry (a CSV field has none). */
#define CVOM_CELL_ERROR 1u    /* the cell holds a spreadsheet error; s is its text, "#N/A" */
#define CVOM_CELL_NO_VALUE 2u /* a formula whose value was never saved; s is "" */

struct cvom_csv_field {
    const char *s; /* NUL-terminated, decoded (quotes removed, "" -> "), UTF-8 */
    size_t len;
    long line;      /* 1-based line where the field starts (a sheet's row) */
    long column;    /* 1-based character (code point) column where the field starts (a
                       sheet's column: 1 is A) */
    unsigned flags; /* CVOM_CELL_*; 0 for CSV */
};

struct cvom_csv_row {
    size_t n;                      /* number of fields; 0 only at end of input */
    struct cvom_csv_field *fields; /* borrowed: valid until the next call */
    long line;                     /* line where the row starts */
    int eof;                       /* 1 when there are no more rows */
};

struct cvom_csv;

/* Open a reader on fd (not closed by the reader). name is used in error messages (the
 * file's path, or "-"); it is copied. */
enum cvom_status cvom__csv_open_fd(int fd, const char *name, const struct cvom_csv_opts *opts,
                                   struct cvom_csv **out, struct cvom_error *err);
/* Open a reader on a memory buffer (not copied: it must outlive the reader). */
enum cvom_status cvom__csv_open_mem(const char *buf, size_t len, const char *name,
                                    const struct cvom_csv_opts *opts, struct cvom_csv **out,
                                    struct cvom_error *err);
void cvom__csv_close(struct cvom_csv *r);

/* Read the next row. At end of input returns CVOM_OK with row->eof = 1 and row->n = 0.
 * Blank lines are skipped. On a syntax error returns CVOM_EPARSE (or CVOM_ELIMIT for a
 * bound) with err->file, err->line, err->column and err->message set; the reader cannot
 * continue after an error. */
enum cvom_status cvom__csv_next(struct cvom_csv *r, struct cvom_csv_row *row,
                                struct cvom_error *err);

/* The delimiter in use: the one given, or once the first row was read, the one detected
 * (',' until then). */
char cvom__csv_delimiter(const struct cvom_csv *r);
/* 1 when that delimiter was detected rather than given. */
int cvom__csv_delimiter_detected(const struct cvom_csv *r);

/* Bytes consumed so far from the input, for progress reports. */
size_t cvom__csv_offset(const struct cvom_csv *r);

/* Details of the behaviour above:
 * - A field's line and column are those of its first byte (the opening quote when quoted);
 *   columns count code points (bytes for Windows-1252), from after a byte order mark.
 * - Lines end at LF. Outside quotes a CR must be followed by LF, otherwise the error is
 *   "carriage return without line feed"; inside quotes CR and LF are kept as they are.
 * - The byte order mark is skipped only in UTF-8 mode; invalid UTF-8 is reported at the first
 *   byte of the sequence that does not decode.
 * - max_row counts a row's bytes as read, line end excluded. "field longer than N bytes" and
 *   "more than N fields in a row" point at the start of the offending field, "row longer
 *   than N bytes" at the start of the row (column 1). An error lying past the first max_row
 *   bytes of a row is reported as the row limit.
 * - A quote inside an unquoted field is text (24" Monitor), as spreadsheets and Python's
 *   csv module read it; only a quote that starts a field opens a quoted field.
 * - Detecting the delimiter (delimiter 0) counts ',', ';' and tab outside quotes on each of
 *   the first 11 lines that are not blank (at most 64 KiB) and takes the one that appears
 *   the same number of times on the most lines, then the one that appears more often, then
 *   the comma (also when none appears).
 * - The error messages are fixed: "unterminated quoted field", "unexpected character after
 *   closing quote", "invalid UTF-8 byte sequence", "NUL byte
 *   in input", "carriage return without line feed", "byte 0xNN is not defined in
 *   Windows-1252", "field longer than N bytes", "more than N fields in a row", "row longer
 *   than N bytes". A failed read(2) is CVOM_EIO without a position. */

/* ---- writing ------------------------------------------------------------------------
 * cvom's CSV output is safe to open in a spreadsheet: text that a spreadsheet would take
 * for a formula (it starts with '=', '+', '-', '@', a tab or a carriage return) is written
 * with an apostrophe in front, which spreadsheets read as "this is text"; columns of
 * numbers are written as they are. So that the guard can be undone exactly, text that starts with
 * an apostrophe followed by one of those characters or another apostrophe gets one too.
 * cvom__csv_unguard undoes exactly this: for any text s, unguard(guard(s)) == s. */

/* Whether s is written with the guard. */
int cvom__csv_needs_guard(const char *s);
/* s without the guard cvom puts in front of it: s + 1 when s starts with an apostrophe
 * followed by a character that needs one, s otherwise. */
const char *cvom__csv_unguard(const char *s);
/* Write s as one field: quoted when it holds a comma, quote, CR or LF, and guarded when
 * guard is set and s needs it. 0, or EOF when the stream failed (or memory ran out). */
int cvom__csv_write_field(FILE *f, const char *s, int guard);
/* The same field as text at dst, which must have room for 2 * strlen(s) + 3 bytes; not
 * NUL-terminated. Returns its length. */
size_t cvom__csv_field_text(char *dst, const char *s, int guard);

/* For tests only: read at most n bytes per block (n >= 1) so that small inputs cross block
 * boundaries at every position. Call it right after opening, before cvom__csv_next. */
void cvom__csv_set_block_size(struct cvom_csv *r, size_t n);

#endif
