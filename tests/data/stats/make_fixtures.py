#!/usr/bin/python3
"""Reference values for the statistics unit test, computed with NumPy and SciPy.

Writes tests/unit/stats_fixtures.h: C arrays of inputs and the values an independent
implementation gives for them.

  Cronbach's alpha, item-total   NumPy, straight from the definitions
  Kendall's tau-b                scipy.stats.kendalltau(variant='b')
  Pearson's r                    scipy.stats.pearsonr
  two-sided t quantile           scipy.stats.t.ppf((1 + c) / 2, df), then polished (below)
  weighted mean and its SE       NumPy, from the formula in cvom.h (struct cvom_acc)

Regenerate from the repository root with Debian's interpreter, which has NumPy and SciPy
(another python3 earlier on PATH may not):

    /usr/bin/python3 tests/data/stats/make_fixtures.py

The output is committed; the seed is fixed, so rerunning it with the same NumPy and SciPy
gives the same file. Expected values are printed with repr(), which round-trips exactly.

About the t quantiles: SciPy 1.10's t.ppf inverts the CDF with a search whose tolerance
leaves relative errors up to about 3e-9 (0.8 at df 29, for example), above the 1e-9 the
test demands. Each value is therefore refined by Newton steps on SciPy's own t.sf and t.pdf,
which are accurate to about 1e-15; the raw t.ppf value is kept beside it for comparison.
"""

import os
import sys

import numpy as np
from scipy import stats

SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "unit",
                   "stats_fixtures.h")


def c_double(v):
    v = float(v)
    if np.isnan(v):
        return "NAN"
    if np.isinf(v):
        return "INFINITY" if v > 0 else "-INFINITY"
    return repr(v)


def c_array(name, values, per_line=6):
    vals = [c_double(v) for v in np.asarray(values, dtype=float).ravel()]
    lines = [", ".join(vals[i:i + per_line]) for i in range(0, len(vals), per_line)]
    return "static const double %s[] = {\n    %s,\n};\n" % (name, ",\n    ".join(lines))


# ---------------------------------------------------------------------------------------
# Cronbach's alpha
# ---------------------------------------------------------------------------------------

def likert(rng, n, loadings, points):
    """n cases of items driven by one latent factor, cut into 1..points."""
    latent = rng.normal(size=(n, 1))
    raw = latent * np.asarray(loadings)[None, :] + rng.normal(size=(n, len(loadings)))
    cuts = np.quantile(raw, np.linspace(0, 1, points + 1)[1:-1])
    return (np.searchsorted(cuts, raw) + 1).astype(float)


def alpha_reference(data):
    data = np.asarray(data, dtype=float)
    n, k = data.shape
    total = data.sum(axis=1)
    alpha = k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    item_total = []
    for j in range(k):
        item = data[:, j]
        rest = total - item
        if np.all(item == item[0]) or np.all(rest == rest[0]):
            item_total.append(float("nan"))  # correlation with a constant: undefined
        else:
            item_total.append(np.corrcoef(item, rest)[0, 1])
    return alpha, item_total


def alpha_cases(rng):
    cases = [("two_cases", np.array([[1.0, 2.0], [3.0, 5.0]])),
             ("three_cases_two_items", np.array([[1.0, 2.0], [2.0, 2.5], [4.0, 3.0]])),
             ("likert5_n10_k4", likert(rng, 10, [1.0, 0.8, 1.2, 0.6], 5)),
             ("likert7_n50_k6", likert(rng, 50, [1.0, 0.9, 0.7, 1.1, 0.5, 0.8], 7))]

    # Normalised 0-100 scores with two reverse-keyed items left unreversed: their
    # item-total correlations are negative.
    n, loadings = 200, np.array([1, 1, 0.8, 0.9, 1.2, -0.7, 0.6, 1.0, -0.9, 0.5])
    latent = rng.normal(size=(n, 1))
    raw = 50 + 15 * (latent * loadings[None, :] + rng.normal(size=(n, 10)))
    cases.append(("scores_n200_k10_two_reversed", np.clip(raw, 0, 100)))

    cases.append(("likert5_n300_k8", likert(rng, 300, [0.9] * 8, 5)))

    # A large common offset: values on a 1/256 grid so every input is exact in double.
    grid = np.round(rng.normal(size=(40, 5)) * 256 + rng.normal(size=(40, 1)) * 300) / 256
    cases.append(("offset_1e6_n40_k5", 1e6 + grid))

    data = likert(rng, 20, [1.0, 0.8, 0.9, 1.0], 5)
    data[:, 2] = 3.0
    cases.append(("constant_item_n20_k4", data))

    # Items that pull against each other: alpha is negative.
    base = rng.normal(size=30)
    data = np.column_stack([base + 0.3 * rng.normal(size=30),
                            -base + 0.3 * rng.normal(size=30),
                            rng.normal(size=30)])
    cases.append(("negative_alpha_n30_k3", data))

    cases.append(("independent_n25_k12", rng.integers(1, 6, size=(25, 12)).astype(float)))
    return cases


# ---------------------------------------------------------------------------------------
# Kendall's tau-b and Pearson's r
# ---------------------------------------------------------------------------------------

def tau_cases(rng):
    base = np.arange(1, 9, dtype=float)
    cases = []
    for i in range(12):
        cases.append(("hierarchy8_%02d" % i, rng.permutation(base), rng.permutation(base)))
    cases.append(("hierarchy8_identical", base, base.copy()))
    cases.append(("hierarchy8_reversed", base, base[::-1].copy()))
    cases.append(("ratings8_ties", rng.integers(1, 6, 8).astype(float),
                  rng.integers(1, 6, 8).astype(float)))
    cases.append(("n2_concordant", np.array([1.0, 2.0]), np.array([3.0, 7.0])))
    cases.append(("n2_discordant", np.array([1.0, 2.0]), np.array([7.0, 3.0])))
    cases.append(("n3_x_tied", np.array([1.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0])))
    cases.append(("n4_signed_zero", np.array([0.0, -0.0, 1.0, 2.0]),
                  np.array([1.0, 2.0, 3.0, 3.0])))
    x = rng.integers(1, 4, 20).astype(float)
    cases.append(("three_levels_n20", x, np.clip(x + rng.integers(-1, 2, 20), 1, 3)))
    cases.append(("levels_n60", rng.integers(1, 5, 60).astype(float),
                  rng.integers(1, 4, 60).astype(float)))
    cases.append(("binary_n40", rng.integers(0, 2, 40).astype(float),
                  rng.integers(0, 2, 40).astype(float)))
    x = rng.normal(size=100)
    cases.append(("continuous_n100", x, 0.5 * x + rng.normal(size=100)))
    x = rng.integers(0, 10, 300).astype(float)
    cases.append(("ties_n300", x, np.round(0.6 * x + rng.normal(scale=2, size=300))))
    x = rng.normal(size=500)
    cases.append(("mixed_n500", x, np.clip(np.round(3 + x + rng.normal(size=500)), 1, 5)))
    x = rng.normal(size=150)
    cases.append(("negative_n150", x, -x + rng.normal(size=150)))
    x = rng.normal(size=800)
    cases.append(("continuous_n800", x, np.sin(x) + 0.3 * rng.normal(size=800)))
    return cases


def tau_reference(x, y):
    res = stats.kendalltau(x, y, variant="b")
    return float(getattr(res, "statistic", res[0]))


def pearson_cases(rng):
    cases = [("n2", np.array([1.0, 2.0]), np.array([3.0, 1.0])),
             ("n3", np.array([1.0, 2.0, 4.0]), np.array([2.0, 1.0, 5.0])),
             ("linear_n10", np.arange(10.0), 2 * np.arange(10.0) + 1)]
    x = rng.normal(size=50)
    cases.append(("random_n50", x, rng.normal(size=50)))
    x = rng.normal(size=500)
    cases.append(("correlated_n500", x, 0.8 * x + 0.6 * rng.normal(size=500)))
    x = np.round(rng.normal(size=60) * 1024) / 1024
    y = np.round((0.3 * x + rng.normal(size=60)) * 1024) / 1024
    cases.append(("offset_1e8_n60", 1e8 + x, -3e5 + y))
    cases.append(("likert_n40", rng.integers(1, 6, 40).astype(float),
                  rng.integers(1, 8, 40).astype(float)))
    x = rng.uniform(0, 100, 1000)
    cases.append(("weak_n1000", x, 0.02 * x + rng.uniform(0, 100, 1000)))
    return cases


def pearson_reference(x, y):
    return float(stats.pearsonr(x, y)[0])


# ---------------------------------------------------------------------------------------
# Student-t quantiles
# ---------------------------------------------------------------------------------------

T_CONFIDENCE = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]
T_DF = [0.5, 1, 1.5, 2, 3, 4.7, 10, 29, 100, 1e4, 1e6]
T_EXTRA = [(0.3, 7.0), (0.6827, 2.5), (0.99999, 4.0), (0.9, 0.7), (0.95, 1e7), (0.999, 1e7)]


def t_reference(confidence, df):
    p = (1 + confidence) / 2
    raw = float(stats.t.ppf(p, df))
    tail = (1 - confidence) / 2  # exact in double for confidence >= 0.5
    t = raw
    for _ in range(4):
        t = t + (float(stats.t.sf(t, df)) - tail) / float(stats.t.pdf(t, df))
    assert abs(t - raw) <= 1e-7 * t, (confidence, df, raw, t)
    return raw, t


# ---------------------------------------------------------------------------------------
# Weighted mean and standard error (struct cvom_acc)
# ---------------------------------------------------------------------------------------

def acc_reference(w, x):
    w, x = np.asarray(w, dtype=float), np.asarray(x, dtype=float)
    sw = w.sum()
    m = (w * x).sum() / sw
    n_eff = sw ** 2 / (w ** 2).sum()
    v = (w * (x - m) ** 2).sum() / sw
    s2 = v * n_eff / (n_eff - 1)
    return m, np.sqrt(s2 / n_eff), n_eff - 1


def acc_cases(rng):
    cases = [("two_equal", np.array([1.0, 1.0]), np.array([40.0, 70.0]))]
    for n in (2, 3, 5, 8, 20, 60):
        cases.append(("weighted_n%d" % n, rng.uniform(0.2, 3.0, n), rng.uniform(0, 100, n)))
    cases.append(("equal_n10", np.full(10, 2.5), rng.uniform(0, 100, 10)))
    cases.append(("concentrated_n15", rng.uniform(0.5, 2.0, 15), 60 + rng.uniform(-2, 2, 15)))
    cases.append(("skewed_weights_n6", np.array([10.0, 0.1, 0.1, 0.1, 0.1, 0.1]),
                  rng.uniform(0, 100, 6)))
    return cases


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------

def main():
    rng = np.random.default_rng(SEED)
    out = ["/* stats_fixtures.h — generated by tests/data/stats/make_fixtures.py (NumPy %s, "
           "SciPy %s,\n * seed %d). Do not edit; regenerate as that script's header says. */"
           % (np.__version__, __import__("scipy").__version__, SEED),
           "/* clang-format off */",
           "#ifndef CVOM_STATS_FIXTURES_H", "#define CVOM_STATS_FIXTURES_H", "",
           "#include <math.h>", "#include <stddef.h>", "",
           "struct alpha_fixture {\n    const char *name;\n    size_t n, k;\n"
           "    const double *data; /* row-major n x k */\n    double alpha;\n"
           "    const double *item_total; /* NAN where undefined */\n};",
           "struct pair_fixture {\n    const char *name;\n    size_t n;\n"
           "    const double *x, *y;\n    double expected;\n};",
           "struct t_fixture {\n    double confidence, df;\n"
           "    double t;         /* t.ppf polished with t.sf and t.pdf */\n"
           "    double scipy_ppf; /* t.ppf as it came, for comparison only */\n};",
           "struct acc_fixture {\n    const char *name;\n    size_t n;\n"
           "    const double *w, *x;\n    double mean, se, df; /* df = n_eff - 1 */\n};", ""]

    rows = []
    for i, (name, data) in enumerate(alpha_cases(rng)):
        alpha, item_total = alpha_reference(data)
        out.append(c_array("alpha_%d_data" % i, data, per_line=data.shape[1]))
        out.append(c_array("alpha_%d_item_total" % i, item_total))
        rows.append('    {"%s", %d, %d, alpha_%d_data, %s, alpha_%d_item_total},'
                    % (name, data.shape[0], data.shape[1], i, c_double(alpha), i))
    out.append("static const struct alpha_fixture alpha_fixtures[] = {\n%s\n};\n"
               % "\n".join(rows))

    for label, cases, ref in (("tau", tau_cases(rng), tau_reference),
                              ("pearson", pearson_cases(rng), pearson_reference)):
        rows = []
        for i, (name, x, y) in enumerate(cases):
            out.append(c_array("%s_%d_x" % (label, i), x))
            out.append(c_array("%s_%d_y" % (label, i), y))
            rows.append('    {"%s", %d, %s_%d_x, %s_%d_y, %s},'
                        % (name, len(x), label, i, label, i, c_double(ref(x, y))))
        out.append("static const struct pair_fixture %s_fixtures[] = {\n%s\n};\n"
                   % (label, "\n".join(rows)))

    rows, worst = [], 0.0
    grid = [(c, float(df)) for c in T_CONFIDENCE for df in T_DF] + T_EXTRA
    for c, df in grid:
        raw, t = t_reference(c, df)
        worst = max(worst, abs(raw - t) / t)
        rows.append("    {%s, %s, %s, %s}," % (c_double(c), c_double(df), c_double(t),
                                                c_double(raw)))
    out.append("static const struct t_fixture t_fixtures[] = {\n%s\n};\n" % "\n".join(rows))
    print("t.ppf differs from the polished quantile by up to %.3g relative" % worst,
          file=sys.stderr)

    rows = []
    for i, (name, w, x) in enumerate(acc_cases(rng)):
        mean, se, df = acc_reference(w, x)
        out.append(c_array("acc_%d_w" % i, w))
        out.append(c_array("acc_%d_x" % i, x))
        rows.append('    {"%s", %d, acc_%d_w, acc_%d_x, %s, %s, %s},'
                    % (name, len(w), i, i, c_double(mean), c_double(se), c_double(df)))
    out.append("static const struct acc_fixture acc_fixtures[] = {\n%s\n};\n"
               % "\n".join(rows))

    out.append("#endif")
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s" % os.path.normpath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
