#!/bin/bash
# collect-unit.sh UNIT SAYSO_COLLECT MAN_PAGE
#
# The collection service's systemd unit, as meson configured it (UNIT), with
# the program it names replaced by the one just built (SAYSO_COLLECT), since
# this machine has no sayso-collect installed:
#   - systemd-analyze verify finds nothing wrong (its man page is MAN_PAGE);
#   - systemd-analyze security --offline rates its exposure below 3.0, and the
#     same unit without its hardening lines rates higher (the control: the
#     score measures the hardening, and this test can fail);
#   - the directives the service's promises rest on are there;
#   - its ExecStartPre= makes the database when there is none, and leaves one
#     that is there as it was; its ExecStart= serves it, and SIGTERM stops it
#     with exit 0. Both command lines are run as systemd would run them, with
#     the unit's own Environment= values (the database in a scratch folder,
#     and port 0 for a free one).
# Output is TAP. Exit 77 (skip) only when systemd-analyze is not installed.
set -u

unit=${1:?give the configured sayso-collect.service}
program=${2:?give the built sayso-collect}
man_page=${3:?give sayso-collect.1}

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "1..0 # SKIP systemd-analyze is not installed (Debian package systemd)"
  exit 77
fi

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () {
  n=$((n + 1)); failed=$((failed + 1))
  echo "not ok $n - $1"; shift
  [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
  return 0
}
bail () { echo "Bail out! $*"; exit 1; }

[ -f "$unit" ] || bail "no unit at $unit"
[ -x "$program" ] || bail "no program at $program"

work=$(mktemp -d "${TMPDIR:-/tmp}/sayso-collect-unit.XXXXXX") || bail "mktemp failed"
server=
cleanup () {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The unit as packaged, but naming the built program wherever it names the
# installed one.
mkdir -p "$work/man/man1"
cp "$man_page" "$work/man/man1/sayso-collect.1"
tested=$work/sayso-collect.service
sed -E "s#[^ '\"=]*/sayso-collect #$program #g" "$unit" > "$tested"
if grep -qF "$program" "$tested"; then ok "the unit names sayso-collect (replaced by the built one: $program)"
else not_ok "the unit names sayso-collect" "$(grep -E '^Exec' "$unit")"; fi

# --- systemd-analyze verify ---------------------------------------------------
if out=$(MANPATH=$work/man systemd-analyze verify "$tested" 2>&1); then
  ok "systemd-analyze verify sayso-collect.service"
else
  not_ok "systemd-analyze verify sayso-collect.service" "$out"
fi

# --- exposure score -------------------------------------------------------------
score () {  # UNIT: prints systemd-analyze security's overall exposure, e.g. 1.2
  systemd-analyze security --offline=yes --man=no --no-pager "$1" 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
hardened=$(score "$tested")
echo "# systemd-analyze security: exposure $hardened (below 3.0 required)"
if [ -n "$hardened" ] && awk -v s="$hardened" 'BEGIN { exit !(s < 3.0) }'; then
  ok "exposure $hardened is below 3.0"
else
  not_ok "exposure is below 3.0" "score: ${hardened:-none}" "$(systemd-analyze security --offline=yes --man=no --no-pager "$tested" 2>&1)"
fi

# The control: the same unit with every hardening line taken out.
bare=$work/bare.service
grep -v -E '^(ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|PrivateUsers|NoNewPrivileges|CapabilityBoundingSet|AmbientCapabilities|Protect[A-Za-z]+|ProcSubset|Restrict[A-Za-z]+|LockPersonality|MemoryDenyWriteExecute|RemoveIPC|KeyringMode|DevicePolicy|SystemCall[A-Za-z]+|UMask)=' \
  "$tested" > "$bare"
unhardened=$(score "$bare")
echo "# control, the unit without its hardening: exposure $unhardened"
if [ -n "$unhardened" ] && [ -n "$hardened" ] &&
   awk -v a="$unhardened" -v b="$hardened" 'BEGIN { exit !(a > b && a >= 3.0) }'; then
  ok "control: without its hardening the unit scores $unhardened, higher than $hardened and not below 3.0"
else
  not_ok "control: without its hardening the unit scores higher" "hardened ${hardened:-none}, bare ${unhardened:-none}"
fi

# --- the directives the promises rest on -----------------------------------------
# (systemd-analyze security weighs them all together; each is also a promise
# of its own: docs/site-guide.md, packaging/README.md.)
for directive in User=sayso-collect StateDirectory=sayso-collect StateDirectoryMode=0700 \
    ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes NoNewPrivileges=yes \
    RestrictAddressFamilies=AF_INET RestrictAddressFamilies=AF_INET6 RestrictAddressFamilies=AF_UNIX \
    SystemCallFilter=@system-service MemoryDenyWriteExecute=yes LockPersonality=yes \
    CapabilityBoundingSet= UMask=0077 LimitCORE=0 Restart=on-failure KillSignal=SIGTERM \
    WantedBy=multi-user.target; do
  key=${directive%%=*} value=${directive#*=}
  lines=$(grep -E "^$key=" "$tested" | sed "s/^$key=//")
  if [ -z "$value" ]; then
    # An empty value: the line must be there, and be empty.
    if grep -qx "$key=" "$tested"; then ok "unit: $key= (empty)"
    else not_ok "unit: $key= (empty)" "${lines:-no $key= line}"; fi
  elif tr ' ' '\n' <<< "$lines" | grep -qxF -- "$value"; then
    ok "unit: $directive"
  else
    not_ok "unit: $directive" "${lines:-no $key= line}"
  fi
done
# Nothing may let the service gain what the bounding set takes away.
if grep -Eq '^(AmbientCapabilities=.+|PermissionsStartOnly=|User=root)' "$tested"; then
  not_ok "unit: no ambient capabilities, no root" "$(grep -E '^(AmbientCapabilities|PermissionsStartOnly|User)=' "$tested")"
else
  ok "unit: no ambient capabilities, no root"
fi

# --- ExecStartPre= and ExecStart=, run as systemd runs them ------------------------
# The unit's Environment= values, then the database moved to a scratch folder
# and port 0, which is what an EnvironmentFile= could say.
declare -A env
while IFS= read -r assignment; do
  env[${assignment%%=*}]=${assignment#*=}
done < <(sed -n 's/^Environment=//p' "$tested")
if [ "${env[SAYSO_COLLECT_DB]:-}" = /var/lib/sayso-collect/collect.db ] &&
   [ "${env[SAYSO_COLLECT_LISTEN]:-}" = 127.0.0.1:8080 ]; then
  ok "unit: by default the database is /var/lib/sayso-collect/collect.db and it listens on 127.0.0.1:8080 only"
else
  not_ok "unit: the default database and address" "SAYSO_COLLECT_DB=${env[SAYSO_COLLECT_DB]:-} SAYSO_COLLECT_LISTEN=${env[SAYSO_COLLECT_LISTEN]:-}"
fi
db=$work/state/collect.db
mkdir -m 0700 "$work/state"

pre=$(sed -n 's/^ExecStartPre=//p' "$tested")
# systemd's own quoting; the single-quoted shell script is one argument.
eval "pre_argv=($pre)"
run_pre () {
  env -i PATH=/usr/bin:/bin SAYSO_COLLECT_DB="$db" SAYSO_COLLECT_LISTEN=127.0.0.1:0 SAYSO_COLLECT_OPTIONS= \
    "${pre_argv[@]}"
}
if out=$(run_pre 2>&1) && [ -s "$db" ] && grep -q 'sayso-collect-public-key' <<< "$out"; then
  ok "ExecStartPre= makes the database when there is none, and prints the service's public key"
  echo "$out" | sed 's/^/#   /'
else
  not_ok "ExecStartPre= makes the database when there is none" "$out" "$(ls -l "$work/state")"
fi
before=$(sha256sum "$db" 2>/dev/null)
if out=$(run_pre 2>&1) && [ "$(sha256sum "$db" 2>/dev/null)" = "$before" ] && [ -z "$out" ]; then
  ok "ExecStartPre= leaves a database that is there as it was, and succeeds"
else
  not_ok "ExecStartPre= leaves a database that is there as it was" "$out"
fi

start=$(sed -n 's/^ExecStart=//p' "$tested")
# ${VAR} is one word; $VAR is split on white space (systemd.service(5)).
start=${start//'${SAYSO_COLLECT_DB}'/$db}
start=${start//'${SAYSO_COLLECT_LISTEN}'/127.0.0.1:0}
start=${start//'$SAYSO_COLLECT_OPTIONS'/}
read -r -a start_argv <<< "$start"
"${start_argv[@]}" > "$work/serve.out" 2> "$work/serve.err" &
server=$!
address=
for _ in $(seq 1 600); do
  address=$(head -n 1 "$work/serve.out" 2>/dev/null)
  [ -n "$address" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
case $address in
  http://127.0.0.1:[0-9]*/)
    ok "ExecStart= serves the database, on $address" ;;
  *)
    not_ok "ExecStart= serves the database" "argv: ${start_argv[*]}" "$(cat "$work/serve.out" "$work/serve.err")" ;;
esac
if [ -n "$address" ] && python3 - "$address" <<'PYEOF'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=60) as r:
    page = r.read().decode()
    sys.exit(0 if r.status == 200 and "<form" in page else 1)
PYEOF
then ok "the service's upload page answers on $address"
else not_ok "the service's upload page answers on $address" "$(cat "$work/serve.err")"; fi

# KillSignal=SIGTERM: the service exits by itself, with 0, well before the
# unit's TimeoutStopSec= would have it killed.
kill -TERM "$server" 2>/dev/null
code=
for _ in $(seq 1 600); do
  if ! kill -0 "$server" 2>/dev/null; then wait "$server"; code=$?; break; fi
  sleep 0.1
done
if [ "$code" = 0 ]; then ok "SIGTERM stops the service with exit 0"
else not_ok "SIGTERM stops the service with exit 0" "exit: ${code:-still running after 60 s}" "$(cat "$work/serve.err")"; kill -KILL "$server" 2>/dev/null; fi
server=

echo "1..$n"
[ $failed -eq 0 ]
