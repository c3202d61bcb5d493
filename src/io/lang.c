/* lang.c — reading language files, and the built-in ones (English, German, French). */
#include "io/lang.h"

#include "io/csv.h"
#include "io/instrument_csv.h"
#include "io/util.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char cvom__lang_en_csv[], cvom__lang_de_csv[], cvom__lang_fr_csv[];
extern const size_t cvom__lang_en_csv_len, cvom__lang_de_csv_len, cvom__lang_fr_csv_len;

static const struct {
    const char *tag;
    const unsigned char *data;
    const size_t *len;
} builtin[] = {
    {"en", cvom__lang_en_csv, &cvom__lang_en_csv_len},
    {"de", cvom__lang_de_csv, &cvom__lang_de_csv_len},
    {"fr", cvom__lang_fr_csv, &cvom__lang_fr_csv_len},
};

void cvom__lang_init(struct cvom_lang_file *f)
{
    memset(f, 0, sizeof *f);
}

void cvom__lang_cleanup(struct cvom_lang_file *f)
{
    free(f->v);
    cvom__lang_init(f);
}

static int letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static enum cvom_status lang_key(void *ctx, const char *key, const char *val, long line,
                                 long column, struct cvom_error *err)
{
    struct cvom_lang_file *f = ctx;
    if (strcmp(key, "lang") == 0) {
        if (!cvom__language_ok(val, 0))
            return cvom__file_error(err, "", line, column, CVOM_EINVAL,
                                    "not a language tag such as de or pt-BR", val);
        if (f->lang[0] && strcmp(f->lang, val) != 0)
            return cvom__file_error(err, "", line, column, CVOM_EINVAL,
                                    "the file says another language than asked", val);
        cvom__copy_str(f->lang, sizeof f->lang, val);
    } else if (strcmp(key, "name") == 0 || strcmp(key, "instrument") == 0) {
        char *dst = key[0] == 'n' ? f->name : f->instrument;
        if (cvom__copy_str(dst, CVOM_NAME_MAX, val))
            return cvom__file_error(err, "", line, column, CVOM_ELIMIT, "too long", NULL);
    }
    return CVOM_OK;
}

/* A key's form: an item's ("item." and a code) or a message id (letters, digits, '.', '_'),
 * and for a message id, one that ids (the English file) has, unless ids is NULL. */
static const char *key_problem(const char *key, const struct cvom_lang_file *ids)
{
    if (strncmp(key, "item.", 5) == 0) {
        const char *code = key + 5;
        if (!code[0] || strlen(code) >= CVOM_CODE_MAX)
            return "not an item code";
        for (const char *p = code; *p; p++)
            if (!letter(*p) && !(*p >= '0' && *p <= '9') && *p != '_' && *p != '.' && *p != '-')
                return "not an item code";
        return NULL;
    }
    for (const char *p = key; *p; p++)
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') && *p != '_' && *p != '.')
            return "not a message id";
    if (!key[0])
        return "no key";
    if (ids && !cvom__lang_get(ids, key))
        return "no text of the survey page has this id (see data/lang/en.csv)";
    return NULL;
}

struct parse_ctx {
    struct cvom_lang_file f;
    const struct cvom_lang_file *ids;
    const char *name;
};

static enum cvom_status lang_key_ctx(void *ctx, const char *key, const char *val, long line,
                                     long column, struct cvom_error *err)
{
    return lang_key(&((struct parse_ctx *)ctx)->f, key, val, line, column, err);
}

static enum cvom_status text_row(void *ctx, const struct cvom_csv_row *row, const int *map,
                                 struct cvom_error *err)
{
    struct parse_ctx *p = ctx;
    const char *name = p->name;
    const struct cvom_csv_field *k = &row->fields[map[0]], *t = &row->fields[map[1]];
    const char *problem = key_problem(k->s, p->ids);
    if (problem)
        return cvom__file_error(err, name, k->line, k->column, CVOM_EINVAL, problem, k->s);
    if (cvom__lang_get(&p->f, k->s))
        return cvom__file_error(err, name, k->line, k->column, CVOM_EEXIST, "the key appears twice",
                                k->s);
    const char *text = cvom__csv_unguard(t->s);
    if (!text[0])
        return cvom__file_error(err, name, t->line, t->column, CVOM_EINVAL, "empty text for", k->s);
    struct cvom_lang_entry *v =
        cvom__grow(p->f.v, &p->f.cap, p->f.n + 1, sizeof *p->f.v, CVOM_LANG_TEXTS_MAX);
    if (!v)
        return p->f.n >= CVOM_LANG_TEXTS_MAX
                   ? cvom__file_error(err, name, row->line, 1, CVOM_ELIMIT, "too many texts", NULL)
                   : cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    p->f.v = v;
    struct cvom_lang_entry *e = &p->f.v[p->f.n];
    e->line = k->line;
    e->column = k->column;
    if (cvom__copy_str(e->key, sizeof e->key, k->s) ||
        cvom__copy_str(e->text, sizeof e->text, text))
        return cvom__file_error(err, name, t->line, t->column, CVOM_ELIMIT, "text too long for",
                                k->s);
    p->f.n++;
    return CVOM_OK;
}

static enum cvom_status parse(const char *buf, size_t len, const char *name, const char *lang,
                              const struct cvom_lang_file *ids, struct cvom_lang_file *out,
                              struct cvom_error *err)
{
    static const char *const names[] = {"key", "text"};
    static const int required[] = {1, 1};
    const struct cvom_table_spec spec = {
        names, required, 2, lang_key_ctx, text_row, "no table with the header key,text"};
    struct parse_ctx p = {.ids = ids, .name = name};
    cvom__lang_init(&p.f);
    if (lang && !cvom__language_ok(lang, 0))
        return cvom_error_set(err, CVOM_EINVAL, "'%s' is not a language tag such as de or pt-BR",
                              lang);
    if (lang)
        cvom__copy_str(p.f.lang, sizeof p.f.lang, lang);
    enum cvom_status st = cvom__table_read(buf, len, name, &spec, &p, err);
    if (!st && !p.f.lang[0])
        st =
            cvom__file_error(err, name, 1, 1, CVOM_EINVAL,
                             "the language is not said: add a line '# lang: TAG' or give it", NULL);
    if (st) {
        cvom__lang_cleanup(&p.f);
        return st;
    }
    cvom__lang_cleanup(out);
    *out = p.f;
    return CVOM_OK;
}

static enum cvom_status builtin_parse(size_t i, struct cvom_lang_file *out,
                                      const struct cvom_lang_file *ids, struct cvom_error *err)
{
    char name[32];
    snprintf(name, sizeof name, "data/lang/%s.csv", builtin[i].tag);
    return parse((const char *)builtin[i].data, *builtin[i].len, name, builtin[i].tag, ids, out,
                 err);
}

enum cvom_status cvom__lang_parse(const char *buf, size_t len, const char *name, const char *lang,
                                  struct cvom_lang_file *out, struct cvom_error *err)
{
    struct cvom_lang_file ids;
    cvom__lang_init(&ids);
    enum cvom_status st = builtin_parse(0, &ids, NULL, err);
    if (!st)
        st = parse(buf, len, name, lang, &ids, out, err);
    cvom__lang_cleanup(&ids);
    return st;
}

const char *cvom__lang_get(const struct cvom_lang_file *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].key, key) == 0)
            return f->v[i].text;
    return NULL;
}

size_t cvom__lang_builtin_count(void)
{
    return sizeof builtin / sizeof *builtin;
}

const char *cvom__lang_builtin_tag(size_t i)
{
    return i < cvom__lang_builtin_count() ? builtin[i].tag : NULL;
}

enum cvom_status cvom__lang_builtin(const char *lang, struct cvom_lang_file *out,
                                    struct cvom_error *err)
{
    for (size_t i = 0; i < cvom__lang_builtin_count(); i++)
        if (strcmp(builtin[i].tag, lang) == 0)
            return builtin_parse(i, out, NULL, err);
    return cvom_error_set(err, CVOM_ENOTFOUND, "no built-in texts in '%s'", lang);
}
