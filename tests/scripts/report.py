#!/usr/bin/env python3
"""The portfolio report and the account one-pager, read back by independent tools: the XLSX
with openpyxl (Debian's python3-openpyxl), the HTML with html.parser, the PDF with poppler's
pdfinfo and pdftotext, the PNG from its own header. Every figure is compared with what
`cvom export` says on the same dates. Formula injection: text a spreadsheet would run is
neutralised in CSV and XLSX. A missing output directory fails and leaves nothing behind."""
import csv
import datetime
import html.parser
import io
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import need  # noqa: E402

openpyxl = need.module('report', 'openpyxl', 'python3-openpyxl')
need.program('report', 'pdfinfo', 'poppler-utils')
need.program('report', 'pdftotext', 'poppler-utils')
CVOM = os.path.abspath(sys.argv[1])
AS_OF, SINCE = '2026-10-31', '2026-04-30'  # the demo's waves are 2026-04-15 and 2026-10-15
SHEETS = ['Summary', 'Movers', 'Borderline', 'Stale', 'Insufficient evidence', 'Transitions',
          'Sliding towards Transactional', 'Over-served', 'Partnerships at risk',
          'Partnership health', 'Signals', 'Groups', 'Accounts']
SECTIONS = {'summary', 'movers', 'borderline', 'stale', 'insufficient', 'transitions', 'sliding',
            'overserved', 'at_risk', 'health', 'signals', 'groups', 'accounts'}
DISCOUNTER = 'Stack & Save Discount Stores'  # the demo's over-served account
EXPORT_HEADERS = ['Account ID', 'External ID', 'Account', 'Owner', 'Revenue', 'Intellectual',
                  'Emotional', 'Intellectual low', 'Intellectual high', 'Emotional low',
                  'Emotional high', 'Quadrant', 'State', 'Respondents', 'Last assessed', 'Stale']
NUMERIC = ['account_id', 'revenue', 'intellectual', 'emotional', 'intellectual_lo',
           'intellectual_hi', 'emotional_lo', 'emotional_hi', 'respondents']
TITLES = {'transactional': 'Transactional', 'intellectual': 'Intellectual',
          'emotional': 'Emotional', 'partnership': 'Partnership'}


def environment(d):
    # Fontconfig keeps its caches for the life of the process; under LeakSanitizer that is
    # not a leak of ours.
    supp = os.path.join(d, 'lsan.supp')
    with open(supp, 'w') as f:
        f.write('leak:libfontconfig.so\n')
    env = dict(os.environ, NO_COLOR='1')
    opts = env.get('LSAN_OPTIONS', '')
    env['LSAN_OPTIONS'] = (opts + ':' if opts else '') + 'suppressions=' + supp + \
        ':print_suppressions=0'
    return env


def run(d, db, *args, ok=True):
    p = subprocess.run([CVOM, '--db', os.path.join(d, db)] + list(args), cwd=d,
                       capture_output=True, env=ENV)
    if ok:
        assert p.returncode == 0, '%s: %s' % (args, p.stderr.decode())
    return p


def text(d, db, *args):
    return run(d, db, *args).stdout.decode()


def rows(s):
    return list(csv.DictReader(io.StringIO(s)))


def export(d, db, as_of):
    """The accounts as stored: --raw, so that names are not guarded for spreadsheets."""
    return rows(text(d, db, '--raw', 'export', '--format', 'csv', '--as-of', as_of))


def num(s):
    return None if s == '' else float(s)


def placed(a):
    return a['state'] != 'insufficient'


# ---- what the report must say, worked out from `cvom export` alone ------------------------

def expected(now, before, as_of):
    prev = {a['account_id']: a for a in before}
    movers = {a['account_id'] for a in now if placed(a) and a['account_id'] in prev
              and placed(prev[a['account_id']]) and a['quadrant'] != prev[a['account_id']]['quadrant']}
    return {
        'count': {q: sum(1 for a in now if placed(a) and a['quadrant'] == q) for q in TITLES},
        'revenue': {q: sum(float(a['revenue']) for a in now if placed(a) and a['quadrant'] == q)
                    for q in TITLES},
        'movers': movers,
        'borderline': {a['account_id'] for a in now if a['state'] == 'borderline'},
        'stale': {a['account_id'] for a in now if a['stale'] == 'yes'},
        'insufficient': {a['account_id'] for a in now if not placed(a)},
    }


def check_json(doc, now, before):
    exp = expected(now, before, AS_OF)
    assert doc['as_of'] == AS_OF and doc['since'] == SINCE, (doc['as_of'], doc['since'])
    assert doc['accounts_total'] == len(now) and doc['placed'] == sum(map(placed, now))
    # The accounts section is the export, value for value.
    assert len(doc['accounts']) == len(now)
    for got, want in zip(doc['accounts'], now):
        assert list(got.keys()) == list(want.keys()), (list(got.keys()), list(want.keys()))
        for k, v in want.items():
            if k in NUMERIC:
                assert got[k] == num(v), (want['name'], k, got[k], v)
            elif k == 'quadrant' and v == '':
                # Not placed: no quadrant, which JSON says with null, never "".
                assert got[k] is None, (want['name'], k, got[k])
            else:
                assert got[k] == v, (want['name'], k, got[k], v)
    summary = {r['quadrant'] or r['state']: r for r in doc['summary']}
    for q in TITLES:
        assert summary[q]['accounts'] == exp['count'][q], (q, summary[q], exp['count'][q])
        assert abs(summary[q]['revenue'] - exp['revenue'][q]) < 0.005, q
    assert summary['insufficient']['accounts'] == len(exp['insufficient'])
    assert sum(summary[q]['accounts'] for q in TITLES) == doc['placed']
    assert abs(sum(r['share_accounts'] for r in doc['summary']) - 1) < 0.001
    for section in ('movers', 'borderline', 'stale', 'insufficient'):
        ids = {str(r['account_id']) for r in doc[section]}
        assert ids == exp[section], (section, sorted(ids), sorted(exp[section]))
        revenues = [r['revenue'] for r in doc[section]]
        assert revenues == sorted(revenues, reverse=True), section
    prev = {a['account_id']: a for a in before}
    for m in doc['movers']:
        was = prev[str(m['account_id'])]
        assert m['from_quadrant'] == was['quadrant'] and m['quadrant'] != was['quadrant']
        for axis in ('intellectual', 'emotional'):
            assert m[axis + '_before'] == float(was[axis])
            assert abs(m[axis + '_change'] - (m[axis] - m[axis + '_before'])) < 0.0101
    for b in doc['borderline']:
        crossing = [axis for axis in ('intellectual', 'emotional')
                    if b[axis + '_lo'] <= 50 <= b[axis + '_hi']]
        assert b['borderline_axes'] == ('both' if len(crossing) == 2 else crossing[0]), b
    return exp


def check_signals(d, db, doc, now):
    """The signals section against every account's explanation, averaged here."""
    seen = {}
    for a in now:
        ex = json.loads(text(d, db, 'explain', a['account_id'], '--as-of', AS_OF, '--format',
                             'json'))
        for g in ex['signals']:
            if g['counted']:
                seen.setdefault(g['name'], []).append((g['score'], g['contribution']))
    defs = json.loads(text(d, db, 'signal', 'list', '--format', 'json'))
    assert [g['signal'] for g in doc['signals']] == [g['name'] for g in defs], doc['signals']
    assert doc['survey_weight'] == 1
    for g in doc['signals']:
        got = seen.get(g['signal'], [])
        assert g['accounts'] == len(got), (g['signal'], g['accounts'], len(got))
        if got:
            assert abs(g['mean_score'] - sum(x for x, _ in got) / len(got)) < 0.006, g
            assert abs(g['mean_points'] - sum(y for _, y in got) / len(got)) < 0.006, g
    assert sum(g['accounts'] for g in doc['signals']) > 300


def check_groups(d, db, doc, owner=None):
    """The groups section: each account with accounts below it, as `cvom matrix --groups`
    rolls it up over all its members, with the split of `cvom explain`; largest revenue
    first. With an owner filter, the groups of that owner's top accounts only."""
    args = ['matrix', '--groups', '--as-of', AS_OF, '--format', 'json']
    tops = [g for g in json.loads(text(d, db, *args, *(['--owner', owner] if owner else [])))
            if g['members'] > 1]
    assert tops or owner, 'the demo has groups'
    got = {g['account_id']: g for g in doc['groups']}
    assert set(got) == {g['account_id'] for g in tops}, (sorted(got), tops)
    for want in tops:
        g = got[want['account_id']]
        for k in ('name', 'owner', 'revenue', 'intellectual', 'emotional', 'quadrant', 'state',
                  'members'):
            assert g[k] == want[k], (k, g[k], want[k])
        ex = json.loads(text(d, db, 'explain', str(g['account_id']), '--as-of', AS_OF,
                             '--format', 'json'))['group']
        assert g['placed'] == ex['placed'] and g['weights'] == ex['weights'], (g, ex)
        titles = ', '.join(TITLES[q] for q in ex['split_quadrants']) if ex['split'] else ''
        assert (g['split'] or '') == titles, (g['split'], titles)
    revenues = [g['revenue'] for g in doc['groups']]
    assert revenues == sorted(revenues, reverse=True), revenues


def check_analytics(d, db, doc, now):
    """The analytics sections against the commands that compute the same things alone."""
    check_signals(d, db, doc, now)
    by_id = {a['account_id']: a for a in now}
    # Migration: the report's period, as `cvom compare` sees it.
    cmp = json.loads(text(d, db, 'compare', '--from', SINCE, '--to', AS_OF, '--format', 'json'))
    assert doc['migration'] is True and len(doc['transitions']) == 25
    got = {(t['from_quadrant'] or None, t['quadrant'] or None): (t['accounts'], t['revenue'])
           for t in doc['transitions']}
    want = {(t['from_quadrant'], t['quadrant']): (t['accounts'], t['revenue'])
            for t in cmp['transitions']}
    assert got == want, (got, want)
    assert sum(t['accounts'] for t in doc['transitions']) == doc['accounts_total']
    assert [r['account_id'] for r in doc['sliding']] == \
        [r['account_id'] for r in cmp['sliding']], (doc['sliding'], cmp['sliding'])
    assert {r['account_id'] for r in doc['movers']} == {r['account_id'] for r in cmp['movers']}
    for r in doc['sliding']:
        assert r['entered'] in ('yes', 'no') and (r['entered'] == 'yes' or r['fall'] >= 10), r
    assert any(r['entered'] == 'yes' for r in doc['sliding']), doc['sliding']
    # Over-serving under the stored share: the discount retailer first, 134 000 of 152 000.
    ov = json.loads(text(d, db, 'overserved', '--as-of', AS_OF, '--format', 'json'))
    assert doc['overserved_share'] == 0.25 == ov['overserved_share']
    assert [r['account_id'] for r in doc['overserved']] == \
        [r['account_id'] for r in ov['accounts']], (doc['overserved'], ov['accounts'])
    first = doc['overserved'][0]
    assert first['name'] == DISCOUNTER, first
    assert first['unvalued_cost'] == 134000 and first['total_cost'] == 152000, first
    assert first['unvalued_share'] == 0.8816, first
    assert first['offerings'] == 'AD-SUPPORT E-TAGGING LOCAL-MKT MERCH', first
    assert first['quadrant'] == by_id[str(first['account_id'])]['quadrant']
    assert doc['rated_accounts'] == ov['portfolio']['rated_accounts']
    assert abs(doc['unvalued_cost'] - ov['portfolio']['unvalued_cost']) < 0.005
    # Alignment: the partnerships `cvom align` says are at risk, least aligned first.
    al = json.loads(text(d, db, 'align', '--as-of', AS_OF, '--format', 'json'))
    risky = [r for r in al if r['at_risk'] == 'yes']
    assert risky, 'the demo has partnerships at risk'
    assert [r['account_id'] for r in doc['at_risk']] == [r['account_id'] for r in risky]
    for got_r, want_r in zip(doc['at_risk'], risky):
        assert got_r['tau_b'] == want_r['tau_b'] and got_r['common'] == want_r['common']
        assert got_r['quadrant'] == 'partnership' and got_r['tau_b'] < 0.3, got_r
    assert doc['ranked_accounts'] == len(al) and doc['our_ranking'] is True
    # Partnership health where it is known, weakest first, as `cvom pillars` scores it.
    pil = {r['account_id']: r for r in json.loads(text(d, db, 'pillars', '--as-of', AS_OF,
                                                       '--format', 'json'))}
    known = {i for i, r in pil.items() if r['state'] == 'ok'}
    assert known and {r['account_id'] for r in doc['health']} == known
    for r in doc['health']:
        p = pil[r['account_id']]
        for k in ('passion', 'resonance', 'security', 'creativity', 'trust', 'health',
                  'capped', 'weakest'):
            assert r[k] == p[k], (r['name'], k, r[k], p[k])
    healths = [r['health'] for r in doc['health']]
    assert healths == sorted(healths), healths
    return first


def check_csv(table, now, doc):
    header = table[0].keys()
    assert list(header)[0] == 'section'
    by_section = {}
    for r in table:
        by_section.setdefault(r['section'], []).append(r)
    assert set(by_section) <= SECTIONS, set(by_section)
    accounts = by_section['accounts']
    assert len(accounts) == len(now)
    for got, want in zip(accounts, now):
        for k, v in want.items():
            assert got[k] == v, (k, got[k], v)
    for section in SECTIONS - {'summary', 'accounts'}:
        assert len(by_section.get(section, [])) == len(doc[section]), section
    assert len(by_section['summary']) == 5
    # The analytics rows carry the JSON's values as text.
    disc = [r for r in by_section['overserved'] if r['name'] == DISCOUNTER]
    assert disc and disc[0]['unvalued_cost'] == '134000.00' and \
        disc[0]['total_cost'] == '152000.00' and disc[0]['unvalued_share'] == '0.8816', disc
    cells = {(r['from_quadrant'], r['quadrant']): int(r['accounts'])
             for r in by_section['transitions']}
    # Not placed: empty in CSV, null in JSON.
    want = {(t['from_quadrant'] or '', t['quadrant'] or ''): t['accounts']
            for t in doc['transitions']}
    assert cells == want, (cells, want)


def check_deflate_level(path):
    """libxlsxwriter deflates at zlib's default level, which cvom makes level 1
    (src/cli/zlib_level.c): each deflated part of the workbook is, byte for byte, what zlib
    makes of its content at level 1 (raw deflate, as in a zip)."""
    parts = 0
    with zipfile.ZipFile(path) as z, open(path, 'rb') as f:
        for info in z.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED:
                continue
            f.seek(info.header_offset + 26)
            name_len, extra_len = struct.unpack('<HH', f.read(4))
            f.seek(info.header_offset + 30 + name_len + extra_len)
            stored = f.read(info.compress_size)
            packer = zlib.compressobj(1, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY)
            level1 = packer.compress(z.read(info)) + packer.flush()
            assert stored == level1, (info.filename, len(stored), len(level1))
            parts += 1
    assert parts > 10, parts


def check_xlsx(path, now, exp):
    wb = openpyxl.load_workbook(path)
    for name in SHEETS:
        assert name in wb.sheetnames, (name, wb.sheetnames)
    for name in SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == 'A2', (name, ws.freeze_panes)
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith('A1:'), (name,
                                                                            ws.auto_filter.ref)
        for cell in ws[1]:
            if cell.value is not None:
                assert cell.font.b, (name, cell.value)
    acc = wb['Accounts']
    header = [c.value for c in acc[1]]
    assert header == EXPORT_HEADERS, header
    by_id = {a['account_id']: a for a in now}
    seen = 0
    for r in acc.iter_rows(min_row=2):
        want = by_id[str(r[0].value)]
        for col, key in zip(r, want.keys()):
            v = want[key]
            if key == 'last_assessed':
                got = col.value.date().isoformat() if col.value is not None else ''
                assert got == v, (want['name'], key, got, v)
                assert col.number_format == 'yyyy-mm-dd'
            elif key in NUMERIC:
                if v == '':
                    assert col.value is None, (want['name'], key, col.value)
                    continue
                assert col.data_type == 'n' and isinstance(col.value, (int, float)), \
                    (want['name'], key, col.value, col.data_type)
                assert col.value == float(v), (want['name'], key, col.value, v)
            else:
                assert (col.value or '') == v, (want['name'], key, col.value, v)
        seen += 1
    assert seen == len(now), (seen, len(now))
    summary = {r[0].value: r for r in wb['Summary'].iter_rows(min_row=2, max_row=6)}
    for q, title in TITLES.items():
        assert summary[title][1].value == exp['count'][q], (q, summary[title][1].value)
        assert summary[title][1].data_type == 'n'
    placed_now = sum(1 for a in now if placed(a))
    assert sum(summary[t][1].value for t in TITLES.values()) == placed_now
    assert summary['Insufficient evidence'][1].value == len(exp['insufficient'])
    for name, key in (('Movers', 'movers'), ('Borderline', 'borderline'), ('Stale', 'stale'),
                      ('Insufficient evidence', 'insufficient')):
        ids = {str(r[0].value) for r in wb[name].iter_rows(min_row=2) if r[0].value is not None}
        assert ids == exp[key], (name, ids, exp[key])
    # The analytics sheets: numbers as numbers with their formats.
    ws = wb['Over-served']
    head = [c.value for c in ws[1]]
    assert head[:4] == ['Account ID', 'External ID', 'Account', 'Owner'], head
    row = [r for r in ws.iter_rows(min_row=2) if r[2].value == DISCOUNTER]
    assert row, 'the discount retailer is on the Over-served sheet'
    cells = dict(zip(head, row[0]))
    assert cells['Unvalued cost'].value == 134000 and cells['Unvalued cost'].data_type == 'n'
    assert cells['Cost to serve'].value == 152000 and cells['Cost to serve'].number_format == '#,##0'
    assert cells['Unvalued share'].number_format == '0.0%' and \
        abs(cells['Unvalued share'].value - 0.8816) < 1e-9
    ws = wb['Partnerships at risk']
    head = [c.value for c in ws[1]]
    taus = [r[head.index('Alignment (tau-b)')] for r in ws.iter_rows(min_row=2)]
    assert taus and all(c.number_format == '0.000' and c.value < 0.3 for c in taus), taus
    ws = wb['Transitions']
    counts = [r[2].value for r in ws.iter_rows(min_row=2)]
    assert len(counts) == 25 and sum(counts) == len(now), counts
    # The native chart: openpyxl sees it on the summary sheet, and the package holds it with
    # one series per quadrant that has accounts, plus the two threshold lines.
    assert len(wb['Summary']._charts) == 1
    with zipfile.ZipFile(path) as z:
        chart = z.read('xl/charts/chart1.xml').decode()
    assert '<c:scatterChart>' in chart
    quadrants = sum(1 for q in TITLES if exp['count'][q])
    assert chart.count('<c:ser>') == quadrants + 2, chart.count('<c:ser>')
    for title in TITLES.values():
        if exp['count'][title.lower()]:
            assert '<c:v>%s</c:v>' % title in chart, title


class Page(html.parser.HTMLParser):
    """Collects the text, checks that elements nest and close, and notes every address the
    page would fetch."""
    VOID = {'meta', 'link', 'br', 'img', 'hr', 'input', 'source', 'col', 'wbr'}

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.problems, self.fetches, self.tags = [], [], [], [], set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            if k in ('src', 'href', 'xlink:href', 'action', 'srcset', 'poster', 'data') and v \
                    and not v.startswith('#') and not v.startswith('data:'):
                self.fetches.append((tag, k, v))
            if k == 'style' and v and 'url(' in v:
                self.fetches.append((tag, k, v))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append('</%s> closes %s' % (tag, self.stack[-1:]))
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == 'style':
            if re.search(r'url\(|@import', data):
                self.fetches.append(('style', 'css', data[:80]))
            return
        self.text.append(data)


def check_html(page_text, now):
    p = Page()
    p.feed(page_text)
    p.close()
    assert not p.problems, p.problems[:5]
    assert not p.stack, p.stack
    assert not p.fetches, p.fetches[:5]
    assert 'svg' in p.tags and '<svg' in page_text
    assert 'script' not in p.tags
    assert page_text.startswith('<!DOCTYPE html>')
    assert '<?xml' not in page_text
    body = ' '.join(p.text)
    for a in now:
        assert a['name'] in body, a['name']
    for heading in ('Summary', 'Movers since ' + SINCE, 'Borderline', 'Stale',
                    'Insufficient evidence', 'Transitions since ' + SINCE,
                    'Sliding towards Transactional since ' + SINCE, 'Over-served',
                    'Partnerships at risk', 'Partnership health', 'Groups', 'Accounts'):
        assert heading in body, heading
    assert '@media print' in page_text and 'break-before:page' in page_text
    check_number_columns(page_text)


def check_number_columns(page_text):
    """Number cells carry no class: each table's number columns are right-aligned by one rule
    in the head, by position. Those positions must be exactly the columns whose heading is
    marked as a number, in every section's table (the transitions have classes of their
    own)."""
    style = page_text.split('<style>', 1)[1].split('</style>', 1)[0]
    rule = re.search(r'((?:#\w+ td:nth-child\(\d+\),?)+)\{text-align:right', style)
    assert rule, 'no rule aligns the number columns'
    aligned = {}
    for key, n in re.findall(r'#(\w+) td:nth-child\((\d+)\)', rule.group(1)):
        aligned.setdefault(key, set()).add(int(n))
    tables = 0
    for key, body in re.findall(r'<section id="(\w+)">(.*?)</section>', page_text, re.S):
        head = re.search(r'<thead><tr>(.*?)</tr></thead>', body)
        if key == 'transitions' or not head:
            continue
        cells = re.findall(r'<th scope="col"( class="num")?>', head.group(1))
        numbers = {i + 1 for i, c in enumerate(cells) if c}
        assert aligned.get(key, set()) == numbers, (key, aligned.get(key), numbers)
        tables += 1
        # A data cell is plain, or coloured by the sign of a change.
        for attrs in re.findall(r'<td([^>]*)>', body.split('</thead>', 1)[1]):
            assert attrs in ('', ' class="up"', ' class="down"', ' class="num"'), (key, attrs)
    assert tables >= 2, tables  # the summary and the accounts at least


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    return struct.unpack('>II', head[16:24])


def check_onepager(d, db, name):
    pdf = os.path.join(d, 'one.pdf')
    run(d, db, 'render', 'account', name, '--format', 'pdf', '--out', pdf, '--as-of', AS_OF)
    info = subprocess.run(['pdfinfo', pdf], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r'^Pages:\s+(\d+)$', info, re.M).group(1))
    assert 1 <= pages <= 3, info  # what does not fit goes on; tests/scripts/onepager.py
    size = re.search(r'^Page size:\s+([\d.]+) x ([\d.]+) pts', info, re.M)
    assert abs(float(size.group(1)) - 595.28) < 0.5 and abs(float(size.group(2)) - 841.89) < 0.5
    words = ' '.join(subprocess.run(['pdftotext', pdf, '-'], capture_output=True, text=True,
                                    check=True).stdout.split())
    account = [a for a in export(d, db, AS_OF) if a['name'] == name][0]
    assert name in words, name
    if placed(account):
        assert TITLES[account['quadrant']] in words, account['quadrant']
    people = rows(text(d, db, 'stakeholder', 'list', name, '--format', 'csv'))
    assert people
    for s in people:
        assert s['name'] in words, s['name']
    # The signals blended into a placed axis are named with their points, as explain says.
    ex = json.loads(text(d, db, 'explain', name, '--as-of', AS_OF, '--format', 'json'))
    for g in ex['signals']:
        if g['counted']:
            assert "signals' points" in words, 'the one-pager names its signals'
            assert '%s +%.1f' % (g['name'], g['contribution']) in words, (g['name'], words)
    png = os.path.join(d, 'one.png')
    run(d, db, 'render', 'account', name, '--format', 'png', '--out', png, '--as-of', AS_OF)
    # A4 at 150 dpi, a page tall for every page of the PDF
    assert png_size(png) == (1240, 1754 * pages), (png_size(png), pages)
    run(d, db, 'render', 'account', name, '--out', png, '--dpi', '72', '--as-of', AS_OF)
    assert png_size(png) == (595, 842 * pages), (png_size(png), pages)


def check_nothing_left(d, db):
    missing = os.path.join(d, 'no-such-dir')
    for args in (['report', '--format', 'xlsx', '--out', os.path.join(missing, 'r.xlsx')],
                 ['report', '--format', 'html', '--out', os.path.join(missing, 'r.html')],
                 ['report', '--format', 'csv', '--out', os.path.join(missing, 'r.csv')],
                 ['render', 'account', '1', '--out', os.path.join(missing, 'a.pdf')],
                 ['render', 'account', '1', '--out', os.path.join(missing, 'a.png')]):
        before = sorted(os.listdir(d))
        p = run(d, db, *args, '--as-of', AS_OF, ok=False)
        assert p.returncode != 0, args
        assert not os.path.exists(missing), args
        assert sorted(os.listdir(d)) == before, (args, set(os.listdir(d)) - set(before))
    # XLSX is binary: without --out it is refused, and nothing is written to the terminal.
    p = run(d, db, 'report', '--format', 'xlsx', ok=False)
    assert p.returncode == 2 and not p.stdout, p.returncode


def check_injection(d):
    db = 'inject.db'
    run(d, db, 'init')
    names = ['=HYPERLINK("http://x","y")', '+1+1', '-2', '@SUM(1)', 'Plain & <Simple>']
    for n in names:
        run(d, db, 'account', 'add', '--owner', '=cmd|owner', '--', n)
    table = rows(text(d, db, 'report', '--format', 'csv', '--as-of', AS_OF))
    got = {r['name']: r for r in table if r['section'] == 'accounts'}
    raw = text(d, db, 'report', '--format', 'csv', '--as-of', AS_OF)
    for n in names:
        neutral = "'" + n if n[0] in '=+-@' else n
        assert neutral in got, (n, list(got))
        assert got[neutral]['owner'] == "'=cmd|owner"
    # No field of the raw file starts with a formula character outside a number column.
    for line in csv.reader(io.StringIO(raw)):
        for field in line[1:5]:
            assert not field or field[0] not in '=+-@', line
    path = os.path.join(d, 'inject.xlsx')
    run(d, db, 'report', '--format', 'xlsx', '--out', path, '--as-of', AS_OF)
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    for n in names:
        neutral = "'" + n if n[0] in '=+-@' else n
        hits = [c for c in cells if c.value == neutral]
        assert hits, n
        for c in hits:
            assert c.data_type == 's', (n, c.data_type)
    for c in cells:
        assert c.data_type == 's' and not c.value.startswith(('=', '+', '-', '@')), c.value
    with zipfile.ZipFile(path) as z:
        for f in z.namelist():
            if f.startswith('xl/worksheets/'):
                assert '<f>' not in z.read(f).decode(), f
    page = text(d, db, 'report', '--format', 'html', '--as-of', AS_OF, '--since', SINCE)
    assert 'Plain &amp; &lt;Simple&gt;' in page and '<Simple>' not in page
    check_html(page, export(d, db, AS_OF))


with tempfile.TemporaryDirectory() as d:
    ENV = environment(d)
    run(d, 'demo.db', 'demo')
    now, before = export(d, 'demo.db', AS_OF), export(d, 'demo.db', SINCE)
    dates = ['--as-of', AS_OF, '--since', SINCE]

    doc = json.loads(text(d, 'demo.db', 'report', '--format', 'json', *dates))
    exp = check_json(doc, now, before)
    assert len(exp['movers']) >= 3 and exp['borderline'] and exp['insufficient']
    check_analytics(d, 'demo.db', doc, now)
    check_groups(d, 'demo.db', doc)
    assert any(g['split'] for g in doc['groups']), doc['groups']
    mine = json.loads(text(d, 'demo.db', 'report', '--format', 'json', '--owner', 'Priya Shah',
                           *dates))
    check_groups(d, 'demo.db', mine, 'Priya Shah')

    check_csv(rows(text(d, 'demo.db', 'report', '--format', 'csv', *dates)), now, doc)

    xlsx = os.path.join(d, 'report.xlsx')
    run(d, 'demo.db', 'report', '--format', 'xlsx', '--out', xlsx, *dates)
    check_xlsx(xlsx, now, exp)
    check_deflate_level(xlsx)

    page = os.path.join(d, 'report.html')
    run(d, 'demo.db', 'report', '--format', 'html', '--out', page, *dates)
    with open(page, encoding='utf-8') as f:
        page_text = f.read()
    check_html(page_text, now)
    # The over-served section names the retailer (escaped) with its unvalued cost.
    over = page_text[page_text.index('<section id="overserved">'):]
    over = over[:over.index('</section>')]
    assert 'Stack &amp; Save Discount Stores' in over and '134,000' in over and \
        '152,000' in over and '88.2 %' in over, over[:2000]
    trans = page_text[page_text.index('<section id="transitions">'):]
    trans = trans[:trans.index('</section>')]
    assert trans.count('<table') == 2 and 'Not placed' in trans

    # The stored share changes what the report calls over-served.
    run(d, 'demo.db', 'config', 'overserved_share', '0.9')
    strict = json.loads(text(d, 'demo.db', 'report', '--format', 'json', *dates))
    assert strict['overserved_share'] == 0.9
    assert all(r['unvalued_share'] > 0.9 for r in strict['overserved'])
    assert len(strict['overserved']) < len(doc['overserved'])
    run(d, 'demo.db', 'config', 'overserved_share', '0.25')
    # On one day there is nothing to compare: no transitions, no slides.
    same = json.loads(text(d, 'demo.db', 'report', '--format', 'json', '--as-of', AS_OF,
                           '--since', AS_OF))
    assert same['migration'] is False and same['transitions'] == [] and same['sliding'] == []

    # --since defaults to 180 days before --as-of.
    doc2 = json.loads(text(d, 'demo.db', 'report', '--format', 'json', '--as-of', AS_OF))
    assert doc2['since'] == (datetime.date(2026, 10, 31) - datetime.timedelta(180)).isoformat()

    # Half a year on, every assessment is past its validity: the stale section fills.
    later = json.loads(text(d, 'demo.db', 'report', '--format', 'json', '--as-of', '2027-06-01',
                            '--since', AS_OF))
    stale = {a['account_id'] for a in export(d, 'demo.db', '2027-06-01') if a['stale'] == 'yes'}
    assert stale and {str(r['account_id']) for r in later['stale']} == stale
    assert all(r['age_days'] > 180 for r in later['stale'])

    # Filters narrow every section.
    mine = json.loads(text(d, 'demo.db', 'report', '--format', 'json', '--owner', 'Priya Shah',
                           *dates))
    assert mine['accounts'] and all(a['owner'] == 'Priya Shah' for a in mine['accounts'])
    assert mine['filters'] == 'owner = Priya Shah'
    assert len(mine['accounts']) == sum(1 for a in now if a['owner'] == 'Priya Shah')

    check_onepager(d, 'demo.db', 'Stack & Save Discount Stores')
    borderline = [a['name'] for a in now if a['state'] == 'borderline'][0]
    check_onepager(d, 'demo.db', borderline)
    thin = [a['name'] for a in now if a['state'] == 'insufficient'][0]
    check_onepager(d, 'demo.db', thin)
    p = run(d, 'demo.db', 'render', 'account', 'No Such Account', '--out',
            os.path.join(d, 'x.pdf'), ok=False)
    assert p.returncode == 4 and not os.path.exists(os.path.join(d, 'x.pdf'))

    check_nothing_left(d, 'demo.db')
    check_injection(d)
    print('report: %d accounts, %d movers, %d borderline, %d insufficient; one-pagers and '
          'formula injection checked' % (len(now), len(exp['movers']), len(exp['borderline']),
                                          len(exp['insufficient'])))
