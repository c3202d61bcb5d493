#!/bin/sh
# make fuzz: each fuzz target under libFuzzer (coverage-guided, with AddressSanitizer and
# UndefinedBehaviorSanitizer) for FUZZ_SECONDS (default 60) each, then a table of what each
# run did: executions, coverage (edges), corpus size and failures. A failing input is kept in
# tests/fuzz/crashers/TARGET/, which `make check` replays from then on. Exits 1 when any
# target failed or could not run.
#   usage: tests/fuzz/long.sh [TARGET...]      (FUZZ_SECONDS=600 for a long run)
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
seconds=${FUZZ_SECONDS:-60}
case $seconds in
'' | *[!0-9]*)
    echo "make fuzz: FUZZ_SECONDS must be a whole number of seconds" >&2
    exit 2
    ;;
esac
targets=${*:-csv instrument scalars xlsx multipart playbook lang form json cookie}
if ! command -v clang >/dev/null 2>&1; then
    echo "make fuzz: clang is missing (scripts/setup.sh installs it)" >&2
    exit 1
fi

# One build with clang: every object carries libFuzzer's coverage hooks.
if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" "$root" -Dlibfuzzer=true --buildtype=debugoptimized \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
for t in $targets; do
    ninja -C "$build" "tests/fuzz/libfuzzer_$t" >/dev/null
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
status=0
printf '%-12s %10s %8s %8s %9s  %s\n' target executions "cov" corpus failures result
for t in $targets; do
    # libFuzzer writes new inputs into the first corpus directory: a working one that lives
    # as long as the build, seeded from the read-only seeds given after it.
    corpus=$build/corpus/$t
    mkdir -p "$corpus" "$root/tests/fuzz/crashers/$t"
    case $t in
    csv) seeds="$root/tests/data/csv"; extra="-max_len=4096" ;;
    instrument) seeds="$root/tests/fuzz/seeds/instrument"; extra="-max_len=16384"
        cp "$root/data/instrument-default.csv" "$corpus/" ;;
    scalars) seeds="$root/tests/fuzz/seeds/scalars"; extra="-max_len=64" ;;
    xlsx) seeds="$root/tests/fuzz/seeds/xlsx"; extra="-max_len=65536" ;;
    multipart) seeds="$root/tests/fuzz/seeds/multipart"; extra="-max_len=8192" ;;
    playbook) seeds="$root/tests/fuzz/seeds/playbook"; extra="-max_len=16384"
        cp "$root/data/playbooks.csv" "$corpus/" ;;
    lang) seeds="$root/tests/fuzz/seeds/lang"; extra="-max_len=16384"
        cp "$root/data/lang/fr.csv" "$corpus/" ;;
    form) seeds="$root/tests/fuzz/seeds/form"; extra="-max_len=4096" ;;
    json) seeds="$root/tests/fuzz/seeds/json"; extra="-max_len=4096" ;;
    cookie) seeds="$root/tests/fuzz/seeds/cookie"; extra="-max_len=4096" ;;
    *) echo "make fuzz: no target '$t' (csv, instrument, scalars, xlsx, multipart, playbook," \
        "lang, form, json, cookie)" >&2
        exit 2 ;;
    esac
    log=$work/$t.log
    rc=0
    (cd "$work" && UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0" \
        "$build/tests/fuzz/libfuzzer_$t" $extra -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$root/tests/fuzz/crashers/$t/" "$corpus" "$seeds" >"$log" 2>&1) ||
        rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    size=$(find "$corpus" -type f | wc -l)
    crashes=$(grep -c '^==[0-9]*==ERROR\|^SUMMARY: \|runtime error:\|deadly signal' "$log" || true)
    result=ok
    if [ "$rc" -ne 0 ]; then
        result="FAILED (exit $rc; input kept in tests/fuzz/crashers/$t/)"
        status=1
        tail -40 "$log" >&2
    fi
    printf '%-12s %10s %8s %8s %9s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "$size" "$crashes" \
        "$result"
done
exit $status
