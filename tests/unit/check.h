/* check.h — the smallest test harness that says what failed: file:line, the expression
 * and both values. Each test program is its own process; main() returns the failure count
 * via CHECK_DONE(). */
#ifndef CVOM_CHECK_H
#define CVOM_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(expr)                                                                          \
    do {                                                                                     \
        check_count++;                                                                       \
        if (!(expr)) {                                                                       \
            check_failures++;                                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #expr);         \
        }                                                                                    \
    } while (0)

#define CHECK_INT(a, b)                                                                      \
    do {                                                                                     \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                      \
        check_count++;                                                                       \
        if (check_a_ != check_b_) {                                                          \
            check_failures++;                                                                \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__,    \
                    #a, #b, check_a_, check_b_);                                             \
        }                                                                                    \
    } while (0)

/* Absolute tolerance; NaN equals NaN so "no score" can be asserted too. */
#define CHECK_NEAR(a, b, tol)                                                                \
    do {                                                                                     \
        double check_a_ = (double)(a), check_b_ = (double)(b);                               \
        check_count++;                                                                       \
        if (!((isnan(check_a_) && isnan(check_b_)) ||                                        \
              fabs(check_a_ - check_b_) <= (tol))) {                                         \
            check_failures++;                                                                \
            fprintf(stderr, "%s:%d: %s ~= %s failed: %.17g != %.17g (tol %g)\n", __FILE__,   \
                    __LINE__, #a, #b, check_a_, check_b_, (double)(tol));                    \
        }                                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                                      \
    do {                                                                                     \
        const char *check_a_ = (a), *check_b_ = (b);                                         \
        check_count++;                                                                       \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                     \
            check_failures++;                                                                \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__,          \
                    __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",                        \
                    check_b_ ? check_b_ : "(null)");                                         \
        }                                                                                    \
    } while (0)

#define CHECK_DONE()                                                                         \
    (fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures),                 \
     check_failures ? 1 : 0)

#endif
