/* mem.h — qsort, memcpy, memmove and memcmp for arrays that may be empty. The C library
 * requires valid pointers even when the length is zero, and an empty array is often a
 * NULL pointer here (nothing allocated, nothing found): these helpers do nothing for a
 * length of zero, so that no caller has to remember to. */
#ifndef CVOM_CORE_MEM_H
#define CVOM_CORE_MEM_H

#include <stdlib.h>
#include <string.h>

/* Sort n elements of `size` bytes at base with cmp; base may be NULL when n is 0. */
static inline void cvom__sort(void *base, size_t n, size_t size,
                              int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* Copy n bytes from src to dst (which must not overlap); either may be NULL when n is 0.
 * Returns dst. */
static inline void *cvom__copy(void *dst, const void *src, size_t n)
{
    return n ? memcpy(dst, src, n) : dst;
}

/* Move n bytes from src to dst (which may overlap); either may be NULL when n is 0.
 * Returns dst. */
static inline void *cvom__move(void *dst, const void *src, size_t n)
{
    return n ? memmove(dst, src, n) : dst;
}

/* 0 when the n bytes at a and b are equal (always, for n 0, whatever the pointers). */
static inline int cvom__compare(const void *a, const void *b, size_t n)
{
    return n ? memcmp(a, b, n) : 0;
}

#endif
