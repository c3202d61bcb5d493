#!/usr/bin/env python3
"""Run one command-line test case file against the built cvom binary.

A case is a sequence of steps run in a fresh temporary directory with CVOM_DB=test.db
(or, with --db LOCATION before the binary, CVOM_DB=LOCATION: a new, empty database):

    # a comment
    @file NAME          lines up to '@end' become the file NAME in the directory
    $ cvom ARGS...      run cvom (shell-like quoting); the steps below check it
    $ NAME=VALUE cvom … the same with NAME set in its environment (LC_ALL=C for a locale
                        that is not UTF-8)
    < TEXT              a line of standard input
    > TEXT              a line of expected standard output (all '>' lines: exact match)
    ~ TEXT              standard output contains TEXT
    ^ TEXT              standard output does not contain TEXT
    ! TEXT              standard error contains TEXT
    ? N                 expected exit code (default 0)
    @only sqlite        the case is about SQLite files (backups): not run with --db
    @expect NAME        lines up to '@end' are the whole content the file NAME must have
                        after the command (a command that writes a file is checked by what
                        it wrote, not only by what it printed)
    % NAME TEXT         the file NAME has a line TEXT after the command
    - NAME              there is no file NAME after the command (a refused command writes
                        nothing)

'{dir}' in arguments and file contents is replaced by the temporary directory.
A step whose standard error has a sanitizer's report fails, whatever its exit code.
"""
import os
import shlex
import subprocess
import sys
import tempfile

# What UndefinedBehaviorSanitizer and AddressSanitizer print when they find something: a
# report fails the step even when the process goes on and exits as expected.
SANITIZER_REPORTS = ('runtime error:', 'ERROR: AddressSanitizer', 'ERROR: LeakSanitizer')


def parse(path):
    steps, files = [], []
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith(('@file ', '@expect ')):
            tag, name = line.split(' ', 1)
            at, body = i, []
            while i < len(lines) and lines[i] != '@end':
                body.append(lines[i])
                i += 1
            if i == len(lines):
                sys.exit('%s:%d: %s without @end' % (path, at, tag))
            i += 1
            if tag == '@file':
                files.append((len(steps), name.strip(), '\n'.join(body) + '\n'))
            elif not steps:
                sys.exit('%s:%d: @expect before any command' % (path, at))
            else:
                steps[-1]['files'].append((name.strip(), body))
        elif line.startswith('$ '):
            steps.append({'args': line[2:], 'stdin': [], 'out': [], 'has': [], 'err': [],
                          'code': 0, 'line': i, 'files': [], 'lines': [], 'absent': [],
                          'lacks': []})
        elif line[:2] in ('% ', '- '):
            if not steps:
                sys.exit('%s:%d: check before any command' % (path, i))
            if line[0] == '-':
                steps[-1]['absent'].append(line[2:].strip())
            else:
                name, _, text = line[2:].partition(' ')
                steps[-1]['lines'].append((name, text))
        elif line[:2] in ('< ', '> ', '~ ', '^ ', '! ', '? ') or line in ('<', '>'):
            if not steps:
                sys.exit('%s:%d: check before any command' % (path, i))
            s, tag, text = steps[-1], line[0], line[2:]
            if tag == '<':
                s['stdin'].append(text)
            elif tag == '>':
                s['out'].append(text)
            elif tag == '~':
                s['has'].append(text)
            elif tag == '^':
                s['lacks'].append(text)
            elif tag == '!':
                s['err'].append(text)
            else:
                s['code'] = int(text)
        elif line.startswith('@only '):
            pass  # read by tests/meson.build, which runs the case on that back end only
        elif line.strip() and not line.startswith('#'):
            sys.exit('%s:%d: cannot read this line: %r' % (path, i, line))
    return steps, files


def read_text(d, name):
    """The text of file NAME in the directory, or None when there is no such file."""
    try:
        with open(os.path.join(d, name), encoding='utf-8', newline='') as f:
            return f.read().replace(d, '{dir}')
    except FileNotFoundError:
        return None


def file_problems(d, s):
    """How the files after step s differ from its @expect, % and - lines."""
    problems = []
    for name, want in s['files']:
        got, text = read_text(d, name), '\n'.join(want) + '\n'
        if got is None:
            problems.append('no file %s was written' % name)
        elif got != text:
            problems.append('%s differs:\n--- expected\n%s--- got\n%s' % (name, text, got))
    for name, line in s['lines']:
        got = read_text(d, name)
        if got is None:
            problems.append('no file %s was written' % name)
        elif line not in got.split('\n'):
            problems.append('%s has no line %r' % (name, line))
    for name in s['absent']:
        if os.path.lexists(os.path.join(d, name)):
            problems.append('the command left a file %s' % name)
    return problems


def main():
    args = sys.argv[1:]
    location = None
    if len(args) > 2 and args[0] == '--db':
        location, args = args[1], args[2:]
    binary, case = os.path.abspath(args[0]), args[1]
    steps, files = parse(case)
    failures = 0
    with tempfile.TemporaryDirectory(prefix='cvom-cli-') as d:
        env = dict(os.environ, CVOM_DB=location or os.path.join(d, 'test.db'), NO_COLOR='1',
                   LC_ALL='C.UTF-8', TZ='UTC')
        for n, s in enumerate(steps):
            for at, name, body in files:
                if at == n:
                    with open(os.path.join(d, name), 'w', encoding='utf-8', newline='') as f:
                        f.write(body.replace('{dir}', d))
            args = [a.replace('{dir}', d) for a in shlex.split(s['args'])]
            step_env = dict(env)
            while args and '=' in args[0] and args[0].split('=', 1)[0].isidentifier():
                name, value = args.pop(0).split('=', 1)
                step_env[name] = value
            if args and args[0] == 'cvom':
                args[0] = binary
            stdin = '\n'.join(s['stdin']) + '\n' if s['stdin'] else ''
            p = subprocess.run(args, input=stdin.encode(), cwd=d, env=step_env,
                               capture_output=True, timeout=60)
            out = p.stdout.decode('utf-8', 'replace').replace(d, '{dir}')
            err = p.stderr.decode('utf-8', 'replace').replace(d, '{dir}')
            where = '%s:%d: $ %s' % (case, s['line'], s['args'])
            problems = []
            if p.returncode != s['code']:
                problems.append('exit code %d, expected %d' % (p.returncode, s['code']))
            if s['out'] and out.rstrip('\n').split('\n') != s['out']:
                problems.append('stdout differs:\n--- expected\n%s\n--- got\n%s' %
                                ('\n'.join(s['out']), out.rstrip('\n')))
            for t in s['has']:
                if t not in out:
                    problems.append('stdout lacks %r' % t)
            for t in s['lacks']:
                if t in out:
                    problems.append('stdout has %r' % t)
            for t in s['err']:
                if t not in err:
                    problems.append('stderr lacks %r' % t)
            for t in SANITIZER_REPORTS:
                if t in err:
                    problems.append('stderr has a sanitizer report (%r)' % t)
            problems += file_problems(d, s)
            if problems:
                failures += 1
                print(where)
                for pr in problems:
                    print('  ' + pr.replace('\n', '\n  '))
                if err.strip():
                    print('  stderr was:\n    ' + err.strip().replace('\n', '\n    '))
    print('%d steps, %d failed' % (len(steps), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
