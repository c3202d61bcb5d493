/* test_stats.c — the statistics module against values computed independently with NumPy
 * and SciPy (tests/unit/stats_fixtures.h, made by tests/data/stats/make_fixtures.py), plus
 * the edge cases the header promises: invalid input, constant input, NaN results, n = 2.
 * Every fixture must agree to 1e-9: absolute for correlations, relative for t and SE. */
#include "check.h"
#include "cvom.h"
#include "stats_fixtures.h"

#include <stdint.h>
#include <stdlib.h>

#define TOL 1e-9
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define CHECK_REL(a, b, tol) CHECK_NEAR(a, b, (tol)*fabs((double)(b)))

/* Largest disagreement seen per function, printed at the end for the record. */
static double worst_alpha, worst_item_total, worst_tau, worst_pearson, worst_t, worst_t_raw,
    worst_acc_mean, worst_acc_se, worst_acc_df;

static void track(double *worst, double err)
{
    if (err > *worst || isnan(err))
        *worst = err;
}

static double rel_err(double got, double want)
{
    return fabs(got - want) / fabs(want);
}

/* A small deterministic generator so that the randomised checks repeat exactly. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

/* ---------------------------------------------------------------------------------------
 * Fixtures
 * ------------------------------------------------------------------------------------- */

static void test_alpha_fixtures(void)
{
    for (size_t f = 0; f < COUNT(alpha_fixtures); f++) {
        const struct alpha_fixture *fx = &alpha_fixtures[f];
        double alpha = NAN, item_total[16];
        CHECK(fx->k <= COUNT(item_total));
        if (fx->k > COUNT(item_total))
            continue;
        CHECK_INT(cvom_cronbach_alpha(fx->data, fx->n, fx->k, &alpha, item_total), CVOM_OK);
        CHECK_NEAR(alpha, fx->alpha, TOL);
        track(&worst_alpha, fabs(alpha - fx->alpha));
        for (size_t j = 0; j < fx->k; j++) {
            CHECK_NEAR(item_total[j], fx->item_total[j], TOL);
            if (!isnan(fx->item_total[j]))
                track(&worst_item_total, fabs(item_total[j] - fx->item_total[j]));
        }
        /* item_total is optional and does not change alpha. */
        double alpha2 = NAN;
        CHECK_INT(cvom_cronbach_alpha(fx->data, fx->n, fx->k, &alpha2, NULL), CVOM_OK);
        CHECK(alpha2 == alpha);
    }
}

static void test_tau_fixtures(void)
{
    for (size_t f = 0; f < COUNT(tau_fixtures); f++) {
        const struct pair_fixture *fx = &tau_fixtures[f];
        double tau = NAN, back = NAN;
        CHECK_INT(cvom_kendall_tau_b(fx->x, fx->y, fx->n, &tau), CVOM_OK);
        CHECK_NEAR(tau, fx->expected, TOL);
        track(&worst_tau, fabs(tau - fx->expected));
        CHECK_INT(cvom_kendall_tau_b(fx->y, fx->x, fx->n, &back), CVOM_OK);
        CHECK(back == tau);
    }
}

static void test_pearson_fixtures(void)
{
    for (size_t f = 0; f < COUNT(pearson_fixtures); f++) {
        const struct pair_fixture *fx = &pearson_fixtures[f];
        double r = NAN, back = NAN;
        CHECK_INT(cvom_pearson(fx->x, fx->y, fx->n, &r), CVOM_OK);
        CHECK_NEAR(r, fx->expected, TOL);
        track(&worst_pearson, fabs(r - fx->expected));
        CHECK_INT(cvom_pearson(fx->y, fx->x, fx->n, &back), CVOM_OK);
        CHECK_NEAR(back, r, 1e-15);
    }
}

static void test_t_fixtures(void)
{
    for (size_t f = 0; f < COUNT(t_fixtures); f++) {
        const struct t_fixture *fx = &t_fixtures[f];
        const double t = cvom_t_quantile(fx->confidence, fx->df);
        CHECK_REL(t, fx->t, TOL);
        track(&worst_t, rel_err(t, fx->t));
        track(&worst_t_raw, rel_err(t, fx->scipy_ppf));
    }
}

/* The memo gives the quantile itself, bit for bit: whole and fractional df, more fractional
 * df than it has slots (so that slots are taken over), and a change of confidence. */
static void test_t_memo(void)
{
    struct cvom_tcache *memo = calloc(1, sizeof *memo);
    CHECK(memo != NULL);
    if (!memo)
        return;
    const double levels[] = {0.90, 0.95, 0.90};
    for (size_t l = 0; l < COUNT(levels); l++)
        for (int round = 0; round < 2; round++)
            for (int k = 1; k <= 3 * CVOM_TCACHE_FRACTIONS; k++) {
                double df = k % 3 == 0 ? (double)(k % 40 + 1) : 0.25 + k / 7.0;
                double got = cvom_t_quantile_cached(memo, levels[l], df);
                double want = cvom_t_quantile(levels[l], df);
                if (memcmp(&got, &want, sizeof got) != 0) {
                    fprintf(stderr, "t memo: df %.17g at %.2f gives %.17g, not %.17g\n", df,
                            levels[l], got, want);
                    CHECK(0);
                    free(memo);
                    return;
                }
            }
    CHECK(isnan(cvom_t_quantile_cached(memo, 0.9, NAN)));
    CHECK(isnan(cvom_t_quantile_cached(memo, 0.9, -1)));
    free(memo);
}

static void test_acc_fixtures(void)
{
    for (size_t f = 0; f < COUNT(acc_fixtures); f++) {
        const struct acc_fixture *fx = &acc_fixtures[f];
        struct cvom_acc acc = {0};
        for (size_t i = 0; i < fx->n; i++)
            cvom_acc_add(&acc, fx->w[i], fx->x[i]);
        double df = NAN;
        const double mean = cvom_acc_mean(&acc), se = cvom_acc_se(&acc, &df);
        CHECK_REL(mean, fx->mean, TOL);
        CHECK_REL(se, fx->se, TOL);
        CHECK_REL(df, fx->df, TOL);
        track(&worst_acc_mean, rel_err(mean, fx->mean));
        track(&worst_acc_se, rel_err(se, fx->se));
        track(&worst_acc_df, rel_err(df, fx->df));
        CHECK(cvom_acc_se(&acc, NULL) == se);
    }
}

/* ---------------------------------------------------------------------------------------
 * Cronbach's alpha: edges
 * ------------------------------------------------------------------------------------- */

static void test_alpha_edges(void)
{
    const double two_by_two[] = {1, 2, 3, 5};
    double alpha = 42, it[4] = {7, 7, 7, 7};

    /* Too few cases or items; nothing is written on failure. */
    CHECK_INT(cvom_cronbach_alpha(two_by_two, 1, 2, &alpha, it), CVOM_EINVAL);
    CHECK_INT(cvom_cronbach_alpha(two_by_two, 0, 2, &alpha, it), CVOM_EINVAL);
    CHECK_INT(cvom_cronbach_alpha(two_by_two, 4, 1, &alpha, it), CVOM_EINVAL);
    CHECK_INT(cvom_cronbach_alpha(two_by_two, 2, 0, &alpha, it), CVOM_EINVAL);
    CHECK(alpha == 42 && it[0] == 7 && it[1] == 7);

    /* Totals all equal: zero total variance. */
    const double flat_total[] = {1, 3, 2, 2, 3, 1};
    CHECK_INT(cvom_cronbach_alpha(flat_total, 3, 2, &alpha, it), CVOM_EINVAL);
    const double same_rows[] = {4, 5, 4, 5, 4, 5};
    CHECK_INT(cvom_cronbach_alpha(same_rows, 3, 2, &alpha, it), CVOM_EINVAL);
    /* Totals equal in exact arithmetic but not in floating point (0.1 + 0.2 + 0.3 is not
     * 0.3 + 0.2 + 0.1): still zero variance, not an alpha of -1e30. */
    const double noisy_flat[] = {0.1, 0.2, 0.3, 0.3, 0.2, 0.1, 0.2, 0.2, 0.2};
    CHECK_INT(cvom_cronbach_alpha(noisy_flat, 3, 3, &alpha, it), CVOM_EINVAL);
    CHECK(alpha == 42 && it[0] == 7);

    /* Non-finite data. */
    const double with_nan[] = {1, 2, NAN, 4, 5, 6};
    CHECK_INT(cvom_cronbach_alpha(with_nan, 3, 2, &alpha, it), CVOM_EINVAL);
    const double with_inf[] = {1, 2, 3, INFINITY, 5, 6};
    CHECK_INT(cvom_cronbach_alpha(with_inf, 3, 2, &alpha, it), CVOM_EINVAL);

    /* n = 2, k = 2 by hand: items (1,3) and (2,5), var 2 and 4.5, total (3,8) var 12.5,
     * alpha = 2·(1 − 6.5/12.5) = 0.96; with two cases every correlation is ±1. */
    CHECK_INT(cvom_cronbach_alpha(two_by_two, 2, 2, &alpha, it), CVOM_OK);
    CHECK_NEAR(alpha, 0.96, 1e-15);
    CHECK_NEAR(it[0], 1, 1e-15);
    CHECK_NEAR(it[1], 1, 1e-15);

    /* One constant item among two: alpha is 0, and neither item-total correlation exists
     * (item 0 is constant; item 1's rest is item 0). */
    const double one_constant[] = {3, 1, 3, 4, 3, 2};
    CHECK_INT(cvom_cronbach_alpha(one_constant, 3, 2, &alpha, it), CVOM_OK);
    CHECK_NEAR(alpha, 0, 1e-15);
    CHECK(isnan(it[0]) && isnan(it[1]));

    /* Perfectly parallel items: alpha is exactly 1 and every correlation is 1. */
    const double parallel[] = {1, 1, 1, 2, 2, 2, 4, 4, 4, 5, 5, 5};
    CHECK_INT(cvom_cronbach_alpha(parallel, 4, 3, &alpha, it), CVOM_OK);
    CHECK_NEAR(alpha, 1, 1e-15);
    for (int j = 0; j < 3; j++)
        CHECK_NEAR(it[j], 1, 1e-15);
}

/* A shift of every value and a positive rescaling leave alpha and the correlations alone;
 * the shift by 1e9 is the numerically demanding part. */
static void test_alpha_invariance(void)
{
    const struct alpha_fixture *fx = &alpha_fixtures[3];
    double moved[50 * 6], alpha, it[6];
    CHECK(fx->n * fx->k <= COUNT(moved));
    if (fx->n * fx->k > COUNT(moved))
        return;
    for (size_t i = 0; i < fx->n * fx->k; i++)
        moved[i] = 1e9 + 12.5 * fx->data[i];
    CHECK_INT(cvom_cronbach_alpha(moved, fx->n, fx->k, &alpha, it), CVOM_OK);
    CHECK_NEAR(alpha, fx->alpha, TOL);
    for (size_t j = 0; j < fx->k; j++)
        CHECK_NEAR(it[j], fx->item_total[j], TOL);
}

/* ---------------------------------------------------------------------------------------
 * Kendall's tau-b: edges and a brute-force cross-check
 * ------------------------------------------------------------------------------------- */

/* The definition, pair by pair: O(n²), no sorting, nothing shared with the library. */
static double tau_b_by_pairs(const double *x, const double *y, size_t n)
{
    long long s = 0, tied_x = 0, tied_y = 0, pairs = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            const int dx = (x[i] > x[j]) - (x[i] < x[j]);
            const int dy = (y[i] > y[j]) - (y[i] < y[j]);
            s += dx * dy;
            tied_x += dx == 0;
            tied_y += dy == 0;
            pairs++;
        }
    }
    return (double)s / sqrt((double)(pairs - tied_x)) / sqrt((double)(pairs - tied_y));
}

static void test_tau_edges(void)
{
    const double a[] = {1, 2, 3, 4}, flat[] = {5, 5, 5, 5};
    double tau = 42;

    CHECK_INT(cvom_kendall_tau_b(a, a, 1, &tau), CVOM_EINVAL);
    CHECK_INT(cvom_kendall_tau_b(a, a, 0, &tau), CVOM_EINVAL);
    CHECK_INT(cvom_kendall_tau_b(flat, a, 4, &tau), CVOM_EINVAL);
    CHECK_INT(cvom_kendall_tau_b(a, flat, 4, &tau), CVOM_EINVAL);
    const double with_nan[] = {1, NAN, 3, 4};
    CHECK_INT(cvom_kendall_tau_b(with_nan, a, 4, &tau), CVOM_EINVAL);
    CHECK_INT(cvom_kendall_tau_b(a, with_nan, 4, &tau), CVOM_EINVAL);
    CHECK(tau == 42);

    /* n = 2 is always +1 or −1; a tie on one side leaves a constant, so EINVAL. */
    const double up[] = {1, 2}, down[] = {2, 1}, tie[] = {3, 3};
    CHECK_INT(cvom_kendall_tau_b(up, up, 2, &tau), CVOM_OK);
    CHECK(tau == 1);
    CHECK_INT(cvom_kendall_tau_b(up, down, 2, &tau), CVOM_OK);
    CHECK(tau == -1);
    CHECK_INT(cvom_kendall_tau_b(up, tie, 2, &tau), CVOM_EINVAL);

    /* Identical and reversed rankings give exactly ±1, even with ties. */
    const double tied[] = {1, 2, 2, 3, 3, 3, 4}, rev[] = {4, 3, 3, 2, 2, 2, 1};
    CHECK_INT(cvom_kendall_tau_b(tied, tied, 7, &tau), CVOM_OK);
    CHECK(tau == 1);
    CHECK_INT(cvom_kendall_tau_b(tied, rev, 7, &tau), CVOM_OK);
    CHECK(tau == -1);

    /* Only order matters: a monotone transformation changes nothing. */
    const double b[] = {3, 1, 4, 1.5, 9, 2.6}, c[] = {2, 7, 1, 8, 2.8, 1.8};
    double b2[6], t1, t2;
    for (int i = 0; i < 6; i++)
        b2[i] = exp(b[i]) - 1000;
    CHECK_INT(cvom_kendall_tau_b(b, c, 6, &t1), CVOM_OK);
    CHECK_INT(cvom_kendall_tau_b(b2, c, 6, &t2), CVOM_OK);
    CHECK(t1 == t2);
}

/* Random inputs with few and with many distinct values, at lengths around the stack/heap
 * switch and well past it, against the pair-by-pair definition. */
static void test_tau_brute_force(void)
{
    static const size_t lengths[] = {3, 8, 63, 64, 65, 129, 1000, 3000};
    static const uint32_t levels[] = {2, 5, 1000000};
    double *x = malloc(3000 * sizeof *x), *y = malloc(3000 * sizeof *y);
    CHECK(x && y);
    if (!x || !y) {
        free(x);
        free(y);
        return;
    }
    for (size_t l = 0; l < COUNT(lengths); l++) {
        for (size_t v = 0; v < COUNT(levels); v++) {
            const size_t n = lengths[l];
            for (size_t i = 0; i < n; i++) {
                x[i] = (double)(rng_next() % levels[v]);
                /* y follows x loosely so that tau is not near 0 every time. */
                y[i] = (double)((rng_next() % levels[v] + (uint32_t)x[i]) % levels[v]);
            }
            double tau = NAN;
            const enum cvom_status st = cvom_kendall_tau_b(x, y, n, &tau);
            if (st == CVOM_EINVAL) /* a constant draw at n = 3, two levels */
                continue;
            CHECK_INT(st, CVOM_OK);
            CHECK_NEAR(tau, tau_b_by_pairs(x, y, n), 1e-12);
        }
    }
    free(x);
    free(y);
}

/* A few thousand cases must be quick: 200 000 would take seconds pair by pair. */
static void test_tau_large(void)
{
    const size_t n = 200000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    CHECK(x && y);
    if (x && y) {
        /* y = x except for k swapped neighbours: exactly k discordant pairs. */
        for (size_t i = 0; i < n; i++)
            x[i] = y[i] = (double)i;
        const size_t k = 1000;
        for (size_t s = 0; s < k; s++) {
            const size_t i = 2 + 100 * s;
            y[i] = (double)(i + 1);
            y[i + 1] = (double)i;
        }
        double tau = NAN;
        CHECK_INT(cvom_kendall_tau_b(x, y, n, &tau), CVOM_OK);
        const double pairs = (double)n * (double)(n - 1) / 2;
        CHECK_NEAR(tau, (pairs - 2.0 * (double)k) / pairs, 1e-15);
    }
    free(x);
    free(y);
}

/* ---------------------------------------------------------------------------------------
 * Pearson: edges
 * ------------------------------------------------------------------------------------- */

static void test_pearson_edges(void)
{
    const double a[] = {1, 2, 3, 4}, flat[] = {5, 5, 5, 5};
    double r = 42;
    CHECK_INT(cvom_pearson(a, a, 1, &r), CVOM_EINVAL);
    CHECK_INT(cvom_pearson(a, a, 0, &r), CVOM_EINVAL);
    CHECK_INT(cvom_pearson(flat, a, 4, &r), CVOM_EINVAL);
    CHECK_INT(cvom_pearson(a, flat, 4, &r), CVOM_EINVAL);
    const double with_nan[] = {1, NAN, 3, 4}, with_inf[] = {1, 2, -INFINITY, 4};
    CHECK_INT(cvom_pearson(with_nan, a, 4, &r), CVOM_EINVAL);
    CHECK_INT(cvom_pearson(a, with_inf, 4, &r), CVOM_EINVAL);
    /* Constant, though its mean rounds (ten times 0.1 sums to 0.9999999999999999). */
    double tenth[10], ramp[10];
    for (int i = 0; i < 10; i++) {
        tenth[i] = 0.1;
        ramp[i] = i;
    }
    CHECK_INT(cvom_pearson(tenth, ramp, 10, &r), CVOM_EINVAL);
    CHECK(r == 42);

    const double up[] = {1, 2}, down[] = {9, -3};
    CHECK_INT(cvom_pearson(up, down, 2, &r), CVOM_OK);
    CHECK_NEAR(r, -1, 1e-15);
    CHECK(r >= -1);

    /* Affine maps keep |r| and flip its sign with the slope. */
    const double x[] = {0.3, 1.7, 2.2, 5.1, 3.3, 0.9}, y[] = {1, 3, 2, 7, 3, 2};
    double x2[6], r1, r2;
    for (int i = 0; i < 6; i++)
        x2[i] = -250 * x[i] + 1e7;
    CHECK_INT(cvom_pearson(x, y, 6, &r1), CVOM_OK);
    CHECK_INT(cvom_pearson(x2, y, 6, &r2), CVOM_OK);
    CHECK_NEAR(r2, -r1, 1e-12);
    /* Exactly linear data stays within [-1, 1]. */
    double lin[6];
    for (int i = 0; i < 6; i++)
        lin[i] = 3 * x[i] - 1;
    CHECK_INT(cvom_pearson(x, lin, 6, &r), CVOM_OK);
    CHECK(r <= 1 && r > 1 - 1e-15);
}

/* ---------------------------------------------------------------------------------------
 * Student-t quantile: edges and closed forms
 * ------------------------------------------------------------------------------------- */

static void test_t_edges(void)
{
    CHECK(isnan(cvom_t_quantile(0, 5)));
    CHECK(isnan(cvom_t_quantile(1, 5)));
    CHECK(isnan(cvom_t_quantile(-0.5, 5)));
    CHECK(isnan(cvom_t_quantile(1.5, 5)));
    CHECK(isnan(cvom_t_quantile(NAN, 5)));
    CHECK(isnan(cvom_t_quantile(0.9, 0)));
    CHECK(isnan(cvom_t_quantile(0.9, -1)));
    CHECK(isnan(cvom_t_quantile(0.9, NAN)));
    CHECK(isnan(cvom_t_quantile(0.9, INFINITY)));
    CHECK(isnan(cvom_t_quantile(0.9, 1e-320))); /* subnormal */

    /* df = 1 is the Cauchy distribution, t = tan(π·c/2); df = 2 has t = c·√(2/(1 − c²)). */
    const double pi = 3.14159265358979323846;
    for (int i = 1; i < 100; i++) {
        const double c = i / 100.0;
        CHECK_REL(cvom_t_quantile(c, 1), tan(pi * c / 2), 1e-13);
        CHECK_REL(cvom_t_quantile(c, 2), c * sqrt(2 / (1 - c * c)), 1e-13);
    }
    /* Far tails and tiny confidences stay finite and accurate. */
    CHECK_REL(cvom_t_quantile(1e-12, 1), pi / 2 * 1e-12, 1e-12);
    const double near_one = 1 - 1e-12; /* 1 − near_one is exact, though not 1e-12 */
    CHECK_REL(cvom_t_quantile(near_one, 1), 1 / tan(pi / 2 * (1 - near_one)), 1e-12);

    /* Huge df approaches the normal quantile, 1.959963984540054 at 95 %, by about
     * z(z² + 1)/(4·df). */
    const double z = 1.959963984540054;
    CHECK_REL(cvom_t_quantile(0.95, 1e12), z + z * (z * z + 1) / 4e12, 1e-13);

    /* Monotone: rising with confidence, falling with df. */
    for (size_t f = 1; f < COUNT(t_fixtures); f++) {
        const struct t_fixture *p = &t_fixtures[f - 1], *q = &t_fixtures[f];
        if (p->confidence == q->confidence && p->df < q->df)
            CHECK(cvom_t_quantile(p->confidence, p->df) > cvom_t_quantile(q->confidence, q->df));
    }
    CHECK(cvom_t_quantile(0.9, 4.7) < cvom_t_quantile(0.9000001, 4.7));
}

static void test_acc_edges(void)
{
    struct cvom_acc acc = {0};
    double df = 42;
    CHECK(isnan(cvom_acc_mean(&acc)));
    CHECK(isnan(cvom_acc_se(&acc, &df)));
    cvom_acc_add(&acc, 1.5, 70);
    CHECK_NEAR(cvom_acc_mean(&acc), 70, 1e-15);
    CHECK(isnan(cvom_acc_se(&acc, &df)));
}

int main(void)
{
    CHECK_CASE(test_alpha_fixtures);
    CHECK_CASE(test_tau_fixtures);
    CHECK_CASE(test_pearson_fixtures);
    CHECK_CASE(test_t_fixtures);
    CHECK_CASE(test_t_memo);
    CHECK_CASE(test_acc_fixtures);
    CHECK_CASE(test_alpha_edges);
    CHECK_CASE(test_alpha_invariance);
    CHECK_CASE(test_tau_edges);
    CHECK_CASE(test_tau_brute_force);
    CHECK_CASE(test_tau_large);
    CHECK_CASE(test_pearson_edges);
    CHECK_CASE(test_t_edges);
    CHECK_CASE(test_acc_edges);
    fprintf(stderr,
            "worst vs reference: alpha %.3g, item-total %.3g, tau-b %.3g, pearson %.3g (abs);"
            " t %.3g (rel; raw t.ppf %.3g); acc mean %.3g, se %.3g, df %.3g (rel)\n",
            worst_alpha, worst_item_total, worst_tau, worst_pearson, worst_t, worst_t_raw,
            worst_acc_mean, worst_acc_se, worst_acc_df);
    return CHECK_DONE();
}
