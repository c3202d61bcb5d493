#!/usr/bin/env python3
"""Every cvom command the README and docs/ show in a shell block (```sh) runs as written and
succeeds: each block in a directory of its own where `build/cvom` and `cvom` are the built
program, `docs/examples` the repository's example files, and the absolute paths of the
examples (/srv/cvom, /backups) directories of the test. A block that speaks of a PostgreSQL
server gets a new database of the test's cluster in place of the URL it shows; a `cvom
serve` starts on a free loopback port and must stop cleanly on SIGTERM; `--password-stdin`
gets a password. Lines of other programs (make, cc, createdb, pg_dump …) are listed as not
run: make, the package test and PostgreSQL's own tools cover those.
    usage: docs_commands.py PATH/TO/cvom [--db POSTGRESQL-URL …]"""
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

CVOM = os.path.abspath(sys.argv[1])
PG = sys.argv[3:] if len(sys.argv) > 2 and sys.argv[2] == '--db' else []
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = ['README.md'] + sorted('docs/' + f for f in os.listdir(os.path.join(ROOT, 'docs'))
                              if f.endswith('.md'))
PG_SHOWN = re.compile(r'postgresql://cvom@db\.example\.com/cvom')
PASSWORD = 'quiet lantern harbour 58\n'
failures, ran, skipped = [], [], []


def check(cond, what, *detail):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what, *[str(x)[-3000:] for x in detail])


def blocks(path):
    """The shell blocks of a Markdown file: (first line number, [command lines])."""
    out, current, start = [], None, 0
    for n, line in enumerate(open(os.path.join(ROOT, path), encoding='utf-8'), 1):
        if current is None and line.strip() == '```sh':
            current, start = [], n + 1
        elif current is not None and line.strip() == '```':
            out.append((start, current))
            current = None
        elif current is not None:
            current.append(line.rstrip('\n'))
    commands = []
    for start, lines in out:
        joined, cmds = '', []
        for line in lines:
            joined += line
            if joined.endswith('\\'):
                joined = joined[:-1] + ' '
                continue
            if joined.strip() and not joined.lstrip().startswith('#'):
                cmds.append(joined.strip())
            joined = ''
        commands.append((start, cmds))
    return commands


def program(line):
    words = shlex.split(line, comments=True)
    return words[0] if words else ''


def serve(line, d, env):
    """Run a `cvom serve` line on a free loopback port until it listens, then stop it."""
    words = shlex.split(line, comments=True)
    if '--listen' in words:
        words[words.index('--listen') + 1] = '127.0.0.1:0'
    port_file = os.path.join(d, 'port')
    if os.path.exists(port_file):
        os.remove(port_file)  # an earlier server's
    words += ['--port-file', port_file]
    log = open(os.path.join(d, 'serve.log'), 'w')
    p = subprocess.Popen(words, cwd=d, env=env, stdout=log, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and p.poll() is None and not (
            os.path.exists(port_file) and open(port_file).read().strip()):
        time.sleep(0.1)
    up = p.poll() is None
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    log.close()
    return up and rc == 0, 'listening: %s, exit %s\n%s' % (
        up, rc, open(os.path.join(d, 'serve.log')).read())


def run_block(path, start, cmds, d, pg):
    os.makedirs(os.path.join(d, 'build'), exist_ok=True)
    os.makedirs(os.path.join(d, 'bin'), exist_ok=True)
    os.makedirs(os.path.join(d, 'docs'), exist_ok=True)
    for link, target in ((os.path.join(d, 'build', 'cvom'), CVOM),
                         (os.path.join(d, 'bin', 'cvom'), CVOM),
                         (os.path.join(d, 'docs', 'examples'),
                          os.path.join(ROOT, 'docs', 'examples'))):
        if not os.path.lexists(link):
            os.symlink(target, link)
    for sub in ('srv/cvom', 'backups'):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    env = dict(os.environ, PATH=os.path.join(d, 'bin') + os.pathsep + os.environ['PATH'],
               NO_COLOR='1')
    env.pop('CVOM_DB', None)
    for line in cmds:
        where = '%s:%d: %s' % (path, start, line)
        if program(line) not in ('cvom', 'build/cvom'):
            skipped.append(where)
            continue
        if PG_SHOWN.search(line):
            if not pg:
                skipped.append(where + ' (no PostgreSQL server given)')
                continue
            line = PG_SHOWN.sub(lambda m: shlex.quote(pg), line)
        line = line.replace('/srv/cvom/', d + '/srv/cvom/').replace('/backups/', d + '/backups/')
        if 'demo.db' in line and not os.path.exists(os.path.join(d, 'demo.db')):
            subprocess.run([CVOM, '--db', 'demo.db', 'demo'], cwd=d, capture_output=True,
                           timeout=300, check=True)
        if re.search(r'\bserve\b', line):
            ok, log = serve(line, d, env)
            check(ok, 'runs as written: ' + where, log)
        else:
            r = subprocess.run(['sh', '-c', line], cwd=d, env=env, capture_output=True,
                               text=True, timeout=300,
                               input=PASSWORD if '--password-stdin' in line else '')
            check(r.returncode == 0, 'runs as written: ' + where, r.stdout, r.stderr)
        ran.append(where)


def main():
    pg_left = list(PG)
    with tempfile.TemporaryDirectory(prefix='cvom-docs-') as tmp:
        for path in DOCS:
            for start, cmds in blocks(path):
                if not cmds:
                    continue
                # A block of its own on a server: a new, empty database for it.
                pg = pg_left.pop(0) if any(PG_SHOWN.search(c) for c in cmds) and pg_left \
                    else None
                # The blocks of one file follow each other: they share a directory.
                run_block(path, start, cmds, os.path.join(tmp, path.replace('/', '_')), pg)
    check(len(ran) >= 20, 'the README and docs show at least 20 cvom commands', len(ran))
    print('%d commands run, %d lines of other programs not run:' % (len(ran), len(skipped)))
    for s in skipped:
        print('  not run: ' + s)
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
