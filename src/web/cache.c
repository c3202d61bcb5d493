/* cache.c — the rendered-bytes cache described in cache.h: a short doubly linked list in
 * least-recently-used order behind one mutex. Entries carry a reference count so that a
 * reader can copy a value outside the lock while another thread evicts it. */
#include "web/cache.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

struct web_cache_entry {
    struct web_cache_entry *prev, *next;
    int64_t revision;
    size_t key_len, len;
    unsigned refs; /* one for the list while linked, one per reader copying */
    int linked;
    char *key; /* key_len bytes, then the value, in the same allocation */
    char *value;
};

static size_t entry_bytes(const struct web_cache_entry *e)
{
    return e->key_len + e->len;
}

static void unlink_entry(struct web_cache *c, struct web_cache_entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->first = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->last = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(struct web_cache *c, struct web_cache_entry *e)
{
    e->prev = NULL;
    e->next = c->first;
    if (c->first)
        c->first->prev = e;
    c->first = e;
    if (!c->last)
        c->last = e;
}

/* Take e out of the cache; it is freed now, or by the last reader still copying it. Call
 * with the lock held. */
static void drop(struct web_cache *c, struct web_cache_entry *e)
{
    unlink_entry(c, e);
    e->linked = 0;
    c->n--;
    c->bytes -= entry_bytes(e);
    if (--e->refs == 0)
        free(e);
}

static struct web_cache_entry *find(struct web_cache *c, int64_t revision, const void *key,
                                    size_t key_len)
{
    for (struct web_cache_entry *e = c->first; e; e = e->next)
        if (e->revision == revision && e->key_len == key_len &&
            cvom__compare(e->key, key, key_len) == 0)
            return e;
    return NULL;
}

int web_cache_get(struct web_cache *c, int64_t revision, const void *key, size_t key_len,
                  struct buf *out)
{
    pthread_mutex_lock(&c->lock);
    struct web_cache_entry *e = find(c, revision, key, key_len);
    if (!e) {
        c->misses++;
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    c->hits++;
    if (e != c->first) {
        unlink_entry(c, e);
        push_front(c, e);
    }
    e->refs++;
    pthread_mutex_unlock(&c->lock);

    buf_add(out, e->value, e->len);

    pthread_mutex_lock(&c->lock);
    int last = --e->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (last) /* evicted while we copied */
        free(e);
    return 1;
}

/* The reference a response holds on a served entry. */
struct served {
    struct web_cache *c;
    struct web_cache_entry *e;
};

static void release_served(void *cls)
{
    struct served *s = cls;
    pthread_mutex_lock(&s->c->lock);
    int last = --s->e->refs == 0;
    pthread_mutex_unlock(&s->c->lock);
    if (last)
        free(s->e);
    free(s);
}

int web_cache_serve(struct web_cache *c, int64_t revision, const void *key, size_t key_len,
                    struct web_req *r)
{
    struct served *s = malloc(sizeof *s);
    if (!s)
        return 0;
    pthread_mutex_lock(&c->lock);
    struct web_cache_entry *e = find(c, revision, key, key_len);
    if (!e) {
        c->misses++;
        pthread_mutex_unlock(&c->lock);
        free(s);
        return 0;
    }
    c->hits++;
    if (e != c->first) {
        unlink_entry(c, e);
        push_front(c, e);
    }
    e->refs++;
    pthread_mutex_unlock(&c->lock);
    s->c = c;
    s->e = e;
    buf_reset(&r->out);
    r->lent = e->value;
    r->lent_len = e->len;
    r->lent_release = release_served;
    r->lent_cls = s;
    return 1;
}

void web_cache_put(struct web_cache *c, int64_t revision, const void *key, size_t key_len,
                   const void *value, size_t len)
{
    if (key_len > c->max_bytes / 4 || len > c->max_bytes / 4 - key_len || c->max_entries == 0)
        return;
    struct web_cache_entry *e = malloc(sizeof *e + key_len + len + 1);
    if (!e)
        return;
    memset(e, 0, sizeof *e);
    e->revision = revision;
    e->key_len = key_len;
    e->len = len;
    e->refs = 1;
    e->linked = 1;
    e->key = (char *)(e + 1);
    e->value = e->key + key_len;
    cvom__copy(e->key, key, key_len);
    cvom__copy(e->value, value, len);
    e->value[len] = '\0';

    pthread_mutex_lock(&c->lock);
    for (struct web_cache_entry *o = c->first, *next; o; o = next) {
        next = o->next;
        if (o->revision != revision ||
            (o->key_len == key_len && cvom__compare(o->key, key, key_len) == 0))
            drop(c, o);
    }
    while (c->last && (c->n >= c->max_entries || c->bytes + entry_bytes(e) > c->max_bytes))
        drop(c, c->last);
    push_front(c, e);
    c->n++;
    c->bytes += entry_bytes(e);
    pthread_mutex_unlock(&c->lock);
}

void web_cache_clear(struct web_cache *c)
{
    pthread_mutex_lock(&c->lock);
    while (c->first)
        drop(c, c->first);
    pthread_mutex_unlock(&c->lock);
}
