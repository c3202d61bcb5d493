/* test_import_values.c — the small readers imports rest on: numbers with thousands
 * separators and decimal commas, dates that must exist, name keys, the spreadsheet guard
 * (unguard(guard(s)) == s for every text tried), the text-keyed map, and the import
 * engine's refusals on an in-memory SQLite database. */
#include "check.h"
#include "io/csv.h"
#include "service/import.h"
#include "io/keymap.h"
#include "io/values.h"
#include "io/xlsx.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *canon(const char *s, int comma)
{
    static char out[256];
    char why[200];
    if (cvom__number_canonical(s, comma, out, CVOM_NUMBER_TEXT_MAX, why, sizeof why) != CVOM_OK)
        snprintf(out, sizeof out, "!%s", why);
    return out;
}

static void test_numbers(void)
{
    CHECK_STR(canon("1234.5", 0), "1234.5");
    CHECK_STR(canon(" 1e3 ", 0), "1e3"); /* no separator: left to the caller's parser */
    CHECK_STR(canon("1,234,567", 0), "1234567");
    CHECK_STR(canon("-1,234.50", 0), "-1234.50");
    CHECK_STR(canon("+12,345", 0), "12345");
    CHECK(canon("1,5", 0)[0] == '!');
    CHECK(canon("1234,567", 0)[0] == '!');
    CHECK(canon("12,34,567", 0)[0] == '!');
    CHECK(canon("1,234.5.6", 0)[0] == '!');
    CHECK(strstr(canon("1,23", 0), "'1,23' is not a number") != NULL);
    CHECK(strstr(canon("1,23", 0), "--decimal-comma") != NULL);
    CHECK_STR(canon("1.234,50", 1), "1234.50");
    CHECK_STR(canon("1.234.567", 1), "1234567");
    CHECK_STR(canon("12,5", 1), "12.5");
    CHECK_STR(canon("1234,5", 1), "1234.5");
    CHECK_STR(canon("1 234,5", 1), "1234.5");
    CHECK_STR(canon("1\xC2\xA0"
                    "234,5",
                    1),
              "1234.5"); /* no-break space */
    CHECK_STR(canon("1\xE2\x80\xAF"
                    "234,5",
                    1),
              "1234.5"); /* narrow no-break space */
    CHECK_STR(canon("12", 1), "12");
    CHECK(canon("1.5", 1)[0] == '!');
    CHECK(canon("1.23,4", 1)[0] == '!');
    CHECK(canon("1.234,5x", 1)[0] == '!');
}

static const char *date_why(const char *s)
{
    static char why[200];
    int32_t d;
    if (cvom__date_check(s, &d, why, sizeof why) == CVOM_OK)
        snprintf(why, sizeof why, "ok %d", (int)d);
    return why;
}

static void test_dates(void)
{
    CHECK_STR(date_why("1970-01-02"), "ok 1");
    CHECK_STR(date_why("2024-02-29"), "ok 19782");
    CHECK_STR(date_why("2026-02-30"), "'2026-02-30' is not a real date: February 2026 has 28 days");
    CHECK_STR(date_why("2024-02-30"), "'2024-02-30' is not a real date: February 2024 has 29 days");
    CHECK_STR(date_why("2026-04-31"), "'2026-04-31' is not a real date: April 2026 has 30 days");
    CHECK_STR(date_why("2026-13-01"), "'2026-13-01' is not a real date: there is no month 13");
    CHECK_STR(date_why("1899-12-31"),
              "'1899-12-31' is not a date cvom accepts: years start at 1900");
    CHECK_STR(date_why("30.01.2026"), "'30.01.2026' is not a date YYYY-MM-DD");
    CHECK_STR(date_why(""), "'' is not a date YYYY-MM-DD");
}

static void test_name_keys(void)
{
    char a[64], b[64];
    CHECK_STR(cvom__name_key("  ACME  Corp ", a, sizeof a), "acmecorp");
    CHECK_STR(cvom__name_key("Café Müller", a, sizeof a),
              cvom__name_key("CAFÉ  MÜLLER", b, sizeof b));
    /* a decomposed é (e + combining acute) is the same name as the composed one */
    CHECK_STR(cvom__name_key("Cafe\xCC\x81", a, sizeof a),
              cvom__name_key("Caf\xC3\xA9", b, sizeof b));
    CHECK_STR(cvom__name_key("Straße", a, sizeof a), cvom__name_key("STRASSE", b, sizeof b));
    CHECK_STR(cvom__name_key("A\xC2\xA0"
                             "B",
                             a, sizeof a),
              "ab"); /* no-break space */
    CHECK(strcmp(cvom__name_key("Acme", a, sizeof a), cvom__name_key("Acme Inc", b, sizeof b)));
    CHECK_STR(cvom__name_key("Bad \xFF Name", a, sizeof a), "bad\xFFname"); /* not UTF-8 */
    CHECK_STR(cvom__name_key("abcdef", a, 4), "abc");
    /* Latin-1 letters take a path of their own: the same keys as the Unicode tables give */
    CHECK_STR(cvom__name_key("Société  MÜLLER\t", a, sizeof a), "sociétémüller");
    CHECK_STR(cvom__name_key("ÀÉÎ×ØÞß÷ÿ", a, sizeof a), "àéî×øþss÷ÿ");
    CHECK_STR(cvom__name_key("Éa", a, 3), "é");  /* cut at a character */
    CHECK_STR(cvom__name_key("aß", a, 3), "as"); /* "ss" one character at a time */
    CHECK_STR(cvom__name_key("Société\xC2\xB5", a, sizeof a), "sociétéμ"); /* micro: full path */
}

static void guarded(const char *s, const char *want_written)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(cvom__csv_write_field(f, s, 1), 0);
    fclose(f);
    CHECK_STR(buf, want_written);
    /* read back as one field and unguarded: the text as it was */
    struct cvom_csv *r = NULL;
    struct cvom_csv_row row;
    CHECK_INT(cvom__csv_open_mem(buf, len, "g", NULL, &r, NULL), CVOM_OK);
    if (r && cvom__csv_next(r, &row, NULL) == CVOM_OK && row.n == 1)
        CHECK_STR(cvom__csv_unguard(row.fields[0].s), s);
    else if (s[0])
        CHECK(0);
    cvom__csv_close(r);
    free(buf);
}

static void test_guard(void)
{
    guarded("Plain", "Plain");
    guarded("=1+1", "'=1+1");
    guarded("+1", "'+1");
    guarded("-2", "'-2");
    guarded("@SUM(1)", "'@SUM(1)");
    guarded("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    guarded("=a,b", "\"'=a,b\"");
    guarded("\t=1", "'\t=1");
    guarded("'=1", "''=1");
    guarded("''=1", "'''=1");
    guarded("'plain", "'plain"); /* an apostrophe before ordinary text is text */
    guarded("''", "'''");
    guarded("'", "'");
    /* every short text over an alphabet of the characters that matter */
    const char alpha[] = "'=+-@a";
    char s[5];
    for (int n = 1; n <= 4; n++) {
        int total = 1;
        for (int i = 0; i < n; i++)
            total *= (int)(sizeof alpha - 1);
        for (int k = 0; k < total; k++) {
            int v = k;
            for (int i = 0; i < n; i++, v /= (int)(sizeof alpha - 1))
                s[i] = alpha[v % (int)(sizeof alpha - 1)];
            s[n] = '\0';
            char g[8];
            snprintf(g, sizeof g, "%s%s", cvom__csv_needs_guard(s) ? "'" : "", s);
            CHECK_STR(cvom__csv_unguard(g), s);
            CHECK(!(g[0] == '=' || g[0] == '+' || g[0] == '-' || g[0] == '@'));
        }
    }
}

static void test_keymap(void)
{
    struct cvom_keymap m;
    cvom__keymap_init(&m);
    char key[32];
    int added;
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        struct cvom_keymap_value *v =
            cvom__keymap_put(&m, key, (struct cvom_keymap_value){.id = i, .line = i * 2}, &added);
        CHECK(v && added && v->count == 1);
    }
    struct cvom_keymap_value *v =
        cvom__keymap_put(&m, "k42", (struct cvom_keymap_value){.id = 7}, &added);
    CHECK(v && !added && v->id == 42 && v->line == 84 && v->count == 2);
    CHECK(cvom__keymap_get(&m, "k4999") && cvom__keymap_get(&m, "k4999")->id == 4999);
    CHECK(cvom__keymap_get(&m, "nope") == NULL);
    CHECK(cvom__keymap_get(&m, "") == NULL);
    cvom__keymap_cleanup(&m);
    CHECK(cvom__keymap_get(&m, "k1") == NULL);
    /* Past the size where the slots move to huge pages (2 MiB: 65,536 keys), every key
     * still found with its own value after each doubling, and the empty key is a key. */
    int lost = 0;
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "B%07d", i);
        if (!cvom__keymap_put(&m, i ? key : "", (struct cvom_keymap_value){.id = i}, &added) ||
            !added)
            lost++;
    }
    CHECK_INT(lost, 0);
    CHECK(m.n == 100000);
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "B%07d", i);
        const struct cvom_keymap_value *got = cvom__keymap_get(&m, i ? key : "");
        if (!got || got->id != i || got->count != 1)
            lost++;
    }
    CHECK_INT(lost, 0);
    CHECK(cvom__keymap_get(&m, "B0100000") == NULL);
    cvom__keymap_cleanup(&m);
}

/* The engine on an in-memory database: an import that fails writes nothing the caller
 * keeps, and each refusal names its place. */
static enum cvom_status import(struct cvom_store *st, enum cvom_import_kind kind, const char *text,
                               const struct cvom_import_opts *o, struct cvom_import_result *res,
                               struct cvom_error *err)
{
    struct cvom_csv_opts co;
    cvom__csv_opts_init(&co);
    co.delimiter = 0;
    struct cvom_csv *r = NULL;
    enum cvom_status s = cvom__csv_open_mem(text, strlen(text), "t.csv", &co, &r, err);
    struct cvom_import_source src = {.csv = r};
    if (!s && !(s = st->ops->begin(st, err))) {
        s = cvom__import_run(st, kind, &src, "t.csv", o, res, err);
        if (!s)
            s = st->ops->commit(st, err);
        if (s)
            st->ops->rollback(st);
    }
    cvom__csv_close(r);
    return s;
}

static void test_engine(void)
{
    struct cvom_store *st = NULL;
    struct cvom_error err;
    CHECK_INT(cvom__store_open(":memory:", &st, &err), CVOM_OK);
    if (!st)
        return;
    struct cvom_import_result *res = calloc(1, sizeof *res);
    struct cvom_import_opts o;
    cvom__import_opts_init(&o);
    int64_t n = -1;
    CHECK_INT(import(st, CVOM_IMPORT_ACCOUNTS, "id,name\nA,One\nB,Two\nA,Three\n", &o, res, &err),
              CVOM_EEXIST);
    CHECK_INT(err.line, 4);
    CHECK(strstr(err.message, "line 2 has it already") != NULL);
    CHECK_INT(st->ops->account_count(st, &n, &err), CVOM_OK);
    CHECK_INT(n, 0);
    CHECK_INT(import(st, CVOM_IMPORT_ACCOUNTS, "name;revenue\nAcme;1,5\n", &o, res, &err),
              CVOM_EINVAL);
    o.decimal_comma = 1;
    CHECK_INT(import(st, CVOM_IMPORT_ACCOUNTS, "name;revenue\nAcme;1,5\n;\n", &o, res, &err),
              CVOM_OK);
    CHECK_INT(res->added, 1);
    CHECK_INT(res->skipped_blank, 1);
    CHECK_INT(res->delimiter, ';');
    CHECK_INT(res->delimiter_detected, 1);
    CHECK_STR(res->preview[0].value[4], "1.5");
    CHECK_STR(res->preview[0].action, "add");
    o.decimal_comma = 0;
    CHECK_INT(import(st, CVOM_IMPORT_ACCOUNTS, "name,revenue\nAcme,1.5\n", &o, res, &err), CVOM_OK);
    CHECK_INT(res->unchanged, 1);
    CHECK_INT(import(st, CVOM_IMPORT_ACCOUNTS, "name,revenue\n ACME ,2\n", &o, res, &err), CVOM_OK);
    CHECK_INT(res->updated, 1);
    CHECK_INT(res->matched_by_name, 1);
    CHECK_INT(import(st, CVOM_IMPORT_ACCOUNTS, "name,x\nacme,1,2\n", &o, res, &err), CVOM_EPARSE);
    CHECK_INT(err.column, 8);
    CHECK_STR(err.message,
              "row has 3 fields, the header has 2 (the text here belongs to no column)");
    CHECK_INT(st->ops->account_count(st, &n, &err), CVOM_OK);
    CHECK_INT(n, 1);
    free(res);
    cvom__store_close(st);
}

static void test_cell_names(void)
{
    char b[16];
    cvom__xlsx_cell_name(7, 3, b, sizeof b);
    CHECK_STR(b, "C7");
    cvom__xlsx_cell_name(1, 26, b, sizeof b);
    CHECK_STR(b, "Z1");
    cvom__xlsx_cell_name(12, 27, b, sizeof b);
    CHECK_STR(b, "AA12");
    cvom__xlsx_cell_name(1, 16384, b, sizeof b);
    CHECK_STR(b, "XFD1");
    CHECK(cvom__xlsx_is_zip("PK\x03\x04", 4));
    CHECK(!cvom__xlsx_is_zip("name,x", 6));
}

int main(void)
{
    CHECK_CASE(test_numbers);
    CHECK_CASE(test_dates);
    CHECK_CASE(test_name_keys);
    CHECK_CASE(test_guard);
    CHECK_CASE(test_keymap);
    CHECK_CASE(test_engine);
    CHECK_CASE(test_cell_names);
    return CHECK_DONE();
}
