/* lang.h — language files: the texts of the survey page and of an instrument's statements in
 * one language. A preamble of '# key: value' lines (lang, name, instrument) is followed by a
 * CSV table with the header key,text. A key is a message id of the survey page (the ids of
 * the built-in English file, data/lang/en.csv) or "item.CODE" for the respondent text of an
 * instrument's item. English, German and French are built in (data/lang/). */
#ifndef CVOM_IO_LANG_H
#define CVOM_IO_LANG_H

#include "cvom.h"

/* Largest language file accepted, and most texts in one. */
#define CVOM_LANG_FILE_MAX (1u << 20)
#define CVOM_LANG_TEXTS_MAX 4096

struct cvom_lang_entry {
    char key[CVOM_CODE_MAX + 32];
    char text[CVOM_TEXT_MAX];
    long line, column; /* where its key is in its file, for messages about it */
};

struct cvom_lang_file {
    char lang[CVOM_LANG_MAX];       /* "# lang:", or given by the caller */
    char name[CVOM_NAME_MAX];       /* "# name:", the language's own name ("Deutsch") */
    char instrument[CVOM_NAME_MAX]; /* "# instrument:", the instrument of its item texts */
    size_t n, cap;
    struct cvom_lang_entry *v; /* owned, in file order */
};

void cvom__lang_init(struct cvom_lang_file *f);
void cvom__lang_cleanup(struct cvom_lang_file *f);

/* Parse a language file (name is used in messages). lang, when not NULL, is the language
 * the caller says the file is in: a '# lang:' line must then agree. Keys must be message ids
 * of the built-in English file or "item.CODE"; each at most once; no text empty. On failure
 * out is left empty and err names the file, line and column. */
enum cvom_status cvom__lang_parse(const char *buf, size_t len, const char *name, const char *lang,
                                  struct cvom_lang_file *out, struct cvom_error *err);

/* The text of key, or NULL. */
const char *cvom__lang_get(const struct cvom_lang_file *f, const char *key);

/* The built-in languages: their number, and the tag of the i-th ("en" first). */
size_t cvom__lang_builtin_count(void);
const char *cvom__lang_builtin_tag(size_t i);
/* The built-in file of lang into out (initialised); CVOM_ENOTFOUND when there is none. */
enum cvom_status cvom__lang_builtin(const char *lang, struct cvom_lang_file *out,
                                    struct cvom_error *err);

#endif
