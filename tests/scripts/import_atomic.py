#!/usr/bin/env python3
"""Imports are all or nothing: a defect anywhere aborts with file, line and column, and no
table changes; encodings are decoded only when asked; a killed import leaves nothing.
Row counts are read with Python's own sqlite3 module, independently of cvom."""
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

CVOM = os.path.abspath(sys.argv[1])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what)


def run(args, d, **kw):
    return subprocess.run([CVOM] + args, cwd=d, capture_output=True, text=True,
                          env=dict(os.environ, CVOM_DB=os.path.join(d, 'x.db')), **kw)


def counts(d):
    con = sqlite3.connect(os.path.join(d, 'x.db'))
    try:
        names = [r[0] for r in con.execute(
            "select name from sqlite_master where type='table' and name not like 'sqlite_%'")]
        return {n: con.execute('select count(*) from "%s"' % n).fetchone()[0] for n in names}
    finally:
        con.close()


with tempfile.TemporaryDirectory() as d:
    # A small portfolio to import responses into.
    with open(os.path.join(d, 'acc.csv'), 'wb') as f:
        f.write('\ufeffAccount ID,Account Name,Annual Revenue\r\n'.encode())
        f.write('A1,"Acme, Inc.",1000\r\nA2,Café Müller,2000\r\n'.encode())
    r = run(['import', 'accounts', 'acc.csv'], d)
    check(r.returncode == 0, 'BOM+CRLF accounts import: %s' % r.stderr)
    r = run(['account', 'show', 'A2', '--format', 'csv'], d)
    check('Café Müller' in r.stdout, 'UTF-8 name kept: %r' % r.stdout)
    with open(os.path.join(d, 'st.csv'), 'w') as f:
        f.write('account,name,external_id\nA1,Jane,P1\nA1,Sam,P2\n')
    check(run(['import', 'stakeholders', 'st.csv'], d).returncode == 0, 'stakeholders import')

    before = counts(d)
    check(before.get('accounts') == 2 and before.get('stakeholders') == 2, 'setup counts')

    # The unterminated quote on line 7: the file, line 7 and the column of the quote.
    lines = ['account_id,respondent_id,item_id,score',
             'A1,P1,INT01,5', 'A1,P1,INT02,5', 'A1,P1,INT03,5', 'A1,P1,EMO01,4',
             'A1,P1,EMO02,4',
             'A1,P2,"INT01,5',
             'A1,P2,INT02,5', 'A1,P2,INT03,5']
    with open(os.path.join(d, 'resp.csv'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    r = run(['import', 'responses', 'resp.csv'], d)
    check(r.returncode == 3, 'unterminated quote exit code %d' % r.returncode)
    check('resp.csv:7:7: unterminated quoted field' in r.stderr,
          'unterminated quote message: %r' % r.stderr)
    check(counts(d) == before, 'counts unchanged after a parse error: %r' % counts(d))

    # A bad value late in the file: earlier good rows are not kept either.
    lines[6] = 'A1,P2,INT01,9'
    with open(os.path.join(d, 'resp.csv'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    r = run(['import', 'responses', 'resp.csv'], d)
    check(r.returncode == 3 and 'resp.csv:7:13:' in r.stderr, 'late bad score: %r' % r.stderr)
    check(counts(d) == before, 'counts unchanged after a bad value')

    # Windows-1252 is decoded only when asked for; never guessed.
    with open(os.path.join(d, 'cp.csv'), 'wb') as f:
        f.write(b'Account ID,Account Name\nA3,Brasserie \xc9toile \x80\nA4,Caf\xe9 Noir\n')
    r = run(['import', 'accounts', 'cp.csv'], d)
    check(r.returncode == 3 and 'cp.csv:2:' in r.stderr and 'UTF-8' in r.stderr,
          'cp1252 refused as UTF-8: %r' % r.stderr)
    check(counts(d) == before, 'counts unchanged after an encoding error')
    r = run(['import', 'accounts', 'cp.csv', '--encoding', 'windows-1252'], d)
    check(r.returncode == 0, 'cp1252 import when asked: %r' % r.stderr)
    out = run(['account', 'list', '--format', 'csv'], d).stdout
    check('Café Noir' in out and 'Brasserie Étoile €' in out, 'cp1252 decoded: %r' % out)

    # Signal values and ledger entries: a bad last row and nothing of the file is kept.
    check(run(['signal', 'add', 'nps', '--axis', 'emotional', '--min', '-100', '--max', '100'],
              d).returncode == 0, 'signal defined')
    before = counts(d)
    with open(os.path.join(d, 'sig.csv'), 'w') as f:
        f.write('account,signal,value,date\n')
        for i in range(1, 4):
            f.write('A%d,nps,%d,2026-01-0%d\n' % (1 + i % 2, 10 * i, i))
        f.write('A1,nps,12,2026-13-01\n')
    r = run(['import', 'signals', 'sig.csv'], d)
    check(r.returncode == 3 and 'sig.csv:5:' in r.stderr, 'signals: bad date at line 5: %s'
          % r.stderr.strip())
    check(counts(d) == before, 'signals: counts unchanged after a failed import')
    with open(os.path.join(d, 'net.csv'), 'w') as f:
        f.write('account,kind,title,rating\n')
        f.write('A1,event,Forum,4\nA2,introduction,A peer,5\nA1,dinner,Out,3\n')
    r = run(['import', 'network', 'net.csv'], d)
    check(r.returncode == 3 and 'net.csv:4:' in r.stderr, 'network: bad kind at line 4: %s'
          % r.stderr.strip())
    check(counts(d) == before, 'network: counts unchanged after a failed import')

    # A large import killed part-way leaves nothing behind and the database intact. It is
    # killed once it has written part of its transaction (the write-ahead log has grown);
    # should it finish first, a file four times as large is tried, and never catching one
    # part-way is a failure, not a check left out.
    before = counts(d)
    wal = os.path.join(d, 'x.db-wal')
    killed, rows = False, 300000
    for attempt in range(3):
        with open(os.path.join(d, 'big.csv'), 'w') as f:
            f.write('external_id,name,revenue\n')
            for i in range(rows):
                f.write('B%07d,Big %d,%d\n' % (i, i, i))
        p = subprocess.Popen([CVOM, 'import', 'accounts', 'big.csv', '--quiet'], cwd=d,
                             env=dict(os.environ, CVOM_DB=os.path.join(d, 'x.db')),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while p.poll() is None:
            if os.path.exists(wal) and os.path.getsize(wal) > (1 << 20):
                p.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.005)
        p.wait()
        if killed:
            break
        check(counts(d)['accounts'] == before['accounts'] + rows,
              'the import that finished before it could be killed imported every row')
        before = counts(d)
        rows *= 4
    check(killed, 'an import was killed part-way (after %d attempts)' % (attempt + 1))
    if killed:
        print('killed the import part-way (%d rows, WAL of %d bytes)' % (
            rows, os.path.getsize(wal) if os.path.exists(wal) else 0))
        con = sqlite3.connect(os.path.join(d, 'x.db'))
        ok = con.execute('pragma integrity_check').fetchone()[0]
        con.close()
        check(ok == 'ok', 'integrity after kill: %s' % ok)
        check(counts(d) == before, 'counts unchanged after a killed import: %r' % counts(d))

print('%d failures' % len(failures))
sys.exit(1 if failures else 0)
