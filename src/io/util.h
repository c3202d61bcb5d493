/* util.h — small checked parsers and file helpers shared by the faces: numbers, booleans,
 * whole-file reads with a size cap, and writes that never leave a half-written file. */
#ifndef CVOM_IO_UTIL_H
#define CVOM_IO_UTIL_H

#include "cvom.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Parse a whole string as a finite double / a long in [min, max]. Leading and trailing
 * spaces are allowed; anything else is CVOM_EINVAL. *out is written only on success. */
enum cvom_status cvom__parse_double(const char *s, double *out);
enum cvom_status cvom__parse_long(const char *s, long min, long max, long *out);
/* "1", "0", "true", "false", "yes", "no", "y", "n" (any case); CVOM_EINVAL otherwise. */
enum cvom_status cvom__parse_bool(const char *s, int *out);

/* Read a whole file (or standard input for "-") into a new NUL-terminated buffer of at
 * most cap bytes. The caller frees *buf. CVOM_ELIMIT when the file is larger. */
enum cvom_status cvom__read_file(const char *path, size_t cap, char **buf, size_t *len,
                                 struct cvom_error *err);

/* Copy at most cap-1 bytes of src into dst, always NUL-terminating, never splitting a UTF-8
 * character. Returns 1 when src was truncated. */
int cvom__copy_str(char *dst, size_t cap, const char *src);

/* An amount of money as every face shows revenue and costs: whole units with thousands
 * separators, after the currency code and a no-break space when currency is not empty:
 * 1840000 -> "1,840,000", "EUR 1,840,000". NaN or infinity gives "" (nothing to show).
 * Always NUL-terminated within cap; returns 1 when it had to be cut. */
int cvom__money_format(char *buf, size_t cap, double v, const char *currency);

/* What snprintf(buf, cap, "%.*f", decimals, v) writes, and its return value, without the
 * C library's exact decimal expansion where a few multiplications decide the digits: the
 * writers of large reports print a million numbers. decimals 0 to 17. */
int cvom__fixed_format(char *buf, size_t cap, double v, int decimals);

/* The double that the text of v with `decimals` decimals (as cvom__fixed_format writes it)
 * reads back as, never -0: a value rounded as it is shown. NaN stays NaN. */
double cvom__fixed_round(double v, int decimals);

/* Whether s is valid UTF-8 (no overlong forms, surrogates, or code points past U+10FFFF). */
int cvom__utf8_valid(const char *s);

/* The shortest decimal text that reads back as exactly v (at most 17 digits). */
void cvom__format_double(char *buf, size_t cap, double v);

/* Create PATH.tmp plus six random characters beside path, exclusively, with the usual permissions
 * of new files (the umask applies), for a file that is renamed onto path once complete so that no
 * half of it is ever seen. tmp (cap bytes) receives the name. Returns the descriptor, or -1 with
 * errno set. Safe to call from several threads. */
int cvom__open_beside(const char *path, char *tmp, size_t cap);

/* For a large file written through f and synced once complete: once 8 MiB or more were
 * written past *handed (0 at first), start writing them to disk now (sync_file_range), so
 * that the fsync at the end has little left to wait for. Flushes f; does nothing to a stream
 * on no seekable file. Call it now and then, e.g. every megabyte. */
void cvom__write_behind(FILE *f, off_t *handed);

/* Make room for `need` elements of `size` bytes in the array v of capacity *cap, doubling
 * as it grows and never past `max` elements. Returns the array (perhaps moved) with *cap
 * updated, or NULL with v and *cap untouched when memory or the bound runs out. */
void *cvom__grow(void *v, size_t *cap, size_t need, size_t size, size_t max);

/* An element to sort by an unsigned key: index says where it came from. */
struct cvom_keyed {
    uint64_t key;
    size_t index;
};

/* Sort v[0..n) by key, ascending and stable (equal keys keep their order), with tmp as
 * scratch of n elements. A radix sort: a byte of the key per pass, and passes over bytes
 * that every key shares are skipped, so it is linear in n where a comparison sort of 100,000
 * elements makes some 1.7 million calls. The result is in v. */
void cvom__sort_keyed(struct cvom_keyed *v, struct cvom_keyed *tmp, size_t n);

/* An account to be put in the order pictures and reports list accounts in. */
struct cvom_revenue_rank {
    double revenue; /* not NaN */
    const char *name;
    size_t index; /* the caller's */
};

/* Sort v[0..n) by revenue, largest first (−0 as 0), then by name (strcmp), then by index:
 * a radix sort of the revenues, and a comparison sort only within runs of equal revenue,
 * where 100,000 accounts by qsort make some 1.7 million calls. -1 when memory runs out (v
 * is then as it was). */
int cvom__rank_by_revenue(struct cvom_revenue_rank *v, size_t n);

/* Memory for an array of n bytes that is about to be written through, freed with free().
 * From 2 MiB on it is aligned to 2 MiB and offered to the kernel for transparent huge pages
 * (madvise), so that a few large pages back it rather than thousands of small ones: each
 * small page is a fault on first touch, and on a virtual machine a fault costs several
 * microseconds (100,000 chart points are 1,600 of them). NULL when memory runs out. */
void *cvom__alloc_array(size_t n);

/* An order-preserving key of a double: a < b exactly when key(a) < key(b), for every
 * number that is not NaN (−0 comes before +0). */
uint64_t cvom__double_key(double d);

/* Put the first k of the n elements (of `size` bytes) at base under cmp, which must be a
 * total order, at the front in order; the others follow in the order they had. For showing
 * the top of a long list: a heap of k finds them in one pass, where sorting all n would
 * cost n log n comparisons. Sorts all n when k is not much below n, or memory runs out. */
void cvom__sort_first(void *base, size_t n, size_t k, size_t size,
                      int (*cmp)(const void *, const void *));

/* Records of one size collected into a growing array, as a store listing's callback hands
 * them over: cvom__rows_push copies one in. Past `max` records, or when memory runs out,
 * push returns 1 (the callback's "stop") and sets failed; the records so far stay. */
struct cvom_rows {
    void *v;
    size_t n, cap;
    size_t size, max;
    int failed; /* CVOM_ENOMEM or CVOM_ELIMIT: why a record was not kept */
};

void cvom__rows_init(struct cvom_rows *l, size_t size, size_t max);
int cvom__rows_push(struct cvom_rows *l, const void *rec);
void cvom__rows_free(struct cvom_rows *l);
/* Why a collection stopped, as a status: CVOM_OK when every record was kept; CVOM_ENOMEM
 * "out of memory"; past the bound, CVOM_ELIMIT with the message too_many, or CVOM_OK when
 * too_many is NULL (the caller shows the first records and says so itself). */
enum cvom_status cvom__rows_status(const struct cvom_rows *l, const char *too_many,
                                   struct cvom_error *err);

/* Trim ASCII white space at both ends, in place; returns s. */
char *cvom__trim(char *s);

#endif
