#!/bin/sh
# Rendering benchmark: `cvom render matrix` on a portfolio of 100,000 accounts, to PNG and to
# PDF, with wall time, CPU time and peak memory. The portfolio is built once, through the ordinary
# import commands, in bench/data/. See README.md.
#   usage: bench/render.sh BUILD_DIR     (BENCH_RENDER_ACCOUNTS for another size)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
accounts=${BENCH_RENDER_ACCOUNTS:-100000}
cvom=$build/cvom
as_of=2026-06-30

if [ ! -x "$cvom" ]; then
    echo "bench: $cvom is missing; build first (ninja -C $1)" >&2
    exit 1
fi
case $accounts in
'' | *[!0-9]*)
    echo "bench: BENCH_RENDER_ACCOUNTS must be a whole number" >&2
    exit 2
    ;;
esac

db=$(sh "$here/portfolio.sh" "$1" "$accounts")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The same scoring with three signals (fixed, logistic, percentile) on every account and a
# network ledger entry on every third: what blending costs a scan.
"$cvom" --db "$db" backup "$work/signals.db" >/dev/null 2>&1
python3 -c '
import random, sys
n, d = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
with open(d + "/signals.csv", "w") as f, open(d + "/network.csv", "w") as g:
    f.write("account,signal,value,date\n")
    g.write("account,kind,title,date,rating\n")
    for i in range(n):
        ext = "B%07d" % i
        f.write("%s,discount,%.1f,2026-06-01\n" % (ext, rng.uniform(0, 35)))
        f.write("%s,meetings,%.2f,2026-06-01\n" % (ext, rng.uniform(0, 6)))
        f.write("%s,nps,%d,2026-06-01\n" % (ext, rng.randint(-100, 100)))
        if i % 3 == 0:
            g.write("%s,event,Forum,2026-05-01,%d\n" % (ext, rng.randint(1, 5)))
' "$accounts" "$work"
sdb=$work/signals.db
"$cvom" --db "$sdb" signal add discount --axis emotional --direction - --min 0 --max 30 >/dev/null
"$cvom" --db "$sdb" signal add meetings --axis emotional --norm logistic --midpoint 2 \
    --scale 0.8 >/dev/null
"$cvom" --db "$sdb" signal add nps --axis emotional --norm percentile >/dev/null
"$cvom" --db "$sdb" import signals "$work/signals.csv" --quiet
"$cvom" --db "$sdb" import network "$work/network.csv" --quiet
# timer.py: "wall cpu rss" of the best of three rounds after a warm-up, a line per command;
# the commands take turns, so that those compared see the same machine. Drawn to PNG and to
# PDF; the same accounts loaded and scored without drawing (how much of the time is the
# database); and that scan with the signals.
times=$(python3 "$here/timer.py" 1 3 \
    "$cvom" --db "$db" render matrix --to "$as_of" --format png --out "$work/matrix.png" -- \
    "$cvom" --db "$db" render matrix --to "$as_of" --format pdf --out "$work/matrix.pdf" -- \
    "$cvom" --db "$db" export --format csv --as-of "$as_of" -- \
    "$cvom" --db "$sdb" export --format csv --as-of "$as_of")
png=$(echo "$times" | sed -n 1p)
pdf=$(echo "$times" | sed -n 2p)
scan=$(echo "$times" | sed -n 3p)
blended=$(echo "$times" | sed -n 4p)
drawn=$("$cvom" --db "$db" render matrix --to "$as_of" --format png --out "$work/matrix.png" 2>&1)
png_bytes=$(wc -c <"$work/matrix.png")
"$cvom" --db "$db" render matrix --to "$as_of" --format pdf --out "$work/matrix.pdf" 2>/dev/null
pdf_bytes=$(wc -c <"$work/matrix.pdf")
# What was drawn, read from the files themselves: the PDF's page in points, the PNG's size
# in pixels, and so the PNG's resolution.
picture=$(python3 - "$work/matrix.pdf" "$work/matrix.png" <<'EOF'
import re, struct, sys
pdf = open(sys.argv[1], "rb").read()
m = re.search(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
png = open(sys.argv[2], "rb").read(24)
if not m or png[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("bench: cannot read the size of the pictures")
pw, ph = float(m.group(1)), float(m.group(2))
w, h = struct.unpack(">II", png[16:24])
print("%g %g %d %d %.0f" % (pw, ph, w, h, w * 72 / pw))
EOF
)

awk -v png="$png" -v pdf="$pdf" -v scan="$scan" -v blended="$blended" -v drawn="$drawn" \
    -v png_bytes="$png_bytes" -v picture="$picture" \
    -v pdf_bytes="$pdf_bytes" -v db="$db" -v accounts="$accounts" '
BEGIN {
    split(png, a, " "); split(pdf, b, " "); split(scan, s, " "); split(blended, g, " ")
    split(picture, p, " ")
    if (match(drawn, /[0-9]+ of [0-9]+ accounts? drawn, [0-9]+ labelled/))
        drawn = substr(drawn, RSTART, RLENGTH)
    printf "cvom render matrix: rendering benchmark\n"
    printf "  database           %s (%d accounts)\n", db, accounts
    printf "  picture            %g x %g points (the PDF page); %s\n", p[1], p[2], drawn
    printf "                     wall      CPU       peak RSS    file\n"
    printf "  PNG (%4d x %4d)  %6.2f s  %6.2f s  %6.1f MiB  %5.1f MiB   %d dpi\n",
           p[3], p[4], a[1], a[2], a[3] / 1024, png_bytes / 1048576, p[5]
    printf "  PDF                %6.2f s  %6.2f s  %6.1f MiB  %5.1f MiB\n",
           b[1], b[2], b[3] / 1024, pdf_bytes / 1048576
    printf "  scoring alone      %6.2f s  %6.2f s  %6.1f MiB  (cvom export of the same accounts)\n",
           s[1], s[2], s[3] / 1024
    printf "  with signals       %6.2f s  %6.2f s  %6.1f MiB  (3 signals each, a ledger entry on every third: %.2fx the scoring alone)\n",
           g[1], g[2], g[3] / 1024, g[1] / s[1]
    printf "best of 3 rounds after a warm-up, the commands in turn; CPU is user + system time of that run\n"
}'
