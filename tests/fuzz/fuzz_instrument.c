/* fuzz_instrument.c — fuzz target for instrument files (src/io/instrument_csv.h).
 *
 * A failed parse must leave the output empty and name the file, with a line and column
 * inside the input when it gives one. A successful parse must give an instrument that
 * validates and whose items each hold the rules of cvom_instrument_add; written back with
 * cvom__instrument_write(full = 1) it must parse to the same instrument, and writing that
 * again must give the same bytes. The table-only form (full = 0) must give the same items
 * once a preamble is put in front of it.
 */
#include "io/instrument_csv.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz-instrument.csv"

#define FUZZ_NAME "fuzz_instrument"
#include "fail.h"

static int code_ok(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n >= CVOM_CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* Each item as cvom_instrument_add promises, codes unique, the whole validating. */
static void check_valid(const struct cvom_instrument *ins)
{
    struct cvom_error err;
    if (cvom_instrument_validate(ins, &err) != CVOM_OK)
        fail("a parsed instrument does not validate: %s\n", err.message);
    if (!ins->name[0] || strlen(ins->name) >= CVOM_NAME_MAX || ins->version < 1 ||
        ins->min_items < 1)
        fail("bad name, version or min_items\n");
    if (ins->n_items > CVOM_ITEMS_MAX || (ins->n_items && !ins->items))
        fail("%zu items\n", ins->n_items);
    for (size_t i = 0; i < ins->n_items; i++) {
        const struct cvom_item *it = &ins->items[i];
        if (!code_ok(it->code))
            fail("item %zu: bad code\n", i);
        if ((unsigned)it->axis >= CVOM_AXIS_COUNT || (it->reverse != 0 && it->reverse != 1))
            fail("item %s: axis %d, reverse %d\n", it->code, (int)it->axis, it->reverse);
        if (!(it->weight > 0) || !isfinite(it->weight))
            fail("item %s: weight %g\n", it->code, it->weight);
        if (it->scale_min >= it->scale_max || it->scale_min < -1000 || it->scale_max > 1000)
            fail("item %s: scale %d..%d\n", it->code, it->scale_min, it->scale_max);
        if (!it->statement[0] || strlen(it->statement) >= CVOM_TEXT_MAX ||
            strlen(it->construct) >= CVOM_NAME_MAX)
            fail("item %s: statement or construct\n", it->code);
        if (cvom_instrument_find(ins, it->code) != (int)i)
            fail("item %s: code not unique\n", it->code);
    }
}

static int same_weight(double a, double b)
{
    return a == b;
}

/* Whether b equals a; constructs are compared only when with_construct. */
static void check_same(const struct cvom_instrument *a, const struct cvom_instrument *b,
                       int with_construct, const char *what)
{
    if (strcmp(a->name, b->name) != 0 || a->version != b->version || a->min_items != b->min_items ||
        a->n_items != b->n_items)
        fail("%s: instrument '%s' v%d min %d with %zu items came back as '%s' v%d min %d with "
             "%zu items\n",
             what, a->name, a->version, a->min_items, a->n_items, b->name, b->version, b->min_items,
             b->n_items);
    for (size_t i = 0; i < a->n_items; i++) {
        const struct cvom_item *x = &a->items[i], *y = &b->items[i];
        if (strcmp(x->code, y->code) != 0 || strcmp(x->statement, y->statement) != 0 ||
            (with_construct && strcmp(x->construct, y->construct) != 0) ||
            (!with_construct && y->construct[0]) || x->axis != y->axis ||
            /* the table alone gives the statement where an item has no respondent text */
            strcmp(with_construct || x->respondent[0] ? x->respondent : x->statement,
                   y->respondent) != 0 ||
            x->reverse != y->reverse || !same_weight(x->weight, y->weight) ||
            x->scale_min != y->scale_min || x->scale_max != y->scale_max)
            fail("%s: item %zu '%s' (weight %.17g) came back as '%s' (weight %.17g)\n", what, i,
                 x->code, x->weight, y->code, y->weight);
    }
}

/* The instrument written to memory; the caller frees the text. */
static char *write_mem(const struct cvom_instrument *ins, int full, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        fail("open_memstream failed\n");
    if (cvom__instrument_write(f, ins, full) != CVOM_OK)
        fail("cvom__instrument_write failed\n");
    if (fclose(f) != 0)
        fail("fclose of a memory stream failed\n");
    return buf;
}

static void parse_back(const char *text, size_t len, struct cvom_instrument *out, const char *what)
{
    struct cvom_error err;
    cvom_instrument_init(out);
    if (cvom__instrument_parse(text, len, "written.csv", out, &err) != CVOM_OK)
        fail("%s does not parse: %ld:%ld: %s\n--- written:\n%s\n", what, err.line, err.column,
             err.message, text);
}

static void round_trip(const struct cvom_instrument *ins)
{
    size_t len1, len2, len3;
    char *text1 = write_mem(ins, 1, &len1);
    struct cvom_instrument back;
    parse_back(text1, len1, &back, "the written file");
    check_same(ins, &back, 1, "write(full=1) then parse");
    char *text2 = write_mem(&back, 1, &len2);
    if (len1 != len2 || memcmp(text1, text2, len1) != 0)
        fail("writing the instrument read back gives other bytes:\n%s\n---\n%s\n", text1, text2);

    /* The table alone, behind a preamble of our own. */
    char *table = write_mem(ins, 0, &len3);
    static const char head[] =
        "code,axis,reverse,weight,scale_min,scale_max,statement,respondent\n";
    if (len3 < sizeof head - 1 || memcmp(table, head, sizeof head - 1) != 0)
        fail("write(full=0) does not start with the table header\n");
    char pre[256];
    int k = snprintf(pre, sizeof pre, "# name: %s\n# version: %d\n# min_items: %d\n", ins->name,
                     ins->version, ins->min_items);
    if (k < 0 || (size_t)k >= sizeof pre)
        fail("preamble does not fit\n");
    char *both = malloc((size_t)k + len3 + 1);
    if (!both)
        abort();
    memcpy(both, pre, (size_t)k);
    memcpy(both + k, table, len3 + 1);
    struct cvom_instrument plain;
    parse_back(both, (size_t)k + len3, &plain, "the table-only form");
    check_same(ins, &plain, 0, "write(full=0) then parse");

    cvom_instrument_cleanup(&plain);
    cvom_instrument_cleanup(&back);
    free(both);
    free(table);
    free(text1);
    free(text2);
}

static void check_failure(enum cvom_status st, const struct cvom_error *err,
                          const struct cvom_instrument *out, const uint8_t *data, size_t size)
{
    if (st != CVOM_EINVAL && st != CVOM_EPARSE && st != CVOM_ELIMIT && st != CVOM_EEXIST)
        fail("unexpected status %d: %s\n", (int)st, err->message);
    if (out->n_items != 0 || out->items != NULL)
        fail("a failed parse left %zu items behind\n", out->n_items);
    if (strcmp(err->file, NAME) != 0 || !err->message[0])
        fail("error names file '%s', message '%s'\n", err->file, err->message);
    /* Line numbers stay inside the input, or just past its end ("no item table"). */
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (err->line < 0 || err->line > lines + 1 || (err->line > 0 && err->column < 1))
        fail("error at %ld:%ld in an input of %ld lines: %s\n", err->line, err->column, lines,
             err->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CVOM_INSTRUMENT_FILE_MAX)
        return 0;
    fuzz_input(data, size);
    struct cvom_instrument ins;
    struct cvom_error err;
    memset(&err, 0, sizeof err);
    cvom_instrument_init(&ins);
    enum cvom_status st = cvom__instrument_parse((const char *)data, size, NAME, &ins, &err);
    if (st != CVOM_OK) {
        check_failure(st, &err, &ins, data, size);
        return 0;
    }
    check_valid(&ins);
    round_trip(&ins);
    cvom_instrument_cleanup(&ins);
    return 0;
}
