/* accounts.h — accounts that share a name. A person compares names ignoring case and
 * spaces; so does cvom: a second account of one name is added only when asked, and where
 * two such accounts are shown together, each carries what tells it apart. */
#ifndef CVOM_SERVICE_ACCOUNTS_H
#define CVOM_SERVICE_ACCOUNTS_H

#include "service/portfolio.h"
#include "store/store.h"

#include <stddef.h>

/* How many accounts other than except_id (0: none excepted) have name, ignoring case and
 * spaces (*n), and the first of them (*first, when *n > 0 and first is not NULL). One scan
 * of the accounts that match scope (NULL: every account). */
enum cvom_status cvom__account_namesakes(struct cvom_store *st,
                                         const struct cvom_account_filter *scope, const char *name,
                                         int64_t except_id, size_t *n, struct cvom_account *first,
                                         struct cvom_error *err);

/* Refuse to give account a a name another account has, unless allow: CVOM_EEXIST with a
 * message naming the other account and the option (allow_hint, e.g. "--allow-same-name").
 * a->id is 0 for a new account. */
enum cvom_status cvom__account_name_check(struct cvom_store *st, const struct cvom_account *a,
                                          int allow, const char *allow_hint,
                                          struct cvom_error *err);

/* The texts of many lines in one block: each account's are copied in as it comes, and the
 * lines are pointed at them once the block has stopped growing (or at a copy of it). */
enum { CVOM_LINE_TEXTS = 6 };
struct cvom_line_texts {
    char *text;
    size_t len, cap;
    size_t (*at)[CVOM_LINE_TEXTS]; /* per line: where each of its texts starts */
    size_t n, cap_at;
};
/* Copy a's texts in as the next line; 0, or -1 when memory runs out. */
int cvom__line_texts_add(struct cvom_line_texts *t, const struct cvom_account *a);
/* Point the texts of line i at text: t's block, or a copy of its first t->len bytes. */
void cvom__line_texts_point(const struct cvom_line_texts *t, size_t i, const char *text,
                            struct cvom_account_line *l);
void cvom__line_texts_free(struct cvom_line_texts *t);

/* The name as shown where namesakes may be next to each other: "Acme [X-2]" with the
 * external id, or "Acme [#12]" without one, when shared; the bare name otherwise.
 * Returns buf. */
char *cvom__account_label(const struct cvom_account_line *a, int shared, char *buf, size_t cap);

/* The longest label cvom__account_label writes, with its terminating NUL. */
#define CVOM_ACCOUNT_LABEL_MAX (2 * CVOM_FIELD_MAX + 8)

/* Account a's label among the accounts that match scope (NULL: every account; one scan):
 * its bare name, or its name with what tells it apart when another of them has the same
 * name. *others (may be NULL) gets how many others do, and *other (may be NULL) the first. */
enum cvom_status cvom__account_label_of(struct cvom_store *st,
                                        const struct cvom_account_filter *scope,
                                        const struct cvom_account *a, char *buf, size_t cap,
                                        size_t *others, struct cvom_account *other,
                                        struct cvom_error *err);

/* Set each scanned account's namesake flag: 1 when another account of v has its name. */
enum cvom_status cvom__scan_namesakes(struct cvom_scored *v, size_t n, struct cvom_error *err);

#endif
