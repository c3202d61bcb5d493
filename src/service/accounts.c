/* accounts.c — namesakes: finding accounts that share a name (ignoring case and spaces),
 * refusing a second one unless asked, and labels that tell them apart. */
#include "service/accounts.h"

#include "core/mem.h"
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

int cvom__line_texts_add(struct cvom_line_texts *t, const struct cvom_account *a)
{
    const char *texts[CVOM_LINE_TEXTS] = {a->external_id, a->name,   a->owner,
                                          a->industry,    a->region, a->tags};
    const size_t caps[CVOM_LINE_TEXTS] = {sizeof a->external_id, sizeof a->name,   sizeof a->owner,
                                          sizeof a->industry,    sizeof a->region, sizeof a->tags};
    size_t len[CVOM_LINE_TEXTS], need = 0;
    for (int k = 0; k < CVOM_LINE_TEXTS; k++)
        need += (len[k] = strnlen(texts[k], caps[k] - 1)) + 1;
    void *g = cvom__grow(t->text, &t->cap, t->len + need, 1, SIZE_MAX / 2);
    if (!g)
        return -1;
    t->text = g;
    if (!(g = cvom__grow(t->at, &t->cap_at, t->n + 1, sizeof *t->at, SIZE_MAX / sizeof *t->at)))
        return -1;
    t->at = g;
    for (int k = 0; k < CVOM_LINE_TEXTS; k++) {
        t->at[t->n][k] = t->len;
        memcpy(t->text + t->len, texts[k], len[k]);
        t->text[t->len + len[k]] = '\0';
        t->len += len[k] + 1;
    }
    t->n++;
    return 0;
}

void cvom__line_texts_point(const struct cvom_line_texts *t, size_t i, const char *text,
                            struct cvom_account_line *l)
{
    const size_t *at = t->at[i];
    l->external_id = text + at[0];
    l->name = text + at[1];
    l->owner = text + at[2];
    l->industry = text + at[3];
    l->region = text + at[4];
    l->tags = text + at[5];
}

void cvom__line_texts_free(struct cvom_line_texts *t)
{
    free(t->text);
    free(t->at);
    memset(t, 0, sizeof *t);
}

char *cvom__account_label(const struct cvom_account_line *a, int shared, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    if (!shared) {
        /* What snprintf "%s" writes, without its format parsing: a portfolio scan labels
         * every account. */
        size_t len = strnlen(a->name, cap - 1);
        memcpy(buf, a->name, len);
        buf[len] = '\0';
    } else if (a->external_id[0])
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
    struct cvom_account_line l;
    cvom__account_line_of(a, &l);
    cvom__account_label(&l, n > 0, buf, cap);
    if (others)
        *others = n;
    return CVOM_OK;
}

/* FNV-1a: a short key hashed without a table of its own. */
static uint64_t key_hash(const char *k)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    return h;
}

static int same_key(const struct cvom_scored *v, size_t x, size_t y)
{
    char kx[KEY_MAX], ky[KEY_MAX];
    return strcmp(cvom__name_key(v[x].account.name, kx, sizeof kx),
                  cvom__name_key(v[y].account.name, ky, sizeof ky)) == 0;
}

/* Namesakes share the hash of their key, so the accounts are sorted by it (a stable radix
 * sort: within a hash, in scan order) and only those whose hashes agree have their keys
 * compared: cheaper than a map of every key. Within a run of one hash the keys are nearly
 * always the same; all are compared with the first, and only a run where some differ (hashes
 * that collide) is compared pair by pair. */
enum cvom_status cvom__scan_namesakes(struct cvom_scored *v, size_t n, struct cvom_error *err)
{
    struct cvom_keyed *h = cvom__alloc_array(2 * n * sizeof *h); /* the second half: scratch */
    if (!h)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    char key[KEY_MAX];
    for (size_t i = 0; i < n; i++) {
        v[i].namesake = 0;
        h[i] = (struct cvom_keyed){key_hash(cvom__name_key(v[i].account.name, key, sizeof key)), i};
    }
    cvom__sort_keyed(h, h + n, n);
    for (size_t i = 0, j; i < n; i = j) {
        int all = 1;
        for (j = i + 1; j < n && h[j].key == h[i].key; j++)
            all = all && same_key(v, h[i].index, h[j].index);
        if (j - i < 2)
            continue;
        for (size_t x = i; x < j; x++)
            for (size_t y = all ? j : x + 1; y < j; y++)
                if (same_key(v, h[x].index, h[y].index))
                    v[h[x].index].namesake = v[h[y].index].namesake = 1;
        for (size_t x = i; all && x < j; x++)
            v[h[x].index].namesake = 1;
    }
    free(h);
    return CVOM_OK;
}
