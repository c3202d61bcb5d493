#!/usr/bin/env python3
"""web_servers.py — a team's deployment: two `cvom serve` on one PostgreSQL database behind
nginx as a round-robin proxy, all on 127.0.0.1 in this test's own directory.

  - a person signs in through the proxy, and the session works on both servers;
  - 16 clients edit the same four accounts at once for a while (CVOM_TEST_LOAD_SECONDS,
    default 20), each change made on the version it read: no answer is a 5xx, every change
    accepted is in the database (no two accepted changes of an account made the same
    version: none overwrote another), every change refused is a 409 with the account as it
    is now;
  - one server is killed mid-run: the other goes on serving every session.
    usage: web_servers.py PATH/TO/cvom"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'web'))
sys.path.insert(0, os.path.join(HERE, '..', 'pg'))
sys.path.insert(0, os.path.join(HERE, '..'))
import harness  # noqa: E402
import need  # noqa: E402
import pgcluster  # noqa: E402
from harness import HOST, PASSWORD  # noqa: E402

CVOM = os.path.abspath(sys.argv[1])
CLIENTS = 16
SECONDS = float(os.environ.get('CVOM_TEST_LOAD_SECONDS', '20'))
C = harness.Checks()


def run(db, *args, stdin=None):
    p = subprocess.run([CVOM, '--db', db] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError('cvom %s: %s' % (' '.join(args), p.stderr))
    return p.stdout


class Serve:
    """One `cvom serve` on a free port, with its own access log."""

    def __init__(self, d, name, db):
        self.port_file = os.path.join(d, name + '.port')
        self.access = os.path.join(d, name + '.access.log')
        self.log_path = os.path.join(d, name + '.log')
        self.log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen([CVOM, '--db', db, 'serve', '--listen', HOST + ':0',
                                      '--port-file', self.port_file, '--access-log',
                                      self.access, '--threads', '8'],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        self.port = None
        while time.monotonic() < deadline and self.proc.poll() is None and not self.port:
            try:
                self.port = int(open(self.port_file).read().strip() or 0) or None
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        if not self.port:
            raise RuntimeError('cvom serve did not start:\n' + self.output())

    def requests(self):
        try:
            return open(self.access, encoding='utf-8', errors='replace').read().splitlines()
        except OSError:
            return []

    def output(self):
        try:
            return open(self.log_path, 'rb').read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


NGINX_CONF = """
%(user)s
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/nginx.error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %(d)s/body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    upstream cvom {
        server 127.0.0.1:%(a)d max_fails=1 fail_timeout=60s;
        server 127.0.0.1:%(b)d max_fails=1 fail_timeout=60s;
    }
    server {
        listen 127.0.0.1:%(port)d;
        location / {
            proxy_pass http://cvom;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Connection "";
            # A server that goes away is skipped, even for a change: a change carries the
            # version it was made on, so one tried twice is refused the second time.
            proxy_next_upstream error timeout non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
        }
    }
}
"""


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Nginx:
    def __init__(self, d, a, b):
        self.d = d
        self.port = free_port()
        for sub in ('body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        conf = os.path.join(d, 'nginx.conf')
        with open(conf, 'w') as f:
            f.write(NGINX_CONF % {'d': d, 'a': a, 'b': b, 'port': self.port,
                                  'user': 'user root;' if os.geteuid() == 0 else ''})
        nginx = shutil.which('nginx') or need.program('web_servers', '/usr/sbin/nginx',
                                                      'nginx-light')
        self.proc = subprocess.Popen([nginx, '-p', d, '-c', conf, '-g', 'daemon off;'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError('nginx did not start: ' + self.errors())

    def errors(self):
        try:
            return open(os.path.join(self.d, 'nginx.error.log')).read()
        except OSError:
            return ''

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def session_on_both(proxy, a, b):
    """Sign in through the proxy, then use the session for pages that both servers serve."""
    c = harness.Client(proxy.port)
    r = c.signin('ada')
    C.check(r.status == 303 and 'cvom_session' in c.cookies, 'signed in through the proxy',
            r.status)
    before = (len(a.requests()), len(b.requests()))
    for _ in range(8):
        r = c.get('/accounts')
        C.check(r.status == 200 and 'Sign out' in r.text, 'the session serves a page', r.status)
    served = (len(a.requests()) - before[0], len(b.requests()) - before[1])
    C.check(served[0] >= 2 and served[1] >= 2,
            'both servers served the signed-in pages (round robin)', served)
    # A change through one server with the session's CSRF token, seen through the other.
    acc = json.loads(run(proxy.db, 'account', 'list', '--format', 'json'))[0]
    page = c.get('/accounts/%d' % acc['id'])
    forms = [f for f in harness.forms_of(page.text) if f['action'].endswith('/notes')]
    C.check(forms, 'the account page has the notes form')
    if forms:
        fields = dict(forms[0]['fields'], notes='Seen from both servers.')
        r = c.post(forms[0]['action'], fields)
        C.check(r.status == 303, 'notes saved through the proxy', r.status)
        for _ in range(4):
            r = c.get('/accounts/%d' % acc['id'])
            C.check('Seen from both servers.' in r.text, 'the saved notes are on every server')
    return c


class Load:
    """The results of the clients: accepted changes (account, version, notes), refusals and
    anything else."""

    def __init__(self):
        self.lock = threading.Lock()
        self.accepted = []
        self.refused = 0
        self.bad = []
        self.requests = 0


def client(port, token, accounts, n, load, stop_at):
    rnd = random.Random(n)
    cl = harness.Client(port, bearer=token, timeout=30)
    k = 0
    while time.monotonic() < stop_at:
        acc = rnd.choice(accounts)
        k += 1
        try:
            r = cl.request('GET', '/api/v1/accounts/%d' % acc, record=False)
            if r.status != 200:
                with load.lock:
                    load.bad.append(('GET', acc, r.status, r.text[:200]))
                continue
            version = int(r.header('ETag').strip('"').split('-')[0])
            notes = 'client %d change %d' % (n, k)
            r = cl.request('PATCH', '/api/v1/accounts/%d' % acc,
                           json={'notes': notes, 'version': version}, record=False)
        except OSError as e:
            with load.lock:
                load.bad.append(('connection', acc, str(e), ''))
            continue
        with load.lock:
            load.requests += 2
            if r.status == 200:
                load.accepted.append((acc, int(r.header('ETag').strip('"').split('-')[0]), notes, version))
            elif r.status == 409:
                body = r.json() or {}
                current = (body.get('error') or {}).get('current') or {}
                if current.get('id') != acc:
                    load.bad.append(('409 without the account as it is now', acc, r.status,
                                     r.text[:200]))
                load.refused += 1
            else:
                load.bad.append(('PATCH', acc, r.status, r.text[:200]))


def current(port, token, acc):
    """An account as the API gives it, and its version (the ETag)."""
    r = harness.Client(port, bearer=token).request('GET', '/api/v1/accounts/%d' % acc,
                                                   record=False)
    return r.json(), int(r.header('ETag').strip('"').split('-')[0])


def edit_at_once(proxy, db, a, b, signed_in):
    token = run(db, 'token', 'create', 'load', '--user', 'ada').strip()
    listed = json.loads(run(db, 'account', 'list', '--format', 'json'))
    accounts = [x['id'] for x in listed[:4]]
    before = {x: current(proxy.port, token, x)[1] for x in accounts}
    load = Load()
    t0 = time.monotonic()
    stop_at = t0 + SECONDS
    threads = [threading.Thread(target=client, args=(proxy.port, token, accounts, n, load,
                                                     stop_at))
               for n in range(CLIENTS)]
    for t in threads:
        t.start()
    # Half-way, one server goes away without a word.
    time.sleep(SECONDS / 2)
    a.proc.kill()
    a.proc.wait()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    C.check(not load.bad, 'no answer other than 200 or 409 (no 5xx), %d of %d' %
            (len(load.bad), load.requests), load.bad[:5])
    C.check(len(load.accepted) > 20 and load.refused > 0,
            'the clients made and were refused changes: %d accepted, %d refused in %.0f s' %
            (len(load.accepted), load.refused, took))
    # No two accepted changes of an account made the same version: none was lost under
    # another. Each took the version it was made on exactly one step further.
    seen = {}
    for acc, version, notes, base in load.accepted:
        C.check((acc, version) not in seen, 'account %d: two accepted changes both made '
                'version %d (%s, %s)' % (acc, version, seen.get((acc, version)), notes))
        C.check(version == base + 1, 'an accepted change moves the version one step',
                (acc, base, version))
        seen[(acc, version)] = notes
    for acc in accounts:
        now, version = current(proxy.port, token, acc)
        mine = sorted(v for (x, v) in seen if x == acc)
        if not mine:
            continue
        C.check(version >= mine[-1], 'account %d is at least at its last accepted version %d'
                % (acc, mine[-1]), version)
        # Every accepted change is in the version count; a change the killed server made
        # and nginx tried again may add one that its client was told was refused.
        moved = version - before[acc]
        C.check(len(mine) <= moved <= len(mine) + CLIENTS,
                'account %d: %d accepted changes moved it %d versions' % (acc, len(mine), moved))
        if version == mine[-1]:
            C.check(now['notes'] == seen[(acc, version)],
                    'account %d holds its last accepted change' % acc,
                    (now['notes'], seen[(acc, version)]))
    # The surviving server serves the session that was opened before.
    r = signed_in.get('/accounts')
    C.check(r.status == 200 and 'Sign out' in r.text,
            'after one server died the other serves the same session', r.status)
    C.note('%d clients, %.0f s: %d requests, %d changes accepted, %d refused' %
           (CLIENTS, took, load.requests, len(load.accepted), load.refused))


def main(base):
    d = tempfile.mkdtemp(prefix='cvom-servers-')
    os.chmod(d, 0o755)
    db = pgcluster.fresh_database(base)
    servers, proxy = [], None
    try:
        run(db, 'demo')
        run(db, 'user', 'add', 'ada', '--role', 'admin', '--display', 'Ada Admin',
            '--password-stdin', stdin=PASSWORD + '\n')
        servers = [Serve(d, 'a', db), Serve(d, 'b', db)]
        proxy = Nginx(d, servers[0].port, servers[1].port)
        proxy.db = db
        signed_in = session_on_both(proxy, *servers)
        edit_at_once(proxy, db, servers[0], servers[1], signed_in)
    finally:
        if proxy:
            proxy.stop()
        codes = [s.stop() for s in servers]
        if len(codes) == 2:
            C.check(codes[1] == 0, 'the surviving server stops cleanly', codes[1])
        for s in servers:
            log = s.output()
            for marker in ('AddressSanitizer', 'runtime error:', 'LeakSanitizer'):
                C.check(marker not in log, 'no sanitizer report in a server log',
                        log[log.find(marker) - 200:log.find(marker) + 600])
        if os.environ.get('CVOM_KEEP_TMP'):
            print('kept ' + d)
        else:
            shutil.rmtree(d, ignore_errors=True)
    return C.finish('web_servers')


if __name__ == '__main__':
    shared = pgcluster.shared()
    if shared:
        sys.exit(main(shared))
    with pgcluster.Cluster() as cluster:
        sys.exit(main(cluster.base))
