#!/usr/bin/env python3
"""`cvom alerts`: on the demo, every kind of alert fires at least once as of 2026-12-07, each
with why and where; the filters, --kind and the settings narrow them; a planted overdue,
unowned action appears and leaves when it is done; the digest says nothing, and exits 0, when
there is nothing to say.
    usage: alerts.py PATH/TO/cvom [--db LOCATION]   (default: a new SQLite file)"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

CVOM = os.path.abspath(sys.argv[1])
LOCATION = sys.argv[3] if len(sys.argv) == 4 and sys.argv[2] == '--db' else None
AS_OF = '2026-12-07'  # the demo's dates are fixed: its stale, due and unanswered stories
KINDS = ['slid', 'stale', 'due', 'borderline', 'split', 'at_risk', 'overserved', 'crumbled',
         'overdue_action', 'unowned_action', 'unanswered_survey', 'coverage_gap']
checks = 0


def expect(cond, msg):
    global checks
    checks += 1
    if not cond:
        raise AssertionError(msg)


def run(d, *args):
    p = subprocess.run([CVOM, '--db', LOCATION or os.path.join(d, 'a.db')] + list(args), cwd=d,
                       capture_output=True, text=True, env=dict(os.environ, NO_COLOR='1'))
    return p.returncode, p.stdout, p.stderr


def ok(d, *args):
    rc, out, err = run(d, *args)
    expect(rc == 0, 'cvom %s: exit %d: %s' % (' '.join(args), rc, err))
    return out


def alerts(d, *args):
    return json.loads(ok(d, 'alerts', '--as-of', AS_OF, '--format', 'json', *args))


def main():
    with tempfile.TemporaryDirectory() as d:
        ok(d, 'demo')
        every = alerts(d)
        kinds = {a['kind'] for a in every}
        expect(kinds == set(KINDS), 'kinds on the demo: missing %s, unknown %s' %
               (sorted(set(KINDS) - kinds), sorted(kinds - set(KINDS))))
        accounts = {a['id']: a for a in json.loads(ok(d, 'account', 'list', '--format', 'json'))}
        for a in every:
            expect(a['account_id'] in accounts and a['why'].endswith('.') and
                   a['where'].startswith('/'), 'an alert without account, why or where: %s' % a)
            expect(a['account'] == accounts[a['account_id']]['name'] and
                   a['owner'] == accounts[a['account_id']]['owner'], 'the account named: %s' % a)
            expect((a['action_id'] is not None) == a['kind'].endswith('_action'),
                   'an action alert names its action: %s' % a)
        by_kind = {k: [a for a in every if a['kind'] == k] for k in KINDS}
        stale = by_kind['stale'][0]
        expect(stale['external_id'] == 'CRM-1030' and stale['date'] == '2026-05-20' and
               stale['where'] == '/accounts/%d#survey' % stale['account_id'],
               'the stale story: %s' % stale)
        due = by_kind['due'][0]
        expect(due['external_id'] == 'CRM-1014' and due['date'] == '2026-12-22' and
               '15 days' in due['why'], 'the due story: %s' % due)
        link = by_kind['unanswered_survey'][0]
        expect(link['external_id'] == 'CRM-1022' and '43 days' in link['why'],
               'the unanswered survey link: %s' % link)
        expect(all('2026-04-15' in a['why'] for a in by_kind['slid'] + by_kind['crumbled']),
               'slides and crumbled pillars compare with the previous round')

        # The same on the other faces of the command: CSV columns, the digest, the filters.
        rows = list(csv.DictReader(io.StringIO(ok(d, 'alerts', '--as-of', AS_OF, '--format',
                                                   'csv'))))
        expect(len(rows) == len(every) and rows[0].keys() == every[0].keys(),
               'CSV: %d rows against %d' % (len(rows), len(every)))
        text = ok(d, 'alerts', '--as-of', AS_OF)
        n_accounts = len({a['account_id'] for a in every})
        expect(text.startswith('%d alerts on %d accounts as of %s' %
                               (len(every), n_accounts, AS_OF)), 'digest: ' + text[:120])
        expect(all(a['why'] in text for a in every), 'the digest says why for every alert')
        owner = every[0]['owner']
        mine = alerts(d, '--owner', owner)
        expect(mine and all(a['owner'] == owner for a in mine) and
               len(mine) == sum(a['owner'] == owner for a in every), '--owner: %d' % len(mine))
        only = alerts(d, '--kind', 'overserved')
        expect(only == by_kind['overserved'], '--kind overserved')
        rc, out, err = run(d, 'alerts', '--as-of', AS_OF, '--owner', 'Nobody At All')
        expect(rc == 0 and out == '' and err == '', 'nothing to say: exit %d, %r %r' %
               (rc, out, err))
        rc, _, err = run(d, 'alerts', '--kind', 'sad')
        expect(rc == 2 and '--kind' in err, 'a bad kind: %d %s' % (rc, err))
        rc, _, err = run(d, 'alerts', '--as-of', AS_OF, '--since', AS_OF)
        expect(rc == 2 and '--since' in err, 'since not before: %d %s' % (rc, err))
        later = alerts(d, '--since', '2026-10-15')
        expect(not any(a['kind'] in ('slid', 'crumbled') for a in later),
               'nothing moved since the last round')

        # Thresholds are settings.
        ok(d, 'config', 'alerts.due_days', '0')
        ok(d, 'config', 'alerts.unanswered_days', '60')
        kinds = {a['kind'] for a in alerts(d)}
        expect('due' not in kinds and 'unanswered_survey' not in kinds,
               'the settings move the thresholds: %s' % sorted(kinds))
        rc, _, err = run(d, 'config', 'alerts.due_days', '1.5')
        expect(rc != 0 and 'alerts.due_days' in err, 'whole days only: %d %s' % (rc, err))

        # A planted action: overdue and unowned while open, gone once done.
        quiet = next(a for a in accounts.values()
                     if not any(x['account_id'] == a['id'] for x in every))
        out = ok(d, 'action', 'add', str(quiet['id']), '--title', 'Call the CFO',
                 '--due', '2026-11-30', '--date', '2026-11-01')
        action = int(out.split()[-1])
        mine = [a for a in alerts(d) if a['account_id'] == quiet['id']]
        expect(sorted(a['kind'] for a in mine) == ['overdue_action', 'unowned_action'] and
               all(a['action_id'] == action for a in mine) and
               '2026-11-30' in mine[0]['why'], 'the planted action: %s' % mine)
        ok(d, 'action', 'done', str(action), '--date', '2026-12-01')
        expect(not [a for a in alerts(d) if a['account_id'] == quiet['id']],
               'a done action is no alert')
    print('alerts: %d checks passed' % checks)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except AssertionError as e:
        print('FAIL: %s' % e)
        sys.exit(1)
