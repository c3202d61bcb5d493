#!/usr/bin/env python3
"""Survey campaigns end to end: a campaign over the demo's accounts, sent by e-mail to a real
SMTP server on 127.0.0.1 (aiosmtpd, refusing one recipient), each message's headers and its
link checked; the links opened and one survey completed with a real HTTP client against
`cvom serve`; `campaign show` and the campaign page give the figures; a rerun of send sends
nothing; a reminder goes only to those who have not completed; the refused address is
reported. The campaign pages are checked for roles: a viewer is refused, a manager sees only
their own accounts.
    usage: campaigns.py PATH/TO/cvom [--db LOCATION]   (default: a new SQLite file)"""
import email
import email.header
import email.policy
import html
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

CVOM = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'web'))
sys.path.insert(0, os.path.join(HERE, '..', 'pg'))
import harness  # noqa: E402
import pgcluster  # noqa: E402

LOCATION = sys.argv[3] if len(sys.argv) == 4 and sys.argv[2] == '--db' else None
C = harness.Checks()
checks = 0

try:
    from aiosmtpd.controller import Controller
except ImportError:
    print('SKIP: python3-aiosmtpd is not installed (scripts/setup.sh installs it)')
    sys.exit(77)


def expect(ok, what):
    global checks
    checks += 1
    if not ok:
        raise AssertionError(what)


class Mailbox:
    """An SMTP handler that keeps every message and refuses the recipients in `refuse`."""

    def __init__(self, refuse):
        self.refuse = set(refuse)
        self.messages = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return '550 5.1.1 <%s>: no such user here' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return '250 Message accepted'

    def take(self):
        with self.lock:
            out, self.messages = self.messages, []
        return out


def cvom(d, *args, stdin=None, code=0, env=None):
    db = LOCATION or os.path.join(d, 'c.db')
    p = subprocess.run([CVOM, '--db', db] + [str(a) for a in args], cwd=d, input=stdin,
                       capture_output=True, text=True,
                       env=dict(os.environ, NO_COLOR='1', **(env or {})), timeout=120)
    expect(p.returncode == code, 'cvom %s: exit %d, not %d: %s' %
           (' '.join(map(str, args)), p.returncode, code, p.stderr))
    return p


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server(harness.Server):
    """`cvom serve` on the test's database (a file or a PostgreSQL database), with its port
    file and log in the test's directory; stopped as harness.Server stops it."""

    def __init__(self, d):  # noqa: super().__init__ would put its files beside a file db
        self.db = LOCATION or os.path.join(d, 'c.db')
        self.log_path = os.path.join(d, 'serve.log')
        self.port_file = os.path.join(d, 'serve.port')
        self.log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(
            [CVOM, '--db', self.db, 'serve', '--listen', '127.0.0.1:0', '--port-file',
             self.port_file], stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        self.port = None
        for _ in range(600):
            if self.proc.poll() is not None:
                break
            if os.path.exists(self.port_file) and open(self.port_file).read().strip():
                self.port = int(open(self.port_file).read())
                break
            time.sleep(0.05)
        expect(self.port, 'cvom serve did not start: ' + self.output())
        self.origin = 'http://127.0.0.1:%d' % self.port


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def link_of(msg):
    body = msg.get_content()
    m = re.search(r'(http://127\.0\.0\.1:\d+/survey/[A-Za-z0-9_-]+)', body)
    expect(m, 'no link in the message: %r' % body)
    return m.group(1)


def check_message(raw, to, base):
    """The headers of a proper MIME message, and the link to this server."""
    head = raw.split(b'\r\n\r\n', 1)[0].decode('ascii')  # headers are 7-bit
    for h in ('Date: ', 'Message-ID: <', 'From: ', 'To: ', 'Subject: ', 'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=UTF-8',
              'Content-Transfer-Encoding: quoted-printable'):
        expect(('\n' + h) in ('\n' + head.replace('\r\n', '\n')), 'header %r missing:\n%s' %
               (h, head))
    msg = parse(raw)
    expect(msg['To'].addresses[0].addr_spec == to, 'To: %s, sent to %s' % (msg['To'], to))
    expect(re.match(r'\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$', msg['Date']),
           'Date: %s' % msg['Date'])
    expect(msg['Message-ID'].endswith('@example.com>'), 'Message-ID: %s' % msg['Message-ID'])
    link = link_of(msg)
    expect(link.startswith(base + '/survey/'), 'the link %s is under %s' % (link, base))
    return msg, link


def links_csv(d, name):
    out = cvom(d, 'campaign', 'links', name, '--format', 'csv').stdout
    lines = out.strip().split('\n')
    expect(lines[0] == 'name,email,account,language,link', 'links header: %s' % lines[0])
    return [dict(zip(lines[0].split(','), ln.split(','))) for ln in lines[1:]]


def show_json(d, name):
    rows = json.loads(cvom(d, 'campaign', 'show', name, '--format', 'json').stdout)
    return {r['account']: r for r in rows}


def answer(c, link):
    """Complete the survey behind a link: every item answered 5."""
    path = urllib.parse.urlparse(link).path
    page = c.get(path)
    expect(page.status == 200, 'the survey page: %d' % page.status)
    names = sorted(set(re.findall(r'name="(item_[^"]+|[A-Za-z0-9_]+)"[^>]*type="radio"',
                                  page.text) +
                       re.findall(r'type="radio"[^>]*name="([^"]+)"', page.text)))
    form = {n: '5' for n in names}
    r = c.post(path, form)
    expect(r.status in (200, 303), 'answering: %d %s' % (r.status, r.text[:400]))
    return r


def main():
    with tempfile.TemporaryDirectory() as d:
        cvom(d, 'demo')
        for name, (role, display) in harness.USERS.items():
            cvom(d, 'user', 'add', name, '--role', role, '--display', display,
                 '--password-stdin', stdin=harness.PASSWORD + '\n')
        srv = Server(d)
        base = srv.origin
        box = Mailbox([])
        port = free_port()
        ctl = Controller(box, hostname='127.0.0.1', port=port)
        ctl.start()
        try:
            run(d, srv, box, base, port)
        finally:
            ctl.stop()
            rc = srv.stop()
        expect(rc == 0, 'the server exited %s: %s' % (rc, srv.output()[-2000:]))
        log = srv.output()
        expect('AddressSanitizer' not in log and 'runtime error' not in log,
               'the sanitizers complained:\n' + log[-4000:])
    print('campaigns: %d checks passed' % checks)
    return 0


def run(d, srv, box, base, port):  # noqa: C901 (one story, step by step)
    owner = harness.USERS['priya'][1]
    # Links need the web application's address; sending needs the mail server.
    p = cvom(d, 'campaign', 'create', 'Spring', '--owner', owner, '--language', 'de')
    cvom(d, 'campaign', 'links', 'Spring', code=3)
    cvom(d, 'campaign', 'send', 'Spring', code=3)
    cvom(d, 'config', 'web.base_url', base + '/')
    p = cvom(d, 'campaign', 'send', 'Spring', code=3)
    expect('smtp.url' in p.stderr, 'sending without a server says what to set: %s' % p.stderr)
    cvom(d, 'config', 'smtp.url', 'ftp://x', code=3)
    cvom(d, 'config', 'smtp.url', 'smtp://127.0.0.1:%d' % port)
    cvom(d, 'config', 'smtp.from', 'Key Accounts <team@example.com>')
    cvom(d, 'campaign', 'create', 'Spring', code=5)
    cvom(d, 'campaign', 'create', 'Bad', '--language', 'German', code=3)

    links = links_csv(d, 'Spring')
    accounts = {a['name']: a for a in json.loads(cvom(d, 'account', 'list', '--format',
                                                      'json').stdout)}
    expect(links and all(accounts[ln['account']]['owner'] == owner for ln in links),
           'the campaign holds only the accounts the filter leaves')
    expect(all(ln['language'] == 'de' for ln in links), "the campaign's language")
    # One stakeholder speaks French: their message comes in French.
    first = links[0]
    people = json.loads(cvom(d, 'stakeholder', 'list', first['account'], '--format',
                             'json').stdout)
    fr = [s for s in people if s['email'] == first['email']][0]
    db = LOCATION or os.path.join(d, 'c.db')
    pgcluster.execute(db, "update stakeholders set language = 'fr' where id = %d" % fr['id'])
    refused = links[1]['email']
    box.refuse.add(refused)

    # The team's own German template; a broken one is refused with its line and column.
    bad = os.path.join(d, 'bad.txt')
    with open(bad, 'w', encoding='utf-8') as f:
        f.write('Subject: x\n\nHallo {name},\n{link}\n')
    p = cvom(d, 'campaign', 'template', 'de', '--set', bad, code=3)
    expect('template:3:7: unknown placeholder' in p.stderr, p.stderr)
    with open(bad, 'w', encoding='utf-8') as f:
        f.write('Subject: x\n\nHallo {stakeholder}\n')
    p = cvom(d, 'campaign', 'template', 'de', '--set', bad, code=3)
    expect('no {link}' in p.stderr, p.stderr)
    tpl = os.path.join(d, 'de.txt')
    with open(tpl, 'w', encoding='utf-8') as f:
        f.write('Subject: Ihre Meinung zählt – {campaign}\n\nHallo {stakeholder},\n\n'
                'bitte öffnen Sie {link} bis zum {closes}.\n\nIhr {manager} (für {account})\n')
    cvom(d, 'campaign', 'template', 'de', '--set', tpl)
    expect(cvom(d, 'campaign', 'template', 'de').stdout == open(tpl, encoding='utf-8').read(),
           'the template as set')
    expect('Bonjour' in cvom(d, 'campaign', 'template', 'fr').stdout, 'the shipped French')

    mime_round_trip(d, links[0])

    # A dry run prints the messages and records nothing.
    p = cvom(d, 'campaign', 'send', 'Spring', '--dry-run')
    expect(p.stdout.count('---- to ') == len(links), 'a dry run shows every message')
    expect(box.take() == [], 'a dry run sends nothing')

    # Send: every address but the refused one gets its own link.
    p = cvom(d, 'campaign', 'send', 'Spring')
    expect('%d sent, 1 refused, 0 failed' % (len(links) - 1) in p.stderr, p.stderr)
    got = box.take()
    expect(len(got) == len(links) - 1, '%d messages for %d links' % (len(got), len(links)))
    by_to = {}
    for mail_from, tos, raw in got:
        expect(mail_from == 'team@example.com' and len(tos) == 1, 'envelope %s %s' %
               (mail_from, tos))
        msg, link = check_message(raw, tos[0], base)
        by_to[tos[0]] = (msg, link)
    expected_links = {ln['email']: ln['link'] for ln in links}
    for to, (msg, link) in by_to.items():
        expect(link == expected_links[to], 'the link sent to %s is theirs' % to)
    fr_msg = by_to[first['email']][0]
    expect('Bonjour' in fr_msg.get_content() and 'collaboration' in str(fr_msg['Subject']),
           'the French template for a French speaker: %s' % fr_msg['Subject'])
    de_msg = by_to[links[2]['email']][0]
    expect(str(de_msg['Subject']) == 'Ihre Meinung zählt – Spring',
           "the campaign's German (the team's template) otherwise: %s" % de_msg['Subject'])
    de_raw = [raw for _, tos, raw in got if tos[0] == links[2]['email']][0]
    expect(b'\r\nSubject: =?UTF-8?B?' in de_raw, 'a non-ASCII subject is RFC 2047 encoded')
    body = de_msg.get_content()
    expect(body.startswith('Hallo %s,' % links[2]['name']) and 'öffnen' in body and
           links[2]['account'] in body and owner in body and by_to[links[2]['email']][1] in body,
           'placeholders filled in, UTF-8 body decoded: %r' % body)

    # A rerun sends nothing new.
    p = cvom(d, 'campaign', 'send', 'Spring')
    expect(p.stderr.startswith('0 sent, 0 refused, 0 failed'), 'a rerun: %s' % p.stderr)
    expect(box.take() == [], 'a rerun sends nothing')

    # Open two links, complete one.
    c = harness.Client(srv.port)
    done = links[2]
    answer(c, done['link'])
    c.get(urllib.parse.urlparse(links[3]['link']).path)
    again = c.get(urllib.parse.urlparse(done['link']).path)
    expect(again.status == 404, 'a completed link works no more: %d' % again.status)

    fig = show_json(d, 'Spring')
    total = fig['total']
    expect(total['links'] == len(links) and total['sent'] == len(links) - 1, 'sent: %s' % total)
    expect(total['opened'] == 2 and total['started'] == 1 and total['completed'] == 1,
           'opened, started, completed: %s' % total)
    expect(total['refused'] == 1 and total['waiting'] == len(links) - 1, 'refused: %s' % total)
    expect(abs(total['rate'] - round(100.0 / len(links), 1)) < 0.051, 'rate: %s' % total)
    text = cvom(d, 'campaign', 'show', 'Spring').stdout
    expect(refused in text and 'refused' in text and done['email'] not in text,
           'show lists who has not answered, the refused address as refused:\n' + text)

    # Remind: only those who have not completed and were not refused.
    p = cvom(d, 'campaign', 'remind', 'Spring', code=2)
    p = cvom(d, 'campaign', 'remind', 'Spring', '--after', '3')
    expect(p.stderr.startswith('0 sent'), 'nobody is due after 3 days: %s' % p.stderr)
    p = cvom(d, 'campaign', 'remind', 'Spring', '--after', '0')
    got = box.take()
    tos = sorted(t for _, ts, _ in got for t in ts)
    want = sorted(ln['email'] for ln in links if ln['email'] not in (refused, done['email']))
    expect(tos == want, 'reminders to %s, not %s' % (tos, want))
    for _, ts, raw in got:
        check_message(raw, ts[0], base)

    # The campaign page: figures for an administrator, the manager's own accounts only,
    # a viewer refused.
    web_roles(d, srv, links, owner, total)

    # Closing ends the links.
    cvom(d, 'campaign', 'close', 'Spring')
    r = c.get(urllib.parse.urlparse(links[4]['link']).path)
    expect(r.status == 404, 'a closed campaign\'s link works no more: %d' % r.status)
    cvom(d, 'campaign', 'send', 'Spring', code=3)
    # A server that is not there: the messages fail with the reason, and the next send
    # sends them again.
    cvom(d, 'config', 'smtp.url', 'smtp://127.0.0.1:%d' % free_port())
    cvom(d, 'campaign', 'create', 'Retry', '--account', links[0]['account'])
    retry = links_csv(d, 'Retry')
    p = cvom(d, 'campaign', 'send', 'Retry', code=1)
    expect('0 sent, 0 refused, %d failed' % len(retry) in p.stderr, p.stderr)
    text = cvom(d, 'campaign', 'show', 'Retry').stdout
    expect(text.count('sending failed: ') == len(retry), 'the failures shown:\n' + text)
    cvom(d, 'config', 'smtp.url', 'smtp://127.0.0.1:%d' % port)
    p = cvom(d, 'campaign', 'send', 'Retry')
    ok = sorted(ln['email'] for ln in retry if ln['email'] not in box.refuse)
    expect(p.stderr.startswith('%d sent, %d refused, 0 failed' % (len(ok), len(retry) - len(ok))),
           'failed ones go again: %s' % p.stderr)
    expect(sorted(t for _, ts, _ in box.take() for t in ts) == ok, 'to each of them once')
    expect(cvom(d, 'campaign', 'send', 'Retry').stderr.startswith('0 sent'), 'and not again')

    # The password comes from a file that must be there, or the environment.
    cvom(d, 'config', 'smtp.password_file', os.path.join(d, 'no-such-file'))
    p = cvom(d, 'campaign', 'send', 'Retry', '--dry-run', code=1)
    expect(p.stderr.startswith('cvom: smtp.password_file: ') and 'no-such-file' in p.stderr,
           'a missing password file is named: %s' % p.stderr)
    cvom(d, 'config', 'smtp.password_file', '')
    expect('smtp.password_file' in cvom(d, 'config', '--format', 'csv').stdout, 'listed')

    listed = json.loads(cvom(d, 'campaign', 'list', '--format', 'json').stdout)
    states = {x['name']: (x['state'], x['links'], x['sent'], x['completed']) for x in listed}
    expect(states['Spring'] == ('closed', len(links), len(links) - 1, 1) and
           states['Autumn'][0] == 'open' and [x['name'] for x in listed][-1] == 'Spring' and
           states['Retry'] == ('open', len(retry), len(ok), 0),
           'list, newest first: %s' % listed)


def mime_round_trip(d, first):
    """A long subject of many non-ASCII characters is folded into encoded words, a long line
    of the body broken softly, a line's trailing space kept: a mail reader reads back the
    text the template gave, byte for byte."""
    subject = 'Ça vous a plu ? Répondez à « {campaign} » — été, hiver, à bientôt, ' * 3
    line = 'Très long paragraphe, ' * 12
    with open(os.path.join(d, 'fr.txt'), 'w', encoding='utf-8') as f:
        f.write('Subject: %s\n\n{stakeholder} =?x?= \n%s\n.\n{link}\n' % (subject, line))
    cvom(d, 'campaign', 'template', 'fr', '--set', os.path.join(d, 'fr.txt'))
    cvom(d, 'campaign', 'create', 'Été', '--account', first['account'], '--language', 'fr')
    cvom(d, 'config', 'smtp.from', 'Équipe Clients <team@example.com>')
    out = subprocess.run([CVOM, '--db', LOCATION or os.path.join(d, 'c.db'), 'campaign', 'send',
                          'Été', '--dry-run'], capture_output=True, check=True,
                         timeout=120).stdout.decode('utf-8')  # bytes: keep the CRLFs
    parts = [p for p in out.split('---- to ') if p]
    expect(parts, 'the dry run shows the messages')
    for part in parts:
        to, raw = part.split('\n', 1)
        head, body = raw.split('\r\n\r\n', 1)
        expect(all(len(x) <= 78 for x in raw.split('\r\n')), 'lines of at most 78 characters')
        expect(all(ord(ch) < 128 for ch in raw), 'the message is 7-bit')
        msg = email.message_from_string(raw, policy=email.policy.default)
        expect(str(msg['Subject']) == subject.replace('{campaign}', 'Été'),
               'the subject read back: %r' % str(msg['Subject']))
        sender = msg['From'].addresses[0]
        expect((sender.display_name, sender.addr_spec) == ('Équipe Clients', 'team@example.com'),
               'From read back: %s' % msg['From'])
        text = msg.get_content().replace('\r\n', '\n')
        name = msg['To'].addresses[0].display_name
        expect(text.startswith(name + ' =?x?= \n' + line + '\n.\n'),
               'the body read back: %r' % text[:300])
    cvom(d, 'campaign', 'template', 'fr', '--reset')
    cvom(d, 'config', 'smtp.from', 'Key Accounts <team@example.com>')
    cvom(d, 'campaign', 'close', 'Été')


def web_roles(d, srv, links, owner, total):
    other = harness.USERS[harness.OTHER_MANAGER][1]
    cvom(d, 'campaign', 'create', 'Autumn', '--owner', other)
    admin = harness.Client(srv.port)
    expect(admin.signin('ada').status == 303, 'admin signs in')
    r = admin.get('/campaigns')
    expect(r.status == 200 and 'Spring' in r.text and 'Autumn' in r.text, 'the list: %d' %
           r.status)
    m = re.search(r'href="/campaigns/(\d+)">Spring<', r.text)
    expect(m, 'the list links the campaign')
    page = admin.get('/campaigns/' + m.group(1))
    expect(page.status == 200, 'the campaign page: %d' % page.status)
    cells = re.search(r'<tr class="total">(.*?)</tr>', page.text, re.S)
    expect(cells, 'a total row')
    nums = [html.unescape(x) for x in re.findall(r'<td class="num">([^<]*)</td>', cells.group(1))]
    expect(nums[:5] == [str(total['links']), str(total['sent']), str(total['opened']),
                        str(total['started']), str(total['completed'])],
           'the page gives the figures of campaign show: %s vs %s' % (nums, total))
    expect('refused' in page.text and links[1]['email'] in page.text,
           'the refused address shown')

    viewer = harness.Client(srv.port)
    viewer.signin('vic')
    expect(viewer.get('/campaigns').status == 403, 'a viewer is refused the campaigns')
    expect(viewer.get('/campaigns/' + m.group(1)).status == 403, 'and a campaign')

    sam = harness.Client(srv.port)
    sam.signin(harness.OTHER_MANAGER)
    r = sam.get('/campaigns/' + m.group(1))
    expect(r.status == 404 and links[0]['email'] not in r.text,
           "a campaign of none of a manager's accounts is not there for them: %d" % r.status)
    r = sam.get('/campaigns')
    expect(r.status == 200 and 'Autumn' in r.text and '>Spring<' not in r.text,
           "another manager lists only the campaigns of their accounts")
    priya = harness.Client(srv.port)
    priya.signin('priya')
    r = priya.get('/campaigns')
    expect(r.status == 200 and 'Spring' in r.text and 'Autumn' not in r.text,
           "a manager lists the campaigns of their accounts")
    # A manager creates a campaign: only their own accounts go in.
    tok = priya.session_csrf(('/campaigns',))
    r = priya.post('/campaigns', {'csrf': tok, 'name': 'Mine', 'owner': other})
    expect(r.status == 303, 'a manager creates a campaign: %d %s' % (r.status, r.text[:300]))
    mine = links_csv(d, 'Mine')
    expect(mine and all(ln['account'] in {x['account'] for x in links} for ln in mine),
           "a manager's campaign holds only their accounts")
    r = viewer.post('/campaigns', {'csrf': viewer.session_csrf(('/',)) or '', 'name': 'V'})
    expect(r.status == 403, 'a viewer cannot create one: %d' % r.status)
    # Closing: another manager's campaign is not there; a manager closes their own.
    autumn = re.search(r'href="/campaigns/(\d+)">Autumn<', admin.get('/campaigns').text).group(1)
    r = priya.post('/campaigns/%s/close' % autumn, {'csrf': tok})
    expect(r.status == 404, "a manager cannot close another's campaign: %d" % r.status)
    mine_id = re.search(r'href="/campaigns/(\d+)">Mine<', priya.get('/campaigns').text).group(1)
    r = priya.post('/campaigns/%s/close' % mine_id, {'csrf': tok})
    expect(r.status == 303, 'a manager closes their own campaign: %d' % r.status)
    listed = json.loads(cvom(d, 'campaign', 'list', '--format', 'json').stdout)
    expect([x['state'] for x in listed if x['name'] == 'Mine'] == ['closed'], 'closed: %s' % listed)


if __name__ == '__main__':
    try:
        sys.exit(main())
    except AssertionError as e:
        print('FAIL: %s' % e)
        sys.exit(1)
