#!/usr/bin/env python3
"""compare_scores.py — whether a peer's account scores equal cvom's.

usage: compare_scores.py CVOM_EXACT.csv PEER.csv TOLERANCE

CVOM_EXACT.csv is `cvom score --input FILE --exact`; PEER.csv has the columns
account_id,intellectual,emotional,intellectual_se,emotional_se,quadrant (a peer script's
output). Every account of either file is compared: both files must hold the same accounts,
each value and standard error must be within TOLERANCE of cvom's (an empty field, no score,
only matches an empty field), and the quadrants must be the same. Prints one line: the
number of accounts and the largest difference, or how many disagree and the first of them.
Exits 0 when they are equal, 1 when not. Standard library only.
"""

import csv
import math
import sys

FIELDS = ("intellectual", "emotional", "intellectual_se", "emotional_se")


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    table = {}
    for r in rows:
        if r["account_id"] in table:
            raise SystemExit("compare_scores: %s: account %r twice" % (path, r["account_id"]))
        table[r["account_id"]] = r
    return table


def number(text):
    return None if text == "" else float(text)


def differences(mine, theirs, tol):
    """(largest difference, list of disagreements) over every account of both files."""
    bad, largest = [], 0.0
    for acc in sorted(set(mine) ^ set(theirs)):
        bad.append("%s: only in %s" % (acc, "cvom" if acc in mine else "the peer"))
    for acc in mine.keys() & theirs.keys():
        for f in FIELDS:
            a, b = number(mine[acc][f]), number(theirs[acc][f])
            if a is None or b is None:
                if a is not b:
                    bad.append("%s %s: cvom %r, peer %r" % (acc, f, mine[acc][f], theirs[acc][f]))
                continue
            d = abs(a - b)
            if not d <= tol:  # also catches NaN
                bad.append("%s %s: cvom %r, peer %r" % (acc, f, a, b))
            elif d > largest:
                largest = d
        if mine[acc]["quadrant"] != theirs[acc]["quadrant"]:
            bad.append("%s quadrant: cvom %r, peer %r"
                       % (acc, mine[acc]["quadrant"], theirs[acc]["quadrant"]))
    return largest, bad


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    mine, theirs, tol = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
    if not mine:
        print("cvom's file holds no account")
        return 1
    largest, bad = differences(mine, theirs, tol)
    if bad:
        print("%d disagreement(s) in %d accounts; first: %s" % (len(bad), len(mine), bad[0]))
        return 1
    print("equal for all %d accounts (largest difference %.1e)" % (len(mine), largest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
