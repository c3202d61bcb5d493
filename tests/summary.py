#!/usr/bin/env python3
"""Summarise meson's test log: each failure with its output, each skip with its reason,
then the closing line 'N passed, N failed[, N skipped]'."""
import json
import sys

log, out = sys.argv[1], sys.argv[2]
passed = failed = skipped = 0
with open(log) as f:
    for line in f:
        t = json.loads(line)
        res = t.get('result')
        name = t.get('name')
        if res in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif res == 'SKIP':
            skipped += 1
            reason = (t.get('stdout') or '').strip().splitlines()
            print('SKIP %s: %s' % (name, reason[-1] if reason else 'no reason given'))
        else:
            failed += 1
            print('FAIL %s (%s)' % (name, res))
            for stream in ('stdout', 'stderr'):
                text = (t.get(stream) or '').strip()
                if text:
                    print('\n'.join('    ' + l for l in text.splitlines()[-40:]))
line = '%d passed, %d failed' % (passed, failed)
if skipped:
    line += ', %d skipped' % skipped
print(line)
sys.exit(1 if failed or passed == 0 else 0)
