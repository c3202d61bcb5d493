/* csv_index.c — the delimiter and line-feed index of csv_index.h.
 *
 * Each 64-byte stretch becomes two bit masks, one bit per byte: the separators (delimiter
 * or line feed) and the bytes that may not be plain. With SSE2, which every x86-64 has,
 * sixteen bytes are compared at once; elsewhere a byte loop builds the same masks. The
 * separators are then read off the mask lowest bit first. A carriage return is looked at
 * closely only in a stretch that has one, so files with LF line ends pay nothing for the
 * CRLF case.
 */
#include "io/csv_index.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

struct masks {
    uint64_t sep; /* delimiter or '\n' */
    uint64_t odd; /* quote, NUL, >= 0x80 or '\r': not plain, or plain only before a '\n' */
};

#if defined(__SSE2__)
static inline uint64_t bits16(__m128i v)
{
    return (uint64_t)(uint32_t)_mm_movemask_epi8(v);
}

static void classify(const unsigned char *p, unsigned char delim, struct masks *m)
{
    const __m128i d = _mm_set1_epi8((char)delim), lf = _mm_set1_epi8('\n');
    const __m128i quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r');
    const __m128i zero = _mm_setzero_si128();
    m->sep = m->odd = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        __m128i sep = _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, lf));
        /* v itself contributes its high bits: the bytes >= 0x80 */
        __m128i odd = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, zero), v));
        m->sep |= bits16(sep) << (16 * k);
        m->odd |= bits16(odd) << (16 * k);
    }
}
#else
static void classify(const unsigned char *p, unsigned char delim, struct masks *m)
{
    m->sep = m->odd = 0;
    for (int i = 0; i < 64; i++) {
        unsigned c = p[i];
        m->sep |= (uint64_t)(c == delim || c == '\n') << i;
        m->odd |= (uint64_t)(c == '"' || c == '\r' || c == 0 || c >= 0x80) << i;
    }
}
#endif

/* Of the odd bytes of the stretch p[0..64), those that are not plain: all but the carriage
 * returns followed by a line feed (next: the byte after a whole stretch). Rare, so plain C. */
static uint64_t not_plain(const unsigned char *p, uint64_t odd, unsigned char next)
{
    uint64_t bad = 0;
    for (; odd; odd &= odd - 1) {
        int i = cvom_lowest_bit(odd);
        unsigned char after = i == 63 ? next : p[i + 1];
        if (p[i] != '\r' || after != '\n')
            bad |= 1ull << i;
    }
    return bad;
}

size_t cvom__csv_index(const char *buf, size_t n, char delim, uint32_t *pos, size_t cap,
                       size_t *plain)
{
    const unsigned char *s = (const unsigned char *)buf;
    unsigned char tail[65];
    size_t k = 0;
    for (size_t at = 0; at < n; at += 64) {
        if (cap - k < CVOM_CSV_INDEX_MIN) {
            *plain = at;
            return k;
        }
        size_t len = n - at < 64 ? n - at : 64;
        const unsigned char *p = s + at;
        if (len < 64) { /* the last stretch: work on a copy, so nothing past buf[n] is read */
            memset(tail, 0, sizeof tail);
            memcpy(tail, p, len + 1);
            p = tail;
        }
        struct masks m;
        classify(p, (unsigned char)delim, &m);
        uint64_t valid = len < 64 ? (1ull << len) - 1 : ~0ull;
        uint64_t bad = (m.odd & valid) ? not_plain(p, m.odd & valid, len == 64 ? p[64] : 0) : 0;
        uint64_t sep = m.sep & valid;
        if (bad)
            sep &= (1ull << cvom_lowest_bit(bad)) - 1;
        for (; sep; sep &= sep - 1)
            pos[k++] = (uint32_t)(at + (size_t)cvom_lowest_bit(sep));
        if (bad) {
            *plain = at + (size_t)cvom_lowest_bit(bad);
            return k;
        }
    }
    *plain = n;
    return k;
}
