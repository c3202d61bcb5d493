#!/usr/bin/env python3
"""The account one-pager, complete: read back with poppler's pdfinfo and pdftotext, it shows
the account's open actions (overdue ones marked), its suggested plays, its over-serving (the
unvalued cost and the offerings behind it), its partnership health with the weakest pillar
and its alignment, each as the command line's own listings give them, and the relationship map
as `cvom explain` lays it out, and a group's roll-up with its members; what does not fit
goes on to further pages, and nothing is left out.
    usage: onepager.py PATH/TO/cvom"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import need  # noqa: E402
need.program('onepager', 'pdfinfo', 'poppler-utils')
need.program('onepager', 'pdftotext', 'poppler-utils')

CVOM = os.path.abspath(sys.argv[1])
DISCOUNTER = 'Stack & Save Discount Stores'  # the demo's over-served account
# After the due date of the discounter's first open action (2026-11-29), before its second's.
AS_OF = '2026-12-15'
MANY = 40


def environment(d):
    # Fontconfig keeps its caches for the life of the process; under LeakSanitizer that is
    # not a leak of ours.
    supp = os.path.join(d, 'lsan.supp')
    with open(supp, 'w') as f:
        f.write('leak:libfontconfig.so\n')
    env = dict(os.environ, NO_COLOR='1', CVOM_DB=os.path.join(d, 'demo.db'))
    opts = env.get('LSAN_OPTIONS', '')
    env['LSAN_OPTIONS'] = (opts + ':' if opts else '') + 'suppressions=' + supp + \
        ':print_suppressions=0'
    return env


def cvom(env, *args):
    p = subprocess.run([CVOM, *args], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, (args, p.stderr)
    return p


def as_json(env, *args):
    return json.loads(cvom(env, *args, '--format', 'json').stdout)


def pdf_pages(path):
    info = subprocess.run(['pdfinfo', path], capture_output=True, text=True, check=True).stdout
    return int(re.search(r'^Pages:\s+(\d+)$', info, re.M).group(1))


def pdf_words(path):
    """The text of every page, its words joined by single spaces."""
    text = subprocess.run(['pdftotext', path, '-'], capture_output=True, text=True,
                          check=True).stdout
    return ' '.join(text.split())


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    return struct.unpack('>II', head[16:24])


def grouped(v):
    """Money as every face shows it: whole units, thousands grouped."""
    return '{:,.0f}'.format(v)


def render(env, d, account, name):
    pdf = os.path.join(d, name + '.pdf')
    p = cvom(env, 'render', 'account', account, '--out', pdf, '--as-of', AS_OF)
    pages = pdf_pages(pdf)
    assert 'PDF, %d A4 page' % pages in p.stderr, (p.stderr, pages)
    words = pdf_words(pdf)
    if pages > 1:
        for k in range(1, pages + 1):
            assert 'page %d of %d' % (k, pages) in words, ('footer', k, pages)
    png = os.path.join(d, name + '.png')
    cvom(env, 'render', 'account', account, '--out', png, '--dpi', '72', '--as-of', AS_OF)
    assert png_size(png) == (595, 842 * pages), (png_size(png), pages)
    return pages, words


def open_actions(env, account):
    return [a for a in as_json(env, 'action', 'list', account, '--status', 'open')]


def check_discounter(env, d):
    pages, words = render(env, d, DISCOUNTER, 'discounter')
    # The open actions, the overdue one marked as such.
    actions = open_actions(env, DISCOUNTER)
    assert actions, 'the demo gives the discounter open actions'
    overdue = [a for a in actions if a['due'] and a['due'] < AS_OF]
    assert overdue and len(overdue) < len(actions), actions
    assert 'Open actions (%d, %d overdue)' % (len(actions), len(overdue)) in words, words
    for a in actions:
        assert a['title'] in words, ('open action', a['title'])
        marked = 'OVERDUE: ' + a['title'] in words
        assert marked == (a in overdue), ('overdue mark', a['title'], marked)
    # The suggested plays, as `cvom playbook ACCOUNT` gives them.
    plays = as_json(env, 'playbook', DISCOUNTER, '--as-of', AS_OF)
    assert plays
    for p in plays:
        assert '%s (%s,' % (p['title'], p['key']) in words, ('play', p['title'])
    # Over-serving, as `cvom overserved` works it out: both costs and every offering.
    ov = as_json(env, 'overserved', '--as-of', AS_OF, '--all')
    mine = [a for a in ov['accounts'] if a['account'] == DISCOUNTER][0]
    assert mine['overserved'] and mine['unvalued_cost'] == 134000, mine
    assert 'unvalued cost EUR %s' % grouped(mine['unvalued_cost']) in words, words
    assert 'Cost to serve EUR %s' % grouped(mine['total_cost']) in words, words
    assert 'over-served (above 25 %)' in words
    for code in mine['offerings'].split():
        assert '(%s): importance' % code in words, ('unvalued offering', code)
    # Partnership health with its weakest pillar, as `cvom pillars ACCOUNT` gives them.
    health = as_json(env, 'pillars', DISCOUNTER, '--as-of', AS_OF)
    assert health['health'] is not None and health['weakest'], health
    assert 'Health %.1f of 100' % health['health'] in words, (health['health'], words)
    assert 'weakest pillar: %s.' % health['weakest'].capitalize() in words, health['weakest']
    # Alignment, as `cvom align ACCOUNT` gives it.
    al = as_json(env, 'align', DISCOUNTER, '--as-of', AS_OF)
    assert "Kendall's tau-b %.2f over the %d values both rank" % (al['tau_b'], al['common']) \
        in words, (al, words)
    return pages


def check_many_actions(env, d):
    """An account that fits one page gets more actions than a page holds: the one-pager
    goes on to a second page and lists every one of them."""
    accounts = as_json(env, 'export', '--as-of', AS_OF)
    thin = [a for a in accounts if a['state'] == 'insufficient']
    assert thin, 'the demo has accounts without enough evidence'
    name = thin[0]['name']
    before, _ = render(env, d, name, 'thin')
    assert before == 1, ('an account without evidence fits one page', before)
    titles = ['Follow-up call %02d on the renewal terms and the delivery schedule' % i
              for i in range(1, MANY + 1)]
    for i, t in enumerate(titles):
        cvom(env, 'action', 'add', name, '--title', t, '--owner', 'Lena Fischer',
             '--due', '2026-12-%02d' % (1 + i % 28), '--date', '2026-11-01')
    pages, words = render(env, d, name, 'many')
    assert pages >= 2, ('many actions take a second page', pages)
    assert 'Open actions (%d,' % MANY in words
    missing = [t for t in titles if t not in words]
    assert not missing, ('actions left out', missing[:3], len(missing))
    overdue = sum(1 for i in range(MANY) if '2026-12-%02d' % (1 + i % 28) < AS_OF)
    assert sum(words.count('OVERDUE: ' + t) for t in titles) == overdue, overdue
    return name, pages


def check_map(env, d):
    """The relationship map on the one-pager: every stakeholder of the discounter in the
    order and with the gaps of `cvom explain`, after a chart is made of them; and an account
    with more people than a page holds goes on over more pages, none left out."""
    people = as_json(env, 'stakeholder', 'list', DISCOUNTER)
    assert len(people) >= 3, people
    top, mid = people[0], people[1]
    cvom(env, 'stakeholder', 'edit', str(top['id']), '--stance', 'sceptic', '--role',
         'Economic buyer')
    cvom(env, 'stakeholder', 'edit', str(mid['id']), '--stance', 'champion', '--reports-to',
         str(top['id']), '--counterpart', 'Lena Fischer', '--last-contact', '2026-12-01',
         '--channel', 'meeting')
    for p in people[2:]:
        cvom(env, 'stakeholder', 'edit', str(p['id']), '--reports-to', str(mid['id']))
    want = as_json(env, 'explain', DISCOUNTER, '--as-of', AS_OF)['relationship_map']
    pages, words = render(env, d, DISCOUNTER, 'map')
    assert 'Relationship map (%d stakeholders, %d with a coverage gap)' % (
        len(people), want['flagged']) in words, words
    at = 0
    for s in want['stakeholders']:
        line = '%s%s — ' % (s['name'], ' [decision maker]' if s['decider'] else '')
        found = words.find(line, at)
        assert found >= 0, ('in the order of the chart', s['name'])
        at = found
    assert 'gap: champion with only sceptics or opponents above' in words, words
    assert '(meeting); counterpart Lena Fischer' in words, words
    # Many people: the map goes on over the pages it needs, each of them listed.
    thin = [a for a in as_json(env, 'export', '--as-of', AS_OF)
            if a['state'] == 'insufficient'][1]['name']
    names = ['Person %02d of the buying centre' % i for i in range(1, 91)]
    crowd_csv = os.path.join(d, 'crowd.csv')
    with open(crowd_csv, 'w', encoding='utf-8') as f:
        f.write('account,name,role,influence,reports_to\n')
        for i, n in enumerate(names):
            f.write('"%s",%s,user,0.3,%s\n' % (thin.replace('"', '""'), n,
                                               names[i // 3] if i >= 3 else ''))
    cvom(env, 'import', 'stakeholders', crowd_csv)
    crowd, words = render(env, d, thin, 'crowd')
    assert crowd >= 2, ('ninety people take more than a page', crowd)
    missing = [n for n in names if n + ' — user' not in words]
    assert not missing, ('people left off the map', missing[:3], len(missing))
    return pages, crowd


def check_group(env, d):
    """The demo's groups on their parents' one-pagers: the rolled-up point, the weights, the
    revenue and the split as `cvom explain` gives them, and every member in the group's order;
    a group of more accounts than a page holds goes on over the pages it needs."""
    parents = sorted({a['parent_id'] for a in as_json(env, 'account', 'list') if a['parent_id']})
    assert len(parents) >= 2, parents
    for gid in parents:
        g = as_json(env, 'explain', str(gid), '--as-of', AS_OF)['group']
        _, words = render(env, d, str(gid), 'group-%d' % gid)
        head = 'Group (this account and %d below it, %d placed)' % (g['members'] - 1,
                                                                    g['placed'])
        assert head in words, (head, words)
        if g['placed']:
            point = 'Group point: intellectual %.1f, emotional %.1f' % (
                g['axes']['intellectual']['value'], g['axes']['emotional']['value'])
            assert point in words, (point, words)
        assert 'Group revenue EUR %s' % grouped(g['revenue']) in words, (g['revenue'], words)
        if g['split']:
            assert 'Split: its members sit in' in words, words
        at = words.find(head)
        for m in g['member_accounts']:
            found = words.find(m['name'] + ' — ', at)
            assert found >= 0, ('in the order of the group', m['name'])
            if m['placed']:
                assert words.startswith('%s — %s, intellectual %.1f' % (
                    m['name'], m['quadrant'].capitalize(), m['intellectual']), found), m
            else:
                assert words.startswith(m['name'] + ' — not placed', found), m
            at = found
    # Seventy subsidiaries: the group goes on over further pages, none left out.
    top = as_json(env, 'account', 'show', str(parents[0]))['name']
    names = ['Subsidiary %02d of the group' % i for i in range(1, 71)]
    subs = os.path.join(d, 'subs.csv')
    with open(subs, 'w', encoding='utf-8') as f:
        f.write('name,parent,revenue,currency\n')
        for n in names:
            f.write('%s,"%s",1000,EUR\n' % (n, top.replace('"', '""')))
    cvom(env, 'import', 'accounts', subs)
    pages, words = render(env, d, str(parents[0]), 'big-group')
    assert pages >= 2, ('seventy members take more than a page', pages)
    missing = [n for n in names if n + ' — not placed (never assessed)' not in words]
    assert not missing, ('members left off the one-pager', missing[:3], len(missing))
    return len(parents), pages


def main():
    with tempfile.TemporaryDirectory() as d:
        env = environment(d)
        cvom(env, 'demo')
        pages = check_discounter(env, d)
        name, many = check_many_actions(env, d)
        with_map, crowd = check_map(env, d)
        groups, group_pages = check_group(env, d)
        print('onepager: %s on %d pages with its actions, plays, over-serving, health and '
              'alignment; %s with %d actions on %d pages, none left out; the relationship map '
              'on %d pages, and 90 people on %d; %d groups rolled up, 70 members on %d pages'
              % (DISCOUNTER, pages, name, MANY, many, with_map, crowd, groups, group_pages))


if __name__ == '__main__':
    main()
