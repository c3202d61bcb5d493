#!/bin/sh
# Build (once) the benchmark portfolio of ACCOUNTS accounts in bench/data/ through the ordinary
# import commands, and print its path: two stakeholders per account, each answering three
# intellectual and three emotional items of the default instrument around the account's own
# position, so that all quadrants fill; one account in 37 has too few emotional answers (not
# enough evidence); revenue is log-normal, as in real portfolios. 100,000 accounts give
# 200,000 assessments and about 1.19 million answers.
#   usage: bench/portfolio.sh BUILD_DIR ACCOUNTS
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR ACCOUNTS" >&2
    exit 2
fi
cvom=$(cd "$1" && pwd)/cvom
accounts=$2
here=$(cd "$(dirname "$0")" && pwd)
as_of=2026-06-30
case $accounts in
'' | *[!0-9]*)
    echo "bench: the number of accounts must be a whole number" >&2
    exit 2
    ;;
esac
db=$here/data/portfolio-$accounts.db
if [ -f "$db" ]; then
    echo "$db"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$here/data"
echo "bench: building $db ($accounts accounts; once)" >&2
python3 - "$accounts" "$work" <<'EOF'
import math, os, random, sys
n, d = int(sys.argv[1]), sys.argv[2]
rng = random.Random(20261031)
ints = ["INT0%d" % i for i in range(1, 9)]
emos = ["EMO0%d" % i for i in range(1, 9)]
with open(os.path.join(d, "accounts.csv"), "w") as a, \
        open(os.path.join(d, "stakeholders.csv"), "w") as s, \
        open(os.path.join(d, "responses.csv"), "w") as r:
    a.write("external_id,name,owner,revenue,industry,region\n")
    s.write("account,external_id,name,role,influence\n")
    r.write("account_id,respondent_id,item_id,score\n")
    for i in range(n):
        ext = "B%07d" % i
        a.write("%s,Account %07d,Owner %d,%d,Industry %d,Region %d\n"
                % (ext, i, i % 50, int(math.exp(rng.gauss(11, 1.2))), i % 8, i % 6))
        cx, cy = rng.uniform(1.5, 6.5), rng.uniform(1.5, 6.5)
        for k in range(2):
            sid = "%s-S%d" % (ext, k)
            s.write("%s,%s,Person %d,User,%.2f\n" % (ext, sid, k, 0.3 + 0.6 * rng.random()))
            items = rng.sample(ints, 3) + rng.sample(emos, 3 if i % 37 else 2)
            for item in items:
                c = cx if item[0] == "I" else cy
                r.write("%s,%s,%s,%d\n"
                        % (ext, sid, item, min(7, max(1, round(c + rng.gauss(0, 1))))))
EOF
# Built beside the target and renamed, so an interrupted run leaves no partial database.
rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
"$cvom" --db "$db.tmp" init >/dev/null
"$cvom" --db "$db.tmp" import accounts "$work/accounts.csv" --quiet >&2
"$cvom" --db "$db.tmp" import stakeholders "$work/stakeholders.csv" --quiet >&2
"$cvom" --db "$db.tmp" import responses "$work/responses.csv" --date "$as_of" --quiet >&2
mv "$db.tmp" "$db"
echo "$db"
