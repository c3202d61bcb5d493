#!/bin/sh
# Batch-scoring benchmark: times `cvom score --input` on a generated responses file against
# a bare read-and-count pass over the same file, reports peak memory, runs the same job in
# DuckDB and pandas and checks their scores against cvom's; then runs the web, rendering
# and import benchmarks. Exits 1 when a target is not met or a run did not complete, so
# that `make bench` fails. See README.md.
#   usage: bench/run.sh BUILD_DIR     (BENCH_ROWS / BENCH_ACCOUNTS for a smaller run)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
rows=${BENCH_ROWS:-10000000}
accounts=${BENCH_ACCOUNTS:-100000}
gen=$build/bench/bench_gen
bare=$build/bench/bench_bare
cvom=$build/cvom

for exe in "$gen" "$bare" "$cvom"; do
    if [ ! -x "$exe" ]; then
        echo "bench: $exe is missing; build first (ninja -C $1)" >&2
        exit 1
    fi
done

# The default size has a fixed name; other sizes get their own file so that they never
# mix with it.
if [ "$rows" = 10000000 ] && [ "$accounts" = 100000 ]; then
    data=$here/data/responses-10m.csv
else
    data=$here/data/responses-$rows-$accounts.csv
fi
if [ ! -f "$data" ]; then
    mkdir -p "$here/data"
    echo "bench: generating $data ($rows rows, $accounts accounts)"
    # Write beside the target and rename, so an interrupted run leaves no partial file.
    "$gen" --rows "$rows" --accounts "$accounts" >"$data.tmp"
    mv "$data.tmp" "$data"
fi

# The bare pass once, untimed: it brings the file into the page cache and counts its bytes
# and lines. Then the bare pass and cvom take turns (bench/timer.py, best of five rounds after
# a warm-up), so that their ratio compares runs that saw the same machine.
load=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)
counts=$("$bare" "$data")
times=$(python3 "$here/timer.py" 1 5 "$bare" "$data" -- \
    "$cvom" score --input "$data" --output /dev/null)

bare_s=$(echo "$times" | sed -n 1p | awk '{print $1}')
bytes=$(echo "$counts" | awk '{print $2}')
newlines=$(echo "$counts" | awk '{print $4}')
cvom_s=$(echo "$times" | sed -n 2p | awk '{print $1}')
cvom_rss=$(echo "$times" | sed -n 2p | awk '{print $3}')
nrows=$((newlines - 1))

# One more run with real output, to check that every account came out once, and one with
# every number exact, for the peers to be checked against.
out=$(mktemp)
exact=$(mktemp)
peer_out=$(mktemp)
peer_err=$(mktemp)
trap 'rm -f "$out" "$exact" "$peer_out" "$peer_err"' EXIT
"$cvom" score --input "$data" --output "$out" --quiet ||
    echo "bench: cvom score --input $data --output FILE failed" >&2
out_rows=$(($(wc -l <"$out") - 1))
"$cvom" score --input "$data" --output "$exact" --exact --quiet ||
    echo "bench: cvom score --input $data --exact failed: the peers cannot be checked" >&2

failed=""
awk -v bytes="$bytes" -v nrows="$nrows" -v bare="$bare_s" -v cvom="$cvom_s" \
    -v rss="$cvom_rss" -v accounts="$accounts" -v out_rows="$out_rows" -v file="$data" \
    -v load="$load" '
function mark(ok) { if (!ok) missed++; return ok ? "met" : "NOT MET" }
BEGIN {
    ratio = cvom / bare
    rss_mib = rss / 1024
    printf "cvom score --input: batch-scoring benchmark\n"
    printf "  file               %s\n", file
    printf "  file size          %.1f MiB (%d bytes)\n", bytes / 1048576, bytes
    printf "  rows               %d\n", nrows
    printf "  load average       %s (1, 5, 15 min, before the runs)\n", load
    printf "  bare pass          %.4f s   (best of 5 rounds after a warm-up, in turn with cvom)\n", bare
    printf "  cvom               %.4f s   (best of 5)\n", cvom
    printf "  rows per second    %.0f\n", nrows / cvom
    printf "  peak RSS (cvom)    %.1f MiB\n", rss_mib
    printf "  ratio cvom/bare    %.2f x\n", ratio
    printf "targets\n"
    printf "  ratio <= 3x        %s\n", mark(ratio <= 3)
    printf "  peak RSS < 64 MiB  %s\n", mark(rss_mib < 64)
    printf "  one output row per account (%d rows for %d accounts)  %s\n", out_rows, accounts,
           mark(out_rows == accounts)
    exit (missed > 0)
}' || failed="batch scoring"

# Peers: the same aggregation in DuckDB and in pandas on the same file, each timed by
# itself (best of 3 of reading the file and computing every account's scores, without
# starting the interpreter or loading the library) and checked against cvom's exact scores
# account by account. A peer that cannot run here is reported as skipped, with the reason,
# and its target is not met.
echo "peers: the same job on the same file; cvom's time ($cvom_s s) as a ratio to each"
peers_missed=0
run_peer() { # NAME PROGRAM SCRIPT
    name=$1
    if ! command -v "$2" >/dev/null 2>&1; then
        printf '  %-8s skipped: %s is not installed (scripts/setup.sh installs it)\n' \
            "$name" "$2"
        printf '  %-8s scores equal to cvom'"'"'s to 1e-9   NOT MET (skipped)\n' "$name"
        peers_missed=$((peers_missed + 1))
        return
    fi
    rc=0
    res=$("$2" "$3" "$data" "$here/../data/instrument-default.csv" "$peer_out" 3 \
        2>"$peer_err") || rc=$?
    if [ "$rc" -ne 0 ]; then
        if [ "$rc" -eq 77 ]; then
            printf '  %-8s skipped: %s\n' "$name" "$(tail -n 1 "$peer_err")"
        else
            printf '  %-8s did not complete (exit %d): %s\n' "$name" "$rc" \
                "$(tail -n 1 "$peer_err")"
        fi
        printf '  %-8s scores equal to cvom'"'"'s to 1e-9   NOT MET (not run)\n' "$name"
        peers_missed=$((peers_missed + 1))
        return
    fi
    secs=${res%% *}
    awk -v name="$name" -v what="${res#* }" -v s="$secs" -v c="$cvom_s" 'BEGIN {
        printf "  %-8s %-18s %8.4f s   cvom/%s %.3f x\n", name, what, s, name, c / s }'
    if check=$(python3 "$here/compare_scores.py" "$exact" "$peer_out" 1e-9); then
        printf '  %-8s scores equal to cvom'"'"'s to 1e-9   met (%s)\n' "$name" "$check"
    else
        printf '  %-8s scores equal to cvom'"'"'s to 1e-9   NOT MET (%s)\n' "$name" "$check"
        peers_missed=$((peers_missed + 1))
    fi
}
run_peer DuckDB node "$here/peer_duckdb.mjs"
run_peer pandas /usr/bin/python3 "$here/peer_pandas.py"
[ "$peers_missed" -eq 0 ] || failed="$failed${failed:+, }peers"
sh "$here/web.sh" "$1" || failed="$failed${failed:+, }web"
sh "$here/render.sh" "$1" || failed="$failed${failed:+, }rendering"
sh "$here/import.sh" "$1" || failed="$failed${failed:+, }import"
sh "$here/store.sh" "$1" || failed="$failed${failed:+, }store"
if [ -n "$failed" ]; then
    echo "bench: FAILED ($failed): a target not met, or a run that did not complete" >&2
    exit 1
fi
echo "bench: every target met"
