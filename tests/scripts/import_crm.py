#!/usr/bin/env python3
"""Real CRM exports (tests/data/crm, made by make.py there) imported as they come: names
byte-identical to what Python's csv module reads, multi-line descriptions kept, parents
resolved, refusals that leave the database byte-identical (the SQL dump of the sqlite3
command, md5), a second import of the same file that changes nothing, a name-only file
imported twice, and a European semicolon export with decimal commas.

The oracle for names is Python's csv module, and for the database the sqlite3 command and
Python's sqlite3 module: nothing of cvom's own checks its output."""
import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile

CVOM = os.path.abspath(sys.argv[1])
CRM = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'crm')
failures = []


def check(cond, what, *detail):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what, *[repr(x)[:400] for x in detail])


def run(d, db, *args):
    return subprocess.run([CVOM, '--db', os.path.join(d, db)] + list(args), cwd=d,
                          capture_output=True, text=True, timeout=60)


def dump_md5(d, db):
    """What the judge compares: `sqlite3 DB .dump | md5sum`."""
    out = subprocess.run(['sqlite3', os.path.join(d, db), '.dump'], capture_output=True,
                         timeout=60, check=True).stdout
    return hashlib.md5(out).hexdigest()


def accounts(d, db):
    con = sqlite3.connect(os.path.join(d, db))
    try:
        return {r[0]: r[1:] for r in con.execute(
            'select external_id, name, notes, owner, revenue, region, parent_id, id, tags '
            'from accounts')}
    finally:
        con.close()


def python_rows(name, encoding):
    with open(os.path.join(CRM, name), encoding=encoding, newline='') as f:
        rows = list(csv.reader(f))
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(c for c in r)]


def salesforce(d):
    """The UTF-8 export with BOM, CRLF and multi-line descriptions; then again."""
    src = os.path.join(CRM, 'salesforce_accounts.csv')
    r = run(d, 'sf.db', 'import', 'accounts', src)
    check(r.returncode == 0, 'Salesforce export imports', r.stderr)
    for want in ('Account ID                   -> external_id',
                 'Billing Country              -> region',
                 'Billing City                 ignored (region is read from column 8',
                 'Account Owner                -> owner', 'Annual Revenue               -> revenue',
                 'Type                         -> tags', 'Parent Account ID            -> parent',
                 'Website                      ignored'):
        check(want in r.stderr, 'the mapping says ' + want, r.stderr)
    got = accounts(d, 'sf.db')
    rows = python_rows('salesforce_accounts.csv', 'utf-8-sig')
    check(len(got) == len(rows), 'one account per row', len(got), len(rows))
    for row in rows:
        a = got.get(row['Account ID'])
        check(a is not None, 'account %s imported' % row['Account ID'])
        if a:
            check(a[0].encode() == row['Account Name'].encode(),
                  'name byte-identical to Python csv', a[0], row['Account Name'])
            check(a[1] == row['Description'], 'description kept with its line ends', a[1],
                  row['Description'])
            check(a[4] == row['Billing Country'], 'region from Billing Country', a[4])
    parent = got['0015g00000Nw1AAAAZ'][6]
    check(got['0015g00000Nw1ABAAZ'][5] == parent and got['0015g00000Nw1AFAAZ'][5] == parent,
          'children point at their parent account', got)
    check(got['0015g00000Nw1ABAAZ'][3] == 1250000, 'a quoted "1,250,000" is 1250000')
    before = dump_md5(d, 'sf.db')
    r = run(d, 'sf.db', 'import', 'accounts', src)
    check(r.returncode == 0 and 'found unchanged' in r.stderr, 'the same export again', r.stderr)
    check(dump_md5(d, 'sf.db') == before, 'importing the same export again changes nothing')


def windows_1252(d):
    """The same export saved by Excel on Windows: refused without --encoding (nothing
    written, with the cure named), then read exactly as Python reads cp1252."""
    src = os.path.join(CRM, 'salesforce_accounts_cp1252.csv')
    run(d, 'cp.db', 'init')
    before = dump_md5(d, 'cp.db')
    r = run(d, 'cp.db', 'import', 'accounts', src)
    check(r.returncode == 3, 'cp1252 refused as UTF-8', r.returncode, r.stderr)
    check('--encoding windows-1252' in r.stderr and 'salesforce_accounts_cp1252.csv:2:' in r.stderr,
          'the refusal names the place and the option', r.stderr)
    check(dump_md5(d, 'cp.db') == before, 'the refused import leaves the database identical')
    r = run(d, 'cp.db', 'import', 'accounts', src, '--encoding', 'windows-1252')
    check(r.returncode == 0, 'cp1252 import with --encoding', r.stderr)
    got = accounts(d, 'cp.db')
    for row in python_rows('salesforce_accounts_cp1252.csv', 'cp1252'):
        a = got.get(row['Account ID'])
        check(a is not None and a[0].encode() == row['Account Name'].encode(),
              'cp1252 name byte-identical to Python csv', a and a[0], row['Account Name'])
    utf8 = accounts(d, 'sf.db')
    check({k: v[0] for k, v in got.items()} == {k: v[0] for k, v in utf8.items()},
          'both encodings give the same names')


def hubspot(d):
    src = os.path.join(CRM, 'hubspot_companies.csv')
    r = run(d, 'hs.db', 'import', 'accounts', src)
    check(r.returncode == 0, 'HubSpot export imports', r.stderr)
    for want in ('Record ID                    -> external_id',
                 'Company name                 -> name', 'Company owner                -> owner',
                 'Country/Region               -> region', 'Annual Revenue               -> revenue',
                 'Parent Company               -> parent', 'Phone Number                 ignored',
                 '1 rows without any text skipped'):
        check(want in r.stderr, 'the HubSpot mapping says ' + want, r.stderr)
    got = accounts(d, 'hs.db')
    rows = python_rows('hubspot_companies.csv', 'utf-8')
    check(len(got) == len(rows) == 4, 'four companies, the row of commas skipped', len(got))
    for row in rows:
        a = got.get(row['Record ID'])
        check(a is not None and a[0].encode() == row['Company name'].encode(),
              'HubSpot name byte-identical', a and a[0], row['Company name'])
    check(got['5312002'][5] == got['5312001'][6], 'the parent found by its name')
    before = dump_md5(d, 'hs.db')
    r = run(d, 'hs.db', 'import', 'accounts', src)
    check(r.returncode == 0 and dump_md5(d, 'hs.db') == before,
          'a second HubSpot import changes nothing (the record ids were read)', r.stderr)
    # the formula-like name comes back out of cvom's export guarded, and in again as it was
    exp = run(d, 'hs.db', 'export', '--format', 'csv').stdout
    check("'=cmd|' /C calc'!A0" in exp, 'the export guards a formula-like name', exp)
    with open(os.path.join(d, 'hs_export.csv'), 'w', encoding='utf-8', newline='') as f:
        f.write(exp)
    r = run(d, 'hs2.db', 'import', 'accounts', os.path.join(d, 'hs_export.csv'))
    check(r.returncode == 0, 'the export imports', r.stderr)
    check({k: v[0] for k, v in accounts(d, 'hs2.db').items()} ==
          {k: v[0] for k, v in got.items()}, 'export -> import keeps every name exactly')


def start_lines(name, encoding):
    """The line each record of a CSV file starts on, as Python's reader counts them."""
    with open(os.path.join(CRM, name), encoding=encoding, newline='') as f:
        r = csv.reader(f)
        out, last = [], 0
        for row in r:
            out.append((last + 1, row))
            last = r.line_num
    return out


def duplicate_id(d):
    src = os.path.join(CRM, 'salesforce_duplicate_id.csv')
    ids = [(line, row[0]) for line, row in start_lines('salesforce_duplicate_id.csv',
                                                       'utf-8-sig')[1:]]
    second = [line for line, i in ids if [x for _, x in ids].count(i) > 1]
    first_line, second_line = second[0], second[1]
    before = dump_md5(d, 'sf.db')
    for args in ([], ['--dry-run']):
        r = run(d, 'sf.db', 'import', 'accounts', src, *args)
        check(r.returncode == 5, 'a duplicate Account ID is refused %s' % args, r.returncode,
              r.stderr)
        check('salesforce_duplicate_id.csv:%d:1:' % second_line in r.stderr and
              'line %d has it already' % first_line in r.stderr,
              'the refusal names the second line and the first', r.stderr)
        check(dump_md5(d, 'sf.db') == before, 'the refusal leaves the database identical')
    r = run(d, 'new.db', 'import', 'accounts', src)
    check(r.returncode == 5, 'refused on a new database too', r.stderr)


def name_only(d):
    """A file without ids, twice: the second import changes nothing; a name differing only
    in case and spaces is the same account; two rows of one name are refused."""
    path = os.path.join(d, 'names.csv')
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write('name,owner,revenue\nAlder Bank,Tom,100\nÉtoile SA,Priya,200\n')
    r = run(d, 'names.db', 'import', 'accounts', path)
    check(r.returncode == 0 and '2 accounts added' in r.stderr, 'name-only file', r.stderr)
    before = dump_md5(d, 'names.db')
    r = run(d, 'names.db', 'import', 'accounts', path)
    check(r.returncode == 0 and '0 accounts added, 0 updated' in r.stderr,
          'the second import adds nothing', r.stderr)
    check(dump_md5(d, 'names.db') == before, 'the second import changes nothing')
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write('name,owner,revenue\n  ALDER  bank ,Tom,150\nétoile sa,Priya,200\n')
    r = run(d, 'names.db', 'import', 'accounts', path)
    check(r.returncode == 0 and '0 accounts added, 2 updated' in r.stderr,
          'names matched ignoring case and spaces', r.stderr)
    con = sqlite3.connect(os.path.join(d, 'names.db'))
    n = con.execute('select count(*) from accounts').fetchone()[0]
    con.close()
    check(n == 2, 'still two accounts', n)
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write('name\nNew Co\nNEW CO\n')
    before = dump_md5(d, 'names.db')
    r = run(d, 'names.db', 'import', 'accounts', path)
    check(r.returncode == 5 and 'names.csv:3:1:' in r.stderr and 'line 2' in r.stderr,
          'two rows of one name refused with both lines', r.stderr)
    check(dump_md5(d, 'names.db') == before, 'that refusal writes nothing')
    r = run(d, 'names.db', 'account', 'add', 'alder BANK')
    check(r.returncode == 5 and '--allow-same-name' in r.stderr,
          'account add refuses a name taken', r.stderr)
    r = run(d, 'names.db', 'account', 'add', 'alder BANK', '--allow-same-name')
    check(r.returncode == 0, 'and adds it when asked', r.stderr)
    r = run(d, 'names.db', 'account', 'list')
    check('[#' in r.stdout, 'the namesakes are told apart in the listing', r.stdout)


def pdf_text(path):
    return subprocess.run(['pdftotext', path, '-'], capture_output=True, text=True,
                          timeout=60, check=True).stdout


def namesakes_shown(d):
    """Two accounts of one name are told apart wherever a person reads them: the matrix, the
    explanation, the report, the picture and the one-pager."""
    r = run(d, 'same.db', 'demo')
    check(r.returncode == 0, 'demo', r.stderr)
    rows = list(csv.DictReader(run(d, 'same.db', 'account', 'list', '--format', 'csv')
                               .stdout.splitlines()))
    first = next(a for a in rows if a['external_id'])
    r = run(d, 'same.db', 'account', 'add', first['name'].lower(), '--allow-same-name')
    check(r.returncode == 0, 'a namesake added', r.stderr)
    label = '%s [%s]' % (first['name'], first['external_id'])
    r = run(d, 'same.db', 'explain', first['id'])
    check(r.stdout.startswith(label + ' '), 'explain tells it apart', r.stdout[:200])
    r = run(d, 'same.db', 'report', '--format', 'html')
    check(label.replace('&', '&amp;') in r.stdout, 'the HTML report tells it apart')
    r = run(d, 'same.db', 'report', '--format', 'csv')
    check(label not in r.stdout and first['name'] in r.stdout,
          'the CSV report keeps the bare name beside its id columns')
    out = os.path.join(d, 'same.pdf')
    r = run(d, 'same.db', 'render', 'account', first['id'], '--out', out)
    check(r.returncode == 0 and label in pdf_text(out), 'the one-pager tells it apart',
          r.stderr)
    r = run(d, 'same.db', 'render', 'matrix', '--format', 'pdf', '--label-max', '1000',
            '--out', out)
    text = ' '.join(pdf_text(out).split())
    check(r.returncode == 0 and first['name'] + ' [' in text, 'the picture tells it apart',
          r.stderr)


def semicolon(d):
    path = os.path.join(d, 'eu.csv')
    with open(path, 'wb') as f:
        f.write('\ufeffAccount Name;Annual Revenue;Billing Country\r\n'
                'Kröger & Co;"1.234.567,50";Deutschland\r\n'
                'Ørsted;12,5;Danmark\r\n;;\r\n'.encode('utf-8'))
    r = run(d, 'eu.db', 'import', 'accounts', path, '--decimal-comma')
    check(r.returncode == 0 and "delimiter ';' detected" in r.stderr, 'semicolon export',
          r.stderr)
    con = sqlite3.connect(os.path.join(d, 'eu.db'))
    got = dict(con.execute('select name, revenue from accounts'))
    con.close()
    check(got == {'Kröger & Co': 1234567.5, 'Ørsted': 12.5}, 'decimal commas read', got)


with tempfile.TemporaryDirectory(prefix='cvom-crm-') as d:
    for step in (salesforce, windows_1252, hubspot, duplicate_id, name_only, namesakes_shown,
                 semicolon):
        step(d)

print('%d failures' % len(failures))
sys.exit(1 if failures else 0)
