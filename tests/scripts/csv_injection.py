#!/usr/bin/env python3
"""CSV that cvom writes is safe to open in a spreadsheet: the listings' and exports' CSV
is converted to .xlsx by LibreOffice itself (soffice --headless --convert-to xlsx, which
evaluates formulas in CSV), and openpyxl reading the converted workbook must find text and
no formula. The same files written with --raw must give formulas there, so that the check
is seen to bite. Finally export -> import gives every name back byte for byte."""
import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import openpyxl

CVOM = os.path.abspath(sys.argv[1])
failures = []
NAMES = ['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(1;2)',
         "'=already quoted", "''=twice", '\t=tab', 'Plain & Simple']


def check(cond, what, *detail):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what, *[repr(x)[:400] for x in detail])


def run(d, *args, stdin=None):
    return subprocess.run([CVOM, '--db', os.path.join(d, 'x.db')] + list(args), cwd=d,
                          capture_output=True, text=True, timeout=120, input=stdin)


def portfolio(d):
    """Accounts with formula-like names, owners and regions, added one by one so that the
    names are stored exactly as given."""
    for i, n in enumerate(NAMES):
        r = run(d, 'account', 'add', '--external-id', 'E%d' % i, '--owner',
                '=cmd|owner' if i % 2 else '@owner', '--region', '-' + n, '--', n)
        check(r.returncode == 0, 'account %r added' % n, r.stderr)


LISTINGS = {
    'export': ['export', '--format', 'csv'],
    'accounts': ['account', 'list', '--format', 'csv'],
    'pillars': ['pillars', '--format', 'csv'],
}


def write_listings(d, raw):
    paths = []
    for name, args in LISTINGS.items():
        r = run(d, *(['--raw'] if raw else []), *args)
        check(r.returncode == 0, '%s runs' % name, r.stderr)
        p = os.path.join(d, '%s%s.csv' % (name, '_raw' if raw else ''))
        with open(p, 'w', encoding='utf-8', newline='') as f:
            f.write(r.stdout)
        paths.append(p)
    return paths


def formulas(path):
    """The cells of a workbook that hold formulas, as openpyxl reads them."""
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows()
            for c in row if c.data_type == 'f']


def convert(d, paths):
    out = os.path.join(d, 'converted')
    os.makedirs(out, exist_ok=True)
    soffice = shutil.which('soffice')
    r = subprocess.run([soffice, '-env:UserInstallation=file://' + os.path.join(d, 'profile'),
                        '--headless', '--convert-to', 'xlsx', '--outdir', out] + paths,
                       capture_output=True, text=True, timeout=240)
    check(r.returncode == 0, 'LibreOffice converts the CSV files', r.stderr[-300:])
    return {p: os.path.join(out, os.path.basename(p)[:-4] + '.xlsx') for p in paths}


def round_trip(d):
    exp = run(d, 'export', '--format', 'csv').stdout
    with open(os.path.join(d, 'back.csv'), 'w', encoding='utf-8', newline='') as f:
        f.write(exp)
    r = subprocess.run([CVOM, '--db', os.path.join(d, 'back.db'), 'import', 'accounts',
                        'back.csv'], cwd=d, capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, 'the guarded export imports', r.stderr)
    got = {}
    for db in ('x.db', 'back.db'):
        con = sqlite3.connect(os.path.join(d, db))
        got[db] = sorted(con.execute('select external_id, name, owner from accounts'))
        con.close()
    check(got['x.db'] == got['back.db'], 'export -> import gives every name back exactly',
          got['x.db'], got['back.db'])
    check(sorted(n for _, n, _ in got['back.db']) == sorted(NAMES), 'the names as given')


def main():
    if not shutil.which('soffice'):
        print('soffice is missing: install libreoffice-calc-nogui (scripts/setup.sh does)')
        return 1
    with tempfile.TemporaryDirectory(prefix='cvom-inject-') as d:
        portfolio(d)
        safe = write_listings(d, raw=False)
        raw = write_listings(d, raw=True)
        # the report is a document, guarded whatever --raw says
        r = run(d, 'report', '--format', 'csv')
        report = os.path.join(d, 'report.csv')
        with open(report, 'w', encoding='utf-8', newline='') as f:
            f.write(r.stdout)
        safe.append(report)
        books = convert(d, safe + raw)
        for p in safe:
            found = formulas(books[p]) if os.path.exists(books[p]) else ['not converted']
            check(not found, 'LibreOffice sees no formula in %s' % os.path.basename(p), found)
        bites = [p for p in raw if os.path.exists(books[p]) and formulas(books[p])]
        check(len(bites) == len(raw), 'the same listings with --raw do hold formulas there '
              '(the check bites)', [os.path.basename(p) for p in bites])
        with open(safe[0], encoding='utf-8') as f:
            text = f.read()
        check("'=HYPERLINK" in text and "'''=twice" in text, 'the guard is an apostrophe', text)
        round_trip(d)
    print('%d failures' % len(failures))
    return 1 if failures else 0


sys.exit(main())
