#!/bin/sh
# Portfolio scoring from the store against the time the database itself needs to read the
# same answers once, on SQLite and on PostgreSQL, side by side; then what the pictures and
# reports of the same portfolio take against that scoring, and the web application's first
# request after a change of the data. Exits 1 when a target is not met or a run did not
# complete. See README.md.
#   usage: bench/store.sh BUILD_DIR     (BENCH_STORE_ACCOUNTS for another size)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
accounts=${BENCH_STORE_ACCOUNTS:-100000}
cvom=$build/cvom
as_of=2026-06-30
for exe in "$cvom" sqlite3 psql; do
    if ! command -v "$exe" >/dev/null 2>&1; then
        echo "bench/store: $exe is missing (scripts/setup.sh installs it; build first)" >&2
        exit 1
    fi
done
db=$(sh "$here/portfolio.sh" "$1" "$accounts")
work=$(mktemp -d)
# The cluster's own directory: its server may run as another user (pgcluster.py), who must
# be able to reach it.
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/cvom-pg-XXXXXX")
server_pid=""
cleanup() {
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
    python3 "$root/tests/pg/pgcluster.py" stop "$pgdir" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The same portfolio on a throwaway PostgreSQL cluster of this run's own.
base=$(python3 "$root/tests/pg/pgcluster.py" start "$pgdir")
pg=$(echo "$base" | sed 's/dbname=postgres/dbname=bench/')
psql -X -q -d "$base" -c "CREATE DATABASE bench"
"$cvom" migrate --from "$db" --to "$pg" >"$work/migrate.txt" 2>&1 || {
    cat "$work/migrate.txt" >&2
    echo "bench/store: could not copy the portfolio to PostgreSQL" >&2
    exit 1
}
# PostgreSQL plans from statistics: gather them as a DBA would after a bulk load.
psql -X -q -d "$pg" -c "VACUUM ANALYZE"


# The pictures and reports are written as a careful program writes a file (fsync, then
# rename): what earlier benchmarks left for the disk to write (make bench runs the imports
# just before) is flushed first, so that it is not counted against them.
sync

# The reference: every answer read once, joined to its assessment and grouped by it, by the
# database's own client (the same query on both).
ref_sql="SELECT r.assessment_id, min(a.account_id), count(*), sum(r.value) FROM responses r
 JOIN assessments a ON a.id = r.assessment_id GROUP BY r.assessment_id"
# With the scoring, what the faces make of the same scan: pictures and reports (SQLite).
# timer.py: "wall cpu rss" of the best of three rounds after a warm-up, a line per command.
# The commands take turns, so that a ratio compares runs that saw the same machine.
times=$(python3 "$here/timer.py" 1 3 \
    sqlite3 "$db" "$ref_sql" -- \
    psql -X -q -d "$pg" -o /dev/null -c "$ref_sql" -- \
    "$cvom" --db "$db" score --dry-run --as-of "$as_of" -- \
    "$cvom" --db "$pg" score --dry-run --as-of "$as_of" -- \
    "$cvom" --db "$db" render matrix --to "$as_of" --format png --out "$work/m.png" -- \
    "$cvom" --db "$db" render matrix --to "$as_of" --format pdf --out "$work/m.pdf" -- \
    "$cvom" --db "$db" report --format xlsx --as-of "$as_of" --out "$work/r.xlsx" -- \
    "$cvom" --db "$db" report --format html --as-of "$as_of" --out "$work/r.html")
nth() { echo "$times" | sed -n "$1p"; }
ref_sq=$(nth 1)
ref_pg=$(nth 2)
score_sq=$(nth 3)
score_pg=$(nth 4)
png=$(nth 5)
pdf=$(nth 6)
xlsx=$(nth 7)
html=$(nth 8)
answers=$(sqlite3 "$db" "SELECT count(*) FROM responses")

# The web application on the same portfolio: the first GET /api/v1/matrix and GET / after a
# change of the data (a new account), and the next one from the server's cache
# (bench/web_fresh.py: medians of five). On a copy of the SQLite file, and on PostgreSQL
# after everything else has read it. Prints "API_FIRST API_CACHED PAGE_FIRST PAGE_CACHED" in
# milliseconds, or "-" when the server could not be measured.
web_fresh() {
    name=$1
    location=$2
    echo "quiet lantern harbour 58" | "$cvom" --db "$location" user add bench --role admin \
        --display "Bench Admin" --password-stdin >/dev/null
    token=$("$cvom" --db "$location" token create bench --user bench)
    rm -f "$work/port"
    "$cvom" --db "$location" serve --listen 127.0.0.1:0 --port-file "$work/port" \
        >"$work/serve-$name.log" 2>&1 &
    server_pid=$!
    i=0
    while [ ! -s "$work/port" ] && [ $i -lt 400 ] && kill -0 "$server_pid" 2>/dev/null; do
        sleep 0.05
        i=$((i + 1))
    done
    out="-"
    if [ -s "$work/port" ]; then
        port=$(cat "$work/port")
        mkdir -p "$work/www-$name/api/v1"
        if cookie=$(python3 "$here/web_signin.py" "$port" "$work/www-$name" "$token") &&
            line=$(python3 "$here/web_fresh.py" "$cvom" "$location" "$port" "$cookie" "$token" \
                "$name"); then
            out=$(echo "$line" | cut -d' ' -f2-)
        fi
    fi
    [ "$out" != "-" ] || cat "$work/serve-$name.log" >&2
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    echo "$out"
}
cp "$db" "$work/web.db"
web_sq=$(web_fresh sqlite "$work/web.db")
web_pg=$(web_fresh pg "$pg")
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

awk -v rs="$ref_sq" -v rp="$ref_pg" -v ss="$score_sq" -v sp="$score_pg" -v png="$png" \
    -v pdf="$pdf" -v xlsx="$xlsx" -v html="$html" -v accounts="$accounts" \
    -v answers="$answers" -v load="$load" -v wsq="$web_sq" -v wpg="$web_pg" '
function field(s, i,   a) { split(s, a, " "); return a[i] }
function mark(ok) { if (!ok) missed++; return ok ? "met" : "NOT MET" }
BEGIN {
    printf "portfolio scoring from the store: %d accounts, %d answers (load %s)\n",
           accounts, answers, load
    printf "                                     SQLite                  PostgreSQL\n"
    printf "  the database reads every answer    %6.2f s               %6.2f s\n",
           field(rs, 1), field(rp, 1)
    printf "  cvom score --dry-run               %6.2f s  %6.1f MiB    %6.2f s  %6.1f MiB\n",
           field(ss, 1), field(ss, 3) / 1024, field(sp, 1), field(sp, 3) / 1024
    qs = field(ss, 1) / field(rs, 1); qp = field(sp, 1) / field(rp, 1)
    printf "  ratio (target <= 2x)               %6.2fx  %-7s       %6.2fx  %s\n",
           qs, mark(qs <= 2), qp, mark(qp <= 2)
    printf "pictures and reports of the same portfolio, against scoring it (target <= 1.5x)\n"
    n = split("PNG PDF XLSX HTML", name, " ")
    v[1] = png; v[2] = pdf; v[3] = xlsx; v[4] = html
    for (i = 1; i <= n; i++) {
        q = field(v[i], 1) / field(ss, 1)
        printf "  %-5s  %6.2f s  %6.1f MiB  %5.2fx  %s\n", name[i], field(v[i], 1),
               field(v[i], 3) / 1024, q, mark(q <= 1.5)
    }
    printf "best of 3 rounds after a warm-up, the commands in turn; wall time; memory is the peak of all runs\n"
    printf "the web application: first request after a change, against scoring (target <= 1.5x)\n"
    printf "                                     SQLite                  PostgreSQL\n"
    for (i = 1; i <= 2; i++) {
        label = i == 1 ? "GET /api/v1/matrix" : "GET / (the matrix page)"
        col = i == 1 ? 1 : 3
        line = sprintf("  %-24s", label)
        for (b = 1; b <= 2; b++) {
            r = b == 1 ? wsq : wpg
            sc = b == 1 ? field(ss, 1) : field(sp, 1)
            if (r == "-" || r == "") {
                line = line sprintf("   not measured NOT MET ")
                missed++
                continue
            }
            first = field(r, col) / 1000
            q = first / sc
            line = line sprintf(" %6.2f s %5.2fx %-7s", first, q, mark(q <= 1.5))
        }
        print line
    }
    printf "  cached (ms)               %6.1f / %-6.1f             %6.1f / %.1f\n",
           field(wsq, 2), field(wsq, 4), field(wpg, 2), field(wpg, 4)
    printf "medians of five changes (a new account each); cached: API / page\n"
    exit (missed > 0)
}'
