#!/usr/bin/python3
"""peer_pandas.py — the batch-scoring job of `cvom score --input` done in pandas (Debian's
python3-pandas), for bench/run.sh to time beside cvom and to check against cvom's scores.

The rules are the documented ones (README, "How the numbers are computed"), with the
instrument file's items: an answer x on an item's scale lo..hi scores
100 (x - lo) / (hi - lo), or 100 minus that for a reverse item; a respondent's score on an
axis is the weight-weighted mean of their item scores on it, counted when they answered
at least min_items items of it; an account's score is the mean of its respondents'
scores, with standard error sd / sqrt(k) over k >= 2 respondents, or from the lone
respondent's own items (weighted: n_eff = sw^2 / sw2); at or above 50 (within 1e-9) is
high.

usage: peer_pandas.py RESPONSES.csv INSTRUMENT.csv OUT.csv [REPEAT]
Prints "seconds VERSION" (the best of REPEAT runs of reading the file and computing every
account's scores, without starting Python or importing pandas) and writes
account_id,intellectual,emotional,intellectual_se,emotional_se,quadrant to OUT.csv with every
number exact. Exits 77 with the reason when pandas is not installed.
"""

import re
import sys
import time

try:
    import numpy as np
    import pandas as pd
except ImportError as e:
    print("python3-pandas is not installed (scripts/setup.sh installs it): %s" % e,
          file=sys.stderr)
    sys.exit(77)

HIGH = 50 - 1e-9  # the default thresholds; points within 1e-9 of a line are on it


def read_instrument(path):
    """(min_items, DataFrame of items indexed by code). The first six fields of an item
    never hold a comma or a quote."""
    min_items, rows, header = None, [], True
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("#"):
                m = re.match(r"#\s*min_items:\s*([0-9]+)\s*$", line)
                if m:
                    min_items = int(m.group(1))
                continue
            if not line.strip():
                continue
            if header:
                header = False
                continue
            code, axis, reverse, weight, lo, hi = line.split(",")[:6]
            rows.append({"code": code, "on_i": axis in ("intellectual", "both"),
                         "on_e": axis in ("emotional", "both"),
                         "rev": reverse.strip().lower() in ("1", "yes", "true"),
                         "w": float(weight) if weight.strip() else 1.0,
                         "lo": float(lo), "hi": float(hi)})
    if min_items is None:
        raise SystemExit("%s: no '# min_items:' line" % path)
    return min_items, pd.DataFrame(rows).set_index("code")


def axis_scores(acc, resp, w, s, min_items):
    """Per account code: (mean, standard error) on one axis, from its answers."""
    g = pd.DataFrame({"a": acc, "p": resp, "w": w, "w2": w * w, "ws": w * s,
                      "ws2": w * s * s}).groupby(["a", "p"], sort=False)
    r = g.agg(n=("w", "size"), sw=("w", "sum"), sw2=("w2", "sum"), swx=("ws", "sum"),
              swx2=("ws2", "sum"))
    r = r[r["n"] >= min_items].copy()
    r["m"] = r["swx"] / r["sw"]
    by = r.groupby(level="a", sort=False)
    out = pd.DataFrame({"k": by["m"].size(), "mean": by["m"].mean(), "var": by["m"].var(ddof=1)})
    lone = by.first()  # the lone respondent's sums, where there is one
    n_eff = lone["sw"] ** 2 / lone["sw2"]
    v = lone["swx2"] / lone["sw"] - lone["m"] ** 2
    v = v.where(v >= 1e-12 * (lone["swx2"] / lone["sw"]), 0.0)
    own = np.sqrt(v / (n_eff - 1)).where((lone["n"] >= 2) & (n_eff > 1 + 1e-12))
    out["se"] = np.sqrt(out["var"] / out["k"]).where(out["k"] >= 2, own)
    return out[["mean", "se"]]


def job(path, min_items, items):
    """Every account's scores: DataFrame indexed by account id."""
    df = pd.read_csv(path, dtype={"account_id": "category", "respondent_id": "category",
                                  "item_id": "category", "score": "float64"},
                     keep_default_na=False, na_values={"score": [""]})
    df = df[df["score"].notna()]
    at = items.index.get_indexer(df["item_id"].cat.categories)[df["item_id"].cat.codes]
    if (at < 0).any():
        raise SystemExit("%s: an item that is not in the instrument" % path)
    it = items.iloc[at]
    lo, hi, w = it["lo"].to_numpy(), it["hi"].to_numpy(), it["w"].to_numpy()
    s = 100 * (df["score"].to_numpy() - lo) / (hi - lo)
    s = np.where(it["rev"].to_numpy(), 100 - s, s)
    acc, resp = df["account_id"].cat.codes.to_numpy(), df["respondent_id"].cat.codes.to_numpy()
    res = pd.DataFrame(index=pd.Index(np.unique(acc), name="a"))
    for name, on in (("i", it["on_i"].to_numpy()), ("e", it["on_e"].to_numpy())):
        sc = axis_scores(acc[on], resp[on], w[on], s[on], min_items)
        res["m" + name], res["s" + name] = sc["mean"], sc["se"]
    res.index = df["account_id"].cat.categories[res.index]
    return res


def quadrant(mi, me):
    if np.isnan(mi) or np.isnan(me):
        return ""
    if mi >= HIGH:
        return "partnership" if me >= HIGH else "intellectual"
    return "emotional" if me >= HIGH else "transactional"


def num(v):
    return "" if np.isnan(v) else repr(float(v))  # the shortest exact text


def main():
    if len(sys.argv) not in (4, 5):
        print("usage: peer_pandas.py RESPONSES.csv INSTRUMENT.csv OUT.csv [REPEAT]",
              file=sys.stderr)
        return 2
    path, instrument, out = sys.argv[1:4]
    repeat = int(sys.argv[4]) if len(sys.argv) == 5 else 3
    min_items, items = read_instrument(instrument)
    best, res = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = job(path, min_items, items)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("account_id,intellectual,emotional,intellectual_se,emotional_se,quadrant\n")
        for a, mi, si, me, se in res[["mi", "si", "me", "se"]].itertuples():
            a = '"%s"' % a.replace('"', '""') if re.search(r'[",\r\n]', a) else a
            f.write("%s,%s,%s,%s,%s,%s\n" % (a, num(mi), num(me), num(si), num(se),
                                             quadrant(mi, me)))
    print("%.6f pandas %s" % (best, pd.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
