#!/usr/bin/env python3
"""Summarise the test log of build dir argv[1]: each failure with its output, each skip with its reason, the
ten slowest tests with their share of their timeout, then the closing line
'N passed, N failed[, N skipped]'."""
import json
import sys

# A test should take at most this share of its timeout on a quiet machine, so that it still
# passes when the machine is busy; slower ones are marked in the list of the slowest.
BUDGET = 1 / 3

build = sys.argv[1]
tests = []
with open(build + '/meson-logs/testlog.json') as f:
    for line in f:
        tests.append(json.loads(line))
# The log names a test "project:suite / name"; the build's description knows its timeout.
with open(build + '/meson-info/intro-tests.json') as f:
    timeouts = {'%s / %s' % (t['suite'][0], t['name']): t['timeout'] for t in json.load(f)}

passed = failed = skipped = 0
for t in tests:
    res, name = t.get('result'), t.get('name')
    if res in ('OK', 'EXPECTEDFAIL'):
        passed += 1
    elif res == 'SKIP':
        skipped += 1
        reason = (t.get('stdout') or '').strip().splitlines()
        print('SKIP %s: %s' % (name, reason[-1] if reason else 'no reason given'))
    else:
        failed += 1
        print('FAIL %s (%s after %.1f s)' % (name, res, t.get('duration') or 0))
        for stream in ('stdout', 'stderr'):
            text = (t.get(stream) or '').strip()
            if text:
                print('\n'.join('    ' + l for l in text.splitlines()[-40:]))

slow = sorted(tests, key=lambda t: -(t.get('duration') or 0))[:10]
if slow:
    print('slowest tests (seconds, share of the timeout):')
    for t in slow:
        d, limit = t.get('duration') or 0, timeouts.get(t.get('name'), 0)
        share = d / limit if limit else 0
        mark = '  over a third of its timeout' if share > BUDGET else ''
        print('  %6.1f  %3.0f %%  %s%s' % (d, 100 * share, t.get('name'), mark))

line = '%d passed, %d failed' % (passed, failed)
if skipped:
    line += ', %d skipped' % skipped
print(line)
sys.exit(1 if failed or passed == 0 else 0)
