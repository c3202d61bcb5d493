/* gen.c — writes a large, reproducible responses file for the batch-scoring benchmark.
 *
 * The same --rows, --accounts and --seed always give the same bytes. Each account has a
 * latent position on both axes so that every quadrant is represented; its respondents
 * answer the default instrument's 19 items around that position, with some answers dropped.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEM_COUNT 19
#define OUT_BUF_SIZE (1u << 20)
#define ROW_MAX 64 /* longest row we can write: two ids of at most 20 digits, code, score */

/* The default instrument's codes; 'i' intellectual, 'e' emotional, 'p' price primacy
 * (counts on both axes, reverse-coded, so agreement means low value). */
static const struct {
    const char *code;
    char axis;
} items[ITEM_COUNT] = {
    {"INT01", 'i'}, {"INT02", 'i'}, {"INT03", 'i'}, {"INT04", 'i'}, {"INT05", 'i'},
    {"INT06", 'i'}, {"INT07", 'i'}, {"INT08", 'i'}, {"EMO01", 'e'}, {"EMO02", 'e'},
    {"EMO03", 'e'}, {"EMO04", 'e'}, {"EMO05", 'e'}, {"EMO06", 'e'}, {"EMO07", 'e'},
    {"EMO08", 'e'}, {"PRC01", 'p'}, {"PRC02", 'p'}, {"PRC03", 'p'},
};

struct out {
    char *buf;
    size_t len;
};

/* splitmix64: small, fast and of good enough quality for synthetic data. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *state)
{
    return (double)(rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [0, n); the slight modulo bias is irrelevant here. */
static uint32_t rng_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(rng_next(state) % n);
}

/* Roughly normal with mean 0 and standard deviation sd (sum of four uniforms). */
static double rng_noise(uint64_t *state, double sd)
{
    double s = rng_unit(state) + rng_unit(state) + rng_unit(state) + rng_unit(state);
    return (s - 2.0) * sd * 1.7320508075688772; /* the sum has variance 1/3 */
}

static int out_flush(struct out *o)
{
    if (o->len > 0 && fwrite(o->buf, 1, o->len, stdout) != o->len) {
        perror("bench_gen: write");
        return -1;
    }
    o->len = 0;
    return 0;
}

/* Append the decimal digits of v, left-padded with zeros to at least width digits. */
static void put_uint(struct out *o, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n < width && n < (int)sizeof tmp)
        tmp[n++] = '0';
    while (n > 0)
        o->buf[o->len++] = tmp[--n];
}

static void put_str(struct out *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static int put_row(struct out *o, uint64_t account, uint32_t respondent, int item, int score)
{
    if (OUT_BUF_SIZE - o->len < ROW_MAX && out_flush(o) != 0)
        return -1;
    o->buf[o->len++] = 'A';
    put_uint(o, account, 7);
    put_str(o, ",R");
    put_uint(o, respondent, 1);
    o->buf[o->len++] = ',';
    put_str(o, items[item].code);
    o->buf[o->len++] = ',';
    o->buf[o->len++] = (char)('0' + score);
    o->buf[o->len++] = '\n';
    return 0;
}

/* An answer on the 1..7 scale for a latent agreement level in [0, 1]. */
static int to_scale(double level)
{
    double x = 1.0 + 6.0 * level + 0.5;
    if (x < 1.0)
        return 1;
    if (x >= 8.0)
        return 7;
    return (int)x;
}

/* Write one account: quota rows spread over enough respondents, dropping answers at random
 * so that the total is exactly quota. keep is scratch space of at least slots entries. */
static int write_account(struct out *o, uint64_t *rng, uint64_t account, uint64_t quota,
                         unsigned char *keep, size_t keep_cap)
{
    uint64_t nresp = (quota + ITEM_COUNT - 1) / ITEM_COUNT;
    if (nresp == 0)
        return 0;
    if (rng_below(rng, 4) == 0)
        nresp++;
    size_t slots = (size_t)nresp * ITEM_COUNT;
    if (slots > keep_cap) { /* cannot happen with the caps checked in main */
        fprintf(stderr, "bench_gen: too many rows for one account\n");
        return -1;
    }
    memset(keep, 1, slots);
    /* Pick the missing answers by rejection sampling: cheap, since usually only a small
     * share of the slots is dropped. */
    for (size_t dropped = 0; dropped < slots - quota;) {
        size_t k = (size_t)rng_below(rng, (uint32_t)slots);
        if (keep[k]) {
            keep[k] = 0;
            dropped++;
        }
    }
    /* The account's latent profile, uniform over the plane so all four quadrants occur. */
    double li = rng_unit(rng), le = rng_unit(rng);
    for (uint64_t r = 0; r < nresp; r++) {
        double ri = li + rng_noise(rng, 0.10), re = le + rng_noise(rng, 0.10);
        double rp = 1.0 - 0.5 * (ri + re);
        for (int it = 0; it < ITEM_COUNT; it++) {
            double level = items[it].axis == 'i' ? ri : items[it].axis == 'e' ? re : rp;
            int score = to_scale(level + rng_noise(rng, 0.12));
            if (keep[r * ITEM_COUNT + (size_t)it] &&
                put_row(o, account, (uint32_t)(r + 1), it, score) != 0)
                return -1;
        }
    }
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (s == NULL || *s == '\0' || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_gen [--rows N] [--accounts N] [--seed S] > file.csv\n"
                    "  defaults: 10000000 rows over 100000 accounts, seed 1\n");
    return 2;
}

int main(int argc, char **argv)
{
    uint64_t rows = 10000000, accounts = 100000, seed = 1;
    for (int i = 1; i < argc; i += 2) {
        uint64_t *dst = strcmp(argv[i], "--rows") == 0       ? &rows
                        : strcmp(argv[i], "--accounts") == 0 ? &accounts
                        : strcmp(argv[i], "--seed") == 0     ? &seed
                                                             : NULL;
        if (dst == NULL || i + 1 >= argc || parse_u64(argv[i + 1], dst) != 0)
            return usage();
    }
    if (accounts == 0 || accounts > rows || rows / accounts > 100000) {
        fprintf(stderr, "bench_gen: need 1 <= accounts <= rows and at most 100000 rows "
                        "per account\n");
        return 2;
    }

    size_t keep_cap = (size_t)(rows / accounts + 2) * ITEM_COUNT + ITEM_COUNT;
    struct out o = {malloc(OUT_BUF_SIZE), 0};
    unsigned char *keep = malloc(keep_cap);
    int rc = 1;
    if (o.buf == NULL || keep == NULL) {
        fprintf(stderr, "bench_gen: out of memory\n");
        goto done;
    }
    uint64_t rng = seed;
    put_str(&o, "account_id,respondent_id,item_id,score\n");
    for (uint64_t a = 0; a < accounts; a++) {
        /* Spread rows evenly; the first rows % accounts accounts take one extra. */
        uint64_t quota = rows / accounts + (a < rows % accounts ? 1 : 0);
        if (write_account(&o, &rng, a + 1, quota, keep, keep_cap) != 0)
            goto done;
    }
    if (out_flush(&o) != 0 || fflush(stdout) != 0)
        goto done;
    rc = 0;
done:
    free(keep);
    free(o.buf);
    return rc;
}
