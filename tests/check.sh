#!/bin/sh
# Build build dir $1 and run the whole suite in it; end with the summary line
# "N passed, N failed[, N skipped]", or "build failed" when the build did not finish.
# The previous run's log is removed first, so a summary never speaks of an older run.
set -u
dir=${1:-build-check}
log="$dir/meson-logs/testlog.json"
out="$dir/test-output.txt"
rm -f "$log" "$out"
if ! ninja -C "$dir" >"$dir/build-output.txt" 2>&1; then
    tail -n 40 "$dir/build-output.txt"
    echo "build failed (the whole log is in $dir/build-output.txt): 0 passed, 0 failed"
    exit 1
fi
# One throwaway PostgreSQL cluster serves every test of this run that needs one (each makes
# databases of its own in it); it is stopped and removed however the run ends.
pgdir=$(mktemp -d /tmp/cvom-pg-XXXXXX)
trap 'python3 tests/pg/pgcluster.py stop "$pgdir"' EXIT
trap 'exit 130' INT TERM
if CVOM_TEST_PG=$(python3 tests/pg/pgcluster.py start "$pgdir" 2>"$dir/pg-start.txt"); then
    export CVOM_TEST_PG
else
    # The PostgreSQL tests then start clusters of their own, and fail saying why when
    # they cannot.
    echo "a shared PostgreSQL cluster could not start: $(tail -n 3 "$dir/pg-start.txt")"
fi
LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" \
    meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 >"$out" 2>&1
rc=$?
if [ ! -s "$log" ]; then
    tail -n 40 "$out"
    echo "the test runner wrote no log (see $out): 0 passed, 1 failed"
    exit 1
fi
python3 tests/summary.py "$dir"
src=$?
[ $rc -eq 0 ] && [ $src -eq 0 ]
