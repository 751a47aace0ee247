#!/bin/sh
# Builds Sayso and runs every test twice: in a normal build, and in a build
# with AddressSanitizer and UndefinedBehaviorSanitizer.
set -u
cd "$(dirname "$0")/.."

failed=0

build () {
  dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" || exit 1
  fi
  meson compile -C "$dir" || exit 1
}

summarise () {
  python3 - "$1" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): passed += 1
    elif r == "SKIP": skipped += 1
    else: failed += 1
print(f"{passed} {failed} {skipped}")
PY
}

build build
meson test -C build --print-errorlogs --num-processes 2 || failed=1
set -- $(summarise build/meson-logs/testlog.json)
p1=$1 f1=$2 s1=$3

build build-asan -Db_sanitize=address,undefined -Db_lundef=false
meson test -C build-asan --setup asan --print-errorlogs --num-processes 2 || failed=1
set -- $(summarise build-asan/meson-logs/testlog-asan.json)
p2=$1 f2=$2 s2=$3

# libFuzzer smoke run of every parser that reads outside input (clang).
if command -v clang >/dev/null 2>&1; then
  rm -f build-fuzz/meson-logs/testlog.json
  tests/fuzz/run.sh 20 || failed=1
  if [ -f build-fuzz/meson-logs/testlog.json ]; then
    set -- $(summarise build-fuzz/meson-logs/testlog.json)
    p3=$1 f3=$2 s3=$3
  else
    echo "run-all.sh: the fuzzers did not build (clang), see above" >&2
    p3=0 f3=1 s3=0
  fi
else
  echo "run-all.sh: clang is missing, so the fuzzers did not run" >&2
  p3=0 f3=1 s3=0
  failed=1
fi

echo
echo "normal build: $p1 passed, $f1 failed, $s1 skipped; ASan+UBSan build: $p2 passed, $f2 failed, $s2 skipped; fuzzers: $p3 passed, $f3 failed"
echo "$((p1 + p2 + p3)) passed, $((f1 + f2 + f3)) failed, $((s1 + s2 + s3)) skipped"
exit $failed
