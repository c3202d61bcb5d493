/* test_csv_index.c — the fast path's separator index (io/csv_index.h) against a plain byte
 * loop written from its definition: on random bytes drawn mostly from the ones that matter
 * (delimiter, LF, CR, quote, NUL, bytes >= 0x80), at every length and start offset across
 * the 64-byte stretches, with the byte after the data both a line feed and not, and with
 * room for positions running out. */
#include "check.h"
#include "io/csv_index.h"

#include <stdint.h>
#include <stdlib.h>

/* What cvom__csv_index must give, one byte at a time. */
static size_t oracle(const unsigned char *s, size_t n, unsigned char delim, uint32_t *pos,
                     size_t *plain)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        int bad = c == '"' || c == 0 || c >= 0x80 || (c == '\r' && s[i + 1] != '\n');
        if (bad) {
            *plain = i;
            return k;
        }
        if (c == delim || c == '\n')
            pos[k++] = (uint32_t)i;
    }
    *plain = n;
    return k;
}

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* A byte of text: mostly letters, often separators, now and then one that is not plain. */
static unsigned char pick(unsigned char delim, int odd_rate)
{
    static const unsigned char odd[] = {'"', '\r', 0, 0x80, 0xC3, 0xFF};
    unsigned r = rnd(1000);
    if ((int)r < odd_rate)
        return odd[rnd(sizeof odd)];
    if (r < 150)
        return delim;
    if (r < 200)
        return '\n';
    if (r < 230)
        return '\r'; /* followed by '\n' below, most of the time */
    return (unsigned char)('a' + rnd(26));
}

static void one_case(size_t n, unsigned char delim, int odd_rate, size_t cap, int lf_after)
{
    unsigned char *buf = malloc(n + 1);
    uint32_t *got = malloc((cap + 64) * sizeof *got), *want = malloc((n + 1) * sizeof *want);
    if (!buf || !got || !want)
        abort();
    for (size_t i = 0; i < n; i++) {
        buf[i] = pick(delim, odd_rate);
        if (i > 0 && buf[i - 1] == '\r' && rnd(10) < 9)
            buf[i] = '\n';
    }
    buf[n] = lf_after ? '\n' : 'x';
    size_t want_plain, got_plain;
    size_t wk = oracle(buf, n, delim, want, &want_plain);
    size_t gk = cvom__csv_index((const char *)buf, n, (char)delim, got, cap, &got_plain);
    if (cap >= n + CVOM_CSV_INDEX_MIN) {
        /* room for everything: the same answer exactly */
        CHECK_INT(got_plain, want_plain);
        CHECK_INT(gk, wk);
    } else {
        /* it may stop early, but only at a stretch boundary and never past the oracle */
        CHECK(got_plain <= want_plain);
        CHECK(got_plain == want_plain || got_plain % 64 == 0);
        CHECK(got_plain == want_plain || cap - gk < CVOM_CSV_INDEX_MIN);
        size_t below = 0;
        while (below < wk && want[below] < got_plain)
            below++;
        CHECK_INT(gk, below);
    }
    for (size_t i = 0; i < gk && i < wk; i++)
        if (got[i] != want[i]) {
            CHECK_INT(got[i], want[i]);
            break;
        }
    free(buf);
    free(got);
    free(want);
}

int main(void)
{
    static const unsigned char delims[] = {',', ';', '\t'};
    for (size_t n = 0; n <= 200; n++)
        for (int lf = 0; lf < 2; lf++)
            for (size_t d = 0; d < sizeof delims; d++) {
                one_case(n, delims[d], 0, n + 64, lf);
                one_case(n, delims[d], 5, n + 64, lf);
            }
    for (int r = 0; r < 300; r++) {
        size_t n = 1 + rnd(5000);
        one_case(n, ',', rnd(3) == 0 ? 1 : 0, n + 64, rnd(2));
        one_case(n, ',', 0, 64 + rnd((unsigned)n), rnd(2)); /* room runs out */
    }
    /* The bit helpers the index's callers share, against plain loops. */
    for (int r = 0; r < 1000; r++) {
        uint64_t m = (uint64_t)rnd(1u << 30) << 34 ^ (uint64_t)rnd(1u << 30) << 4 ^ rnd(16);
        int want = 0, low = -1;
        for (int i = 0; i < 64; i++)
            if (m >> i & 1) {
                want++;
                if (low < 0)
                    low = i;
            }
        CHECK_INT(cvom_bit_count(m), want);
        if (m)
            CHECK_INT(cvom_lowest_bit(m), low);
    }
    CHECK_INT(cvom_bit_count(~0ull), 64);
    CHECK_INT(cvom_bit_count(0), 0);
    CHECK_INT(cvom_lowest_bit(1ull << 63), 63);

    /* A CR at the very end is plain only when the byte after the data is a line feed. */
    const char cr_end[] = "ab,c\r\n";
    uint32_t pos[128];
    size_t plain;
    CHECK_INT(cvom__csv_index(cr_end, 5, ',', pos, 128, &plain), 1);
    CHECK_INT(plain, 5);
    const char cr_cut[] = "ab,c\rx";
    CHECK_INT(cvom__csv_index(cr_cut, 5, ',', pos, 128, &plain), 1);
    CHECK_INT(plain, 4);
    return CHECK_DONE();
}
