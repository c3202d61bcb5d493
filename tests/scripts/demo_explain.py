#!/usr/bin/env python3
"""The demo portfolio: deterministic, at least 60 accounts over all four quadrants, some
borderline, some without enough evidence, movers between the two waves; and for every
account the explanation's contributions (respondents and signals) add up to its scores.
Every signal's normalised score and share is recomputed here from the database, with
scipy.stats.rankdata for the percentile, independently of cvom."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import need  # noqa: E402

rankdata = need.module('demo_explain', 'scipy.stats', 'python3-scipy').rankdata
CVOM = os.path.abspath(sys.argv[1])


def run(d, db, *args):
    p = subprocess.run([CVOM, '--db', os.path.join(d, db)] + list(args), cwd=d,
                       capture_output=True, text=True, env=dict(os.environ, NO_COLOR='1'))
    assert p.returncode == 0, '%s: %s' % (args, p.stderr)
    return p.stdout


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


with tempfile.TemporaryDirectory() as d:
    run(d, 'a.db', 'demo')
    run(d, 'b.db', 'demo')
    wave2 = run(d, 'a.db', 'export', '--format', 'csv', '--as-of', '2026-10-31')
    assert wave2 == run(d, 'b.db', 'export', '--format', 'csv', '--as-of', '2026-10-31'), \
        'the demo is not deterministic'
    accounts = rows(wave2)
    assert len(accounts) >= 60, len(accounts)
    quadrants = {a['quadrant'] for a in accounts if a['state'] != 'insufficient'}
    assert quadrants == {'transactional', 'intellectual', 'emotional', 'partnership'}, quadrants
    states = [a['state'] for a in accounts]
    assert states.count('borderline') >= 2, states.count('borderline')
    assert states.count('insufficient') >= 2, states.count('insufficient')
    wave1 = {a['account_id']: a for a in rows(run(d, 'a.db', 'export', '--as-of', '2026-04-30'))}
    movers = [a for a in accounts if a['state'] == 'ok' and wave1[a['account_id']]['state'] == 'ok'
              and a['quadrant'] != wave1[a['account_id']]['quadrant']]
    assert len(movers) >= 3, 'only %d accounts moved between the waves' % len(movers)

    drawing = run(d, 'a.db', 'matrix', '--as-of', '2026-10-31', '--width', '100')
    for word in ('PARTNERSHIP', 'INTELLECTUAL', 'EMOTIONAL', 'TRANSACTIONAL', 'Emotional value',
                 'Intellectual value', 'Not enough evidence'):
        assert word in drawing, word
    assert '\x1b' not in drawing

    # The signals in force on 2026-10-31, read straight from the database.
    import math
    import sqlite3
    from datetime import date
    day = (date(2026, 10, 31) - date(1970, 1, 1)).days
    con = sqlite3.connect(os.path.join(d, 'a.db'))
    defs = {r['name']: r for r in json.loads(run(d, 'a.db', 'signal', 'list', '--format', 'json'))}
    raw = {}
    for name, g in defs.items():
        if g['source'] == 'ledger':
            q = ("select account_id, avg(rating) from network_entries where rating is not null"
                 " and date between ? and ? group by account_id")
            raw[name] = dict(con.execute(q, (day - 364, day)))
        else:
            q = ("select v.account_id, v.value from signal_values v where v.signal_id = ? and"
                 " v.date = (select max(date) from signal_values w where w.signal_id = v.signal_id"
                 " and w.account_id = v.account_id and w.date <= ?)")
            raw[name] = dict(con.execute(q, (g['id'], day)))
    con.close()

    def expected_score(name, account_id):
        g, x = defs[name], raw[name][account_id]
        if g['norm'] == 'fixed':
            s = min(100.0, max(0.0, 100 * (x - g['p1']) / (g['p2'] - g['p1'])))
        elif g['norm'] == 'logistic':
            s = 100 / (1 + math.exp(-(x - g['p1']) / g['p2']))
        else:
            values = list(raw[name].values())
            ranks = rankdata(values)  # average ranks for ties, as cvom's mid-rank
            s = 100 * (ranks[values.index(x)] - 1) / (len(values) - 1)
        return 100 - s if g['direction'] == '-' else s

    checked = signals_checked = 0
    for a in accounts:
        ex = json.loads(run(d, 'a.db', 'explain', a['account_id'], '--as-of', '2026-10-31',
                            '--format', 'json'))
        for axis in ('intellectual', 'emotional'):
            value = ex['axes'][axis]['value']
            parts = [r['contribution_' + axis] for r in ex['respondents']
                     if r['counted_' + axis]]
            answers = [x['contribution_' + axis] for r in ex['respondents'] if r['counted_' + axis]
                       for x in r['answers'] if x['contribution_' + axis] is not None]
            if value is None:
                assert not parts
                continue
            sig = [g for g in ex['signals'] if g['axis'] == axis]
            assert all(g['counted'] for g in sig)
            weights = sum(defs[g['name']]['weight'] for g in sig)
            share = 1 / (1 + weights)  # signals.survey_weight is 1 in the demo
            assert abs(ex['axes'][axis]['survey_share'] - share) < 1e-12, (a['name'], axis)
            for g in sig:
                want = expected_score(g['name'], int(a['account_id']))
                assert abs(g['score'] - want) < 1e-9, (a['name'], g['name'], g['score'], want)
                assert abs(g['share'] - defs[g['name']]['weight'] * share) < 1e-12
                assert abs(g['contribution'] - g['share'] * g['score']) < 1e-9
                signals_checked += 1
            from_signals = sum(g['contribution'] for g in sig)
            survey = ex['axes'][axis]['survey']
            assert abs(sum(parts) - share * survey) < 1e-9, (a['name'], axis)
            assert abs(sum(parts) + from_signals - value) < 1e-9, (a['name'], axis, value)
            assert abs(sum(answers) + from_signals - value) < 1e-9, (a['name'], axis, value)
            assert abs(round(value, 2) - float(a[axis])) < 0.006, (a['name'], axis)
            checked += 1
    # Reliability: Cronbach's alpha recomputed here from the stored answers, read with
    # Python's sqlite3 module and the instrument's CSV, independently of cvom.
    import statistics
    items = rows(run(d, 'a.db', 'instrument', 'show', '--format', 'csv'))
    con = sqlite3.connect(os.path.join(d, 'a.db'))
    answers = {}
    for aid, code, value in con.execute(
            "select r.assessment_id, r.item_code, r.value from responses r join assessments a"
            " on a.id = r.assessment_id where a.status = 'complete'"):
        answers.setdefault(aid, {})[code] = value
    con.close()
    rel = rows(run(d, 'a.db', 'instrument', 'reliability', '--format', 'csv'))
    for axis in ('intellectual', 'emotional'):
        on = [i for i in items if i['axis'] in (axis, 'both')]
        def score(i, x):
            s = 100 * (x - int(i['scale_min'])) / (int(i['scale_max']) - int(i['scale_min']))
            return 100 - s if i['reverse'] == '1' else s
        cases = [[score(i, a[i['code']]) for i in on] for a in answers.values()
                 if all(i['code'] in a for i in on)]
        k = len(on)
        item_var = sum(statistics.variance([c[j] for c in cases]) for j in range(k))
        total_var = statistics.variance([sum(c) for c in cases])
        alpha = k / (k - 1) * (1 - item_var / total_var)
        got = [r for r in rel if r['axis'] == axis]
        assert len(got) == k and int(got[0]['cases']) == len(cases), (axis, len(cases))
        assert abs(float(got[0]['alpha']) - alpha) < 1e-6, (axis, got[0]['alpha'], alpha)
        for j, r in enumerate(got):
            rest = [sum(c) - c[j] for c in cases]
            r_it = statistics.correlation([c[j] for c in cases], rest)
            assert abs(float(r['item_total']) - r_it) < 1e-6, (r['item'], r['item_total'], r_it)

    assert signals_checked > 300, signals_checked
    print('demo: %d accounts, %d movers; %d explanations add up; %d signal scores recomputed'
          % (len(accounts), len(movers), checked, signals_checked))
