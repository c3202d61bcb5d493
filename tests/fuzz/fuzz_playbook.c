/* fuzz_playbook.c — fuzz target for cvom__playbook_parse (src/service/playbooks.h), the reader
 * of the playbook files that `cvom playbook import` takes (data/playbooks.csv's format).
 *
 * A refused file gives CVOM_EPARSE or CVOM_ELIMIT with a message, leaves the output
 * untouched, and says where: the file's name in err->file with a line inside the input (or
 * just past its end) and a column from 1, or, for a file without any play, a message naming
 * the file. An accepted one holds 1 to CVOM_PLAYS_MAX plays, one per row of the CSV after
 * the header (as the CSV reader counts them), each valid by cvom_play_validate, with keys
 * that differ and that cvom_playbook_find finds. Written back as CSV (the header, then each
 * play's fields with the spreadsheet guard, as `cvom playbook export` writes them) it parses
 * to the same plays, and writing those again gives the same bytes.
 */
#include "io/csv.h"
#include "service/playbooks.h"

#define FUZZ_NAME "fuzz_playbook"
#include "fail.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz-playbook.csv"

/* Rows of the input as the CSV reader gives them (blank lines skipped), or -1 when it
 * refuses the input. */
static long csv_rows(const char *buf, size_t len)
{
    struct cvom_csv_opts o;
    struct cvom_csv *r;
    struct cvom_csv_row row;
    struct cvom_error err = {0};
    cvom__csv_opts_init(&o);
    if (cvom__csv_open_mem(buf, len, NAME, &o, &r, &err))
        return -1;
    long n = 0;
    enum cvom_status st;
    while (!(st = cvom__csv_next(r, &row, &err)) && !row.eof)
        n++;
    cvom__csv_close(r);
    return st ? -1 : n;
}

/* Append one field (guarded, quoted as needed) and a separator to out at *len. */
static void put_field(char *out, size_t *len, const char *s, char sep)
{
    *len += cvom__csv_field_text(out + *len, s, 1);
    out[(*len)++] = sep;
}

/* The playbook as `cvom playbook export` writes it; the caller frees the text. */
static char *write_book(const struct cvom_playbook *b, size_t *len)
{
    /* A field takes at most 2 * its length + 3 bytes, and a separator. */
    size_t cap = 256 + b->n * (2 * sizeof(struct cvom_play) + 5 * 4);
    char *out = malloc(cap);
    if (!out)
        return NULL;
    *len = 0;
    for (size_t i = 0; i < CVOM_PLAY_COLUMNS; i++)
        put_field(out, len, cvom_play_column(i), i + 1 < CVOM_PLAY_COLUMNS ? ',' : '\n');
    for (size_t i = 0; i < b->n; i++) {
        const struct cvom_play *p = &b->plays[i];
        put_field(out, len, p->key, ',');
        put_field(out, len, p->title, ',');
        put_field(out, len, p->text, ',');
        put_field(out, len, cvom_play_axis_name(p->axis), ',');
        put_field(out, len, cvom_cost_level_name(p->cost), '\n');
    }
    if (*len > cap)
        fail("the written playbook overran its buffer");
    return out;
}

static int same_play(const struct cvom_play *a, const struct cvom_play *b)
{
    return strcmp(a->key, b->key) == 0 && strcmp(a->title, b->title) == 0 &&
           strcmp(a->text, b->text) == 0 && a->axis == b->axis && a->cost == b->cost;
}

static void check_book(const struct cvom_playbook *b, const char *buf, size_t len)
{
    if (b->n == 0 || b->n > CVOM_PLAYS_MAX)
        fail("an accepted playbook has %zu plays", b->n);
    long rows = csv_rows(buf, len);
    if (rows < 0 || (size_t)rows != b->n + 1)
        fail("%zu plays from %ld CSV rows (one is the header)", b->n, rows);
    for (size_t i = 0; i < b->n; i++) {
        struct cvom_error err = {0};
        if (cvom_play_validate(&b->plays[i], &err))
            fail("play %zu does not validate: %s", i, err.message);
        if (cvom_playbook_find(b, b->plays[i].key) != (int)i)
            fail("play %zu (%s) is not found by its key, or its key is repeated", i,
                 b->plays[i].key);
    }

    size_t n1 = 0, n2 = 0;
    char *text = write_book(b, &n1);
    if (!text)
        return;
    struct cvom_playbook again;
    struct cvom_error err = {0};
    if (cvom__playbook_parse(text, n1, NAME, &again, &err))
        fail("the playbook written back does not parse: %s (line %ld, column %ld)", err.message,
             err.line, err.column);
    if (again.n != b->n)
        fail("written and read back: %zu plays, not %zu", again.n, b->n);
    for (size_t i = 0; i < b->n; i++)
        if (!same_play(&b->plays[i], &again.plays[i]))
            fail("written and read back, play %zu (%s) changed", i, b->plays[i].key);
    char *text2 = write_book(&again, &n2);
    if (text2 && (n2 != n1 || memcmp(text, text2, n1) != 0))
        fail("writing the playbook read back gives other bytes");
    free(text2);
    free(text);
    cvom_playbook_cleanup(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input(data, size);
    const char *buf = (const char *)data;
    struct cvom_playbook b;
    struct cvom_error err = {0};
    memset(&b, 0xA5, sizeof b);
    enum cvom_status st = cvom__playbook_parse(buf, size, NAME, &b, &err);
    if (st == CVOM_OK) {
        check_book(&b, buf, size);
        cvom_playbook_cleanup(&b);
        return 0;
    }
    if (st != CVOM_EPARSE && st != CVOM_ELIMIT)
        fail("status %d (%s) for a file in memory", (int)st, cvom_status_str(st));
    if (err.status != st || !err.message[0])
        fail("a refusal without its status or a message");
    const unsigned char *p = (const unsigned char *)&b;
    for (size_t i = 0; i < sizeof b; i++)
        if (p[i] != 0xA5)
            fail("a refused file changed the output");
    if (err.line == 0) {
        /* Only the faults of the whole file have no position: they name it. */
        if (!strstr(err.message, NAME))
            fail("an error without a position that does not name the file: %s", err.message);
        return 0;
    }
    fuzz_refusal_place(err.file, err.message, err.line, err.column, NAME, buf, size);
    return 0;
}
