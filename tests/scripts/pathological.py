#!/usr/bin/env python3
"""Pathological inputs for the cvom binary, each case with a budget of CPU time.

These are not speed tests: the budget (10 s of CPU per case by default, generous for a build
with AddressSanitizer) is there to catch work that grows quadratically with the input, and a
much longer wall-clock limit per command catches hangs. CPU time, not wall time, is held to
the budget, so that a machine busy with other work does not fail the test. Each case asserts the exit code and, for errors, the exact 'FILE:LINE:COL: message'
the rules of src/io/csv.h and the README give. Files are written to a temporary directory
that also holds the database (CVOM_DB). Prints one line per case with its time.

Usage: python3 tests/scripts/pathological.py PATH/TO/cvom
Set CVOM_PATHOLOGICAL_BUDGET to change the budget in seconds.
"""

import resource

import os
import re
import subprocess
import sys
import tempfile
import time

CVOM = os.path.abspath(sys.argv[1])
BUDGET = float(os.environ.get('CVOM_PATHOLOGICAL_BUDGET', '10'))
HANG = 120  # seconds of wall time after which a command is taken to hang
HEADER = 'account_id,respondent_id,item_id,score\n'
SCORE_HEADER = ('account_id,intellectual,emotional,intellectual_lo,intellectual_hi,'
                'emotional_lo,emotional_hi,quadrant,state')
ACCOUNT_HEADER = 'id,external_id,name,owner,parent_id,industry,region,revenue,potential,currency,tags'

failures = []


class Case:
    """The state of one case: the time its commands took and what went wrong."""

    def __init__(self, name, workdir):
        self.name = name
        self.dir = workdir
        self.spent = 0.0
        self.problems = []

    def check(self, cond, what):
        if not cond:
            self.problems.append(what)
        return cond

    def write(self, name, data):
        with open(os.path.join(self.dir, name), 'wb') as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return name

    def run(self, *args):
        """Run cvom with args in the case's directory; its CPU time counts to the budget."""
        env = dict(os.environ, CVOM_DB=os.path.join(self.dir, 'cvom.db'), NO_COLOR='1')
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            r = subprocess.run([CVOM] + list(args), cwd=self.dir, env=env,
                               capture_output=True, timeout=HANG)
        except subprocess.TimeoutExpired:
            self.problems.append('cvom %s: still running after %d s' % (' '.join(args), HANG))
            return None
        finally:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            self.spent += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        r.out = r.stdout.decode('utf-8', 'replace')
        r.err = r.stderr.decode('utf-8', 'replace')
        return r

    def expect_error(self, r, code, fname, line, col, message):
        """Exit code and the first error line 'cvom: FILE:LINE:COL: message…' (an import
        prints the column mapping it used beside it, and may add advice after the message)."""
        if r is None:
            return
        self.check(r.returncode == code, 'exit code %d, expected %d (stderr %r)'
                   % (r.returncode, code, r.err[:300]))
        lines = [ln for ln in r.err.splitlines() if ln.startswith('cvom: ')]
        first = lines[0] if lines else ''
        want = 'cvom: %s:%d:%d: %s' % (fname, line, col, message)
        self.check(first.startswith(want), 'message %r, expected %r' % (first[:300], want))

    def expect_ok(self, r):
        if r is None:
            return False
        return self.check(r.returncode == 0, 'exit code %d, expected 0 (stderr %r)'
                          % (r.returncode, r.err[:300]))


def case(fn):
    """Run one case in a fresh directory and print its line."""
    with tempfile.TemporaryDirectory(prefix='cvom-patho-') as d:
        c = Case(fn.__name__, d)
        try:
            fn(c)
        except Exception as e:  # a broken case is a failure, not a crash of the script
            c.problems.append('exception: %r' % e)
        if c.spent > BUDGET:
            c.problems.append('took %.2f s of CPU, over the %.0f s budget' % (c.spent, BUDGET))
        print('%-4s %6.2f s CPU  %s' % ('ok' if not c.problems else 'FAIL', c.spent, c.name))
        for p in c.problems:
            print('         ' + p)
            failures.append('%s: %s' % (c.name, p))
        sys.stdout.flush()


def rows_of(r):
    return r.out.splitlines() if r is not None else []


# ---- the cases -------------------------------------------------------------------------

def fields_100k(c):
    """A row of 100,000 fields: the field-count bound, at the 513th field (column 1025)."""
    f = c.write('wide.csv', HEADER + ','.join(['x'] * 100000) + '\n')
    c.expect_error(c.run('score', '--input', f), 3, f, 2, 1025, 'more than 512 fields in a row')
    f = c.write('wide_accounts.csv',
                'Account ID,Account Name\n' + ','.join(['x'] * 100000) + '\n')
    r = c.run('import', 'accounts', f)
    c.expect_error(r, 3, f, 2, 1025, 'more than 512 fields in a row')


def quoted_field_2mib(c):
    """One quoted field of 2 MiB: the row passes its 1 MiB bound before the field ends, so
    the row limit is reported at the row's start; a 100 KB field gets the field limit."""
    f = c.write('bigq.csv', HEADER + 'A1,R1,INT01,"' + 'x' * (2 << 20) + '"\n')
    c.expect_error(c.run('score', '--input', f), 3, f, 2, 1, 'row longer than 1048576 bytes')
    f = c.write('midq.csv', HEADER + 'A1,R1,"' + 'x' * 100000 + '",5\n')
    c.expect_error(c.run('score', '--input', f), 3, f, 2, 7, 'field longer than 65536 bytes')


def blank_lines_200k(c):
    """200,000 blank lines, LF and CRLF: nothing but them is an empty file; between the
    header and the rows they only move the line numbers."""
    f = c.write('blank.csv', '\n\r\n' * 100000)
    r = c.run('score', '--input', f)
    c.check(r is not None and r.returncode == 3 and r.err.startswith('cvom: %s:1:1: ' % f),
            'only blank lines: %r' % (r.err[:200] if r else None))
    blanks = '\n\r\n' * 100000
    f = c.write('blank_rows.csv', HEADER + blanks + 'ACME,R1,INT01,5\n')
    r = c.run('score', '--input', f)
    if c.expect_ok(r):
        c.check(len(rows_of(r)) == 2 and rows_of(r)[1].startswith('ACME,'),
                'one account expected: %r' % r.out[:300])
    f = c.write('blank_bad.csv', HEADER + blanks + 'ACME,R1,INT01,5\nACME,R1,INT02,9\n')
    c.expect_error(c.run('score', '--input', f), 3, f, 200003, 15,
                   "'9' is not a score on INT02's scale 1..7")


def only_quotes(c):
    """Files of nothing but quotes: an odd count never closes, an even count closes one
    long field, a longer run passes the row bound first."""
    f = c.write('q_odd.csv', '"' * 999999)
    c.expect_error(c.run('score', '--input', f), 3, f, 1, 1, 'unterminated quoted field')
    f = c.write('q_even.csv', '"' * 1000000)
    c.expect_error(c.run('score', '--input', f), 3, f, 1, 1, 'field longer than 65536 bytes')
    f = c.write('q_long.csv', '"' * (3 << 20))
    c.expect_error(c.run('score', '--input', f), 3, f, 1, 1, 'row longer than 1048576 bytes')
    f = c.write('q_import.csv', '"' * 999999)
    c.expect_error(c.run('import', 'accounts', f), 3, f, 1, 1, 'unterminated quoted field')


def crlf_cr_mixes(c):
    """Long runs of CRLF and LF blank lines, CR and CRLF kept inside quotes, then a lone CR:
    the reader keeps counting lines exactly."""
    lead = HEADER.replace('\n', '\r\n') + '\r\n\n' * 50000  # header on line 1, blanks to 100001
    quoted = '"X\r\r\nY\r\n\rZ",R1,INT01,5\r\n'  # lines 100003-100005
    good = lead + 'ACME,R1,INT01,5\r\n' + quoted
    f = c.write('crlf_ok.csv', good)
    r = c.run('score', '--input', f)
    if c.expect_ok(r):
        c.check(r.stdout.count(b'\n') == 5 and b'"X\r\r\nY\r\n\rZ"' in r.stdout,
                'two accounts, the second with CR and LF kept: %r' % r.stdout[-200:])
    f = c.write('crlf_bad.csv', good + 'ACME,R2,INT01,4\rACME,R2,INT02,4\r\n')
    c.expect_error(c.run('score', '--input', f), 3, f, 100006, 16,
                   'carriage return without line feed')
    f = c.write('cr_run.csv', HEADER + 'ACME,R1,INT01,5' + '\r' * 100000 + '\n')
    c.expect_error(c.run('score', '--input', f), 3, f, 2, 16, 'carriage return without line feed')


ITEMS = ['INT01', 'INT02', 'INT03', 'EMO01', 'EMO02', 'EMO03']


def respondents_20k(c):
    """One account with 20,000 respondents: past the short list of respondents an account
    keeps before it indexes them. Grouped and interleaved orders give the same one row,
    with the means computed here."""
    grouped = [HEADER]
    for r in range(20000):
        for k, it in enumerate(ITEMS):
            grouped.append('ACME,R%05d,%s,%d\n' % (r, it, 1 + (r + k) % 7))
    interleaved = [HEADER]
    for k, it in enumerate(ITEMS):
        for r in range(20000):
            interleaved.append('ACME,R%05d,%s,%d\n' % (r, it, 1 + (r + k) % 7))
    a = c.run('score', '--input', c.write('grouped.csv', ''.join(grouped)))
    b = c.run('score', '--input', c.write('interleaved.csv', ''.join(interleaved)))
    if c.expect_ok(a) and c.expect_ok(b):
        lines = rows_of(a)
        c.check(len(lines) == 2 and lines[0] == SCORE_HEADER, 'one row: %r' % a.out[:300])
        want = [sum(sum(100 * ((r + k) % 7) / 6 for k in ks) / 3 for r in range(20000)) / 20000
                for ks in (range(3), range(3, 6))]
        got = lines[1].split(',') if len(lines) == 2 else []
        c.check(len(got) == 9 and abs(float(got[1]) - want[0]) < 2e-6
                and abs(float(got[2]) - want[1]) < 2e-6,
                'scores %r, expected %.6f and %.6f' % (got[1:3], want[0], want[1]))
        c.check(a.out == b.out, 'grouped and interleaved orders differ')


def accounts_50k(c):
    """50,000 accounts with one respondent each: one row per account, in order."""
    body = HEADER + ''.join('A%05d,R1,INT01,%d\n' % (a, 1 + a % 7) for a in range(50000))
    r = c.run('score', '--input', c.write('accounts.csv', body))
    if c.expect_ok(r):
        lines = rows_of(r)
        c.check(len(lines) == 50001, '%d lines' % len(lines))
        c.check(all(lines[i + 1].startswith('A%05d,' % i) for i in (0, 1, 24999, 49999)),
                'accounts out of order')
        c.check(lines[1].endswith(',insufficient'), 'one answer is not enough: %r' % lines[1])


def empty_and_header_only(c):
    """A 0-byte file is an error naming the file; a header alone scores nothing."""
    f = c.write('empty.csv', '')
    r = c.run('score', '--input', f)
    c.check(r is not None and r.returncode == 3 and r.err.startswith('cvom: %s:1:1: ' % f),
            'empty file: %r' % (r.err[:200] if r else None))
    r = c.run('import', 'accounts', f)
    c.check(r is not None and r.returncode == 3 and r.err.startswith('cvom: %s:1:1: ' % f),
            'empty import: %r' % (r.err[:200] if r else None))
    f = c.write('header.csv', HEADER)
    r = c.run('score', '--input', f)
    if c.expect_ok(r):
        c.check(rows_of(r) == [SCORE_HEADER], 'header only: %r' % r.out[:300])
    r = c.run('import', 'accounts', c.write('acc_header.csv', 'Account ID,Account Name\r\n'))
    c.expect_ok(r)


def line_10mb(c):
    """A 10 MB line without a line end: the row bound, at once, not after reading it all."""
    f = c.write('long.csv', 'x' * 10000000)
    c.expect_error(c.run('score', '--input', f), 3, f, 1, 1, 'row longer than 1048576 bytes')
    f = c.write('long_rows.csv', HEADER + 'A1,R1,INT01,' + '5' * 10000000)
    c.expect_error(c.run('score', '--input', f), 3, f, 2, 1, 'row longer than 1048576 bytes')


def invalid_utf8_account(c):
    """Invalid UTF-8 in an account id: reported at the first byte that does not decode."""
    f = c.write('bad8.csv', HEADER.encode() + b'Ac\xffme,R1,INT01,5\n')
    c.expect_error(c.run('score', '--input', f), 3, f, 2, 3, 'invalid UTF-8 byte sequence')
    # after a multi-byte character the column counts characters, not bytes
    f = c.write('bad8b.csv', HEADER.encode() + b'ACME,R1,INT01,5\n\xc3\xa9t\xc3\xa9\xe2\x82,R1,INT01,5\n')
    c.expect_error(c.run('score', '--input', f), 3, f, 3, 4, 'invalid UTF-8 byte sequence')
    f = c.write('bad8_accounts.csv', b'Account ID,Account Name\nX1,Caf\xe9\n')
    c.expect_error(c.run('import', 'accounts', f), 3, f, 2, 7, 'invalid UTF-8 byte sequence')


def import_5000_last_bad(c):
    """5,000 rows whose last is bad: nothing is imported. The same rows without it are."""
    rows = ['Account ID,Account Name,Annual Revenue\n']
    rows += ['X%04d,Account %d,%d\n' % (i, i, i * 10) for i in range(4999)]
    f = c.write('accounts.csv', ''.join(rows) + 'X9999,Bad Account,lots\n')
    r = c.run('import', 'accounts', f)
    c.expect_error(r, 3, f, 5001, 19, "revenue: 'lots' is not a number from 0 to 1000000000000000")
    r = c.run('account', 'list', '--format', 'csv')
    if c.expect_ok(r):
        c.check(rows_of(r) == [ACCOUNT_HEADER], 'after a failed import: %r' % r.out[:300])
    r = c.run('import', 'accounts', c.write('good.csv', ''.join(rows)), '--quiet')
    if c.expect_ok(r):
        r = c.run('account', 'list', '--format', 'csv')
        c.check(r is not None and len(rows_of(r)) == 5000, 'the 4,999 good rows are imported')


def two_threads(c):
    """The two-reader path (--threads 2) gives what one pass gives: the same rows, the same
    first error, also when a quoted field or a duplicate answer straddles the split."""
    rows = ['A%04d,R1,%s,%d\n' % (a, it, 1 + a % 7) for a in range(3000) for it in ITEMS]
    n = len(rows)
    variants = {'plain.csv': rows[:],
                'dup.csv': rows + ['A0000,R1,INT01,3\n'],
                'late.csv': rows[:n * 3 // 4] + ['A2250,R1,INT01,8\n'] + rows[n * 3 // 4 + 1:],
                # 20 KB of quoted lines around the middle, where the file is split
                'quoted.csv': rows[:n // 2] + ['"' + 'line\n' * 4000 + '",R1,INT01,4\n']
                + rows[n // 2:]}
    for name, body in variants.items():
        f = c.write(name, HEADER + ''.join(body))
        one = c.run('score', '--input', f, '--threads', '1')
        two = c.run('score', '--input', f, '--threads', '2')
        if one is None or two is None:
            return
        c.check((one.returncode, one.out, one.err) == (two.returncode, two.out, two.err),
                '%s: one pass and two threads differ: %r / %r' % (name, one.err, two.err))
    c.check(one.returncode == 0, 'the quoted id file scores')
    # A row starting with U+FEFF right after the split: for the second reader it is data
    # in the middle of the file, not a byte-order mark to drop.
    text = HEADER + ''.join(rows)
    at = text.index('\n', len(text.encode()) // 2) + 1
    body = (text[:at] + '\ufeff' + text[at:]).encode('utf-8')
    f = c.write('bom_at_split.csv', body)
    one = c.run('score', '--input', f, '--threads', '1')
    two = c.run('score', '--input', f, '--threads', '2')
    if one is not None and two is not None:
        c.check(one.returncode == 0 and one.out == two.out and '\ufeffA' in one.out,
                'BOM at the split: one pass and two threads differ')


CASES = [fields_100k, quoted_field_2mib, blank_lines_200k, only_quotes, crlf_cr_mixes,
         respondents_20k, accounts_50k, empty_and_header_only, line_10mb, invalid_utf8_account,
         import_5000_last_bad, two_threads]

t_all = time.monotonic()
for fn in CASES:
    case(fn)
print('%d cases, %d failures, %.2f s' % (len(CASES), len(failures), time.monotonic() - t_all))
sys.exit(1 if failures else 0)
