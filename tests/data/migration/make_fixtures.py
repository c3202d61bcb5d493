#!/usr/bin/python3
"""Reference values for the migration unit test, computed independently with NumPy.

Writes tests/data/migration/migration_fixtures.h (beside this script):

  projections   random stochastic matrices P (some rows left as the identity's) and start
                mixes; expected start @ numpy.linalg.matrix_power(P, k) for k = 0..periods
  portfolios    random portfolios: per account its state on the earlier and the later date
                (0-3 a quadrant, 4 not placed), its two scores and its revenue; expected
                the 5 x 5 transition tables by count and by revenue, both transition
                matrices (rows of the 4 x 4 core normalised, a row without flow replaced
                by the identity's), the projections of the count and revenue mix, the
                number of movers and the order of the accounts sliding towards
                Transactional

The rules reimplemented here are those stated in include/cvom.h for cvom_migration_build.
Regenerate from the repository root with Debian's interpreter, which has NumPy (another
python3 earlier on PATH may not):

    /usr/bin/python3 tests/data/migration/make_fixtures.py

The output is committed; the seed is fixed, so rerunning it with the same NumPy gives the
same file. Values are printed with repr(), which round-trips exactly.
"""

import os

import numpy as np

SEED = 20260501
Q = 4            # quadrants: transactional, intellectual, emotional, partnership
NOT_PLACED = 4
THRESHOLD = 50.0
SLIDE_POINTS = 10.0
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migration_fixtures.h")


def c_double(v):
    v = float(v)
    if np.isnan(v):
        return "NAN"
    return repr(v)


def c_list(values, per_line=4):
    vals = [c_double(v) for v in np.asarray(values, dtype=float).ravel()]
    lines = [", ".join(vals[i:i + per_line]) for i in range(0, len(vals), per_line)]
    return "{\n    " + ",\n    ".join(lines) + ",\n}"


def c_ints(values):
    vals = [str(int(v)) for v in np.asarray(values).ravel()]
    return "{" + ", ".join(vals if vals else ["0"]) + "}"


def estimate(flow):
    """Row-normalise; a row without flow keeps its share (identity row)."""
    p = np.zeros((Q, Q))
    kept = np.zeros(Q, dtype=int)
    for i in range(Q):
        s = flow[i].sum()
        if s > 0:
            p[i] = flow[i] / s
        else:
            p[i, i] = 1.0
            kept[i] = 1
    return p, kept


def project(p, start, periods):
    return np.array([start @ np.linalg.matrix_power(p, k) for k in range(periods + 1)])


# ---------------------------------------------------------------------------------------
# Projections alone
# ---------------------------------------------------------------------------------------

def projection_cases(rng):
    cases = []
    for c in range(12):
        p = rng.dirichlet(np.full(Q, 0.6 if c % 2 else 2.0), size=Q)
        if c % 3 == 0:
            p[c % Q] = np.eye(Q)[c % Q]           # an absorbing (or kept) quadrant
        if c % 4 == 1:                            # a row of short decimals
            p[1] = np.round(p[1], 3)
            p[1, 3] = 1.0 - p[1, :3].sum()
        start = rng.dirichlet(np.ones(Q))
        periods = [1, 4, 8, 40][c % 4]
        cases.append((p, start, periods, project(p, start, periods)))
    # The identity: nothing moves.
    start = rng.dirichlet(np.ones(Q))
    cases.append((np.eye(Q), start, 6, project(np.eye(Q), start, 6)))
    return cases


# ---------------------------------------------------------------------------------------
# Portfolios
# ---------------------------------------------------------------------------------------

def scores_for(rng, state):
    """A point inside the quadrant (NaN, NaN when not placed)."""
    if state == NOT_PLACED:
        return float("nan"), float("nan")
    hi_x = state in (1, 3)
    hi_y = state in (2, 3)
    x = rng.uniform(THRESHOLD, 100) if hi_x else rng.uniform(0, THRESHOLD - 0.01)
    y = rng.uniform(THRESHOLD, 100) if hi_y else rng.uniform(0, THRESHOLD - 0.01)
    return round(x, 2), round(y, 2)


def portfolio(rng, n, weights_from, stickiness, periods):
    states = np.arange(Q + 1)
    frm = rng.choice(states, size=n, p=weights_from)
    to = np.where(rng.uniform(size=n) < stickiness, frm, rng.choice(states, size=n))
    revenue = np.round(np.exp(rng.normal(11.5, 1.1, size=n)), 2)
    revenue[rng.uniform(size=n) < 0.1] = 0.0
    pts = [(scores_for(rng, int(f)), scores_for(rng, int(t))) for f, t in zip(frm, to)]

    count = np.zeros((Q + 1, Q + 1))
    rev = np.zeros((Q + 1, Q + 1))
    for f, t, r in zip(frm, to, revenue):
        count[f, t] += 1
        rev[f, t] += r
    pc, kc = estimate(count[:Q, :Q])
    pr, kr = estimate(rev[:Q, :Q])
    at_to_c = count[:, :Q].sum(axis=0)
    at_to_r = rev[:, :Q].sum(axis=0)
    mix_c = project(pc, at_to_c / at_to_c.sum(), periods) if at_to_c.sum() > 0 else None
    mix_r = project(pr, at_to_r / at_to_r.sum(), periods) if at_to_r.sum() > 0 else None

    movers = 0
    slides = []
    for i in range(n):
        f, t = int(frm[i]), int(to[i])
        if f == NOT_PLACED or t == NOT_PLACED:
            continue
        movers += f != t
        fall = sum(pts[i][0]) - sum(pts[i][1])
        entered = t == 0 and f != 0
        if entered or fall >= SLIDE_POINTS:
            slides.append((-int(entered), -fall, -revenue[i], i))
    slides.sort()
    return dict(n=n, frm=frm, to=to, revenue=revenue, pts=pts, count=count, rev=rev,
                pc=pc, kc=kc, pr=pr, kr=kr, mix_c=mix_c, mix_r=mix_r, periods=periods,
                movers=movers, slides=[s[3] for s in slides])


def portfolio_cases(rng):
    return [
        portfolio(rng, 40, [0.25, 0.25, 0.2, 0.2, 0.1], 0.7, 4),
        portfolio(rng, 200, [0.3, 0.2, 0.2, 0.25, 0.05], 0.8, 8),
        # Nobody starts in Emotional: its row is kept.
        portfolio(rng, 60, [0.4, 0.3, 0.0, 0.2, 0.1], 0.6, 4),
        portfolio(rng, 7, [0.2, 0.2, 0.2, 0.2, 0.2], 0.3, 12),
    ]


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------

def main():
    rng = np.random.default_rng(SEED)
    proj = projection_cases(rng)
    ports = portfolio_cases(rng)
    o = []
    o.append("/* migration_fixtures.h — generated by tests/data/migration/make_fixtures.py "
             "(NumPy %s,\n * seed %d). Do not edit; regenerate as that script's header says. */"
             % (np.__version__, SEED))
    o.append("/* clang-format off */")
    o.append("#ifndef CVOM_MIGRATION_FIXTURES_H\n#define CVOM_MIGRATION_FIXTURES_H\n")
    o.append("#include <math.h>\n#include <stddef.h>\n")
    o.append("""struct projection_fixture {
    const double *p;      /* 4 x 4, row-major */
    const double *start;  /* 4 */
    int periods;
    const double *mix;    /* (periods + 1) x 4: start @ matrix_power(p, k) */
};
struct portfolio_fixture {
    size_t n;
    const int *from, *to;          /* state per account: 0-3 a quadrant, 4 not placed */
    const double *points;          /* n x 4: intellectual, emotional before; after */
    const double *revenue;
    const double *count, *revenue_table;   /* 5 x 5 */
    const double *p_count, *p_revenue;     /* 4 x 4 */
    const int *kept_count, *kept_revenue;  /* 4 */
    int periods;
    const double *mix_count, *mix_revenue; /* (periods + 1) x 4, NULL when not available */
    size_t movers;
    size_t n_slides;
    const int *slides;                     /* account indices in the expected order */
};
""")
    for i, (p, start, periods, mix) in enumerate(proj):
        o.append("static const double proj%d_p[] = %s;" % (i, c_list(p)))
        o.append("static const double proj%d_start[] = %s;" % (i, c_list(start)))
        o.append("static const double proj%d_mix[] = %s;" % (i, c_list(mix)))
    o.append("static const struct projection_fixture projection_fixtures[] = {")
    for i, (_, _, periods, _) in enumerate(proj):
        o.append("    {proj%d_p, proj%d_start, %d, proj%d_mix}," % (i, i, periods, i))
    o.append("};\n")
    for i, f in enumerate(ports):
        pts = np.array([[a[0][0], a[0][1], a[1][0], a[1][1]] for a in f["pts"]])
        o.append("static const int port%d_from[] = %s;" % (i, c_ints(f["frm"])))
        o.append("static const int port%d_to[] = %s;" % (i, c_ints(f["to"])))
        o.append("static const double port%d_points[] = %s;" % (i, c_list(pts)))
        o.append("static const double port%d_revenue[] = %s;" % (i, c_list(f["revenue"])))
        o.append("static const double port%d_count[] = %s;" % (i, c_list(f["count"], 5)))
        o.append("static const double port%d_rev[] = %s;" % (i, c_list(f["rev"], 5)))
        o.append("static const double port%d_pc[] = %s;" % (i, c_list(f["pc"])))
        o.append("static const double port%d_pr[] = %s;" % (i, c_list(f["pr"])))
        o.append("static const int port%d_kc[] = %s;" % (i, c_ints(f["kc"])))
        o.append("static const int port%d_kr[] = %s;" % (i, c_ints(f["kr"])))
        for key, name in (("mix_c", "mc"), ("mix_r", "mr")):
            if f[key] is not None:
                o.append("static const double port%d_%s[] = %s;" % (i, name, c_list(f[key])))
        o.append("static const int port%d_slides[] = %s;" % (i, c_ints(f["slides"])))
    o.append("static const struct portfolio_fixture portfolio_fixtures[] = {")
    for i, f in enumerate(ports):
        mc = "port%d_mc" % i if f["mix_c"] is not None else "NULL"
        mr = "port%d_mr" % i if f["mix_r"] is not None else "NULL"
        o.append("    {%d, port%d_from, port%d_to, port%d_points, port%d_revenue, port%d_count, "
                 "port%d_rev,\n     port%d_pc, port%d_pr, port%d_kc, port%d_kr, %d, %s, %s, %d, "
                 "%d, port%d_slides}," % (f["n"], i, i, i, i, i, i, i, i, i, i, f["periods"],
                                          mc, mr, f["movers"], len(f["slides"]), i))
    o.append("};\n")
    o.append("#endif")
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("\n".join(o) + "\n")


if __name__ == "__main__":
    main()
