/* stats.c — the statistics behind reliability, alignment and score intervals: Cronbach's
 * alpha with corrected item–total correlations, Kendall's tau-b, Pearson's r, and the
 * two-sided Student-t quantile. Pure computation; the only allocation is tau-b's scratch
 * index for inputs of more than 64 cases. */
#include "cvom.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------
 * Shared helpers
 * ------------------------------------------------------------------------------------- */

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

/* Exactly constant, not merely nearly: a mean that rounds away from the common value must
 * not turn a constant vector into one with a tiny spread. */
static bool is_constant(const double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[0])
            return false;
    return true;
}

static double mean_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

static double clamp_unit(double r)
{
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

/* ---------------------------------------------------------------------------------------
 * Pearson
 * ------------------------------------------------------------------------------------- */

/* Two passes: means, then sums of deviation products. The (Σdx)(Σdy)/n term removes what
 * rounding left in the means (the corrected two-pass form). Non-finite input, or data so
 * extreme that the products overflow or underflow, is EINVAL rather than a NaN result. */
enum cvom_status cvom_pearson(const double *x, const double *y, size_t n, double *r)
{
    if (n < 2 || !all_finite(x, n) || !all_finite(y, n) || is_constant(x, n) || is_constant(y, n))
        return CVOM_EINVAL;
    const double mx = mean_of(x, n), my = mean_of(y, n);
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        const double dx = x[i] - mx, dy = y[i] - my;
        sx += dx;
        sy += dy;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    sxx -= sx * sx / (double)n;
    syy -= sy * sy / (double)n;
    sxy -= sx * sy / (double)n;
    const double v = sxy / (sqrt(sxx) * sqrt(syy));
    if (!(sxx > 0 && syy > 0) || !isfinite(v))
        return CVOM_EINVAL;
    *r = clamp_unit(v);
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Cronbach's alpha
 * ------------------------------------------------------------------------------------- */

/* Item j of case i, less item j of case 0. Shifting by a real case makes a large common
 * offset (scores around 1e6, say) cancel exactly before any sum is formed, and leaves a
 * constant item exactly zero. Variances and correlations do not change under a shift. */
static double cell(const double *data, size_t k, size_t i, size_t j)
{
    return data[i * k + j] - data[j];
}

static double row_sum(const double *data, size_t k, size_t i)
{
    double s = 0;
    for (size_t j = 0; j < k; j++)
        s += cell(data, k, i, j);
    return s;
}

static double item_mean(const double *data, size_t n, size_t k, size_t j)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += cell(data, k, i, j);
    return s / (double)n;
}

/* Sum of squared deviations of item j (n − 1 times its sample variance). */
static double item_ss(const double *data, size_t n, size_t k, size_t j)
{
    const double m = item_mean(data, n, k, j);
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = cell(data, k, i, j) - m;
        s += d;
        ss += d * d;
    }
    return ss - s * s / (double)n;
}

/* The spread of the case totals, and how much of it rounding alone could produce: forming
 * a total moves it by up to about k·ε times the row's sum of absolute values. Twice that
 * for the largest row, squared and counted for every case, is the noise floor; a total
 * whose sum of squares does not clear it is treated as constant. */
struct total_spread {
    double mean, ss, noise_ss;
};

static struct total_spread total_spread(const double *data, size_t n, size_t k)
{
    struct total_spread t = {0, 0, 0};
    double big = 0;
    for (size_t i = 0; i < n; i++) {
        double a = 0;
        for (size_t j = 0; j < k; j++)
            a += fabs(cell(data, k, i, j));
        big = fmax(big, a);
        t.mean += row_sum(data, k, i);
    }
    t.mean /= (double)n;
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = row_sum(data, k, i) - t.mean;
        s += d;
        t.ss += d * d;
    }
    t.ss -= s * s / (double)n;
    const double noise = 2.0 * (double)k * DBL_EPSILON * big;
    t.noise_ss = (double)n * noise * noise;
    return t;
}

/* Correlation of item j with the sum of the other items, formed directly from the rest's
 * own deviations (no var(T) − 2cov + var(j) identity, which cancels badly when one item
 * dominates the total). NaN when the item or the rest is constant. Costs O(n·k). */
static double item_rest_correlation(const double *data, size_t n, size_t k, size_t j,
                                    const struct total_spread *t)
{
    const double mj = item_mean(data, n, k, j);
    const double mr = t->mean - mj;
    double sd = 0, sr = 0, sdd = 0, srr = 0, sdr = 0;
    for (size_t i = 0; i < n; i++) {
        const double v = cell(data, k, i, j);
        const double d = v - mj;
        const double r = (row_sum(data, k, i) - v) - mr;
        sd += d;
        sr += r;
        sdd += d * d;
        srr += r * r;
        sdr += d * r;
    }
    sdd -= sd * sd / (double)n;
    srr -= sr * sr / (double)n;
    sdr -= sd * sr / (double)n;
    if (!(sdd > 0) || !(srr > t->noise_ss))
        return NAN;
    return clamp_unit(sdr / (sqrt(sdd) * sqrt(srr)));
}

/* Sample variances would divide every sum of squares by n − 1; the ratio in alpha does not
 * depend on it, so sums of squares are used throughout. An item with zero variance gets a
 * NaN item–total correlation (a correlation with a constant is undefined) but still counts
 * in alpha. Non-finite data is EINVAL. Runs in O(n·k) for alpha and O(n·k²) with
 * item_total, and allocates nothing. */
enum cvom_status cvom_cronbach_alpha(const double *data, size_t n, size_t k, double *alpha,
                                     double *item_total)
{
    if (n < 2 || k < 2 || n > SIZE_MAX / k || !all_finite(data, n * k))
        return CVOM_EINVAL;
    const struct total_spread t = total_spread(data, n, k);
    if (!(t.ss > t.noise_ss))
        return CVOM_EINVAL;
    double items_ss = 0;
    for (size_t j = 0; j < k; j++)
        items_ss += item_ss(data, n, k, j);
    const double kk = (double)k;
    const double a = kk / (kk - 1) * (1 - items_ss / t.ss);
    if (!isfinite(a))
        return CVOM_EINVAL;
    *alpha = a;
    if (item_total)
        for (size_t j = 0; j < k; j++)
            item_total[j] = item_rest_correlation(data, n, k, j, &t);
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Kendall's tau-b (Knight's O(n log n) algorithm)
 * ------------------------------------------------------------------------------------- */

/* Inputs up to this length sort in a buffer on the stack; longer ones take a heap buffer of
 * 2·n indices. A ranking of a value hierarchy never allocates. */
#define TAU_STACK_N 64

enum tau_key { KEY_X, KEY_Y, KEY_XY };

static int tau_compare(const double *x, const double *y, enum tau_key key, uint32_t a, uint32_t b)
{
    if (key != KEY_Y && x[a] != x[b])
        return x[a] < x[b] ? -1 : 1;
    if (key != KEY_X && y[a] != y[b])
        return y[a] < y[b] ? -1 : 1;
    return 0;
}

/* Stable bottom-up merge sort of the case indices in idx (tmp is scratch of the same
 * length). Returns how many pairs it had to exchange: each time an element of the right
 * run is strictly smaller than the left run's head, it overtakes every element still
 * waiting in the left run. */
static uint64_t tau_sort(uint32_t *idx, uint32_t *tmp, size_t n, const double *x, const double *y,
                         enum tau_key key)
{
    uint64_t exchanges = 0;
    uint32_t *src = idx, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            const size_t mid = lo + width < n ? lo + width : n;
            const size_t hi = mid + width < n ? mid + width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                if (tau_compare(x, y, key, src[j], src[i]) < 0) {
                    exchanges += mid - i;
                    dst[o++] = src[j++];
                } else {
                    dst[o++] = src[i++];
                }
            }
            while (i < mid)
                dst[o++] = src[i++];
            while (j < hi)
                dst[o++] = src[j++];
        }
        uint32_t *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != idx)
        memcpy(idx, src, n * sizeof *idx);
    return exchanges;
}

/* Pairs tied under key, counted over runs of equal elements in idx sorted by that key. */
static uint64_t tied_pairs(const uint32_t *idx, size_t n, const double *x, const double *y,
                           enum tau_key key)
{
    uint64_t pairs = 0, run = 1;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && tau_compare(x, y, key, idx[i - 1], idx[i]) == 0) {
            run++;
        } else {
            pairs += run * (run - 1) / 2;
            run = 1;
        }
    }
    return pairs;
}

/* Sorting by (x, y) and then by y alone, the second sort's exchanges are exactly the
 * discordant pairs: pairs tied in x are already in y order and ties in y never exchange.
 * With n0 all pairs, n1 tied in x, n2 tied in y and n3 tied in both,
 * concordant − discordant = (n0 − n1 − n2 + n3) − 2·discordant. Non-finite input is
 * EINVAL; more than 2^32 − 1 cases is ENOMEM (the scratch index is 32-bit). */
enum cvom_status cvom_kendall_tau_b(const double *x, const double *y, size_t n, double *tau)
{
    if (n < 2 || !all_finite(x, n) || !all_finite(y, n))
        return CVOM_EINVAL;
    if (n > UINT32_MAX || n > SIZE_MAX / (2 * sizeof(uint32_t)))
        return CVOM_ENOMEM;
    uint32_t stack_buf[2 * TAU_STACK_N];
    uint32_t *idx = n <= TAU_STACK_N ? stack_buf : malloc(2 * n * sizeof *idx);
    if (!idx)
        return CVOM_ENOMEM;
    uint32_t *tmp = idx + n;
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;

    tau_sort(idx, tmp, n, x, y, KEY_XY);
    const uint64_t tied_x = tied_pairs(idx, n, x, y, KEY_X);
    const uint64_t tied_xy = tied_pairs(idx, n, x, y, KEY_XY);
    const uint64_t discordant = tau_sort(idx, tmp, n, x, y, KEY_Y);
    const uint64_t tied_y = tied_pairs(idx, n, x, y, KEY_Y);
    if (idx != stack_buf)
        free(idx);

    const uint64_t pairs = (uint64_t)n * (n - 1) / 2;
    if (tied_x == pairs || tied_y == pairs)
        return CVOM_EINVAL;
    const uint64_t untied = (pairs - tied_x) - (tied_y - tied_xy);
    const double s = (double)untied - 2.0 * (double)discordant;
    /* One product under the root keeps tau(x, y) and tau(y, x) bit-identical. */
    *tau = clamp_unit(s / sqrt((double)(pairs - tied_x) * (double)(pairs - tied_y)));
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Student-t quantile
 *
 * With a = df/2, the two-sided tail is G(t) = P(|T| > t) = I_x(a, 1/2) at x = df/(df + t²),
 * I the regularized incomplete beta function. The search runs on z = ln(t²/df), in which
 * x = 1/(1 + e^z) and 1 − x = 1/(1 + e^−z) and their logarithms are all formed without
 * cancellation, and solves ln G(z) = ln(1 − confidence).
 * ------------------------------------------------------------------------------------- */

#define LN_SQRT_PI 0.57236494292470008707 /* ln Γ(1/2) */
#define LN_2 0.69314718055994530942
#define CF_MAX_ITER 100000
#define SOLVE_MAX_ITER 200
#define MAX_STEP 16.0 /* in z: t moves by at most a factor e^8 per step */

/* ln(1 + e^v) without overflow or loss for either sign of v. */
static double log1p_exp(double v)
{
    return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
}

/* lnΓ(z) − ((z − 1/2)·ln z − z + ln√(2π)): Stirling's series to the z^−11 term, whose
 * truncation error is below 1e-15 for z ≥ 10. */
static double stirling_tail(double z)
{
    const double r = 1 / z, r2 = r * r;
    return r *
           (1.0 / 12 - r2 * (1.0 / 360 -
                             r2 * (1.0 / 1260 -
                                   r2 * (1.0 / 1680 - r2 * (1.0 / 1188 - r2 * (691.0 / 360360))))));
}

/* ln B(a, 1/2). For large a, lgamma(a) and lgamma(a + 1/2) are both large and nearly
 * equal, and subtracting them would lose digits (eight of them at df = 1e7); Stirling's
 * form of their difference keeps every term small. */
static double log_beta_half(double a)
{
    if (a < 10)
        return lgamma(a) + LN_SQRT_PI - lgamma(a + 0.5);
    const double step = a * log1p(0.5 / a) - 0.5 + 0.5 * log(a) + stirling_tail(a + 0.5) -
                        stirling_tail(a); /* lnΓ(a + 1/2) − lnΓ(a) */
    return LN_SQRT_PI - step;
}

/* The continued fraction for I_x(a, b) in the form Didonato and Morris give it (ACM TOMS
 * 708, routine BFRAC), evaluated by the modified Lentz method:
 * I_x(a, b) = x^a·y^b / B(a, b) / g with g = b0 + α1/(β1 + α2/(β2 + ...)), where y = 1 − x
 * and lambda = (a + b)·y − b ≥ 0 come from the caller. Taking y and lambda as inputs is the
 * point. At df = 1e7, x lies within 1e-6 of 1, and the textbook fraction, which sees only
 * x, cancels its leading terms and loses about as many digits as a has; here the
 * cancelling part is lambda, formed once from an accurate y. For b = 1/2 it converges in
 * about a hundred terms at worst. */
static double beta_frac(double a, double b, double x, double y, double lambda)
{
    const double tiny = 1e-300;
    const double c = 1 + lambda, c0 = b / a, c1 = 1 + 1 / a, yp1 = y + 1;
    double p = 1, s = a + 1;
    double g = c / c1, cc = g, dd = 0;
    for (int step = 1; step <= CF_MAX_ITER; step++) {
        const double n = step, t = n / a, w = n * (b - n) * x, e = a / s;
        const double alpha = (p * (p + c0) * e * e) * (w * x);
        const double beta = n + w / s + (1 + t) / (c1 + t + t) * (c + n * yp1);
        p = 1 + t;
        s += 2;
        dd = beta + alpha * dd;
        dd = 1 / (fabs(dd) < tiny ? tiny : dd);
        cc = beta + alpha / cc;
        if (fabs(cc) < tiny)
            cc = tiny;
        const double delta = cc * dd;
        g *= delta;
        if (fabs(delta - 1) <= DBL_EPSILON)
            break;
    }
    return 1 / g;
}

/* ln G and its derivative d(ln G)/dz at z. With D = x^a·y^½ / B(a, ½), dG/dz = −D, and D is
 * also the fraction's prefactor, so the slope comes almost for free. */
static void t_tail(double z, double df, double *log_g, double *slope)
{
    const double a = 0.5 * df;
    const double x = 1 / (1 + exp(z)), y = 1 / (1 + exp(-z));
    const double lambda = (a + 0.5) * y - 0.5;
    const double log_d = -a * log1p_exp(z) - 0.5 * log1p_exp(-z) - log_beta_half(a);
    if (lambda >= 0) {
        const double r = beta_frac(a, 0.5, x, y, lambda);
        *log_g = log_d + log(r);
        *slope = -1 / r;
    } else {
        /* Here t < 1, so G = 1 − I_y(½, a) stays above 0.31 and nothing cancels. */
        const double i = exp(log_d) * beta_frac(0.5, a, y, x, -lambda);
        *log_g = log1p(-i);
        *slope = -exp(log_d - *log_g);
    }
}

/* Three guesses at z, each good where the others are poor: the linear start near t = 0
 * (small confidence), the normal quantile with the first Cornish–Fisher correction (large
 * df), and the power-law tail (small df or far tails). The solver starts from the best. */
static double z_guess_center(double confidence, double df)
{
    /* Near 0, P(|T| <= t) is about 2t times the density at 0, 1/(√df·B(a, ½)). */
    return 2 * (log(0.5 * confidence) + log_beta_half(0.5 * df));
}

static double z_guess_normal(double confidence, double df)
{
    /* Abramowitz & Stegun 26.2.23 for the one-sided tail, good to 5e-4. */
    const double s = sqrt(-2 * log(0.5 * (1 - confidence)));
    const double u = s - (2.515517 + s * (0.802853 + s * 0.010328)) /
                             (1 + s * (1.432788 + s * (0.189269 + s * 0.001308)));
    const double t = fmax(u + (u * u * u + u) / (4 * df), DBL_MIN);
    return 2 * log(t) - log(df);
}

static double z_guess_tail(double confidence, double df)
{
    /* Far out, G(t) ≈ 2·df^(a−1)·t^−df / B(a, ½). */
    const double a = 0.5 * df;
    const double log_t = (LN_2 + (a - 1) * log(df) - log_beta_half(a) - log1p(-confidence)) / df;
    return 2 * log_t - log(df);
}

/* Newton's method on f(z) = ln G(z) − ln(1 − confidence), which falls monotonically in z,
 * kept inside the bracket that the signs of f have established so far (a step that would
 * leave it bisects instead) and to at most MAX_STEP per step, since ln G flattens towards
 * t = 0 and a plain Newton step from there can fly off. Stops when a step no longer moves
 * z at double precision. df must be finite and at least DBL_MIN (a subnormal df is NaN,
 * like df <= 0); the infinite limit, the normal distribution, is not handled here. A
 * quantile beyond the double range is +inf. */
double cvom_t_quantile(double confidence, double df)
{
    if (!(confidence > 0 && confidence < 1) || !(df >= DBL_MIN) || isinf(df))
        return NAN;
    const double target = log1p(-confidence);
    const double guesses[] = {z_guess_center(confidence, df), z_guess_normal(confidence, df),
                              z_guess_tail(confidence, df)};
    double z = 0, lg = NAN, slope = NAN;
    for (size_t g = 0; g < sizeof guesses / sizeof guesses[0]; g++) {
        double lg_g, slope_g;
        t_tail(guesses[g], df, &lg_g, &slope_g);
        if (isfinite(lg_g) && !(fabs(lg_g - target) >= fabs(lg - target))) {
            z = guesses[g];
            lg = lg_g;
            slope = slope_g;
        }
    }

    double lo = -INFINITY, hi = INFINITY;
    for (int iter = 0; iter < SOLVE_MAX_ITER; iter++) {
        const double f = lg - target;
        if (isnan(f)) /* not expected for valid input; never return a made-up number */
            return NAN;
        if (f == 0)
            break;
        if (f > 0)
            lo = z;
        else
            hi = z;
        double step = -f / slope;
        if (!(fabs(step) <= MAX_STEP))
            step = f > 0 ? MAX_STEP : -MAX_STEP;
        const double tol = 2 * DBL_EPSILON * fmax(1, fabs(z));
        double next = z + step;
        if (fabs(next - z) <= tol)
            break;
        if (!(next > lo && next < hi))
            next = isfinite(lo) && isfinite(hi) ? 0.5 * (lo + hi) : z + copysign(MAX_STEP, f);
        if (fabs(next - z) <= tol) /* the bracket has closed to rounding noise */
            break;
        z = next;
        t_tail(z, df, &lg, &slope);
    }
    return sqrt(df) * exp(0.5 * z);
}
