#!/usr/bin/env python3
"""`cvom render matrix` on the demo portfolio: every account's bubble where its exported
scores put it (SVG), PNG dimensions, PDF pages, size and text (every labelled account's
name, the quadrant names, the axis wording), SVG structure, the demo matrix against a
committed reference image under a perceptual tolerance (a consistency check only: the
reference is cvom's own earlier output), failures that leave no file behind, and a crowded
portfolio of 2,600 accounts drawn as dots: one per account, in place, in its colour and size,
alike in SVG, PNG and PDF.

    render.py CVOM            run the checks
    render.py CVOM --update   rewrite tests/data/render/demo-matrix.png first

Only the standard library and poppler-utils (pdfinfo, pdftotext, pdftoppm) are used; PNG
files are decoded here with zlib."""
import csv
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import need  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REFERENCE = os.path.join(ROOT, 'tests', 'data', 'render', 'demo-matrix.png')
ARGS = [a for a in sys.argv[1:] if a != '--update']
UPDATE = '--update' in sys.argv[1:]
CVOM = os.path.abspath(ARGS[0])
AS_OF = '2026-10-31'    # the demo's dates are fixed: so is every picture of it
EARLIER = '2026-04-30'
SVG = '{http://www.w3.org/2000/svg}'

# Fontconfig keeps a little memory until exit that only FcFini frees; under AddressSanitizer
# that must not count as our leak (see tests/lsan.supp).
ENV = dict(os.environ, NO_COLOR='1')
ENV['LSAN_OPTIONS'] = ':'.join(filter(None, [
    os.environ.get('LSAN_OPTIONS', ''),
    'suppressions=' + os.path.join(ROOT, 'tests', 'lsan.supp'), 'print_suppressions=0']))

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what, file=sys.stderr)


DB = []  # the demo database, set once it exists


def run(d, *args, expect=0, db=None):
    p = subprocess.run([CVOM, '--db', db or DB[0]] + list(args), cwd=d, capture_output=True,
                       env=ENV)
    err = p.stderr.decode('utf-8', 'replace')
    if expect is not None:
        assert p.returncode == expect, '%s: exit %d, wanted %d\n%s' % (
            ' '.join(args), p.returncode, expect, err)
    return p.returncode, p.stdout, err


def tool(*args):
    p = subprocess.run(list(args), capture_output=True)
    assert p.returncode == 0, '%s: %s' % (args, p.stderr.decode('utf-8', 'replace'))
    return p.stdout.decode('utf-8', 'replace')


# ---- PNG ---------------------------------------------------------------------------------

def png_chunks(data):
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG file'
    pos = 8
    while pos + 12 <= len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xffffffff == crc, 'bad CRC in %r' % kind
        yield kind, body
        pos += 12 + length
        if kind == b'IEND':
            return
    raise AssertionError('PNG ends without IEND')


def png_size(path):
    with open(path, 'rb') as f:
        data = f.read()
    for kind, body in png_chunks(data):
        assert kind == b'IHDR', 'IHDR must come first'
        return struct.unpack('>II', body[:8])


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def png_decode(path):
    """(width, height, channels, pixels) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    with open(path, 'rb') as f:
        data = f.read()
    idat, head = [], None
    for kind, body in png_chunks(data):
        if kind == b'IHDR':
            head = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
    w, h, depth, ctype, _, _, interlace = head
    assert depth == 8 and ctype in (2, 6) and interlace == 0, 'unsupported PNG %r' % (head,)
    ch = 4 if ctype == 6 else 3
    raw = zlib.decompress(b''.join(idat))
    stride = w * ch
    assert len(raw) == h * (stride + 1), 'PNG data has the wrong length'
    out = bytearray(h * stride)
    prev = bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for x in range(ch, stride):
                row[x] = (row[x] + row[x - ch]) & 255
        elif f == 2:
            row = bytearray((a + b) & 255 for a, b in zip(row, prev))
        elif f == 3:
            for x in range(stride):
                left = row[x - ch] if x >= ch else 0
                row[x] = (row[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                left = row[x - ch] if x >= ch else 0
                upleft = prev[x - ch] if x >= ch else 0
                row[x] = (row[x] + paeth(left, prev[x], upleft)) & 255
        else:
            assert f == 0, 'unknown PNG filter %d' % f
        out[y * stride:(y + 1) * stride] = row
        prev = row
    return w, h, ch, out


def compare(a, b):
    """Mean absolute difference per channel (RGB) and the share of pixels where some channel
    differs by more than 64."""
    wa, ha, ca, pa = a
    wb, hb, cb, pb = b
    assert (wa, ha) == (wb, hb), 'sizes differ: %dx%d and %dx%d' % (wa, ha, wb, hb)
    total = 0
    far = 0
    for i in range(wa * ha):
        ia, ib = i * ca, i * cb
        d0 = abs(pa[ia] - pb[ib])
        d1 = abs(pa[ia + 1] - pb[ib + 1])
        d2 = abs(pa[ia + 2] - pb[ib + 2])
        total += d0 + d1 + d2
        if d0 > 64 or d1 > 64 or d2 > 64:
            far += 1
    return total / (3.0 * wa * ha), far / float(wa * ha)


# ---- the checks --------------------------------------------------------------------------

def demo_accounts(d):
    _, out, _ = run(d, 'export', '--format', 'csv', '--as-of', AS_OF)
    return list(csv.DictReader(io.StringIO(out.decode('utf-8'))))


def drawn_labelled(err):
    """(drawn, labelled) from the line `render matrix` writes on success."""
    m = re.search(r'(\d+) of (\d+) accounts? drawn, (\d+) labelled', err)
    assert m, 'no summary line: %r' % err
    return int(m.group(1)), int(m.group(3))


def check_labels(text, names, err, what):
    """Every label that found a place is in the text, and few found none: labels are dropped
    only where the layout has no room left."""
    drawn, labelled = drawn_labelled(err)
    found = [n for n in names if n in text]
    check(drawn == len(names), '%s: %d drawn, %d expected' % (what, drawn, len(names)))
    check(len(found) == labelled, '%s: %d names in the text, %d labelled; missing %r' % (
        what, len(found), labelled, [n for n in names if n not in text]))
    check(labelled >= 0.8 * len(names), '%s: only %d of %d labelled' % (what, labelled,
                                                                      len(names)))


def pdf_text(path):
    return ' '.join(tool('pdftotext', path, '-').split())


def test_png(d):
    out = os.path.join(d, 'm.png')
    run(d, 'render', 'matrix', '--out', out, '--to', AS_OF)
    check(png_size(out) == (1067, 800), 'default PNG is 800 x 600 pt at 96 dpi: %r'
          % (png_size(out),))
    run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--width', '640', '--height', '480',
        '--dpi', '150')
    check(png_size(out) == (1333, 1000), '640 x 480 pt at 150 dpi: %r' % (png_size(out),))
    # The extension decides the format unless --format says otherwise.
    other = os.path.join(d, 'picture.data')
    run(d, 'render', 'matrix', '--out', other, '--format', 'png', '--to', AS_OF)
    with open(other, 'rb') as f:
        check(f.read(8) == b'\x89PNG\r\n\x1a\n', '--format png writes PNG')
    # The same data gives the same picture, byte for byte.
    again = os.path.join(d, 'again.png')
    run(d, 'render', 'matrix', '--out', again, '--to', AS_OF, '--width', '640', '--height',
        '480', '--dpi', '150')
    with open(out, 'rb') as f, open(again, 'rb') as g:
        check(f.read() == g.read(), 'rendering is deterministic')
    check(not [n for n in os.listdir(d) if '.tmp' in n], 'no temporary files are left')


def test_pdf(d, accounts):
    out = os.path.join(d, 'm.pdf')
    _, _, err = run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--width', '1400',
                    '--height', '1000', '--label-max', '1000')
    check(err.count('\n') == 1 and 'm.pdf' in err, 'one line on stderr: %r' % err)
    info = tool('pdfinfo', out)
    check(re.search(r'^Pages:\s+1$', info, re.M) is not None, 'one page:\n' + info)
    check(re.search(r'^Page size:\s+1400 x 1000 pts', info, re.M) is not None,
          'page size:\n' + info)
    text = pdf_text(out)
    drawn = [a['name'] for a in accounts if a['state'] != 'insufficient']
    hidden = [a['name'] for a in accounts if a['state'] == 'insufficient']
    check_labels(text, drawn, err, 'all accounts')
    for n in hidden:
        if not any(n in m for m in drawn):
            check(n not in text, 'an account without evidence is not drawn: ' + n)
    for word in ('Transactional', 'Intellectual', 'Emotional', 'Partnership',
                 'Intellectual value: expertise, insight, network',
                 'Emotional value: trust, loyalty, identity',
                 'Customer Value Orientation Matrix', 'threshold 50', 'as of ' + AS_OF,
                 '%d accounts, %d not placed: not enough evidence' % (len(accounts),
                                                                      len(hidden))):
        check(word in text, 'PDF text has %r' % word)
    for tick in ('0', '25', '75', '100'):
        check(re.search(r'(^| )%s( |$)' % tick, text) is not None, 'tick %s' % tick)
    # The default labels only the largest 40 accounts.
    run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--label-max', '3')
    text = pdf_text(out)
    by_revenue = sorted((a for a in accounts if a['state'] != 'insufficient'),
                        key=lambda a: -float(a['revenue'] or 0))
    check(by_revenue[0]['name'] in text, 'the largest account is labelled')
    check(sum(a['name'] in text for a in by_revenue[3:]) == 0, 'only three labels')


def test_filters_and_title(d, accounts):
    out = os.path.join(d, 'f.pdf')
    owner = 'Priya Shah'
    _, _, err = run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--owner', owner,
                    '--label-max', '1000', '--title', 'Priya <b>&amp; her</b> accounts')
    text = pdf_text(out)
    check('Priya <b>&amp; her</b> accounts' in text, 'the title is shown as plain text')
    check('owner=' + owner in text, 'the footer names the filter')
    mine = [a for a in accounts if a['owner'] == owner]
    others = [a for a in accounts if a['owner'] != owner and a['state'] != 'insufficient']
    hidden = sum(a['state'] == 'insufficient' for a in mine)
    check(('%d account' % len(mine)) in text, 'the footer counts the filtered accounts')
    check_labels(text, [a['name'] for a in mine if a['state'] != 'insufficient'], err,
                 "the owner's accounts")
    check(not [a['name'] for a in others if a['name'] in text and not any(
        a['name'] in m['name'] for m in mine)], "nobody else's accounts are drawn")
    if not hidden:
        check('not placed' not in text, 'no hidden accounts, no note')
    _, _, err = run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--quadrant',
                    'partnership', '--label-max', '1000')
    text = pdf_text(out)
    part = [a['name'] for a in accounts if a['quadrant'] == 'partnership' and
            a['state'] != 'insufficient']
    check_labels(text, part, err, 'partnership accounts')
    check('quadrant=partnership' in text, 'quadrant filter in the footer')


def test_arrows(d):
    out = os.path.join(d, 'a.pdf')
    run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--from', EARLIER, '--arrows',
        '--colour', 'trend')
    text = pdf_text(out)
    for word in ('Trend since ' + EARLIER, 'rising', 'falling', 'moved since ' + EARLIER,
                 'compared with ' + EARLIER):
        check(word in text, 'arrows PDF has %r' % word)
    png = os.path.join(d, 'a.png')
    run(d, 'render', 'matrix', '--out', png, '--to', AS_OF, '--from', EARLIER, '--arrows')
    check(png_size(png) == (1067, 800), 'arrows PNG')


def test_svg(d, n_drawn):
    out = os.path.join(d, 'm.svg')
    run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--width', '720', '--height', '540')
    root = ET.parse(out).getroot()
    check(root.tag == SVG + 'svg', 'the root is <svg>: ' + root.tag)
    check(root.get('width') == '720pt' and root.get('height') == '540pt',
          'SVG size: %r x %r' % (root.get('width'), root.get('height')))
    check(root.get('viewBox') == '0 0 720 540', 'viewBox: %r' % root.get('viewBox'))
    paths = root.iter(SVG + 'path')
    fills = sum(1 for p in paths if 'fill-opacity' in (p.get('style') or '') or
                p.get('fill-opacity'))
    check(fills >= n_drawn, 'a translucent shape per drawn account: %d < %d' % (fills, n_drawn))
    uses = sum(1 for _ in root.iter(SVG + 'use'))
    check(uses > 200, 'text is drawn as glyphs: %d' % uses)
    # Standard output, for pipes.
    _, data, _ = run(d, 'render', 'matrix', '--out', '-', '--format', 'svg', '--to', AS_OF)
    check(ET.fromstring(data).tag == SVG + 'svg', 'SVG on standard output')


# How far a bubble's centre may be from its account's exported scores, in score points on
# either axis: the export rounds to 0.01, so 0.01 covers the rounding and the SVG's own. A
# bubble drawn a tenth of a point off (half a point of the picture at this size) fails.
POSITION_TOLERANCE = 0.01


def svg_numbers(d):
    return [float(x) for x in re.findall(r'-?\d+(?:\.\d+)?(?:e-?\d+)?', d)]


def svg_shapes(root):
    """(frame, thresholds, bubbles) of a matrix SVG: the plot frame as (x0, y0, x1, y1), the
    dashed threshold lines as [(x0, y0, x1, y1)], and every translucent filled shape as
    (centre x, centre y, fill colour). cairo writes circles as paths of four curves, so a
    centre is the middle of the path's extent."""
    frames, thresholds, bubbles = [], [], []
    for p in root.iter(SVG + 'path'):
        style, d = p.get('style') or '', p.get('d') or ''
        v = svg_numbers(d)
        xs, ys = v[0::2], v[1::2]
        if not xs:
            continue
        box = (min(xs), min(ys), max(xs), max(ys))
        if 'fill:none' in style and 'dasharray' not in style and d.count('L') == 3 and 'Z' in d:
            frames.append(box)
        elif 'fill:none' in style and 'stroke-dasharray' in style and d.count('L') == 1 \
                and 'C' not in d:
            thresholds.append(box)
        m = re.search(r'fill:(rgb\([^)]*\));fill-opacity:0\.[0-9]+', style)
        if m and 'C' in d:
            bubbles.append(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, m.group(1)))
    return frames, thresholds, bubbles


def test_positions(d):
    """Each account is drawn where its scores are: the bubble's centre, read back from the
    SVG and turned into scores through the plot frame (0 to 100 on both axes, checked
    against the threshold lines at 50), must be within POSITION_TOLERANCE of the scores
    `cvom export` gives on the same date; every bubble in the frame belongs to an account,
    and the accounts of one quadrant share one colour that no other quadrant has."""
    out = os.path.join(d, 'positions.svg')
    run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--width', '1000', '--height',
        '800')
    _, data, _ = run(d, 'export', '--format', 'json', '--as-of', AS_OF)
    accounts = [a for a in json.loads(data) if a['state'] != 'insufficient']
    frames, thresholds, bubbles = svg_shapes(ET.parse(out).getroot())
    if not frames:
        check(False, 'positions: no plot frame in the SVG')
        return
    x0, y0, x1, y1 = max(frames, key=lambda f: (f[2] - f[0]) * (f[3] - f[1]))
    check(x1 - x0 > 500 and y1 - y0 > 400, 'positions: the plot frame is the picture\'s '
          'largest box: %r' % ((x0, y0, x1, y1),))
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    check(any(abs(t[0] - mid_x) < 0.01 and t[0] == t[2] for t in thresholds) and
          any(abs(t[1] - mid_y) < 0.01 and t[1] == t[3] for t in thresholds),
          'positions: the threshold lines (50) cut the frame in half: %r' % thresholds)

    def scores(bx, by):
        return 100 * (bx - x0) / (x1 - x0), 100 * (y1 - by) / (y1 - y0)

    inside = [(scores(bx, by), colour) for bx, by, colour in bubbles
              if x0 <= bx <= x1 and y0 <= by <= y1]
    check(len(inside) == len(accounts), 'positions: %d bubbles in the frame for %d drawn '
          'accounts' % (len(inside), len(accounts)))
    free = list(range(len(inside)))
    colours = {}
    worst = 0.0
    for a in accounts:
        def off(i):
            (ix, ex), _ = inside[i]
            return max(abs(ix - a['intellectual']), abs(ex - a['emotional']))
        best = min(free, key=off) if free else None
        if best is None or off(best) > POSITION_TOLERANCE:
            near = inside[best][0] if best is not None else None
            check(False, 'positions: %s (%.2f, %.2f) has no bubble within %.2f points; the '
                  'nearest is at %s' % (a['name'], a['intellectual'], a['emotional'],
                                        POSITION_TOLERANCE, near and '(%.2f, %.2f)' % near))
            continue
        worst = max(worst, off(best))
        free.remove(best)
        colours.setdefault(a['quadrant'], set()).add(inside[best][1])
    for i in free:
        check(False, 'positions: the bubble at (%.2f, %.2f) is no account\'s' % inside[i][0])
    check(all(len(c) == 1 for c in colours.values()) and
          len(set().union(*colours.values())) == len(colours) == 4,
          'positions: one colour per quadrant, four in all: %r' % colours)
    print('positions: %d bubbles, the farthest %.4f points from its scores'
          % (len(inside), worst), file=sys.stderr)


CROWD = 2600  # accounts of the crowded portfolio: above the 2,000 that switch to dots


def crowded_db(d):
    """A portfolio of CROWD accounts spread over the matrix, through the ordinary imports:
    two people per account answering three items of each axis around the account's own
    position; revenue spans three orders of magnitude so that dots come in many sizes."""
    db = os.path.join(d, 'crowd.db')
    rng = random.Random(20261207)
    files = {k: os.path.join(d, 'crowd-%s.csv' % k)
             for k in ('accounts', 'stakeholders', 'responses')}
    with open(files['accounts'], 'w') as a, open(files['stakeholders'], 'w') as s, \
            open(files['responses'], 'w') as r:
        a.write('external_id,name,owner,revenue\n')
        s.write('account,external_id,name,role,influence\n')
        r.write('account_id,respondent_id,item_id,score\n')
        for i in range(CROWD):
            ext = 'C%05d' % i
            a.write('%s,Crowd %05d,Owner %d,%d\n' % (ext, i, i % 7, int(10 ** rng.uniform(3, 6))))
            cx, cy = rng.uniform(1.5, 6.5), rng.uniform(1.5, 6.5)
            for k in range(2):
                sid = '%s-S%d' % (ext, k)
                s.write('%s,%s,Person %d,User,0.5\n' % (ext, sid, k))
                items = rng.sample(['INT0%d' % j for j in range(1, 9)], 3) + \
                    rng.sample(['EMO0%d' % j for j in range(1, 9)], 3)
                for item in items:
                    c = cx if item[0] == 'I' else cy
                    r.write('%s,%s,%s,%d\n' % (ext, sid, item,
                                                min(7, max(1, round(c + rng.gauss(0, 0.7))))))
    run(d, 'init', db=db)
    for kind in ('accounts', 'stakeholders', 'responses'):
        run(d, 'import', kind, files[kind], '--date', AS_OF, '--quiet', db=db)
    return db


def svg_dots(root):
    """The dots of a crowded matrix SVG: every zero-length line of a round-capped stroke, as
    (x, y, diameter, colour)."""
    dots = []
    for p in root.iter(SVG + 'path'):
        style = p.get('style') or ''
        if 'stroke-linecap:round' not in style:
            continue
        width = float(re.search(r'stroke-width:([0-9.]+)', style).group(1))
        colour = re.search(r'stroke:(rgb\([^)]*\))', style).group(1)
        for x0, y0, x1, y1 in re.findall(r'M ([-0-9.e]+) ([-0-9.e]+) L ([-0-9.e]+) ([-0-9.e]+)',
                                         p.get('d') or ''):
            if (x0, y0) == (x1, y1):
                dots.append((float(x0), float(y0), width, colour))
    return dots


def test_crowded(d):
    """Above 2,000 accounts the bubbles become translucent dots drawn in batches: still one
    dot per drawn account, where its exported scores put it, in its quadrant's colour (one
    per quadrant), larger for larger revenue; and the picture is the same in PNG and PDF."""
    db = crowded_db(d)
    out = os.path.join(d, 'crowd.svg')
    _, _, err = run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--width', '1000',
                    '--height', '800', db=db)
    drawn, labelled = drawn_labelled(err)
    _, data, _ = run(d, 'export', '--format', 'json', '--as-of', AS_OF, db=db)
    accounts = [a for a in json.loads(data) if a['state'] != 'insufficient']
    check(drawn == len(accounts) > 2000 and labelled > 0,
          'crowded: %d drawn (%d labelled) of %d placed' % (drawn, labelled, len(accounts)))
    root = ET.parse(out).getroot()
    frames, _, _ = svg_shapes(root)
    x0, y0, x1, y1 = max(frames, key=lambda f: (f[2] - f[0]) * (f[3] - f[1]))
    dots = svg_dots(root)
    check(len(dots) == len(accounts), 'crowded: %d dots for %d drawn accounts'
          % (len(dots), len(accounts)))
    # Many accounts share a position (scores are means of whole answers), so they go from
    # the largest revenue down, each taking the widest free dot at its scores: when dots
    # grow with revenue, the widths then never grow as revenue falls.
    grid = {}
    for k, (x, y, _, _) in enumerate(dots):
        sx, sy = 100 * (x - x0) / (x1 - x0), 100 * (y1 - y) / (y1 - y0)
        grid.setdefault((int(sx), int(sy)), []).append((sx, sy, k))
    used, colours, widths, missing = set(), {}, [], []
    for a in sorted(accounts, key=lambda a: -a['revenue']):
        ix, ex = a['intellectual'], a['emotional']
        near = [c for gx in (-1, 0, 1) for gy in (-1, 0, 1)
                for c in grid.get((int(ix) + gx, int(ex) + gy), []) if c[2] not in used and
                max(abs(c[0] - ix), abs(c[1] - ex)) <= POSITION_TOLERANCE]
        if not near:
            missing.append(a['name'])
            continue
        best = max(near, key=lambda c: dots[c[2]][2])[2]
        used.add(best)
        colours.setdefault(a['quadrant'], set()).add(dots[best][3])
        widths.append(dots[best][2])
    check(not missing, 'crowded: %d accounts have no dot where their scores are: %r'
          % (len(missing), missing[:5]))
    check(all(len(c) == 1 for c in colours.values()) and
          len(set().union(*colours.values())) == len(colours) == 4,
          'crowded: one colour per quadrant, four in all: %r' % colours)
    check(all(w0 >= w1 for w0, w1 in zip(widths, widths[1:])) and widths[0] > 2 * widths[-1],
          'crowded: dots grow with revenue: %r .. %r' % (widths[:3], widths[-3:]))
    off_grid = [(x, y) for x, y, _, _ in dots if not (16 * x).is_integer() or
                not (16 * y).is_integer()]
    check(not off_grid, 'crowded: every dot on the 1/16 point grid: %r' % off_grid[:3])
    # The PDF is the same drawing: inside the plot, without labels (text is rasterised
    # differently), it matches the PNG; without its dots it would differ by about 14.
    png, pdf = os.path.join(d, 'crowd.png'), os.path.join(d, 'crowd.pdf')
    for path in (png, pdf, out):
        run(d, 'render', 'matrix', '--out', path, '--to', AS_OF, '--dpi', '72', '--label-max',
            '0', db=db)
    frames, _, _ = svg_shapes(ET.parse(out).getroot())
    box = [int(round(v)) for v in max(frames, key=lambda f: (f[2] - f[0]) * (f[3] - f[1]))]
    tool('pdftoppm', '-r', '72', '-png', '-singlefile', pdf, os.path.join(d, 'crowd-pdf'))
    mean, far = compare(crop(png_decode(png), box),
                        crop(png_decode(os.path.join(d, 'crowd-pdf.png')), box))
    check(mean < 4.0 and far < 0.02, 'crowded: the PDF\'s plot looks like the PNG\'s: mean '
          'difference %.3f per channel, %.2f %% of pixels far off' % (mean, 100 * far))
    check_pdf_streams(pdf)


def check_pdf_streams(path):
    """cairo deflates a PDF's streams at zlib's default level, which cvom's own deflateInit_
    turns into level 1 (chart.c): each stream's zlib header says which (78 01 is level 1, 78 9C
    the default). The dots' coordinates are on the 1/16 point grid."""
    with open(path, 'rb') as f:
        data = f.read()
    streams = [data[m.end():data.index(b'endstream', m.end())]
               for m in re.finditer(rb'(?<!end)stream\r?\n', data)]
    heads = {s[:2].hex() for s in streams if s[:1] == b'\x78'}
    check(heads == {'7801'}, 'crowded PDF: every stream deflated at level 1: %r' % heads)
    content = max((zlib.decompress(s) for s in streams if s[:1] == b'\x78'), key=len)
    dots = re.findall(rb'([-0-9.]+) ([-0-9.]+) m h', content)
    # cairo writes three decimals: 294.1875 becomes 294.188.
    off_grid = [d for d in dots if any(abs(16 * float(v) - round(16 * float(v))) > 0.01
                                       for v in d)]
    check(len(dots) > 2000 and not off_grid, 'crowded PDF: %d dots, on the 1/16 point grid '
          'but for %r' % (len(dots), off_grid[:3]))


def crop(image, box):
    """The part of a decoded image inside box (x0, y0, x1, y1), a few pixels in from its
    edges."""
    w, _, c, p = image
    x0, y0, x1, y1 = box[0] + 3, box[1] + 3, box[2] - 3, box[3] - 3
    return (x1 - x0, y1 - y0, c, b''.join(bytes(p[(y * w + x0) * c:(y * w + x1) * c])
                                          for y in range(y0, y1)))


def test_failures(d):
    before = sorted(os.listdir(d))
    code, _, err = run(d, 'render', 'matrix', '--out', os.path.join(d, 'missing', 'm.png'),
                       '--to', AS_OF, expect=None)
    check(code == 1, 'a missing directory fails with exit 1: %d %s' % (code, err))
    check('missing' in err, 'the message names the file: ' + err)
    check(not os.path.exists(os.path.join(d, 'missing')), 'no directory is created')
    for args, what in (
            (['--format', 'bmp'], 'unknown --format'),
            ([], 'a name without a known extension'),
            (['--format', 'png', '--width', '10'], 'too narrow'),
            (['--format', 'png', '--dpi', 'x'], 'a bad --dpi'),
            (['--format', 'png', '--width', '14400', '--dpi', '2400'], 'too many pixels'),
            (['--format', 'png', '--arrows'], '--arrows without --from'),
            (['--format', 'png', '--colour', 'trend'], 'trend without --from'),
            (['--format', 'png', '--colour', 'rainbow'], 'an unknown colour scheme'),
            (['--format', 'png', '--from', AS_OF], '--from not before --to'),
            (['--format', 'png', '--quadrant', 'middle'], 'an unknown quadrant'),
            (['--format', 'png', '--label-max', '-1'], 'a negative --label-max')):
        code, _, err = run(d, 'render', 'matrix', '--out', os.path.join(d, 'x.img'), '--to',
                           AS_OF, *args, expect=None)
        check(code == 2, '%s exits 2, not %d: %s' % (what, code, err))
    code, _, _ = run(d, 'render', 'matrix', '--to', AS_OF, expect=None)
    check(code == 2, '--out is required')
    code, _, _ = run(d, 'render', 'chart', expect=None)
    check(code == 2, 'an unknown render command exits 2')
    code, out, _ = run(d, 'render', 'matrix', '--help', expect=None)
    check(code == 0 and b'--label-max' in out, 'render matrix --help')
    code, _, _ = run(d, '--db', os.path.join(d, 'nothing.db'), 'render', 'matrix', '--out',
                     os.path.join(d, 'x.png'), expect=None)
    check(code == 4, 'a missing database is not found')
    check(sorted(os.listdir(d)) == before, 'failures leave no file: %r' % (
        sorted(set(os.listdir(d)) ^ set(before)),))
    # A failed render keeps the file that was there.
    keep = os.path.join(d, 'keep.png')
    with open(keep, 'wb') as f:
        f.write(b'old')
    run(d, 'render', 'matrix', '--out', keep, '--width', '1', expect=2)
    with open(keep, 'rb') as f:
        check(f.read() == b'old', 'a failed render leaves the old file alone')
    os.unlink(keep)


def test_reference(d):
    """The demo matrix against tests/data/render/demo-matrix.png. The reference was drawn by
    cvom itself (--update), so this is a consistency check — the picture did not change by
    accident — not a correctness check: a change that is wrong everywhere passes it once the
    reference is redrawn. Where the accounts are is checked by test_positions."""
    out = os.path.join(d, 'ref.png')
    run(d, 'render', 'matrix', '--out', out, '--to', AS_OF, '--width', '800', '--height', '600',
        '--dpi', '72')
    if UPDATE:
        os.makedirs(os.path.dirname(REFERENCE), exist_ok=True)
        shutil.copyfile(out, REFERENCE)
        print('wrote ' + REFERENCE, file=sys.stderr)
    if not os.path.exists(REFERENCE):
        check(False, 'no reference image: run %s CVOM --update' % sys.argv[0])
        return
    mean, far = compare(png_decode(out), png_decode(REFERENCE))
    print('reference image: mean difference %.3f per channel, %.3f %% of pixels far off'
          % (mean, 100 * far), file=sys.stderr)
    check(mean < 3.0, 'consistency with the reference picture (cvom\'s own earlier output): '
          'mean difference %.3f per channel (limit 3)' % mean)
    check(far < 0.01, 'consistency with the reference picture (cvom\'s own earlier output): '
          '%.2f %% of pixels differ by more than 64 (limit 1 %%)' % (100 * far))


def test_groups(d):
    """--groups draws each top-level account for its group, labelled so, at the point and
    with the count `cvom matrix --groups` gives; the subsidiaries are not drawn on their own."""
    out = os.path.join(d, 'g.pdf')
    _, _, err = run(d, 'render', 'matrix', '--groups', '--out', out, '--to', AS_OF, '--width',
                    '1400', '--height', '1000', '--label-max', '1000')
    _, rows, _ = run(d, 'matrix', '--groups', '--as-of', AS_OF, '--format', 'csv')
    groups = list(csv.DictReader(io.StringIO(rows.decode('utf-8'))))
    drawn = [g for g in groups if g['state'] != 'insufficient']
    check(drawn_labelled(err)[0] == len(drawn), '--groups draws %d: %r' % (len(drawn), err))
    text = pdf_text(out)
    parents = [g for g in groups if int(g['members']) > 1]
    check(len(parents) >= 2, 'the demo has groups')
    _, listed, _ = run(d, 'account', 'list', '--format', 'csv')
    children = [a['name'] for a in csv.DictReader(io.StringIO(listed.decode('utf-8')))
                if a['parent_id']]
    for g in parents:
        check('%s (group of %s)' % (g['name'], g['members']) in text,
              'the group %s is labelled as one' % g['name'])
    for name in children:
        check(name not in text, 'a subsidiary is not drawn on its own: ' + name)


def main():
    for exe in ('pdfinfo', 'pdftotext', 'pdftoppm'):
        need.program('render', exe, 'poppler-utils')
    with tempfile.TemporaryDirectory() as d:
        DB.append(os.path.join(d, 'demo.db'))
        run(d, 'demo')
        accounts = demo_accounts(d)
        assert len(accounts) >= 60, len(accounts)
        n_drawn = sum(a['state'] != 'insufficient' for a in accounts)
        # Pictures go into a directory of their own, away from the database, so that the
        # failure checks can see that nothing else appears.
        pics = os.path.join(d, 'pics')
        os.mkdir(pics)
        test_reference(d)
        test_positions(d)
        test_png(pics)
        test_pdf(pics, accounts)
        test_filters_and_title(pics, accounts)
        test_arrows(pics)
        test_groups(pics)
        test_svg(pics, n_drawn)
        test_failures(pics)
        test_crowded(d)
    if failures:
        print('%d check(s) failed' % len(failures), file=sys.stderr)
        return 1
    print('render: all checks passed', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
