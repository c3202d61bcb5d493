#!/bin/sh
# Import benchmark: `cvom import` of accounts and of responses, from CSV and from 100,000-row
# workbooks, in rows per second with peak memory, each beside a reference measured in the
# same run on the same file: sqlite3's own .import of the CSV into a bare table (inserting
# the rows with no checks at all), and openpyxl reading the workbook in read-only mode (the
# usual Python reader, reading only). See README.md.
#   usage: bench/import.sh BUILD_DIR
#   BENCH_IMPORT_ACCOUNTS (100000), BENCH_IMPORT_RESPONSES (1000000 CSV rows),
#   BENCH_IMPORT_XLSX_ROWS (100000), BENCH_IMPORT_REPEAT (2) for other sizes.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
cvom=$build/cvom
accounts=${BENCH_IMPORT_ACCOUNTS:-100000}
responses=${BENCH_IMPORT_RESPONSES:-1000000}
xrows=${BENCH_IMPORT_XLSX_ROWS:-100000}
repeat=${BENCH_IMPORT_REPEAT:-2}
for v in "$accounts" "$responses" "$xrows" "$repeat"; do
    case $v in
    '' | *[!0-9]*)
        echo "bench: sizes must be whole numbers" >&2
        exit 2
        ;;
    esac
done
if [ ! -x "$cvom" ]; then
    echo "bench: $cvom is missing; build first (ninja -C $1)" >&2
    exit 1
fi
for tool in sqlite3 python3; do
    command -v $tool >/dev/null 2>&1 || {
        echo "bench: $tool is missing (scripts/setup.sh installs it)" >&2
        exit 1
    }
done
/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || {
    echo "bench: python3-openpyxl is missing (scripts/setup.sh installs it)" >&2
    exit 1
}

data=$here/data/import-$accounts-$responses-$xrows
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The files, made once: accounts (external id, name with accents, owner, revenue with a
# decimal, industry, region), one stakeholder per account, and answers to the default
# instrument spread over the accounts; the workbooks hold the first rows of the same
# files. Python's standard library and openpyxl (write-only) write them.
gen='
import csv, os, random, sys
import openpyxl
d, n, m, x = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(20261206)
items = ["INT0%d" % i for i in range(1, 9)] + ["EMO0%d" % i for i in range(1, 9)]
acc = [["external_id", "name", "owner", "revenue", "industry", "region"]]
for i in range(n):
    acc.append(["B%07d" % i, "Société %d Müller" % i, "Owner %d" % (i % 50),
                "%.2f" % rng.lognormvariate(11, 1.2), "Industry %d" % (i % 8),
                "Region %d" % (i % 6)])
sh = [["account", "external_id", "name"]] + [
    ["B%07d" % i, "B%07d-S" % i, "Person %d" % i] for i in range(n)]
resp = [["account_id", "respondent_id", "item_id", "score"]]
per = len(items)
for k in range(m):
    a = (k // per) % n
    resp.append(["B%07d" % a, "B%07d-S" % a, items[k % per], 1 + rng.randrange(7)])
for name, rows in (("accounts", acc), ("stakeholders", sh), ("responses", resp)):
    with open(os.path.join(d, name + ".csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
for name, rows in (("accounts", acc), ("responses", resp)):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    for r in rows[: x + 1]:
        ws.append([int(v) if isinstance(v, int) else v for v in r])
    wb.save(os.path.join(d, name + ".xlsx"))
'
if [ ! -f "$data/responses.xlsx" ]; then
    echo "bench: generating the import files in $data (once)"
    rm -rf "$data.tmp"
    mkdir -p "$data.tmp"
    /usr/bin/python3 -c "$gen" "$data.tmp" "$accounts" "$responses" "$xrows"
    rm -rf "$data"
    mv "$data.tmp" "$data"
fi

# Runs a command REPEAT times, each after PREP (a shell command, untimed), and prints the
# best wall time and the peak resident set of the runs (getrusage of the children; PREP
# runs outside the measured process tree's peak only when it is lighter, which cp is).
timer='
import resource, subprocess, sys, time
repeat, prep, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
best, rss = None, 0
for i in range(repeat):
    subprocess.run(prep, shell=True, check=True)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write("bench: %s exited with %d: %s\n" % (" ".join(cmd), p.returncode,
                                                             p.stderr.decode()[-400:]))
        sys.exit(1)
    best = dt if best is None else min(best, dt)
print("%.6f %d" % (best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
'
time_it() {
    /usr/bin/python3 -c "$timer" "$repeat" "$@"
}

# The databases imports start from: an empty one, and one holding the accounts and their
# stakeholders (for the answers).
"$cvom" --db "$work/empty.db" init >/dev/null
cp "$work/empty.db" "$work/people.db"
"$cvom" --db "$work/people.db" import accounts "$data/accounts.csv" --quiet
"$cvom" --db "$work/people.db" import stakeholders "$data/stakeholders.csv" --quiet

# The reference for CSV: sqlite3 .import into a table of the same columns, no checks.
ref_import='
import sqlite3, subprocess, sys, time
path, db = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
subprocess.run(["sqlite3", db, ".mode csv", ".import %s t" % path], check=True)
print("%.6f" % (time.perf_counter() - t0))
'
xlsx_ref='
import sys, time
import openpyxl
t0 = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = sum(1 for _ in wb.active.iter_rows(values_only=True))
print("%.6f %d" % (time.perf_counter() - t0, n))
'
ref_csv() { # FILE -> best seconds of REPEAT runs
    best=""
    i=0
    while [ $i -lt "$repeat" ]; do
        rm -f "$work/ref.db"
        t=$(/usr/bin/python3 -c "$ref_import" "$1" "$work/ref.db")
        best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
        i=$((i + 1))
    done
    echo "$best"
}

acc_csv=$(time_it "cp '$work/empty.db' '$work/a.db'" \
    "$cvom" --db "$work/a.db" import accounts "$data/accounts.csv" --quiet)
acc_xlsx=$(time_it "cp '$work/empty.db' '$work/a.db'" \
    "$cvom" --db "$work/a.db" import accounts "$data/accounts.xlsx" --quiet)
resp_csv=$(time_it "cp '$work/people.db' '$work/r.db'" \
    "$cvom" --db "$work/r.db" import responses "$data/responses.csv" --date 2026-06-30 --quiet)
resp_xlsx=$(time_it "cp '$work/people.db' '$work/r.db'" \
    "$cvom" --db "$work/r.db" import responses "$data/responses.xlsx" --date 2026-06-30 --quiet)
ref_acc=$(ref_csv "$data/accounts.csv")
ref_resp=$(ref_csv "$data/responses.csv")
ref_acc_x=$(/usr/bin/python3 -c "$xlsx_ref" "$data/accounts.xlsx")
ref_resp_x=$(/usr/bin/python3 -c "$xlsx_ref" "$data/responses.xlsx")

# Every row in: the last run's database holds them all.
got_acc=$(sqlite3 "$work/a.db" 'select count(*) from accounts')
got_resp=$(sqlite3 "$work/r.db" 'select count(*) from responses')

awk -v ac="$acc_csv" -v ax="$acc_xlsx" -v rc="$resp_csv" -v rx="$resp_xlsx" \
    -v ra="$ref_acc" -v rr="$ref_resp" -v rax="$ref_acc_x" -v rrx="$ref_resp_x" \
    -v na="$accounts" -v nr="$responses" -v nx="$xrows" -v repeat="$repeat" \
    -v got_acc="$got_acc" -v got_resp="$got_resp" '
function line(what, rows, secs, rss, ref_name, ref_secs) {
    printf "  %-22s %9d rows  %7.3f s  %9.0f rows/s  peak RSS %6.1f MiB\n", what, rows, secs,
           rows / secs, rss / 1024
    printf "  %-22s %9s       %7.3f s  %9.0f rows/s  (%s; cvom takes %.2f x its time)\n",
           "  reference", "", ref_secs, rows / ref_secs, ref_name, secs / ref_secs
}
BEGIN {
    split(ac, a); split(ax, b); split(rc, c); split(rx, d); split(rax, e); split(rrx, f)
    nx_acc = nx < na ? nx : na
    nx_resp = nx < nr ? nx : nr
    printf "cvom import: import benchmark (best of %d runs each, from a fresh database)\n", repeat
    line("accounts, CSV", na, a[1], a[2], "sqlite3 .import of the same CSV, no checks", ra)
    line("accounts, XLSX", nx_acc, b[1], b[2], "openpyxl read-only, reading only", e[1])
    line("responses, CSV", nr, c[1], c[2], "sqlite3 .import of the same CSV, no checks", rr)
    line("responses, XLSX", nx_resp, d[1], d[2], "openpyxl read-only, reading only", f[1])
    printf "  rows stored: %d accounts (%s), %d answers of the XLSX run (%s)\n", got_acc,
           got_acc == nx_acc ? "ok" : "MISMATCH", got_resp, got_resp == nx_resp ? "ok" : "MISMATCH"
    printf "targets\n"
    printf "  accounts CSV within 10x of sqlite3 .import    %s\n", mark(a[1] <= 10 * ra)
    printf "  XLSX faster than openpyxl reading alone       %s\n",
           mark(b[1] < e[1] && d[1] < f[1])
    printf "  peak RSS < 256 MiB in every run               %s\n",
           mark(a[2] < 262144 && b[2] < 262144 && c[2] < 262144 && d[2] < 262144)
    if (got_acc != nx_acc || got_resp != nx_resp)
        missed++
    exit (missed > 0)
}
function mark(ok) { if (!ok) missed++; return ok ? "met" : "NOT MET" }'
