/* batch.c — `cvom score --input`: score a long-format responses file with no database.
 *
 * Memory grows with accounts and respondents, never with rows: each respondent keeps two
 * sums per axis and a bit per item answered (which also catches duplicate answers); the
 * counts and weight sums are derived from those bits at the end. Rows are usually grouped
 * by account and respondent, so the last account and respondent are remembered and most
 * rows need no hash lookup at all. Scoring itself is the core's cvom_score_account, so the
 * numbers are the same as everywhere else in cvom.
 *
 * The hash tables are hand-written because they are keyed by arena offsets and record
 * indices to keep every entry at four bytes; no library table does that.
 */
#include "cli/cli.h"

#include "io/csv.h"
#include "io/instrument_csv.h"
#include "io/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_BITS 16
#define CHUNK (1u << CHUNK_BITS)
#define CHUNKS_MAX 4096u /* 268 million records: the hard cap */
#define EMPTY UINT32_MAX

/* ---- a byte arena of strings, addressed by offset ------------------------------------ */

struct arena {
    char *buf;
    size_t len, cap;
};

static int arena_put(struct arena *a, const char *s, size_t n, uint32_t *off)
{
    if (a->len + n + 1 > UINT32_MAX)
        return -1;
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 1u << 20;
        while (cap < a->len + n + 1)
            cap *= 2;
        char *g = realloc(a->buf, cap);
        if (!g)
            return -1;
        a->buf = g;
        a->cap = cap;
    }
    memcpy(a->buf + a->len, s, n);
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

/* Equality of n bytes; short keys (ids, item codes) take two overlapping word loads
 * instead of a library call. */
static inline int same(const char *a, const char *b, size_t n)
{
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    if (n < 8) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4);
        memcpy(&y0, b, 4);
        memcpy(&x1, a + n - 4, 4);
        memcpy(&y1, b + n - 4, 4);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (n <= 16) {
        uint64_t x0, y0, x1, y1;
        memcpy(&x0, a, 8);
        memcpy(&y0, b, 8);
        memcpy(&x1, a + n - 8, 8);
        memcpy(&y1, b + n - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
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
    int dims;      /* bit d set when the item counts on dimension d */
    size_t len;    /* of the code */
};

struct rec {       /* one respondent of one account; followed by the answered-item bits */
    uint32_t account, resp, next, pad;
    double swx[CVOM_DIM_COUNT], swx2[CVOM_DIM_COUNT];
    uint64_t mask[];
};

struct acct {
    uint32_t key, len, first;
    uint32_t n_resp; /* past LIST_MAX its records are also in the hash table */
    int merged;      /* folded into the batch of the range before (see merge) */
};

/* An account's respondents are found by walking its short list; only accounts with more
 * respondents than this go through the hash table, which keeps it small and its misses
 * rare while bounding the walk on pathological input. */
#define LIST_MAX 32

struct batch {
    struct cvom_instrument ins;
    struct item_fast item[CVOM_ITEMS_MAX];
    struct table32 items;       /* item code -> index */
    struct arena strings;       /* account and respondent ids */
    struct acct *acct;
    size_t n_acct, cap_acct;
    struct table32 acct_tab;    /* account id -> index */
    uint32_t *resp_key;         /* interned respondent ids: index -> arena offset */
    uint32_t *resp_len;         /* and length */
    size_t n_resp, cap_resp;
    struct table32 resp_tab;
    unsigned char *chunk[CHUNKS_MAX];
    size_t n_rec, stride, words;
    struct table32 rec_tab;     /* (account, respondent) -> record */
    uint32_t last_acct, last_rec;
    const char *name;
};

static struct rec *rec_at(const struct batch *b, uint32_t i)
{
    return (struct rec *)(b->chunk[i >> CHUNK_BITS] + (size_t)(i & (CHUNK - 1)) * b->stride);
}

static int grow(struct table32 *t, struct batch *b, uint64_t (*key_hash)(const struct batch *,
                                                                         uint32_t))
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

static uint64_t acct_hash(const struct batch *b, uint32_t i)
{
    return hash_bytes(b->strings.buf + b->acct[i].key, b->acct[i].len);
}

static uint64_t resp_hash(const struct batch *b, uint32_t i)
{
    const char *s = b->strings.buf + b->resp_key[i];
    return hash_bytes(s, strlen(s));
}

static uint64_t rec_hash(const struct batch *b, uint32_t i)
{
    const struct rec *r = rec_at(b, i);
    return hash_u64((uint64_t)r->account << 32 | r->resp);
}

/* The account with this id, or EMPTY; *slot receives where it would go. */
static uint32_t account_find(const struct batch *b, const char *s, size_t n, size_t *slot)
{
    const struct table32 *t = &b->acct_tab;
    size_t h = hash_bytes(s, n) & t->mask;
    uint32_t v;
    for (; (v = t->slot[h]) != EMPTY; h = (h + 1) & t->mask)
        if (b->acct[v].len == n && same(b->strings.buf + b->acct[v].key, s, n))
            break;
    *slot = h;
    return v;
}

static int account_of(struct batch *b, const char *s, size_t n, uint32_t *out)
{
    struct table32 *t = &b->acct_tab;
    size_t h;
    if ((*out = account_find(b, s, n, &h)) != EMPTY)
        return 0;
    if (b->n_acct == b->cap_acct) {
        size_t cap = b->cap_acct ? b->cap_acct * 2 : 4096;
        struct acct *g = cap < UINT32_MAX ? realloc(b->acct, cap * sizeof *g) : NULL;
        if (!g)
            return -1;
        b->acct = g;
        b->cap_acct = cap;
    }
    uint32_t i = (uint32_t)b->n_acct;
    if (arena_put(&b->strings, s, n, &b->acct[i].key))
        return -1;
    b->acct[i].len = (uint32_t)n;
    b->acct[i].first = EMPTY;
    b->acct[i].n_resp = 0;
    b->acct[i].merged = 0;
    b->n_acct++;
    t->slot[h] = i;
    t->used++;
    *out = i;
    return grow(t, b, acct_hash);
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

static int table_add_rec(struct batch *b, uint32_t i)
{
    struct table32 *t = &b->rec_tab;
    const struct rec *r = rec_at(b, i);
    size_t h = hash_u64((uint64_t)r->account << 32 | r->resp) & t->mask;
    while (t->slot[h] != EMPTY)
        h = (h + 1) & t->mask;
    t->slot[h] = i;
    t->used++;
    return grow(t, b, rec_hash);
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
    } else {
        const struct table32 *t = &b->rec_tab;
        size_t h = hash_u64((uint64_t)account << 32 | resp) & t->mask;
        for (uint32_t v; (v = t->slot[h]) != EMPTY; h = (h + 1) & t->mask) {
            const struct rec *r = rec_at(b, v);
            if (r->account == account && r->resp == resp) {
                *out = v;
                return 0;
            }
        }
    }
    uint32_t i = (uint32_t)b->n_rec;
    if ((i >> CHUNK_BITS) >= CHUNKS_MAX)
        return -1;
    if (!b->chunk[i >> CHUNK_BITS] &&
        !(b->chunk[i >> CHUNK_BITS] = malloc((size_t)CHUNK * b->stride)))
        return -1;
    struct rec *r = rec_at(b, i);
    memset(r, 0, b->stride);
    r->account = account;
    r->resp = resp;
    r->next = ac->first; /* prepend; the order of respondents does not matter */
    ac->first = i;
    b->n_rec++;
    *out = i;
    if (++ac->n_resp == LIST_MAX + 1) { /* the list got long: index all of it */
        for (uint32_t v = ac->first; v != EMPTY; v = rec_at(b, v)->next)
            if (table_add_rec(b, v))
                return -1;
        return 0;
    }
    return ac->n_resp > LIST_MAX ? table_add_rec(b, i) : 0;
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
    return cvom_parse_double(s, out) ? -1 : 0;
}

static enum cvom_status batch_init(struct batch *b, const char *instrument,
                                   struct cvom_error *err)
{
    memset(b, 0, sizeof *b);
    cvom_instrument_init(&b->ins);
    enum cvom_status st = instrument ? cvom_instrument_load(instrument, &b->ins, err)
                                     : cvom_instrument_default(&b->ins, err);
    if (st)
        return st;
    b->words = (b->ins.n_items + 63) / 64;
    b->stride = sizeof(struct rec) + b->words * sizeof(uint64_t);
    if (t32_init(&b->items, 1024) || t32_init(&b->acct_tab, 1u << 12) ||
        t32_init(&b->resp_tab, 1u << 10) || t32_init(&b->rec_tab, 1u << 14))
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
        for (int d = 0; d < CVOM_DIM_COUNT; d++)
            f->dims |= cvom_item_on_dim(it, (enum cvom_dim)d) << d;
        size_t h = hash_code(it->code, strlen(it->code)) & b->items.mask;
        while (b->items.slot[h] != EMPTY)
            h = (h + 1) & b->items.mask;
        b->items.slot[h] = (uint32_t)j;
    }
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
    free(b->strings.buf);
    free(b->acct);
    free(b->resp_key);
    free(b->resp_len);
    for (size_t i = 0; i < CHUNKS_MAX && b->chunk[i]; i++)
        free(b->chunk[i]);
}

enum { COL_ACCOUNT, COL_RESPONDENT, COL_ITEM, COL_SCORE, COL_COUNT };
static const char *const col_names[COL_COUNT] = {"account_id", "respondent_id", "item_id",
                                                 "score"};

static enum cvom_status at_field(struct cvom_error *err, const struct batch *b,
                                 const struct cvom_csv_field *f, enum cvom_status st,
                                 const char *msg)
{
    cvom_error_set(err, st, "%s", msg);
    cvom_copy(err->file, sizeof err->file, b->name);
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
            snprintf(msg, sizeof msg, "the header must name the columns account_id, "
                     "respondent_id, item_id and score; '%s' is missing", col_names[k]);
            return at_field(err, b, &f, CVOM_EPARSE, msg);
        }
    }
    return CVOM_OK;
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
    uint32_t a = b->last_acct, r;
    if (a == EMPTY || b->acct[a].len != fa->len ||
        !same(b->strings.buf + b->acct[a].key, fa->s, fa->len)) {
        if (account_of(b, fa->s, fa->len, &a))
            return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
        b->last_acct = a;
        b->last_rec = EMPTY;
    }
    struct rec *rc = b->last_rec == EMPTY ? NULL : rec_at(b, b->last_rec);
    if (!rc || b->resp_len[rc->resp] != fr->len ||
        !same(b->strings.buf + b->resp_key[rc->resp], fr->s, fr->len)) {
        uint32_t id;
        if (respondent_id(b, fr->s, fr->len, &id) || record_of(b, a, id, &r))
            return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
        b->last_rec = r;
        rc = rec_at(b, r);
    }
    uint64_t bit = 1ull << (j & 63);
    if (rc->mask[j >> 6] & bit) {
        snprintf(msg, sizeof msg, "a second answer to %.31s by the same respondent",
                 b->ins.items[j].code);
        return at_field(err, b, fi, CVOM_EINVAL, msg);
    }
    rc->mask[j >> 6] |= bit;
    double s;
    if (x == floor(x))
        s = it->score[(size_t)(x - it->lo)];
    else
        cvom_item_normalise(&b->ins.items[j], x, &s);
    double ws = it->w * s;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (it->dims >> d & 1) {
            rc->swx[d] += ws;
            rc->swx2[d] += ws * s;
        }
    return CVOM_OK;
}

/* Counts and weight sums come back from the answered-item bits. */
static void to_respondent(const struct batch *b, const struct rec *rc, struct cvom_respondent *r)
{
    memset(r, 0, sizeof *r);
    r->kind = CVOM_RESP_CUSTOMER;
    r->influence = 1.0;
    for (size_t j = 0; j < b->ins.n_items; j++) {
        if (!(rc->mask[j >> 6] >> (j & 63) & 1))
            continue;
        for (int d = 0; d < CVOM_DIM_COUNT; d++)
            if (b->item[j].dims >> d & 1) {
                r->dim[d].n++;
                r->dim[d].sw += b->item[j].w;
                r->dim[d].sw2 += b->item[j].w * b->item[j].w;
            }
    }
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        r->dim[d].swx = rc->swx[d];
        r->dim[d].swx2 = rc->swx2[d];
    }
}

/* printf's %.6f is exact but slow for a hundred thousand rows; scores are 0–100, so a
 * scaled integer prints the same digits except, rarely, in the last place of a tie. */
static void put_num(FILE *out, double v)
{
    if (isnan(v))
        return;
    if (!(v >= 0 && v < 1e9)) {
        fprintf(out, "%.6f", v);
        return;
    }
    uint64_t u = (uint64_t)(v * 1e6 + 0.5);
    char buf[32], *p = buf + sizeof buf;
    for (int i = 0; i < 6; i++, u /= 10)
        *--p = (char)('0' + u % 10);
    *--p = '.';
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    fwrite(p, 1, (size_t)(buf + sizeof buf - p), out);
}

static const char score_header[] =
    "account_id,intellectual,emotional,intellectual_lo,intellectual_hi,emotional_lo,"
    "emotional_hi,quadrant,state\n";

/* Score and write every account of b (but those merged away), in order. */
static enum cvom_status write_rows(const struct batch *b, FILE *out)
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
        cvom_csv_write_field(out, b->strings.buf + b->acct[i].key, cli_csv_guard());
        const int I = CVOM_DIM_INTELLECTUAL, E = CVOM_DIM_EMOTIONAL;
        const double v[6] = {s.value[I], s.value[E], s.lo[I], s.hi[I], s.lo[E], s.hi[E]};
        for (int j = 0; j < 6; j++) {
            putc(',', out);
            put_num(out, v[j]);
        }
        fprintf(out, ",%s,%s\n",
                s.state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(s.quadrant),
                cvom_state_name(s.state));
    }
    free(r);
    free(tc);
    if (!st && ferror(out))
        st = CVOM_EIO;
    return st;
}

/* The rows of a second batch, formatted in memory on another thread while the first is
 * written. */
struct formatted {
    const struct batch *b;
    char *buf;
    size_t len;
    enum cvom_status st;
};

static void *format_thread(void *arg)
{
    struct formatted *f = arg;
    FILE *m = open_memstream(&f->buf, &f->len);
    f->st = m ? write_rows(f->b, m) : CVOM_ENOMEM;
    if (m && fclose(m) && !f->st)
        f->st = CVOM_ENOMEM;
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
    enum cvom_status st = write_rows(b, out);
    if (threaded)
        pthread_join(t, NULL);
    if (!st && b2 && !(st = f.st))
        fwrite(f.buf, 1, f.len, out);
    free(f.buf);
    if (!st && ferror(out))
        st = CVOM_EIO;
    return st ? cvom_error_set(err, st, st == CVOM_EIO ? "could not write the scores"
                                                       : "out of memory")
              : CVOM_OK;
}

/* One reader over a byte range of the input, feeding one batch. */
struct part {
    struct batch *b;
    int fd;
    size_t limit;          /* bytes to read; 0 = to the end */
    int mid_file;          /* the range starts inside the file */
    int col[COL_COUNT];    /* column of each field; col[0] < 0 until the header is read */
    off_t size;            /* for progress; 0 = none */
    struct cvom_error err;
    enum cvom_status st;
};

static void read_part(struct part *p)
{
    struct cvom_csv_opts o;
    cvom_csv_opts_init(&o);
    o.limit = p->limit;
    o.mid_file = p->mid_file;
    struct cvom_csv *r;
    p->st = cvom_csv_open_fd(p->fd, p->b->name, &o, &r, &p->err);
    if (p->st)
        return;
    size_t rows = 0;
    struct cvom_csv_row row;
    enum cvom_status st;
    while (!(st = cvom_csv_next(r, &row, &p->err)) && !row.eof) {
        st = p->col[0] < 0 ? header(p->b, &row, p->col, &p->err)
                           : add_row(p->b, &row, p->col, &p->err);
        if (st)
            break;
        if (p->size && ++rows % (1u << 20) == 0)
            fprintf(stderr, "\rreading %s: %3.0f%%", p->b->name,
                    100.0 * (double)cvom_csv_offset(r) / (double)p->size);
    }
    if (p->size && rows >= (1u << 20))
        fputs(st ? "\n" : "\rreading done.          \n", stderr);
    if (!st && p->col[0] < 0) {
        struct cvom_csv_field f = {.line = 1, .column = 1};
        st = at_field(&p->err, p->b, &f, CVOM_EPARSE, "the file is empty: no header row");
    }
    cvom_csv_close(r);
    p->st = st;
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
        uint32_t a = account_find(into, from->strings.buf + from->acct[i].key, from->acct[i].len,
                                  &slot);
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
static int read_parallel(struct batch *b, struct batch *b2, const char *path, int fd,
                         off_t size, int progress, struct cvom_error *err)
{
    off_t mid = split_point(fd, size);
    if (mid <= 0)
        return -1;
    struct part one = {.b = b, .fd = fd, .limit = (size_t)mid, .col = {-1},
                       .size = progress ? mid : 0};
    struct part two = {.b = b2, .fd = open(path, O_RDONLY | O_CLOEXEC), .col = {-1},
                       .mid_file = 1};
    if (two.fd < 0)
        return -1;
    /* The second half has no header: read it from the first line before it starts. */
    struct cvom_csv_opts o;
    cvom_csv_opts_init(&o);
    struct cvom_csv *r;
    struct cvom_csv_row row;
    int ok = cvom_csv_open_fd(two.fd, path, &o, &r, err) == CVOM_OK;
    if (ok) {
        ok = cvom_csv_next(r, &row, err) == CVOM_OK && !row.eof &&
             header(b2, &row, two.col, err) == CVOM_OK;
        cvom_csv_close(r);
    }
    pthread_t t;
    if (!ok || lseek(two.fd, mid, SEEK_SET) != mid ||
        pthread_create(&t, NULL, read_part_thread, &two) != 0) {
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

static enum cvom_status read_all(struct batch *b, int fd, off_t size, int progress,
                                 struct cvom_error *err)
{
    struct part p = {.b = b, .fd = fd, .col = {-1}, .size = progress ? size : 0};
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
    static char iobuf[1 << 16];
    if (!output || strcmp(output, "-") == 0) {
        setvbuf(stdout, iobuf, _IOFBF, sizeof iobuf);
        return write_scores(b, b2, stdout, err);
    }
    struct stat sb;
    if (stat(output, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        FILE *f = fopen(output, "w");
        if (!f)
            return cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno));
        enum cvom_status st = write_scores(b, b2, f, err);
        return fclose(f) && !st ? cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno))
                                : st;
    }
    char tmp[PATH_MAX];
    int fd = cvom_open_beside(output, tmp, sizeof tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return cvom_error_set(err, CVOM_EIO, "%s: %s", output, strerror(errno));
    }
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
static enum cvom_status score_file(struct batch *b, struct batch **second, const char *input,
                                   const char *instrument, int threads, int progress,
                                   struct cvom_error *err)
{
    *second = NULL;
    int fd = strcmp(input, "-") == 0 ? STDIN_FILENO : open(input, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cvom_error_set(err, CVOM_EIO, "%s: %s", input, strerror(errno));
    struct stat sb = {0};
    fstat(fd, &sb);
    off_t size = S_ISREG(sb.st_mode) ? sb.st_size : 0;
    enum cvom_status st = CVOM_OK;
    int done = 0;
    int two = threads == 2 || (threads == 0 && size >= PARALLEL_MIN &&
                               sysconf(_SC_NPROCESSORS_ONLN) > 1);
    if (size > 0 && two) {
        struct batch *b2 = malloc(sizeof *b2);
        if (b2 && !(st = batch_init(b2, instrument, err))) {
            b2->name = input;
            done = read_parallel(b, b2, input, fd, size, progress, err) == 0;
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
            st = batch_init(b, instrument, err);
            b->name = input;
            if (!st && lseek(fd, 0, SEEK_SET) != 0)
                st = cvom_error_set(err, CVOM_EIO, "%s: %s", input, strerror(errno));
        }
    }
    if (!st && !done)
        st = read_all(b, fd, size, progress, err);
    if (fd != STDIN_FILENO)
        close(fd);
    return st;
}

int cli_batch_score(struct cli *c, const char *input, const char *output,
                    const char *instrument, int threads, int quiet)
{
    struct batch *b = malloc(sizeof *b), *b2 = NULL;
    if (!b)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    enum cvom_status st = batch_init(b, instrument, &c->err);
    b->name = input;
    if (!st)
        st = score_file(b, &b2, input, instrument, threads, !quiet && isatty(STDERR_FILENO),
                        &c->err);
    if (!st)
        st = emit(b, b2, output, &c->err);
    if (b2)
        batch_cleanup(b2);
    free(b2);
    batch_cleanup(b);
    free(b);
    return st ? cli_fail(c, st, &c->err) : 0;
}
