#!/usr/bin/env python3
"""The JSON API under /api/v1, through a real server on 127.0.0.1 and a real HTTP client:
every endpoint's success path against the command line's own output on the same database,
pagination, validation errors with their field, ownership (a manager sees only their own
accounts, another manager's answers 404 like a missing one, a viewer cannot write), bearer
tokens and sessions, malformed and oversized bodies, wrong content types; every answer
checked against the schemas of docs/openapi.json (openapi_validate.py checks the description
itself with an independent validator).
    usage: web_api.py PATH/TO/cvom [--db LOCATION]   (default: a new SQLite file)"""
import http.client
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

CVOM = os.path.abspath(sys.argv[1])
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'tests', 'pg'))
import pgcluster  # noqa: E402
# The database: a new, empty one given with --db (PostgreSQL, from tests/pg/with_pg.py), or
# a new SQLite file in the test's directory.
LOCATION = sys.argv[3] if len(sys.argv) == 4 and sys.argv[2] == '--db' else None
SPEC = json.load(open(os.path.join(REPO, 'docs', 'openapi.json'), encoding='utf-8'))
checks = 0


def fail(msg):
    raise AssertionError(msg)


def expect(cond, msg):
    global checks
    checks += 1
    if not cond:
        fail(msg)


def cli(d, *args, stdin=None):
    p = subprocess.run([CVOM, '--db', LOCATION or os.path.join(d, 'api.db')] + list(args), cwd=d,
                       input=stdin, capture_output=True, text=True,
                       env=dict(os.environ, NO_COLOR='1'))
    expect(p.returncode == 0, 'cvom %s: exit %d: %s' % (' '.join(args), p.returncode, p.stderr))
    return p.stdout


def cli_json(d, *args):
    return json.loads(cli(d, *args, '--format', 'json'))


# ---- a small checker for the OpenAPI 3.0 schema subset docs/openapi.json uses ----------------

def node_ref(ref):
    return [p.replace('~1', '/').replace('~0', '~') for p in ref[2:].split('/')]


def deref(node):
    while isinstance(node, dict) and '$ref' in node:
        target = SPEC
        for part in node_ref(node['$ref']):
            target = target[part]
        node = target
    return node


def conform(schema, value, where):
    s = deref(schema)
    for sub in s.get('allOf', []):
        conform(sub, value, where)
    if value is None:
        if 'type' in s and not s.get('nullable'):
            fail('%s: null where the description says %s' % (where, s['type']))
        return
    kinds = {'object': dict, 'array': list, 'string': str, 'boolean': bool}
    t = s.get('type')
    if t in kinds and not isinstance(value, kinds[t]):
        fail('%s: %r is not %s' % (where, value, t))
    if t == 'integer' and (isinstance(value, bool) or not isinstance(value, int)):
        fail('%s: %r is not an integer' % (where, value))
    if t == 'number' and (isinstance(value, bool) or not isinstance(value, (int, float))):
        fail('%s: %r is not a number' % (where, value))
    if 'enum' in s and value not in s['enum']:
        fail('%s: %r is not one of %s' % (where, value, s['enum']))
    if 'pattern' in s and not re.search(s['pattern'], value):
        fail('%s: %r does not match %s' % (where, value, s['pattern']))
    if 'minimum' in s and value < s['minimum']:
        fail('%s: %r is below %s' % (where, value, s['minimum']))
    if 'maximum' in s and value > s['maximum']:
        fail('%s: %r is above %s' % (where, value, s['maximum']))
    if isinstance(value, dict):
        for k in s.get('required', []):
            if k not in value:
                fail('%s: %s is missing' % (where, k))
        props = s.get('properties', {})
        for k, v in value.items():
            if k in props:
                conform(props[k], v, where + '.' + k)
            elif s.get('additionalProperties') is False:
                fail('%s: %s is not described' % (where, k))
            elif isinstance(s.get('additionalProperties'), dict):
                conform(s['additionalProperties'], v, where + '.' + k)
    if isinstance(value, list) and 'items' in s:
        for i, v in enumerate(value):
            conform(s['items'], v, '%s[%d]' % (where, i))


TEMPLATES = [(re.compile('^' + re.sub(r'\{[^}]+\}', '[^/]+', p) + '$'), p) for p in SPEC['paths']]
described = set()


def conform_answer(method, path, status, body):
    """The answer must be one the description promises, with the schema it gives."""
    template = next((p for rx, p in TEMPLATES if rx.match(path)), None)
    if template is None:
        expect(status == 404, '%s %s: not described, yet %d' % (method, path, status))
        return
    op = SPEC['paths'][template].get(method.lower())
    if op is None:
        expect(status == 405, '%s %s: method not described, yet %d' % (method, path, status))
        return
    resp = op['responses'].get(str(status))
    expect(resp is not None, '%s %s: status %d is not described' % (method, template, status))
    resp = deref(resp)
    described.add((method, template, status))
    if status in (204, 304):
        expect(body is None, '%s %s: %d with a body' % (method, template, status))
        return
    schema = resp['content']['application/json']['schema']
    conform(schema, body, '%s %s %d' % (method, template, status))


# ---- the client ---------------------------------------------------------------------------

class Client:
    def __init__(self, port):
        self.port = port

    def raw(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        try:
            c.request(method, path, body=body, headers=headers or {})
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered (413) before the whole body was sent: the answer is still there
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def call(self, method, path, token=None, body=None, ctype=None, headers=None, raw=False):
        h = dict(headers or {})
        if token:
            h['Authorization'] = 'Bearer ' + token
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            ctype = ctype or 'application/json'
        if ctype:
            h['Content-Type'] = ctype
        status, hdrs, data = self.raw(method, path, body, h)
        if raw:
            return status, hdrs, data
        parsed = None
        if data:
            expect(hdrs.get('content-type', '').startswith('application/json'),
                   '%s %s: answered %s, not JSON' % (method, path, hdrs.get('content-type')))
            parsed = json.loads(data)
        conform_answer(method, path.split('?')[0], status, parsed)
        return status, parsed, hdrs


def expect_error(got, status, field=None, contains=None, what=''):
    st, body, _ = got
    expect(st == status, '%s: expected %d, got %d: %s' % (what, status, st, body))
    err = body['error']
    expect(err['field'] == field, '%s: expected field %r, got %r (%s)' % (what, field,
                                                                            err['field'], err))
    if contains:
        expect(contains in err['message'], '%s: %r not in %r' % (what, contains, err['message']))
    return err


def close(a, b, tol=1e-9, where=''):
    """Equal JSON values, numbers within tol."""
    if isinstance(a, dict) and isinstance(b, dict):
        expect(set(a) == set(b), '%s: keys differ: %s' % (where, set(a) ^ set(b)))
        for k in a:
            close(a[k], b[k], tol, where + '.' + k)
    elif isinstance(a, list) and isinstance(b, list):
        expect(len(a) == len(b), '%s: %d items against %d' % (where, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, tol, '%s[%d]' % (where, i))
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        expect(math.isclose(a, b, rel_tol=tol, abs_tol=tol), '%s: %r != %r' % (where, a, b))
    else:
        expect(a == b, '%s: %r != %r' % (where, a, b))


# ---- the server ----------------------------------------------------------------------------

def start(d):
    port_file = os.path.join(d, 'port')
    log = open(os.path.join(d, 'serve.log'), 'w')
    proc = subprocess.Popen([CVOM, '--db', LOCATION or os.path.join(d, 'api.db'), 'serve', '--listen',
                             '127.0.0.1:0', '--port-file', port_file], cwd=d, stdout=log,
                            stderr=subprocess.STDOUT)
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read())
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    fail('the server did not start: ' + open(os.path.join(d, 'serve.log')).read())


def stop(proc, d):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail('the server did not stop on SIGTERM')
    log = open(os.path.join(d, 'serve.log')).read()
    expect(proc.returncode == 0, 'the server exited %d: %s' % (proc.returncode, log[-2000:]))
    expect('ERROR: AddressSanitizer' not in log and 'runtime error' not in log,
           'the sanitizers complained:\n' + log[-4000:])


# ---- the tests -------------------------------------------------------------------------------

def test_public_and_auth(c, tok):
    st, doc, _ = c.call('GET', '/api/v1/openapi.json')
    expect(st == 200 and doc == SPEC, 'GET openapi.json: not the description')
    expect_error(c.call('GET', '/api/v1/accounts'), 401, what='no token')
    expect_error(c.call('GET', '/api/v1/accounts', token='not-a-token'), 401, what='bad token')
    expect_error(c.call('GET', '/api/v1/nowhere', tok['admin']), 404, what='unknown path')
    expect_error(c.call('PUT', '/api/v1/accounts', tok['admin'], {}), 405, what='PUT')


def test_accounts_read(c, d, tok):
    everyone = cli_json(d, 'account', 'list')
    seen = []
    for offset in range(0, len(everyone) + 10, 10):
        st, page, _ = c.call('GET', '/api/v1/accounts?limit=10&offset=%d' % offset, tok['viewer'])
        expect(st == 200 and page['total'] == len(everyone) and page['limit'] == 10 and
               page['offset'] == offset, 'page at %d: %s' % (offset, page and page['total']))
        seen += page['items']
    expect(seen == everyone, 'paging through /accounts does not give `cvom account list`')
    st, page, _ = c.call('GET', '/api/v1/accounts', tok['viewer'])
    expect(page['limit'] == 50 and len(page['items']) == min(50, len(everyone)), 'default page')
    st, page, _ = c.call('GET', '/api/v1/accounts?limit=500', tok['viewer'])
    expect(page['items'] == everyone, 'limit=500')
    for bad, field in (('limit=0', 'limit'), ('limit=501', 'limit'), ('limit=x', 'limit'),
                       ('offset=-1', 'offset'), ('tag=a,b', 'tag')):
        expect_error(c.call('GET', '/api/v1/accounts?' + bad, tok['viewer']), 422, field, what=bad)
    for key, value in (('owner', 'Priya Shah'), ('industry', 'Retail'), ('region', 'Nordics'),
                       ('tag', 'key')):
        want = cli_json(d, 'account', 'list', '--' + key, value)
        st, page, _ = c.call('GET', '/api/v1/accounts?limit=500&%s=%s' %
                             (key, value.replace(' ', '%20')), tok['viewer'])
        expect(want and page['items'] == want and page['total'] == len(want), 'filter ' + key)
    st, page, _ = c.call('GET', '/api/v1/accounts?limit=500&q=aLdEr', tok['viewer'])
    want = [a for a in everyone if 'alder' in a['name'].lower()]
    expect(want and page['items'] == want, 'name search')

    export = {a['account_id']: a for a in cli_json(d, 'export')}
    for acc in everyone[:12]:
        show = cli_json(d, 'account', 'show', str(acc['id']))
        st, got, _ = c.call('GET', '/api/v1/accounts/%d' % acc['id'], tok['viewer'])
        expect(st == 200 and set(got) == set(show), 'account %d: columns differ' % acc['id'])
        row = export[acc['id']]
        for k in got:
            if k in row:  # the scores, to the two decimals of the export
                expect(got[k] == row[k], 'account %d %s: %r, export %r' % (acc['id'], k, got[k],
                                                                           row[k]))
            elif not k.startswith(('intellectual', 'emotional')):
                expect(got[k] == show[k], 'account %d %s: %r, show %r' % (acc['id'], k, got[k],
                                                                          show[k]))
            else:
                expect(got[k] is None and show[k] is None or abs(got[k] - show[k]) <= 0.05,
                       'account %d %s' % (acc['id'], k))
        st, score, _ = c.call('GET', '/api/v1/accounts/%d/score' % acc['id'], tok['viewer'])
        expect({k: score[k] for k in row} == row, 'score of %d is not the export row' % acc['id'])
    expect_error(c.call('GET', '/api/v1/accounts/999999', tok['viewer']), 404, what='missing')
    expect_error(c.call('GET', '/api/v1/accounts/abc', tok['viewer']), 404, what='not an id')
    expect_error(c.call('GET', '/api/v1/accounts/1?as_of=2026-13-01', tok['viewer']), 422,
                 'as_of', what='bad as_of')


def test_scores(c, d, tok):
    for as_of in (None, '2026-04-30'):
        q = '?as_of=' + as_of if as_of else ''
        want = cli_json(d, 'matrix', *(['--as-of', as_of] if as_of else []))
        st, m, _ = c.call('GET', '/api/v1/matrix' + q, tok['viewer'])
        expect(st == 200 and m['items'] == want, 'matrix%s differs from `cvom matrix`' % q)
        again = c.call('GET', '/api/v1/matrix' + q, tok['viewer'])[1]
        expect(again == m, 'the cached matrix differs')
        counted = sum(v['count'] for v in m['quadrants'].values()) + m['insufficient']['count']
        expect(counted == m['total'] == len(want), 'matrix counts')
        for quad, v in m['quadrants'].items():
            mine = [a for a in want if a['quadrant'] == quad and a['state'] != 'insufficient']
            expect(v['count'] == len(mine), 'count of ' + quad)
            expect(abs(v['revenue'] - sum(a['revenue'] for a in mine)) < 0.01, 'revenue ' + quad)
    want = cli_json(d, 'matrix', '--quadrant', 'partnership', '--owner', 'Priya Shah')
    st, m, _ = c.call('GET', '/api/v1/matrix?quadrant=partnership&owner=Priya%20Shah',
                      tok['viewer'])
    expect(m['items'] == want, 'matrix filters')
    expect_error(c.call('GET', '/api/v1/matrix?quadrant=up', tok['viewer']), 422, 'quadrant',
                 what='bad quadrant')
    # Pages of the matrix: the items of one page, the totals of all.
    full = c.call('GET', '/api/v1/matrix', tok['viewer'])[1]
    st, page, _ = c.call('GET', '/api/v1/matrix?limit=7&offset=5', tok['viewer'])
    expect(st == 200 and page['items'] == full['items'][5:12] and page['limit'] == 7 and
           page['offset'] == 5, 'a page of the matrix')
    expect(page['total'] == full['total'] and page['quadrants'] == full['quadrants'],
           'a page of the matrix keeps the totals')
    expect_error(c.call('GET', '/api/v1/matrix?limit=0', tok['viewer']), 422, 'limit',
                 what='matrix limit 0')

    for acc in cli_json(d, 'export')[:10]:
        i = acc['account_id']
        for as_of in ('2026-10-31', '2026-04-30'):
            # The whole of `cvom explain --format json`, the stakeholders on the matrix and
            # the partnership pillars included.
            want = cli_json(d, 'explain', str(i), '--as-of', as_of)
            st, got, _ = c.call('GET', '/api/v1/accounts/%d/explanation?as_of=%s' % (i, as_of),
                                tok['viewer'])
            expect(st == 200 and got['as_of'] == as_of, 'explanation date')
            close(got, want, where='explanation of %d' % i)
        st, h, _ = c.call('GET', '/api/v1/accounts/%d/history' % i, tok['viewer'])
        dates = [s['date'] for s in h['items']]
        expect(dates == sorted(dates) and h['total'] == len(dates), 'history order')
        for snap in h['items']:
            row = next(r for r in cli_json(d, 'export', '--as-of', snap['date'])
                       if r['account_id'] == i)
            expect({k: row[k] for k in snap if k in row} ==
                   {k: v for k, v in snap.items() if k in row}, 'snapshot %s of %d' %
                   (snap['date'], i))


def test_groups(c, d, tok):
    """The demo's groups: the API's roll-up is the command line's, and its point is the
    revenue-weighted mean of the members' own scores (equal weights when a placed member has
    no revenue), read back one member at a time."""
    accounts = cli_json(d, 'account', 'list')
    parents = sorted({a['parent_id'] for a in accounts if a['parent_id']})
    expect(len(parents) >= 2, 'the demo has groups')
    want = cli_json(d, 'explain', str(parents[0]), '--as-of', '2026-10-31')['group']
    got = c.call('GET', '/api/v1/accounts/%d/group?as_of=2026-10-31' % parents[0],
                 tok['viewer'])[1]
    close(got, want, where='group of %d' % parents[0])
    for gid in parents:
        st, got, _ = c.call('GET', '/api/v1/accounts/%d/group?as_of=2026-10-31' % gid,
                            tok['viewer'])
        expect(st == 200, 'group of %d' % gid)
        expect(got['members'] == len(got['member_accounts']) >= 2 and
               got['hidden_members'] == 0, 'members of %d' % gid)
        placed = []
        for m in got['member_accounts']:
            sc = c.call('GET', '/api/v1/accounts/%d/score?as_of=2026-10-31' % m['id'],
                        tok['viewer'])[1]
            if m['placed']:
                placed.append((m['revenue'], sc['axes']['intellectual']['value'],
                               sc['axes']['emotional']['value']))
        by_revenue = all(r > 0 for r, _, _ in placed)
        expect(got['weights'] == ('revenue' if by_revenue else 'equal'), 'weights of %d' % gid)
        w = [r if by_revenue else 1 for r, _, _ in placed]
        for k, axis in ((1, 'intellectual'), (2, 'emotional')):
            mean = sum(wi * p[k] for wi, p in zip(w, placed)) / sum(w)
            expect(abs(got['axes'][axis]['value'] - mean) < 1e-6, '%s of %d' % (axis, gid))
        expect(got['revenue'] == sum(m['revenue'] for m in got['member_accounts']),
               'revenue of %d' % gid)
    # Every demo group is split between two quadrants.
    split = [c.call('GET', '/api/v1/accounts/%d/group' % g, tok['viewer'])[1]['split']
             for g in parents]
    expect(any(split), 'a split demo group')
    # An account without children is a group of one.
    lone = next(a['id'] for a in accounts if not a['parent_id'] and a['id'] not in parents)
    st, one, _ = c.call('GET', '/api/v1/accounts/%d/group' % lone, tok['viewer'])
    expect(st == 200 and one['members'] == 1 and len(one['member_accounts']) == 1, 'one')
    # A manager sees the group's point, but only their own members by name.
    for gid in parents:
        owner = next(a['owner'] for a in accounts if a['id'] == gid)
        key = {'Priya Shah': 'priya', 'Tom Becker': 'tom'}.get(owner)
        if not key:
            continue
        full = c.call('GET', '/api/v1/accounts/%d/group' % gid, tok['viewer'])[1]
        st, mine, _ = c.call('GET', '/api/v1/accounts/%d/group' % gid, tok[key])
        others = [m for m in full['member_accounts'][1:] if
                  next(a['owner'] for a in accounts if a['id'] == m['id']) != owner]
        expect(st == 200 and mine['axes'] == full['axes'] and
               mine['hidden_members'] == len(others) and
               len(mine['member_accounts']) == len(full['member_accounts']) - len(others),
               "a manager's view of group %d" % gid)


def test_score_file(c, d, tok):
    """POST /api/v1/scores: the batch scorer of `cvom score --input` on an upload, with the
    store's own instrument, for any signed-in user, writing nothing."""
    exported = cli(d, 'instrument', 'export')
    ins = os.path.join(d, 'instrument.csv')
    with open(ins, 'w') as f:
        f.write(exported)
    codes = [line.split(',')[0] for line in exported.splitlines()
             if line and not line.startswith(('#', 'code,'))]
    rows = ['account_id,respondent_id,item_id,score']
    for a, acc in enumerate(('=SUM(1)', 'Beta', 'Gamma')):
        for r in range(3 + a):
            rows += ['%s,R%d,%s,%d' % (acc, r, code, 1 + (a * 3 + r * 5 + i * 7) % 7)
                     for i, code in enumerate(codes) if (i + r) % 5]
    body = '\n'.join(rows) + '\n'
    path = os.path.join(d, 'answers.csv')
    with open(path, 'w') as f:
        f.write(body)
    revision = cli_json(d, 'account', 'list')
    for exact in ('', '&exact=1'):
        want = subprocess.run([CVOM, 'score', '--input', path, '--instrument', ins] +
                              (['--exact'] if exact else []), capture_output=True, text=True)
        expect(want.returncode == 0, 'score --input: %s' % want.stderr)
        st, h, got = c.call('POST', '/api/v1/scores?instrument=default' + exact, tok['viewer'],
                            body, 'text/csv', raw=True)
        expect(st == 200 and h.get('content-type', '').startswith('text/csv'),
               'scores: %d %s %s' % (st, h.get('content-type'), got[:200]))
        expect(got.decode() == want.stdout, 'the upload scored differently from the command '
               'line:\n%s\nagainst\n%s' % (got.decode()[:400], want.stdout[:400]))
        expect(len(got.decode().splitlines()) == 4, 'one row per account: %s' % got[:400])
        expect("'=SUM(1)" in got.decode(), 'a formula-like account id left unguarded')
    described.add(('POST', '/api/v1/scores', 200))
    err = expect_error(c.call('POST', '/api/v1/scores', tok['viewer'],
                              body + 'Delta,R1,%s,9\n' % codes[0], 'text/csv'), 422,
                       what='an answer off the scale')
    expect(err['message'].startswith('upload.csv:%d:' % (len(rows) + 1)) and
           err.get('line') == len(rows) + 1 and err.get('column', 0) > 1,
           'the bad row is named with line and column: %s' % err)
    expect_error(c.call('POST', '/api/v1/scores?instrument=nope', tok['viewer'], body,
                        'text/csv'), 422, 'instrument', what='an unknown instrument')
    expect_error(c.call('POST', '/api/v1/scores?exact=maybe', tok['viewer'], body, 'text/csv'),
                 422, 'exact', what='exact neither 1 nor 0')
    expect_error(c.call('POST', '/api/v1/scores', tok['viewer'], '{}', 'application/json'), 415,
                 what='scores from JSON')
    expect_error(c.call('POST', '/api/v1/scores', None, body, 'text/csv'), 401,
                 what='scores without signing in')
    expect(cli_json(d, 'account', 'list') == revision, 'scoring an upload changed the accounts')


def test_analytics(c, d, tok):
    """The analytics answer what the command line prints (their own test is web_analytics.py);
    here every answer is also held against its description."""
    for path, args in (('/api/v1/compare?from=2026-04-15&to=2026-10-15',
                        ('compare', '--from', '2026-04-15', '--to', '2026-10-15')),
                       ('/api/v1/overserved?as_of=2026-10-31&all=true',
                        ('overserved', '--as-of', '2026-10-31', '--all')),
                       ('/api/v1/alignment?as_of=2026-10-31', ('align', '--as-of', '2026-10-31')),
                       ('/api/v1/alignment?as_of=2026-10-31&account=1',
                        ('align', '1', '--as-of', '2026-10-31'))):
        st, got, _ = c.call('GET', path, tok['viewer'])
        expect(st == 200 and same_json(got, cli_json(d, *args)), '%s differs from `cvom %s`' %
               (path, ' '.join(args)))


def same_json(a, b):
    """Equal, numbers to 1e-9: the command line prints fewer digits than the API."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            abs(a - b) < 1e-9
    return a == b


def test_stakeholders_and_assessments(c, d, tok):
    aid = cli_json(d, 'export')[0]['account_id']
    want = cli_json(d, 'stakeholder', 'list', str(aid))
    st, got, _ = c.call('GET', '/api/v1/accounts/%d/stakeholders' % aid, tok['viewer'])
    expect(st == 200 and got['items'] == want and got['total'] == len(want), 'stakeholders')
    url = '/api/v1/accounts/%d/stakeholders' % aid
    for body, field in (({'name': 'X', 'influence': 2}, 'influence'),
                        ({'name': 'X', 'influence': '0.5'}, 'influence'),
                        ({'name': 'X', 'stance': 'hostile'}, 'stance'),
                        ({'name': 'X', 'email': 'nobody'}, 'email'),
                        ({'role': 'user'}, 'name'), ({'name': 'X', 'age': 40}, 'age'),
                        ({'name': 'N' * 200}, 'name')):
        expect_error(c.call('POST', url, tok['admin'], body), 422, field, what=str(body)[:40])
    st, s, _ = c.call('POST', url, tok['admin'], {'name': 'Ada Quill', 'role': 'sponsor',
                                                   'influence': 0.8, 'stance': 'champion',
                                                   'email': 'ada@example.com'})
    expect(st == 201 and s['name'] == 'Ada Quill' and s['influence'] == 0.8, 'stakeholder added')
    expect(s in cli_json(d, 'stakeholder', 'list', str(aid)), 'the CLI sees the stakeholder')
    st, one, _ = c.call('GET', '%s/%d' % (url, s['id']), tok['viewer'])
    expect(st == 200 and one == s, 'one stakeholder: %d %s' % (st, one))

    aurl = '/api/v1/accounts/%d/assessments' % aid
    before = c.call('GET', aurl, tok['viewer'])[1]
    items = c.call('GET', '/api/v1/instruments/1', tok['viewer'])[1]['items']
    answers = {it['code']: 6 for it in items}
    bads = (({'answers': answers}, 'stakeholder_id'),
            ({'self': 'Me', 'stakeholder_id': s['id'], 'answers': answers}, 'self'),
            ({'stakeholder_id': 999999, 'answers': answers}, 'stakeholder_id'),
            ({'stakeholder_id': s['id'], 'answers': dict(answers, INT01=8)}, 'answers.INT01'),
            ({'stakeholder_id': s['id'], 'answers': dict(answers, NOPE=1)}, 'answers.NOPE'),
            ({'stakeholder_id': s['id'], 'answers': dict(answers, INT02='5')}, 'answers.INT02'),
            ({'stakeholder_id': s['id'], 'answers': {}}, 'answers'),
            ({'stakeholder_id': s['id']}, 'answers'),
            ({'stakeholder_id': s['id'], 'answers': answers, 'date': '2026-02-30'}, 'date'),
            ({'stakeholder_id': s['id'], 'answers': answers, 'instrument': 'nope'},
             'instrument'),
            ({'stakeholder_id': s['id'], 'answers': answers, 'draft': 'yes'}, 'draft'),
            ({'stakeholder_id': s['id'], 'answers': answers, 'comment': 'hi'}, 'comment'))
    for body, field in bads:
        expect_error(c.call('POST', aurl, tok['admin'], body), 422, field, what=field)
    expect(c.call('GET', aurl, tok['viewer'])[1] == before, 'a refused assessment left a trace')
    answers['EMO03'] = None  # unanswered
    st, a, _ = c.call('POST', aurl, tok['admin'], {'stakeholder_id': s['id'], 'date': '2026-11-02',
                                                    'instrument': 'default@2',
                                                    'answers': answers})
    expect(st == 201 and a['kind'] == 'customer' and a['respondent'] == 'Ada Quill' and
           a['status'] == 'complete' and 'EMO03' not in a['answers'] and
           len(a['answers']) == len(items) - 1, 'assessment recorded: %s' % a)
    st, s2, _ = c.call('POST', aurl, tok['admin'], {'self': 'Lena Fischer', 'answers':
                                                     {'INT01': 2, 'EMO01': 3}, 'draft': True})
    expect(st == 201 and s2['kind'] == 'self' and s2['status'] == 'draft', 'self draft')
    after = c.call('GET', aurl, tok['viewer'])[1]
    expect(after['total'] == before['total'] + 2 and after['items'][-2:] == [a, s2] or
           a in after['items'], 'the assessments list')
    # The new evidence moves the score exactly as the command line computes it.
    want = cli_json(d, 'explain', str(aid), '--as-of', '2026-11-02')
    got = c.call('GET', '/api/v1/accounts/%d/explanation?as_of=2026-11-02' % aid,
                 tok['viewer'])[1]
    close(got, want, where='explanation after the assessment')
    expect(any(r['label'] == 'Ada Quill' for r in got['respondents']), 'the new respondent')
    expect(any(p['label'] == 'Ada Quill' for p in got['stakeholders_on_matrix']['stakeholders']),
           'the new respondent on the matrix')

    # A stakeholder goes; their assessment stays, unlinked.
    surl = '/api/v1/accounts/%d/stakeholders/%d' % (aid, s['id'])
    st, body, _ = c.call('DELETE', surl, tok['admin'])
    expect(st == 204 and body is None, 'stakeholder removed')
    expect_error(c.call('DELETE', surl, tok['admin']), 404, what='removed twice')
    other = cli_json(d, 'export')[1]['account_id']
    sh = cli_json(d, 'stakeholder', 'list', str(aid))[0]
    expect_error(c.call('DELETE', '/api/v1/accounts/%d/stakeholders/%d' % (other, sh['id']),
                        tok['admin']), 404, what="another account's stakeholder")
    kept = [x for x in c.call('GET', aurl, tok['viewer'])[1]['items'] if x['id'] == a['id']]
    expect(kept and kept[0]['stakeholder_id'] is None, 'the assessment outlives the person')

    want = cli_json(d, 'instrument', 'list')
    st, got, _ = c.call('GET', '/api/v1/instruments', tok['viewer'])
    expect(got['items'] == want, 'instruments')
    show = cli_json(d, 'instrument', 'show', 'default')
    got = c.call('GET', '/api/v1/instruments/%d' % want[0]['id'], tok['viewer'])[1]
    expect(got.pop('id') == want[0]['id'] and got == show, 'instrument')
    expect_error(c.call('GET', '/api/v1/instruments/999', tok['viewer']), 404, what='instr.')


def test_stakeholder_edits(c, d, tok):
    """Stakeholders created, changed and removed under the roles: whom they report to (never
    another account's, never in a loop), the new fields, If-Match, and the map the
    explanation draws from them."""
    mine = cli_json(d, 'account', 'list', '--owner', 'Priya Shah')[0]['id']
    theirs = cli_json(d, 'account', 'list', '--owner', 'Tom Becker')[0]['id']
    url = '/api/v1/accounts/%d/stakeholders' % mine
    st, boss, _ = c.call('POST', url, tok['priya'], {'name': 'Map Boss', 'role': 'Economic buyer',
                                                     'stance': 'sceptic'})
    expect(st == 201 and boss['reports_to'] is None and boss['last_contact'] is None and
           boss['channel'] is None and boss['notes'] == '', 'a manager adds to their own: %s' %
           boss)
    st, champ, _ = c.call('POST', url, tok['priya'], {
        'name': 'Map Champion', 'stance': 'champion', 'reports_to': boss['id'],
        'last_contact': '2026-11-20', 'channel': 'meeting', 'counterpart': 'Priya Shah',
        'notes': 'Met at the fair.'})
    expect(st == 201 and champ['reports_to'] == boss['id'] and
           champ['last_contact'] == '2026-11-20' and champ['channel'] == 'meeting' and
           champ['counterpart'] == 'Priya Shah' and champ['notes'] == 'Met at the fair.',
           'the new fields: %s' % champ)
    expect(champ in cli_json(d, 'stakeholder', 'list', str(mine)), 'the CLI sees them alike')
    burl = '%s/%d' % (url, boss['id'])
    curl = '%s/%d' % (url, champ['id'])
    for target, body, field in ((burl, {'reports_to': boss['id']}, 'reports_to'),
                                (curl, {'reports_to': champ['id']}, 'reports_to'),
                                (curl, {'reports_to': 'Map Boss'}, 'reports_to'),
                                (curl, {'reports_to': 0}, 'reports_to'),
                                (curl, {'reports_to': 999999}, 'reports_to'),
                                (curl, {'last_contact': '2026-13-01'}, 'last_contact'),
                                (curl, {'channel': 'fax'}, 'channel'),
                                (curl, {'notes': 'n' * 1100}, 'notes'),
                                (curl, {'name': ''}, 'name'),
                                (curl, {'shoe_size': 44}, 'shoe_size')):
        expect_error(c.call('PATCH', target, tok['priya'], body), 422, field,
                     what='patch %s' % str(body)[:40])
    expect(c.call('GET', curl, tok['viewer'])[1] == champ, 'a refused change left no trace')
    err = expect_error(c.call('PATCH', burl, tok['priya'], {'reports_to': champ['id']}), 422,
                       'reports_to', what='a loop')
    expect('loop' in err['message'], 'the loop is named: %s' % err['message'])
    other = c.call('GET', '/api/v1/accounts/%d/stakeholders' % theirs, tok['admin'])[1]['items']
    expect_error(c.call('PATCH', curl, tok['priya'], {'reports_to': other[0]['id']}), 422,
                 'reports_to', what="another account's stakeholder")
    # If-Match holds a change against the stakeholder as last read.
    st, _, hdrs = c.call('GET', curl, tok['viewer'])
    tag = hdrs.get('etag')
    st, changed, _ = c.call('PATCH', curl, tok['priya'], {'stance': 'supporter',
                                                          'last_contact': None},
                            headers={'If-Match': tag})
    expect(st == 200 and changed['stance'] == 'supporter' and changed['last_contact'] is None and
           changed['reports_to'] == boss['id'] and changed['name'] == 'Map Champion',
           'only the fields given change: %s' % changed)
    got = c.call('PATCH', curl, tok['priya'], {'stance': 'champion'}, headers={'If-Match': tag})
    expect(got[0] == 412, 'a stale If-Match: %d' % got[0])
    st, cleared, _ = c.call('PATCH', curl, tok['admin'], {'reports_to': None, 'stance': 'champion'})
    expect(st == 200 and cleared['reports_to'] is None, 'null clears whom they report to')
    st, again, _ = c.call('PATCH', curl, tok['admin'], {'reports_to': boss['id']})
    expect(st == 200 and again['reports_to'] == boss['id'], 'an admin edits any account')
    # The map: the champion under a sceptic only, the buyer without counterpart or contact.
    ex = c.call('GET', '/api/v1/accounts/%d/explanation?as_of=2026-12-01' % mine,
                tok['viewer'])[1]
    people = {p['id']: p for p in ex['relationship_map']['stakeholders']}
    expect(people[champ['id']]['gaps'] == ['critics-above'] and
           people[champ['id']]['depth'] == people[boss['id']]['depth'] + 1,
           'the champion under critics: %s' % people[champ['id']])
    expect(people[boss['id']]['decider'] and
           people[boss['id']]['gaps'] == ['no-counterpart', 'no-contact'],
           'the buyer without counterpart or contact: %s' % people[boss['id']])
    close(ex, cli_json(d, 'explain', str(mine), '--as-of', '2026-12-01'),
          where='the map as the command line draws it')
    # Roles: a viewer cannot change, another manager's stakeholder is not there for them.
    expect(c.call('PATCH', curl, tok['viewer'], {'role': 'x'})[0] == 403, 'a viewer patches')
    turl = '/api/v1/accounts/%d/stakeholders/%d' % (theirs, other[0]['id'])
    expect_error(c.call('PATCH', turl, tok['priya'], {'role': 'x'}), 404,
                 what="another manager's stakeholder")
    expect_error(c.call('PATCH', '%s/%d' % (url, other[0]['id']), tok['priya'], {'role': 'x'}),
                 404, what='a stakeholder of another account under mine')
    # Removing the manager leaves the champion at the top.
    expect(c.call('DELETE', burl, tok['priya'])[0] == 204, 'a manager removes their own')
    st, top, _ = c.call('GET', curl, tok['priya'])
    expect(st == 200 and top['reports_to'] is None, 'reports of a removed stakeholder: %s' % top)
    expect(c.call('DELETE', curl, tok['viewer'])[0] == 403, 'a viewer removes')
    expect(c.call('DELETE', curl, tok['priya'])[0] == 204, 'removed')


def test_account_writes(c, d, tok, db):
    st, a, hdrs = c.call('POST', '/api/v1/accounts', tok['admin'],
                         {'name': 'Quill & Sons', 'external_id': 'API-1', 'owner': 'Tom Becker',
                          'revenue': 125000.5, 'potential': 200000, 'currency': 'GBP',
                          'industry': 'Retail', 'region': 'UK', 'tags': ' key, new ,key',
                          'notes': 'via the API', 'parent_id': 1})
    expect(st == 201 and hdrs['location'] == '/api/v1/accounts/%d' % a['id'], 'created')
    show = cli_json(d, 'account', 'show', str(a['id']))
    for k in ('name', 'external_id', 'owner', 'revenue', 'potential', 'currency', 'industry',
              'region', 'tags', 'notes', 'parent_id'):
        expect(a[k] == show[k], 'created %s: %r, CLI %r' % (k, a[k], show[k]))
    expect(a['tags'] == 'key,new', 'tags normalised like the CLI')
    url = '/api/v1/accounts/%d' % a['id']
    st, b, _ = c.call('PATCH', url, tok['admin'], {'revenue': 99, 'notes': None})
    expect(st == 200 and b['revenue'] == 99 and b['notes'] == '' and b['name'] == a['name'] and
           b['tags'] == a['tags'], 'PATCH changes only what it names')
    for body, field, status in (({'currency': 'gbp'}, 'currency', 422),
                                ({'revenue': -1}, 'revenue', 422),
                                ({'revenue': '12'}, 'revenue', 422),
                                ({'name': ''}, 'name', 422), ({'name': None}, 'name', 422),
                                ({'name': 7}, 'name', 422),
                                ({'parent_id': 999999}, 'parent_id', 422),
                                ({'parent_id': a['id']}, 'parent_id', 422),
                                ({'parent_id': 'x'}, 'parent_id', 422),
                                ({'id': 5}, 'id', 422), ({'notes': 'n' * 5000}, 'notes', 422),
                                ({'external_id': 'CRM-1001'}, 'external_id', 409)):
        err = c.call('PATCH', url, tok['admin'], body)
        expect(err[0] == status and err[1]['error']['field'] in (field, None),
               'PATCH %s: %s' % (body, err[1]))
        if status == 422:
            expect(err[1]['error']['field'] == field, 'PATCH %s: field %s' % (body, err[1]))
    expect(c.call('GET', url, tok['admin'])[1] == b, 'refused changes left a trace')
    expect_error(c.call('POST', '/api/v1/accounts', tok['admin'], {'owner': 'x'}), 422, 'name',
                 what='no name')
    st, body, _ = c.call('DELETE', url, tok['admin'])
    expect(st == 204, 'deleted')
    expect_error(c.call('GET', url, tok['admin']), 404, what='after delete')
    expect_error(c.call('DELETE', url, tok['admin']), 404, what='deleted twice')
    audit = pgcluster.query(db, "SELECT actor, target FROM audit_log"
                                " WHERE action = 'account-delete'")
    expect(('bot', 'Quill & Sons') in audit, 'the deletion is audited: %s' % audit)


def test_namesakes(c, d, tok):
    """A name another account has (ignoring case and spaces) is refused unless asked for;
    the two are then told apart on the account page, and a namesake can still change."""
    first = c.call('GET', '/api/v1/accounts?limit=1', tok['admin'])[1]['items'][0]
    taken = '  ' + first['name'].upper() + ' '
    err = expect_error(c.call('POST', '/api/v1/accounts', tok['admin'], {'name': taken}), 409,
                       'name', what='a taken name')
    expect('allow_same_name' in err['message'] and str(first['id']) in err['message'],
           'the refusal names the other account and the way to keep both: %s' % err)
    expect_error(c.call('POST', '/api/v1/accounts', tok['admin'],
                        {'name': taken, 'allow_same_name': 'yes'}), 422, 'allow_same_name',
                 what='allow_same_name not a boolean')
    st, twin, _ = c.call('POST', '/api/v1/accounts', tok['admin'],
                         {'name': taken, 'allow_same_name': True})
    expect(st == 201, 'a second account of the name when asked: %d %s' % (st, twin))
    url = '/api/v1/accounts/%d' % twin['id']
    st, b, _ = c.call('PATCH', url, tok['admin'], {'revenue': 5})
    expect(st == 200 and b['revenue'] == 5, 'a namesake changes without asking again')
    st, other, _ = c.call('POST', '/api/v1/accounts', tok['admin'], {'name': 'Namesake Test'})
    expect(st == 201, 'another account')
    other_url = '/api/v1/accounts/%d' % other['id']
    expect_error(c.call('PATCH', other_url, tok['admin'], {'name': first['name'].lower()}),
                 409, 'name', what='renamed to a taken name')
    expect(c.call('GET', other_url, tok['admin'])[1]['name'] == 'Namesake Test',
           'the refused rename wrote nothing')
    session, _ = sign_in(c)
    st, _, html = c.raw('GET', '/accounts/%d' % twin['id'], headers={'Cookie': session})
    html = html.decode()
    label = '%s [#%d]' % (twin['name'], twin['id'])
    expect(st == 200 and '<h1>%s</h1>' % label.replace('&', '&amp;') in html,
           'the account page tells the namesake apart: %s' % re.findall('<h1>.*?</h1>', html))
    expect('Another account has this name' in html and
           'href="/accounts/%d"' % first['id'] in html, 'and links to the other one')
    for u in (url, other_url):
        expect(c.call('DELETE', u, tok['admin'])[0] == 204, 'removed again')


def test_bodies(c, tok):
    url = '/api/v1/accounts'
    err = expect_error(c.call('POST', url, tok['admin'], '{"name": "x",\n "owner": }',
                              'application/json'), 400, what='malformed')
    expect(re.search(r'line 2, column \d+', err['message']), 'position: ' + err['message'])
    expect_error(c.call('POST', url, tok['admin'], '', 'application/json'), 400, what='empty')
    expect_error(c.call('POST', url, tok['admin'], '[1]', 'application/json'), 422, what='array')
    expect_error(c.call('POST', url, tok['admin'], '{"name": "a", "name": "b"}',
                        'application/json'), 400, what='duplicate keys')
    deep = '{"name": ' + '[' * 40 + ']' * 40 + '}'
    expect_error(c.call('POST', url, tok['admin'], deep, 'application/json'), 400,
                 contains='nested', what='deep')
    expect_error(c.call('POST', url, tok['admin'], '{"name": "x"}', 'text/plain'), 415,
                 what='text/plain')
    expect_error(c.call('POST', url, tok['admin'], 'name=x',
                        'application/x-www-form-urlencoded'), 415, what='form')
    expect_error(c.call('POST', url, tok['admin'], '{"name": "x"}'), 415, what='no type')
    st, a, _ = c.call('POST', url, tok['admin'], '{"name": "Typed"}',
                      'application/json; charset=utf-8')
    expect(st == 201, 'charset parameter accepted')
    c.call('DELETE', '/api/v1/accounts/%d' % a['id'], tok['admin'])
    big = json.dumps({'name': 'x', 'notes': 'n' * (1024 * 1024 + 10)})
    expect_error(c.call('POST', url, tok['admin'], big, 'application/json'), 413, what='huge')
    expect_error(c.call('POST', url, tok['admin'], '{"name": "\\u0000"}', 'application/json'),
                 400, what='NUL')
    # jansson quotes the bytes near a fault, which may end inside a character: the answer is
    # still the error object, with U+FFFD for the broken bytes.
    err = expect_error(c.call('POST', url, tok['admin'], b'{"one\\\xcf\x84": 1}',
                              'application/json'), 400, contains='Malformed JSON',
                       what='a fault inside a character')
    expect(err['code'] == 'bad_request' and '\ufffd' in err['message'], err)


def test_ownership(c, d, tok):
    mine = cli_json(d, 'account', 'list', '--owner', 'Priya Shah')
    theirs = cli_json(d, 'account', 'list', '--owner', 'Tom Becker')
    st, page, _ = c.call('GET', '/api/v1/accounts?limit=500', tok['priya'])
    expect(page['items'] == mine and page['total'] == len(mine), "a manager's list")
    st, page, _ = c.call('GET', '/api/v1/accounts?owner=Tom%20Becker', tok['priya'])
    expect(page['total'] == 0 and page['items'] == [], "another owner's filter")
    st, m, _ = c.call('GET', '/api/v1/matrix', tok['priya'])
    expect(m['items'] == cli_json(d, 'matrix', '--owner', 'Priya Shah'), "a manager's matrix")
    st, m, _ = c.call('GET', '/api/v1/matrix?owner=Tom%20Becker', tok['priya'])
    expect(m['items'] == [] and m['total'] == 0, "another owner's matrix")
    missing = c.call('GET', '/api/v1/accounts/999999', tok['priya'])
    t = theirs[0]['id']
    for method, path, body in (('GET', '', None), ('PATCH', '', {'revenue': 1}),
                               ('DELETE', '', None), ('GET', '/score', None),
                               ('GET', '/explanation', None), ('GET', '/history', None),
                               ('GET', '/stakeholders', None),
                               ('POST', '/stakeholders', {'name': 'Spy'}),
                               ('GET', '/assessments', None),
                               ('POST', '/assessments', {'self': 'x', 'answers': {'INT01': 1}})):
        got = c.call(method, '/api/v1/accounts/%d%s' % (t, path), tok['priya'], body)
        expect(got[0] == 404 and got[1] == missing[1],
               "%s another's account%s: %d %s" % (method, path, got[0], got[1]))
    st, a, _ = c.call('POST', '/api/v1/accounts', tok['priya'], {'name': 'Priya Test'})
    expect(st == 201 and a['owner'] == 'Priya Shah', "a manager's new account is theirs")
    expect_error(c.call('POST', '/api/v1/accounts', tok['priya'],
                        {'name': 'Gift', 'owner': 'Tom Becker'}), 403, 'owner', what='gift')
    expect_error(c.call('PATCH', '/api/v1/accounts/%d' % a['id'], tok['priya'],
                        {'owner': 'Tom Becker'}), 403, 'owner', what='hand over')
    expect_error(c.call('PATCH', '/api/v1/accounts/%d' % a['id'], tok['priya'],
                        {'parent_id': t}), 422, 'parent_id', what="another's parent")
    st, b, _ = c.call('PATCH', '/api/v1/accounts/%d' % a['id'], tok['priya'], {'region': 'DACH'})
    expect(st == 200 and b['region'] == 'DACH', 'a manager edits their own')
    st, _, _ = c.call('DELETE', '/api/v1/accounts/%d' % a['id'], tok['priya'])
    expect(st == 204, 'a manager removes their own')
    st, page, _ = c.call('GET', '/api/v1/accounts?limit=500', tok['tom'])
    expect(page['items'] == theirs, "the other manager's list")

    for method, path, body in (('POST', '/api/v1/accounts', {'name': 'V'}),
                               ('PATCH', '/api/v1/accounts/%d' % t, {'revenue': 1}),
                               ('DELETE', '/api/v1/accounts/%d' % t, None),
                               ('POST', '/api/v1/accounts/%d/stakeholders' % t, {'name': 'V'}),
                               ('DELETE', '/api/v1/accounts/%d/stakeholders/1' % t, None),
                               ('POST', '/api/v1/accounts/%d/assessments' % t,
                                {'self': 'V', 'answers': {'INT01': 1}}),
                               ('POST', '/api/v1/imports?kind=accounts', 'name\nV\n')):
        got = c.call(method, path, tok['viewer'], body,
                     'text/csv' if isinstance(body, str) else None)
        expect(got[0] == 403, 'a viewer %s %s: %d' % (method, path, got[0]))
    expect(len(cli_json(d, 'account', 'list')) == len(c.call(
        'GET', '/api/v1/accounts?limit=500', tok['viewer'])[1]['items']), 'viewer sees all')


def test_imports(c, d, tok):
    n = len(cli_json(d, 'account', 'list'))
    text = 'Account Name,Account ID,Owner,Annual Revenue\nImp One,IMP-1,Priya Shah,1000\n' \
           'Imp Two,IMP-2,Priya Shah,2000\n'
    st, r, _ = c.call('POST', '/api/v1/imports?kind=accounts&dry_run=1', tok['admin'], text,
                      'text/csv')
    expect(st == 200 and r['dry_run'] and r['rows'] == 2 and r['added'] == 2, 'dry run: %s' % r)
    expect([x['field'] for x in r['columns']] == ['name', 'external_id', 'owner', 'revenue'],
           'column mapping: %s' % r['columns'])
    expect(len(cli_json(d, 'account', 'list')) == n, 'a dry run wrote')
    st, r, _ = c.call('POST', '/api/v1/imports?kind=accounts', tok['admin'], text, 'text/csv')
    expect(st == 201 and not r['dry_run'] and r['added'] == 2, 'import: %s' % r)
    expect(len(cli_json(d, 'account', 'list')) == n + 2, 'the import did not write')
    bad = 'name,revenue\nGood,1\nBad,lots\n'
    err = expect_error(c.call('POST', '/api/v1/imports?kind=accounts', tok['admin'], bad,
                              'text/csv'), 422, 'revenue', what='bad row')
    expect(err['message'].startswith('upload.csv:3:'), 'row position: ' + err['message'])
    expect(len(cli_json(d, 'account', 'list')) == n + 2, 'a failed import wrote')
    expect_error(c.call('POST', '/api/v1/imports?kind=accounts', tok['admin'],
                        'name\n"open\n', 'text/csv'), 422, what='bad CSV')
    expect_error(c.call('POST', '/api/v1/imports?kind=accounts', tok['admin'], text,
                        'application/json'), 415, what='import as JSON')
    expect_error(c.call('POST', '/api/v1/imports', tok['admin'], text, 'text/csv'), 422, 'kind',
                 what='no kind')
    expect_error(c.call('POST', '/api/v1/imports?kind=accounts&map=Nope', tok['admin'], text,
                        'text/csv'), 422, 'map', what='bad map')
    st, r, _ = c.call('POST', '/api/v1/imports?kind=accounts&dry_run=1&map=Label%3Dname',
                      tok['admin'], 'Label\nMapped\n', 'text/csv')
    expect(st == 200 and r['columns'][0]['field'] == 'name', 'map: %s' % r)
    # A manager imports only into their own accounts.
    got = c.call('POST', '/api/v1/imports?kind=accounts', tok['priya'],
                 'name,owner\nSneaky,Tom Becker\n', 'text/csv')
    expect(got[0] == 422, 'a manager imported for another owner: %s' % (got[1],))
    st, r, _ = c.call('POST', '/api/v1/imports?kind=accounts', tok['priya'], 'name\nMine\n',
                      'text/csv')
    expect(st == 201, 'a manager imports their own: %s' % r)
    acc = [a for a in cli_json(d, 'account', 'list') if a['name'] == 'Mine']
    expect(acc and acc[0]['owner'] == 'Priya Shah', "the import took the manager's name")


def sign_in(c):
    """Sign in as the admin through the form, as a browser does: (session cookie, origin)."""
    st, hdrs, _ = c.raw('GET', '/signin')
    cookie = hdrs.get('set-cookie', '').split(';')[0]
    expect(st == 200 and cookie.startswith('cvom_csrf='),
           'the sign-in page sets the pre-session cookie to sign in with: %d %s' % (st, hdrs))
    pre = cookie.split('=', 1)[1]
    origin = 'http://127.0.0.1:%d' % c.port
    form = 'name=bot&password=correct+horse+battery&csrf=' + pre
    st, hdrs, _ = c.raw('POST', '/signin', form, {'Content-Type':
                                                  'application/x-www-form-urlencoded',
                                                  'Cookie': cookie, 'Origin': origin})
    session = hdrs.get('set-cookie', '').split(';')[0]
    expect(st == 303 and session.startswith('cvom_session='), 'sign-in: %d %s' % (st, hdrs))
    return session, origin


def test_session(c, d, tok):
    """A browser session reads the API, and must send its CSRF token to write."""
    session, origin = sign_in(c)
    st, page, _ = c.call('GET', '/api/v1/accounts', headers={'Cookie': session})
    expect(st == 200 and page['total'] > 0, 'a session reads the API')
    err = expect_error(c.call('POST', '/api/v1/accounts', body={'name': 'x'},
                              headers={'Cookie': session, 'Origin': origin}), 403,
                       what='session write without CSRF')
    expect(err['code'] == 'csrf', 'the CSRF refusal says so: %s' % err)
    # The Cookie header is read by RFC 6265: among other cookies, with blanks or quotes around
    # the value, the first of two; a name in another case is another cookie.
    name, value = session.split('=', 1)
    for header, signed_in in (('theme=dark;%s=%s; lang=en' % (name, value), True),
                              ('%s = "%s" ;x' % (name, value), True),
                              ('%s; %s=stale' % (session, name), True),
                              ('%s=stale; %s' % (name, session), False),
                              ('%s=%s' % (name.upper(), value), False)):
        st, _, _ = c.call('GET', '/api/v1/accounts', headers={'Cookie': header})
        expect(st == (200 if signed_in else 401), 'Cookie: %s gave %d' % (header, st))


def test_plans(c, d, tok):
    """Action plans, what-if and offerings: each answer against the command line's."""
    aid = next(a['id'] for a in cli_json(d, 'account', 'list') if a['owner'] == 'Priya Shah')
    url = '/api/v1/accounts/%d/actions' % aid
    st, got, _ = c.call('POST', url, tok['priya'], {'title': 'Benchmark study', 'owner': 'Jo',
                                                    'due': '2030-06-30', 'axis': 'intellectual',
                                                    'effect': 12.5, 'cost': 800})
    expect(st == 201 and got['title'] == 'Benchmark study', 'action added: %d %s' % (st, got))
    st, other, _ = c.call('POST', url, tok['admin'], {'title': 'Dinner', 'axis': 'emotional',
                                                      'effect': -4})
    expect(st == 201, 'an admin adds an action to any account: %d' % st)
    for body, field in (({'owner': 'x'}, 'title'), ({'title': 'x', 'effect': 3}, 'effect'),
                        ({'title': 'x', 'axis': 'both'}, 'axis'),
                        ({'title': 'x', 'cost': '5'}, 'cost'),
                        ({'title': 'x', 'due': 'soon'}, 'due'), ({'title': 'x', 'when': 1}, 'when')):
        expect_error(c.call('POST', url, tok['priya'], body), 422, field, what=str(body))
    expect_error(c.call('POST', url, tok['tom'], {'title': 'x'}), 404, what='another manager')
    expect_error(c.call('POST', url, tok['viewer'], {'title': 'x'}), 403, what='viewer')
    st, page, _ = c.call('GET', url, tok['viewer'])
    expect(st == 200 and page['items'] == cli_json(d, 'action', 'list', str(aid)),
           'the plan is `cvom action list`: %s' % page)
    st, page, _ = c.call('GET', url + '?status=done', tok['viewer'])
    expect(st == 200 and page['total'] == 0, 'nothing is done yet')
    q = '?action=%d&action=%d' % (got['id'], other['id'])
    st, w, _ = c.call('GET', '/api/v1/accounts/%d/whatif%s' % (aid, q), tok['viewer'])
    want = cli_json(d, 'whatif', str(aid), '--action', str(got['id']), '--action',
                    str(other['id']))
    expect(st == 200, 'whatif: %d %s' % (st, w))
    close(w, want, where='whatif')
    expect_error(c.call('GET', '/api/v1/accounts/%d/whatif?action=999999' % aid,
                        tok['viewer']), 422, 'action', what='whatif of no such action')
    st, done, _ = c.call('POST', '/api/v1/actions/%d' % other['id'], tok['priya'],
                         {'status': 'done', 'date': '2031-01-01'})
    expect(st == 200 and done['status'] == 'done' and done['done'] == '2031-01-01',
           'marked done: %d %s' % (st, done))
    # Done again (a retry whose answer was lost) is no error and changes nothing.
    st, again, _ = c.call('PATCH', '/api/v1/actions/%d' % other['id'], tok['priya'],
                          {'status': 'done'})
    expect(st == 200 and again == done, 'done twice: %d %s' % (st, again))
    st, one, hdrs = c.call('GET', '/api/v1/actions/%d' % other['id'], tok['viewer'])
    expect(st == 200 and one == done and hdrs.get('etag'), 'one action: %d %s' % (st, one))
    expect_error(c.call('POST', '/api/v1/actions/%d' % other['id'], tok['tom'],
                        {'status': 'open'}), 404, what="another manager's action")
    st, cat, _ = c.call('GET', '/api/v1/offerings', tok['viewer'])
    expect(st == 200 and cat['items'] == cli_json(d, 'offering', 'list'),
           'the catalogue is `cvom offering list`')
    code = cat['items'][0]['code']
    st, rt, _ = c.call('PUT', '/api/v1/accounts/%d/ratings/%s' % (aid, code), tok['priya'],
                       {'importance': 2, 'performance': 6.5, 'cost': 1200})
    expect(st == 200 and rt['ip_quadrant'] == 'overkill' and rt['unvalued'] == 'yes',
           'rated: %d %s' % (st, rt))
    row = [x for x in cli_json(d, 'offering', 'ratings', str(aid)) if x['code'] == code]
    expect(row and row[0]['ip_quadrant'] == 'overkill' and row[0]['cost'] == 1200,
           'the CLI sees the rating: %s' % row)
    expect_error(c.call('PUT', '/api/v1/accounts/%d/ratings/%s' % (aid, code), tok['priya'],
                        {'importance': 9, 'performance': 4}), 422, 'importance',
                 what='importance out of range')


def test_signals(c, d, tok):
    """Signals and the network ledger: each answer against the command line's."""
    st, page, _ = c.call('GET', '/api/v1/signals', tok['viewer'])
    expect(st == 200 and page['items'] == cli_json(d, 'signal', 'list'),
           'the signals are `cvom signal list`: %s' % page)
    aid = next(a['id'] for a in cli_json(d, 'account', 'list') if a['owner'] == 'Priya Shah')
    url = '/api/v1/accounts/%d/network' % aid
    st, got, _ = c.call('POST', url, tok['priya'], {'kind': 'introduction', 'title':
                                                    'Met a peer <i>CFO</i>', 'date': '2026-10-01',
                                                    'rating': 4})
    expect(st == 201 and got['rating'] == 4 and got['kind'] == 'introduction',
           'ledger entry added: %d %s' % (st, got))
    st, unrated, _ = c.call('POST', url, tok['admin'], {'kind': 'event', 'title': 'Forum'})
    expect(st == 201 and unrated['rating'] is None, 'an unrated entry: %d %s' % (st, unrated))
    for body, field in (({'title': 'x'}, 'kind'), ({'kind': 'event'}, 'title'),
                        ({'kind': 'event', 'title': 'x', 'rating': 6}, 'rating'),
                        ({'kind': 'event', 'title': 'x', 'rating': '4'}, 'rating'),
                        ({'kind': 'event', 'title': 'x', 'date': 'soon'}, 'date'),
                        ({'kind': 'event', 'title': 'x', 'when': 1}, 'when')):
        expect_error(c.call('POST', url, tok['priya'], body), 422, field, what=str(body))
    expect_error(c.call('POST', url, tok['tom'], {'kind': 'event', 'title': 'x'}), 404,
                 what='another manager')
    expect_error(c.call('POST', url, tok['viewer'], {'kind': 'event', 'title': 'x'}), 403,
                 what='viewer')
    st, page, _ = c.call('GET', url, tok['viewer'])
    want = [{k: v for k, v in e.items() if k != 'account'}
            for e in cli_json(d, 'network', 'list', str(aid))]
    expect(st == 200 and page['items'] == want, 'the ledger is `cvom network list`: %s' % page)
    # Signal values through the import API: a manager's own accounts only, all or nothing.
    other = next(a['id'] for a in cli_json(d, 'account', 'list') if a['owner'] == 'Tom Becker')
    before = len(cli_json(d, 'signal', 'values'))
    body = 'account,signal,value,date\n%d,nps,42,2026-11-01\n' % aid
    st, r, _ = c.call('POST', '/api/v1/imports?kind=signals', tok['priya'], body, 'text/csv')
    expect(st == 201 and r['added'] == 1, 'signal values imported: %d %s' % (st, r))
    rows = [v for v in cli_json(d, 'signal', 'values', str(aid))
            if v['signal'] == 'nps' and v['date'] == '2026-11-01']
    expect(rows and rows[0]['value'] == 42, 'the imported value: %s' % rows)
    body += '%d,nps,10,2026-11-01\n' % other
    err = expect_error(c.call('POST', '/api/v1/imports?kind=signals', tok['priya'], body,
                              'text/csv'), 422, 'account', what="another manager's account")
    expect(err and err['message'].startswith('upload.csv:3:'), 'row position: %s' % err)
    expect(len(cli_json(d, 'signal', 'values')) == before + 1, 'a failed import wrote')


def test_blank_manager(c, d, tok):
    """A manager without a display name sees and imports nothing."""
    unowned = min(a['id'] for a in cli_json(d, 'account', 'list'))
    st, page, _ = c.call('GET', '/api/v1/accounts', tok['blank'])
    expect(st == 200 and page['total'] == 0, 'a blank manager lists no account: %s' % page)
    st, page, _ = c.call('GET', '/api/v1/matrix', tok['blank'])
    expect(st == 200 and not page.get('items'), 'a blank manager has an empty matrix')
    expect_error(c.call('GET', '/api/v1/accounts/%d' % unowned, tok['blank']), 404,
                 what='an unowned account is not a blank manager\'s')
    st, _, _ = c.call('POST', '/api/v1/imports?kind=signals', tok['blank'],
                      body=b'account,signal,value\n1,nps,5\n', ctype='text/csv')
    expect(st == 403, 'a blank manager cannot import: %d' % st)


def main():
    with tempfile.TemporaryDirectory() as d:
        db = LOCATION or os.path.join(d, 'api.db')
        cli(d, 'demo')
        users = {'admin': ('bot', 'admin', None), 'viewer': ('viewer', 'viewer', None),
                 'priya': ('priya', 'manager', 'Priya Shah'),
                 'tom': ('tom', 'manager', 'Tom Becker'), 'blank': ('blank', 'manager', None)}
        tok = {}
        for key, (name, role, display) in users.items():
            cli(d, 'user', 'add', name, '--role', role, '--password-stdin',
                *(['--display', display] if display else []), stdin='correct horse battery\n')
            tok[key] = cli(d, 'token', 'create', 'test-' + name, '--user', name).strip()
        # A manager whose display name went blank (the command line refuses to do that; the
        # database can be changed behind its back) owns nothing, not the unowned accounts.
        p = subprocess.run([CVOM, '--db', db, 'user', 'set', 'blank', '--display', ''],
                           capture_output=True, text=True)
        expect(p.returncode == 3 and 'display' in p.stderr, 'an empty display name refused')
        pgcluster.execute(db, "update users set display = '' where name = 'blank';"
                          " update accounts set owner = ''"
                          " where id = (select min(id) from accounts)")
        proc, port = start(d)
        c = Client(port)
        try:
            test_public_and_auth(c, tok)
            test_accounts_read(c, d, tok)
            test_scores(c, d, tok)
            test_groups(c, d, tok)
            test_score_file(c, d, tok)
            test_analytics(c, d, tok)
            test_stakeholders_and_assessments(c, d, tok)
            test_stakeholder_edits(c, d, tok)
            test_account_writes(c, d, tok, db)
            test_namesakes(c, d, tok)
            test_bodies(c, tok)
            test_ownership(c, d, tok)
            test_imports(c, d, tok)
            test_plans(c, d, tok)
            test_signals(c, d, tok)
            test_blank_manager(c, d, tok)
            test_session(c, d, tok)
        finally:
            stop(proc, d)
        ops = {(m.upper(), p) for p, item in SPEC['paths'].items() for m in item
               if m in ('get', 'post', 'patch', 'delete')}
        untried = ops - {(m, p) for m, p, s in described if 200 <= s < 300}
        expect(not untried, 'no success path tried for %s' % sorted(untried))
        print('web_api: %d checks passed' % checks)
        return 0


def run(main):
    """Exit with main's status, or with 1 after printing the first expectation that failed."""
    try:
        sys.exit(main())
    except AssertionError as e:
        print('FAIL: %s' % e)
        sys.exit(1)


if __name__ == '__main__':
    run(main)
