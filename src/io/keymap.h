/* keymap.h — a map from short text keys to two numbers (an id and a line), for imports that
 * must find what a file named before: the line of the first row with an external id, the
 * account an earlier row created. Open addressing, keys copied into an arena; bounded. */
#ifndef CVOM_IO_KEYMAP_H
#define CVOM_IO_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#define CVOM_KEYMAP_MAX 16000000 /* keys in one map */

struct cvom_keymap_value {
    int64_t id;
    long line;
    int count; /* how many times the key was put (records that share it) */
};

struct cvom_keymap_slot {
    size_t at;     /* offset + 1 into the arena of the entry; 0: empty */
    uint64_t hash; /* of its key */
};

struct cvom_keymap {
    size_t n, cap;                  /* keys and slots (a power of two) */
    struct cvom_keymap_slot *slots; /* each key's entry and hash */
    char *arena;                    /* entries: value, then the key's bytes and a NUL */
    size_t used, arena_cap;
};

void cvom__keymap_init(struct cvom_keymap *m);
void cvom__keymap_cleanup(struct cvom_keymap *m);

/* The value stored for key, or NULL. The pointer is valid until the next put. */
struct cvom_keymap_value *cvom__keymap_get(const struct cvom_keymap *m, const char *key);

/* Store v for key unless it is there: returns the entry (the old one when the key was
 * there, with its count raised by one; the new one with count 1 otherwise), or NULL when
 * memory or CVOM_KEYMAP_MAX runs out. *added (may be NULL) says which. */
struct cvom_keymap_value *cvom__keymap_put(struct cvom_keymap *m, const char *key,
                                           struct cvom_keymap_value v, int *added);

#endif
