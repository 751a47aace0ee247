#!/bin/bash
# install-validate.sh BUILD_ROOT [--kiosk]
#
# Installs the build into a scratch DESTDIR with `meson install` and checks
# what was installed: every expected file in its place with its mode, nothing
# stray, the desktop file (desktop-file-validate), the AppStream metainfo
# (appstreamcli validate --no-net), the icon, the manual pages, the systemd
# kiosk unit (systemd-analyze verify, offline security score, the directives
# the kiosk session depends on), and the sysusers.d and tmpfiles.d files,
# applied for real to a scratch root (the user, /var/lib/sayso, kiosk.ini with
# the export folder, /run/sayso-usb), the udev rule that mounts USB sticks
# (udev-rules.py: syntax, and its effect on made-up devices; `udevadm verify`
# too where udevadm has it, which Debian 12's does not), and the doors around
# cage: SysRq off (sysctl.d), no spare consoles and every power key ignored
# (logind.conf.d), no swap for the kiosk (MemorySwapMax=0); and the collection
# service's unit (verify, security), its defaults file, user and
# /var/lib/sayso-collect. --kiosk: sayso-kiosk
# was built and must be installed too. Output is TAP.
#
# Needs: meson, python3, desktop-file-validate (desktop-file-utils),
# appstreamcli (appstream), systemd-analyze, systemd-sysusers,
# systemd-tmpfiles and systemd-mount (systemd), man (man-db), groff
# (groff-base), cage. A missing tool fails the test, with its name.
set -u

build=${1:-${MESON_BUILD_ROOT:-}}
expect_kiosk=no
[ "${2:-}" = --kiosk ] && expect_kiosk=yes

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () {
  n=$((n + 1)); failed=$((failed + 1))
  echo "not ok $n - $1"; shift
  [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
  return 0
}
# check DESCRIPTION COMMAND...: ok if COMMAND succeeds; its output goes in the
# diagnostics either way when it fails.
check () {
  local desc=$1 out; shift
  if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}
bail () { echo "Bail out! $*"; exit 1; }

[ -n "$build" ] && [ -d "$build" ] || bail "give the meson build folder as the first argument"

missing=
for tool in meson python3 desktop-file-validate appstreamcli systemd-analyze \
            systemd-sysusers systemd-tmpfiles systemd-mount man groff cage; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] || bail "missing tools:$missing (packaging/install-deps.sh installs them: desktop-file-utils appstream systemd man-db groff-base cage)"

work=$(mktemp -d "${TMPDIR:-/tmp}/sayso-install-validate.XXXXXX") || bail "mktemp failed"
trap 'rm -rf "$work"' EXIT
destdir=$work/destdir

# --- where things should go ------------------------------------------------
opt () {
  meson introspect "$build" --buildoptions |
    python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
prefix=$(opt prefix) || bail "meson introspect failed on $build"
bindir=$prefix/$(opt bindir)
datadir=$prefix/$(opt datadir)
mandir=$prefix/$(opt mandir)
version=$(meson introspect "$build" --projectinfo | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
session=yes
[ "$prefix" = /app ] && session=no   # a Flatpak build: no system session files

if pkg-config --exists systemd 2>/dev/null; then
  unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
  sysusersdir=$(pkg-config --variable=sysusersdir systemd)
  tmpfilesdir=$(pkg-config --variable=tmpfilesdir systemd)
  sysctldir=$(pkg-config --variable=sysctldir systemd)
else
  unitdir=$prefix/lib/systemd/system
  sysusersdir=$prefix/lib/sysusers.d
  tmpfilesdir=$prefix/lib/tmpfiles.d
fi
[ -n "$sysusersdir" ] || sysusersdir=$prefix/lib/sysusers.d
[ -n "$tmpfilesdir" ] || tmpfilesdir=$prefix/lib/tmpfiles.d
[ -n "${sysctldir:-}" ] || sysctldir=$prefix/lib/sysctl.d
logindconfdir=$prefix/lib/systemd/logind.conf.d
udevdir=$(pkg-config --variable=udevdir udev 2>/dev/null)
[ -n "$udevdir" ] || udevdir=$prefix/lib/udev

app_id=org.sayso.Kiosk
desktop=$datadir/applications/$app_id.desktop
metainfo=$datadir/metainfo/$app_id.metainfo.xml
icon=$datadir/icons/hicolor/scalable/apps/$app_id.svg
unit=$unitdir/sayso-kiosk.service
sysusers=$sysusersdir/sayso.conf
tmpfiles=$tmpfilesdir/sayso.conf
udev_rules=$udevdir/rules.d/99-sayso-usb.rules
sysctl_conf=$sysctldir/99-sayso-kiosk.conf
logind_conf=$logindconfdir/sayso-kiosk.conf
case $(opt sysconfdir) in
  /*) sysconfdir=$(opt sysconfdir) ;;
  *) sysconfdir=$prefix/$(opt sysconfdir) ;;
esac
collect_unit=$unitdir/sayso-collect.service
collect_sysusers=$sysusersdir/sayso-collect.conf
collect_tmpfiles=$tmpfilesdir/sayso-collect.conf
collect_default=$sysconfdir/default/sayso-collect
here=$(cd "$(dirname "$0")" && pwd)

echo "# build $build, prefix $prefix, version $version, kiosk expected: $expect_kiosk"

# --- install -----------------------------------------------------------------
check "meson install --destdir into a scratch folder" \
  meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet
[ -d "$destdir" ] || bail "meson install installed nothing"

# --- every expected file, with its mode; nothing stray --------------------------
expected="$bindir/sayso:755
$bindir/sayso-collect:755
$mandir/man1/sayso-collect.1:644
$desktop:644
$metainfo:644
$icon:644
$mandir/man1/sayso.1:644
$mandir/man1/sayso-kiosk.1:644"
[ $expect_kiosk = yes ] && expected="$expected
$bindir/sayso-kiosk:755"
[ $session = yes ] && expected="$expected
$unit:644
$sysusers:644
$tmpfiles:644
$udev_rules:644
$sysctl_conf:644
$logind_conf:644
$collect_unit:644
$collect_sysusers:644
$collect_tmpfiles:644
$collect_default:644"

while IFS=: read -r path mode; do
  if [ ! -f "$destdir$path" ]; then
    not_ok "$path is installed" "missing: $destdir$path"
  else
    actual=$(stat -c %a "$destdir$path")
    if [ "$actual" = "$mode" ]; then ok "$path is installed, mode $mode"
    else not_ok "$path is installed, mode $mode" "mode is $actual"; fi
  fi
done <<< "$expected"

stray=$(cd "$destdir" && find . -type f -o -type l | sed 's|^\.||' | sort | while read -r f; do
  case $f in
    "$datadir"/locale/*/LC_MESSAGES/sayso.mo) ;;  # translations
    "$datadir"/sayso/*) ;;                        # the programs' own data, if any
    *) grep -qxF "$f" <<< "$(cut -d: -f1 <<< "$expected")" || echo "$f" ;;
  esac
done)
if [ -z "$stray" ]; then ok "nothing installed but the expected files, translations and share/sayso"
else not_ok "nothing installed but the expected files, translations and share/sayso" "unexpected:" $stray; fi

bad_modes=$(find "$destdir" \( -perm -o+w -o -perm -g+w -o -perm -u+s -o -perm -g+s \) -printf '%m %p\n')
if [ -z "$bad_modes" ]; then ok "no group- or world-writable, setuid or setgid file or folder"
else not_ok "no group- or world-writable, setuid or setgid file or folder" "$bad_modes"; fi

# --- desktop file ------------------------------------------------------------------
check "desktop-file-validate $app_id.desktop" desktop-file-validate "$destdir$desktop"
desktop_key () { sed -n "s/^$1=//p" "$destdir$desktop" | head -n 1; }
exec_line=$(desktop_key Exec)
if [ "$exec_line" = "sayso-kiosk --windowed" ]; then ok "desktop file runs sayso-kiosk --windowed"
else not_ok "desktop file runs sayso-kiosk --windowed" "Exec=$exec_line"; fi
if [ "$(desktop_key Icon)" = "$app_id" ]; then ok "desktop file's Icon is the installed $app_id.svg"
else not_ok "desktop file's Icon is the installed $app_id.svg" "Icon=$(desktop_key Icon)"; fi

# The options the desktop file and the unit give the kiosk must be its own.
if [ $expect_kiosk = yes ] && [ -x "$destdir$bindir/sayso-kiosk" ]; then
  kiosk_help=$(env -u DISPLAY -u WAYLAND_DISPLAY "$destdir$bindir/sayso-kiosk" --help 2>&1)
  unknown=
  for option in --windowed --store --config; do
    grep -q -- "$option\b" <<< "$kiosk_help" || unknown="$unknown $option"
  done
  if [ -z "$unknown" ]; then ok "sayso-kiosk --help has --windowed, --store and --config"
  else not_ok "sayso-kiosk --help has --windowed, --store and --config" "missing:$unknown" "$kiosk_help"; fi
fi

# --- AppStream -------------------------------------------------------------------------
check "appstreamcli validate --no-net $app_id.metainfo.xml" \
  appstreamcli validate --no-net "$destdir$metainfo"
check "metainfo: id, launchable, content rating, release $version" python3 - "$destdir$metainfo" "$app_id" "$version" <<'EOF'
import sys, xml.etree.ElementTree as ET
path, app_id, version = sys.argv[1:]
c = ET.parse(path).getroot()
problems = []
if c.findtext("id") != app_id:
    problems.append("id is %r" % c.findtext("id"))
if c.findtext("launchable[@type='desktop-id']") != app_id + ".desktop":
    problems.append("launchable is not %s.desktop" % app_id)
if c.find("content_rating") is None:
    problems.append("no content_rating")
if c.find("description") is None:
    problems.append("no description")
releases = c.findall("releases/release")
if not releases or releases[0].get("version") != version:
    problems.append("newest release is not the project's version %s" % version)
if c.find("screenshots") is not None:
    problems.append("screenshots need a network URL: keep them out while Sayso is offline-only")
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF

# --- icon ----------------------------------------------------------------------------------
check "icon is a well-formed scalable SVG" python3 - "$destdir$icon" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", "root is %s, not svg" % root.tag
assert root.get("viewBox"), "no viewBox"
EOF

# --- manual pages ------------------------------------------------------------------------
for page in sayso sayso-kiosk sayso-collect; do
  file=$destdir$mandir/man1/$page.1
  [ -f "$file" ] || continue
  warnings=$(groff -man -ww -z "$file" 2>&1)
  if [ -z "$warnings" ]; then ok "$page.1 formats without groff warnings"
  else not_ok "$page.1 formats without groff warnings" "$warnings"; fi
  check "man finds $page(1) in the installed mandir" env MANPATH="$destdir$mandir" man -w "$page"
done
if [ -x "$destdir$bindir/sayso" ]; then
  commands=$("$destdir$bindir/sayso" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
  undocumented=
  page_text=$(sed 's/\\-/-/g' "$destdir$mandir/man1/sayso.1" 2>/dev/null)  # troff's \- is a -
  for c in $commands; do
    # in the synopsis (.B sayso COMMAND) and as a command's own entry (.BI "COMMAND …)
    if grep -q "^\.B sayso $c\$" <<< "$page_text" && grep -q "^\.BI\? \"\?$c\b" <<< "$page_text"; then :
    else undocumented="$undocumented $c"; fi
  done
  if [ -n "$commands" ] && [ -z "$undocumented" ]; then ok "sayso.1 documents every command of sayso --help: $(echo $commands)"
  else not_ok "sayso.1 documents every command of sayso --help" "undocumented:${undocumented:- (no commands found in --help)}"; fi
fi

# --- systemd kiosk session --------------------------------------------------------------
if [ $session = yes ] && [ -f "$destdir$unit" ]; then
  u=$destdir$unit
  leftovers=$(grep -v '^#' "$u" | grep -n '@[a-z_]*@')
  if [ -z "$leftovers" ]; then ok "unit: every @variable@ was substituted"
  else not_ok "unit: every @variable@ was substituted" "$leftovers"; fi

  # The real check, as offline as it gets: no running systemd is needed. The
  # Documentation= man pages are looked up in the DESTDIR.
  check "systemd-analyze verify sayso-kiosk.service" \
    env MANPATH="$destdir$mandir" systemd-analyze verify "$u"
  check "systemd-analyze security --offline: exposure at most 3.0" \
    systemd-analyze security --offline=yes --threshold=30 --man=no --no-pager "$u"

  for directive in User=sayso PAMName=login TTYPath=/dev/tty1 StandardInput=tty \
      Restart=always RestartSec=2 Conflicts=getty@tty1.service \
      After=systemd-user-sessions.service WantedBy=graphical.target \
      StateDirectory=sayso StateDirectoryMode=0700 ProtectSystem=strict \
      ReadWritePaths=/var/lib/sayso ReadWritePaths=-/run/sayso-usb PrivateTmp=yes NoNewPrivileges=yes \
      ProtectHome=yes UMask=0077 LimitCORE=0 MemorySwapMax=0 IPAddressDeny=any \
      ConditionPathExists=/var/lib/sayso/store.db; do
    key=${directive%%=*} value=${directive#*=}
    if grep -E "^$key=" "$u" | sed "s/^$key=//" | tr ' ' '\n' | grep -qxF -- "$value"; then
      ok "unit: $directive"
    else
      not_ok "unit: $directive" "$(grep -E "^$key=" "$u" || echo "no $key= line")"
    fi
  done

  exec_start=$(sed -n 's/^ExecStart=//p' "$u")
  check "unit: ExecStart's programs exist, cage without -s, the kiosk on its store" \
    python3 - "$exec_start" "$bindir" "$destdir" "$expect_kiosk" <<'EOF'
import os, shlex, sys
line, bindir, destdir, expect_kiosk = sys.argv[1:]
argv = shlex.split(line)
problems = []
# /usr/bin/env [-u VAR]... [VAR=value]... /usr/bin/cage [cage options] -- kiosk args
i = 0
if argv[0] == "/usr/bin/env":
    i = 1
    while argv[i] == "-u" or "=" in argv[i]:
        i += 2 if argv[i] == "-u" else 1
for prog in argv[:1] + argv[i:i + 1]:
    if not (os.path.isabs(prog) and os.access(prog, os.X_OK)):
        problems.append("%s is not an installed program on this machine" % prog)
if argv[i] != "/usr/bin/cage":
    problems.append("the compositor is %s, not /usr/bin/cage" % argv[i])
cage_opts = argv[i + 1:argv.index("--")] if "--" in argv else []
if "--" not in argv:
    problems.append("no -- between cage's options and the kiosk's")
if any(o.startswith("-") and not o.startswith("--") and "s" in o[1:] for o in cage_opts):
    problems.append("cage -s allows switching to another virtual terminal: %s" % cage_opts)
kiosk = argv[argv.index("--") + 1:] if "--" in argv else []
if not kiosk or kiosk[0] != os.path.join(bindir, "sayso-kiosk"):
    problems.append("the kiosk is %s, not %s/sayso-kiosk" % (kiosk[:1], bindir))
elif expect_kiosk == "yes" and not os.access(destdir + kiosk[0], os.X_OK):
    problems.append("%s was not installed" % kiosk[0])
if "--store" not in kiosk or kiosk[kiosk.index("--store") + 1:][:1] != ["/var/lib/sayso/store.db"]:
    problems.append("the kiosk is not given --store /var/lib/sayso/store.db")
if "--windowed" in kiosk:
    problems.append("the kiosk session must be full screen, not --windowed")
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF
  # Why no -s: this cage's own help says so.
  if cage -h 2>&1 | grep -Eq -- '^ *-s[[:space:]].*[Aa]llow VT switching'; then
    ok "cage -h: -s allows VT switching (so the unit leaves it out)"
  else
    not_ok "cage -h: -s allows VT switching (so the unit leaves it out)" "$(cage -h 2>&1)"
  fi

  # sysusers.d and tmpfiles.d, applied to a scratch root.
  root=$work/root
  mkdir -p "$root/etc"
  check "systemd-sysusers --root creates the sayso user" \
    systemd-sysusers --root="$root" "$destdir$sysusers"
  entry=$(grep '^sayso:' "$root/etc/passwd" 2>/dev/null)
  IFS=: read -r _ _ uid gid _ home shell <<< "$entry"
  if [ "$home" = /var/lib/sayso ] && [ "$shell" = /usr/sbin/nologin ] && [ "${uid:-0}" -gt 0 ] && [ "$uid" -lt 1000 ]; then
    ok "sayso is a system user, home /var/lib/sayso, no login shell"
  else
    not_ok "sayso is a system user, home /var/lib/sayso, no login shell" "passwd: ${entry:-none}"
  fi
  check "systemd-tmpfiles --root --create makes /var/lib/sayso" \
    systemd-tmpfiles --root="$root" --create "$destdir$tmpfiles"
  got=$(stat -c '%a %u %g' "$root/var/lib/sayso" 2>&1)
  if [ "$got" = "700 $uid $gid" ]; then ok "/var/lib/sayso is 0700 and the sayso user's"
  else not_ok "/var/lib/sayso is 0700 and the sayso user's" "got: $got (sayso is $uid:$gid)"; fi
  # The kiosk's settings file, with the folder USB sticks are mounted at.
  got=$(stat -c '%a %u %g' "$root/var/lib/sayso/kiosk.ini" 2>&1)
  if [ "$got" = "600 $uid $gid" ]; then ok "tmpfiles: /var/lib/sayso/kiosk.ini is 0600 and the sayso user's"
  else not_ok "tmpfiles: /var/lib/sayso/kiosk.ini is 0600 and the sayso user's" "got: $got"; fi
  check "tmpfiles: kiosk.ini says [kiosk] export-folder=/run/sayso-usb" python3 - "$root/var/lib/sayso/kiosk.ini" <<'EOF'
import configparser, sys
c = configparser.ConfigParser()
c.read(sys.argv[1])
value = c.get("kiosk", "export-folder", fallback=None)
if value != "/run/sayso-usb":
    sys.exit("export-folder is %r; the file:\n%s" % (value, open(sys.argv[1]).read()))
EOF
  echo "idle-timeout=90" >> "$root/var/lib/sayso/kiosk.ini"
  systemd-tmpfiles --root="$root" --create "$destdir$tmpfiles" >/dev/null 2>&1
  if grep -q '^idle-timeout=90$' "$root/var/lib/sayso/kiosk.ini"; then
    ok "tmpfiles: an existing kiosk.ini is left as staff mode changed it"
  else
    not_ok "tmpfiles: an existing kiosk.ini is left as staff mode changed it" "$(cat "$root/var/lib/sayso/kiosk.ini")"
  fi
  got=$(stat -c '%a %U' "$root/run/sayso-usb" 2>&1)
  if [ "$got" = "755 root" ]; then ok "tmpfiles: /run/sayso-usb is root's, 0755 (no stick, no export)"
  else not_ok "tmpfiles: /run/sayso-usb is root's, 0755 (no stick, no export)" "got: $got"; fi

  # The doors around cage: SysRq, spare consoles, the power keys.
  check "sysctl.d: kernel.sysrq = 0, and nothing else" python3 - "$destdir$sysctl_conf" <<'EOF'
import sys
settings = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line or line[0] in "#;":
        continue
    key, sep, value = line.partition("=")
    if not sep:
        sys.exit("not KEY = VALUE: %r" % line)
    settings[key.strip().replace("/", ".")] = value.strip()
if settings != {"kernel.sysrq": "0"}:
    sys.exit("settings are %r, not kernel.sysrq = 0 alone" % settings)
EOF
  logind_bin=
  for candidate in /lib/systemd/systemd-logind /usr/lib/systemd/systemd-logind; do
    [ -x "$candidate" ] && logind_bin=$candidate && break
  done
  check "logind.conf.d: no spare consoles, no reserved console, every power, reboot, suspend and hibernate key ignored, each a setting this logind knows" \
    python3 - "$destdir$logind_conf" "$logind_bin" <<'EOF'
import configparser, sys
path, logind = sys.argv[1:]
c = configparser.ConfigParser(strict=True, interpolation=None)
c.optionxform = str
c.read(path)
want = {"NAutoVTs": "0", "ReserveVT": "0"}
for key in ("Power", "Reboot", "Suspend", "Hibernate"):
    want["Handle%sKey" % key] = "ignore"
    want["Handle%sKeyLongPress" % key] = "ignore"
problems = []
if c.sections() != ["Login"]:
    problems.append("sections are %r, not [Login]" % c.sections())
got = dict(c["Login"]) if c.has_section("Login") else {}
for key, value in want.items():
    if got.get(key) != value:
        problems.append("%s=%s, not %s" % (key, got.get(key), value))
# logind ignores, with only a log line, a key it does not know: each must be
# in its own table of settings ("Login.NAutoVTs", ...).
if logind:
    known = open(logind, "rb").read()
    for key in got:
        if ("Login.%s" % key).encode() not in known:
            problems.append("%s is not a setting %s knows" % (key, logind))
else:
    problems.append("no systemd-logind here to check the setting names against")
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF

  # The udev rule for USB sticks.
  if [ -f "$destdir$udev_rules" ]; then
    if command -v udevadm >/dev/null 2>&1 && udevadm verify --help >/dev/null 2>&1; then
      check "udevadm verify 99-sayso-usb.rules" udevadm verify --no-style "$destdir$udev_rules"
    else
      echo "# udevadm verify is not here (systemd < 253, e.g. Debian 12): udev-rules.py only"
    fi
    check "99-sayso-usb.rules: syntax, and USB sticks mounted at /run/sayso-usb as they should be (udev-rules.py)" \
      python3 "$here/udev-rules.py" "$destdir$udev_rules"
  fi
elif [ $session = yes ]; then
  not_ok "the kiosk unit is installed" "missing: $destdir$unit"
fi

# --- the collection service (the Debian package sayso-collect) ---------------------
if [ $session = yes ] && [ -f "$destdir$collect_unit" ]; then
  cu=$work/sayso-collect.service
  # The installed program, in the DESTDIR, where the unit names it.
  sed "s#$bindir/sayso-collect #$destdir$bindir/sayso-collect #g" "$destdir$collect_unit" > "$cu"
  leftovers=$(grep -v '^#' "$cu" | grep -n '@[a-z_]*@')
  if [ -z "$leftovers" ]; then ok "collect unit: every @variable@ was substituted"
  else not_ok "collect unit: every @variable@ was substituted" "$leftovers"; fi
  if grep -qx "EnvironmentFile=-$collect_default" "$cu"; then ok "collect unit: reads $collect_default"
  else not_ok "collect unit: reads $collect_default" "$(grep '^EnvironmentFile=' "$cu")"; fi
  check "systemd-analyze verify sayso-collect.service" \
    env MANPATH="$destdir$mandir" systemd-analyze verify "$cu"
  check "systemd-analyze security --offline: sayso-collect.service's exposure below 3.0" \
    systemd-analyze security --offline=yes --threshold=29 --man=no --no-pager "$cu"
  # The defaults file: KEY=value lines the unit reads, nothing else.
  check "default/sayso-collect: 127.0.0.1:8080 and /var/lib/sayso-collect/collect.db" \
    python3 - "$destdir$collect_default" <<'EOF'
import sys
settings = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    key, sep, value = line.partition("=")
    if not sep:
        sys.exit("not KEY=value: %r" % line)
    settings[key] = value
want = {"SAYSO_COLLECT_LISTEN": "127.0.0.1:8080",
        "SAYSO_COLLECT_DB": "/var/lib/sayso-collect/collect.db",
        "SAYSO_COLLECT_OPTIONS": ""}
if settings != want:
    sys.exit("settings are %r, not %r" % (settings, want))
EOF
  root=$work/root
  mkdir -p "$root/etc"
  check "systemd-sysusers --root creates the sayso-collect user" \
    systemd-sysusers --root="$root" "$destdir$collect_sysusers"
  entry=$(grep '^sayso-collect:' "$root/etc/passwd" 2>/dev/null)
  IFS=: read -r _ _ uid gid _ home shell <<< "$entry"
  if [ "$home" = /var/lib/sayso-collect ] && [ "$shell" = /usr/sbin/nologin ] && [ "${uid:-0}" -gt 0 ] && [ "$uid" -lt 1000 ]; then
    ok "sayso-collect is a system user, home /var/lib/sayso-collect, no login shell"
  else
    not_ok "sayso-collect is a system user, home /var/lib/sayso-collect, no login shell" "passwd: ${entry:-none}"
  fi
  check "systemd-tmpfiles --root --create makes /var/lib/sayso-collect" \
    systemd-tmpfiles --root="$root" --create "$destdir$collect_tmpfiles"
  got=$(stat -c '%a %u %g' "$root/var/lib/sayso-collect" 2>&1)
  if [ "$got" = "700 $uid $gid" ]; then ok "/var/lib/sayso-collect is 0700 and the sayso-collect user's"
  else not_ok "/var/lib/sayso-collect is 0700 and the sayso-collect user's" "got: $got (sayso-collect is $uid:$gid)"; fi
elif [ $session = yes ]; then
  not_ok "the collection service's unit is installed" "missing: $destdir$collect_unit"
fi

echo "1..$n"
[ $failed -eq 0 ]
