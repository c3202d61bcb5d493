/* fuzz_lang.c — fuzz target for cvom__lang_parse (src/io/lang.h), the reader of the language
 * files that `cvom instrument import` takes (data/lang/'s format).
 *
 * A refused file gives a status with a message and leaves the output as it was; a refusal
 * at a place names the file with a line inside the input (or just past its end) and a column
 * from 1. An accepted one says its language (a tag cvom__lang_tag_ok accepts), holds at most
 * CVOM_LANG_TEXTS_MAX texts, none empty, with keys that differ (each one found by
 * cvom__lang_get with its own text), each a message id of the English file or "item.CODE".
 * Written back as a language file (the preamble, then key,text) it parses to the same texts.
 */
#include "io/csv.h"
#include "io/lang.h"
#include "store/store.h"

#define FUZZ_NAME "fuzz_lang"
#include "fail.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz-lang.csv"

/* The file as a team would write it from f: its language, then each key and text. */
static char *write_file(const struct cvom_lang_file *f, size_t *len)
{
    size_t cap = 64 + f->n * (2 * sizeof(struct cvom_lang_entry) + 8);
    char *out = malloc(cap);
    if (!out)
        return NULL;
    *len = (size_t)snprintf(out, cap, "# lang: %s\nkey,text\n", f->lang);
    for (size_t i = 0; i < f->n; i++) {
        *len += cvom__csv_field_text(out + *len, f->v[i].key, 1);
        out[(*len)++] = ',';
        *len += cvom__csv_field_text(out + *len, f->v[i].text, 1);
        out[(*len)++] = '\n';
    }
    if (*len > cap)
        fail("the written file overran its buffer");
    return out;
}

static void check_file(const struct cvom_lang_file *f, const struct cvom_lang_file *english)
{
    if (!cvom__language_ok(f->lang, 0))
        fail("an accepted file in language \"%s\"", f->lang);
    if (f->n > CVOM_LANG_TEXTS_MAX)
        fail("an accepted file has %zu texts", f->n);
    for (size_t i = 0; i < f->n; i++) {
        const struct cvom_lang_entry *e = &f->v[i];
        if (!e->text[0])
            fail("text %zu (%s) is empty", i, e->key);
        if (cvom__lang_get(f, e->key) != e->text)
            fail("text %zu (%s) is not the one found by its key", i, e->key);
        if (strncmp(e->key, "item.", 5) != 0 && !cvom__lang_get(english, e->key))
            fail("key %s is neither an item's nor a message id", e->key);
    }
    size_t n = 0;
    char *text = write_file(f, &n);
    if (!text)
        return;
    struct cvom_lang_file again;
    struct cvom_error err = {0};
    cvom__lang_init(&again);
    if (cvom__lang_parse(text, n, NAME, NULL, &again, &err))
        fail("the file written back does not parse: %s (line %ld, column %ld)", err.message,
             err.line, err.column);
    if (again.n != f->n || strcmp(again.lang, f->lang) != 0)
        fail("written and read back: %zu texts in %s, not %zu in %s", again.n, again.lang, f->n,
             f->lang);
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(again.v[i].key, f->v[i].key) != 0 || strcmp(again.v[i].text, f->v[i].text))
            fail("written and read back, text %zu (%s) changed", i, f->v[i].key);
    cvom__lang_cleanup(&again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input(data, size);
    const char *buf = (const char *)data;
    struct cvom_lang_file f, english;
    struct cvom_error err = {0};
    cvom__lang_init(&english);
    if (cvom__lang_builtin("en", &english, &err))
        fail("the built-in English file does not parse: %s", err.message);
    cvom__lang_init(&f);
    f.n = 7; /* a refusal must leave it as it was */
    enum cvom_status st = cvom__lang_parse(buf, size, NAME, NULL, &f, &err);
    if (st == CVOM_OK) {
        check_file(&f, &english);
        cvom__lang_cleanup(&f);
        cvom__lang_cleanup(&english);
        return 0;
    }
    cvom__lang_cleanup(&english);
    if (f.n != 7 || f.v)
        fail("a refused file changed the output");
    if (err.status != st || !err.message[0])
        fail("a refusal without its status or a message");
    if (err.line == 0)
        return 0;
    fuzz_refusal_place(err.file, err.message, err.line, err.column, NAME, buf, size);
    return 0;
}
