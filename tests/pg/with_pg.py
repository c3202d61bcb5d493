#!/usr/bin/env python3
"""with_pg.py — run a command with new, empty PostgreSQL databases: each argument '{db}'
becomes the connection string of a database of its own, on the cluster this run of the suite
started (CVOM_TEST_PG, see tests/check.sh) or, without one, on a throwaway cluster started
for this command alone. The exit status is the command's.
    usage: with_pg.py COMMAND [ARG|{db}]..."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgcluster  # noqa: E402


def run(base, args):
    args = [pgcluster.fresh_database(base) if a == '{db}' else a for a in args]
    return subprocess.run(args).returncode


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    base = pgcluster.shared()
    if base:
        sys.exit(run(base, sys.argv[1:]))
    with pgcluster.Cluster() as c:
        sys.exit(run(c.base, sys.argv[1:]))


if __name__ == '__main__':
    main()
