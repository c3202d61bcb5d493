/* accounts.c — namesakes: finding accounts that share a name (ignoring case and spaces),
 * refusing a second one unless asked, and labels that tell them apart. */
#include "service/accounts.h"

#include "io/keymap.h"
#include "io/util.h"
#include "io/values.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX (CVOM_FIELD_MAX * 2)

struct namesakes {
    char key[KEY_MAX];
    int64_t except;
    size_t n;
    struct cvom_account first;
};

static int namesakes_cb(void *ctx, const struct cvom_account *a)
{
    struct namesakes *s = ctx;
    char key[KEY_MAX];
    if (a->id == s->except || strcmp(cvom__name_key(a->name, key, sizeof key), s->key) != 0)
        return 0;
    if (s->n++ == 0)
        s->first = *a;
    return 0;
}

enum cvom_status cvom__account_namesakes(struct cvom_store *st,
                                         const struct cvom_account_filter *scope, const char *name,
                                         int64_t except_id, size_t *n, struct cvom_account *first,
                                         struct cvom_error *err)
{
    struct namesakes *s = calloc(1, sizeof *s);
    if (!s)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    cvom__name_key(name, s->key, sizeof s->key);
    s->except = except_id;
    enum cvom_status st_ = st->ops->account_list(st, scope, namesakes_cb, s, err);
    if (!st_) {
        *n = s->n;
        if (first && s->n)
            *first = s->first;
    }
    free(s);
    return st_;
}

enum cvom_status cvom__account_name_check(struct cvom_store *st, const struct cvom_account *a,
                                          int allow, const char *allow_hint, struct cvom_error *err)
{
    if (allow)
        return CVOM_OK;
    size_t n = 0;
    struct cvom_account *other = malloc(sizeof *other);
    if (!other)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    enum cvom_status s = cvom__account_namesakes(st, NULL, a->name, a->id, &n, other, err);
    if (!s && n) {
        s = cvom_error_set(err, CVOM_EEXIST,
                           "account %" PRId64 " is already named '%.60s'%s"
                           "%.40s%s; to keep a second account of that name, use %s",
                           other->id, other->name, other->external_id[0] ? " (external id " : "",
                           other->external_id, other->external_id[0] ? ")" : "", allow_hint);
        if (err)
            cvom__copy_str(err->field, sizeof err->field, "name");
    }
    free(other);
    return s;
}

char *cvom__account_label(const struct cvom_account_brief *a, int shared, char *buf, size_t cap)
{
    if (!shared)
        snprintf(buf, cap, "%s", a->name);
    else if (a->external_id[0])
        snprintf(buf, cap, "%s [%s]", a->name, a->external_id);
    else
        snprintf(buf, cap, "%s [#%" PRId64 "]", a->name, a->id);
    return buf;
}

enum cvom_status cvom__account_label_of(struct cvom_store *st,
                                        const struct cvom_account_filter *scope,
                                        const struct cvom_account *a, char *buf, size_t cap,
                                        size_t *others, struct cvom_account *other,
                                        struct cvom_error *err)
{
    size_t n = 0;
    enum cvom_status s = cvom__account_namesakes(st, scope, a->name, a->id, &n, other, err);
    if (s)
        return s;
    struct cvom_account_brief b;
    cvom__account_brief_of(a, &b);
    cvom__account_label(&b, n > 0, buf, cap);
    if (others)
        *others = n;
    return CVOM_OK;
}

enum cvom_status cvom__scan_namesakes(struct cvom_scored *v, size_t n, struct cvom_error *err)
{
    struct cvom_keymap m;
    cvom__keymap_init(&m);
    char key[KEY_MAX];
    for (size_t i = 0; i < n; i++)
        if (!cvom__keymap_put(&m, cvom__name_key(v[i].account.name, key, sizeof key),
                              (struct cvom_keymap_value){.id = (int64_t)i}, NULL)) {
            cvom__keymap_cleanup(&m);
            return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
        }
    for (size_t i = 0; i < n; i++) {
        const struct cvom_keymap_value *k =
            cvom__keymap_get(&m, cvom__name_key(v[i].account.name, key, sizeof key));
        v[i].namesake = k && k->count > 1;
    }
    cvom__keymap_cleanup(&m);
    return CVOM_OK;
}
