#!/usr/bin/env python3
"""flatpak-manifest.py SOURCE_ROOT

Checks packaging/flatpak/org.sayso.Kiosk.json without building it (a Flatpak
build needs the network for the GNOME runtime and the libsodium tarball): it
parses, names the same application as the desktop file, runs sayso-kiosk,
builds Sayso from this source tree without its tests, pins libsodium by
sha256, and grants no network and no home folder. Output is TAP.
"""
import json
import os
import re
import sys

source_root = sys.argv[1]
path = os.path.join(source_root, "packaging", "flatpak", "org.sayso.Kiosk.json")
results = []


def check(description, ok, detail=""):
    results.append((description, bool(ok), detail))


try:
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
except (OSError, ValueError) as e:
    print("Bail out! %s: %s" % (path, e))
    sys.exit(1)

app_id = manifest.get("app-id") or manifest.get("id")
check("app-id is org.sayso.Kiosk, like the desktop file",
      app_id == "org.sayso.Kiosk" and
      os.path.exists(os.path.join(source_root, "packaging", app_id + ".desktop")),
      "app-id: %r" % app_id)
check("GNOME 43 runtime and SDK (GTK 4.8)",
      manifest.get("runtime") == "org.gnome.Platform" and
      manifest.get("sdk") == "org.gnome.Sdk" and
      manifest.get("runtime-version") == "43",
      "%s %s / %s" % (manifest.get("runtime"), manifest.get("runtime-version"), manifest.get("sdk")))
check("command is sayso-kiosk", manifest.get("command") == "sayso-kiosk", manifest.get("command"))

args = manifest.get("finish-args", [])
for wanted in ("--socket=wayland", "--socket=fallback-x11", "--socket=pulseaudio"):
    check("finish-args has %s" % wanted, wanted in args, args)
forbidden = [a for a in args
             if a == "--share=network" or a.startswith("--filesystem=")
             or a in ("--socket=x11", "--talk-name=org.freedesktop.Flatpak", "--device=all")]
check("finish-args grant no network, no file system, no escape", not forbidden, forbidden)

modules = {m.get("name"): m for m in manifest.get("modules", []) if isinstance(m, dict)}
sodium = modules.get("libsodium", {})
sources = sodium.get("sources", [{}])
check("libsodium 1.0.18 from download.libsodium.org, pinned by sha256",
      sources[0].get("url") == "https://download.libsodium.org/libsodium/releases/libsodium-1.0.18.tar.gz" and
      re.fullmatch(r"[0-9a-f]{64}", sources[0].get("sha256", "")),
      sources)

sayso = modules.get("sayso", {})
dirs = [s for s in sayso.get("sources", []) if s.get("type") == "dir"]
root = os.path.normpath(os.path.join(os.path.dirname(path), dirs[0]["path"])) if dirs else None
check("sayso is the last module, built with meson from this source tree",
      list(modules)[-1:] == ["sayso"] and sayso.get("buildsystem") == "meson" and
      root == os.path.normpath(source_root),
      "dir source resolves to %s" % root)
check("sayso is built without its tests", "-Dtests=false" in sayso.get("config-opts", []),
      sayso.get("config-opts"))
check("build folders are not copied into the Flatpak build",
      dirs and {"build", ".git"} <= set(dirs[0].get("skip", [])), dirs[0].get("skip") if dirs else None)

for number, (description, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", number, description))
    if not ok:
        print("#   %s" % (detail,))
print("1..%d" % len(results))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
