/* test_fixed.c — numbers with a fixed number of decimals, as the reports print them:
 * cvom__fixed_format must write exactly what snprintf("%.*f") writes, and cvom__fixed_round
 * give exactly what strtod reads back from that text, for every value: halves that are
 * exact in binary (which printf rounds to even), values a unit in the last place either
 * side of a half, negatives that round to zero, values too large for the quick path, NaN
 * and infinities, and a few hundred thousand values of every size. */
#include "check.h"
#include "io/util.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECIMALS_MAX 8 /* the quick path takes 0 to 6; 7 and 8 are the C library's */
#define SWEEP 40000    /* random values, each with every number of decimals */

static int mismatches;

/* Compare both functions with the C library for v and d; print the first few that differ. */
static void against_libc(double v, int d)
{
    char want[512], got[512];
    int wn = snprintf(want, sizeof want, "%.*f", d, v);
    int gn = cvom__fixed_format(got, sizeof got, v, d);
    double wr = isnan(v) ? v : strtod(want, NULL);
    if (wr == 0)
        wr = 0.0;
    double gr = cvom__fixed_round(v, d);
    int same_round = (isnan(wr) && isnan(gr)) || (wr == gr && signbit(wr) == signbit(gr));
    if (wn == gn && strcmp(want, got) == 0 && same_round)
        return;
    if (mismatches++ < 10)
        fprintf(stderr,
                "%.17g with %d decimals: \"%s\" (%d) and %.17g wanted, \"%s\" (%d) and "
                "%.17g given\n",
                v, d, want, wn, wr, got, gn, gr);
}

static void all_decimals(double v)
{
    for (int d = 0; d <= DECIMALS_MAX; d++)
        against_libc(v, d);
}

static void test_cases(void)
{
    char buf[64];
    /* Exact binary halves round to even, as printf does. */
    cvom__fixed_format(buf, sizeof buf, 0.125, 2);
    CHECK_STR(buf, "0.12");
    cvom__fixed_format(buf, sizeof buf, 0.375, 2);
    CHECK_STR(buf, "0.38");
    cvom__fixed_format(buf, sizeof buf, 2.5, 0);
    CHECK_STR(buf, "2");
    cvom__fixed_format(buf, sizeof buf, 3.5, 0);
    CHECK_STR(buf, "4");
    /* 1.005 is a little less than 1.005 in binary. */
    cvom__fixed_format(buf, sizeof buf, 1.005, 2);
    CHECK_STR(buf, "1.00");
    cvom__fixed_format(buf, sizeof buf, -0.001, 2);
    CHECK_STR(buf, "-0.00");
    CHECK(cvom__fixed_round(-0.001, 2) == 0 && !signbit(cvom__fixed_round(-0.001, 2)));
    CHECK(cvom__fixed_round(-1.236, 2) == -1.24);
    CHECK(cvom__fixed_round(1840000.499, 0) == 1840000);
    CHECK(isnan(cvom__fixed_round(NAN, 2)));
    /* What does not fit is cut as snprintf cuts it, and the length is the whole text's. */
    CHECK_INT(cvom__fixed_format(buf, 4, 12345.678, 2), 8);
    CHECK_STR(buf, "123");
    const double edge[] = {0,       -0.0,    0.5,    1.5,      -2.5,      0.05,    0.15,
                           0.25,    0.35,    0.45,   1e-7,     -1e-7,     99.995,  49.995,
                           50.005,  1e14,    1e15,   1e16,     123456789, 1e300,   -1e300,
                           DBL_MAX, DBL_MIN, 5e-324, INFINITY, -INFINITY, NAN,     0.045,
                           1.0 / 3, 2.0 / 3, 72.345, -72.345,  0.9999,    0.99999, 9.9999995};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
        all_decimals(edge[i]);
    CHECK_INT(mismatches, 0);
}

/* A small generator of our own, so that every run tries the same values. */
static uint64_t state = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static double uniform(void)
{
    return (double)(next() >> 11) * 0x1p-53;
}

static void test_sweep(void)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    for (int i = 0; i < SWEEP; i++) {
        /* Scores 0-100, shares 0-1, money to millions and beyond, and the decimal halves
         * that sit closest to a rounding decision, with their neighbours. */
        double v;
        switch (i % 5) {
        case 0: v = 100 * uniform(); break;
        case 1: v = uniform(); break;
        case 2: v = pow(10, 12 * uniform()) * (uniform() < 0.5 ? -1 : 1); break;
        case 3: {
            int d = (int)(next() % 7);
            v = ((double)(next() % 100000000) + 0.5) / scale[d];
            break;
        }
        default: v = (double)(next() % 1000000) / scale[next() % 5] - 5000; break;
        }
        all_decimals(v);
        all_decimals(nextafter(v, INFINITY));
        all_decimals(nextafter(v, -INFINITY));
    }
    CHECK_INT(mismatches, 0);
}

int main(void)
{
    CHECK_CASE(test_cases);
    CHECK_CASE(test_sweep);
    return CHECK_DONE();
}
