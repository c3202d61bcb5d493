#!/bin/sh
# Import benchmark: `cvom import` of accounts and of responses from CSV, on SQLite and on
# PostgreSQL side by side, in rows per second, each beside a bare insert of the same rows
# into the same schema in one transaction, measured in the same run (SQLite:
# bench_bare_insert, prepared inserts and no checks; PostgreSQL: psql's \copy of the rows
# with their ids); and from 100,000-row workbooks against openpyxl reading them in read-only
# mode (SQLite). Exits 1 when a target is not met or a run did not complete. See README.md.
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
bare=$build/bench/bench_bare_insert
if [ ! -x "$cvom" ] || [ ! -x "$bare" ]; then
    echo "bench: $cvom is missing; build first (ninja -C $1)" >&2
    exit 1
fi
for tool in sqlite3 python3 psql; do
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
root=$(cd "$here/.." && pwd)
work=$(mktemp -d)
# The cluster's own directory: its server may run as another user (pgcluster.py).
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/cvom-pg-XXXXXX")
cleanup() {
    python3 "$root/tests/pg/pgcluster.py" stop "$pgdir" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
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

# bench/timer.py: each cvom import and its bare insert take turns, REPEAT rounds, each run
# after its preparation (a fresh copy of the database it starts from, untimed); it prints
# "WALL CPU RSS" for each, the best wall time and the peak resident set of its runs. Taking
# turns, the two see the same machine, whose speed may change from one minute to the next.
pair() { # PREP_CVOM CVOM_COMMAND... -- PREP_BARE BARE_COMMAND...: two lines
    python3 "$here/timer.py" 0 "$repeat" "$@"
}

# ---- SQLite ---------------------------------------------------------------------------------
# The databases imports start from: an empty one, and one holding the accounts and their
# stakeholders (for the answers). The bare insert starts from copies of the same files.
date_days=$(python3 -c 'import datetime; print((datetime.date(2026, 6, 30) - datetime.date(1970, 1, 1)).days)')
"$cvom" --db "$work/empty.db" init >/dev/null
cp "$work/empty.db" "$work/people.db"
"$cvom" --db "$work/people.db" import accounts "$data/accounts.csv" --quiet
"$cvom" --db "$work/people.db" import stakeholders "$data/stakeholders.csv" --quiet

t=$(pair "--prep=cp '$work/empty.db' '$work/a.db'" \
    "$cvom" --db "$work/a.db" import accounts "$data/accounts.csv" --quiet -- \
    "--prep=cp '$work/empty.db' '$work/b.db'" \
    "$bare" "$work/b.db" accounts "$data/accounts.csv" "$date_days")
sq_acc=$(echo "$t" | sed -n 1p)
sq_acc_ref=$(echo "$t" | sed -n 2p)
sq_got_acc=$(sqlite3 "$work/a.db" 'select count(*) from accounts')
t=$(pair "--prep=cp '$work/people.db' '$work/r.db'" \
    "$cvom" --db "$work/r.db" import responses "$data/responses.csv" --date 2026-06-30 --quiet -- \
    "--prep=cp '$work/people.db' '$work/b.db'" \
    "$bare" "$work/b.db" responses "$data/responses.csv" "$date_days")
sq_resp=$(echo "$t" | sed -n 1p)
sq_resp_ref=$(echo "$t" | sed -n 2p)
# Every row in, on both sides.
sq_got_resp=$(sqlite3 "$work/r.db" 'select count(*) from responses')
sq_ref_resp=$(sqlite3 "$work/b.db" 'select count(*) from responses')

# The workbooks (SQLite only), against openpyxl reading them.
acc_xlsx=$(python3 "$here/timer.py" 0 "$repeat" "--prep=cp '$work/empty.db' '$work/a.db'" \
    "$cvom" --db "$work/a.db" import accounts "$data/accounts.xlsx" --quiet)
resp_xlsx=$(python3 "$here/timer.py" 0 "$repeat" "--prep=cp '$work/people.db' '$work/x.db'" \
    "$cvom" --db "$work/x.db" import responses "$data/responses.xlsx" --date 2026-06-30 --quiet)
xlsx_ref='
import sys, time
import openpyxl
t0 = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = sum(1 for _ in wb.active.iter_rows(values_only=True))
print("%.6f %d" % (time.perf_counter() - t0, n))
'
ref_acc_x=$(/usr/bin/python3 -c "$xlsx_ref" "$data/accounts.xlsx")
ref_resp_x=$(/usr/bin/python3 -c "$xlsx_ref" "$data/responses.xlsx")
got_resp_x=$(sqlite3 "$work/x.db" 'select count(*) from responses')

# ---- PostgreSQL -----------------------------------------------------------------------------
# A throwaway cluster of this run's own; every run starts from a new database made from a
# template: an empty one, or one holding the accounts and stakeholders.
base=$(python3 "$root/tests/pg/pgcluster.py" start "$pgdir")
pgdb() { echo "$base" | sed "s/dbname=postgres/dbname=$1/"; }
psql -X -q -v ON_ERROR_STOP=1 -d "$base" -c "CREATE DATABASE tpl_empty"
"$cvom" --db "$(pgdb tpl_empty)" init >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$base" -c "CREATE DATABASE tpl_people TEMPLATE tpl_empty"
"$cvom" --db "$(pgdb tpl_people)" import accounts "$data/accounts.csv" --quiet
"$cvom" --db "$(pgdb tpl_people)" import stakeholders "$data/stakeholders.csv" --quiet
fresh() { # NAME TEMPLATE: a preparation that makes database NAME anew from TEMPLATE
    echo "--prep=PGOPTIONS='-c client_min_messages=warning' psql -X -q -d '$base'" \
        "-c 'DROP DATABASE IF EXISTS $1' -c 'CREATE DATABASE $1 TEMPLATE $2'"
}

# The bare insert's rows, each with the ids the database gives (accounts numbered from 1,
# an assessment per run of rows of one account and respondent), written once and untimed
# for psql's \copy in one transaction.
python3 "$here/pg_rows.py" "$(pgdb tpl_people)" "$data" "$work" "$date_days"
printf '%s\n' "\\copy accounts(id, external_id, name, owner, revenue, industry, region) FROM '$work/pg-accounts.csv' (FORMAT csv)" >"$work/pg-accounts.sql"
printf '%s\n' "\\copy assessments(id, account_id, instrument_id, kind, stakeholder_id, respondent, date, status) FROM '$work/pg-assessments.csv' (FORMAT csv)" \
    "\\copy responses(assessment_id, item_code, value) FROM '$work/pg-responses.csv' (FORMAT csv)" \
    >"$work/pg-responses.sql"
run=$(pgdb run)
ref=$(pgdb ref)
t=$(pair "$(fresh run tpl_empty)" \
    "$cvom" --db "$run" import accounts "$data/accounts.csv" --quiet -- \
    "$(fresh ref tpl_empty)" \
    psql -X -q -1 -v ON_ERROR_STOP=1 -d "$ref" -f "$work/pg-accounts.sql")
pg_acc=$(echo "$t" | sed -n 1p)
pg_acc_ref=$(echo "$t" | sed -n 2p)
pg_got_acc=$(psql -X -At -d "$run" -c 'select count(*) from accounts')
t=$(pair "$(fresh run tpl_people)" \
    "$cvom" --db "$run" import responses "$data/responses.csv" --date 2026-06-30 --quiet -- \
    "$(fresh ref tpl_people)" \
    psql -X -q -1 -v ON_ERROR_STOP=1 -d "$ref" -f "$work/pg-responses.sql")
pg_resp=$(echo "$t" | sed -n 1p)
pg_resp_ref=$(echo "$t" | sed -n 2p)
pg_got_resp=$(psql -X -At -d "$run" -c 'select count(*) from responses')
pg_ref_resp=$(psql -X -At -d "$ref" -c 'select count(*) from responses')
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

awk -v sa="$sq_acc" -v sar="$sq_acc_ref" -v sr="$sq_resp" -v srr="$sq_resp_ref" \
    -v pa="$pg_acc" -v par="$pg_acc_ref" -v pr="$pg_resp" -v prr="$pg_resp_ref" \
    -v ax="$acc_xlsx" -v rx="$resp_xlsx" -v rax="$ref_acc_x" -v rrx="$ref_resp_x" \
    -v na="$accounts" -v nr="$responses" -v nx="$xrows" -v repeat="$repeat" -v load="$load" \
    -v got="$sq_got_acc $sq_got_resp $sq_ref_resp $pg_got_acc $pg_got_resp $pg_ref_resp" \
    -v got_x="$got_resp_x" '
function f(s, i,   a) { split(s, a, " "); return a[i] }
function mark(ok) { if (!ok) missed++; return ok ? "met" : "NOT MET" }
# One kind of import on one back end: cvom and the bare insert; the share of the bare
# insert'"'"'s rate that cvom reaches.
function pair(what, rows, c, r) {
    printf "  %-10s cvom  %9d rows  %7.3f s  %9.0f rows/s  peak RSS %6.1f MiB\n", what,
           rows, f(c, 1), rows / f(c, 1), f(c, 3) / 1024
    printf "  %-10s bare  %9s       %7.3f s  %9.0f rows/s\n", "", "", f(r, 1), rows / f(r, 1)
    return f(r, 1) / f(c, 1)
}
BEGIN {
    printf "cvom import: import benchmark (best of %d runs each, in turn with its reference, from a fresh database; load %s)\n",
           repeat, load
    printf "SQLite (bare: bench_bare_insert, prepared inserts in one transaction, no checks)\n"
    q1 = pair("accounts", na, sa, sar)
    q2 = pair("responses", nr, sr, srr)
    printf "PostgreSQL (bare: psql \\copy of the rows with their ids, in one transaction)\n"
    q3 = pair("accounts", na, pa, par)
    q4 = pair("responses", nr, pr, prr)
    nx_acc = nx < na ? nx : na
    nx_resp = nx < nr ? nx : nr
    printf "workbooks (SQLite), against openpyxl reading them alone\n"
    printf "  %-10s cvom  %9d rows  %7.3f s  %9.0f rows/s  openpyxl %7.3f s\n", "accounts",
           nx_acc, f(ax, 1), nx_acc / f(ax, 1), f(rax, 1)
    printf "  %-10s cvom  %9d rows  %7.3f s  %9.0f rows/s  openpyxl %7.3f s\n", "responses",
           nx_resp, f(rx, 1), nx_resp / f(rx, 1), f(rrx, 1)
    split(got, g, " ")
    ok_rows = g[1] == na && g[2] == nr && g[3] == nr && g[4] == na && g[5] == nr &&
              g[6] == nr && got_x == nx_resp
    printf "targets (cvom'"'"'s rows per second as a share of the bare insert'"'"'s)\n"
    printf "  SQLite      accounts   %5.2f >= 0.5   %s\n", q1, mark(q1 >= 0.5)
    printf "  SQLite      responses  %5.2f >= 0.5   %s\n", q2, mark(q2 >= 0.5)
    printf "  PostgreSQL  accounts   %5.2f >= 0.5   %s\n", q3, mark(q3 >= 0.5)
    printf "  PostgreSQL  responses  %5.2f >= 0.5   %s\n", q4, mark(q4 >= 0.5)
    printf "  every row stored, by cvom and by the bare insert  %s\n", mark(ok_rows)
    printf "  XLSX faster than openpyxl reading alone          %s\n",
           mark(f(ax, 1) < f(rax, 1) && f(rx, 1) < f(rrx, 1))
    printf "  peak RSS < 256 MiB in every run                   %s\n",
           mark(f(sa, 3) < 262144 && f(sr, 3) < 262144 && f(pa, 3) < 262144 &&
                f(pr, 3) < 262144 && f(ax, 3) < 262144 && f(rx, 3) < 262144)
    exit (missed > 0)
}'
