#!/usr/bin/env python3
"""Checks `cvom score --input` on random responses against a plain-Python computation.

The expected scores are worked out here from the written specification only (item scores,
respondent and account means, standard errors, t intervals, quadrant and state), so the test
stays independent of the C code. Usage: python3 tests/scripts/score_random.py PATH/TO/cvom
"""

import csv
import io
import math
import os
import random
import re
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import need  # noqa: E402

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT_INSTRUMENT = REPO / "data" / "instrument-default.csv"
HEADER = ["account_id", "intellectual", "emotional", "intellectual_lo", "intellectual_hi",
          "emotional_lo", "emotional_hi", "quadrant", "state"]
AXES = ("intellectual", "emotional")
THRESHOLD = 50.0
TOL = 2e-6  # values are printed with six decimals
NUMBER = re.compile(r"^-?[0-9]+\.[0-9]{6}$")
SEED = 20240611

# A second instrument unlike the default: 0-10 scale (one item on 1-5), unequal weights,
# reverse items on single axes and min_items 2.
CUSTOM_INSTRUMENT = """\
# A test instrument for score_random.py.
# name: random-check
# version: 3
# min_items: 2
code,axis,reverse,weight,scale_min,scale_max,statement,construct
K1,intellectual,0,2,0,10,"They ask us first, before anyone else.",advice
K2,intellectual,0,1,0,10,"Our data changes their plans.",insight
K3,intellectual,1,0.5,0,10,"They could find our know-how anywhere.",expertise
K4,intellectual,0,3,0,10,"They meet peers through us.",network
K5,intellectual,0,1,1,5,"They join our briefings.",network
E1,emotional,0,1.5,0,10,"They trust us without a contract.",trust
E2,emotional,1,1,0,10,"They would leave us without regret.",loss
E3,emotional,0,2.5,0,10,"We are part of their team.",identity
E4,emotional,0,1,0,10,"They thank us for extra effort.",gratitude
B1,both,1,0.5,0,10,"Price decides, once quality is met.",price
B2,both,0,2,0,10,"They would pay more to keep us.",price
"""


# --------------------------------------------------------------------------------------
# The instrument file
# --------------------------------------------------------------------------------------

class Item:
    """One instrument item. Numbers are kept as exact fractions of their decimal text so
    that the expected scores can be worked out without rounding."""

    def __init__(self, row):
        self.code = row["code"]
        self.axis = row["axis"]
        self.reverse = row["reverse"].strip() == "1"
        self.weight = Fraction(row["weight"].strip())
        self.lo = Fraction(row["scale_min"].strip())
        self.hi = Fraction(row["scale_max"].strip())

    def on(self, axis):
        return self.axis == axis or self.axis == "both"

    def score(self, raw):
        s = 100 * (Fraction(raw.strip()) - self.lo) / (self.hi - self.lo)
        return 100 - s if self.reverse else s


class Instrument:
    def __init__(self, text):
        self.min_items = None
        body = []
        for line in text.splitlines():
            if line.startswith("#"):
                m = re.match(r"#\s*min_items:\s*([0-9]+)\s*$", line)
                if m:
                    self.min_items = int(m.group(1))
            else:
                body.append(line)
        if self.min_items is None:
            raise SystemExit("score_random: instrument without # min_items")
        self.items = [Item(r) for r in csv.DictReader(io.StringIO("\n".join(body)))]
        self.by_code = {it.code: it for it in self.items}


# --------------------------------------------------------------------------------------
# The one-sided 95 % Student-t quantile (two-sided 90 %)
# --------------------------------------------------------------------------------------

def _beta_cf(a, b, x):
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10000):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _beta_reg(a, b, x):
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
          + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(ln) * _beta_cf(a, b, x) / a
    return 1.0 - math.exp(ln) * _beta_cf(b, a, 1.0 - x) / b


def _t95_series(df):
    """t with P(T <= t) = 0.95: the upper tail 0.05 is I_x(df/2, 1/2) / 2 with
    x = df / (df + t^2). Bisection on log x, where I_x is increasing."""
    lo, hi = -1400.0, 0.0
    for _ in range(400):
        mid = 0.5 * (lo + hi)
        if _beta_reg(0.5 * df, 0.5, math.exp(mid)) < 0.1:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15:
            break
    u = 0.5 * (lo + hi)
    return math.sqrt(df * math.expm1(-u))


def _make_t95():
    # SciPy is the reference (scripts/setup.sh installs it); CVOM_TEST_NO_SCIPY=1 asks for
    # the series above instead, by name, never as a quiet fallback.
    if os.environ.get("CVOM_TEST_NO_SCIPY") == "1":
        return _t95_series, "own incomplete-beta bisection"
    student_t = need.module("score_random", "scipy.stats", "python3-scipy").t
    return (lambda df: float(student_t.ppf(0.95, df))), "scipy"


t95, T95_SOURCE = _make_t95()


# --------------------------------------------------------------------------------------
# Expected output, from the specification
# --------------------------------------------------------------------------------------

def _weighted(pairs):
    """Exact (mean, n_eff, weighted variance) of (weight, value) fraction pairs."""
    sw = sum(w for w, _ in pairs)
    m = sum(w * s for w, s in pairs) / sw
    n_eff = sw * sw / sum(w * w for w, _ in pairs)
    v = sum(w * (s - m) ** 2 for w, s in pairs) / sw
    return m, n_eff, v


def _axis(respondents, ins, axis):
    """(value, lo, hi, exact value, exact zero spread) of one account on one axis, or None
    when there is no value. Means and variances are exact; only the square root and the
    t quantile are in floating point."""
    scored = []  # (respondent score, its (weight, item score) pairs)
    for answers in respondents.values():
        pairs = [(ins.by_code[c].weight, ins.by_code[c].score(x))
                 for c, x in answers.items() if ins.by_code[c].on(axis)]
        if len(pairs) >= ins.min_items:
            scored.append((_weighted(pairs)[0], pairs))
    if not scored:
        return None
    k = len(scored)
    if k >= 2:
        exact = sum(s for s, _ in scored) / k
        var = sum((s - exact) ** 2 for s, _ in scored) / (k - 1)
        se, df = math.sqrt(var / k), k - 1
    else:
        exact, n_eff, var = _weighted(scored[0][1])
        se, df = math.sqrt(var * n_eff / (n_eff - 1) / n_eff), float(n_eff - 1)
    value = float(exact)
    if var == 0:
        return value, value, value, exact, True
    half = t95(df) * se
    return value, max(0.0, value - half), min(100.0, value + half), exact, False


def expected_scores(rows, ins):
    """account -> {axis: _axis() or None}, in order of first appearance."""
    accounts = {}
    for acc, resp, code, raw in rows:
        accounts.setdefault(acc, {}).setdefault(resp, {})[code] = raw
    return {acc: {ax: _axis(resp, ins, ax) for ax in AXES} for acc, resp in accounts.items()}


def _sides(exp):
    """The sides of the threshold the value may be on. A value that is exactly 50 is high
    (so the printed 50.000000 and the quadrant agree); one merely within tol of 50 may be
    on either side, as rounding in a different order can move it across."""
    if exp[3] == THRESHOLD:
        return {True}
    if abs(exp[0] - THRESHOLD) < TOL:
        return {True, False}
    return {exp[0] >= THRESHOLD}


def _crosses(exp):
    """Whether the interval may be taken to cross 50: lo < 50 < hi, or no spread at all with
    the value on 50 itself (the evidence cannot say on which side the account is)."""
    lo, hi = exp[1], exp[2]
    if exp[4]:
        if lo == THRESHOLD:
            return {True}
        return {True, False} if abs(lo - THRESHOLD) < TOL else {False}
    if abs(lo - THRESHOLD) < TOL or abs(hi - THRESHOLD) < TOL:
        return {True, False} if lo <= THRESHOLD + TOL and hi >= THRESHOLD - TOL else {False}
    return {lo < THRESHOLD < hi}


QUADRANTS = {(False, False): "transactional", (True, False): "intellectual",
             (False, True): "emotional", (True, True): "partnership"}


def allowed_labels(exp):
    """Sets of acceptable (quadrant, state) fields for one account."""
    if exp["intellectual"] is None or exp["emotional"] is None:
        return {""}, {"insufficient"}
    quads = {QUADRANTS[(i, e)] for i in _sides(exp["intellectual"])
             for e in _sides(exp["emotional"])}
    cross = [_crosses(exp[ax]) for ax in AXES]
    states = {"borderline" if a or b else "ok" for a in cross[0] for b in cross[1]}
    return quads, states


def compare(expected, text, label):
    """Differences between expected scores and the command's CSV output, as strings."""
    diffs = []
    table = list(csv.reader(io.StringIO(text)))
    if not table or table[0] != HEADER:
        return ["%s: header is %r" % (label, table[0] if table else None)]
    got = table[1:]
    want = list(expected)
    if [r[0] if r else None for r in got] != want:
        diffs.append("%s: %d rows for %d accounts, or not in order of first appearance; "
                     "first rows %r, expected %r" % (label, len(got), len(want),
                                                     [r[:1] for r in got[:3]], want[:3]))
        return diffs
    for row in got:
        acc = row[0]
        if len(row) != len(HEADER):
            diffs.append("%s: %s: %d fields" % (label, acc, len(row)))
            continue
        exp = expected[acc]
        fields = dict(zip(HEADER, row))
        for ax in AXES:
            names = (ax, ax + "_lo", ax + "_hi")
            for i, name in enumerate(names):
                f = fields[name]
                if exp[ax] is None:
                    if f != "":
                        diffs.append("%s: %s %s = %r, expected empty" % (label, acc, name, f))
                elif not NUMBER.match(f):
                    diffs.append("%s: %s %s = %r, expected %.6f"
                                 % (label, acc, name, f, exp[ax][i]))
                elif abs(float(f) - exp[ax][i]) > TOL:
                    diffs.append("%s: %s %s = %s, expected %.9f"
                                 % (label, acc, name, f, exp[ax][i]))
        quads, states = allowed_labels(exp)
        if fields["quadrant"] not in quads:
            diffs.append("%s: %s quadrant %r, expected %s"
                         % (label, acc, fields["quadrant"], sorted(quads)))
        if fields["state"] not in states:
            diffs.append("%s: %s state %r, expected %s"
                         % (label, acc, fields["state"], sorted(states)))
    return diffs


# --------------------------------------------------------------------------------------
# Random responses
# --------------------------------------------------------------------------------------

def _answer(rng, item, level, halves):
    level = min(1.0, max(0.0, level + rng.gauss(0.0, 0.15)))
    x = item.lo + (item.hi - item.lo) * level
    if halves and rng.random() < 0.3:
        x = round(x * 2) / 2
        return "%g" % x
    return str(int(round(x)))


def _respondent(rng, ins, li, le, kind, halves):
    """One respondent's answers {code: text}. kind: 'full', 'flat', or a tuple of axes on
    which the respondent answers fewer than min_items items."""
    ri, re_ = li + rng.gauss(0, 0.12), le + rng.gauss(0, 0.12)
    if kind == "flat":
        # The same answer on every single-axis, non-reverse item: zero spread.
        x = str(rng.randint(int(ins.items[0].lo), int(ins.items[0].hi)))
        return {it.code: x for it in ins.items
                if it.axis != "both" and not it.reverse and it.lo == ins.items[0].lo
                and it.hi == ins.items[0].hi}
    answers = {}
    for it in ins.items:
        if rng.random() < 0.15:
            continue
        base = ri if it.axis == "intellectual" else re_ if it.axis == "emotional" \
            else 0.5 * (ri + re_)
        answers[it.code] = _answer(rng, it, 1.0 - base if it.reverse else base, halves)
    for ax in kind if kind != "full" else ():
        on = [c for c in answers if ins.by_code[c].on(ax)]
        keep = set(rng.sample(on, min(len(on), rng.randint(0, ins.min_items - 1))))
        answers = {c: x for c, x in answers.items() if c in keep or c not in on}
    return answers


def make_rows(rng, ins, n_accounts, account_id, halves=False, most=6):
    """Random responses as (account, respondent, item, score) text tuples, shuffled; up to
    `most` respondents per account."""
    rows = []
    for a in range(n_accounts):
        acc = account_id(a)
        # Positions near the thresholds make borderline accounts; the rest spread widely.
        near = rng.random() < 0.3
        li = 0.5 + rng.gauss(0, 0.05) if near else rng.random()
        le = 0.5 + rng.gauss(0, 0.05) if near else rng.random()
        kind = rng.random()
        n = rng.randint(1, most)
        if kind < 0.08:      # nobody answers enough on some axis: insufficient
            short = rng.choice([("intellectual",), ("emotional",), AXES])
            people = [short] * n
        elif kind < 0.12:    # one straight-liner: a single respondent with no spread
            people = ["flat"]
        elif kind < 0.16:    # identical respondents: several, with no spread between them
            people = ["clone"] * max(2, n)
        else:
            people = [rng.choice(["full"] * 5 + [("intellectual",), ("emotional",)])
                      for _ in range(n)]
        first = None
        for r, kind_r in enumerate(people):
            if kind_r == "clone":
                first = first or _respondent(rng, ins, li, le, "full", halves)
                answers = first
            else:
                answers = _respondent(rng, ins, li, le, kind_r, halves)
            rows.extend((acc, "R%d" % (r + 1), c, x) for c, x in answers.items())
    rng.shuffle(rows)
    return rows


def threshold_rows():
    """Accounts whose scores are exactly 50, with and without spread: 50 is high, and
    lo < 50 < hi is strict."""
    ints = ["INT0%d" % i for i in range(1, 9)]
    emos = ["EMO0%d" % i for i in range(1, 9)]
    both = ["PRC01", "PRC02", "PRC03"]
    alt = ["1", "7"] * 4  # item scores 0 and 100: mean exactly 50, wide spread
    spec = [
        ("T1", "R1", ints + emos, ["4"] * 16),                   # 50, 50; no spread
        ("T2", "R1", ints + emos, ["4"] * 16),                   # two identical people
        ("T2", "R2", ints + emos, ["4"] * 16),
        ("T3", "R1", ints + emos, alt + alt),                    # 50 with wide intervals
        ("T4", "R1", ints + emos + both, ["4"] * 8 + ["3"] * 8 + ["4"] * 3),
        ("T5", "R1", ints[:2] + emos, ["4", "4"] + alt),         # too few intellectual
        ("T6", "R1", ints[:3] + emos[:3], ["7", "1", "4"] * 2),  # exactly min_items
        ("T6", "R2", ints[:2] + emos[:5], ["2", "6", "3", "3", "3", "3", "3"]),
        # Exactly 50 on intellectual, but adding up the item scores in binary floating
        # point in the natural order lands a hair below it.
        ("T7", "R1", ints[:3] + emos[:3], ["4", "6", "6", "7", "7", "6"]),
        ("T7", "R2", ints[:3], ["4", "1", "3"]),
    ]
    return [(a, r, c, x) for a, r, codes, xs in spec for c, x in zip(codes, xs)]


def write_mixed(path, rows, rng):
    """rows in a layout unlike the usual one (columns in another order, one more column),
    with what the fast path leaves to the full reader sprinkled in: blank lines, CRLF line
    ends, a quoted field, a name that is not ASCII, a row with one field too many."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("score,item_id,note,account_id,respondent_id\n")
        for i, (acc, resp, code, x) in enumerate(rows):
            end = "\r\n" if rng.random() < 0.1 else "\n"
            note = "n%d" % i
            if rng.random() < 0.01:
                note = '"a, quoted note"'
            elif rng.random() < 0.01:
                note = "café"
            extra = ",spare" if rng.random() < 0.005 else ""
            f.write("%s,%s,%s,%s,%s%s%s" % (x, code, note, acc, resp, extra, end))
            if rng.random() < 0.01:
                f.write("\n" if rng.random() < 0.5 else "\r\n")


def write_csv(path, rows, quoted=False, crlf=False):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n" if crlf else "\n",
                       quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL)
        w.writerow(["account_id", "respondent_id", "item_id", "score"])
        w.writerows(rows)


# --------------------------------------------------------------------------------------
# Running the command
# --------------------------------------------------------------------------------------

def run(cvom, args, cwd):
    return subprocess.run([cvom, "score"] + args, cwd=cwd, capture_output=True, timeout=120)


def check_scores(cvom, tmp, label, rows, ins, extra=(), quoted=False, crlf=False):
    src, out = tmp / (label + ".csv"), tmp / (label + "-out.csv")
    write_csv(src, rows, quoted, crlf)
    p = run(cvom, ["--input", str(src), "--output", str(out)] + list(extra), tmp)
    if p.returncode != 0:
        return ["%s: exit %d: %s" % (label, p.returncode,
                                     p.stderr.decode(errors="replace").strip())]
    # Two readers over the two halves of the file must give the very same bytes.
    p2 = run(cvom, ["--input", str(src), "--threads", "2"] + list(extra), tmp)
    if p2.returncode != 0 or p2.stdout != out.read_bytes():
        return ["%s: --threads 2 output differs from one reader's (exit %d: %s)"
                % (label, p2.returncode, p2.stderr.decode(errors="replace").strip())]
    expected = expected_scores(rows, ins)
    states = {}
    for acc, exp in expected.items():
        states.setdefault(sorted(allowed_labels(exp)[1])[0], []).append(acc)
    print("%s: %d rows, %d accounts (%s)" % (
        label, len(rows), len(expected),
        ", ".join("%s %d" % (s, len(a)) for s, a in sorted(states.items()))))
    return compare(expected, out.read_text(encoding="utf-8"), label)


def check_mixed(cvom, tmp, label, rows, ins, rng):
    """Scores of a file in write_mixed's layout: the same as from the plain layout."""
    src, out = tmp / (label + ".csv"), tmp / (label + "-out.csv")
    write_mixed(src, rows, rng)
    p = run(cvom, ["--input", str(src), "--output", str(out)], tmp)
    if p.returncode != 0:
        return ["%s: exit %d: %s" % (label, p.returncode,
                                     p.stderr.decode(errors="replace").strip())]
    p2 = run(cvom, ["--input", str(src), "--threads", "2"], tmp)
    if p2.returncode != 0 or p2.stdout != out.read_bytes():
        return ["%s: --threads 2 output differs from one reader's" % label]
    print("%s: %d rows in a mixed layout" % (label, len(rows)))
    return compare(expected_scores(rows, ins), out.read_text(encoding="utf-8"), label)


def check_error(cvom, tmp, label, lines, bad_line, extra=()):
    """The command must fail, naming the file and the (1-based) line of the bad row."""
    src = tmp / (label + ".csv")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = run(cvom, ["--input", str(src), "--output", str(tmp / (label + "-out.csv"))]
            + list(extra), tmp)
    msg = p.stderr.decode(errors="replace")
    if p.returncode == 0:
        return ["%s: exit 0, expected a failure for line %d" % (label, bad_line)]
    if str(src) not in msg and src.name not in msg:
        return ["%s: message does not name the file: %r" % (label, msg.strip())]
    rest = msg.replace(str(src), " ").replace(src.name, " ")
    if not re.search(r"(?<![0-9.])%d(?![0-9])" % bad_line, rest):
        return ["%s: message does not name line %d: %r" % (label, bad_line, msg.strip())]
    p2 = run(cvom, ["--input", str(src), "--threads", "2"] + list(extra), tmp)
    if p2.returncode != p.returncode or p2.stderr != p.stderr:
        return ["%s: --threads 2 reports differently: %r" % (label, p2.stderr)]
    print("%s: exit %d, %s" % (label, p.returncode, msg.strip().splitlines()[0]))
    return []


def main():
    if len(sys.argv) != 2:
        print("usage: score_random.py PATH/TO/cvom", file=sys.stderr)
        return 2
    cvom = os.path.abspath(sys.argv[1])
    default = Instrument(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    custom = Instrument(CUSTOM_INSTRUMENT)
    print("t quantile from %s" % T95_SOURCE)
    rng = random.Random(SEED)
    diffs = []
    with tempfile.TemporaryDirectory(prefix="cvom-score-random-") as d:
        tmp = Path(d)

        rows = make_rows(rng, default, 400, lambda a: "A%04d" % (a + 1))
        diffs += check_scores(cvom, tmp, "plain", rows, default)
        # Without --output the scores go to standard output; --instrument with the default
        # file must change nothing.
        p = run(cvom, ["--input", str(tmp / "plain.csv")], tmp)
        if p.returncode != 0 or p.stdout != (tmp / "plain-out.csv").read_bytes():
            diffs.append("stdout: output without --output differs from --output's file "
                         "(exit %d)" % p.returncode)
        p = run(cvom, ["--input", str(tmp / "plain.csv"), "--instrument",
                       str(DEFAULT_INSTRUMENT)], tmp)
        if p.returncode != 0 or p.stdout != (tmp / "plain-out.csv").read_bytes():
            diffs.append("instrument: --instrument data/instrument-default.csv changes the "
                         "output (exit %d)" % p.returncode)

        diffs += check_scores(cvom, tmp, "threshold", threshold_rows(), default)

        names = ["Müller GmbH", "Smith, Jones & Co", 'The "Best" Ltd']
        rows = make_rows(rng, default, 300,
                         lambda a: names[a] if a < len(names) else "acct-%d" % (a * 7919))
        diffs += check_scores(cvom, tmp, "quoted-crlf", rows, default, quoted=True, crlf=True)

        inst = tmp / "custom-instrument.csv"
        inst.write_text(CUSTOM_INSTRUMENT, encoding="utf-8")
        rows = make_rows(rng, custom, 400, lambda a: "C%d" % (a + 1), halves=True)
        diffs += check_scores(cvom, tmp, "custom", rows, custom, ["--instrument", str(inst)])

        head = ["account_id,respondent_id,item_id,score"]
        good = ["A1,R%d,INT0%d,%d" % (r, i, 1 + (r + i) % 7)
                for r in (1, 2) for i in range(1, 9)]
        diffs += check_error(cvom, tmp, "unknown-item",
                             head + good[:10] + ["A1,R3,XYZ99,4"] + good[10:], 12)
        diffs += check_error(cvom, tmp, "above-scale",
                             head + good[:7] + ["A1,R3,EMO02,8"] + good[7:], 9)
        diffs += check_error(cvom, tmp, "below-scale",
                             head + good[:14] + ["A1,R3,PRC01,0"] + good[14:], 16)
        # The same answer given in both halves of the file: found when the halves are
        # joined, then reported at its exact line.
        many = ["B%d,R1,INT0%d,%d" % (a, i, 1 + (a + i) % 7) for a in range(1, 200)
                for i in range(1, 9)]
        diffs += check_error(cvom, tmp, "duplicate-across-halves",
                             head + many + ["B3,R1,INT02,4"], len(many) + 2)
        # Errors far into a file, past the first blocks the reader takes in: still named at
        # their exact line, by one reader and by two.
        late = ["L%d,R%d,EMO0%d,%d" % (a, r, i, 1 + (a + r + i) % 7) for a in range(1, 15001)
                for r in (1, 2) for i in range(1, 5)]
        diffs += check_error(cvom, tmp, "late-unknown-item",
                             head + late[:100000] + ["L1,R9,EMO99,4"] + late[100000:],
                             100002)
        diffs += check_error(cvom, tmp, "late-duplicate",
                             head + late + ["L7,R2,EMO03,5"], len(late) + 2)
        # Accounts with more respondents than a short list holds go through a hash table.
        rows = make_rows(rng, default, 40, lambda a: "P%d" % (a + 1), most=90)
        diffs += check_scores(cvom, tmp, "many-respondents", rows, default)

        rows = make_rows(rng, default, 300, lambda a: "M%d" % (a + 1))
        diffs += check_mixed(cvom, tmp, "mixed", rows, default, rng)
        diffs += check_error(cvom, tmp, "custom-above-scale",
                             head + ["C1,R1,K1,10", "C1,R1,K2,0", "C1,R1,K5,6", "C1,R1,E1,3"],
                             4, ["--instrument", str(inst)])

    if diffs:
        print("score_random: %d difference(s); the first:" % len(diffs))
        for line in diffs[:12]:
            print("  " + line)
        return 1
    print("score_random: all outputs agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
