#!/usr/bin/python3
"""The rooms hold: the kiosk program carries no analysts' code.

Reads the symbols each analysis library defines (nm), then the symbols of
sayso-kiosk, and fails on any in both. The same check on the `sayso` command
line, which does link analysis, must find them: the negative control that
shows this test can fail.

Usage: rooms.py KIOSK_BIN CLI_BIN ANALYSIS_LIB...
"""
import re
import subprocess
import sys

# Names of the analysts' units; none of them belongs in the kiosk.
ANALYSIS_NAMES = re.compile(r"^sayso_(report|chart|import|analysis_db|figures)_")


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


def main():
    kiosk, cli, libs = sys.argv[1], sys.argv[2], sys.argv[3:]
    analysis = set()
    for lib in libs:
        analysis |= defined(lib)
    tests = []

    tests.append(("the analysis libraries define symbols to look for", len(analysis) > 20,
                  "%d symbols" % len(analysis)))

    in_kiosk = all_symbols(kiosk)
    leaked = sorted((analysis & in_kiosk) | {s for s in in_kiosk if ANALYSIS_NAMES.match(s)})
    tests.append(("sayso-kiosk holds no report, chart, import or analysis-database symbol",
                  not leaked, ", ".join(leaked[:10])))

    in_cli = all_symbols(cli)
    found = sorted(analysis & in_cli)
    tests.append(("control: the same check finds them in sayso, which links analysis",
                  len(found) > 20 and any(ANALYSIS_NAMES.match(s) for s in found),
                  "%d found" % len(found)))

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
