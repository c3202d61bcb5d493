#!/usr/bin/env python3
"""Faults inside the process: the n-th allocation fails, or the n-th write or sync of a SQLite
file, along an import, a scoring run, a report and web requests (cvom-faulty, inject.c).

For every n tried, the outcome must be one of two: the work done exactly as without a fault
(the fault fell where cvom can do without the memory), or a clean refusal — exit status 1 or 6
with a message, no crash, no sanitizer report (so no leak), the database as it was before and
no output file left half-written. A fault that never happened must change nothing at all.

    usage: faults.py MODE CVOM_FAULTY CVOM [--all]
    MODE: alloc-import, io-import, alloc-score, io-score, alloc-report, alloc-web

By default each walk tries every n up to SAMPLE_HEAD and then evenly spaced n up to the last
allocation (about SAMPLE_RUNS in all) so that `make check` stays short; --all (or
CVOM_FAULTS_ALL=1, which `make faults` sets) tries every n."""
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

MODE, FAULTY, CVOM = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
ALL = '--all' in sys.argv[4:] or os.environ.get('CVOM_FAULTS_ALL') == '1'
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE_HEAD = 60
SAMPLE_RUNS = 150
AS_OF = '2026-11-01'
PASSWORD = 'correct horse battery\n'
# Columns a database fills with the time of the change: equal runs differ only there.
CLOCK_COLUMNS = {'at', 'created_at', 'updated_at', 'applied_at', 'last_seen', 'expires',
                 'expires_at', 'last_used'}


FAILED = []


def fail(msg):
    """Report and stop; from a worker thread, stop that worker and let the walk end."""
    print('faults %s: %s' % (MODE, msg), file=sys.stderr)
    FAILED.append(msg)
    sys.exit(1)


def run_cvom(d, *args, stdin=None):
    p = subprocess.run([CVOM, '--db', os.path.join(d, 'base.db')] + list(args), cwd=d,
                       input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        fail('cvom %s: %s' % (' '.join(args), p.stderr))
    return p.stdout


def dump(db):
    """Every row of every table, the clock columns left out, in a stable order."""
    con = sqlite3.connect(db)
    try:
        out = {}
        tables = [r[0] for r in con.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")]
        for t in sorted(tables):
            cols = [r[1] for r in con.execute('pragma table_info("%s")' % t)]
            keep = [c for c in cols if c not in CLOCK_COLUMNS]
            rows = con.execute('select %s from "%s"' % (', '.join('"%s"' % c for c in keep), t))
            out[t] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


# A cache the scans keep: a run may keep fewer of its rows than another (a fault while
# keeping them costs nothing but time), never a row another run does not keep.
CACHE_TABLES = {'assessment_totals'}


def differing(got, *refs):
    """The tables of dump got that differ from the first dump of refs: a cache table differs
    only when it has a row that none of refs has."""
    out = []
    for t in sorted(set(got) | set(refs[0])):
        if t in CACHE_TABLES:
            known = set()
            for r in refs:
                known.update(r.get(t, []))
            if not set(got.get(t, [])) <= known:
                out.append(t)
        elif got.get(t) != refs[0].get(t):
            out.append(t)
    return out


def walk(total):
    """The n to try: all of 1..total, or a sample that keeps the first ones and spreads the
    rest evenly."""
    if ALL or total <= SAMPLE_RUNS:
        return list(range(1, total + 1))
    head = list(range(1, SAMPLE_HEAD + 1))
    rest = SAMPLE_RUNS - SAMPLE_HEAD
    step = (total - SAMPLE_HEAD) / rest
    return head + sorted({SAMPLE_HEAD + 1 + int(i * step) for i in range(rest)})


def read_report(path):
    vals = {}
    if os.path.exists(path):
        for line in open(path):
            k, v = line.split()
            vals[k] = int(v)
    return vals


class Server:
    """A cvom-faulty fork server in a directory of its own: one exec, then a fork per run."""

    def __init__(self, d, name, args):
        self.w = os.path.join(d, name)
        os.mkdir(self.w)
        self.db = os.path.join(self.w, 't.db')
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()
        env = dict(os.environ, CVOM_FAULT_SERVER='%d,%d' % (to_r, from_w),
                   CVOM_FAULT_DIR=self.w, CVOM_FAULT_REPORT=os.path.join(self.w, 'report'))
        argv = [FAULTY, '--db', self.db] + [a.replace('{dir}', self.w) for a in args]
        self.proc = subprocess.Popen(argv, cwd=self.w, env=env, pass_fds=(to_r, from_w),
                                     stdin=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.replies = os.fdopen(self.from_r, 'r')

    def run(self, kind, n):
        """The wait status of a run with the n-th allocation or write failing."""
        os.write(self.to_w, ('%s %d\n' % (kind, n)).encode())
        line = self.replies.readline()
        if not line:
            fail('the fork server stopped: %s' % open(os.path.join(self.w, 'err')).read())
        status = int(line)
        if os.WIFSIGNALED(status):
            return -os.WTERMSIG(status)
        return os.WEXITSTATUS(status)

    def close(self):
        os.close(self.to_w)
        self.proc.wait(timeout=60)
        self.replies.close()


class Command:
    """One command line run again and again on a fresh copy of the database."""

    def __init__(self, d, kind, args, out=None):
        self.d, self.kind, self.args, self.out = d, kind, args, out
        self.base = dump(os.path.join(d, 'base.db'))

    def once(self, server, n):
        w = server.w
        for f in os.listdir(w):
            os.unlink(os.path.join(w, f))
        shutil.copy(os.path.join(self.d, 'base.db'), server.db)
        rc = server.run(self.kind, n)
        rep = read_report(os.path.join(w, 'report'))
        out_file = os.path.join(w, self.out) if self.out else None
        return {'rc': rc, 'out': open(os.path.join(w, 'out')).read(),
                'err': open(os.path.join(w, 'err')).read(), 'rep': rep, 'db': dump(server.db),
                'file': (open(out_file, 'rb').read()
                         if out_file and os.path.exists(out_file) else None),
                'files': sorted(set(os.listdir(w)) - {'t.db', 't.db-wal', 't.db-shm', 'report',
                                                       'out', 'err'})}

    def check(self, n, got, ref):
        where = 'n=%d: ' % n
        err = got['err']
        if got['rc'] < 0:
            fail(where + 'killed by signal %d\n%s' % (-got['rc'], err[-3000:]))
        if 'Sanitizer' in err or 'runtime error' in err:
            fail(where + 'the sanitizers complained\n' + err[-6000:])
        hit = got['rep'].get('alloc_hit' if self.kind == 'alloc' else 'io_hit', 0)
        if got['rc'] == 0:
            if differing(got['db'], ref['db'], self.base):
                fail(where + 'succeeded (fault %s) but the database differs from a run without '
                     'a fault' % ('hit' if hit else 'not hit'))
            if got['file'] != ref['file']:
                fail(where + 'succeeded but wrote a different %s' % self.out)
            if self.out is None and got['out'] != ref['out']:
                fail(where + 'succeeded but printed something else:\n' + got['out'][-2000:])
            return 'done'
        if not hit:
            fail(where + 'failed (exit %d) without a fault:\n%s' % (got['rc'], err[-2000:]))
        if got['rc'] not in (1, 6):
            fail(where + 'exit %d, not 1 or 6:\n%s' % (got['rc'], err[-2000:]))
        if not err.strip() or 'cvom' not in err.strip().splitlines()[-1]:
            fail(where + 'no message on standard error: %r' % err[-500:])
        changed = differing(got['db'], self.base, self.ref_db)
        if changed:
            fail(where + 'refused, but the database changed: %s' % ', '.join(changed))
        if got['files']:
            fail(where + 'refused, but left %s behind' % ', '.join(got['files']))
        return 'refused'

    def run(self):
        workers = os.cpu_count() or 2
        servers = [Server(self.d, 'w%d' % i, self.args) for i in range(workers)]
        try:
            ref = self.once(servers[0], 0)
            if ref['rc'] != 0:
                fail('the command fails without a fault: ' + ref['err'])
            self.ref_db = ref['db']
            total = ref['rep']['allocs' if self.kind == 'alloc' else 'ios']
            if self.kind == 'io' and total == 0:
                fail('the command wrote nothing: the shim is not in the way')
            ns = walk(total)
            counts = {'done': 0, 'refused': 0}
            todo = list(reversed(ns))
            lock = threading.Lock()

            def work(server):
                while True:
                    with lock:
                        if not todo:
                            return
                        n = todo.pop()
                    got = self.once(server, n)
                    with lock:
                        counts[self.check(n, got, ref)] += 1

            threads = [threading.Thread(target=work, args=(sv,)) for sv in servers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if FAILED:
                sys.exit(1)
        finally:
            for sv in servers:
                sv.close()
        what = 'allocations' if self.kind == 'alloc' else 'writes and syncs'
        print('faults %s: %d %s, %d tried%s: %d refused cleanly, %d done as without a fault'
              % (MODE, total, what, len(ns), '' if len(ns) == total else ' (sampled)',
                 counts['refused'], counts['done']))


def demo(d):
    run_cvom(d, 'demo')


def call(port, method, path, token, body=None):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    try:
        hdrs = {'Authorization': 'Bearer ' + token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs['Content-Type'] = 'application/json'
        c.request(method, path, body=data, headers=hdrs)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def web(d):
    """One server, re-armed before each request: the n-th allocation after SIGUSR2 fails."""
    run_cvom(d, 'user', 'add', 'ann', '--role', 'admin', '--password-stdin', stdin=PASSWORD)
    token = run_cvom(d, 'token', 'create', 'faults', '--user', 'ann').strip()
    db = os.path.join(d, 'base.db')
    control = os.path.join(d, 'control')
    port_file = os.path.join(d, 'port')
    log_path = os.path.join(d, 'serve.log')
    env = dict(os.environ, CVOM_FAULT_ARM='signal', CVOM_FAULT_CONTROL=control)
    log = open(log_path, 'w')
    proc = subprocess.Popen([FAULTY, '--db', db, 'serve', '--listen', '127.0.0.1:0',
                             '--port-file', port_file], cwd=d, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().strip():
            break
        if proc.poll() is not None:
            fail('the server did not start: ' + open(log_path).read())
        time.sleep(0.1)
    port = int(open(port_file).read())

    def arm(n):
        with open(control, 'w') as f:
            f.write(str(n))
        proc.send_signal(signal.SIGUSR2)
        for _ in range(2000):
            if not os.path.exists(control):
                return
            time.sleep(0.001)
        fail('the server did not take the signal')

    def counted():
        if os.path.exists(control):
            os.unlink(control)
        proc.send_signal(signal.SIGUSR1)
        for _ in range(2000):
            if os.path.exists(control):
                text = open(control).read()
                if text.endswith('\n'):
                    os.unlink(control)
                    f = text.split()
                    return int(f[1]), int(f[3])
            time.sleep(0.001)
        fail('the server did not say how many allocations it made')

    def accounts():
        con = sqlite3.connect(db)
        try:
            return con.execute('select count(*) from accounts').fetchone()[0]
        finally:
            con.close()

    requests = {
        'create': lambda n: call(port, 'POST', '/api/v1/accounts', token,
                                 {'name': 'Fault %d' % n, 'owner': 'Ann', 'revenue': n}),
        'matrix': lambda n: call(port, 'GET', '/api/v1/matrix?limit=500&as_of=' + AS_OF, token),
        'explain': lambda n: call(port, 'GET', '/api/v1/accounts/1/explanation?as_of=' + AS_OF,
                                  token),
    }
    summary = []
    try:
        for name, request in requests.items():
            arm(0)
            status, ref = request(0)
            if status not in (200, 201):
                fail('%s without a fault: %d %s' % (name, status, ref[:500]))
            total, _ = counted()
            refused = done = 0
            for n in walk(total):
                before = accounts()
                arm(n)
                where = '%s n=%d: ' % (name, n)
                try:
                    status, body = request(n)
                except (OSError, http.client.HTTPException) as e:
                    fail(where + 'no HTTP answer (%s):\n%s' % (e, open(log_path).read()[-3000:]))
                _, hit = counted()
                if status in (200, 201):
                    if name != 'create' and body != ref:
                        fail(where + 'answered %d with something else:\n%s\ninstead of\n%s'
                             % (status, body[:1500], ref[:1500]))
                    done += 1
                elif status in (500, 503):
                    if not hit:
                        fail(where + '%d without a fault' % status)
                    try:
                        err = json.loads(body)['error']
                    except (ValueError, KeyError, TypeError):
                        fail(where + '%d without a JSON error: %r' % (status, body[:300]))
                    if not err.get('message'):
                        fail(where + 'an error without a message')
                    if accounts() != before:
                        fail(where + 'refused, but the database changed')
                    refused += 1
                else:
                    fail(where + 'answered %d: %r' % (status, body[:300]))
                if proc.poll() is not None:
                    fail(where + 'the server died:\n' + open(log_path).read()[-4000:])
            # After every fault, the same request still works.
            arm(0)
            status, _ = request(10**6)
            if status not in (200, 201):
                fail('%s after the faults: %d' % (name, status))
            summary.append('%s: %d allocations, %d refused cleanly, %d done'
                           % (name, total, refused, done))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    text = open(log_path).read()
    if 'Sanitizer' in text or 'runtime error' in text:
        fail('the sanitizers complained (a leak is reported when the server stops):\n'
             + text[-6000:])
    if proc.returncode != 0:
        fail('the server exited %d:\n%s' % (proc.returncode, text[-3000:]))
    print('faults %s: %s' % (MODE, '; '.join(summary)))


def main():
    kind, what = MODE.split('-', 1)
    with tempfile.TemporaryDirectory() as d:
        demo(d)
        if what == 'web':
            web(d)
            return 0
        if what == 'import':
            cmd = Command(d, kind, ['import', 'accounts',
                                    os.path.join(ROOT, 'docs', 'examples', 'accounts.csv')])
        elif what == 'score':
            cmd = Command(d, kind, ['score', '--as-of', AS_OF])
        elif what == 'report':
            cmd = Command(d, kind, ['report', '--format', 'html', '--as-of', AS_OF,
                                    '--out', '{dir}/report.html'], out='report.html')
        else:
            fail('no such mode')
        cmd.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
