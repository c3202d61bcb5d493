/* keymap.c — the text-keyed map of keymap.h: FNV-1a hashing, linear probing over slots that
 * keep each key's hash, an arena that grows by doubling. Entries are never removed, which
 * keeps probing simple. */
#include "io/keymap.h"

#include "io/util.h"

#include <stdlib.h>
#include <string.h>

#define ALIGN 8

static uint64_t hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static struct cvom_keymap_value *value_at(const struct cvom_keymap *m, size_t slot)
{
    return (struct cvom_keymap_value *)(void *)(m->arena + m->slots[slot].at - 1);
}

static const char *key_at(const struct cvom_keymap *m, size_t slot)
{
    return m->arena + m->slots[slot].at - 1 + sizeof(struct cvom_keymap_value);
}

void cvom__keymap_init(struct cvom_keymap *m)
{
    memset(m, 0, sizeof *m);
}

void cvom__keymap_cleanup(struct cvom_keymap *m)
{
    free(m->slots);
    free(m->arena);
    memset(m, 0, sizeof *m);
}

/* The slot of key (whose hash is h), or the empty slot where it would go. Each slot keeps its
 * key's hash, so that only a key with the same hash is read from the arena: an import looks
 * up every row's keys, and each read of another entry was a cache miss. */
static size_t find(const struct cvom_keymap *m, const char *key, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    while (m->slots[i].at && (m->slots[i].hash != h || strcmp(key_at(m, i), key) != 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

struct cvom_keymap_value *cvom__keymap_get(const struct cvom_keymap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    size_t i = find(m, key, hash(key));
    return m->slots[i].at ? value_at(m, i) : NULL;
}

/* Double the slots (kept under half full) and put every entry back, by the hashes kept. */
static int rehash(struct cvom_keymap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct cvom_keymap_slot *old = m->slots;
    /* In huge pages once large: a map of 100,000 keys has 4 MiB of slots, 1,000 faults. */
    struct cvom_keymap_slot *g =
        cap <= SIZE_MAX / sizeof *g ? cvom__alloc_array(cap * sizeof *g) : NULL;
    if (!g)
        return -1;
    memset(g, 0, cap * sizeof *g);
    for (size_t i = 0; i < m->cap; i++) {
        if (!old[i].at)
            continue;
        size_t j = (size_t)old[i].hash & (cap - 1);
        while (g[j].at)
            j = (j + 1) & (cap - 1);
        g[j] = old[i];
    }
    free(old);
    m->slots = g;
    m->cap = cap;
    return 0;
}

/* Room for one more entry of need bytes in the arena. */
static int reserve(struct cvom_keymap *m, size_t need)
{
    if (m->arena_cap - m->used >= need)
        return 0;
    size_t cap = m->arena_cap ? m->arena_cap : 4096;
    while (cap - m->used < need) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *a = realloc(m->arena, cap);
    if (!a)
        return -1;
    m->arena = a;
    m->arena_cap = cap;
    return 0;
}

struct cvom_keymap_value *cvom__keymap_put(struct cvom_keymap *m, const char *key,
                                           struct cvom_keymap_value v, int *added)
{
    uint64_t h = hash(key);
    size_t i = m->cap ? find(m, key, h) : 0;
    if (added)
        *added = !(m->cap && m->slots[i].at);
    if (m->cap && m->slots[i].at) {
        struct cvom_keymap_value *have = value_at(m, i);
        have->count++;
        return have;
    }
    if (m->n >= CVOM_KEYMAP_MAX)
        return NULL;
    if ((m->n + 1) * 2 > m->cap) {
        if (rehash(m) != 0)
            return NULL;
        i = find(m, key, h);
    }
    size_t len = strlen(key);
    size_t need = (sizeof v + len + 1 + ALIGN - 1) / ALIGN * ALIGN;
    if (reserve(m, need) != 0)
        return NULL;
    size_t at = m->used;
    v.count = 1;
    memcpy(m->arena + at, &v, sizeof v);
    memcpy(m->arena + at + sizeof v, key, len + 1);
    m->used += need;
    m->slots[i] = (struct cvom_keymap_slot){at + 1, h};
    m->n++;
    return (struct cvom_keymap_value *)(void *)(m->arena + at);
}
