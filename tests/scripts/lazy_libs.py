#!/usr/bin/env python3
"""The heavy libraries are opened by their first use, not at start-up (scripts/lazylib.py).
The program links none of libpq, cairo, Pango, libcurl, libmicrohttpd, libxlsxwriter and
libzip. Where those libraries cannot be loaded (here: empty files of their names first on the
library path), every command that needs none of them still works, and each one that needs one
fails with its name and the loader's reason, exits non-zero and leaves no file behind.
    usage: lazy_libs.py PATH/TO/cvom"""
import glob
import os
import re
import subprocess
import sys
import tempfile

CVOM = os.path.abspath(sys.argv[1])
BUILD = os.path.dirname(CVOM)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def check(cond, what, *detail):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what, *[str(x)[:1500] for x in detail])


def sonames():
    """name -> the libraries its generated loader opens, read from build/lazy_NAME.c."""
    found = {}
    for path in glob.glob(os.path.join(BUILD, 'lazy_*.c')):
        m = re.search(r'sonames\[\] = \{([^}]*)\}', open(path, encoding='utf-8').read())
        if m:
            found[os.path.basename(path)[5:-2]] = re.findall(r'"([^"]+)"', m.group(1))
    return found


def needed():
    out = subprocess.run(['readelf', '-d', CVOM], capture_output=True, text=True,
                         check=True).stdout
    return set(re.findall(r'\(NEEDED\)\s+Shared library: \[([^]]+)\]', out))


def main():
    lazy = sonames()
    check(set(lazy) == {'pq', 'cairo', 'xlsxwriter', 'curl', 'zip', 'microhttpd'},
          'the build has a loader for each heavy library', sorted(lazy))
    linked = needed()
    check('libc.so.6' in linked and 'libsqlite3.so.0' in linked,
          'readelf lists what the program links', sorted(linked))
    for name, libs in sorted(lazy.items()):
        for lib in libs:
            check(lib not in linked, '%s is opened when first needed, not linked' % lib)

    with tempfile.TemporaryDirectory() as d:
        broken = os.path.join(d, 'broken')
        os.mkdir(broken)
        for libs in lazy.values():
            for lib in libs:
                open(os.path.join(broken, lib), 'wb').close()
        work = os.path.join(d, 'work')
        os.mkdir(work)
        db = os.path.join(work, 'x.db')
        env = dict(os.environ, LD_LIBRARY_PATH=broken)

        def run(*args, broken_libs=True, timeout=120):
            return subprocess.run([CVOM, '--db', db] + list(args), cwd=work,
                                  capture_output=True, text=True, timeout=timeout,
                                  env=env if broken_libs else os.environ)

        # What needs none of the heavy libraries works without them.
        for args in (['demo'], ['score'], ['matrix'], ['export'], ['account', 'list'],
                     ['report', '--format', 'csv', '--out', 'r.csv']):
            p = run(*args)
            check(p.returncode == 0, 'cvom %s runs without the heavy libraries' % ' '.join(args),
                  p.stderr)
        before = sorted(os.listdir(work))

        def refused(args, lib, what):
            p = run(*args)
            check(p.returncode != 0, '%s fails when %s cannot be loaded' % (what, lib), p.stdout)
            check(lib in p.stderr and 'file too short' in p.stderr,
                  '%s names %s and why it could not be loaded' % (what, lib), p.stderr)
            check(sorted(os.listdir(work)) == before, '%s leaves no file behind' % what,
                  sorted(os.listdir(work)))

        cairo = next(x for x in lazy['cairo'] if x.startswith('libcairo.'))
        refused(['render', 'matrix', '--out', 'm.png'], cairo, 'a PNG of the matrix')
        refused(['render', 'matrix', '--out', 'm.pdf'], cairo, 'a PDF of the matrix')
        account = run('account', 'list').stdout.split('\n')[1].split()[0]
        refused(['render', 'account', account, '--out', 'a.pdf'], cairo, 'a one-pager')
        refused(['report', '--format', 'xlsx', '--out', 'r.xlsx'], lazy['xlsxwriter'][0],
                'an XLSX report')
        counted = run('account', 'list').stdout
        refused(['import', 'accounts', os.path.join(ROOT, 'tests', 'data', 'xlsx',
                                                    'openpyxl_accounts.xlsx')],
                lazy['zip'][0], 'a workbook import')
        check(run('account', 'list').stdout == counted, 'the failed import changed nothing')
        refused(['serve', '--listen', '127.0.0.1:0'], lazy['microhttpd'][0], 'the web server')
        p = subprocess.run([CVOM, '--db', 'postgresql:///cvom_absent?host=' + d, 'score'],
                           cwd=work, capture_output=True, text=True, timeout=60, env=env)
        check(p.returncode != 0 and lazy['pq'][0] in p.stderr,
              'a PostgreSQL location names libpq when it cannot be loaded', p.stderr)

        # The same commands work where the libraries load: the failures above were theirs.
        p = run('render', 'matrix', '--out', 'm.png', broken_libs=False)
        check(p.returncode == 0 and os.path.getsize(os.path.join(work, 'm.png')) > 1000,
              'the matrix is drawn where cairo loads', p.stderr)
        p = run('report', '--format', 'xlsx', '--out', 'r.xlsx', broken_libs=False)
        check(p.returncode == 0 and os.path.getsize(os.path.join(work, 'r.xlsx')) > 1000,
              'the XLSX report is written where libxlsxwriter loads', p.stderr)

    for f in failures:
        print('FAIL:', f)
    print('%d libraries opened on first use, none linked; %d failures' %
          (sum(len(v) for v in lazy.values()), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
