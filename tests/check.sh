#!/bin/sh
# Run the whole suite in build dir $1 and end with the summary line "N passed, N failed".
set -u
dir=${1:-build-check}
LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" \
    meson test -C "$dir" --print-errorlogs --num-processes 2 >"$dir/test-output.txt" 2>&1
rc=$?
python3 tests/summary.py "$dir/meson-logs/testlog.json" "$dir/test-output.txt"
src=$?
[ $rc -eq 0 ] && [ $src -eq 0 ]
