#!/usr/bin/python3
"""The web application's downloads against the command line: the matrix picture (PNG, PDF,
SVG), the portfolio report (HTML, XLSX, CSV, JSON) and the account one-pager (PDF, PNG) must
be the documents `cvom render` and `cvom report` make from the same database with the same
options, sent as attachments with the right types. A manager's downloads hold only their own
accounts, another owner's one-pager answers 404, anonymous requests go to the sign-in page,
bad dates get a clean 422, concurrent drawings agree, and a 10,000-account portfolio is still
drawn. Tools: pdfinfo and pdftotext (poppler-utils), openpyxl (python3-openpyxl).
Usage: web_downloads.py PATH/TO/cvom"""
import csv
import html.parser
import io
import json
import os
import random
import re
import struct
import subprocess
import sys
import threading
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'web'))
import harness as H  # noqa: E402
sys.path.insert(0, os.path.join(HERE, '..'))
import need  # noqa: E402

openpyxl = need.module('web_downloads', 'openpyxl', 'python3-openpyxl')
need.program('web_downloads', 'pdfinfo', 'poppler-utils')
need.program('web_downloads', 'pdftotext', 'poppler-utils')

AS_OF, SINCE = '2026-10-31', '2026-04-30'  # the demo's waves are 2026-04-15 and 2026-10-15
SHEETS = ['Summary', 'Movers', 'Borderline', 'Stale', 'Insufficient evidence', 'Accounts']
PNG_SIG = b'\x89PNG\r\n\x1a\n'
PRIYA, SAM = H.USERS['priya'][1], H.USERS['sam'][1]
CK = H.Checks()


def environment():
    """Fontconfig keeps its configuration for the life of a process; LeakSanitizer is told so
    for the server and every command this test starts, as `make check` does."""
    supp = os.path.abspath(os.path.join(HERE, '..', 'lsan.supp'))
    opts = os.environ.get('LSAN_OPTIONS', '')
    if 'suppressions=' not in opts:
        os.environ['LSAN_OPTIONS'] = (opts + ':' if opts else '') + 'suppressions=' + supp + \
            ':print_suppressions=0'


def cli(db, *args):
    """Run cvom; returns (stdout bytes, stderr text)."""
    p = subprocess.run([CVOM, '--db', db] + [str(a) for a in args], capture_output=True,
                       timeout=120)
    if p.returncode != 0:
        raise RuntimeError('cvom %s: %s' % (' '.join(map(str, args)), p.stderr.decode()))
    return p.stdout, p.stderr.decode('utf-8', 'replace')


def cli_file(db, out, *args):
    """Run a cvom command that writes --out FILE; returns (the file's bytes, stderr)."""
    path = os.path.join(TMP, out)
    _, err = cli(db, *args, '--out', path)
    with open(path, 'rb') as f:
        return f.read(), err


def tool(*args, data=None):
    p = subprocess.run(list(args), input=data, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError('%s: %s' % (args, p.stderr.decode('utf-8', 'replace')))
    return p.stdout.decode('utf-8', 'replace')


def pdf_pages(data):
    m = re.search(r'^Pages:\s+(\d+)$', tool('pdfinfo', '-', data=data), re.M)
    return int(m.group(1)) if m else None


def pdf_text(data):
    return ' '.join(tool('pdftotext', '-', '-', data=data).split())


def png_size(data):
    if data[:8] != PNG_SIG or data[12:16] != b'IHDR':
        return None
    return struct.unpack('>II', data[16:24])


def labelled(err):
    """How many labels `cvom render matrix` says found a place."""
    m = re.search(r'(\d+) labelled', err)
    return int(m.group(1)) if m else -1


def same_svg_ids(text):
    """Cairo numbers the surfaces and glyphs of inline SVG per process: compare without them."""
    return re.sub(r'\b(surface|glyph|clip|image|pattern|mask|source)[-0-9]+', r'\1', text)


def disposition(r):
    return r.header('Content-Disposition') or ''


def expect_file(r, what, ctype, filename):
    CK.check(r.status == 200, what + ': status 200', r.status, r.text[:200])
    CK.check((r.header('Content-Type') or '').split(';')[0] == ctype, what + ': Content-Type',
             r.header('Content-Type'))
    CK.check(disposition(r) == 'attachment; filename="%s"' % filename,
             what + ': an attachment named ' + filename, disposition(r))
    CK.check(r.header('X-Content-Type-Options') == 'nosniff', what + ': nosniff')


class Links(html.parser.HTMLParser):
    """The hrefs inside the first element whose class list has `downloads`."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth:
            self.depth += 1
            if tag == 'a':
                self.hrefs.append(a.get('href'))
        elif 'downloads' in (a.get('class') or '').split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def download_links(text):
    p = Links()
    p.feed(text)
    return p.hrefs


def page_accounts(db, *filters):
    """The accounts the matrix page places (the export's rows with a position)."""
    out, _ = cli(db, 'export', '--format', 'csv', '--as-of', AS_OF)
    rows = list(csv.DictReader(io.StringIO(out.decode())))
    return rows, [a for a in rows if a['state'] != 'insufficient' and a['quadrant']]


# ---- the admin's downloads --------------------------------------------------------------------

def test_links(c):
    CK.section('links on the matrix and account pages')
    r = c.get('/?as-of=%s&owner=%s&tag=%s' % (AS_OF, urllib.parse.quote(PRIYA),
                                               urllib.parse.quote('"><b>x')))
    CK.check(r.status == 200, 'matrix page', r.status)
    hrefs = download_links(r.text)
    query = 'owner=Priya%20Shah&tag=%22%3E%3Cb%3Ex&as-of=' + AS_OF
    want = ['/matrix.png', '/matrix.pdf', '/matrix.svg', '/report.html', '/report.xlsx',
            '/report.csv']
    CK.check(hrefs == [p + '?' + query for p in want], 'the Download group carries the filters',
             hrefs)
    CK.check('<b>x' not in r.text and '&amp;as-of=' + AS_OF in r.text,
             'link addresses are URL-encoded and HTML-escaped')
    r = c.get('/')
    CK.check(download_links(r.text) == want, 'without filters the links have no query',
             download_links(r.text))
    r = c.get('/accounts/%d' % FX.own[0])
    CK.check(download_links(r.text) == ['/accounts/%d/onepager.pdf' % FX.own[0],
                                        '/accounts/%d/onepager.png' % FX.own[0]],
             'the account page links its one-pager', download_links(r.text))


def test_pictures(c, db):
    CK.section('matrix pictures')
    rows, placed = page_accounts(db)
    q = '?as-of=' + AS_OF
    r = c.get('/matrix.png' + q)
    expect_file(r, 'PNG', 'image/png', 'cvom-matrix-%s.png' % AS_OF)
    ref, _ = cli_file(db, 'ref.png', 'render', 'matrix', '--to', AS_OF)
    CK.check(png_size(r.body) == (1067, 800), 'PNG: 800 x 600 pt at 96 dpi', png_size(r.body))
    CK.check(r.body == ref, 'PNG: the same bytes as cvom render matrix', len(r.body), len(ref))

    r = c.get('/matrix.pdf' + q)
    expect_file(r, 'PDF', 'application/pdf', 'cvom-matrix-%s.pdf' % AS_OF)
    ref, err = cli_file(db, 'ref.pdf', 'render', 'matrix', '--to', AS_OF)
    text = pdf_text(r.body)
    CK.check(pdf_pages(r.body) == 1, 'PDF: one page')
    CK.check(text == pdf_text(ref), 'PDF: the same text as cvom render matrix')
    found = [a['name'] for a in placed if a['name'] in text]
    CK.check(len(found) == labelled(err) and len(found) >= 30,
             'PDF: the names of the largest accounts on the page', len(found), labelled(err))
    top = max(placed, key=lambda a: float(a['revenue'] or 0))
    CK.check(top['name'] in text, 'PDF: the largest account is named', top['name'])
    CK.check('as of ' + AS_OF in text and '%d accounts' % len(rows) in text, 'PDF: the footer')

    r = c.get('/matrix.svg' + q)
    expect_file(r, 'SVG', 'image/svg+xml', 'cvom-matrix-%s.svg' % AS_OF)
    try:
        root = ET.fromstring(r.body)
        CK.check(root.tag == '{http://www.w3.org/2000/svg}svg', 'SVG: the root is <svg>', root.tag)
        CK.check(root.get('width') == '800pt', 'SVG: 800 pt wide', root.get('width'))
        CK.check(not [e for e in root.iter() if e.tag.endswith('script') or
                      any(k.lower().startswith('on') for k in e.attrib)],
                 'SVG: nothing that runs')
    except ET.ParseError as e:
        CK.check(False, 'SVG parses as XML', e)

    # Trajectory arrows from an earlier date, as --from … --arrows draws them.
    r = c.get('/matrix.pdf?as-of=%s&from=%s' % (AS_OF, SINCE))
    ref, _ = cli_file(db, 'ref-arrows.pdf', 'render', 'matrix', '--to', AS_OF, '--from', SINCE,
                      '--arrows')
    text = pdf_text(r.body)
    CK.check(r.status == 200 and 'compared with ' + SINCE in text, 'arrows: compared with',
             r.status)
    CK.check(text == pdf_text(ref), 'arrows: the same text as --from --arrows')

    # The page's quadrant and industry filters narrow the picture the same way.
    industry = next(a for a in rows if a['state'] != 'insufficient')
    acc = json.loads(cli(db, 'account', 'show', industry['account_id'], '--format',
                         'json')[0])['industry']
    r = c.get('/matrix.pdf?as-of=%s&quadrant=partnership&industry=%s' % (
        AS_OF, urllib.parse.quote(acc)))
    ref, _ = cli_file(db, 'ref-q.pdf', 'render', 'matrix', '--to', AS_OF, '--quadrant',
                      'partnership', '--industry', acc)
    CK.check(r.status == 200 and pdf_text(r.body) == pdf_text(ref),
             'quadrant and industry filters: the same picture as the command line', r.status)


def test_reports(c, db):
    CK.section('reports')
    q = '?as-of=%s&since=%s' % (AS_OF, SINCE)
    dates = ['--as-of', AS_OF, '--since', SINCE]
    r = c.get('/report.csv' + q)
    expect_file(r, 'CSV', 'text/csv', 'cvom-report-%s.csv' % AS_OF)
    ref, _ = cli(db, 'report', '--format', 'csv', *dates)
    CK.check(r.body == ref, 'CSV: the same as cvom report --format csv')
    table = list(csv.DictReader(io.StringIO(r.body.decode())))
    CK.check(sum(t['section'] == 'accounts' for t in table) == 64, 'CSV: every account')

    r = c.get('/report.json' + q)
    expect_file(r, 'JSON', 'application/json', 'cvom-report-%s.json' % AS_OF)
    ref = json.loads(cli(db, 'report', '--format', 'json', *dates)[0])
    doc = r.json() if r.status == 200 else None
    CK.check(doc == ref, 'JSON: the same as cvom report --format json')
    CK.check(doc and doc['as_of'] == AS_OF and doc['since'] == SINCE, 'JSON: the dates')

    r = c.get('/report.json?as-of=' + AS_OF)
    CK.check(r.status == 200 and r.json()['since'] == '2026-05-04',
             'since defaults to 180 days before the as-of date', r.status)

    r = c.get('/report.html' + q)
    expect_file(r, 'HTML', 'text/html', 'cvom-report-%s.html' % AS_OF)
    ref, _ = cli(db, 'report', '--format', 'html', *dates)
    CK.check(same_svg_ids(r.text) == same_svg_ids(ref.decode()),
             'HTML: the same as cvom report --format html')

    r = c.get('/report.xlsx' + q)
    expect_file(r, 'XLSX', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
                'cvom-report-%s.xlsx' % AS_OF)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(r.body))
        CK.check(all(s in wb.sheetnames for s in SHEETS), 'XLSX: the report\'s sheets',
                 wb.sheetnames)
        ids = [str(row[0].value) for row in wb['Accounts'].iter_rows(min_row=2)
               if row[0].value is not None]
        want = [t['account_id'] for t in table if t['section'] == 'accounts']
        CK.check(ids == want, 'XLSX: the accounts of the CSV, in its order')
        movers = {str(row[0].value) for row in wb['Movers'].iter_rows(min_row=2)
                  if row[0].value is not None}
        CK.check(movers == {str(m['account_id']) for m in doc['movers']},
                 'XLSX: the movers of the JSON')
    except Exception as e:  # noqa: BLE001 - any failure to read is the finding
        CK.check(False, 'XLSX opens with openpyxl', e)


def test_onepager(c, db):
    CK.section('one-pagers')
    acc = FX.own[0]
    name = json.loads(cli(db, 'account', 'show', acc, '--format', 'json')[0])['name']
    r = c.get('/accounts/%d/onepager.pdf?as-of=%s' % (acc, AS_OF))
    expect_file(r, 'one-pager PDF', 'application/pdf',
                'cvom-account-%d-%s.pdf' % (acc, AS_OF))
    ref, _ = cli_file(db, 'ref-op.pdf', 'render', 'account', acc, '--as-of', AS_OF)
    pages = pdf_pages(r.body)
    CK.check(pages == pdf_pages(ref) and 1 <= pages <= 3,
             'one-pager PDF: as many pages as cvom render account', pages)
    text = pdf_text(r.body)
    CK.check(name in text and text == pdf_text(ref),
             'one-pager PDF: the same as cvom render account', name)
    r = c.get('/accounts/%d/onepager.png?as-of=%s' % (acc, AS_OF))
    expect_file(r, 'one-pager PNG', 'image/png', 'cvom-account-%d-%s.png' % (acc, AS_OF))
    ref, _ = cli_file(db, 'ref-op.png', 'render', 'account', acc, '--as-of', AS_OF)
    CK.check(png_size(r.body) == (1240, 1754 * pages),
             'one-pager PNG: A4 at 150 dpi, a page tall for every page', png_size(r.body))
    CK.check(r.body == ref, 'one-pager PNG: the same bytes as cvom render account')
    for path in ('/accounts/%d/onepager.pdf' % FX.missing, '/accounts/x/onepager.png'):
        CK.check(c.get(path).status == 404, 'missing account: 404 ' + path)


def test_errors(c):
    CK.section('bad input')
    for path in ('/matrix.png?from=yesterday', '/matrix.pdf?as-of=%s&from=%s' % (AS_OF, AS_OF),
                 '/report.csv?as-of=%s&since=2026-12-01' % AS_OF, '/report.json?since=x',
                 '/accounts/%d/onepager.pdf?as-of=soon' % FX.own[0]):
        r = c.get(path)
        CK.check(r.status == 422 and 'text/html' in (r.header('Content-Type') or '') and
                 not disposition(r), 'a clean 422 page for ' + path, r.status)
    r = c.post('/matrix.png', form={})
    CK.check(r.status in (403, 405), 'POST is not a download', r.status)


# ---- roles --------------------------------------------------------------------------------------

def test_manager(srv, db):
    CK.section('a manager sees only their own accounts')
    c = srv.client()
    c.signin('priya')
    rows, _ = page_accounts(db)
    mine = {a['name'] for a in rows if a['owner'] == PRIYA}
    others = {a['name'] for a in rows if a['owner'] != PRIYA and
              not any(a['name'] in m for m in mine)}
    # Another owner's name in the address changes nothing: the scope is the manager's own.
    r = c.get('/matrix.pdf?as-of=%s&owner=%s' % (AS_OF, urllib.parse.quote(SAM)))
    ref, err = cli_file(db, 'ref-mine.pdf', 'render', 'matrix', '--to', AS_OF, '--owner', PRIYA)
    text = pdf_text(r.body) if r.status == 200 else ''
    CK.check(text and text == pdf_text(ref), 'manager PDF: cvom render matrix --owner', r.status)
    CK.check('owner=' + PRIYA in text, 'manager PDF: the footer names the owner')
    CK.check(sum(n in text for n in mine) == labelled(err) > 0, 'manager PDF: their accounts')
    CK.check(not [n for n in others if n in text], 'manager PDF: nobody else\'s accounts',
             [n for n in others if n in text])

    r = c.get('/report.csv?as-of=%s&since=%s&owner=%s' % (AS_OF, SINCE, urllib.parse.quote(SAM)))
    ref, _ = cli(db, 'report', '--format', 'csv', '--as-of', AS_OF, '--since', SINCE, '--owner',
                 PRIYA)
    CK.check(r.status == 200 and r.body == ref, 'manager CSV: cvom report --owner', r.status)
    table = list(csv.DictReader(io.StringIO(r.body.decode())))
    owners = {t['owner'] for t in table
              if t['section'] not in ('summary', 'transitions', 'signals')}
    CK.check(owners == {PRIYA}, 'manager CSV: only their accounts', owners)
    CK.check(len([t for t in table if t['section'] == 'accounts']) == len(FX.own),
             'manager CSV: all of their accounts')
    r = c.get('/report.json?as-of=' + AS_OF)
    CK.check(r.status == 200 and r.json()['filters'] == 'owner = ' + PRIYA,
             'manager JSON: the scope is the filter', r.status)
    r = c.get('/')
    CK.check(download_links(r.text)[0] == '/matrix.png', 'manager links carry no owner',
             download_links(r.text)[:1])

    own = c.get('/accounts/%d/onepager.pdf' % FX.own[0])
    other = c.get('/accounts/%d/onepager.pdf' % FX.other[0])
    missing = c.get('/accounts/%d/onepager.pdf' % FX.missing)
    CK.check(own.status == 200, 'manager: their own one-pager', own.status)
    CK.check(other.status == 404 and other.body == missing.body,
             'manager: another owner\'s one-pager answers like a missing one', other.status)
    CK.check(c.get('/accounts/%d/onepager.png' % FX.other[0]).status == 404,
             'manager: another owner\'s one-pager PNG 404')

    v = srv.client()
    v.signin('vic')
    CK.check(v.get('/report.csv').status == 200 and v.get('/matrix.svg').status == 200,
             'a viewer downloads too')


def test_anonymous(srv):
    CK.section('anonymous')
    c = srv.client()
    for path in ('/matrix.png', '/matrix.pdf?as-of=' + AS_OF, '/report.xlsx', '/report.json',
                 '/accounts/%d/onepager.pdf' % FX.own[0]):
        r = c.get(path)
        CK.check(r.status == 303 and r.location.startswith('/signin'),
                 'anonymous %s: 303 to /signin' % path, r.status, r.location)
        CK.check(not disposition(r) and len(r.body) == 0, 'anonymous: no document')


def test_concurrent(c, srv, db):
    CK.section('concurrent drawings')
    ref_png, _ = cli_file(db, 'ref.png', 'render', 'matrix', '--to', AS_OF)
    ref_op, _ = cli_file(db, 'ref-op.png', 'render', 'account', FX.own[0], '--as-of', AS_OF)
    paths = ['/matrix.png?as-of=' + AS_OF, '/accounts/%d/onepager.png?as-of=%s' % (
        FX.own[0], AS_OF), '/matrix.pdf?as-of=' + AS_OF, '/report.xlsx?as-of=' + AS_OF]
    got = []

    def fetch(path):
        cl = srv.client(timeout=120)
        cl.cookies = dict(c.cookies)
        r = cl.get(path, record=False)
        got.append((path, r.status, r.body))

    threads = [threading.Thread(target=fetch, args=(paths[i % len(paths)],)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    CK.check(len(got) == 12 and all(s == 200 for _, s, _ in got), 'all answered',
             [s for _, s, _ in got])
    CK.check(all(b == ref_png for p, _, b in got if p.startswith('/matrix.png')) and
             all(b == ref_op for p, _, b in got if 'onepager' in p),
             'every picture is the same as the command line\'s')


# ---- a large portfolio ------------------------------------------------------------------------

def test_large():
    CK.section('10,000 accounts')
    db = os.path.join(TMP, 'large.db')
    cli(db, 'init')
    codes = [ln.split(',')[0] for ln in cli(db, 'instrument', 'show', '--format',
                                            'csv')[0].decode().splitlines()[1:]]
    rnd = random.Random(4)
    n = 10000
    acc, resp = os.path.join(TMP, 'large-accounts.csv'), os.path.join(TMP, 'large-resp.csv')
    with open(acc, 'w') as f:
        f.write('external_id,name,owner,revenue\n')
        for i in range(n):
            f.write('L%05d,Large Account %05d,Owner %d,%d\n' % (i, i, i % 25,
                                                               rnd.randint(1000, 10 ** 7)))
    with open(resp, 'w') as f:
        f.write('account_id,respondent_id,item_id,score,date,kind\n')
        for i in range(n):
            base = {'I': rnd.randint(1, 7), 'E': rnd.randint(1, 7)}
            for code in codes:
                s = min(7, max(1, base.get(code[0], 4) + rnd.randint(-1, 1)))
                f.write('L%05d,Our View,%s,%d,2026-10-01,self\n' % (i, code, s))
    cli(db, 'import', 'accounts', acc)
    cli(db, 'import', 'responses', resp)
    cli(db, 'config', 'include_self', '1')  # our own view places every account
    H.run(CVOM, db, 'user', 'add', 'ada', '--role', 'admin', '--password-stdin',
          input=H.PASSWORD + '\n')
    with H.Server(CVOM, db) as srv:
        c = srv.client(timeout=240)
        c.signin('ada')
        for ext, ctype in (('png', 'image/png'), ('pdf', 'application/pdf'),
                           ('svg', 'image/svg+xml')):
            r = c.get('/matrix.%s?as-of=%s' % (ext, AS_OF))
            expect_file(r, '10,000 accounts ' + ext, ctype, 'cvom-matrix-%s.%s' % (AS_OF, ext))
            CK.check(0 < len(r.body) < 64 << 20, 'under the 64 MiB cap: %d bytes' % len(r.body))
            if ext == 'png':
                CK.check(png_size(r.body) == (1067, 800), '10,000 accounts: the PNG')
            if ext == 'pdf':
                text = pdf_text(r.body)
                CK.check(pdf_pages(r.body) == 1 and '10,000 accounts' in text,
                         '10,000 accounts: one page, all counted')
        r = c.get('/report.csv?as-of=' + AS_OF)
        CK.check(r.status == 200 and r.body.count(b'\naccounts,') == n,
                 '10,000 accounts: the report', r.status)
    CK.check(srv.proc.returncode == 0, 'the server stops cleanly', srv.proc.returncode)


def main():
    global CVOM, FX, TMP
    CVOM = H.cvom_path(sys.argv)
    environment()
    FX = H.Fixture(CVOM)
    TMP = FX.dir
    try:
        db = FX.copy()
        with H.Server(CVOM, db) as srv:
            c = srv.client(timeout=120)
            CK.check(c.signin('ada').status == 303, 'the admin signs in')
            test_links(c)
            test_pictures(c, db)
            test_reports(c, db)
            test_onepager(c, db)
            test_errors(c)
            test_manager(srv, db)
            test_anonymous(srv)
            test_concurrent(c, srv, db)
        rc = srv.proc.returncode
        CK.check(rc == 0, 'the server stops cleanly (no sanitizer report)', rc,
                 srv.output()[-2000:])
        test_large()
    finally:
        FX.cleanup()
    return CK.finish('web_downloads')


if __name__ == '__main__':
    sys.exit(main())
