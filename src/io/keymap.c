/* keymap.c — the text-keyed map of keymap.h: FNV-1a hashing, linear probing, an arena that
 * grows by doubling. Entries are never removed, which keeps probing simple. */
#include "io/keymap.h"

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
    return (struct cvom_keymap_value *)(void *)(m->arena + m->slots[slot] - 1);
}

static const char *key_at(const struct cvom_keymap *m, size_t slot)
{
    return m->arena + m->slots[slot] - 1 + sizeof(struct cvom_keymap_value);
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

/* The slot of key, or the empty slot where it would go. */
static size_t find(const struct cvom_keymap *m, const char *key)
{
    size_t i = (size_t)hash(key) & (m->cap - 1);
    while (m->slots[i] && strcmp(key_at(m, i), key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

struct cvom_keymap_value *cvom__keymap_get(const struct cvom_keymap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    size_t i = find(m, key);
    return m->slots[i] ? value_at(m, i) : NULL;
}

/* Double the slots (kept under half full) and put every entry back. */
static int rehash(struct cvom_keymap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    size_t *old = m->slots, old_cap = m->cap;
    m->slots = calloc(cap, sizeof *m->slots);
    if (!m->slots) {
        m->slots = old;
        return -1;
    }
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i])
            continue;
        const char *k = m->arena + old[i] - 1 + sizeof(struct cvom_keymap_value);
        m->slots[find(m, k)] = old[i];
    }
    free(old);
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
    struct cvom_keymap_value *have = cvom__keymap_get(m, key);
    if (added)
        *added = !have;
    if (have) {
        have->count++;
        return have;
    }
    if (m->n >= CVOM_KEYMAP_MAX || ((m->n + 1) * 2 > m->cap && rehash(m) != 0))
        return NULL;
    size_t len = strlen(key);
    size_t need = (sizeof v + len + 1 + ALIGN - 1) / ALIGN * ALIGN;
    if (reserve(m, need) != 0)
        return NULL;
    size_t at = m->used;
    v.count = 1;
    memcpy(m->arena + at, &v, sizeof v);
    memcpy(m->arena + at + sizeof v, key, len + 1);
    m->used += need;
    m->slots[find(m, key)] = at + 1;
    m->n++;
    return (struct cvom_keymap_value *)(void *)(m->arena + at);
}
