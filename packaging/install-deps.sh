#!/bin/sh
# Installs, from Debian 12's own archive, everything Sayso needs to build, run
# and test. Run as root on a fresh machine; safe to run again.
set -eu

packages="
  gcc clang libclang-rt-14-dev pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev libsqlite3-dev libsodium-dev
  libsoup-3.0-dev glib-networking libgnutls28-dev libreadstat-dev
  libgtk-4-dev libcairo2-dev libespeak-ng-dev espeak-ng-data
  libgtk-4-media-gstreamer gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  xvfb xauth dbus-x11 fonts-dejavu-core fonts-noto-core python3-pyatspi at-spi2-core
  desktop-file-utils appstream sqlite3 python3 python3-nacl valgrind poppler-utils
  build-essential dpkg-dev debhelper lintian cage xwayland man-db groff-base systemd udev grim
  chromium chromium-driver python3-selenium
  pspp r-cran-haven
"

if [ "$(id -u)" != 0 ]; then
  echo "install-deps.sh: run as root (sudo packaging/install-deps.sh)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "install-deps.sh: Debian packages for Sayso are installed"
