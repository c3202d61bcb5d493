/* texts.c — the texts a respondent reads, in a language, each falling back on its own. */
#include "service/texts.h"

#include "io/instrument_csv.h"

#include <string.h>

#define STORED_MAX 65536

static int push_text(void *ctx, const struct cvom_text *x)
{
    return cvom__rows_push(ctx, x);
}

enum cvom_status cvom__texts_open(struct cvom_texts *t, struct cvom_store *st, int64_t id,
                                  const struct cvom_instrument *ins, const char *lang,
                                  struct cvom_error *err)
{
    memset(t, 0, sizeof *t);
    cvom__rows_init(&t->stored, sizeof(struct cvom_text), STORED_MAX);
    cvom__lang_init(&t->builtin);
    cvom__lang_init(&t->english);
    cvom_instrument_init(&t->ship);
    t->ins = ins;
    cvom__copy_str(t->lang, sizeof t->lang, lang && lang[0] ? lang : "en");
    enum cvom_status s = st ? st->ops->text_list(st, id, "", push_text, &t->stored, err) : 0;
    if (!s && t->stored.failed)
        s = cvom_error_set(err, t->stored.failed, "reading the texts of the questionnaire");
    if (!s)
        s = cvom__lang_builtin("en", &t->english, err);
    if (!s && strcmp(t->lang, "en") != 0) {
        s = cvom__lang_builtin(t->lang, &t->builtin, err);
        if (s == CVOM_ENOTFOUND)
            s = CVOM_OK; /* a language only stored texts speak */
    }
    if (!s)
        s = cvom__instrument_default(&t->ship, err);
    if (!s)
        t->ship_applies = strcmp(t->ship.name, ins->name) == 0;
    return s;
}

void cvom__texts_close(struct cvom_texts *t)
{
    cvom__rows_free(&t->stored);
    cvom__lang_cleanup(&t->builtin);
    cvom__lang_cleanup(&t->english);
    cvom_instrument_cleanup(&t->ship);
}

static const char *stored(const struct cvom_texts *t, const char *lang, const char *key)
{
    const struct cvom_text *v = t->stored.v;
    for (size_t i = 0; i < t->stored.n; i++)
        if (strcmp(v[i].lang, lang) == 0 && strcmp(v[i].key, key) == 0)
            return v[i].text;
    return NULL;
}

const char *cvom__texts_msg(const struct cvom_texts *t, const char *id)
{
    const char *s = stored(t, t->lang, id);
    if (!s)
        s = cvom__lang_get(&t->builtin, id);
    if (!s)
        s = stored(t, "en", id);
    if (!s)
        s = cvom__lang_get(&t->english, id);
    return s ? s : id;
}

/* The built-in item with the code and statement of item j, or NULL. */
static const struct cvom_item *shipped(const struct cvom_texts *t, size_t j)
{
    if (!t->ship_applies || j >= t->ins->n_items)
        return NULL;
    const struct cvom_item *it = &t->ins->items[j];
    int k = cvom_instrument_find(&t->ship, it->code);
    if (k < 0 || strcmp(t->ship.items[k].statement, it->statement) != 0)
        return NULL;
    return &t->ship.items[k];
}

static const char *translated(const struct cvom_texts *t, size_t j, char *key, size_t cap)
{
    snprintf(key, cap, "item.%s", t->ins->items[j].code);
    const char *s = stored(t, t->lang, key);
    if (!s && shipped(t, j))
        s = cvom__lang_get(&t->builtin, key);
    if (!s && strcmp(t->lang, "en") == 0 && t->ins->items[j].respondent[0])
        s = t->ins->items[j].respondent;
    return s;
}

const char *cvom__texts_item(const struct cvom_texts *t, size_t j)
{
    char key[CVOM_CODE_MAX + 8];
    const char *s = translated(t, j, key, sizeof key);
    if (!s)
        s = stored(t, "en", key);
    if (!s && t->ins->items[j].respondent[0])
        s = t->ins->items[j].respondent;
    const struct cvom_item *ship = s ? NULL : shipped(t, j);
    if (ship && ship->respondent[0])
        s = ship->respondent;
    return s ? s : t->ins->items[j].statement;
}

int cvom__texts_item_translated(const struct cvom_texts *t, size_t j)
{
    char key[CVOM_CODE_MAX + 8];
    return translated(t, j, key, sizeof key) != NULL;
}

struct langs {
    char (*out)[CVOM_LANG_MAX];
    size_t cap, n;
};

static void add_lang(struct langs *l, const char *tag)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->out[i], tag) == 0)
            return;
    if (l->n < l->cap)
        cvom__copy_str(l->out[l->n++], CVOM_LANG_MAX, tag);
}

static int lang_of(void *ctx, const struct cvom_text *x)
{
    add_lang(ctx, x->lang);
    return 0;
}

enum cvom_status cvom__texts_languages(struct cvom_store *st, int64_t id,
                                       char (*out)[CVOM_LANG_MAX], size_t cap, size_t *n,
                                       struct cvom_error *err)
{
    struct langs l = {out, cap, 0};
    for (size_t i = 0; i < cvom__lang_builtin_count(); i++)
        add_lang(&l, cvom__lang_builtin_tag(i));
    enum cvom_status s = st->ops->text_list(st, id, "", lang_of, &l, err);
    *n = l.n;
    return s;
}

enum cvom_status cvom__texts_import(struct cvom_store *st, int64_t id,
                                    const struct cvom_instrument *ins,
                                    const struct cvom_lang_file *f, const char *file,
                                    struct cvom_error *err)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct cvom_lang_entry *e = &f->v[i];
        if (strncmp(e->key, "item.", 5) == 0 && cvom_instrument_find(ins, e->key + 5) < 0) {
            cvom_error_set(err, CVOM_EINVAL, "questionnaire %s version %d has no item %s",
                           ins->name, ins->version, e->key + 5);
            if (err) {
                cvom__copy_str(err->file, sizeof err->file, file);
                err->line = e->line;
                err->column = e->column;
            }
            return CVOM_EINVAL;
        }
    }
    enum cvom_status s = CVOM_OK;
    for (size_t i = 0; i < f->n && !s; i++) {
        struct cvom_text x;
        memset(&x, 0, sizeof x);
        cvom__copy_str(x.lang, sizeof x.lang, f->lang);
        cvom__copy_str(x.key, sizeof x.key, f->v[i].key);
        cvom__copy_str(x.text, sizeof x.text, f->v[i].text);
        s = st->ops->text_put(st, id, &x, err);
    }
    return s;
}
