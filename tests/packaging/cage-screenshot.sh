#!/bin/bash
# cage-screenshot.sh BUILD_ROOT SAYSO
#
# The kiosk session as the installed sayso-kiosk.service runs it, seen on the
# screen, and brought back after it is killed:
#
#   1. `meson install` into a scratch DESTDIR; the installed unit's ExecStart=
#      and Environment= lines are read and run as they are, with only these
#      paths changed: the kiosk program is the DESTDIR's copy, /var/lib/sayso
#      is a scratch folder, %t is a scratch runtime folder;
#   2. on wlroots' headless backend with software rendering
#      (WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1,
#      two outputs: see headless_env below) instead of a screen, a seat and
#      logind; as `nobody` when run as root
#      (cage refuses to run as root); on a store made with `sayso setup`;
#   3. a screenshot with grim through cage's Wayland socket, in which
#      find-welcome.py must find the welcome screen (its two big blue
#      language buttons) filling the screen: the screenshot is every output;
#   4. kill -9 of the sayso-kiosk process; cage exits with it, and a new one
#      must be up and show the welcome screen again (a second screenshot).
#
# systemd is NOT running here (a container or a build machine has no PID 1
# systemd to start units). What the unit's Restart=always and RestartSec=
# would do is emulated by a small supervisor loop in this script: it starts
# the ExecStart command line again RestartSec seconds after it exits, for as
# long as the test runs. So this tests the unit's real command line and the
# kiosk's behaviour under it, not systemd's restart logic itself (that is
# checked only as directives, by install-validate.sh and systemd-analyze).
#
# SAYSO_SCREENSHOT_DIR=DIR keeps the two screenshots there (welcome-1.png,
# welcome-2.png) to look at. Exit 0 pass, 1 fail. Needs: cage, Xwayland
# (xwayland), grim, python3, meson, setpriv (util-linux) when run as root.
set -u

build=${1:?give the meson build folder}
sayso=${2:?give the sayso program}
here=$(cd "$(dirname "$0")" && pwd)
find_welcome=$here/find-welcome.py
# Each wait ends when what it waits for is there: this is how long before
# calling it stuck, for a kiosk under AddressSanitizer on a loaded machine.
wait_seconds=${CAGE_SCREENSHOT_WAIT:-90}

say () { echo "# $*"; }
fail () { echo "FAIL: $*"; exit 1; }

missing=
for tool in cage:cage grim:grim python3:python3 meson:meson; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool%%:*}(${tool#*:})"
done
[ -x /usr/bin/Xwayland ] || missing="$missing Xwayland(xwayland)"
[ "$(id -u)" = 0 ] && { command -v setpriv >/dev/null 2>&1 || missing="$missing setpriv(util-linux)"; }
[ -z "$missing" ] || fail "missing:$missing; packaging/install-deps.sh installs them"

# As the unit's LimitCORE=0; also, Debian's cage aborts when it is stopped.
ulimit -c 0
work=$(mktemp -d "${TMPDIR:-/tmp}/sayso-cage-shot.XXXXXX") || exit 1
chmod 0755 "$work"
supervisor_pid=
cleanup () {
  touch "$work/stop"
  if [ -n "$supervisor_pid" ]; then
    cage_pid=$(cat "$work/cage.pid" 2>/dev/null)
    [ -n "$cage_pid" ] && kill "$cage_pid" 2>/dev/null
    wait "$supervisor_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. the installed unit ---------------------------------------------------
destdir=$work/destdir
meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "meson install --destdir"; }
unit=$(find "$destdir" -name sayso-kiosk.service -type f | head -n 1)
[ -n "$unit" ] || fail "meson install did not install sayso-kiosk.service"
kiosk_installed=$(find "$destdir" -path '*/bin/sayso-kiosk' -type f | head -n 1)
[ -n "$kiosk_installed" ] || fail "meson install did not install sayso-kiosk (built with -Dkiosk=false?)"
say "unit: ${unit#"$destdir"}"

restart=$(sed -n 's/^Restart=//p' "$unit" | tail -n 1)
restart_sec=$(sed -n 's/^RestartSec=//p' "$unit" | tail -n 1)
[ "$restart" = always ] || fail "the unit's Restart= is '$restart', not always"
[[ $restart_sec =~ ^[0-9]+$ ]] || fail "the unit's RestartSec= is '$restart_sec', not whole seconds"

state=$work/state       # stands for /var/lib/sayso
runtime=$work/run       # stands for %t (/run for a system service)
shots=$work/shots
mkdir -m 0700 "$state" "$runtime" "$runtime/sayso-kiosk" "$shots"

# The command line, with the paths mapped as said above; one word a line.
python3 - "$unit" "$destdir" "$state" "$runtime" > "$work/argv" <<'EOF' || fail "could not read the unit's ExecStart="
import os, shlex, sys
unit, destdir, state, runtime = sys.argv[1:]
lines = open(unit).read().splitlines()
execs = [l[len("ExecStart="):] for l in lines if l.startswith("ExecStart=")]
if len(execs) != 1:
    sys.exit("expected one ExecStart=, found %d" % len(execs))
out = []
for word in shlex.split(execs[0]):
    word = word.replace("%t", runtime).replace("%%", "%")
    if "%" in word:
        sys.exit("a systemd specifier this test does not know: %s" % word)
    if word.startswith("/var/lib/sayso/"):
        word = state + word[len("/var/lib/sayso"):]
    elif os.path.basename(word) == "sayso-kiosk" and os.path.isabs(word):
        word = destdir + word
    out.append(word)
print("\n".join(out))
EOF
mapfile -t argv < "$work/argv"
mapfile -t unit_env < <(sed -n 's/^Environment=//p' "$unit")
say "ExecStart, paths mapped: ${argv[*]}"
say "Environment: ${unit_env[*]}"

# --- 2. an enrolled store --------------------------------------------------------
"$sayso" keygen --out "$work/keys" >/dev/null || fail "sayso keygen"
echo 482613 | "$sayso" setup --store "$state/store.db" --site "Screenshot test" \
  --recipient "$work/keys/recipient.pub" >"$work/setup.log" 2>&1 ||
  { cat "$work/setup.log"; fail "sayso setup"; }
printf '[kiosk]\nexport-folder=%s\n' "$work/usb" > "$state/kiosk.ini"

as_user=()
if [ "$(id -u)" = 0 ]; then
  chown -R nobody:nogroup "$state" "$runtime" "$shots"
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
base_env=(env -i PATH=/usr/bin:/bin HOME="$state" LANG=C.UTF-8
  XDG_CONFIG_HOME="$state/.config" XDG_DATA_HOME="$state/.local/share")
# Two headless outputs side by side, not one. Debian 12's cage (0.1.4) shows
# a full-screen client by scanning out its buffer directly, and when it falls
# back to compositing for a screenshot it repaints only the newest damage over
# a stale frame (it does not damage the whole view on leaving scan-out; later
# cages do): grim then sees the kiosk's first, tiny frame. With two outputs the
# kiosk's window spans both, no buffer fits one output, cage composites every
# frame, and the screenshot is what the screen shows. The unit's command line
# is unchanged; only the stand-in for the screen differs.
headless_env=(WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 WLR_HEADLESS_OUTPUTS=2)

# --- the stand-in for systemd's Restart=always, RestartSec= -------------------------
supervise () {
  local runs=0
  while [ ! -e "$work/stop" ]; do
    runs=$((runs + 1))
    echo "--- start $runs" >> "$work/cage.log"
    "${as_user[@]}" "${base_env[@]}" "${unit_env[@]}" "${headless_env[@]}" "${argv[@]}" \
      >> "$work/cage.log" 2>&1 &
    echo $! > "$work/cage.pid"
    wait $!
    echo "--- exit $? of start $runs at $(date +%s.%N)" >> "$work/cage.log"
    [ -e "$work/stop" ] && break
    sleep "$restart_sec"
  done
}
# (Its stderr is kept apart: Debian's cage aborts on SIGTERM, an assertion in
# wl_display_terminate, and bash reports that when the test stops it.)
supervise 2>>"$work/supervisor.err" &
supervisor_pid=$!

show_log () { sed 's/^/#   /' "$work/cage.log"; }

# wait_for_welcome PNG: screenshots until one shows the welcome screen.
wait_for_welcome () {
  local png=$shots/$1 deadline=$(( $(date +%s) + wait_seconds )) socket out
  while [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 1
    socket=$(cd "$runtime/sayso-kiosk" 2>/dev/null && ls wayland-? 2>/dev/null | head -n 1)
    [ -n "$socket" ] || continue
    rm -f "$png"
    "${as_user[@]}" env -i XDG_RUNTIME_DIR="$runtime/sayso-kiosk" WAYLAND_DISPLAY="$socket" \
      grim "$png" >"$work/grim.log" 2>&1 || continue
    if out=$(python3 "$find_welcome" --full-screen "$png"); then
      printf '%s\n' "$out" | sed 's/^/#   /'
      [ -n "${SAYSO_SCREENSHOT_DIR:-}" ] && mkdir -p "$SAYSO_SCREENSHOT_DIR" && cp "$png" "$SAYSO_SCREENSHOT_DIR/"
      return 0
    fi
  done
  [ -n "${SAYSO_SCREENSHOT_DIR:-}" ] && [ -f "$png" ] && mkdir -p "$SAYSO_SCREENSHOT_DIR" &&
    cp "$png" "$SAYSO_SCREENSHOT_DIR/"
  show_log
  sed 's/^/#   grim: /' "$work/grim.log"
  [ -f "$png" ] && python3 "$find_welcome" --full-screen "$png" | sed 's/^/#   /'
  return 1
}

kiosk_pid () {  # the sayso-kiosk under the current cage (from /proc: no procps needed)
  local cage stat stat_line rest
  cage=$(cat "$work/cage.pid" 2>/dev/null) || return 1
  for stat in /proc/[0-9]*/stat; do
    read -r stat_line < "$stat" 2>/dev/null || continue
    rest=${stat_line##*) }                       # after "pid (comm) "
    case $stat_line in *" (sayso-kiosk) "*) ;; *) continue ;; esac
    # shellcheck disable=SC2086
    set -- $rest                                 # state ppid ...
    [ "$2" = "$cage" ] && { stat=${stat#/proc/}; echo "${stat%/stat}"; return 0; }
  done
  return 1
}

# --- 3. the first screenshot ------------------------------------------------------
wait_for_welcome welcome-1.png || fail "no welcome screen within $wait_seconds s of starting the unit's command"
echo "ok: the kiosk shows the welcome screen, full screen under cage (screenshot by grim)"
first_cage=$(cat "$work/cage.pid")
first_kiosk=$(kiosk_pid) || true
[ -n "$first_kiosk" ] || { show_log; fail "no sayso-kiosk process under cage ($first_cage)"; }
say "cage $first_cage, sayso-kiosk $first_kiosk"

# --- 4. killed, and back ------------------------------------------------------------
killed_at=$(date +%s.%N)
kill -9 "$first_kiosk" || fail "kill -9 $first_kiosk"
echo "ok: kill -9 of sayso-kiosk ($first_kiosk)"
deadline=$(( $(date +%s) + wait_seconds ))
second_kiosk=
while [ "$(date +%s)" -lt "$deadline" ]; do
  sleep 0.5
  cage=$(cat "$work/cage.pid")
  [ "$cage" != "$first_cage" ] || continue
  second_kiosk=$(kiosk_pid) && [ -n "$second_kiosk" ] && break
done
[ -n "$second_kiosk" ] || { show_log; fail "no new sayso-kiosk within $wait_seconds s of the kill"; }
exited_at=$(sed -n 's/^--- exit [0-9]* of start 1 at //p' "$work/cage.log")
say "cage exited $(python3 -c "print('%.1f' % ($exited_at - $killed_at))") s after the kill;" \
    "restarted after RestartSec=$restart_sec s: cage $cage, sayso-kiosk $second_kiosk"
wait_for_welcome welcome-2.png || fail "the restarted kiosk does not show the welcome screen"
echo "ok: the kiosk is back after being killed, on the welcome screen (second screenshot)"
grep -q '^--- start 2$' "$work/cage.log" && ! grep -q '^--- start 3$' "$work/cage.log" ||
  { show_log; fail "expected exactly one restart"; }
echo "ok: one kill, one restart"
exit 0
