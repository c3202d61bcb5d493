/* cache.h — a small in-memory cache of rendered bytes (page bodies, JSON answers) shared by
 * the worker threads of cvom serve. Entries are keyed by the store's revision and a key the
 * caller builds from everything else the bytes depend on (filters, sort, the user's scope,
 * the date), so a change to the data makes every older entry unreachable at once.
 *
 * A cache is a plain struct that lives in static storage of the module using it:
 *
 *     static struct web_cache matrix_cache = WEB_CACHE_INIT(32, 64u << 20);
 *
 *     int64_t rev;  // from r->store->ops->revision
 *     if (!web_cache_get(&matrix_cache, rev, key, key_len, &r->out)) {
 *         size_t start = r->out.len;
 *         render(r);
 *         if (!r->out.failed)
 *             web_cache_put(&matrix_cache, rev, key, key_len, r->out.p + start,
 *                           r->out.len - start);
 *     }
 *
 * Bounds: at most max_entries entries and max_bytes bytes of keys and values together; the
 * least recently used entries go first, and a value larger than a quarter of max_bytes is
 * not kept. Readers copy a value without holding the lock, so a large hit does not hold up
 * the other threads. Never put anything in a cache that one user may see and another may
 * not unless that difference is part of the key. */
#ifndef CVOM_WEB_CACHE_H
#define CVOM_WEB_CACHE_H

#include "web/web.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct web_cache_entry; /* private to cache.c */

struct web_cache {
    pthread_mutex_t lock;
    size_t max_entries;            /* bound on entries */
    size_t max_bytes;              /* bound on key and value bytes together */
    size_t n, bytes;               /* what is held now */
    struct web_cache_entry *first; /* most recently used first */
    struct web_cache_entry *last;
    uint64_t hits, misses; /* counters, for tests and curiosity */
};

/* Static initialiser: WEB_CACHE_INIT(32, 64u << 20) keeps up to 32 entries and 64 MiB. */
#define WEB_CACHE_INIT(entries, bytes)                                                             \
    {                                                                                              \
        PTHREAD_MUTEX_INITIALIZER, (entries), (bytes), 0, 0, NULL, NULL, 0, 0                      \
    }

/* Look up (revision, key[0..key_len)). On a hit, append the stored bytes to out and return
 * 1 (out->failed is set if out could not take them); on a miss return 0 and leave out
 * alone. */
int web_cache_get(struct web_cache *c, int64_t revision, const void *key, size_t key_len,
                  struct buf *out);

/* Look up (revision, key) and, on a hit, hand the stored bytes to the response of r without
 * copying them: the entry stays alive until the response has been sent, even if it is
 * evicted meanwhile. Returns 1 on a hit (r's body is then those bytes), 0 on a miss. For
 * answers that are the cached bytes alone, with nothing added around them. */
int web_cache_serve(struct web_cache *c, int64_t revision, const void *key, size_t key_len,
                    struct web_req *r);

/* Keep a copy of value[0..len) under (revision, key), replacing an entry with the same key.
 * Entries made under any other revision are dropped, since they can no longer be right.
 * When memory is short or the value is too large, nothing is kept: a cache may forget. */
void web_cache_put(struct web_cache *c, int64_t revision, const void *key, size_t key_len,
                   const void *value, size_t len);

/* Drop every entry (values being copied by readers are freed once they are done). */
void web_cache_clear(struct web_cache *c);

#endif
