#!/bin/sh
# Regenerates docs/screenshots: every screen of the kiosk at 1280×800.
#   ui/screenshots.sh [BUILD_DIR [OUT_DIR]]
# Only the pictures it makes are replaced (the upload page's, from 30 on,
# are tests/browser/screenshots.py's), and only once all have been made.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
out=${2:-$here/docs/screenshots}
ninja -C "$build" tests/ui/sayso-screenshots app/collect/sayso-collect >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/shots"
env XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp" \
    SAYSO_COLLECT_BIN="$build/app/collect/sayso-collect" \
    GSETTINGS_BACKEND=memory GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11 GSK_RENDERER=cairo GDK_DEBUG=gl-disable SAYSO_SPEECH=none \
    xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
    "$build/tests/ui/sayso-screenshots" "$tmp/shots"
mv -f "$tmp/shots"/*.png "$out"/
