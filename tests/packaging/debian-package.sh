#!/bin/bash
# debian-package.sh SOURCE_ROOT
#
# Builds the Debian packages from packaging/debian with
# `dpkg-buildpackage -us -uc -b` in a scratch copy of the source tree (build
# folders and .git left out), then checks them: sayso (the kiosk) and
# sayso-collect (the collection service, for a server):
#   - lintian finds no error or warning in either;
#   - dpkg-deb: each package's name, version and dependencies;
#   - each holds only its own files: sayso-collect exactly the program, its
#     manual page, its unit (in a folder systemd looks in), user, state folder
#     and defaults file, and so no kiosk session, udev rule, sysctl or logind
#     change; sayso nothing of the collection service;
#   - sayso-collect: systemd-analyze verify and security (exposure below 3.0)
#     on its unit, its user and /var/lib/sayso-collect 0700 made in a scratch
#     root, its postinst enables and starts it, /etc/default/sayso-collect is a
#     conffile;
#   - dpkg -x into a scratch root: the programs, the kiosk unit (enabled on
#     install but not started), the sysusers.d and tmpfiles.d files (and
#     kiosk.ini with the export folder), the USB stick udev rule (FAT and
#     exFAT only), SysRq off (sysctl.d), no spare consoles and the power keys
#     ignored (logind.conf.d), MemorySwapMax=0 in the unit, desktop file,
#     metainfo, icon, manual pages, copyright;
#   - the maintainer scripts create the sayso user before /var/lib/sayso,
#     enable the unit without starting it, leave it running on upgrade and
#     stop it on remove; the user and folder are made in the scratch root with
#     systemd-sysusers/systemd-tmpfiles --root, as the postinst does with
#     DPKG_ROOT.
# Nothing is installed on this machine.
#
# The kiosk (ui/) is being written: if, and only if, the build fails inside
# ui/, the package is built again with -Dkiosk=false, which is said loudly,
# and sayso-kiosk is not required. The real package needs the kiosk.
#
# Exit 0 pass, 1 fail, 77 skip (only when dpkg-buildpackage is not installed).
# Needs: dpkg-dev, build-essential, debhelper, lintian, systemd, and the
# Build-Depends of packaging/debian/control (fakeroot is not needed:
# Rules-Requires-Root: no).
set -u

src=${1:-${MESON_SOURCE_ROOT:-}}
[ -n "$src" ] && [ -f "$src/packaging/debian/control" ] || {
  echo "debian-package: give the source folder (with packaging/debian) as the first argument" >&2
  exit 1
}

if ! command -v dpkg-buildpackage >/dev/null 2>&1; then
  echo "SKIP: dpkg-buildpackage is not installed (Debian package dpkg-dev): the Debian package cannot be built here"
  exit 77
fi
missing=
for tool in dh:debhelper lintian:lintian dpkg-deb:dpkg systemd-sysusers:systemd systemd-tmpfiles:systemd systemd-analyze:systemd; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool%%:*} (${tool#*:})"
done
if [ -n "$missing" ]; then
  echo "FAIL: missing tools:$missing; packaging/install-deps.sh installs them" >&2
  exit 1
fi

# meson test's environment is for the tests, not for a package build.
unset MALLOC_PERTURB_ DESTDIR CFLAGS CPPFLAGS LDFLAGS MAKEFLAGS DEB_BUILD_OPTIONS

work=$(mktemp -d "${TMPDIR:-/tmp}/sayso-deb.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
tree=$work/sayso

failures=0
pass () { echo "ok: $*"; }
fail () { echo "FAIL: $*"; failures=$((failures + 1)); }

# --- a clean copy of the source tree -------------------------------------------
# Build folders are recognised by meson-private/ (or obj-*/ from dh), wherever
# they are named; symbolic links are copied as what they point at.
excludes=(--exclude=./.git --exclude=./debian)
for dir in "$src"/*/; do
  name=$(basename "$dir")
  if [ -d "$dir/meson-private" ] || [ -d "$dir/meson-info" ] || [[ $name == obj-* ]]; then
    excludes+=("--exclude=./$name")
  fi
done
mkdir -p "$tree"
(cd "$src" && tar -chf - "${excludes[@]}" .) | tar -xf - -C "$tree" || { echo "FAIL: copying $src"; exit 1; }
cp -r "$tree/packaging/debian" "$tree/debian"
echo "# copied $src to $tree (left out: ${excludes[*]})"

# --- build ----------------------------------------------------------------------------
if ! unmet=$(cd "$tree" && dpkg-checkbuilddeps 2>&1); then
  echo "FAIL: the package's build dependencies are not installed: $unmet"
  echo "FAIL: packaging/install-deps.sh installs them"
  exit 1
fi

jobs=$(nproc 2>/dev/null || echo 2)
build () {
  (cd "$tree" && dpkg-buildpackage -us -uc -b -J"$jobs") > "$work/build.log" 2>&1
}
kiosk=yes
started=$(date +%s)
if ! build; then
  if grep -Eq '(^|[ /])ui/meson\.build:[0-9]+:[0-9]+: ERROR|^FAILED: ui/' "$work/build.log"; then
    echo "#"
    echo "# NOTE: the kiosk (ui/) does not build yet:"
    grep -E -m 5 '(^|[ /])ui/meson\.build:[0-9]+:[0-9]+: ERROR|^FAILED: ui/|error:' "$work/build.log" | sed 's/^/#   /'
    echo "# Building the package again WITHOUT sayso-kiosk (-Dkiosk=false), for this test only."
    echo "# The real package needs the kiosk."
    echo "#"
    kiosk=no
    sed -i 's/-Dtests=false/-Dtests=false -Dkiosk=false/' "$tree/debian/rules"
    sed -i '\#^usr/bin/sayso-kiosk$#d' "$tree/debian/sayso.install"
    (cd "$tree" && dpkg-buildpackage -us -uc -T clean) >/dev/null 2>&1
    build || { tail -n 60 "$work/build.log"; echo "FAIL: dpkg-buildpackage, even with -Dkiosk=false"; exit 1; }
  else
    tail -n 60 "$work/build.log"
    echo "FAIL: dpkg-buildpackage -us -uc -b (log above)"
    exit 1
  fi
fi
echo "# dpkg-buildpackage took $(( $(date +%s) - started )) s"

deb=$(ls "$work"/sayso_*.deb 2>/dev/null | head -n 1)
changes=$(ls "$work"/sayso_*.changes 2>/dev/null | head -n 1)
collect_deb=$(ls "$work"/sayso-collect_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { ls -l "$work"; echo "FAIL: no sayso_*.deb was built"; exit 1; }
pass "built $(basename "$deb")"
[ -n "$collect_deb" ] || { ls -l "$work"; echo "FAIL: no sayso-collect_*.deb was built"; exit 1; }
pass "built $(basename "$collect_deb")"

# --- lintian ---------------------------------------------------------------------------
# Tags Sayso accepts on purpose are overridden, with the reason, in
# packaging/debian/sayso.lintian-overrides.
lintian_args=(--fail-on error,warning --tag-display-limit 0)
# Without the kiosk the desktop file names a program the package lacks.
[ $kiosk = no ] && lintian_args+=(--suppress-tags desktop-command-not-in-package)
if lintian "${lintian_args[@]}" "$changes" > "$work/lintian.log" 2>&1; then
  pass "lintian: no errors or warnings"
else
  fail "lintian found errors or warnings:"
fi
sed 's/^/#   lintian: /' "$work/lintian.log"

# --- control fields --------------------------------------------------------------------
field () { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = sayso ] && pass "Package: sayso" || fail "Package is $(field Package)"
version=$(sed -n '1s/^sayso (\([^)]*\)).*/\1/p' "$tree/debian/changelog")
[ "$(field Version)" = "$version" ] && pass "Version: $version" || fail "Version is $(field Version), changelog says $version"
depends=$(field Depends)
# libespeak-ng1 and libsoup-3.0-0 are opened by sayso-kiosk when first
# used, not linked: named in the control file, as shlibs cannot see them.
for dep in cage xwayland espeak-ng-data libespeak-ng1 libsoup-3.0-0 fonts-dejavu-core fonts-noto-core libpam-systemd systemd udev libsodium23 libgtk-4-1; do
  if [ $kiosk = no ] && [ "$dep" = libgtk-4-1 ]; then continue; fi
  case ", $depends," in
    *", $dep"[\ ,]*) pass "Depends: $dep" ;;
    *) fail "Depends lacks $dep: $depends" ;;
  esac
done

# --- contents --------------------------------------------------------------------------
root=$work/root
dpkg -x "$deb" "$root" || fail "dpkg -x $deb"
dpkg-deb -c "$deb" | sed 's/^/#   /'
# Nothing of the collection service in the kiosk's package.
collect_in_kiosk=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -E 'sayso-collect')
if [ -z "$collect_in_kiosk" ]; then pass "the kiosk package holds nothing of sayso-collect"
else fail "the kiosk package holds the collection service's files: $(echo $collect_in_kiosk)"; fi
expect () {  # PATH MODE
  if [ ! -f "$root$1" ]; then fail "$1 is not in the package"
  elif [ "$(stat -c %a "$root$1")" != "$2" ]; then fail "$1 has mode $(stat -c %a "$root$1"), not $2"
  else pass "$1 ($2)"; fi
}
expect /usr/bin/sayso 755
if [ $kiosk = yes ]; then expect /usr/bin/sayso-kiosk 755
else echo "# NOTE: /usr/bin/sayso-kiosk not checked: built with -Dkiosk=false (see above)"; fi
expect /lib/systemd/system/sayso-kiosk.service 644
expect /usr/lib/sysusers.d/sayso.conf 644
expect /usr/lib/tmpfiles.d/sayso.conf 644
expect /lib/udev/rules.d/99-sayso-usb.rules 644
expect /usr/lib/sysctl.d/99-sayso-kiosk.conf 644
expect /usr/lib/systemd/logind.conf.d/sayso-kiosk.conf 644
expect /usr/share/applications/org.sayso.Kiosk.desktop 644
expect /usr/share/metainfo/org.sayso.Kiosk.metainfo.xml 644
expect /usr/share/icons/hicolor/scalable/apps/org.sayso.Kiosk.svg 644
expect /usr/share/man/man1/sayso.1.gz 644
expect /usr/share/man/man1/sayso-kiosk.1.gz 644
expect /usr/share/doc/sayso/copyright 644
[ ! -e "$root/var/lib/sayso" ] && pass "/var/lib/sayso is made on install (tmpfiles), not shipped" \
  || fail "the package ships /var/lib/sayso; it must come from tmpfiles.d with the sayso user's ownership"

unit=$root/lib/systemd/system/sayso-kiosk.service
if grep -q '^ExecStart=.*/usr/bin/cage .*-- /usr/bin/sayso-kiosk --store /var/lib/sayso/store.db' "$unit" 2>/dev/null; then
  pass "the unit runs /usr/bin/sayso-kiosk under cage on /var/lib/sayso/store.db"
else
  fail "the unit's ExecStart: $(grep '^ExecStart=' "$unit" 2>/dev/null)"
fi
# The doors around cage, as packaged.
if grep -qx 'MemorySwapMax=0' "$unit" 2>/dev/null; then pass "the unit: MemorySwapMax=0"
else fail "the unit has no MemorySwapMax=0"; fi
if grep -Eqx 'kernel\.sysrq *= *0' "$root/usr/lib/sysctl.d/99-sayso-kiosk.conf" 2>/dev/null; then
  pass "sysctl.d: kernel.sysrq = 0"
else
  fail "sysctl.d/99-sayso-kiosk.conf does not set kernel.sysrq = 0"
fi
logind_missing=
for setting in NAutoVTs=0 ReserveVT=0 HandlePowerKey=ignore HandlePowerKeyLongPress=ignore \
    HandleRebootKey=ignore HandleRebootKeyLongPress=ignore HandleSuspendKey=ignore \
    HandleSuspendKeyLongPress=ignore HandleHibernateKey=ignore HandleHibernateKeyLongPress=ignore; do
  grep -qx "$setting" "$root/usr/lib/systemd/logind.conf.d/sayso-kiosk.conf" 2>/dev/null || logind_missing="$logind_missing $setting"
done
if [ -z "$logind_missing" ]; then pass "logind.conf.d: no spare consoles, power and other keys ignored"
else fail "logind.conf.d/sayso-kiosk.conf lacks:$logind_missing"; fi
if out=$(python3 "$src/tests/packaging/udev-rules.py" "$root/lib/udev/rules.d/99-sayso-usb.rules" 2>&1); then
  pass "the packaged udev rule mounts FAT and exFAT sticks only (udev-rules.py)"
else
  fail "the packaged udev rule (udev-rules.py): $out"
fi

# Documentation=man:… is checked against the package's own manual pages.
if out=$(MANPATH=$root/usr/share/man systemd-analyze verify "$unit" 2>&1); then
  pass "systemd-analyze verify on the packaged unit"
else
  fail "systemd-analyze verify on the packaged unit: $out"
fi

# --- maintainer scripts ------------------------------------------------------------
control=$work/control
dpkg-deb -e "$deb" "$control"
postinst=$control/postinst
if [ -f "$postinst" ]; then
  sed 's/^/#   postinst: /' "$postinst"
  users_line=$(grep -n 'systemd-sysusers.*sayso.conf' "$postinst" | head -n 1 | cut -d: -f1)
  dirs_line=$(grep -n 'systemd-tmpfiles.*--create.*sayso.conf' "$postinst" | head -n 1 | cut -d: -f1)
  if [ -n "$users_line" ] && [ -n "$dirs_line" ] && [ "$users_line" -lt "$dirs_line" ]; then
    pass "postinst creates the sayso user (sysusers), then /var/lib/sayso (tmpfiles)"
  else
    fail "postinst must run systemd-sysusers sayso.conf before systemd-tmpfiles --create sayso.conf"
  fi
  grep -q 'deb-systemd-helper .*enable.*sayso-kiosk.service' "$postinst" \
    && pass "postinst enables sayso-kiosk.service" || fail "postinst does not enable sayso-kiosk.service"
  if grep -q 'deb-systemd-invoke .*start.*sayso-kiosk.service' "$postinst"; then
    fail "postinst starts sayso-kiosk.service: it must wait for the next boot"
  else
    pass "postinst does not start the kiosk (it takes tty1 at the next boot)"
  fi
  sh -n "$postinst" && pass "postinst is valid sh" || fail "postinst is not valid sh"
else
  fail "the package has no postinst"
fi
if [ -f "$control/preinst" ] && grep -q 'deb-systemd-invoke .*stop.*sayso-kiosk.service' "$control/preinst"; then
  fail "preinst stops the kiosk on upgrade: a respondent may be mid-survey"
else
  pass "an upgrade leaves a running kiosk alone"
fi
if [ -f "$control/prerm" ] && grep -A2 '"$1" = remove' "$control/prerm" | grep -q 'deb-systemd-invoke stop .*sayso-kiosk.service'; then
  pass "prerm stops the kiosk when the package is removed"
else
  fail "prerm does not stop the kiosk on remove"
fi
for script in preinst prerm postrm; do
  [ -f "$control/$script" ] && { sh -n "$control/$script" || fail "$script is not valid sh"; }
done

# What the postinst does, applied to the scratch root instead of this machine.
mkdir -p "$root/etc"
if systemd-sysusers --root="$root" "$root/usr/lib/sysusers.d/sayso.conf" >/dev/null 2>&1 &&
   entry=$(grep '^sayso:' "$root/etc/passwd"); then
  pass "sysusers in the scratch root: $entry"
  IFS=: read -r _ _ uid gid _ <<< "$entry"
  if systemd-tmpfiles --root="$root" --create "$root/usr/lib/tmpfiles.d/sayso.conf" >/dev/null 2>&1 &&
     [ "$(stat -c '%a %u %g' "$root/var/lib/sayso")" = "700 $uid $gid" ]; then
    pass "tmpfiles in the scratch root: /var/lib/sayso 0700 $uid:$gid"
    if [ "$(stat -c '%a %u' "$root/var/lib/sayso/kiosk.ini" 2>&1)" = "600 $uid" ] &&
       grep -qx 'export-folder=/run/sayso-usb' "$root/var/lib/sayso/kiosk.ini"; then
      pass "tmpfiles in the scratch root: kiosk.ini 0600 with export-folder=/run/sayso-usb"
    else
      fail "tmpfiles in the scratch root: kiosk.ini is $(stat -c '%a %u' "$root/var/lib/sayso/kiosk.ini" 2>&1): $(cat "$root/var/lib/sayso/kiosk.ini" 2>&1)"
    fi
  else
    fail "tmpfiles in the scratch root: /var/lib/sayso is $(stat -c '%a %u %g' "$root/var/lib/sayso" 2>&1)"
  fi
else
  fail "systemd-sysusers --root did not create the sayso user"
fi

# --- sayso-collect: the collection service's package ----------------------------------
cfield () { dpkg-deb -f "$collect_deb" "$1"; }
[ "$(cfield Package)" = sayso-collect ] && pass "Package: sayso-collect" || fail "Package is $(cfield Package)"
[ "$(cfield Version)" = "$version" ] && pass "sayso-collect Version: $version" || fail "sayso-collect Version is $(cfield Version)"
cdepends=$(cfield Depends)
for dep in libsoup-3.0-0 libsodium23 libsqlite3-0 glib-networking systemd; do
  case ", $cdepends," in
    *", $dep"[\ ,]*|*"| $dep"[\ ,]*) pass "sayso-collect Depends: $dep" ;;
    *) fail "sayso-collect Depends lacks $dep: $cdepends" ;;
  esac
done
for dep in cage xwayland udev libpam-systemd espeak-ng-data libgtk-4-1 libadwaita-1-0 sayso; do
  case ", $cdepends," in
    *", $dep"[\ ,:\(]*) fail "sayso-collect depends on $dep, which a server does not need: $cdepends" ;;
    *) pass "sayso-collect does not depend on $dep" ;;
  esac
done

croot=$work/collect-root
dpkg -x "$collect_deb" "$croot" || fail "dpkg -x $collect_deb"
dpkg-deb -c "$collect_deb" | sed 's/^/#   collect: /'
# Exactly these files (folders aside), and the documentation dh puts in.
collect_files="/etc/default/sayso-collect:644
/lib/systemd/system/sayso-collect.service:644
/usr/bin/sayso-collect:755
/usr/lib/sysusers.d/sayso-collect.conf:644
/usr/lib/tmpfiles.d/sayso-collect.conf:644
/usr/share/doc/sayso-collect/changelog.gz:644
/usr/share/doc/sayso-collect/copyright:644
/usr/share/man/man1/sayso-collect.1.gz:644"
while IFS=: read -r path mode; do
  if [ ! -f "$croot$path" ]; then fail "sayso-collect: $path is not in the package"
  elif [ "$(stat -c %a "$croot$path")" != "$mode" ]; then fail "sayso-collect: $path has mode $(stat -c %a "$croot$path"), not $mode"
  else pass "sayso-collect: $path ($mode)"; fi
done <<< "$collect_files"
stray=$(cd "$croot" && find . ! -type d | sed 's|^\.||' | sort | grep -vxF "$(cut -d: -f1 <<< "$collect_files")")
if [ -z "$stray" ]; then pass "sayso-collect holds only its own files (no kiosk session, udev rule, sysctl or logind change)"
else fail "sayso-collect holds files that are not its own: $(echo $stray)"; fi
# Controls: the same looks, turned the other way, do find something.
kiosk_strays=$(cd "$root" && find . ! -type d | sed 's|^\.||' | sort | grep -vxF "$(cut -d: -f1 <<< "$collect_files")")
if grep -qx /lib/systemd/system/sayso-kiosk.service <<< "$kiosk_strays" &&
   grep -qx /lib/udev/rules.d/99-sayso-usb.rules <<< "$kiosk_strays"; then
  pass "control: the kiosk package's session and udev rule are not among sayso-collect's files"
else
  fail "control: the list of sayso-collect's files would let the kiosk session or udev rule through"
fi
if dpkg-deb -c "$collect_deb" | awk '{ print $6 }' | grep -q 'sayso-collect'; then
  pass "control: the look for sayso-collect's files finds them in its own package"
else
  fail "control: the look for sayso-collect's files finds nothing even in its own package"
fi
[ ! -e "$croot/var/lib/sayso-collect" ] && pass "/var/lib/sayso-collect is made on install (tmpfiles), not shipped" \
  || fail "sayso-collect ships /var/lib/sayso-collect; it must come from tmpfiles.d with the sayso-collect user's ownership"

# The unit in a folder this systemd loads system units from.
cunit_dir=/lib/systemd/system
if systemd-analyze unit-paths 2>/dev/null | grep -qxF "$cunit_dir"; then
  pass "sayso-collect.service is in $cunit_dir, where systemd looks (systemd-analyze unit-paths)"
else
  fail "$cunit_dir is not among systemd's unit paths: $(systemd-analyze unit-paths 2>&1 | tr '\n' ' ')"
fi
cunit=$work/sayso-collect.service
# The unit names /usr/bin/sayso-collect, which is in the scratch root, not here.
sed "s#/usr/bin/sayso-collect #$croot/usr/bin/sayso-collect #g" "$croot$cunit_dir/sayso-collect.service" > "$cunit" 2>/dev/null
if grep -q "^ExecStart=$croot/usr/bin/sayso-collect serve " "$cunit"; then
  pass "sayso-collect.service runs /usr/bin/sayso-collect serve"
else
  fail "sayso-collect.service's ExecStart: $(grep '^ExecStart=' "$croot$cunit_dir/sayso-collect.service" 2>&1)"
fi
grep -qx 'EnvironmentFile=-/etc/default/sayso-collect' "$cunit" \
  && pass "sayso-collect.service reads /etc/default/sayso-collect" \
  || fail "sayso-collect.service does not read /etc/default/sayso-collect: $(grep '^EnvironmentFile=' "$cunit")"
if out=$(MANPATH=$croot/usr/share/man systemd-analyze verify "$cunit" 2>&1); then
  pass "systemd-analyze verify on the packaged sayso-collect.service"
else
  fail "systemd-analyze verify on the packaged sayso-collect.service: $out"
fi
exposure=$(systemd-analyze security --offline=yes --man=no --no-pager "$cunit" 2>&1 |
  sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -n "$exposure" ] && awk -v s="$exposure" 'BEGIN { exit !(s < 3.0) }'; then
  pass "systemd-analyze security on the packaged sayso-collect.service: exposure $exposure, below 3.0"
else
  fail "systemd-analyze security on the packaged sayso-collect.service: exposure ${exposure:-unknown}, not below 3.0"
fi

ccontrol=$work/collect-control
dpkg-deb -e "$collect_deb" "$ccontrol"
if grep -qx /etc/default/sayso-collect "$ccontrol/conffiles" 2>/dev/null; then
  pass "sayso-collect: /etc/default/sayso-collect is a conffile (an upgrade keeps the site's settings)"
else
  fail "sayso-collect: /etc/default/sayso-collect is not a conffile: $(cat "$ccontrol/conffiles" 2>&1)"
fi
cpostinst=$ccontrol/postinst
if [ -f "$cpostinst" ]; then
  sed 's/^/#   collect postinst: /' "$cpostinst"
  users_line=$(grep -n 'systemd-sysusers.*sayso-collect.conf' "$cpostinst" | head -n 1 | cut -d: -f1)
  dirs_line=$(grep -n 'systemd-tmpfiles.*--create.*sayso-collect.conf' "$cpostinst" | head -n 1 | cut -d: -f1)
  if [ -n "$users_line" ] && [ -n "$dirs_line" ] && [ "$users_line" -lt "$dirs_line" ]; then
    pass "sayso-collect postinst creates the sayso-collect user, then /var/lib/sayso-collect"
  else
    fail "sayso-collect postinst must run systemd-sysusers sayso-collect.conf before systemd-tmpfiles --create sayso-collect.conf"
  fi
  grep -q 'deb-systemd-helper .*enable.*sayso-collect.service' "$cpostinst" \
    && pass "sayso-collect postinst enables sayso-collect.service" || fail "sayso-collect postinst does not enable sayso-collect.service"
  # dh_installsystemd: start on install, restart on upgrade ($_dh_action).
  if grep -Eq "deb-systemd-invoke (start|restart|\\\$_dh_action) '?sayso-collect.service" "$cpostinst" &&
     grep -q '_dh_action=start' "$cpostinst"; then
    pass "sayso-collect postinst starts sayso-collect.service (restarts it on upgrade)"
  else
    fail "sayso-collect postinst does not start sayso-collect.service"
  fi
  sh -n "$cpostinst" && pass "sayso-collect postinst is valid sh" || fail "sayso-collect postinst is not valid sh"
else
  fail "sayso-collect has no postinst"
fi
for script in preinst prerm postrm; do
  [ -f "$ccontrol/$script" ] && { sh -n "$ccontrol/$script" || fail "sayso-collect $script is not valid sh"; }
done
if grep -qs 'sayso-collect' "$control/postinst" "$control/prerm" "$control/postrm" "$control/preinst"; then
  fail "the kiosk package's maintainer scripts touch sayso-collect"
else
  pass "the kiosk package's maintainer scripts leave sayso-collect alone"
fi

mkdir -p "$croot/etc"
if systemd-sysusers --root="$croot" "$croot/usr/lib/sysusers.d/sayso-collect.conf" >/dev/null 2>&1 &&
   entry=$(grep '^sayso-collect:' "$croot/etc/passwd"); then
  pass "sysusers in the scratch root: $entry"
  IFS=: read -r _ _ uid gid _ <<< "$entry"
  if systemd-tmpfiles --root="$croot" --create "$croot/usr/lib/tmpfiles.d/sayso-collect.conf" >/dev/null 2>&1 &&
     [ "$(stat -c '%a %u %g' "$croot/var/lib/sayso-collect")" = "700 $uid $gid" ]; then
    pass "tmpfiles in the scratch root: /var/lib/sayso-collect 0700 $uid:$gid"
  else
    fail "tmpfiles in the scratch root: /var/lib/sayso-collect is $(stat -c '%a %u %g' "$croot/var/lib/sayso-collect" 2>&1)"
  fi
else
  fail "systemd-sysusers --root did not create the sayso-collect user"
fi

if [ $kiosk = no ]; then
  echo "# NOTE: this package was built with -Dkiosk=false because ui/ does not build yet."
fi
if [ $failures -gt 0 ]; then
  echo "debian-package: $failures check(s) failed"
  exit 1
fi
echo "debian-package: all checks passed"
