#!/usr/bin/env python3
"""Large imports are all or nothing, and name the line of a bad row, also where the store
writes the rows many at a time (COPY on PostgreSQL): a bad row deep in the file, found by
cvom's checks or refused by the database itself (a rule of the database's own that cvom does
not know), leaves no row behind; a good file gets the same ids on every back end.
    usage: import_bulk.py PATH/TO/cvom [--db LOCATION]   (default: a new SQLite file)"""
import os
import sqlite3
import subprocess
import sys
import tempfile

CVOM = os.path.abspath(sys.argv[1])
LOCATION = sys.argv[3] if len(sys.argv) == 4 and sys.argv[2] == '--db' else None
ROWS = 20000  # more than one batch of rows held back (store/db.c)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what)


def sql(db, text):
    """Run SQL on the database with its own client, not through cvom."""
    if LOCATION:
        p = subprocess.run(['psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db,
                            '-c', text], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit('psql failed: ' + p.stderr)
        return p.stdout.strip()
    con = sqlite3.connect(db)
    try:
        if not text.lstrip().upper().startswith('SELECT'):
            con.executescript(text)
            return ''
        out = '\n'.join('|'.join(str(v) for v in r) for r in con.execute(text).fetchall())
        con.commit()
        return out
    finally:
        con.close()


def counts(db):
    return [int(sql(db, 'SELECT count(*) FROM %s' % t))
            for t in ('accounts', 'stakeholders', 'assessments', 'responses')]


def write(d, name, header, rows):
    with open(os.path.join(d, name), 'w', encoding='utf-8') as f:
        f.write(header + '\n')
        for r in rows:
            f.write(','.join(str(v) for v in r) + '\n')


def run(db, d, *args):
    return subprocess.run([CVOM, '--db', db] + list(args), cwd=d, capture_output=True,
                          text=True)


def refuse(db, table, condition):
    """A rule of the database's own: inserting a row that meets condition fails."""
    if LOCATION:
        sql(db, "CREATE FUNCTION local_rule() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF %s THEN RAISE EXCEPTION 'refused by a local rule'; END IF; RETURN NEW; END $$; "
            "CREATE TRIGGER local_rule BEFORE INSERT ON %s FOR EACH ROW "
            "EXECUTE FUNCTION local_rule();" % (condition, table))
    else:
        sql(db, "CREATE TRIGGER local_rule BEFORE INSERT ON %s WHEN %s BEGIN "
            "SELECT RAISE(ABORT, 'refused by a local rule'); END;" % (table, condition))


def drop_rule(db, table):
    if LOCATION:
        sql(db, 'DROP TRIGGER local_rule ON %s; DROP FUNCTION local_rule();' % table)
    else:
        sql(db, 'DROP TRIGGER local_rule;')


def accounts(n, bad_at=None, bad=None):
    for i in range(n):
        row = ['X%06d' % i, 'Kunde %d Müller' % i, 'Owner %d' % (i % 7), 1000 + i]
        if bad_at is not None and i + 2 == bad_at:  # line 1 is the header
            row = bad(row)
        yield row


def answers(n, bad_at=None, value=None):
    items = ['INT0%d' % i for i in range(1, 9)] + ['EMO0%d' % i for i in range(1, 9)]
    for k in range(n):
        a = k // 16
        score = 1 + (k * 5) % 7 if not (bad_at is not None and k + 2 == bad_at) else value
        yield ['X%06d' % a, 'X%06d-S' % a, items[k % 16], score]


with tempfile.TemporaryDirectory() as d:
    db = LOCATION or os.path.join(d, 'bulk.db')
    r = run(db, d, 'init')
    check(r.returncode == 0, 'init: ' + r.stderr)

    # A bad value cvom's own checks find, in the second batch: nothing at all is kept.
    write(d, 'acc.csv', 'external_id,name,owner,revenue',
          accounts(ROWS, 18001, lambda row: row[:3] + ['-5']))
    r = run(db, d, 'import', 'accounts', 'acc.csv')
    check(r.returncode != 0 and 'acc.csv:18001:' in r.stderr,
          'bad revenue names line 18001: %r' % r.stderr)
    check(counts(db) == [0, 0, 0, 0], 'nothing imported after a bad revenue: %r' % counts(db))

    # A row the database itself refuses, after a first batch went in: undone, and the
    # error names that row's line.
    refuse(db, 'accounts', "NEW.name = 'Refused Account'")
    write(d, 'acc.csv', 'external_id,name,owner,revenue',
          accounts(ROWS, 17500, lambda row: [row[0], 'Refused Account'] + row[2:]))
    r = run(db, d, 'import', 'accounts', 'acc.csv')
    check(r.returncode != 0 and 'acc.csv:17500:' in r.stderr and 'local rule' in r.stderr,
          'a refused account names line 17500: %r' % r.stderr)
    check(counts(db) == [0, 0, 0, 0], 'nothing imported after a refused row: %r' % counts(db))
    drop_rule(db, 'accounts')

    # The accounts and their stakeholders for the answers.
    n_acc = ROWS // 16
    write(d, 'acc.csv', 'external_id,name,owner,revenue', accounts(n_acc))
    write(d, 'st.csv', 'account,external_id,name',
          (['X%06d' % i, 'X%06d-S' % i, 'Person %d' % i] for i in range(n_acc)))
    r = run(db, d, 'import', 'accounts', 'acc.csv')
    check(r.returncode == 0, 'accounts: ' + r.stderr)
    r = run(db, d, 'import', 'stakeholders', 'st.csv')
    check(r.returncode == 0, 'stakeholders: ' + r.stderr)
    base = [n_acc, n_acc, 0, 0]
    check(counts(db) == base, 'accounts and stakeholders in: %r' % counts(db))

    # Answers: a score off the scale, and one the database refuses, deep in the file.
    write(d, 'ans.csv', 'account_id,respondent_id,item_id,score', answers(ROWS, 19001, 9))
    r = run(db, d, 'import', 'responses', 'ans.csv', '--date', '2026-06-30')
    check(r.returncode != 0 and 'ans.csv:19001:' in r.stderr,
          'a score off the scale names line 19001: %r' % r.stderr)
    check(counts(db) == base, 'no answer kept after a bad score: %r' % counts(db))
    refuse(db, 'responses', 'NEW.value = 6.5')
    write(d, 'ans.csv', 'account_id,respondent_id,item_id,score', answers(ROWS, 18002, 6.5))
    r = run(db, d, 'import', 'responses', 'ans.csv', '--date', '2026-06-30')
    check(r.returncode != 0 and 'ans.csv:18002:' in r.stderr and 'local rule' in r.stderr,
          'a refused answer names line 18002: %r' % r.stderr)
    check(counts(db) == base, 'no answer kept after a refused one: %r' % counts(db))
    drop_rule(db, 'responses')

    # The good file: every row, with the ids the rows get one at a time (assessments
    # numbered in the order the file first names them).
    write(d, 'ans.csv', 'account_id,respondent_id,item_id,score', answers(ROWS))
    r = run(db, d, 'import', 'responses', 'ans.csv', '--date', '2026-06-30')
    check(r.returncode == 0, 'good answers: ' + r.stderr)
    check(counts(db) == [n_acc, n_acc, n_acc, ROWS], 'every answer in: %r' % counts(db))
    want = sum((k // 16 + 1) * (1 + (k * 5) % 7) for k in range(ROWS))
    got = sql(db, 'SELECT sum(assessment_id * value) FROM responses')
    check(abs(float(got) - want) < 1e-6, 'answers under the ids given in order: %s, not %d'
          % (got, want))
    got = sql(db, 'SELECT count(*) FROM assessments a JOIN accounts c ON c.id = a.account_id '
              "WHERE c.external_id <> 'X' || lpad(CAST(a.id - 1 AS TEXT), 6, '0')"
              if LOCATION else
              'SELECT count(*) FROM assessments a JOIN accounts c ON c.id = a.account_id '
              "WHERE c.external_id <> printf('X%06d', a.id - 1)")
    check(got == '0', 'each assessment of its account, in order: %s differ' % got)

if failures:
    sys.exit('%d check(s) failed' % len(failures))
print('ok')
