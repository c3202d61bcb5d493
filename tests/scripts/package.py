#!/usr/bin/env python3
"""cvom installs like a C library: `meson install` into a staging directory (as a packager's
DESTDIR) gives the shared library with its soname and the static one, cvom.h, cvom.pc for
pkg-config, the manual page and the licence; the example program builds against the staged
library through pkg-config, both shared and static, and prints the scores the example's
answers give by the product's formula.
    usage: package.py BUILD_DIR/cvom"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

BUILD = os.path.dirname(os.path.abspath(sys.argv[1]))
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# A program linked to a library built with the sanitizers needs them too.
SANITIZE = next((o['value'] for o in json.loads(subprocess.run(
    ['meson', 'introspect', '--buildoptions', BUILD], capture_output=True, text=True,
    check=True).stdout) if o['name'] == 'b_sanitize'), 'none')
failures = []


def check(cond, what, *detail):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what, *[str(x)[:2000] for x in detail])


def run(*args, env=None):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))


def expected_scores():
    """The example's answers scored as the product scores them: items on 1-7 made 0-100
    (reverse items flipped), each respondent's mean per axis, respondents weighted by
    influence."""
    answers = [(6, 7, 3, 5), (5, 6, 2, 6), (7, 6, 4, 4)]
    influence = [1.0, 0.5, 1.0]
    norm = [lambda x: (x - 1) / 6 * 100, lambda x: (x - 1) / 6 * 100,
            lambda x: (x - 1) / 6 * 100, lambda x: (7 - x) / 6 * 100]
    per = [((norm[0](a[0]) + norm[1](a[1])) / 2, (norm[2](a[2]) + norm[3](a[3])) / 2)
           for a in answers]
    w = sum(influence)
    return tuple(sum(p[d] * i for p, i in zip(per, influence)) / w for d in (0, 1))


with tempfile.TemporaryDirectory(prefix='cvom-package-') as d:
    stage = os.path.join(d, 'stage')
    r = run('meson', 'install', '-C', BUILD, '--no-rebuild', '--quiet', env={'DESTDIR': stage})
    check(r.returncode == 0, 'meson install into DESTDIR', r.stdout, r.stderr)
    pcs = glob.glob(os.path.join(stage, '**', 'pkgconfig', 'cvom.pc'), recursive=True)
    check(len(pcs) == 1, 'cvom.pc is installed', pcs)
    libdir = os.path.dirname(os.path.dirname(pcs[0])) if pcs else ''
    sonames = glob.glob(os.path.join(libdir, 'libcvom.so.*'))
    check(os.path.exists(os.path.join(libdir, 'libcvom.a')), 'the static library', libdir)
    check(any(re.search(r'libcvom\.so\.\d+$', p) for p in sonames) and
          any(re.search(r'libcvom\.so\.\d+\.\d+\.\d+$', p) for p in sonames),
          'the shared library with its soname link', sonames)
    so = os.path.join(libdir, 'libcvom.so')
    r = run('readelf', '-d', so)
    check(re.search(r'SONAME.*\[libcvom\.so\.\d+\]', r.stdout), 'the soname is recorded', r.stdout)
    r = run('nm', '-D', '--defined-only', so)
    exported = [l.split()[-1] for l in r.stdout.splitlines() if l.strip()]
    check(exported and all(n.startswith('cvom_') for n in exported),
          'only cvom_ names are exported', [n for n in exported if not n.startswith('cvom_')])
    headers = glob.glob(os.path.join(stage, '**', 'include', 'cvom.h'), recursive=True)
    check(len(headers) == 1, 'cvom.h is installed', headers)
    pages = glob.glob(os.path.join(stage, '**', 'man1', 'cvom.1'), recursive=True)
    check(len(pages) == 1, 'the manual page is installed', pages)
    licences = glob.glob(os.path.join(stage, '**', 'doc', 'cvom', 'LICENSE'), recursive=True)
    check(len(licences) == 1, 'the licence is installed', licences)

    # pkg-config as a packager's build sees the staged tree.
    pc_env = {'PKG_CONFIG_PATH': os.path.dirname(pcs[0]) if pcs else '',
              'PKG_CONFIG_SYSROOT_DIR': stage}
    r = run('pkg-config', '--cflags', '--libs', 'cvom', env=pc_env)
    check(r.returncode == 0 and '-lcvom' in r.stdout, 'pkg-config --cflags --libs cvom',
          r.stdout, r.stderr)
    flags = r.stdout.split()
    san = [] if SANITIZE in ('', 'none') else ['-fsanitize=' + SANITIZE]
    example = os.path.join(SOURCE, 'examples', 'score_account.c')
    want = expected_scores()
    for kind in ('shared', 'static'):
        exe = os.path.join(d, 'score_account-' + kind)
        link = flags if kind == 'shared' else \
            [f for f in flags if not f.startswith('-l')] + [os.path.join(libdir, 'libcvom.a'),
                                                           '-lm']
        r = run('cc', '-std=c17', '-Wall', '-Wextra', '-Werror', *san, example, *link, '-o', exe)
        check(r.returncode == 0, 'the example builds against the %s library' % kind, r.stderr)
        if r.returncode:
            continue
        needed = run('readelf', '-d', exe).stdout
        check(('libcvom.so' in needed) == (kind == 'shared'),
              'the %s example links libcvom the way asked' % kind, needed)
        r = run(exe, env={'LD_LIBRARY_PATH': libdir,
                          'ASAN_OPTIONS': 'detect_leaks=1'})
        check(r.returncode == 0, 'the %s example runs' % kind, r.stdout, r.stderr)
        m = re.search(r'intellectual ([\d.]+) .* emotional ([\d.]+)', r.stdout)
        check(m and abs(float(m.group(1)) - want[0]) < 0.05 and
              abs(float(m.group(2)) - want[1]) < 0.05,
              'the %s example prints the scores its answers give: %s' % (kind, want), r.stdout)
        version = re.search(r'libcvom (\S+) \(built against (\S+)\)', r.stdout)
        check(version and version.group(1) == version.group(2) != '',
              'cvom_version() and CVOM_VERSION agree', r.stdout)

    # The manual page reads, and names every command the program's help lists.
    if pages:
        r = run('man', '-l', pages[0], env={'MANWIDTH': '100', 'MANPAGER': 'cat',
                                           'PAGER': 'cat'})
        check(r.returncode == 0 and 'cvom account add' in r.stdout, 'man -l shows the page',
              r.stderr)
        top = run(os.path.join(BUILD, 'cvom'), '--help').stdout
        commands = re.findall(r'^  ([a-z]+)  ', top, re.M)
        missing = [c for c in commands if 'cvom ' + c not in r.stdout]
        check(commands and not missing, 'the page has every command', missing)

print('%d failures' % len(failures))
sys.exit(1 if failures else 0)
