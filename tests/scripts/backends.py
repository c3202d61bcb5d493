#!/usr/bin/env python3
"""backends.py — both back ends give the same answers: the demo portfolio built on a new
SQLite file and on a new PostgreSQL database (of the run's cluster, or of a cluster of this
test's own) prints the same matrix, scores, explanations, exports, reports and listings,
byte for byte; the same refusals with the same messages; and a PostgreSQL database that
another program's tables occupy is refused untouched.
    usage: backends.py PATH/TO/cvom"""
import os
import subprocess
import sys
import tempfile

CVOM = os.path.abspath(sys.argv[1])
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'tests', 'pg'))
import pgcluster  # noqa: E402

# The same commands on both; --as-of fixes "today" so that nothing depends on the clock.
AS_OF = ['--as-of', '2026-11-30']
COMMANDS = [
    ['matrix'] + AS_OF,
    ['matrix', '--owner', 'Priya Shah'] + AS_OF,
    ['score', '--format', 'csv'] + AS_OF,
    ['export', '--format', 'json'] + AS_OF,
    ['export', '--format', 'csv'] + AS_OF,
    ['explain', 'Alder Brands Group'] + AS_OF,
    ['explain', 'Stack & Save Discount Stores', '--format', 'json'] + AS_OF,
    ['pillars', '--since', '2026-04-15'] + AS_OF,
    ['overserved'] + AS_OF,
    ['align'],
    ['whatif', '--all-open'] + AS_OF,
    ['compare', '--from', '2026-04-15', '--to', '2026-10-15'],
    ['report', '--format', 'json'] + AS_OF,
    ['report', '--format', 'csv'] + AS_OF,
    ['account', 'list', '--format', 'json'],
    ['stakeholder', 'list', 'Alder Brands Group', '--format', 'csv'],
    ['action', 'list', '--format', 'csv'],
    ['offering', 'list', '--format', 'csv'],
    ['signal', 'list'],
    ['signal', 'values', 'Alder Brands Group'],
    ['network', 'list'],
    ['instrument', 'list'],
    ['playbook', 'show', 'Meridian Stores'] + AS_OF,
    ['config'],
]
# Refusals: the same exit code and the same message.
REFUSALS = [
    ['account', 'add', 'Dup', '--external-id', 'X1'],
    ['account', 'add', 'Dup', '--external-id', 'X1'],
    ['account', 'add', 'Bad', '--revenue', '-5'],
    ['account', 'edit', 'Dup', '--parent', 'Dup'],
    ['explain', 'No Such Account'],
    ['offering', 'add', 'LOCAL-MKT', 'Again'],
]

failures = 0


def check(ok, what, detail=''):
    global failures
    if not ok:
        failures += 1
        print('FAIL: %s\n%s' % (what, detail))


def run(db, args, cwd):
    p = subprocess.run([CVOM, '--db', db] + args, capture_output=True, text=True, cwd=cwd,
                       env=dict(os.environ, NO_COLOR='1', TZ='UTC', LC_ALL='C.UTF-8'),
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines())):
        if x != y:
            return 'line %d:\n  sqlite:     %r\n  postgresql: %r' % (i + 1, x, y)
    return 'one is longer: %d against %d lines' % (len(a.splitlines()), len(b.splitlines()))


def compare(file_db, pg_db, cwd):
    for args in COMMANDS + REFUSALS:
        a, b = run(file_db, args, cwd), run(pg_db, args, cwd)
        what = 'cvom ' + ' '.join(args)
        check(a[0] == b[0], what + ': the same exit code', '%d against %d\n%s%s' %
              (a[0], b[0], a[2], b[2]))
        check(a[1] == b[1], what + ': the same output', first_difference(a[1], b[1]))
        # Messages may name the database; the rest must be the same.
        ea = a[2].replace(file_db, 'DB')
        eb = b[2].replace(pg_db, 'DB')
        check(ea == eb, what + ': the same message', first_difference(ea, eb))
        check(args in REFUSALS or a[0] == 0, what + ': succeeds', a[2])


def foreign_schema(base, cwd):
    db = pgcluster.fresh_database(base)
    pgcluster.execute(db, 'CREATE TABLE their_table (x integer); INSERT INTO their_table VALUES (7)')
    code, out, err = run(db, ['init'], cwd)
    check(code != 0 and 'another program' in err,
          'a database with another program\'s tables is refused', err)
    tables = pgcluster.query(db, "SELECT table_name FROM information_schema.tables"
                                 " WHERE table_schema = current_schema() ORDER BY 1")
    check(tables == [('their_table',)], 'and left as it was', repr(tables))


def main(base):
    with tempfile.TemporaryDirectory(prefix='cvom-backends-') as d:
        file_db = os.path.join(d, 'demo.db')
        pg_db = pgcluster.fresh_database(base)
        for db in (file_db, pg_db):
            code, _, err = run(db, ['demo'], d)
            check(code == 0, 'cvom demo on ' + db, err)
        compare(file_db, pg_db, d)
        foreign_schema(base, d)
    n = len(COMMANDS) + len(REFUSALS)
    print('backends: %d commands compared, %d failures' % (n, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    shared = pgcluster.shared()
    if shared:
        sys.exit(main(shared))
    with pgcluster.Cluster() as cluster:
        sys.exit(main(cluster.base))
