#!/usr/bin/env python3
"""The contract of the JSON API that scripts rely on, through real servers on 127.0.0.1 and a
real HTTP client: every list pages the same way (and its Link leads through all of it), an
unknown query parameter or filter value is a 422 naming it, ETag and 304 on every GET,
If-Match on every PATCH and DELETE, Idempotency-Key on POST (kept in the database: a second
server on the same database answers the retry; a different request under the key is 422; keys
expire), accounts by external id, Location on every 201, every import kind of the command
line with the line and column of a bad row, 401 with WWW-Authenticate, a JSON 404 for an
unknown path, X-Request-Id on every answer and in the access log with the path.
    usage: web_contract.py PATH/TO/cvom [--db LOCATION]   (default: a new SQLite file)"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import web_api as api  # noqa: E402  (the client, the schema checker, the server)
from web_api import expect, expect_error, cli, cli_json  # noqa: E402

LIST_OPS = ['/api/v1/accounts', '/api/v1/accounts/{id}/stakeholders',
            '/api/v1/accounts/{id}/assessments', '/api/v1/accounts/{id}/history',
            '/api/v1/matrix', '/api/v1/instruments', '/api/v1/accounts/{id}/actions',
            '/api/v1/offerings', '/api/v1/signals', '/api/v1/accounts/{id}/network']


def start(d, name, db):
    """A server with its own port file and access log."""
    port_file = os.path.join(d, name + '.port')
    log = open(os.path.join(d, name + '.log'), 'w')
    access = os.path.join(d, name + '.access.log')
    proc = subprocess.Popen([api.CVOM, '--db', db, 'serve', '--listen', '127.0.0.1:0',
                             '--port-file', port_file, '--access-log', access], cwd=d,
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read()), access
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    api.fail('the server did not start: ' + open(os.path.join(d, name + '.log')).read())


def stop(proc, d, name):
    proc.terminate()
    proc.wait(timeout=30)
    log = open(os.path.join(d, name + '.log')).read()
    expect(proc.returncode == 0, '%s exited %d: %s' % (name, proc.returncode, log[-2000:]))
    expect('ERROR: AddressSanitizer' not in log and 'runtime error' not in log,
           'the sanitizers complained:\n' + log[-4000:])


def link_next(hdrs):
    m = re.fullmatch(r'<([^>]+)>; rel="next"', hdrs.get('link', ''))
    return m.group(1) if m else None


def test_paging(c, tok, aid):
    for template in LIST_OPS:
        path = template.replace('{id}', str(aid))
        st, whole, hdrs = c.call('GET', path + '?limit=500', tok['viewer'])
        expect(st == 200 and set(('items', 'total', 'limit', 'offset', 'has_more')) <= set(whole),
               '%s: the shape of a list: %s' % (path, sorted(whole or {})))
        expect(whole['total'] == len(whole['items']) and not whole['has_more'] and
               'link' not in hdrs, '%s: all of it in one page' % path)
        # Page by page, following the Link: the same items in the same order.
        seen, url, pages = [], path + '?limit=2', 0
        while url and pages <= whole['total']:
            st, page, hdrs = c.call('GET', url, tok['viewer'])
            expect(st == 200 and page['limit'] == 2, '%s: %d %s' % (url, st, page))
            seen += page['items']
            expect(page['has_more'] == (link_next(hdrs) is not None),
                   '%s: has_more and Link disagree' % url)
            url, pages = link_next(hdrs), pages + 1
        expect(seen == whole['items'], '%s: following Link gives another list' % path)
        if template != '/api/v1/matrix':
            for bad in ('limit=0', 'limit=501', 'limit=x'):
                expect_error(c.call('GET', '%s?%s' % (path, bad), tok['viewer']), 422, 'limit',
                             what='%s?%s' % (path, bad))
        expect_error(c.call('GET', path + '?offset=-1', tok['viewer']), 422, 'offset',
                     what=path + ' offset')
    # The Link keeps the filters.
    st, page, hdrs = c.call('GET', '/api/v1/accounts?owner=Priya%20Shah&limit=1', tok['viewer'])
    expect(link_next(hdrs) == '/api/v1/accounts?owner=Priya%20Shah&limit=1&offset=1',
           'the Link keeps the filter: %s' % hdrs.get('link'))


def test_no_silent_filters(c, tok, aid):
    # The filter the account list does not have is refused, not ignored.
    expect_error(c.call('GET', '/api/v1/accounts?quadrant=partnership', tok['viewer']), 422,
                 'quadrant', what='accounts by quadrant')
    expect_error(c.call('GET', '/api/v1/matrix?quadrant=partner', tok['viewer']), 422,
                 'quadrant', what='an unknown quadrant')
    expect_error(c.call('GET', '/api/v1/accounts/%d/actions?status=closed' % aid,
                        tok['viewer']), 422, 'status', what='an unknown status')
    # Every operation of the description refuses a parameter it does not list.
    for path, item in api.SPEC['paths'].items():
        for method in ('get', 'post', 'put', 'patch', 'delete'):
            if method not in item:
                continue
            url = path.replace('{id}', str(aid)).replace('{sid}', '1').replace(
                '{offering}', 'X') + '?colour=blue'
            got = c.call(method.upper(), url, tok['admin'], {} if method != 'get' else None)
            expect_error(got, 422, 'colour', what='%s %s' % (method, url))
    expect_error(c.call('GET', '/api/v1/accounts?owner=%ZZ', tok['viewer']), 422, 'query',
                 what='a malformed query string')


def test_tags(c, tok, aid):
    singles = ['/api/v1/accounts/%d' % aid, '/api/v1/accounts/%d/score' % aid,
               '/api/v1/accounts/%d/explanation' % aid, '/api/v1/instruments/1',
               '/api/v1/accounts/%d/whatif' % aid, '/api/v1/matrix', '/api/v1/accounts']
    for path in singles:
        st, body, hdrs = c.call('GET', path, tok['viewer'])
        tag = hdrs.get('etag')
        expect(st == 200 and tag and tag.startswith('"'), '%s: ETag %r' % (path, tag))
        st, _, hdrs2 = c.call('GET', path, tok['viewer'], headers={'If-None-Match': tag})
        expect(st == 304 and hdrs2.get('etag') == tag, '%s: If-None-Match: %d' % (path, st))
        st, _, _ = c.call('GET', path, tok['viewer'],
                          headers={'If-None-Match': 'W/"nope", ' + tag})
        expect(st == 304, '%s: a list of tags: %d' % (path, st))
        st, again, _ = c.call('GET', path, tok['viewer'], headers={'If-None-Match': '"nope"'})
        expect(st == 200 and again == body, '%s: another tag: %d' % (path, st))


def test_score_moves_tag(c, tok, aid):
    """An account's tag follows its answer, not only its version: a new assessment changes
    the score, and If-None-Match must not call the old answer current."""
    url = '/api/v1/accounts/%d' % aid
    st, before, hdrs = c.call('GET', url, tok['viewer'])
    s = c.call('POST', url + '/stakeholders', tok['admin'], {'name': 'Late Voice'})[1]
    codes = [it['code'] for it in c.call('GET', '/api/v1/instruments/1', tok['viewer'])[1]['items']]
    st, _, _ = c.call('POST', url + '/assessments', tok['admin'],
                      {'stakeholder_id': s['id'], 'answers': {k: 1 for k in codes}})
    st, after, h2 = c.call('GET', url, tok['viewer'], headers={'If-None-Match': hdrs['etag']})
    expect(st == 200 and after != before and h2['etag'] != hdrs['etag'],
           'a changed score answered 304 or kept its tag: %d' % st)
    expect(h2['etag'].split('-')[0] == hdrs['etag'].split('-')[0],
           'the version part stays: %s %s' % (hdrs['etag'], h2['etag']))
    st, _, _ = c.call('PATCH', url, tok['admin'], {'region': after['region']},
                      headers={'If-Match': hdrs['etag']})
    expect(st == 200, 'If-Match reads the version: the older answer\'s tag still names it: %d' % st)


def test_if_match(c, d, tok):
    st, a, hdrs = c.call('POST', '/api/v1/accounts', tok['admin'], {'name': 'Tagged Ltd'})
    url = '/api/v1/accounts/%d' % a['id']
    tag = c.call('GET', url, tok['viewer'])[2]['etag']
    expect_error(c.call('PATCH', url, tok['admin'], {'region': 'X'}, headers={'If-Match': '"99"'}),
                 412, what='PATCH with an old tag')
    st, _, hdrs = c.call('PATCH', url, tok['admin'], {'region': 'Y'}, headers={'If-Match': tag})
    expect(st == 200 and hdrs['etag'] != tag, 'PATCH with the tag: %d' % st)
    expect_error(c.call('DELETE', url, tok['admin'], headers={'If-Match': tag}), 412,
                 what='DELETE with an old tag')
    expect(c.call('GET', url, tok['viewer'])[0] == 200, 'a refused DELETE removed the account')
    st, _, _ = c.call('DELETE', url, tok['admin'], headers={'If-Match': hdrs['etag']})
    expect(st == 204 and c.call('GET', url, tok['viewer'])[0] == 404, 'DELETE: %d' % st)
    # A stakeholder's tag is its GET's.
    aid = cli_json(d, 'account', 'list')[0]['id']
    st, s, hdrs = c.call('POST', '/api/v1/accounts/%d/stakeholders' % aid, tok['admin'],
                         {'name': 'Tag Holder'})
    surl = hdrs['location']
    expect(st == 201 and surl == '/api/v1/accounts/%d/stakeholders/%d' % (aid, s['id']),
           'the stakeholder Location: %s' % surl)
    st, got, hdrs = c.call('GET', surl, tok['viewer'])
    expect(st == 200 and got == s, 'GET the Location: %d' % st)
    expect_error(c.call('DELETE', surl, tok['admin'], headers={'If-Match': '"00"'}), 412,
                 what='DELETE a stakeholder with another tag')
    st, _, _ = c.call('DELETE', surl, tok['admin'], headers={'If-Match': hdrs['etag']})
    expect(st == 204, 'DELETE a stakeholder with its tag: %d' % st)
    # An action: PATCH with an old version is 412, done again is 200.
    st, act, hdrs = c.call('POST', '/api/v1/accounts/%d/actions' % aid, tok['admin'],
                           {'title': 'Call back'})
    aurl = hdrs['location']
    st, got, hdrs = c.call('GET', aurl, tok['viewer'])
    expect(st == 200 and got == act and hdrs['etag'].startswith('"1-'),
           'GET the action, its version in its tag: %s %s' % (got, hdrs['etag']))
    st, done, h2 = c.call('PATCH', aurl, tok['admin'], {'status': 'done'},
                          headers={'If-Match': hdrs['etag']})
    expect(st == 200 and done['status'] == 'done', 'PATCH done: %d' % st)
    expect_error(c.call('PATCH', aurl, tok['admin'], {'status': 'open'},
                        headers={'If-Match': hdrs['etag']}), 412, what='PATCH on an old version')
    st, again, _ = c.call('PATCH', aurl, tok['admin'], {'status': 'done'})
    expect(st == 200 and again == done, 'done twice answers 200 unchanged: %d' % st)


def count_accounts(d):
    return len(cli_json(d, 'account', 'list'))


def test_idempotency(c, c2, d, db, tok):
    n = count_accounts(d)
    key = {'Idempotency-Key': 'create-once-1'}
    body = {'name': 'Once Only', 'external_id': 'ONCE-1'}
    st, first, h1 = c.call('POST', '/api/v1/accounts', tok['admin'], body, headers=key)
    expect(st == 201 and h1['location'] == '/api/v1/accounts/%d' % first['id'],
           'the first POST: %d %s' % (st, h1.get('location')))
    # The retry, to this server and to another on the same database: the first answer.
    for client in (c, c2):
        st, again, h2 = client.call('POST', '/api/v1/accounts', tok['admin'], body, headers=key)
        expect(st == 201 and again == first and h2['location'] == h1['location'],
               'a retry answers the first answer: %d %s' % (st, again))
    expect(count_accounts(d) == n + 1, 'a retry created another account')
    rows = api.pgcluster.query(db, 'select status, request from idempotency_keys')
    expect(len(rows) == 1 and rows[0][0] == '201' and len(rows[0][1]) == 64,
           'the key is kept in the database, as a digest: %s' % rows)
    expect('create-once-1' not in json.dumps(rows), 'the key itself is stored')
    # The same key with another body is refused; another user's key is their own.
    expect_error(c.call('POST', '/api/v1/accounts', tok['admin'], dict(body, name='Twice'),
                        headers=key), 422, 'Idempotency-Key', what='the key for another body')
    st, other, _ = c.call('POST', '/api/v1/accounts', tok['priya'], {'name': 'Priya Once'},
                          headers=key)
    expect(st == 201 and other['id'] != first['id'], "another user's key: %d" % st)
    # A request that failed keeps no key: it can be put right and sent again.
    bad = {'Idempotency-Key': 'fix-and-retry'}
    expect_error(c.call('POST', '/api/v1/accounts', tok['admin'], {'name': ''}, headers=bad),
                 422, 'name', what='a refused POST')
    st, fixed, _ = c.call('POST', '/api/v1/accounts', tok['admin'], {'name': 'Fixed'},
                          headers=bad)
    expect(st == 201, 'the corrected request under the same key: %d' % st)
    # Bounded keys.
    for k in ('x' * 256, 'two words'):
        expect_error(c.call('POST', '/api/v1/accounts', tok['admin'], {'name': 'K'},
                            headers={'Idempotency-Key': k}), 422, 'Idempotency-Key',
                     what='key %r' % k[:20])
    # Other kinds of POST: a stakeholder, an action and an import happen once.
    aid = first['id']
    for path, payload, ctype in (
            ('/api/v1/accounts/%d/stakeholders' % aid, {'name': 'Once'}, None),
            ('/api/v1/accounts/%d/actions' % aid, {'title': 'Once'}, None),
            ('/api/v1/imports?kind=accounts', 'name\nImported Once\n', 'text/csv')):
        h = {'Idempotency-Key': 'k-' + path}
        a1 = c.call('POST', path, tok['admin'], payload, ctype, headers=h)
        a2 = c2.call('POST', path, tok['admin'], payload, ctype, headers=h)
        expect(a1[0] == 201 and a1[:2] == a2[:2], '%s once: %s / %s' % (path, a1[:2], a2[:2]))
    expect(len(cli_json(d, 'stakeholder', 'list', str(aid))) == 1 and
           len(cli_json(d, 'action', 'list', str(aid))) == 1 and
           sum(a['name'] == 'Imported Once' for a in cli_json(d, 'account', 'list')) == 1,
           'a retried POST created a second record')
    # A day later the key is forgotten: the same key serves a new request.
    api.pgcluster.execute(db, 'update idempotency_keys set created = created - 90000')
    st, later, _ = c.call('POST', '/api/v1/accounts', tok['admin'], dict(body, name='Later',
                                                                          external_id='L-1'),
                          headers=key)
    expect(st == 201 and later['id'] != first['id'], 'an expired key: %d' % st)
    expect(len(api.pgcluster.query(db, 'select 1 from idempotency_keys where created < %d' %
                                   (time.time() - 86400))) == 0, 'expired keys are removed')


def test_addresses(c, d, tok):
    everyone = cli_json(d, 'account', 'list')
    acc = next(a for a in everyone if a['external_id'])
    by_id = c.call('GET', '/api/v1/accounts/%d' % acc['id'], tok['viewer'])
    by_ext = c.call('GET', '/api/v1/accounts/%s' % acc['external_id'], tok['viewer'])
    expect(by_id[0] == by_ext[0] == 200 and by_id[1] == by_ext[1], 'an account by external id')
    st, sh, _ = c.call('GET', '/api/v1/accounts/%s/stakeholders' % acc['external_id'],
                       tok['viewer'])
    expect(st == 200, 'a sub-resource by external id: %d' % st)
    expect_error(c.call('GET', '/api/v1/accounts/%s' % acc['name'].replace(' ', '%20'),
                        tok['viewer']), 404, what='an account by name is no address')
    expect_error(c.call('GET', '/api/v1/accounts/NO-SUCH-EXT', tok['viewer']), 404,
                 what='an unknown external id')
    aid = acc['id']
    # Location on every 201.
    for path, payload in (('/api/v1/accounts/%d/assessments' % aid, None),
                          ('/api/v1/accounts/%d/network' % aid,
                           {'kind': 'event', 'title': 'Forum'})):
        if payload is None:
            s = c.call('POST', '/api/v1/accounts/%d/stakeholders' % aid, tok['admin'],
                       {'name': 'Rater'})[1]
            codes = [it['code'] for it in c.call('GET', '/api/v1/instruments/1',
                                                 tok['viewer'])[1]['items']]
            payload = {'stakeholder_id': s['id'], 'answers': {k: 5 for k in codes}}
        st, _, hdrs = c.call('POST', path, tok['admin'], payload)
        expect(st == 201 and hdrs.get('location') == path, '%s: Location %s' %
               (path, hdrs.get('location')))
        expect(c.call('GET', hdrs['location'], tok['viewer'])[0] == 200, 'GET the Location')
    # Every import kind of the command line.
    st, r, hdrs = c.call('POST', '/api/v1/imports?kind=offerings', tok['admin'],
                         'code,name,category\nAPI-OFF,Offered by API,service\n', 'text/csv')
    expect(st == 201 and r['added'] == 1 and hdrs['location'] == '/api/v1/offerings',
           'offerings: %d %s' % (st, r))
    expect(any(o['code'] == 'API-OFF' for o in cli_json(d, 'offering', 'list')),
           'the CLI sees the imported offering')
    expect_error(c.call('POST', '/api/v1/imports?kind=offerings', tok['priya'],
                        'code,name\nP-OFF,Priya\n', 'text/csv'), 403,
                 what='a manager imports the catalogue')
    st, r, _ = c.call('POST', '/api/v1/imports?kind=ratings', tok['admin'],
                      'account,offering,importance,performance\n%d,API-OFF,6,3\n' % aid,
                      'text/csv')
    expect(st == 201 and r['added'] == 1, 'ratings: %d %s' % (st, r))
    st, r, _ = c.call('POST', '/api/v1/imports?kind=values', tok['admin'],
                      'account,value,rank\n%d,quality,1\n' % aid, 'text/csv')
    expect(st == 201 and r['added'] == 1, 'values: %d %s' % (st, r))
    err = expect_error(c.call('POST', '/api/v1/imports?kind=ratings', tok['admin'],
                              'account,offering,importance,performance\n%d,API-OFF,6,3\n'
                              '%d,API-OFF,9,3\n' % (aid, aid), 'text/csv'), 422, 'importance',
                       what='a bad rating')
    column = len('%d,API-OFF,' % aid) + 1  # where the bad cell starts, as the command line
    expect(err.get('line') == 3 and err.get('column') == column and
           err['message'].startswith('upload.csv:3:%d:' % column), 'line and column: %s' % err)


def test_edges(c, tok, access):
    for method, path in (('GET', '/api/v1/accounts'), ('POST', '/api/v1/accounts')):
        st, body, hdrs = c.call(method, path, body={'name': 'x'} if method == 'POST' else None)
        expect(st == 401 and hdrs.get('www-authenticate', '').startswith('Bearer'),
               '%s without a token: %d %s' % (path, st, hdrs.get('www-authenticate')))
    err = expect_error(c.call('GET', '/api/v1/nowhere', tok['viewer']), 404,
                       what='an unknown endpoint')
    expect('no such endpoint' in err['message'].lower(), 'the 404 says so: %s' % err)
    st, _, hdrs = c.call('GET', '/api/v1/accounts', tok['viewer'],
                         headers={'X-Request-Id': 'trace-42.a:b'})
    expect(hdrs.get('x-request-id') == 'trace-42.a:b', 'a sane id is echoed: %s' % hdrs)
    made = set()
    for bad in ('x' * 65, 'two words', '<script>'):
        st, _, hdrs = c.call('GET', '/api/v1/accounts', tok['viewer'],
                             headers={'X-Request-Id': bad})
        rid = hdrs.get('x-request-id', '')
        expect(re.fullmatch('[0-9a-f]{32}', rid), 'an id made for %r: %r' % (bad[:10], rid))
        made.add(rid)
    expect(len(made) == 3, 'each request gets an id of its own')
    for method, path, want in (('GET', '/api/v1/nowhere', 404), ('GET', '/healthz', 200),
                               ('GET', '/api/v1/accounts/1', 200)):
        st, hdrs, _ = c.raw(method, path, None, {'Authorization': 'Bearer ' + tok['viewer']})
        expect(st == want and re.fullmatch('[0-9a-f]{32}', hdrs.get('x-request-id', '')),
               '%s %s: X-Request-Id on every answer: %d %s' % (method, path, st, hdrs))
    # The access log: the path without its query string, and the request's id.
    c.call('GET', '/api/v1/accounts?owner=Secret%20Owner', tok['viewer'],
           headers={'X-Request-Id': 'logged-1'})
    c.raw('GET', '/setup/not-a-real-token-ABC')
    for _ in range(100):  # a line is written once its answer is sent
        lines = open(access).read().splitlines()
        if any(ln.endswith(' logged-1') for ln in lines) and \
                any('/setup/' in ln for ln in lines):
            break
        time.sleep(0.05)
    mine = [ln for ln in lines if ln.endswith(' logged-1')]
    expect(len(mine) == 1 and ' GET /api/v1/accounts 200 ' in mine[0] and
           'Secret' not in mine[0], 'the access log line: %s' % mine)
    expect(all(len(ln.split(' ')) == 9 for ln in lines), 'a line with another shape: %s' %
           [ln for ln in lines if len(ln.split(' ')) != 9][:2])
    expect(not any('not-a-real-token' in ln for ln in lines) and
           any(' /setup/{token} ' in ln for ln in lines), 'a secret in a path is logged')


def main():
    with tempfile.TemporaryDirectory() as d:
        db = api.LOCATION or os.path.join(d, 'api.db')
        cli(d, 'demo')
        tok = {}
        for key, name, role, display in (('admin', 'bot', 'admin', None),
                                          ('viewer', 'viewer', 'viewer', None),
                                          ('priya', 'priya', 'manager', 'Priya Shah')):
            cli(d, 'user', 'add', name, '--role', role, '--password-stdin',
                *(['--display', display] if display else []), stdin='correct horse battery\n')
            tok[key] = cli(d, 'token', 'create', 'test-' + name, '--user', name).strip()
        aid = next(a['id'] for a in cli_json(d, 'account', 'list')
                   if len(cli_json(d, 'stakeholder', 'list', str(a['id']))) >= 3)
        proc, port, access = start(d, 'one', db)
        proc2, port2, _ = start(d, 'two', db)
        c, c2 = api.Client(port), api.Client(port2)
        try:
            for i in range(3):
                c.call('POST', '/api/v1/accounts/%d/actions' % aid, tok['admin'],
                       {'title': 'Step %d' % i})
            for title in ('One', 'Two', 'Three'):
                c.call('POST', '/api/v1/accounts/%d/network' % aid, tok['admin'],
                       {'kind': 'event', 'title': title})
            test_paging(c, tok, aid)
            test_no_silent_filters(c, tok, aid)
            test_tags(c, tok, aid)
            test_if_match(c, d, tok)
            test_score_moves_tag(c, tok, aid)
            test_idempotency(c, c2, d, db, tok)
            test_addresses(c, d, tok)
            test_edges(c, tok, access)
        finally:
            stop(proc, d, 'one')
            stop(proc2, d, 'two')
        print('web_contract: %d checks passed' % api.checks)
        return 0


if __name__ == '__main__':
    api.run(main)
