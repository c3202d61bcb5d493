#!/usr/bin/env python3
"""pgcluster.py — a throwaway PostgreSQL cluster for the tests: initdb into a temporary
directory, pg_ctl listening only on a Unix socket in that directory (so that two runs on one
machine never meet), a fresh database per test, and everything removed afterwards. No system
service is touched. initdb refuses to run as root, so as root the cluster runs as an
unprivileged user ('postgres', which Debian's server package creates, or 'nobody').

As a command, for tests/check.sh:
    pgcluster.py start DIR     start a cluster in DIR (created), print its connection string
    pgcluster.py stop DIR      stop it and remove DIR
As a module, for tests:
    base = pgcluster.shared()             the run's cluster (CVOM_TEST_PG), or None
    with pgcluster.Cluster() as c: ...    a cluster of the test's own
    loc = pgcluster.fresh_database(base)  a new, empty database: its connection string
"""
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid

ROLE = 'cvom'


def bindir():
    """Where initdb and pg_ctl are: pg_config knows; Debian keeps them off the PATH."""
    try:
        out = subprocess.run(['pg_config', '--bindir'], capture_output=True, text=True,
                             check=True).stdout.strip()
        if os.path.exists(os.path.join(out, 'initdb')):
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    base = '/usr/lib/postgresql'
    if os.path.isdir(base):
        for v in sorted(os.listdir(base), key=lambda s: [int(x) for x in s.split('.') if x.isdigit()],
                        reverse=True):
            d = os.path.join(base, v, 'bin')
            if os.path.exists(os.path.join(d, 'initdb')):
                return d
    raise RuntimeError('PostgreSQL server programs (initdb, pg_ctl) not found: install the '
                       'postgresql package (scripts/setup.sh does)')


def server_user():
    """None when we may run the server ourselves, else the name of a user who may."""
    if os.geteuid() != 0:
        return None
    for name in ('postgres', 'nobody'):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError('running as root and no unprivileged user to run PostgreSQL as')


def as_server(user, args, **kw):
    cmd = ['runuser', '-u', user, '--'] + args if user else args
    return subprocess.run(cmd, **kw)


def conninfo(sockdir, dbname):
    return 'host=%s user=%s dbname=%s' % (sockdir, ROLE, dbname)


def start(d):
    """Start a cluster in directory d; returns the connection string of its 'postgres'
    database. The data, the socket and the log all live in d."""
    user = server_user()
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    if user:
        pw = pwd.getpwnam(user)
        os.chown(d, pw.pw_uid, pw.pw_gid)
    b = bindir()
    data = os.path.join(d, 'data')
    r = as_server(user, [os.path.join(b, 'initdb'), '-D', data, '-U', ROLE, '--auth=trust',
                         '-E', 'UTF8', '--locale=C', '--no-sync'],
                  capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('initdb failed: ' + r.stdout + r.stderr)
    # Tuned for tests, never for data that matters: nothing is flushed to disk.
    opts = ("-k %s -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=100" % d)
    r = as_server(user, [os.path.join(b, 'pg_ctl'), '-D', data, '-o', opts, '-l',
                         os.path.join(d, 'log'), '-w', '-t', '60', 'start'],
                  capture_output=True, text=True)
    if r.returncode != 0:
        log = ''
        try:
            log = open(os.path.join(d, 'log')).read()[-2000:]
        except OSError:
            pass
        raise RuntimeError('pg_ctl start failed: ' + r.stdout + r.stderr + log)
    return conninfo(d, 'postgres')


def stop(d):
    """Stop the cluster in d (if it runs) and remove d."""
    data = os.path.join(d, 'data')
    if os.path.exists(os.path.join(data, 'postmaster.pid')):
        try:
            as_server(server_user(), [os.path.join(bindir(), 'pg_ctl'), '-D', data, '-m',
                                      'immediate', '-w', 'stop'], capture_output=True)
        except (OSError, RuntimeError):
            pass
    shutil.rmtree(d, ignore_errors=True)


def psql(base, sql):
    r = subprocess.run(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', base, '-c', sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('psql failed: %s' % r.stderr.strip())
    return r.stdout


def fresh_database(base):
    """Create an empty database on the cluster base points at; its connection string."""
    name = 'cvom_' + uuid.uuid4().hex[:16]
    psql(base, 'CREATE DATABASE %s' % name)
    return base.replace('dbname=postgres', 'dbname=' + name)


def query(location, sql, args=()):
    """Rows of a read-only query (parameters as ?) on a database of either back end, every
    value as text (None for NULL): for tests that look up what no command prints."""
    if 'dbname=' not in location and '://' not in location:
        import sqlite3
        con = sqlite3.connect('file:%s?mode=ro' % location, uri=True, timeout=5)
        try:
            return [tuple(None if v is None else str(v) for v in row)
                    for row in con.execute(sql, args).fetchall()]
        finally:
            con.close()
    cmd = ['psql', '-X', '-q', '-A', '-t', '-F', '\x1f', '-v', 'ON_ERROR_STOP=1',
           '-d', location]
    text = sql
    for i, a in enumerate(args):
        cmd += ['-v', 'p%d=%s' % (i, a)]
        text = text.replace('?', ":'p%d'" % i, 1)
    r = subprocess.run(cmd + ['-c', text], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('psql failed: %s' % r.stderr.strip())
    return [tuple(line.split('\x1f')) for line in r.stdout.splitlines() if line]


def execute(location, sql):
    """Run one statement of static SQL on a database of either back end (tests that change
    what the commands would refuse to)."""
    if 'dbname=' not in location and '://' not in location:
        import sqlite3
        con = sqlite3.connect(location, timeout=5)
        try:
            con.executescript(sql)
        finally:
            con.close()
        return
    psql(location, sql)


def shared():
    """The cluster this run of the suite started (tests/check.sh), or None."""
    return os.environ.get('CVOM_TEST_PG') or None


class Cluster:
    """A cluster of one test's own, for when the suite runs without a shared one."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix='cvom-pg-')
        try:
            self.base = start(self.dir)
        except Exception:
            stop(self.dir)
            raise
        return self

    def __exit__(self, *exc):
        stop(self.dir)
        return False


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('start', 'stop'):
        sys.exit('usage: pgcluster.py start|stop DIR')
    if sys.argv[1] == 'start':
        try:
            print(start(sys.argv[2]))
        except Exception as e:  # noqa: BLE001 - report and clean up
            stop(sys.argv[2])
            sys.exit('pgcluster: %s' % e)
    else:
        stop(sys.argv[2])


if __name__ == '__main__':
    main()
