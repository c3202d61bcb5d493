#!/usr/bin/env python3
"""Workbooks imported as people have them: the committed fixtures written by openpyxl and
by LibreOffice (tests/data/xlsx, made by make.py there), workbooks made here with openpyxl
(formulas never computed, the 1904 date system, a few thousand rows), and hostile or wrong
archives (a zip bomb, a DOCTYPE, deep nesting, an OpenDocument file, an old .xls, a
damaged zip) — each refused with its reason, nothing written. Values are checked against
what openpyxl reads from the same files and against the database read with Python's
sqlite3 module."""
import datetime
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

CVOM = os.path.abspath(sys.argv[1])
XLSX = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'xlsx')
failures = []


def check(cond, what, *detail):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what, *[repr(x)[:400] for x in detail])


def run(d, db, *args):
    return subprocess.run([CVOM, '--db', os.path.join(d, db)] + list(args), cwd=d,
                          capture_output=True, text=True, timeout=120)


def query(d, db, sql):
    con = sqlite3.connect(os.path.join(d, db))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def dump_md5(d, db):
    out = subprocess.run(['sqlite3', os.path.join(d, db), '.dump'], capture_output=True,
                         timeout=60, check=True).stdout
    return hashlib.md5(out).hexdigest()


def openpyxl_fixture(d):
    path = os.path.join(XLSX, 'openpyxl_accounts.xlsx')
    r = run(d, 'a.db', 'import', 'accounts', path)
    check(r.returncode == 0, 'the openpyxl workbook imports', r.stderr)
    check('sheet Accounts (header in row 2)' in r.stderr, 'the mapping names sheet and row',
          r.stderr)
    check('Customer since               ignored' in r.stderr, 'unknown columns are listed')
    ws = openpyxl.load_workbook(path)['Accounts']
    want = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True) if row[0]}
    got = {r[0]: r[1:] for r in query(d, 'a.db', 'select external_id, name, revenue, region, '
                                               'owner from accounts')}
    check(set(got) == set(want), 'one account per row with an id', sorted(got), sorted(want))
    for ext, row in want.items():
        g = got.get(ext)
        if not g:
            continue
        check(g[0] == row[1], 'name as openpyxl reads it', g[0], row[1])
        check(g[1] == row[2], 'number as openpyxl reads it', g[1], row[2])
        check(g[2] == (row[3] or ''), 'an empty cell is empty', g[2], row[3])
    # the second sheet by name: answers with a date formatted as a date
    r = run(d, 'a.db', 'import', 'responses', path, '--sheet', 'Responses')
    check(r.returncode == 0 and '1 assessments with 4 answers' in r.stderr,
          'the Responses sheet imports', r.stderr)
    dates = query(d, 'a.db', "select date(date * 86400, 'unixepoch') from assessments")
    check(dates == [('2026-02-28',)], 'the date cell is read as its date', dates)
    r = run(d, 'a.db', 'import', 'accounts', path, '--sheet', 'Nope')
    check(r.returncode == 4 and 'its sheets: Accounts, Responses' in r.stderr,
          'an unknown sheet names those there are', r.stderr)


def libreoffice_fixture(d):
    path = os.path.join(XLSX, 'libreoffice_accounts.xlsx')
    r = run(d, 'lo.db', 'import', 'accounts', path)
    check(r.returncode == 0, 'the LibreOffice workbook imports', r.stderr)
    got = sorted(query(d, 'lo.db', 'select external_id, name, revenue, region, tags '
                                   'from accounts'))
    ws = openpyxl.load_workbook(path).active
    want = sorted((r[0], r[1], float(r[2] or 0), r[3] or '', r[4] or '')
                  for r in ws.iter_rows(min_row=2, values_only=True))
    check(got == want, 'LibreOffice values as openpyxl reads them', got, want)


def errors_fixture(d):
    path = os.path.join(XLSX, 'openpyxl_errors.xlsx')
    run(d, 'e.db', 'init')
    before = dump_md5(d, 'e.db')
    r = run(d, 'e.db', 'import', 'accounts', path)
    check(r.returncode == 3 and 'openpyxl_errors.xlsx:Data!C3: revenue: the cell holds the '
          'spreadsheet error #N/A' in r.stderr, 'an error cell is refused at Sheet!Cell',
          r.stderr)
    check(dump_md5(d, 'e.db') == before, 'nothing written')


def made_here(d):
    # a formula openpyxl never computed: no saved value
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Calc'
    ws.append(['name', 'revenue'])
    ws.append(['Sum Ltd', '=1+1'])
    p = os.path.join(d, 'formula.xlsx')
    wb.save(p)
    r = run(d, 'f.db', 'import', 'accounts', p)
    check(r.returncode == 3 and 'formula.xlsx:Calc!B2: revenue: the cell\'s formula has no '
          'saved value' in r.stderr, 'a formula without a value is refused', r.stderr)
    # the 1904 date system
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.append(['account', 'kind', 'title', 'date'])
    ws.append(['Mac Co', 'event', 'Forum', datetime.date(2025, 7, 1)])
    p = os.path.join(d, 'mac.xlsx')
    wb.save(p)
    run(d, 'm.db', 'account', 'add', 'Mac Co')
    r = run(d, 'm.db', 'import', 'network', p)
    check(r.returncode == 0, 'a 1904 workbook imports', r.stderr)
    got = query(d, 'm.db', "select date(date * 86400, 'unixepoch') from network_entries")
    check(got == [('2025-07-01',)], 'dates of the 1904 system', got)
    # a few thousand rows, inline strings and all: streamed, every row in
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet('Big')
    ws.append(['Record ID', 'Company name', 'Annual Revenue'])
    for i in range(3000):
        ws.append(['B%05d' % i, 'Company %d' % i, i * 10])
    p = os.path.join(d, 'big.xlsx')
    wb.save(p)
    r = run(d, 'b.db', 'import', 'accounts', p, '--quiet')
    n = query(d, 'b.db', 'select count(*), sum(revenue) from accounts')
    check(r.returncode == 0 and n == [(3000, 10.0 * sum(range(3000)))], '3000 rows', n,
          r.stderr)


def zip_of(path, parts):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')


def sheet(body):
    return ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>' % body)


def hostile(d):
    run(d, 'h.db', 'init')
    before = dump_md5(d, 'h.db')
    cases = []
    p = os.path.join(d, 'bomb.xlsx')
    zip_of(p, {'xl/workbook.xml': WORKBOOK, 'xl/_rels/workbook.xml.rels': RELS,
               'xl/worksheets/sheet1.xml': b'<' + b' ' * (600 << 20)})
    cases.append((p, 'larger than', 'a zip bomb is refused by its size'))
    p = os.path.join(d, 'laughs.xlsx')
    zip_of(p, {'xl/workbook.xml': WORKBOOK, 'xl/_rels/workbook.xml.rels': RELS,
               'xl/worksheets/sheet1.xml': '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a '
               '"aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w>&b;</w>'})
    cases.append((p, 'document type', 'a DOCTYPE is refused'))
    p = os.path.join(d, 'deep.xlsx')
    zip_of(p, {'xl/workbook.xml': WORKBOOK, 'xl/_rels/workbook.xml.rels': RELS,
               'xl/worksheets/sheet1.xml': '<a>' * 100 + '</a>' * 100})
    cases.append((p, 'nested more than 64', 'deep nesting is refused'))
    p = os.path.join(d, 'sheet.ods')
    zip_of(p, {'mimetype': 'application/vnd.oasis.opendocument.spreadsheet',
               'content.xml': '<x/>'})
    cases.append((p, 'OpenDocument', 'an .ods file is named'))
    p = os.path.join(d, 'old.xls')
    with open(p, 'wb') as f:
        f.write(b'\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1' + b'\0' * 504)
    cases.append((p, 'old Excel .xls', 'an .xls file is named'))
    p = os.path.join(d, 'cut.xlsx')
    with open(os.path.join(XLSX, 'openpyxl_accounts.xlsx'), 'rb') as f:
        data = f.read()
    with open(p, 'wb') as f:
        f.write(data[:len(data) // 2])
    cases.append((p, 'damaged', 'a truncated workbook is refused'))
    p = os.path.join(d, 'badref.xlsx')
    zip_of(p, {'xl/workbook.xml': WORKBOOK, 'xl/_rels/workbook.xml.rels': RELS,
               'xl/worksheets/sheet1.xml': sheet('<row r="1"><c r="A1" t="s"><v>7</v></c>'
                                                 '</row>')})
    cases.append((p, 'shared string that does not exist', 'a bad string index is refused'))
    p = os.path.join(d, 'wide.xlsx')
    zip_of(p, {'xl/workbook.xml': WORKBOOK, 'xl/_rels/workbook.xml.rels': RELS,
               'xl/worksheets/sheet1.xml': sheet('<row r="1"><c r="ZZ1" t="inlineStr"><is><t>'
                                                 'x</t></is></c></row>')})
    cases.append((p, 'more than 512 columns', 'a cell past the column bound is refused'))
    for path, words, what in cases:
        r = run(d, 'h.db', 'import', 'accounts', path)
        check(r.returncode != 0 and words in r.stderr, what, r.returncode, r.stderr[-300:])
    check(dump_md5(d, 'h.db') == before, 'no refused workbook wrote anything')


with tempfile.TemporaryDirectory(prefix='cvom-xlsx-') as d:
    for step in (openpyxl_fixture, libreoffice_fixture, errors_fixture, made_here, hostile):
        step(d)

print('%d failures' % len(failures))
sys.exit(1 if failures else 0)
