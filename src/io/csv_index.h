/* csv_index.h — the first stage of reading plain CSV fast: where the delimiters and line
 * feeds of a block are, found sixteen bytes at a time.
 *
 * A byte is plain when the full reader (csv.h) would take it as it is: anything but a quote,
 * a NUL, a byte of 0x80 or more, and a carriage return that is not right before a line feed.
 * Rows of plain bytes need none of the full reader's work (quotes, decoding, character
 * columns), so a caller can cut them into fields from these positions alone, and hand the
 * first row that is not plain to the full reader.
 */
#ifndef CVOM_CSV_INDEX_H
#define CVOM_CSV_INDEX_H

#include <stddef.h>
#include <stdint.h>

/* The index of the lowest set bit of m, which must not be 0: how bit masks are read, here
 * and by callers that keep masks of their own. */
static inline int cvom_lowest_bit(uint64_t m)
{
#if defined(__GNUC__)
    return __builtin_ctzll(m);
#else
    int i = 0;
    while (!(m & 1)) {
        m >>= 1;
        i++;
    }
    return i;
#endif
}

/* The number of set bits of m. Without the POPCNT instruction the compiler's builtin is a
 * library call, so the bits are added up in the register instead. */
static inline int cvom_bit_count(uint64_t m)
{
#if defined(__GNUC__) && defined(__POPCNT__)
    return __builtin_popcountll(m);
#else
    m -= (m >> 1) & 0x5555555555555555ull;
    m = (m & 0x3333333333333333ull) + ((m >> 2) & 0x3333333333333333ull);
    m = (m + (m >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (int)((m * 0x0101010101010101ull) >> 56);
#endif
}

/* Fewest entries of pos that let cvom__csv_index make progress: one 64-byte stretch. */
#define CVOM_CSV_INDEX_MIN 64

/* Write the offsets of every delim and '\n' in buf[0..n) to pos, in order. Stops at the
 * first byte that is not plain, or before a 64-byte stretch when fewer than
 * CVOM_CSV_INDEX_MIN entries of pos (cap in all) are left. buf[n] must be readable: it
 * decides whether a carriage return at n - 1 is plain. delim must not be a byte that is
 * never plain. *plain receives how many bytes from the start were looked at and are plain;
 * every offset written lies below it, and every delimiter and line feed below it was
 * written. Returns the number of offsets written. */
size_t cvom__csv_index(const char *buf, size_t n, char delim, uint32_t *pos, size_t cap,
                       size_t *plain);

#endif
