#!/usr/bin/env python3
"""cvom migrate between SQLite and PostgreSQL, both ways: the demo portfolio copied from a
file into a new PostgreSQL database and from there into a new file gives, on all three,
byte-identical exports, matrices, explanations and analytics. A target that holds data is
refused and left as it was; --replace empties it first. A value changed behind cvom's back
(with psql) is found by --verify-only, and a value the target cannot keep (-0, which an
SQLite REAL column stores as 0) is found by the copy's own verification, which then writes
nothing. Progress shows on a terminal. Backup and restore of a server point to PostgreSQL's
tools. Runs on the suite's PostgreSQL cluster (CVOM_TEST_PG) or a throwaway one of its own."""
import os
import pty
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'pg'))
import pgcluster  # noqa: E402

CVOM = os.path.abspath(sys.argv[1])
ENV = dict(os.environ, NO_COLOR='1', LC_ALL='C.UTF-8', TZ='UTC')
ENV.pop('CVOM_DB', None)
failures = []
timings = []

# What is compared across back ends: every listing and analysis that reads most tables.
VIEWS = [
    ['export', '--format', 'json', '--as-of', '2026-10-31'],
    ['export', '--format', 'csv', '--as-of', '2026-04-30'],
    ['matrix', '--as-of', '2026-10-31', '--width', '100'],
    ['matrix'],
    ['explain', 'Stack & Save Discount Stores', '--as-of', '2026-10-31'],
    ['explain', 'Alder Brands Group', '--format', 'json', '--as-of', '2026-10-31'],
    ['pillars', '--as-of', '2026-10-31', '--format', 'json'],
    ['compare', '--from', '2026-04-30', '--to', '2026-10-31', '--format', 'json'],
    ['overserved', '--all', '--as-of', '2026-10-31', '--format', 'json'],
    ['align', '--as-of', '2026-10-31', '--format', 'json'],
    ['action', 'list', '--format', 'csv'],
    ['signal', 'values', '--format', 'csv'],
    ['network', 'list', '--format', 'csv'],
    ['config', '--format', 'json'],
]


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what)


def cvom(*args, db=None, code=0):
    argv = [CVOM] + (['--db', db] if db else []) + list(args)
    p = subprocess.run(argv, capture_output=True, env=ENV, timeout=240)
    check(p.returncode == code, '%s: exit %d, expected %d: %s' %
          (' '.join(args[:4]), p.returncode, code, p.stderr.decode(errors='replace')[-500:]))
    return p


def migrate(src, dst, *more, code=0):
    t0 = time.time()
    p = cvom('migrate', '--from', src, '--to', dst, '--format', 'csv', *more, code=code)
    timings.append(('%s -> %s' % (kind(src), kind(dst)), time.time() - t0))
    return p


def kind(location):
    return 'postgresql' if 'dbname=' in location else 'sqlite'


def checks(p):
    """The table of checks: table -> (rows, target rows, same)."""
    lines = p.stdout.decode().strip().split('\n')[1:]
    out = {}
    for line in lines:
        table, rows, target_rows, _, same = line.split(',')
        out[table] = (int(rows), int(target_rows), same)
    return out


def views(db):
    return [cvom(*v, db=db).stdout for v in VIEWS]


def same_views(a, b, what):
    for v, x, y in zip(VIEWS, views(a), views(b)):
        check(x == y and len(x) > 0, '%s: %s differs' % (what, ' '.join(v)))


def progress_on_a_terminal(src, dst):
    """Progress (rows so far) goes to standard error when it is a terminal."""
    master, slave = pty.openpty()
    p = subprocess.Popen([CVOM, 'migrate', '--from', src, '--to', dst], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=slave, env=ENV)
    os.close(slave)
    seen = b''
    while True:
        r, _, _ = select.select([master], [], [], 120)
        try:
            data = os.read(master, 4096) if r else b''
        except OSError:
            data = b''
        if not data:
            break
        seen += data
    os.close(master)
    check(p.wait(timeout=60) == 0, 'migrate on a terminal failed: %r' % seen[-300:])
    text = seen.decode(errors='replace')
    check('\rcopying responses' in text and 'rows (' in text, 'no progress shown: %r' % text[-300:])
    check('every table agrees' in text, 'no summary on a terminal: %r' % text[-300:])


def run(base, d):
    demo = os.path.join(d, 'demo.db')
    cvom('demo', db=demo)

    # SQLite into a new PostgreSQL database, and back into a new file.
    pg1 = pgcluster.fresh_database(base)
    p = migrate('sqlite:' + demo, pg1)
    c = checks(p)
    check(len(c) == 28 and all(v[2] == 'yes' and v[0] == v[1] for v in c.values()),
          'the table of checks: %r' % c)
    check(c.get('accounts', (0,))[0] == 64 and c.get('responses', (0,))[0] > 10000,
          'accounts and responses copied: %r' % c)
    same_views(demo, pg1, 'SQLite -> PostgreSQL')
    back = os.path.join(d, 'back.db')
    migrate(pg1, back)
    same_views(demo, back, 'SQLite -> PostgreSQL -> SQLite')
    cvom('migrate', '--verify-only', '--from', demo, '--to', back)

    # PostgreSQL into PostgreSQL, with progress on a terminal.
    pg2 = pgcluster.fresh_database(base)
    progress_on_a_terminal(pg1, pg2)
    cvom('migrate', '--verify-only', '--from', demo, '--to', pg2)

    # A target that holds data is refused, and nothing is written to it.
    small = os.path.join(d, 'small.db')
    cvom('account', 'add', 'Only one', '--external-id', 'ONE', db=small)
    p = migrate(small, pg1, code=5)
    check(b'already holds data (in table accounts)' in p.stderr, 'refusal: %r' % p.stderr)
    cvom('migrate', '--verify-only', '--from', demo, '--to', pg1)
    # --replace empties it first.
    migrate(small, pg1, '--replace')
    check(cvom('account', 'list', '--format', 'csv', db=pg1).stdout ==
          cvom('account', 'list', '--format', 'csv', db=small).stdout, 'replaced: accounts')
    cvom('migrate', '--verify-only', '--from', small, '--to', pg1)

    # A value changed behind cvom's back is found; nothing else is said to differ.
    pgcluster.psql(pg1, "UPDATE accounts SET name = 'Only one.' WHERE external_id = 'ONE'")
    p = cvom('migrate', '--verify-only', '--format', 'csv', '--from', small, '--to', pg1, code=6)
    differ = [t for t, v in checks(p).items() if v[2] != 'yes']
    check(differ == ['accounts'], 'one changed value: %r' % differ)

    # A value SQLite cannot keep: the copy's verification finds it and writes nothing.
    pgcluster.psql(pg2, "UPDATE signal_values SET value = '-0' WHERE (signal_id, account_id, date)"
                   " = (SELECT signal_id, account_id, date FROM signal_values ORDER BY 1, 2, 3"
                   " LIMIT 1)")
    lost = os.path.join(d, 'lost.db')
    p = migrate(pg2, lost, code=6)
    check(b'differs from the source in 1 table (first: signal_values)' in p.stderr and
          b'nothing was written' in p.stderr, 'verification: %r' % p.stderr)
    check(not os.path.exists(lost), 'a failed copy left its new file behind')

    # A server is backed up and restored with PostgreSQL's own tools.
    p = cvom('backup', os.path.join(d, 'x.dump'), db=pg1, code=3)
    check(b'pg_dump' in p.stderr, 'backup of a server: %r' % p.stderr)
    p = cvom('restore', os.path.join(d, 'x.dump'), db=pg1, code=3)
    check(b'pg_restore' in p.stderr, 'restore into a server: %r' % p.stderr)


def main():
    base = pgcluster.shared()
    with tempfile.TemporaryDirectory(prefix='cvom-migrate-') as d:
        if base:
            run(base, d)
        else:
            with pgcluster.Cluster() as c:
                run(c.base, d)
    for what, s in timings:
        print('migrate %-24s %6.2f s' % (what, s))
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
