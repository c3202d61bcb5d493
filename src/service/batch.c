/* batch.c — batch scoring: a long-format responses file scored with no database (the engine
 * behind `cvom score --input`; service/batch.h).
 *
 * Memory grows with accounts and respondents, never with rows: each respondent keeps two
 * sums per axis and a bit per item answered (which also catches duplicate answers); the
 * counts and weight sums are derived from those bits at the end. Rows are usually grouped
 * by account and respondent, so the last account and respondent are remembered and most
 * rows need no hash lookup at all. Scoring itself is the core's cvom_score_account, so the
 * numbers are the same as everywhere else in cvom.
 *
 * Plain rows (see "the fast path" below) are cut at separators found sixteen bytes at a
 * time and scored directly; every other row goes through the full CSV reader, which then
 * reads the rest of the range. Files over 8 MiB are read by two threads, one per half.
 *
 * The hash tables are hand-written because they are keyed by arena offsets and record
 * indices to keep entries at four or eight bytes; no library table does that.
 */
#include "service/batch.h"

#include "io/csv.h"
#include "io/csv_index.h"
#include "io/instrument_csv.h"
#include "io/util.h"
#include "core/mem.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The fast path is a few small functions that must melt into one loop, for the usual
 * column layout with its constants; the rare cases stay out of it, so that the loop keeps
 * its registers and needs no stack guard. */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define COLD __attribute__((noinline, cold))
#else
#define ALWAYS_INLINE inline
#define COLD
#endif

#define RECS_MAX (1u << 28) /* 268 million records: the hard cap */
#define EMPTY UINT32_MAX

/* ---- memory that grows in place ----------------------------------------------------------
 * Touching fresh memory costs a page fault per 4 KiB page: on a virtual machine each costs
 * microseconds, so that faults for a portfolio's records took more time than scoring its
 * rows, and growing an array by realloc faults twice, on the copy. So the records, the
 * accounts and their ids each live in one reservation of address space that is made
 * writable as it fills; they never move, and an element is base + index. The records, the
 * bulk, are advised onto 2 MiB pages where the kernel offers them (the others stay on
 * small pages, so that a half-used large page does not swell the resident set). Where a
 * large reservation is refused (a limit on address space), a smaller one is taken, and the
 * cap on elements follows. */

#define REGION_STEP ((size_t)2 << 20) /* made writable in steps of a large page */

struct region {
    unsigned char *base; /* REGION_STEP-aligned */
    void *map;           /* what mmap returned, and its length */
    size_t map_len, reserved, committed;
};

static int region_reserve(struct region *g, size_t want, int large_pages)
{
    memset(g, 0, sizeof *g);
    for (size_t n = want; n >= REGION_STEP; n /= 2) {
        void *p = mmap(NULL, n + REGION_STEP, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            continue;
        uintptr_t a = ((uintptr_t)p + REGION_STEP - 1) & ~(uintptr_t)(REGION_STEP - 1);
        g->map = p;
        g->map_len = n + REGION_STEP;
        g->base = (unsigned char *)a;
        g->reserved = n;
#if defined(MADV_HUGEPAGE)
        if (large_pages)
            madvise(g->base, n, MADV_HUGEPAGE); /* advice: without it, 4 KiB pages */
#endif
        return 0;
    }
    return -1;
}

/* Room for n elements of size bytes, or as much address space as makes sense where that
 * does not fit in a size_t. */
static size_t region_size(size_t n, size_t size)
{
    return n > SIZE_MAX / 4 / size ? SIZE_MAX / 4 : n * size;
}

/* Make the first need bytes writable (new ones read as zero). */
static int region_grow(struct region *g, size_t need)
{
    if (need <= g->committed)
        return 0;
    size_t to = (need + REGION_STEP - 1) / REGION_STEP * REGION_STEP;
    if (to > g->reserved ||
        mprotect(g->base + g->committed, to - g->committed, PROT_READ | PROT_WRITE))
        return -1;
    g->committed = to;
    return 0;
}

static void region_release(struct region *g)
{
    if (g->map)
        munmap(g->map, g->map_len);
    memset(g, 0, sizeof *g);
}

/* ---- a byte arena of strings, addressed by offset ------------------------------------ */

struct arena {
    struct region r;
    char *buf; /* r's base */
    size_t len;
};

static int arena_init(struct arena *a)
{
    a->len = 0;
    if (region_reserve(&a->r, region_size(UINT32_MAX, 1), 0))
        return -1;
    a->buf = (char *)a->r.base;
    return 0;
}

static int arena_put(struct arena *a, const char *s, size_t n, uint32_t *off)
{
    if (a->len + n + 1 > UINT32_MAX || region_grow(&a->r, a->len + n + 1))
        return -1;
    cvom__copy(a->buf + a->len, s, n);
    a->buf[a->len + n] = '\0';
    *off = (uint32_t)a->len;
    a->len += n + 1;
    return 0;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a, then a final mix */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

/* Equality of n bytes (w <= n <= 2w) by two overlapping loads of w bytes from each side. */
static ALWAYS_INLINE int same_ends(const char *a, const char *b, size_t n, size_t w)
{
    uint64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    memcpy(&x0, a, w);
    memcpy(&y0, b, w);
    memcpy(&x1, a + n - w, w);
    memcpy(&y1, b + n - w, w);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}

/* Equality of n bytes; short keys (ids, item codes) take word loads instead of a library
 * call. */
static ALWAYS_INLINE int same(const char *a, const char *b, size_t n)
{
    if (n < 2)
        return n == 0 || a[0] == b[0];
    if (n < 4)
        return same_ends(a, b, n, 2);
    if (n < 8)
        return same_ends(a, b, n, 4);
    if (n <= 16)
        return same_ends(a, b, n, 8);
    return memcmp(a, b, n) == 0;
}

static uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* ---- an open-addressing table of uint32 values; keys live elsewhere ------------------- */

struct table32 {
    uint32_t *slot;
    size_t mask, used;
};

/* Item codes are short: up to 8 bytes hash as one word, gathered without a library call
 * (a memcpy of variable length is one) and mixed so that codes differing only in their
 * last characters spread over the table. */
static uint64_t hash_code(const char *s, size_t n)
{
    if (n > 8)
        return hash_bytes(s, n);
    uint64_t w = n;
    for (size_t i = 0; i < n; i++)
        w = w << 8 | (unsigned char)s[i];
    return hash_u64(w);
}

static int t32_init(struct table32 *t, size_t cap)
{
    t->slot = malloc(cap * sizeof *t->slot);
    if (!t->slot)
        return -1;
    memset(t->slot, 0xFF, cap * sizeof *t->slot);
    t->mask = cap - 1;
    t->used = 0;
    return 0;
}

/* ---- the scorer's state ---------------------------------------------------------------- */

struct item_fast {
    double *score; /* the core's 0–100 score of each whole answer lo..hi, so that whole
                      answers cost a lookup and give exactly the core's value */
    double w;
    double lo, hi;
    double digit[10]; /* the score of each one-digit answer, NaN off the scale: the usual
                         answer costs one load */
    int dims;         /* bit d set when the item counts on dimension d */
    size_t len;       /* of the code */
};

struct rec { /* one respondent of one account; followed by the answered-item bits */
    uint32_t resp, next;
    double swx[CVOM_DIM_COUNT], swx2[CVOM_DIM_COUNT];
    uint64_t mask[];
};

struct acct {
    uint32_t key, len, first;
    uint32_t n_resp; /* past LIST_MAX its records are also in the hash table */
    int merged;      /* folded into the batch of the range before (see merge) */
};

/* Item codes of up to eight bytes, each as one word, in a table of at least eight slots per
 * item whose hash is chosen when the instrument is loaded so that no two codes share a slot:
 * on the fast path a lookup is one load, one multiply and one compare. Longer codes, and any
 * that could not get a slot of their own, are looked up by item_of. */
struct item_word {
    uint64_t word;
    uint32_t len; /* 0: an empty slot */
    int32_t j;
};

#define WORDS_MAX (8 * CVOM_ITEMS_MAX)

struct acct_slot {
    uint32_t hash, index; /* index EMPTY: a free slot */
};

struct acct_table {
    struct acct_slot *slot;
    size_t mask, used;
};

struct rec_slot {
    uint32_t account, rec; /* rec EMPTY: a free slot */
};

struct rec_table {
    struct rec_slot *slot; /* NULL until an account has more than LIST_MAX respondents */
    size_t mask, used;
};

/* An account's respondents are found by walking its short list; only accounts with more
 * respondents than this go through the hash table, which keeps it small and its misses
 * rare while bounding the walk on pathological input. */
#define LIST_MAX 32

struct batch {
    struct cvom_instrument ins;
    struct item_fast item[CVOM_ITEMS_MAX];
    struct table32 items; /* item code -> index */
    struct item_word code_words[WORDS_MAX];
    uint64_t on_dim[CVOM_DIM_COUNT][CVOM_ITEMS_MAX / 64]; /* items counting on each */
    int unit[CVOM_DIM_COUNT]; /* every item on the dimension weighs exactly 1 */
    uint64_t word_mul;        /* the multiplier of their hash */
    unsigned word_shift;      /* 64 - log2 of the slots in use */
    struct arena strings;     /* account and respondent ids */
    struct region accts;
    struct acct *acct; /* accts' base */
    size_t n_acct;
    struct acct_table acct_tab; /* account id -> index */
    uint32_t *resp_key;         /* interned respondent ids: index -> arena offset */
    uint32_t *resp_len;         /* and length */
    size_t n_resp, cap_resp;
    struct table32 resp_tab;
    struct region recs; /* the records, stride bytes each */
    size_t n_rec, stride, words;
    struct rec_table rec_tab; /* (account, respondent) -> record, for long lists */
    uint32_t last_acct, last_rec;
    char key[64];     /* the start of the last plain row, to its respondent id */
    size_t key_len;   /* 0: none */
    uint32_t key_rec; /* the record it belongs to */
    const char *name;
    int exact;     /* write numbers exactly, with the standard errors */
    int csv_guard; /* guard text cells against spreadsheet formulas */
    void (*progress)(void *ctx, const char *input, double share); /* see batch.h */
    void *progress_ctx;
    FILE *out; /* the caller's stream, or NULL: see emit */
};

static struct rec *rec_at(const struct batch *b, uint32_t i)
{
    return (struct rec *)(b->recs.base + (size_t)i * b->stride);
}

static int grow(struct table32 *t, struct batch *b,
                uint64_t (*key_hash)(const struct batch *, uint32_t))
{
    if ((t->used + 1) * 2 <= t->mask + 1)
        return 0;
    struct table32 n;
    if (t32_init(&n, (t->mask + 1) * 2))
        return -1;
    for (size_t i = 0; i <= t->mask; i++) {
        uint32_t v = t->slot[i];
        if (v == EMPTY)
            continue;
        size_t h = key_hash(b, v) & n.mask;
        while (n.slot[h] != EMPTY)
            h = (h + 1) & n.mask;
        n.slot[h] = v;
    }
    n.used = t->used;
    free(t->slot);
    *t = n;
    return 0;
}

static uint64_t resp_hash(const struct batch *b, uint32_t i)
{
    const char *s = b->strings.buf + b->resp_key[i];
    return hash_bytes(s, strlen(s));
}

static int acct_table_init(struct acct_table *t, size_t cap)
{
    if (!(t->slot = malloc(cap * sizeof *t->slot)))
        return -1;
    memset(t->slot, 0xFF, cap * sizeof *t->slot);
    t->mask = cap - 1;
    t->used = 0;
    return 0;
}

/* Double the account table, placing each account by the hash its slot keeps. */
static int acct_table_grow(struct acct_table *t)
{
    struct acct_table n;
    if (acct_table_init(&n, (t->mask + 1) * 2))
        return -1;
    for (size_t i = 0; i <= t->mask; i++) {
        if (t->slot[i].index == EMPTY)
            continue;
        size_t h = t->slot[i].hash & n.mask;
        while (n.slot[h].index != EMPTY)
            h = (h + 1) & n.mask;
        n.slot[h] = t->slot[i];
    }
    n.used = t->used;
    free(t->slot);
    *t = n;
    return 0;
}

/* The account with this id, or EMPTY; *slot receives where it would go and *hash its hash.
 * Slots keep the hash, so that passing other accounts' slots reads no id. */
static uint32_t account_find(const struct batch *b, const char *s, size_t n, size_t *slot,
                             uint32_t *hash)
{
    const struct acct_table *t = &b->acct_tab;
    uint32_t hv = (uint32_t)hash_bytes(s, n), v;
    size_t h = hv & t->mask;
    for (; (v = t->slot[h].index) != EMPTY; h = (h + 1) & t->mask)
        if (t->slot[h].hash == hv && b->acct[v].len == n &&
            same(b->strings.buf + b->acct[v].key, s, n))
            break;
    *slot = h;
    *hash = hv;
    return v;
}

static int account_of(struct batch *b, const char *s, size_t n, uint32_t *out)
{
    struct acct_table *t = &b->acct_tab;
    size_t h;
    uint32_t hv;
    if ((*out = account_find(b, s, n, &h, &hv)) != EMPTY)
        return 0;
    if (b->n_acct >= RECS_MAX || region_grow(&b->accts, (b->n_acct + 1) * sizeof *b->acct))
        return -1;
    uint32_t i = (uint32_t)b->n_acct;
    if (arena_put(&b->strings, s, n, &b->acct[i].key))
        return -1;
    b->acct[i].len = (uint32_t)n;
    b->acct[i].first = EMPTY;
    b->acct[i].n_resp = 0;
    b->acct[i].merged = 0;
    b->n_acct++;
    t->slot[h] = (struct acct_slot){.hash = hv, .index = i};
    t->used++;
    *out = i;
    return (t->used + 1) * 2 > t->mask + 1 ? acct_table_grow(t) : 0;
}

static int respondent_id(struct batch *b, const char *s, size_t n, uint32_t *out)
{
    struct table32 *t = &b->resp_tab;
    size_t h = hash_bytes(s, n) & t->mask;
    for (uint32_t v; (v = t->slot[h]) != EMPTY; h = (h + 1) & t->mask) {
        if (b->resp_len[v] == n && same(b->strings.buf + b->resp_key[v], s, n)) {
            *out = v;
            return 0;
        }
    }
    if (b->n_resp == b->cap_resp) {
        size_t cap = b->cap_resp ? b->cap_resp * 2 : 1024;
        uint32_t *g = cap < UINT32_MAX ? realloc(b->resp_key, cap * sizeof *g) : NULL;
        if (!g)
            return -1;
        b->resp_key = g;
        if (!(g = realloc(b->resp_len, cap * sizeof *g)))
            return -1;
        b->resp_len = g;
        b->cap_resp = cap;
    }
    uint32_t i = (uint32_t)b->n_resp;
    if (arena_put(&b->strings, s, n, &b->resp_key[i]))
        return -1;
    b->resp_len[i] = (uint32_t)n;
    b->n_resp++;
    t->slot[h] = i;
    t->used++;
    *out = i;
    return grow(t, b, resp_hash);
}

static size_t rec_home(const struct rec_table *t, uint32_t account, uint32_t resp)
{
    return hash_u64((uint64_t)account << 32 | resp) & t->mask;
}

static void rec_table_insert(struct rec_table *t, uint32_t account, uint32_t resp, uint32_t rec)
{
    size_t h = rec_home(t, account, resp);
    while (t->slot[h].rec != EMPTY)
        h = (h + 1) & t->mask;
    t->slot[h] = (struct rec_slot){.account = account, .rec = rec};
    t->used++;
}

/* Index record rec of account; the table doubles when half full. */
static int rec_table_add(struct batch *b, uint32_t account, uint32_t rec)
{
    struct rec_table *t = &b->rec_tab;
    if (!t->slot || (t->used + 1) * 2 > t->mask + 1) {
        size_t cap = t->slot ? (t->mask + 1) * 2 : (size_t)1 << 10;
        struct rec_table n = {.slot = malloc(cap * sizeof *n.slot), .mask = cap - 1};
        if (!n.slot)
            return -1;
        memset(n.slot, 0xFF, cap * sizeof *n.slot);
        for (size_t i = 0; t->slot && i <= t->mask; i++)
            if (t->slot[i].rec != EMPTY)
                rec_table_insert(&n, t->slot[i].account, rec_at(b, t->slot[i].rec)->resp,
                                 t->slot[i].rec);
        free(t->slot);
        *t = n;
    }
    rec_table_insert(t, account, rec_at(b, rec)->resp, rec);
    return 0;
}

static uint32_t rec_table_find(const struct batch *b, uint32_t account, uint32_t resp)
{
    const struct rec_table *t = &b->rec_tab;
    for (size_t h = rec_home(t, account, resp); t->slot[h].rec != EMPTY; h = (h + 1) & t->mask)
        if (t->slot[h].account == account && rec_at(b, t->slot[h].rec)->resp == resp)
            return t->slot[h].rec;
    return EMPTY;
}

static int record_of(struct batch *b, uint32_t account, uint32_t resp, uint32_t *out)
{
    struct acct *ac = &b->acct[account];
    if (ac->n_resp <= LIST_MAX) {
        for (uint32_t v = ac->first; v != EMPTY; v = rec_at(b, v)->next)
            if (rec_at(b, v)->resp == resp) {
                *out = v;
                return 0;
            }
    } else if ((*out = rec_table_find(b, account, resp)) != EMPTY) {
        return 0;
    }
    uint32_t i = (uint32_t)b->n_rec;
    if (i >= RECS_MAX || region_grow(&b->recs, ((size_t)i + 1) * b->stride))
        return -1;
    struct rec *r = rec_at(b, i); /* new memory: already all zero */
    r->resp = resp;
    r->next = ac->first; /* prepend; the order of respondents does not matter */
    ac->first = i;
    b->n_rec++;
    *out = i;
    if (++ac->n_resp == LIST_MAX + 1) { /* the list got long: index all of it */
        for (uint32_t v = ac->first; v != EMPTY; v = rec_at(b, v)->next)
            if (rec_table_add(b, account, v))
                return -1;
        return 0;
    }
    return ac->n_resp > LIST_MAX ? rec_table_add(b, account, i) : 0;
}

static int item_of(const struct batch *b, const char *s, size_t n)
{
    const struct table32 *t = &b->items;
    for (size_t h = hash_code(s, n) & t->mask; t->slot[h] != EMPTY; h = (h + 1) & t->mask) {
        uint32_t j = t->slot[h];
        if (b->item[j].len == n && same(b->ins.items[j].code, s, n))
            return (int)j;
    }
    return -1;
}

/* The first n (at most 8) bytes at s as a word; the 8 bytes from s must be readable. */
static inline uint64_t code_word(const char *s, size_t n)
{
    uint64_t w;
    memcpy(&w, s, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w); /* so that the first byte is the lowest on every machine */
#endif
    return n < 8 ? w & ((1ull << (8 * n)) - 1) : w;
}

static inline size_t word_slot(const struct batch *b, uint64_t w)
{
    return (size_t)((w * b->word_mul) >> b->word_shift);
}

/* The index of the item whose code is s[0..n), or -1; 8 bytes from s must be readable. */
static ALWAYS_INLINE int item_word_of(const struct batch *b, const char *s, size_t n)
{
    if (n <= 8) {
        uint64_t w = code_word(s, n);
        const struct item_word *e = &b->code_words[word_slot(b, w)];
        if (e->len == n && e->word == w)
            return e->j;
    }
    return item_of(b, s, n);
}

/* Place the codes with a multiplier, in slots of their own; the number that found none. */
static size_t words_place(struct batch *b, uint64_t mul)
{
    size_t clashes = 0;
    memset(b->code_words, 0, ((size_t)1 << (64 - b->word_shift)) * sizeof b->code_words[0]);
    b->word_mul = mul;
    for (size_t j = 0; j < b->ins.n_items; j++) {
        size_t n = b->item[j].len;
        if (n > 8)
            continue;
        uint64_t w = code_word(b->ins.items[j].code, n);
        struct item_word *e = &b->code_words[word_slot(b, w)];
        if (e->len)
            clashes++;
        else
            *e = (struct item_word){.word = w, .len = (uint32_t)n, .j = (int32_t)j};
    }
    return clashes;
}

/* Try odd multipliers and keep the first that gives every code a slot of its own (for the
 * 30 codes of the default instrument in 256 slots, about one in three does), or else the
 * one that leaves the fewest to item_of. */
static void words_init(struct batch *b)
{
    unsigned bits = 4;
    while ((1u << bits) < 8 * b->ins.n_items)
        bits++;
    b->word_shift = 64 - bits;
    uint64_t mul = 0x9E3779B97F4A7C15ull, best = mul;
    size_t fewest = SIZE_MAX;
    for (int k = 0; k < 256 && fewest; k++, mul = hash_u64(mul) | 1) {
        size_t c = words_place(b, mul);
        if (c < fewest) {
            fewest = c;
            best = mul;
        }
    }
    words_place(b, best);
}

/* Most answers are a small whole number: parse those directly, anything else by strtod. */
static int parse_score(const char *s, size_t n, double *out)
{
    if (n > 0 && n <= 3) {
        unsigned v = 0;
        size_t i = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            v = v * 10 + (unsigned)(s[i] - '0');
        if (i == n) {
            *out = v;
            return 0;
        }
    }
    return cvom__parse_double(s, out) ? -1 : 0;
}

/* The instrument a run scores with: the caller's own, its file, or the default. */
static enum cvom_status batch_instrument(struct batch *b, const struct cvom_batch_options *o,
                                         struct cvom_error *err)
{
    if (!o->items)
        return o->instrument ? cvom__instrument_load(o->instrument, &b->ins, err)
                             : cvom__instrument_default(&b->ins, err);
    b->ins.version = o->items->version;
    b->ins.min_items = o->items->min_items;
    memcpy(b->ins.name, o->items->name, sizeof b->ins.name);
    for (size_t j = 0; j < o->items->n_items; j++) {
        enum cvom_status st = cvom_instrument_add(&b->ins, &o->items->items[j], err);
        if (st)
            return st;
    }
    return CVOM_OK;
}

static enum cvom_status batch_init(struct batch *b, const struct cvom_batch_options *o,
                                   struct cvom_error *err)
{
    memset(b, 0, sizeof *b);
    b->name = o->input;
    b->exact = o->exact;
    b->csv_guard = o->csv_guard;
    b->out = o->out;
    cvom_instrument_init(&b->ins);
    enum cvom_status st = batch_instrument(b, o, err);
    if (st)
        return st;
    b->words = (b->ins.n_items + 63) / 64;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        b->unit[d] = 1;
    b->stride = sizeof(struct rec) + b->words * sizeof(uint64_t);
    if (region_reserve(&b->recs, region_size(RECS_MAX, b->stride), 1) ||
        region_reserve(&b->accts, region_size(RECS_MAX, sizeof *b->acct), 0) ||
        arena_init(&b->strings))
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    b->acct = (struct acct *)(void *)b->accts.base;
    if (acct_table_init(&b->acct_tab, (size_t)1 << 12) || t32_init(&b->items, 1024) ||
        t32_init(&b->resp_tab, 1u << 10))
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t j = 0; j < b->ins.n_items; j++) {
        const struct cvom_item *it = &b->ins.items[j];
        struct item_fast *f = &b->item[j];
        size_t span = (size_t)(it->scale_max - it->scale_min);
        if (!(f->score = malloc((span + 1) * sizeof *f->score)))
            return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
        for (size_t k = 0; k <= span; k++)
            cvom_item_normalise(it, it->scale_min + (double)k, &f->score[k]);
        f->w = it->weight;
        f->len = strlen(it->code);
        f->lo = it->scale_min;
        f->hi = it->scale_max;
        for (int d = 0; d < 10; d++)
            f->digit[d] =
                d >= it->scale_min && d <= it->scale_max ? f->score[d - it->scale_min] : NAN;
        for (int d = 0; d < CVOM_DIM_COUNT; d++) {
            f->dims |= cvom_item_on_dim(it, (enum cvom_dim)d) << d;
            b->on_dim[d][j >> 6] |= (uint64_t)(f->dims >> d & 1) << (j & 63);
            if (f->dims >> d & 1 && f->w != 1.0)
                b->unit[d] = 0;
        }
        size_t h = hash_code(it->code, strlen(it->code)) & b->items.mask;
        while (b->items.slot[h] != EMPTY)
            h = (h + 1) & b->items.mask;
        b->items.slot[h] = (uint32_t)j;
    }
    words_init(b);
    b->last_acct = b->last_rec = EMPTY;
    return CVOM_OK;
}

static void batch_cleanup(struct batch *b)
{
    for (size_t j = 0; j < b->ins.n_items; j++)
        free(b->item[j].score);
    cvom_instrument_cleanup(&b->ins);
    free(b->items.slot);
    free(b->acct_tab.slot);
    free(b->resp_tab.slot);
    free(b->rec_tab.slot);
    region_release(&b->strings.r);
    region_release(&b->accts);
    free(b->resp_key);
    free(b->resp_len);
    region_release(&b->recs);
}

enum { COL_ACCOUNT, COL_RESPONDENT, COL_ITEM, COL_SCORE, COL_COUNT };
static const char *const col_names[COL_COUNT] = {"account_id", "respondent_id", "item_id", "score"};

static enum cvom_status at_field(struct cvom_error *err, const struct batch *b,
                                 const struct cvom_csv_field *f, enum cvom_status st,
                                 const char *msg)
{
    cvom_error_set(err, st, "%s", msg);
    cvom__copy_str(err->file, sizeof err->file, b->name);
    err->line = f->line;
    err->column = f->column;
    return st;
}

static enum cvom_status header(const struct batch *b, const struct cvom_csv_row *row, int *col,
                               struct cvom_error *err)
{
    for (int k = 0; k < COL_COUNT; k++) {
        col[k] = -1;
        for (size_t i = 0; i < row->n; i++)
            if (strcmp(row->fields[i].s, col_names[k]) == 0)
                col[k] = (int)i;
        if (col[k] < 0) {
            struct cvom_csv_field f = {.line = row->line, .column = 1};
            char msg[160];
            snprintf(msg, sizeof msg,
                     "the header must name the columns account_id, "
                     "respondent_id, item_id and score; '%s' is missing",
                     col_names[k]);
            return at_field(err, b, &f, CVOM_EPARSE, msg);
        }
    }
    return CVOM_OK;
}

/* The record of respondent r of account a, found or made (respondent_rec's slow half). */
static COLD struct rec *find_rec(struct batch *b, const char *a, size_t na, const char *r,
                                 size_t nr)
{
    uint32_t ac = b->last_acct, k;
    if (ac == EMPTY || b->acct[ac].len != na || !same(b->strings.buf + b->acct[ac].key, a, na)) {
        if (account_of(b, a, na, &ac))
            return NULL;
        b->last_acct = ac;
        b->last_rec = EMPTY;
    }
    struct rec *rc = b->last_rec == EMPTY ? NULL : rec_at(b, b->last_rec);
    if (!rc || b->resp_len[rc->resp] != nr ||
        !same(b->strings.buf + b->resp_key[rc->resp], r, nr)) {
        uint32_t id;
        if (respondent_id(b, r, nr, &id) || record_of(b, ac, id, &k))
            return NULL;
        b->last_rec = k;
        rc = rec_at(b, k);
    }
    return rc;
}

/* The record of respondent r of account a, found or made. The last account and record are
 * remembered, since rows usually come grouped by both; that case stays inline. NULL when
 * memory runs out. */
static ALWAYS_INLINE struct rec *respondent_rec(struct batch *b, const char *a, size_t na,
                                                const char *r, size_t nr)
{
    uint32_t ac = b->last_acct;
    if (ac != EMPTY && b->last_rec != EMPTY && b->acct[ac].len == na &&
        same(b->strings.buf + b->acct[ac].key, a, na)) {
        struct rec *rc = rec_at(b, b->last_rec);
        if (b->resp_len[rc->resp] == nr && same(b->strings.buf + b->resp_key[rc->resp], r, nr))
            return rc;
    }
    return find_rec(b, a, na, r, nr);
}

/* Count item j's score s (0–100, from an answer on its scale) in rc; -1 when the respondent
 * answered j before, leaving rc as it was. */
static ALWAYS_INLINE int count_score(const struct batch *b, struct rec *rc, int j, double s)
{
    const struct item_fast *it = &b->item[j];
    uint64_t bit = 1ull << (j & 63);
    if (rc->mask[j >> 6] & bit)
        return -1;
    rc->mask[j >> 6] |= bit;
    double ws = it->w * s;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (it->dims >> d & 1) {
            rc->swx[d] += ws;
            rc->swx2[d] += ws * s;
        }
    return 0;
}

/* The score of answer x on item j's scale: whole answers from the table of the core's
 * values, others from the core itself. */
static double item_score(const struct batch *b, int j, double x)
{
    double s;
    if (x == floor(x))
        s = b->item[j].score[(size_t)(x - b->item[j].lo)];
    else
        cvom_item_normalise(&b->ins.items[j], x, &s);
    return s;
}

static enum cvom_status add_row(struct batch *b, const struct cvom_csv_row *row, const int *col,
                                struct cvom_error *err)
{
    size_t need = 0;
    for (int k = 0; k < COL_COUNT; k++)
        if ((size_t)col[k] + 1 > need)
            need = (size_t)col[k] + 1;
    if (row->n < need) {
        struct cvom_csv_field f = {.line = row->line, .column = 1};
        return at_field(err, b, &f, CVOM_EPARSE, "row has fewer fields than the header");
    }
    const struct cvom_csv_field *fa = &row->fields[col[COL_ACCOUNT]];
    const struct cvom_csv_field *fr = &row->fields[col[COL_RESPONDENT]];
    const struct cvom_csv_field *fi = &row->fields[col[COL_ITEM]];
    const struct cvom_csv_field *fs = &row->fields[col[COL_SCORE]];
    if (fa->len == 0 || fr->len == 0)
        return at_field(err, b, fa->len ? fr : fa, CVOM_EINVAL,
                        fa->len ? "respondent_id is empty" : "account_id is empty");
    if (fs->len == 0)
        return CVOM_OK; /* a missing answer is missing, never zero */
    int j = item_of(b, fi->s, fi->len);
    char msg[160];
    if (j < 0) {
        snprintf(msg, sizeof msg, "unknown item '%.60s' (not in the instrument)", fi->s);
        return at_field(err, b, fi, CVOM_EINVAL, msg);
    }
    const struct item_fast *it = &b->item[j];
    double x;
    if (parse_score(fs->s, fs->len, &x) || x < it->lo || x > it->hi) {
        snprintf(msg, sizeof msg, "'%.40s' is not a score on %.31s's scale %g..%g", fs->s,
                 b->ins.items[j].code, it->lo, it->hi);
        return at_field(err, b, fs, CVOM_EINVAL, msg);
    }
    struct rec *rc = respondent_rec(b, fa->s, fa->len, fr->s, fr->len);
    if (!rc)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (count_score(b, rc, j, item_score(b, j, x))) {
        snprintf(msg, sizeof msg, "a second answer to %.31s by the same respondent",
                 b->ins.items[j].code);
        return at_field(err, b, fi, CVOM_EINVAL, msg);
    }
    return CVOM_OK;
}

/* Counts and weight sums come back from the answered-item bits, item by item in the
 * instrument's order on each dimension, so that the sums are the same to the last bit. */
static void to_respondent(const struct batch *b, const struct rec *rc, struct cvom_respondent *r)
{
    memset(r, 0, sizeof *r);
    r->kind = CVOM_RESP_CUSTOMER;
    r->influence = 1.0;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        struct cvom_acc *a = &r->dim[d];
        for (size_t w = 0; w < b->words; w++) {
            uint64_t m = rc->mask[w] & b->on_dim[d][w];
            if (b->unit[d]) { /* n weights of 1 add up to n exactly, in any order */
                a->n += (uint32_t)cvom_bit_count(m);
                a->sw = a->sw2 = a->n;
                continue;
            }
            for (; m; m &= m - 1) {
                double wt = b->item[w * 64 + (size_t)cvom_lowest_bit(m)].w;
                a->n++;
                a->sw += wt;
                a->sw2 += wt * wt;
            }
        }
        a->swx = rc->swx[d];
        a->swx2 = rc->swx2[d];
    }
}

/* v at p with six decimals, or exactly (the shortest text that reads back as v); nothing for
 * NaN. Returns the bytes written, fewer than room (at least 400). printf's %.6f is exact
 * but slow for a hundred thousand rows; scores are 0–100, so a scaled integer prints the
 * same digits except, rarely, in the last place of a tie. */
static size_t put_num(char *p, size_t room, double v, int exact)
{
    if (isnan(v))
        return 0;
    if (exact) {
        cvom__format_double(p, room, v);
        return strlen(p);
    }
    if (!(v >= 0 && v < 1e9))
        return (size_t)snprintf(p, room, "%.6f", v);
    uint64_t u = (uint64_t)(v * 1e6 + 0.5);
    size_t len = 8; /* one digit before the point, the point, six after */
    for (uint64_t w = u / 10000000; w; w /= 10)
        len++;
    char *q = p + len; /* written right to left, in place */
    for (int i = 0; i < 6; i++, u /= 10)
        *--q = (char)('0' + u % 10);
    *--q = '.';
    do
        *--q = (char)('0' + u % 10);
    while (u /= 10);
    return len;
}

/* Where rows go: a stream, or blocks in memory for the rows of a later batch, composed on
 * another thread while the first batch's are written. Blocks are filled and never moved,
 * so no byte is copied twice nor a page cleared in vain. */
#define SINK_BLOCK ((size_t)1 << 18)

struct block {
    struct block *next;
    size_t len, cap;
    char data[];
};

struct sink {
    FILE *f; /* NULL: the blocks */
    struct block *head, *tail;
    char *line; /* one row as it is composed */
    size_t line_cap;
};

static int sink_put(struct sink *k, const char *p, size_t n)
{
    if (k->f)
        return fwrite(p, 1, n, k->f) == n ? 0 : -1;
    if (!k->tail || k->tail->cap - k->tail->len < n) {
        size_t cap = n > SINK_BLOCK ? n : SINK_BLOCK;
        struct block *g = malloc(sizeof *g + cap);
        if (!g)
            return -1;
        *g = (struct block){.cap = cap};
        if (k->tail)
            k->tail->next = g;
        else
            k->head = g;
        k->tail = g;
    }
    cvom__copy(k->tail->data + k->tail->len, p, n);
    k->tail->len += n;
    return 0;
}

static void sink_cleanup(struct sink *k)
{
    for (struct block *g = k->head, *next; g; g = next) {
        next = g->next;
        free(g);
    }
    free(k->line);
}

static void put_text(char *line, size_t *len, const char *s)
{
    size_t n = strlen(s);
    memcpy(line + *len, s, n);
    *len += n;
}

/* One account's row: the id, as every CSV of cvom writes text, then the numbers, quadrant
 * and state (and with exact, the standard errors), composed in memory and put at once.
 * -1 when memory runs out or the stream fails. */
static int put_row(struct sink *k, const char *id, const struct cvom_score *s, int exact, int guard)
{
    const int I = CVOM_DIM_INTELLECTUAL, E = CVOM_DIM_EMOTIONAL;
    const double v[8] = {s->value[I], s->value[E], s->lo[I], s->hi[I],
                         s->lo[E],    s->hi[E],    s->se[I], s->se[E]};
    size_t need = 2 * strlen(id) + 3 + 8 * 400 + 64;
    if (need > k->line_cap) {
        char *g = realloc(k->line, need);
        if (!g)
            return -1;
        k->line = g;
        k->line_cap = need;
    }
    char *line = k->line;
    size_t len = cvom__csv_field_text(line, id, guard);
    for (int j = 0; j < 6; j++) {
        line[len++] = ',';
        len += put_num(line + len, 400, v[j], exact);
    }
    line[len++] = ',';
    put_text(line, &len,
             s->state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(s->quadrant));
    line[len++] = ',';
    put_text(line, &len, cvom_state_name(s->state));
    for (int j = 6; exact && j < 8; j++) {
        line[len++] = ',';
        len += put_num(line + len, 400, v[j], exact);
    }
    line[len++] = '\n';
    return sink_put(k, line, len);
}

static const char score_header[] =
    "account_id,intellectual,emotional,intellectual_lo,intellectual_hi,emotional_lo,"
    "emotional_hi,quadrant,state";

/* Score and write every account of b (but those merged away), in order. */
static enum cvom_status write_rows(const struct batch *b, struct sink *out)
{
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_tcache *tc = calloc(1, sizeof *tc);
    size_t cap = 16;
    struct cvom_respondent *r = malloc(cap * sizeof *r);
    enum cvom_status st = r && tc ? CVOM_OK : CVOM_ENOMEM;
    cfg.tcache = tc;
    for (size_t i = 0; !st && i < b->n_acct; i++) {
        if (b->acct[i].merged)
            continue;
        size_t k = 0;
        for (uint32_t v = b->acct[i].first; !st && v != EMPTY; v = rec_at(b, v)->next) {
            if (k == cap) {
                struct cvom_respondent *g = realloc(r, 2 * cap * sizeof *g);
                if (!g) {
                    st = CVOM_ENOMEM;
                    break;
                }
                r = g;
                cap *= 2;
            }
            to_respondent(b, rec_at(b, v), &r[k++]);
        }
        struct cvom_score s;
        if (st || (st = cvom_score_account(&cfg, b->ins.min_items, r, k, &s)) != CVOM_OK)
            break;
        if (put_row(out, b->strings.buf + b->acct[i].key, &s, b->exact, b->csv_guard))
            st = out->f ? CVOM_EIO : CVOM_ENOMEM;
    }
    free(r);
    free(tc);
    return st;
}

/* The rows of a second batch, composed in memory on another thread while the first is
 * written. */
struct formatted {
    const struct batch *b;
    struct sink rows;
    enum cvom_status st;
};

static void *format_thread(void *arg)
{
    struct formatted *f = arg;
    f->st = write_rows(f->b, &f->rows);
    return NULL;
}

static enum cvom_status write_scores(const struct batch *b, const struct batch *b2, FILE *out,
                                     struct cvom_error *err)
{
    struct formatted f = {.b = b2};
    pthread_t t;
    int threaded = b2 && pthread_create(&t, NULL, format_thread, &f) == 0;
    if (b2 && !threaded)
        format_thread(&f);
    fputs(score_header, out);
    fputs(b->exact ? ",intellectual_se,emotional_se\n" : "\n", out);
    struct sink direct = {.f = out};
    enum cvom_status st = write_rows(b, &direct);
    sink_cleanup(&direct);
    if (threaded)
        pthread_join(t, NULL);
    if (!st && b2 && !(st = f.st))
        for (const struct block *g = f.rows.head; g; g = g->next)
            fwrite(g->data, 1, g->len, out);
    sink_cleanup(&f.rows);
    if (!st && ferror(out))
        st = CVOM_EIO;
    return st ? cvom_error_set(err, st,
                               st == CVOM_EIO ? "could not write the scores" : "out of memory")
              : CVOM_OK;
}

/* One reader over a byte range of the input, feeding one batch. */
struct part {
    struct batch *b;
    int fd;
    off_t start;        /* where the range starts in the file */
    off_t end;          /* where it ends; -1: at the end of the input */
    int mid_file;       /* the range starts inside the file */
    int fast;           /* the input is a regular file: take plain rows by the fast path */
    int col[COL_COUNT]; /* column of each field; col[0] < 0 until the header is read */
    size_t nf;          /* fields in the header */
    off_t size;         /* for progress; 0 = none */
    off_t shown;        /* bytes read when progress was last shown */
    struct cvom_error err;
    enum cvom_status st;
};

#define PROGRESS_STEP ((off_t)16 << 20)

static void show_progress(struct part *p, off_t read)
{
    if (!p->size || read - p->shown < PROGRESS_STEP)
        return;
    p->b->progress(p->b->progress_ctx, p->b->name, (double)read / (double)p->size);
    p->shown = read;
}

/* ---- the fast path: plain rows, cut where csv_index finds their separators ---------------
 * Rows of plain bytes (csv_index.h) with exactly as many fields as the header are cut into
 * fields here and scored without the full reader; the first row that is anything else —
 * quoted, not ASCII, of another length, or wrong in any way the full reader reports — is
 * where the full reader takes over, on the same batch, with the line number counted so far,
 * so every message and every score is the full reader's. */

#define FAST_BLOCK ((size_t)1 << 18) /* bytes per read: small enough to stay in cache */
#define FAST_WINDOW                                                                                \
    ((size_t)1 << 16) /* bytes indexed at once: rows up to this long are                           \
                         cut here, so no field reaches the reader's limits */
#define FAST_PAD 64   /* readable bytes after the data */

struct fast {
    char *buf;     /* FAST_BLOCK + FAST_WINDOW + FAST_PAD bytes */
    uint32_t *pos; /* FAST_WINDOW + CVOM_CSV_INDEX_MIN separator offsets */
    size_t len;    /* bytes in buf */
    size_t done;   /* of which consumed: whole rows and blank lines */
    off_t off;     /* file offset of buf[0] */
    long line;     /* line of buf[done] */
    int eof;
};

/* Field c of a row that starts at s[start] and is cut at e[0..nf); a carriage return before
 * the line feed is not part of the last field. */
static ALWAYS_INLINE const char *field_at(const char *s, size_t start, const uint32_t *e, size_t c,
                                          size_t nf, size_t *n)
{
    size_t from = c ? e[c - 1] + 1 : start, to = e[c];
    if (c == nf - 1 && to > from && s[to - 1] == '\r')
        to--;
    *n = to - from;
    return s + from;
}

/* The score of a one-digit answer to item j, or NaN when the digit is off its scale. */
static ALWAYS_INLINE double digit_score(const struct batch *b, int j, unsigned char c)
{
    return b->item[j].digit[c - '0'];
}

/* The score of an answer that is not a single digit, as add_row reads it; NaN when it is not
 * a number on item j's scale. */
static COLD double text_score(const struct batch *b, int j, const char *sc, size_t ns)
{
    char text[64]; /* parse_score wants a string; a longer score is the reader's */
    double x;
    if (ns >= sizeof text)
        return NAN;
    memcpy(text, sc, ns);
    text[ns] = '\0';
    if (parse_score(text, ns, &x) || x < b->item[j].lo || x > b->item[j].hi)
        return NAN;
    return item_score(b, j, x);
}

/* One plain row, scored as add_row scores it. Non-zero when the row must go to the full
 * reader instead; then nothing of it was counted. */
static ALWAYS_INLINE int fast_row(struct batch *b, const int *col, const char *s, size_t start,
                                  const uint32_t *e, size_t nf)
{
    size_t na, nr, ni, ns;
    const char *a = field_at(s, start, e, (size_t)col[COL_ACCOUNT], nf, &na);
    const char *r = field_at(s, start, e, (size_t)col[COL_RESPONDENT], nf, &nr);
    const char *it = field_at(s, start, e, (size_t)col[COL_ITEM], nf, &ni);
    const char *sc = field_at(s, start, e, (size_t)col[COL_SCORE], nf, &ns);
    if (na == 0 || nr == 0)
        return -1;
    if (ns == 0)
        return 0; /* a missing answer is missing, never zero */
    int j = item_word_of(b, it, ni);
    if (j < 0)
        return -1;
    double score = ns == 1 && sc[0] >= '0' && sc[0] <= '9' ? digit_score(b, j, (unsigned char)sc[0])
                                                           : text_score(b, j, sc, ns);
    if (isnan(score))
        return -1;
    /* When the account and the respondent are the first two fields, a row that begins with
     * the same bytes as the one before, up to the end of the respondent, is theirs too. */
    struct rec *rc;
    size_t key = (size_t)(r + nr - s) - start;
    if (col[COL_ACCOUNT] == 0 && col[COL_RESPONDENT] == 1 && key == b->key_len &&
        same(s + start, b->key, key)) {
        rc = rec_at(b, b->key_rec);
    } else if ((rc = respondent_rec(b, a, na, r, nr)) && key <= sizeof b->key) {
        memcpy(b->key, s + start, key);
        b->key_len = key;
        b->key_rec = (uint32_t)(((unsigned char *)rc - b->recs.base) / b->stride);
    }
    return rc ? count_score(b, rc, j, score) : -1;
}

/* Score the rows that start at s[0] and end among the k separator offsets, with nf fields
 * each and the columns col. Returns the bytes they and the blank lines among them take,
 * which end after a line feed; *line counts them. *stop is set when the row after them is
 * for the full reader. Inline so that the usual layout gets a copy with its constants. */
static ALWAYS_INLINE size_t cut_rows(struct batch *b, const char *s, const uint32_t *pos, size_t k,
                                     size_t nf, const int *col, long *line, int *stop)
{
    size_t start = 0, i = 0;
    long rows = 0;
    while (i < k) {
        const uint32_t *e = pos + i;
        if (s[e[0]] == '\n' && (e[0] == start || (e[0] == start + 1 && s[start] == '\r'))) {
            start = e[0] + 1; /* a blank line, skipped as the full reader skips it */
            i++;
            rows++;
            continue;
        }
        if (k - i < nf)
            break;
        size_t f = 0;
        while (f < nf - 1 && s[e[f]] == ',')
            f++;
        if (f < nf - 1 || s[e[f]] != '\n' || fast_row(b, col, s, start, e, nf)) {
            *stop = 1;
            break;
        }
        start = e[nf - 1] + 1;
        i += nf;
        rows++;
    }
    *line += rows;
    return start;
}

/* The layout bench_gen and most exports write: the four columns, in the header's order. */
static const int usual_col[COL_COUNT] = {0, 1, 2, 3};

static size_t fast_rows(struct part *p, const char *s, const uint32_t *pos, size_t k, long *line,
                        int *stop)
{
    if (p->nf == COL_COUNT && memcmp(p->col, usual_col, sizeof usual_col) == 0)
        return cut_rows(p->b, s, pos, k, COL_COUNT, usual_col, line, stop);
    return cut_rows(p->b, s, pos, k, p->nf, p->col, line, stop);
}

/* Keep the bytes not yet consumed and read up to a block more. -1 on a read error, which
 * the full reader then meets and reports. */
static int fast_refill(struct part *p, struct fast *f)
{
    memmove(f->buf, f->buf + f->done, f->len - f->done);
    f->off += (off_t)f->done;
    f->len -= f->done;
    f->done = 0;
    off_t next = f->off + (off_t)f->len;
    size_t want = FAST_BLOCK;
    if (p->end >= 0 && p->end - next < (off_t)want)
        want = (size_t)(p->end - next);
    ssize_t k;
    do
        k = want ? pread(p->fd, f->buf + f->len, want, next) : 0;
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return -1;
    f->eof = k == 0;
    f->len += (size_t)k;
    memset(f->buf + f->len, 0, FAST_PAD);
    show_progress(p, next + k - p->start);
    return 0;
}

/* The header at the start of buf[0..len), read by the full reader from at most a window of
 * it (plenty for a header, and the reader then needs no more memory than that): fills col
 * and *nf, and returns the bytes it takes with any blank lines before it, up to its line
 * end. 0 when it is not whole there or not a header header() takes; col[0] is then -1.
 * mid_file is csv.h's: whether a byte order mark there is data. */
static size_t read_header(const struct batch *b, const char *buf, size_t len, int mid_file,
                          int *col, size_t *nf)
{
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.mid_file = mid_file;
    struct cvom_csv *r;
    struct cvom_csv_row row;
    struct cvom_error err;
    if (len > FAST_WINDOW)
        len = FAST_WINDOW;
    col[0] = -1;
    if (cvom__csv_open_mem(buf, len, b->name, &o, &r, &err))
        return 0;
    int ok = cvom__csv_next(r, &row, &err) == CVOM_OK && !row.eof &&
             header(b, &row, col, &err) == CVOM_OK;
    size_t used = cvom__csv_offset(r);
    *nf = ok ? row.n : 0;
    cvom__csv_close(r);
    if (!ok || used == 0 || used > len || buf[used - 1] != '\n') {
        col[0] = -1;
        return 0;
    }
    return used;
}

/* The header from the first block; its bytes are consumed. -1 when read_header found none:
 * the full reader then reads the file from the start, errors and all. */
static int fast_header(struct part *p, struct fast *f)
{
    size_t used = read_header(p->b, f->buf, f->len, p->mid_file, p->col, &p->nf);
    if (!used)
        return -1;
    for (const char *c = f->buf; (c = memchr(c, '\n', (size_t)(f->buf + used - c))); c++)
        f->line++;
    f->done = used;
    return 0;
}

/* Take the part's plain rows. *at and *line receive where the full reader must go on, and
 * *left whether it must: not when the fast path read the whole range. */
static enum cvom_status fast_part(struct part *p, off_t *at, long *line, int *left)
{
    struct fast f = {.off = p->start, .line = 1};
    f.buf = malloc(FAST_BLOCK + FAST_WINDOW + FAST_PAD);
    f.pos = malloc((FAST_WINDOW + CVOM_CSV_INDEX_MIN) * sizeof *f.pos);
    if (!f.buf || !f.pos) {
        free(f.buf);
        free(f.pos);
        return cvom_error_set(&p->err, CVOM_ENOMEM, "out of memory");
    }
    int stop = fast_refill(p, &f) || (p->col[0] < 0 && fast_header(p, &f));
    while (!stop && !(f.eof && f.done == f.len)) {
        size_t n = f.len - f.done < FAST_WINDOW ? f.len - f.done : FAST_WINDOW, plain;
        size_t k = cvom__csv_index(f.buf + f.done, n, ',', f.pos, FAST_WINDOW + CVOM_CSV_INDEX_MIN,
                                   &plain);
        size_t used = fast_rows(p, f.buf + f.done, f.pos, k, &f.line, &stop);
        f.done += used;
        /* No whole row in the window: it goes on past the data read so far (read more), or
         * it is longer than a window, or it ends the input without a line end; the last two
         * are the full reader's. */
        if (!stop && used == 0)
            stop = f.done + n < f.len || f.eof || fast_refill(p, &f);
    }
    *at = f.off + (off_t)f.done;
    *line = f.line;
    *left = stop;
    free(f.buf);
    free(f.pos);
    return CVOM_OK;
}

/* The full reader over the rest of the part's range, from at (a line start), line. */
static void full_part(struct part *p, off_t at, long line)
{
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.limit = p->end >= 0 ? (size_t)(p->end - at) : 0;
    o.mid_file = p->mid_file || at > 0;
    o.first_line = line;
    struct cvom_csv *r;
    assert(p->end < 0 || at < p->end); /* the range is never empty, nor its rest */
    if (p->fast && lseek(p->fd, at, SEEK_SET) != at) {
        p->st = cvom_error_set(&p->err, CVOM_EIO, "%s: %s", p->b->name, strerror(errno));
        return;
    }
    p->st = cvom__csv_open_fd(p->fd, p->b->name, &o, &r, &p->err);
    if (p->st)
        return;
    struct cvom_csv_row row;
    enum cvom_status st;
    while (!(st = cvom__csv_next(r, &row, &p->err)) && !row.eof) {
        st = p->col[0] < 0 ? header(p->b, &row, p->col, &p->err)
                           : add_row(p->b, &row, p->col, &p->err);
        if (st)
            break;
        show_progress(p, at + (off_t)cvom__csv_offset(r) - p->start);
    }
    if (!st && p->col[0] < 0) {
        struct cvom_csv_field f = {.line = 1, .column = 1};
        st = at_field(&p->err, p->b, &f, CVOM_EPARSE, "the file is empty: no header row");
    }
    cvom__csv_close(r);
    p->st = st;
}

static void read_part(struct part *p)
{
    off_t at = p->start;
    long line = 1;
    int left = 1;
    p->st = p->fast ? fast_part(p, &at, &line, &left) : CVOM_OK;
    if (!p->st && left)
        full_part(p, at, line);
    if (p->shown)
        p->b->progress(p->b->progress_ctx, p->b->name, p->st ? -1.0 : 1.0);
}

static void *read_part_thread(void *arg)
{
    read_part(arg);
    return NULL;
}

/* Accounts of the later range `from` that `into` also holds (with input grouped by account,
 * only the one cut by the split) are folded into `into` and emptied in `from`; the rest stay
 * where they are and are written after `into`'s, which keeps the order of first
 * appearance. Returns -1 when the same respondent answered an item in both ranges: the
 * caller then rereads the file in one pass to report where. */
static int merge(struct batch *into, struct batch *from)
{
    for (size_t i = 0; i < from->n_acct; i++) {
        size_t slot;
        uint32_t hash;
        uint32_t a = account_find(into, from->strings.buf + from->acct[i].key, from->acct[i].len,
                                  &slot, &hash);
        if (a == EMPTY)
            continue;
        for (uint32_t v = from->acct[i].first; v != EMPTY; v = rec_at(from, v)->next) {
            const struct rec *src = rec_at(from, v);
            uint32_t id, k;
            if (respondent_id(into, from->strings.buf + from->resp_key[src->resp],
                              from->resp_len[src->resp], &id) ||
                record_of(into, a, id, &k))
                return -1;
            struct rec *dst = rec_at(into, k);
            for (size_t w = 0; w < into->words; w++) {
                if (dst->mask[w] & src->mask[w])
                    return -1;
                dst->mask[w] |= src->mask[w];
            }
            for (int d = 0; d < CVOM_DIM_COUNT; d++) {
                dst->swx[d] += src->swx[d];
                dst->swx2[d] += src->swx2[d];
            }
        }
        from->acct[i].merged = 1;
    }
    return 0;
}

/* Where the second half starts: just after the first line end past the middle. */
static off_t split_point(int fd, off_t size)
{
    char buf[4096];
    for (off_t at = size / 2; at < size;) {
        ssize_t k = pread(fd, buf, sizeof buf, at);
        if (k <= 0)
            return 0;
        const char *nl = memchr(buf, '\n', (size_t)k);
        if (nl)
            return at + (nl - buf) + 1 < size ? at + (nl - buf) + 1 : 0;
        at += k;
    }
    return 0;
}

#define PARALLEL_MIN (8 << 20) /* below this a second thread costs more than it saves */

/* Two readers on the two halves of a regular file, then one merge. Any problem at all (an
 * error, a quoted field across the middle, an answer given in both halves) returns
 * non-zero, and the caller reads the file again in one pass, which finds the first error
 * with its exact line. A first half that ends inside a quoted field fails with an
 * unterminated quote, so a half that reads cleanly was cut at a real line end. */
static int read_parallel(struct batch *b, struct batch *b2, const char *path, int fd, off_t size,
                         int progress)
{
    off_t mid = split_point(fd, size);
    if (mid <= 0)
        return -1;
    struct part one = {
        .b = b, .fd = fd, .end = mid, .fast = 1, .col = {-1}, .size = progress ? mid : 0};
    struct part two = {.b = b2,
                       .fd = open(path, O_RDONLY | O_CLOEXEC),
                       .start = mid,
                       .end = -1,
                       .mid_file = 1,
                       .fast = 1,
                       .col = {-1}};
    if (two.fd < 0)
        return -1;
    /* The second half has no header: read it from the start of the file. */
    char *head = malloc(FAST_WINDOW);
    ssize_t got = head ? pread(fd, head, FAST_WINDOW, 0) : -1;
    int ok = got > 0 && read_header(b2, head, (size_t)got, 0, two.col, &two.nf) > 0;
    free(head);
    pthread_t t;
    if (!ok || pthread_create(&t, NULL, read_part_thread, &two) != 0) {
        close(two.fd);
        return -1;
    }
    read_part(&one);
    pthread_join(t, NULL);
    close(two.fd);
    if (one.st || two.st)
        return -1;
    return merge(b, b2);
}

/* One reader over the whole input; a named regular file takes the fast path. */
static enum cvom_status read_all(struct batch *b, int fd, off_t size, int fast, int progress,
                                 struct cvom_error *err)
{
    struct part p = {
        .b = b, .fd = fd, .end = -1, .fast = fast, .col = {-1}, .size = progress ? size : 0};
    read_part(&p);
    if (p.st)
        *err = p.err;
    return p.st;
}

/* Write to a temporary file beside the destination and rename it into place, so a failed
 * run never leaves half a file; devices such as /dev/null are written directly. */
static enum cvom_status emit(const struct batch *b, const struct batch *b2, const char *output,
                             struct cvom_error *err)
{
    static char iobuf[1 << 16]; /* writes of 64 KiB rather than of a disk block */
    if (b->out) /* the caller's stream, and its buffer: servers score on several threads */
        return write_scores(b, b2, b->out, err);
    if (!output || strcmp(output, "-") == 0) {
        setvbuf(stdout, iobuf, _IOFBF, sizeof iobuf);
        return write_scores(b, b2, stdout, err);
    }
    struct stat sb;
    if (stat(output, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        FILE *f = fopen(output, "w");
        if (!f)
            return cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno));
        setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
        enum cvom_status st = write_scores(b, b2, f, err);
        return fclose(f) && !st ? cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno))
                                : st;
    }
    char tmp[PATH_MAX];
    int fd = cvom__open_beside(output, tmp, sizeof tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno));
    }
    setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
    enum cvom_status st = write_scores(b, b2, f, err);
    if (fflush(f) || fsync(fileno(f)))
        st = st ? st : cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno));
    if (fclose(f) && !st)
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno));
    if (!st && rename(tmp, output))
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno));
    if (st)
        unlink(tmp);
    return st;
}

/* Read the input into b, and on the parallel path also into *second (the later half);
 * *second is NULL when the file was read in one pass. */
static enum cvom_status score_file(struct batch *b, struct batch **second,
                                   const struct cvom_batch_options *o, struct cvom_error *err)
{
    *second = NULL;
    const char *input = o->input;
    int threads = o->input_open ? 1 : o->threads, progress = o->progress != NULL;
    int fd = o->input_open             ? o->input_fd
             : strcmp(input, "-") == 0 ? STDIN_FILENO
                                       : open(input, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cvom_error_set(err, CVOM_EIO, "%s: %s", input, strerror(errno));
    struct stat sb = {0};
    fstat(fd, &sb);
    off_t size = S_ISREG(sb.st_mode) ? sb.st_size : 0;
    enum cvom_status st = CVOM_OK;
    int done = 0;
    int two =
        threads == 2 || (threads == 0 && size >= PARALLEL_MIN && sysconf(_SC_NPROCESSORS_ONLN) > 1);
    if (size > 0 && two) {
        struct batch *b2 = malloc(sizeof *b2);
        if (b2 && !(st = batch_init(b2, o, err))) {
            done = read_parallel(b, b2, input, fd, size, progress) == 0;
        }
        if (done) {
            *second = b2;
        } else {
            if (b2)
                batch_cleanup(b2);
            free(b2);
        }
        if (!done && !st) { /* start again in one pass, from a clean slate */
            batch_cleanup(b);
            st = batch_init(b, o, err);
            b->progress = o->progress;
            b->progress_ctx = o->progress_ctx;
            if (!st && lseek(fd, 0, SEEK_SET) != 0)
                st = cvom_error_set(err, CVOM_EIO, "%s: %s", input, strerror(errno));
        }
    }
    if (!st && !done)
        st = read_all(b, fd, size, fd != STDIN_FILENO && S_ISREG(sb.st_mode), progress, err);
    if (fd != STDIN_FILENO && !o->input_open)
        close(fd);
    return st;
}

enum cvom_status cvom__batch_score(const struct cvom_batch_options *o, struct cvom_error *err)
{
    struct batch *b = malloc(sizeof *b), *b2 = NULL;
    if (!b)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    enum cvom_status st = batch_init(b, o, err);
    b->progress = o->progress;
    b->progress_ctx = o->progress_ctx;
    if (!st)
        st = score_file(b, &b2, o, err);
    if (!st)
        st = emit(b, b2, o->output, err);
    if (b2)
        batch_cleanup(b2);
    free(b2);
    batch_cleanup(b);
    free(b);
    return st;
}
