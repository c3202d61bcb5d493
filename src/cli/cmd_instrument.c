/* cmd_instrument.c — `cvom instrument list|show|import|export`: the questionnaires. */
#include "cli/cli.h"

#include "io/instrument_csv.h"
#include "io/lang.h"
#include "io/util.h"
#include "service/texts.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

/* "NAME", "NAME@VERSION" or a numeric id; an empty ref means the default instrument. */
static int resolve(struct cli *c, const char *ref, int64_t *id)
{
    char name[CVOM_NAME_MAX];
    long v = 0;
    enum cvom_status st;
    if (!ref)
        ref = "default";
    cvom__copy_str(name, sizeof name, ref);
    char *at = strchr(name, '@');
    if (at) {
        *at = '\0';
        if (cvom__parse_long(at + 1, 1, 1000000, &v))
            return cli_usage_error(c, "bad version in '%s'", ref);
    }
    if (!at && cvom__parse_long(ref, 1, INT32_MAX, &v) == CVOM_OK) {
        *id = v;
        return 0;
    }
    st = at ? c->store->ops->instrument_find(c->store, name, (int)v, id, &c->err)
            : c->store->ops->instrument_latest(c->store, name, id, &c->err);
    if (st == CVOM_ENOTFOUND)
        cvom_error_set(&c->err, st, "no instrument '%s'", ref);
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int list_row(void *ctx, int64_t id, const char *name, int version, size_t n)
{
    char i[24], v[16], k[16];
    fmt_id(i, sizeof i, id);
    snprintf(v, sizeof v, "%d", version);
    snprintf(k, sizeof k, "%zu", n);
    const char *cells[] = {i, name, v, k};
    return table_add(ctx, cells) ? 1 : 0;
}

static int instrument_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id", "name", "version", "items"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[--format FMT]",
                  "List the instruments in the database, every version.", pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct table *t = table_new(cols, "nsnn");
    if (!t)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    enum cvom_status st = c->store->ops->instrument_list(c->store, list_row, t, &c->err);
    if (!st)
        table_print(t, stdout, fmt);
    table_free(t);
    return st ? cli_fail(c, st, &c->err) : 0;
}

/* Each item with its statement and, below it, what the respondent reads in the language
 * shown (marked when an item has no text in that language and shows the English one). */
static void show_text(const struct cvom_instrument *ins, const struct cvom_texts *tx)
{
    printf("%s, version %d — %zu items, at least %d answered per axis; respondent texts in "
           "%s\n\n",
           ins->name, ins->version, ins->n_items, ins->min_items, tx->lang);
    for (size_t i = 0; i < ins->n_items; i++) {
        const struct cvom_item *it = &ins->items[i];
        printf("%-8s %-12s %d–%d%s%s\n         %s\n", it->code, cvom_axis_name(it->axis),
               it->scale_min, it->scale_max, it->reverse ? "  reverse-coded" : "",
               it->weight != 1 ? "  weighted" : "", it->statement);
        printf("         asks%s: %s\n", cvom__texts_item_translated(tx, i) ? "" : " (in English)",
               cvom__texts_item(tx, i));
        if (it->construct[0])
            printf("         measures: %s\n", it->construct);
    }
}

/* As the API's instrument, each item with what the respondent reads; with a language asked,
 * also that language and whether each item's text is in it. */
static void show_json(const struct cvom_instrument *ins, const struct cvom_texts *tx, int asked)
{
    json_t *items = json_array();
    for (size_t i = 0; i < ins->n_items; i++) {
        const struct cvom_item *it = &ins->items[i];
        json_t *o = json_pack("{s:s, s:s, s:b, s:f, s:i, s:i, s:s, s:s, s:s}", "code", it->code,
                              "axis", cvom_axis_name(it->axis), "reverse", it->reverse, "weight",
                              it->weight, "scale_min", it->scale_min, "scale_max", it->scale_max,
                              "statement", it->statement, "construct", it->construct, "respondent",
                              cvom__texts_item(tx, i));
        if (asked)
            json_object_set_new(o, "translated", json_boolean(cvom__texts_item_translated(tx, i)));
        json_array_append_new(items, o);
    }
    json_t *o = json_pack("{s:s, s:i, s:i, s:o}", "name", ins->name, "version", ins->version,
                          "min_items", ins->min_items, "items", items);
    if (asked)
        json_object_set_new(o, "lang", json_string(tx->lang));
    json_dumpf(o, stdout, JSON_INDENT(2));
    putchar('\n');
    json_decref(o);
}

static int load_id(struct cli *c, const char *ref, struct cvom_instrument *ins, int64_t *idp)
{
    int64_t id;
    int rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    if ((rc = resolve(c, ref, &id)))
        return rc;
    enum cvom_status st = c->store->ops->instrument_get(c->store, id, ins, &c->err);
    if (st == CVOM_ENOTFOUND)
        cvom_error_set(&c->err, st, "no instrument with id %lld", (long long)id);
    if (!st && idp)
        *idp = id;
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int load(struct cli *c, const char *ref, struct cvom_instrument *ins)
{
    return load_id(c, ref, ins, NULL);
}

static int instrument_show(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {.name = "lang",
         .kind = 's',
         .arg = "TAG",
         .help = "the language of the respondent texts (default en)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[NAME[@VERSION]|ID] [--format FMT] [--lang TAG]",
                  "Show an instrument's items (default: the newest version of 'default'): each "
                  "statement, and what the respondent reads in the language asked (the English "
                  "text where that language has none).\n"
                  "CSV: one row per item with the header "
                  "code,axis,reverse,weight,scale_min,scale_max,statement,respondent.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    const char *lang = opts[1].set ? opts[1].value : "en";
    if (!cvom__language_ok(lang, 0))
        return cli_usage_error(c, "'%s' is not a language tag such as de or pt-BR", lang);
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    int64_t id = 0;
    if ((rc = load_id(c, np ? pos[0] : NULL, &ins, &id)))
        return rc;
    struct cvom_texts tx;
    enum cvom_status st = cvom__texts_open(&tx, c->store, id, &ins, lang, &c->err);
    if (!st && fmt == FMT_CSV) {
        /* the table with each respondent text in the language asked */
        for (size_t i = 0; i < ins.n_items; i++)
            cvom__copy_str(ins.items[i].respondent, sizeof ins.items[i].respondent,
                           cvom__texts_item(&tx, i));
        cvom__instrument_write(stdout, &ins, 0);
    } else if (!st && fmt == FMT_JSON) {
        show_json(&ins, &tx, opts[1].set);
    } else if (!st) {
        show_text(&ins, &tx);
    }
    cvom__texts_close(&tx);
    cvom_instrument_cleanup(&ins);
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int instrument_export(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "[NAME[@VERSION]|ID]",
                  "Write an instrument in the file format 'cvom instrument import' reads, to "
                  "standard output.",
                  pos, 1, 0, &np, &rc))
        return rc;
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    if ((rc = load(c, np ? pos[0] : NULL, &ins)))
        return rc;
    enum cvom_status st = cvom__instrument_write(stdout, &ins, 1);
    cvom_instrument_cleanup(&ins);
    return st ? cli_fail(c, st, NULL) : 0;
}

/* Whether a file is a language file: its preamble says '# lang:'. */
static int says_lang(const char *buf, size_t len)
{
    for (size_t p = 0; p < len && buf[p] == '#';) {
        const char *nl = memchr(buf + p, '\n', len - p);
        size_t end = nl ? (size_t)(nl - buf) : len, q = p + 1;
        while (q < end && buf[q] == ' ')
            q++;
        if (end - q >= 5 && memcmp(buf + q, "lang:", 5) == 0)
            return 1;
        p = end + 1;
    }
    return 0;
}

/* A language file's texts stored for the instrument ref (default: the newest 'default'). */
static int import_texts(struct cli *c, const char *path, const char *buf, size_t len,
                        const char *lang, const char *ref)
{
    struct cvom_lang_file f;
    cvom__lang_init(&f);
    enum cvom_status st = cvom__lang_parse(buf, len, path, lang, &f, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    int64_t id = 0;
    int rc = load_id(c, ref ? ref : f.instrument[0] ? f.instrument : NULL, &ins, &id);
    if (!rc) {
        cli_audit(c, ins.name, "texts in %s, %zu", f.lang, f.n);
        if (!(st = cli_begin(c))) {
            if (!(st = cvom__texts_import(c->store, id, &ins, &f, path, &c->err)))
                st = cli_commit(c);
            if (st)
                cli_rollback(c);
        }
        fprintf(stderr, "%s %zu texts in %s for %s version %d\n", st ? "not imported:" : "imported",
                f.n, f.lang, ins.name, ins.version);
        rc = st ? cli_fail(c, st, &c->err) : 0;
    }
    cvom_instrument_cleanup(&ins);
    cvom__lang_cleanup(&f);
    return rc;
}

static int instrument_import(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "lang",
         .kind = 's',
         .arg = "TAG",
         .help = "the file holds texts in this language (a '# lang:' line says it too)"},
        {.name = "instrument",
         .kind = 's',
         .arg = "NAME[@VERSION]|ID",
         .help = "the instrument a language file's texts are for (default: its '# instrument:' "
                 "line, else the newest 'default')"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "FILE [--lang TAG] [--instrument REF]",
                  "Add an instrument from a file: '# name:', '# version:' and '# min_items:' "
                  "lines, then a CSV table with the header\n"
                  "code,axis,reverse,weight,scale_min,scale_max,statement[,construct]"
                  "[,respondent].\n"
                  "A name and version already in the database are refused: publish changes "
                  "as a new version, so old assessments keep theirs.\n"
                  "With --lang, or when the file has a '# lang:' line, the file holds texts in "
                  "a language instead: a table key,text with the respondent text of items "
                  "(item.CODE) and the texts of the survey page (the message ids of "
                  "data/lang/en.csv). They are added to the instrument, replacing texts of the "
                  "same language and key.",
                  pos, 1, 1, &np, &rc))
        return rc;
    char *buf;
    size_t len;
    enum cvom_status st = cvom__read_file(pos[0], CVOM_INSTRUMENT_FILE_MAX, &buf, &len, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    if (opts[0].set || says_lang(buf, len)) {
        rc = cli_store_existing(c)
                 ? cli_fail(c, c->err.status, &c->err)
                 : import_texts(c, pos[0], buf, len, opts[0].set ? opts[0].value : NULL,
                                opts[1].set ? opts[1].value : NULL);
        free(buf);
        return rc;
    }
    if (opts[1].set) {
        free(buf);
        return cli_usage_error(c, "--instrument goes with a language file");
    }
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    st = cvom__instrument_parse(buf, len, pos[0], &ins, &c->err);
    free(buf);
    if (st)
        return cli_fail(c, st, &c->err);
    int64_t id = 0;
    cli_audit(c, ins.name, "version %d, %zu items", ins.version, ins.n_items);
    if (!(st = cli_store(c)) && !(st = cli_begin(c))) {
        if (!(st = c->store->ops->instrument_put(c->store, &ins, &id, &c->err)))
            st = cli_commit(c);
        if (st)
            cli_rollback(c);
    }
    if (!st)
        printf("%lld\n", (long long)id);
    fprintf(stderr, "%s %s version %d (%zu items)\n", st ? "not imported:" : "imported", ins.name,
            ins.version, ins.n_items);
    cvom_instrument_cleanup(&ins);
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int instrument_reliability(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[NAME[@VERSION]|ID] [--format FMT]",
                  "How consistently each axis of an instrument version measures one thing: "
                  "Cronbach's alpha over every complete assessment made with it, and each "
                  "item's correlation with the rest of its axis (corrected item-total). CSV "
                  "and JSON columns: axis, item, cases, alpha, item_total.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    int64_t id;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    if ((rc = resolve(c, np ? pos[0] : NULL, &id)) || (rc = load(c, np ? pos[0] : NULL, &ins)))
        return rc;
    struct cvom_axis_reliability rel[CVOM_DIM_COUNT];
    enum cvom_status st = cvom__instrument_reliability(c->store, id, &ins, rel, &c->err);
    if (st) {
        cvom_instrument_cleanup(&ins);
        return cli_fail(c, st, &c->err);
    }
    if (fmt == FMT_TEXT) {
        printf("%s, version %d: internal consistency of each axis\n", ins.name, ins.version);
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            const struct cvom_axis_reliability *r = &rel[d];
            char a[16];
            fmt_num(a, sizeof a, r->alpha, 3);
            printf("\n%s: alpha %s over %zu complete assessments of %zu items\n",
                   d ? "Emotional" : "Intellectual", a[0] ? a : "— (too few)", r->cases, r->items);
            for (size_t j = 0; j < r->items; j++) {
                char it[16];
                fmt_num(it, sizeof it, r->item_total[j], 2);
                const struct cvom_item *item = &ins.items[r->index[j]];
                printf("  %-8s %6s  %s%s\n", item->code, it[0] ? it : "—", item->construct,
                       !isnan(r->item_total[j]) && r->item_total[j] < 0.3
                           ? "   <- weakly related to the rest of the axis"
                           : "");
            }
        }
        printf("\nAn alpha of 0.7 or more is usually read as one consistent measure; an item "
               "whose\nitem-total correlation is low may measure something else.\n");
    } else {
        static const char *const cols[] = {"axis", "item", "cases", "alpha", "item_total"};
        struct table *t = table_new(cols, "ssnnn");
        for (int d = 0; t && d < CVOM_DIM_COUNT; d++)
            for (size_t j = 0; j < rel[d].items; j++) {
                char n[24], a[24], it[24];
                snprintf(n, sizeof n, "%zu", rel[d].cases);
                fmt_num(a, sizeof a, rel[d].alpha, 6);
                fmt_num(it, sizeof it, rel[d].item_total[j], 6);
                const char *cells[] = {cvom_dim_name((enum cvom_dim)d),
                                       ins.items[rel[d].index[j]].code, n, a, it};
                table_add(t, cells);
            }
        if (t)
            table_print(t, stdout, fmt);
        table_free(t);
    }
    cvom_instrument_cleanup(&ins);
    return 0;
}

int cmd_instrument(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"list", instrument_list, "list instruments and versions"},
        {"show", instrument_show, "show an instrument's items"},
        {"import", instrument_import, "add an instrument (or a new version) from a file"},
        {"export", instrument_export, "write an instrument as a file"},
        {"reliability", instrument_reliability, "Cronbach's alpha and item-total correlations"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "instrument", cmds, argc, argv);
}
