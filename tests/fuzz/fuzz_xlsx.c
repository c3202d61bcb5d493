/* fuzz_xlsx.c — fuzz target for the workbook reader (src/io/xlsx.h).
 *
 * The input is a sheet's XML: the harness wraps it, stored uncompressed, in an otherwise
 * valid workbook (made with libzip) whose shared strings, styles (a date format) and
 * relationships are fixed, so that the mutations reach the XML handlers instead of failing
 * the zip's checksums. Reading must end in rows or an error, never a crash; every row has
 * 1 to 512 fields, each NUL-terminated at its length without NUL inside and at most 64 KiB,
 * on the row's line, with columns 1, 2, …; rows come in increasing order; an error has a
 * status of EPARSE, ELIMIT or ENOMEM, a message, and is given again on the next call.
 */
#include "io/xlsx.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char workbook[] =
    "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships\"><sheets><sheet name=\"Fuzz\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
    "</workbook>";
static const char rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
    "2006/relationships\"><Relationship Id=\"rId1\" Type=\"worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/></Relationships>";
static const char strings[] =
    "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\"><si><t>name</t></si><si><r><t>Acme </t></r><r><t>Corp</t></r></si>"
    "<si><t xml:space=\"preserve\"> x </t><rPh><t>hidden</t></rPh></si></sst>";
static const char styles[] =
    "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/"
    "spreadsheetml/2006/main\"><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/>"
    "</numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
    "</cellXfs></styleSheet>";

static const uint8_t *cur_data;
static size_t cur_size;

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void fail(const char *fmt, ...)
{
    fputs("fuzz_xlsx: invariant broken: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ninput (%zu bytes): %.*s\n", cur_size, (int)(cur_size < 2000 ? cur_size : 2000),
            (const char *)cur_data);
    abort();
}

static int add(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    if (!s)
        return -1;
    zip_int64_t i = zip_file_add(z, name, s, ZIP_FL_OVERWRITE);
    if (i < 0) {
        zip_source_free(s);
        return -1;
    }
    return zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

/* The workbook around the sheet, as bytes the caller frees; NULL when libzip fails. */
static uint8_t *wrap(const uint8_t *sheet, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    uint8_t *out = NULL;
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (!z)
        goto done;
    zip_source_keep(src);
    if (add(z, "xl/workbook.xml", workbook, sizeof workbook - 1) ||
        add(z, "xl/_rels/workbook.xml.rels", rels, sizeof rels - 1) ||
        add(z, "xl/sharedStrings.xml", strings, sizeof strings - 1) ||
        add(z, "xl/styles.xml", styles, sizeof styles - 1) ||
        add(z, "xl/worksheets/sheet1.xml", sheet, n) || zip_close(z) != 0) {
        zip_discard(z);
        goto done;
    }
    zip_stat_t st;
    if (zip_source_open(src) == 0) {
        if (zip_source_stat(src, &st) == 0 && (out = malloc(st.size ? st.size : 1)))
            *len = (size_t)zip_source_read(src, out, st.size);
        zip_source_close(src);
    }
done:
    if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

static void check_row(const struct cvom_csv_row *row, long *last)
{
    if (row->n < 1 || row->n > 512)
        fail("a row of %zu fields", row->n);
    if (row->line <= *last)
        fail("row %ld after row %ld", row->line, *last);
    *last = row->line;
    for (size_t i = 0; i < row->n; i++) {
        const struct cvom_csv_field *f = &row->fields[i];
        if (!f->s || strlen(f->s) != f->len || f->len > 65536)
            fail("field %zu of row %ld: length %zu", i, row->line, f->len);
        if (f->line != row->line || f->column != (long)i + 1)
            fail("field %zu of row %ld at %ld:%ld", i, row->line, f->line, f->column);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cur_data = data;
    cur_size = size;
    size_t len = 0;
    uint8_t *book = wrap(data, size, &len);
    if (!book)
        return 0;
    struct cvom_xlsx *x = NULL;
    struct cvom_error err;
    enum cvom_status st = cvom__xlsx_open_mem(book, len, "fuzz.xlsx", NULL, &x, &err);
    if (st != CVOM_OK && x)
        fail("a failed open returned a reader");
    struct cvom_csv_row row;
    long last = 0;
    while (!st && !(st = cvom__xlsx_next(x, &row, &err)) && !row.eof)
        check_row(&row, &last);
    if (st && st != CVOM_EPARSE && st != CVOM_ELIMIT && st != CVOM_ENOMEM)
        fail("status %d", (int)st);
    if (st && !err.message[0])
        fail("an error without a message");
    if (st && x) {
        struct cvom_error again;
        if (cvom__xlsx_next(x, &row, &again) != st || strcmp(again.message, err.message) != 0)
            fail("the error is not given again");
    }
    cvom__xlsx_close(x);
    free(book);
    return 0;
}
