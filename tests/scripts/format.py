#!/usr/bin/env python3
"""Every C source of the project is laid out as .clang-format says: clang-format would change
nothing in any of them. The files are those `make format` rewrites.
    usage: format.py [PATH/TO/cvom]   (the program is not needed; meson passes it)"""
import glob
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATTERNS = ['include/*.h', 'src/*/*.[ch]', 'src/*/*/*.[ch]', 'tests/unit/*.[ch]',
            'tests/fuzz/*.[ch]', 'tests/faults/*.[ch]', 'bench/*.c', 'examples/*.c']


def main():
    tool = shutil.which('clang-format')
    if not tool:
        print('FAIL: clang-format is not installed (scripts/setup.sh installs it)')
        return 1
    files = sorted({f for p in PATTERNS for f in glob.glob(os.path.join(ROOT, p))})
    if len(files) < 100:
        print('FAIL: found only %d sources under %s' % (len(files), ROOT))
        return 1
    bad = []
    for i in range(0, len(files), 50):
        p = subprocess.run([tool, '--dry-run', '--Werror', '--style=file'] + files[i:i + 50],
                           capture_output=True, text=True)
        if p.returncode:
            bad += sorted({line.split(':')[0] for line in p.stderr.splitlines()
                           if ': error:' in line})
            if not bad:
                print('FAIL: clang-format: %s' % p.stderr[-2000:])
                return 1
    for f in bad:
        print('FAIL: %s is not laid out as .clang-format says: run `make format`' %
              os.path.relpath(f, ROOT))
    print('%d sources checked with %s, %d to reformat' %
          (len(files), subprocess.run([tool, '--version'], capture_output=True,
                                      text=True).stdout.strip(), len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
