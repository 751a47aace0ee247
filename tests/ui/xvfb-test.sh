#!/bin/sh
# xvfb-test.sh WIDTHxHEIGHTxDEPTH COMMAND [ARGS...]
#
# Runs COMMAND on an X server of its own, as `xvfb-run -a` would, but with
# the display chosen by Xvfb itself (-displayfd): `xvfb-run -a` looks for a
# free number and starts Xvfb on it after, and two tests (or two builds on
# one machine) starting together could both choose it, one of them then
# failing for nothing it tests. Exits with COMMAND's status.
set -u

screen=${1:?give the screen, e.g. 1280x1024x24}
shift

dir=$(mktemp -d "${TMPDIR:-/tmp}/sayso-xvfb.XXXXXX") || exit 1
Xvfb -displayfd 3 -screen 0 "$screen" -nolisten tcp 3>"$dir/display" 2>"$dir/xvfb.log" &
xvfb=$!
cleanup () {
  kill "$xvfb" 2>/dev/null
  wait "$xvfb" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# Xvfb writes the display's number once it takes connections; a minute
# before calling it stuck, on a loaded machine.
display=
deadline=$(( $(date +%s) + 60 ))
while [ -z "$display" ]; do
  read -r display < "$dir/display" 2>/dev/null || display=
  [ -n "$display" ] && break
  if ! kill -0 "$xvfb" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
    echo "xvfb-test.sh: Xvfb did not start:" >&2
    cat "$dir/xvfb.log" >&2
    exit 1
  fi
  sleep 0.1
done

DISPLAY=:$display "$@"
status=$?
exit $status
