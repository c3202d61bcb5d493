/* texts.h — what a respondent reads, in a language: the respondent texts of an instrument's
 * items and the texts of the survey page. Each text is looked up on its own, so that a
 * language with a text missing shows that text in English and never a blank:
 *
 *   an item:     the instrument's text in the language (stored, then built in), its text in
 *                English (stored), its respondent text, and last its statement;
 *   a message:   stored in the language, built in, stored in English, built in English.
 *
 * "Stored" are the texts imported for the instrument (`cvom instrument import --lang`);
 * "built in" are the files of data/lang/, whose item texts apply to an instrument of the name they
 * give wherever its item has the built-in item's code and statement (so an older database's
 * copy of the default instrument reads them too). */
#ifndef CVOM_SERVICE_TEXTS_H
#define CVOM_SERVICE_TEXTS_H

#include "cvom.h"
#include "io/lang.h"
#include "io/util.h"
#include "store/store.h"

struct cvom_texts {
    char lang[CVOM_LANG_MAX];
    const struct cvom_instrument *ins; /* borrowed */
    struct cvom_rows stored;           /* struct cvom_text, every language */
    struct cvom_lang_file builtin, english;
    struct cvom_instrument ship; /* the built-in default instrument */
    int ship_applies;            /* builtin's item texts are for ins's name */
};

/* Prepare the texts of instrument id (ins, already loaded) in lang (a tag; "" for English).
 * Close with cvom__texts_close, also after a failure. */
enum cvom_status cvom__texts_open(struct cvom_texts *t, struct cvom_store *st, int64_t id,
                                  const struct cvom_instrument *ins, const char *lang,
                                  struct cvom_error *err);
void cvom__texts_close(struct cvom_texts *t);

/* The text of message id (never NULL, never empty: the id itself when no language has it). */
const char *cvom__texts_msg(const struct cvom_texts *t, const char *id);
/* The respondent text of item j of the instrument. */
const char *cvom__texts_item(const struct cvom_texts *t, size_t j);
/* Whether the text of item j is in the language asked rather than a fallback. */
int cvom__texts_item_translated(const struct cvom_texts *t, size_t j);

/* The languages instrument id can be read in: the built-in ones ("en" first), then those
 * stored for it, each once. At most cap; *n receives how many. */
enum cvom_status cvom__texts_languages(struct cvom_store *st, int64_t id,
                                       char (*out)[CVOM_LANG_MAX], size_t cap, size_t *n,
                                       struct cvom_error *err);

/* Store the texts of language file f for instrument id (ins): every "item.CODE" must name an
 * item of ins (otherwise CVOM_EINVAL with the file, line and column of the key). Texts
 * already stored for the same language and key are replaced. Run inside a transaction. */
enum cvom_status cvom__texts_import(struct cvom_store *st, int64_t id,
                                    const struct cvom_instrument *ins,
                                    const struct cvom_lang_file *f, const char *file,
                                    struct cvom_error *err);

#endif
