#!/usr/bin/env python3
"""The folders of src/ include only what docs/architecture.md allows: its table's column "may
include" is read as the rule, every `#include "folder/…"` of src/ is held to it, and the
allowed graph itself must have no cycle (no folder includes a folder that includes it back).
And one way to say an HTTP status: outside src/web/server.c, web handlers answer errors
through web_fail (a cvom_status) or web_refuse (a named refusal), never with a number.
    usage: layers.py [PATH/TO/cvom]   (the program is not needed; meson passes it)"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def rule():
    """folder -> the folders it may include, from the table of docs/architecture.md."""
    allowed = {}
    for line in open(os.path.join(ROOT, 'docs', 'architecture.md'), encoding='utf-8'):
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) == 3 and re.fullmatch(r'[a-z]+', cells[0]) and cells[0] != 'folder':
            allowed[cells[0]] = set() if cells[2] in ('—', '-', '') else \
                {c.strip() for c in cells[2].split(',')}
    return allowed


def main():
    allowed = rule()
    folders = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, 'src', '*'))
                     if os.path.isdir(p))
    missing = [f for f in folders if f not in allowed]
    if missing:
        failures.append('docs/architecture.md has no row for %s' % ', '.join(missing))
    unknown = sorted({x for v in allowed.values() for x in v} - set(allowed))
    if unknown:
        failures.append('the table allows folders it does not describe: %s' % unknown)

    # The rule itself: no cycle.
    def reaches(a, b, seen=()):
        return any(x == b or (x not in seen and reaches(x, b, seen + (x,)))
                   for x in allowed.get(a, ()))
    for a in allowed:
        if reaches(a, a):
            failures.append('the table lets %s include itself through others' % a)

    checked = 0
    for path in sorted(glob.glob(os.path.join(ROOT, 'src', '**', '*.[ch]'), recursive=True)):
        rel = os.path.relpath(path, ROOT)
        folder = rel.split(os.sep)[1]
        for n, line in enumerate(open(path, encoding='utf-8'), 1):
            m = re.match(r'\s*#\s*include\s+"([a-z_]+)/', line)
            if not m or m.group(1) == folder:
                continue
            checked += 1
            if m.group(1) not in allowed.get(folder, set()):
                failures.append('%s:%d: %s includes %s, which docs/architecture.md does not '
                                'allow it' % (rel, n, folder, line.strip()))
    # HTTP statuses as numbers live in server.c only (web_http_status, web_refuse).
    literal = re.compile(r'web_error\(\s*\w+\s*,\s*\d{3}')
    statuses = 0
    for path in sorted(glob.glob(os.path.join(ROOT, 'src', 'web', '*.c'))):
        if os.path.basename(path) == 'server.c':
            statuses += len(literal.findall(open(path, encoding='utf-8').read()))
            continue
        for n, line in enumerate(open(path, encoding='utf-8'), 1):
            if literal.search(line):
                failures.append('%s:%d: an HTTP status as a number; use web_refuse or web_fail'
                                % (os.path.relpath(path, ROOT), n))
    if statuses == 0:
        failures.append('no web_error call found in server.c: the status scan is broken')
    if checked < 50:
        failures.append('only %d includes across folders found: the scan is broken' % checked)
    for f in failures:
        print('FAIL: ' + f)
    print("%d includes across folders checked, HTTP statuses as numbers only in server.c, %d failures" % (checked, len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
