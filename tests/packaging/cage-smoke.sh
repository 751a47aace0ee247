#!/bin/bash
# cage-smoke.sh SAYSO SAYSO_KIOSK
#
# Runs the kiosk the way sayso-kiosk.service does — under cage, full screen
# (no --windowed), as an unprivileged user, on an enrolled store given with
# --store, a --config that does not exist, GDK_BACKEND=wayland — but on
# wlroots' headless backend with software rendering instead of a screen, a
# seat and systemd. Passes if the kiosk is still up after a few seconds.
# Root runs it as `nobody` (cage refuses to run as root).
#
# Needs: cage, Xwayland (xwayland: Debian's cage will not start without it),
# setpriv (util-linux) when run as root. A missing tool fails the test.
set -u

sayso=${1:?give the sayso program}
kiosk=${2:?give the sayso-kiosk program}
seconds=${CAGE_SMOKE_SECONDS:-6}

missing=
command -v cage >/dev/null 2>&1 || missing="$missing cage(cage)"
[ -x /usr/bin/Xwayland ] || missing="$missing Xwayland(xwayland)"
[ "$(id -u)" = 0 ] && { command -v setpriv >/dev/null 2>&1 || missing="$missing setpriv(util-linux)"; }
if [ -n "$missing" ]; then
  echo "FAIL: missing:$missing; packaging/install-deps.sh installs them" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sayso-cage.XXXXXX") || exit 1
chmod 0755 "$work"
cage_pid=
cleanup () {
  [ -n "$cage_pid" ] && kill "$cage_pid" 2>/dev/null && wait "$cage_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -m 0700 "$work/runtime" "$work/home"
"$sayso" keygen --out "$work/keys" >/dev/null || { echo "FAIL: sayso keygen"; exit 1; }
"$sayso" init --store "$work/home/store.db" --site "Smoke test" --recipient "$work/keys/recipient.pub" >/dev/null ||
  { echo "FAIL: sayso init"; exit 1; }

as_user=()
if [ "$(id -u)" = 0 ]; then
  chown -R nobody:nogroup "$work/runtime" "$work/home"
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

"${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$work/home" \
  XDG_RUNTIME_DIR="$work/runtime" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
  WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 GDK_BACKEND=wayland \
  cage -d -- "$kiosk" --store "$work/home/store.db" --config "$work/home/kiosk.ini" \
  > "$work/cage.log" 2>&1 &
cage_pid=$!

for _ in $(seq "$seconds"); do
  sleep 1
  if ! kill -0 "$cage_pid" 2>/dev/null; then
    wait "$cage_pid"; status=$?
    cage_pid=
    sed 's/^/#   /' "$work/cage.log"
    echo "FAIL: cage and the kiosk exited (status $status) within $seconds s"
    exit 1
  fi
done

# Up for $seconds s: the kiosk took the screen. Show what it said.
sed 's/^/#   /' "$work/cage.log"
echo "ok: the kiosk ran full screen under cage for $seconds s"
exit 0
