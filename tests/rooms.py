#!/usr/bin/python3
"""The rooms hold, measured on the programs: the kiosk program carries no
analysts' code and none of the collection service's.

For each room kept out, reads the symbols its libraries define (nm), then
the symbols of sayso-kiosk, and fails on any in both. The same check on a
program that does link the room (`sayso` for analysis, `sayso-collect` for
the service) must find them: the negative control that shows this test can
fail.

Usage: rooms.py KIOSK_BIN --room NAME CONTROL_BIN LIB... [--room ...]
"""
import re
import subprocess
import sys

# Names of units that belong to a room; none of them belongs in the kiosk.
NAMES = {
    "analysis": re.compile(r"^sayso_(report|chart|import|analysis_db|figures|headlines?|quotes)_"),
    "collect": re.compile(r"^sayso_collect_"),
}


def defined(path):
    out = subprocess.run(["nm", "--defined-only", "-g", path], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRtdbr":
            names.add(parts[2])
    return names


def all_symbols(path):
    out = subprocess.run(["nm", path], check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.split()}


def parse(argv):
    kiosk, rooms, room = argv[0], [], None
    args = iter(argv[1:])
    for arg in args:
        if arg == "--room":
            room = {"name": next(args), "control": next(args), "libs": []}
            rooms.append(room)
        else:
            room["libs"].append(arg)
    return kiosk, rooms


def main():
    kiosk, rooms = parse(sys.argv[1:])
    in_kiosk = all_symbols(kiosk)
    tests = []
    for room in rooms:
        name, names = room["name"], NAMES[room["name"]]
        symbols = set()
        for lib in room["libs"]:
            symbols |= defined(lib)
        tests.append(("the %s libraries define symbols to look for" % name, len(symbols) > 10,
                      "%d symbols" % len(symbols)))
        leaked = sorted((symbols & in_kiosk) | {s for s in in_kiosk if names.match(s)})
        tests.append(("sayso-kiosk holds no %s symbol" % name, not leaked, ", ".join(leaked[:10])))
        found = sorted(symbols & all_symbols(room["control"]))
        tests.append(("control: the same check finds them in %s, which links %s" % (room["control"].split("/")[-1], name),
                      len(found) > 10 and any(names.match(s) for s in found), "%d found" % len(found)))

    print("1..%d" % len(tests))
    failed = 0
    for i, (name, ok, detail) in enumerate(tests, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            failed += 1
            print("# " + detail)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
