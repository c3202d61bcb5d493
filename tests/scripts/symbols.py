#!/usr/bin/env python3
"""One prefix per kind of name: a global `cvom_` symbol is a function or object of the public
header include/cvom.h; everything else the libraries and the program share among themselves
is `cvom__`. libcvom.so exports exactly the public names it defines, none of the internal ones.
Read from the built objects with nm, so a new internal function that forgets the prefix fails.
    usage: symbols.py PATH/TO/cvom   (the libraries are found beside the program)"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def defined(path, dynamic=False):
    """The global symbols a file defines (nm -g, or the dynamic table with -D)."""
    args = ['nm', '-D' if dynamic else '-g', '--defined-only', path]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDBRCVW':
            names.add(parts[2].split('@')[0])
    return names


def main():
    build = os.path.dirname(os.path.abspath(sys.argv[1]))
    header = open(os.path.join(ROOT, 'include', 'cvom.h'), encoding='utf-8').read()
    public = set(re.findall(r'\bcvom_[a-z0-9][a-z0-9_]*\b', header))

    objects = sorted(glob.glob(os.path.join(build, 'libcvom*.a')) +
                     glob.glob(os.path.join(build, 'cvom.p', '*.o')))
    if len(objects) < 4:
        print('FAIL: expected libcvom.a, libcvomapp.a, libcvomweb.a and the objects of cvom '
              'in %s, found %s' % (build, objects))
        return 1
    failures = []
    seen = 0
    for path in objects:
        for name in sorted(defined(path)):
            if not name.startswith('cvom_') or name.startswith('cvom__'):
                continue
            seen += 1
            if name not in public:
                failures.append('%s defines %s, which include/cvom.h does not declare: make it '
                                'static, or call it cvom__%s' %
                                (os.path.relpath(path, build), name, name[5:]))

    shared = os.path.join(build, 'libcvom.so')
    exported = defined(shared, dynamic=True)
    for name in sorted(exported):
        if name.startswith('cvom__') or not name.startswith('cvom_'):
            failures.append('libcvom.so exports %s, which is not a public name' % name)
        elif name not in public:
            failures.append('libcvom.so exports %s, which include/cvom.h does not declare' % name)
    core = defined(os.path.join(build, 'libcvom.a'))
    hidden = sorted(n for n in core if n.startswith('cvom__'))
    if not hidden:
        failures.append('libcvom.a defines no cvom__ name: the check of the exports saw nothing')
    if not exported:
        failures.append('libcvom.so exports nothing')

    for f in failures:
        print('FAIL:', f)
    print('%d public cvom_ symbols defined, %d exported by libcvom.so, %d internal cvom__ names '
          'of the core kept inside it' % (seen, len(exported), len(hidden)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
