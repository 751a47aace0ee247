#!/bin/sh
# Builds the libFuzzer harnesses with clang, AddressSanitizer and UBSan, and
# runs each for SECONDS (default 20: a smoke run; try 3600 for a real one),
# with its dictionary (tests/fuzz/NAME.dict) and largest input set in
# tests/fuzz/meson.build.
# Crashes are saved as tests/fuzz/<build>/<name>-crash-*; the corpus grows in
# build-fuzz/tests/fuzz/corpus-<name>.
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:-20}

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Dkiosk=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dfuzz_seconds="$seconds" >/dev/null
else
  meson configure build-fuzz -Dfuzz_seconds="$seconds"
fi
meson compile -C build-fuzz
meson test -C build-fuzz --suite fuzz --print-errorlogs
grep -h "stat::number_of_executed_units" build-fuzz/meson-logs/testlog.txt || true
