#!/usr/bin/env python3
"""udev-rules.py RULES_FILE

Checks packaging/systemd/99-sayso-usb.rules without udevd and without a USB
stick, neither of which a build machine or container has. Debian 12's udevadm
(systemd 252) has no `udevadm verify` (added in 253), and `udevadm test`
needs a real device and reads only the system's rules folders, so this is the
honest substitute:

1. syntax: every line is comma-separated KEY[{attr}] OP "value" pairs with
   keys and operators udev knows, every GOTO has its LABEL, every RUN
   program is an absolute path that exists here, the systemd-mount options
   are in `systemd-mount --help`;
2. behaviour: a small interpreter of the part of udev's rule language this
   file uses (==, != with * ? | patterns, =, +=, TEST, GOTO/LABEL, $devnode,
   $env{}) runs it against made-up devices: a FAT and an exFAT USB stick are
   mounted at /run/sayso-usb with the right options (flush only for vfat),
   and only those: an ext2/3/4, NTFS, btrfs, XFS, ISO 9660, squashfs or
   unnamed file system on a stick, a SATA disk, a partition table and a not
   yet enrolled kiosk are left alone, and removing the mounted stick
   unmounts it.

It is not udev: a rule udev would read differently from this interpreter can
still pass. Prints the problems; exit 1 if there are any.
"""
import fnmatch
import os
import re
import shlex
import subprocess
import sys

KEYS = {"ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "KERNELS", "DEVPATH", "DRIVER",
        "DRIVERS", "ATTR", "ATTRS", "ENV", "TAG", "TEST", "PROGRAM", "RESULT", "NAME",
        "SYMLINK", "OWNER", "GROUP", "MODE", "RUN", "LABEL", "GOTO", "IMPORT", "OPTIONS",
        "SYSCTL", "CONST", "SECLABEL", "TAGS"}
PAIR = re.compile(r'\s*([A-Z]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)')

problems = []


def parse(path):
    rules = []
    text = open(path).read().replace("\\\n", "")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pos, pairs = 0, []
        while pos < len(line):
            m = PAIR.match(line, pos)
            if not m:
                problems.append("line %d: cannot read %r" % (number, line[pos:]))
                break
            key, attr, op, value, _ = m.groups()
            if key not in KEYS:
                problems.append("line %d: unknown key %s" % (number, key))
            if key in ("ENV", "ATTR", "ATTRS") and attr is None:
                problems.append("line %d: %s needs {…}" % (number, key))
            pairs.append((key, attr, op, value))
            pos = m.end()
        rules.append((number, pairs))
    return rules


def substitute(value, env):
    value = value.replace("$devnode", env.get("DEVNAME", ""))
    return re.sub(r"\$env\{([^}]*)\}", lambda m: env.get(m.group(1), ""), value)


def matches(pattern, value):
    return any(fnmatch.fnmatchcase(value, p) for p in pattern.split("|"))


def run_rules(rules, env, exists):
    """env: the device's properties (changed in place); exists: paths TEST finds.
    Returns the RUN programs, substituted."""
    labels = {}
    for i, (_, pairs) in enumerate(rules):
        for key, _, _, value in pairs:
            if key == "LABEL":
                labels[value] = i
    runs, i = [], 0
    while i < len(rules):
        _, pairs = rules[i]
        ok = True
        for key, attr, op, value in pairs:
            if op not in ("==", "!="):
                continue
            if key == "ENV":
                actual = env.get(attr, "")
            elif key in ("ACTION", "SUBSYSTEM"):
                actual = env.get(key, "")
            elif key == "TEST":
                hit = value in exists
                ok = ok and (hit if op == "==" else not hit)
                continue
            else:
                problems.append("the interpreter does not know how to match %s" % key)
                return runs
            hit = matches(value, actual)
            ok = ok and (hit if op == "==" else not hit)
        i += 1
        if not ok:
            continue
        for key, attr, op, value in pairs:
            if key == "ENV" and op == "=":
                env[attr] = substitute(value, env)
            elif key == "RUN" and op in ("+=", "="):
                runs = ([] if op == "=" else runs) + [substitute(value, env)]
            elif key == "GOTO":
                if value not in labels:
                    problems.append("GOTO %s has no LABEL" % value)
                    return runs
                i = labels[value] + 1
    return runs


def main():
    path = sys.argv[1]
    rules = parse(path)
    labels = [v for _, pairs in rules for k, _, _, v in pairs if k == "LABEL"]
    for _, pairs in rules:
        for key, attr, op, value in pairs:
            if key == "GOTO" and value not in labels:
                problems.append("GOTO %s has no LABEL" % value)
            if key == "RUN":
                prog = shlex.split(value)[0]
                if not (os.path.isabs(prog) and os.access(prog, os.X_OK)):
                    problems.append("RUN program %s is not an absolute path to a program here" % prog)

    try:
        mount_help = subprocess.run(["systemd-mount", "--help"], capture_output=True, text=True).stdout
    except OSError as e:
        mount_help = ""
        problems.append("systemd-mount --help: %s" % e)

    def check_mount(runs, what, fstype):
        if len(runs) != 1:
            problems.append("%s: expected one RUN, got %r" % (what, runs))
            return None
        argv = shlex.split(runs[0])
        if argv[0] != "/usr/bin/systemd-mount":
            problems.append("%s: RUN is not systemd-mount: %s" % (what, runs[0]))
            return None
        for arg in argv[1:]:
            if arg.startswith("--"):
                name = arg.split("=", 1)[0]
                if not re.search(r"(^|\s|,)%s\b" % re.escape(name), mount_help):
                    problems.append("%s: systemd-mount --help has no %s" % (what, name))
        for needed in ("--no-block", "--collect"):
            if needed not in argv:
                problems.append("%s: systemd-mount without %s" % (what, needed))
        if "--type=" + fstype not in argv:
            problems.append("%s: not mounted as %s: %s" % (what, fstype, runs[0]))
        if argv[-2:] != ["/dev/sdb1", "/run/sayso-usb"]:
            problems.append("%s: does not mount /dev/sdb1 at /run/sayso-usb: %s" % (what, runs[0]))
        opts = [a.split("=", 1)[1] for a in argv if a.startswith("--options=")]
        return set(opts[0].split(",")) if opts else set()

    enrolled = {"/var/lib/sayso/store.db"}
    stick = {"ACTION": "add", "SUBSYSTEM": "block", "DEVNAME": "/dev/sdb1", "DEVTYPE": "partition",
             "ID_BUS": "usb", "ID_FS_USAGE": "filesystem"}
    for fstype, want, unwanted in (
            ("vfat", {"uid=sayso", "gid=sayso", "umask=077", "flush", "sync", "noexec", "nosuid", "nodev"}, set()),
            ("exfat", {"uid=sayso", "gid=sayso", "umask=077", "sync", "noexec", "nosuid", "nodev"}, {"flush"})):
        env = dict(stick, ID_FS_TYPE=fstype)
        opts = check_mount(run_rules(rules, env, enrolled), "a %s USB stick" % fstype, fstype)
        if opts is not None:
            if want - opts:
                problems.append("a %s USB stick: options lack %s" % (fstype, ",".join(sorted(want - opts))))
            if unwanted & opts:
                problems.append("a %s USB stick: options %s are not valid for it"
                                % (fstype, ",".join(sorted(unwanted & opts))))
        if env.get("UDISKS_IGNORE") != "1":
            problems.append("a %s USB stick: UDISKS_IGNORE is not set" % fstype)

        # Pulled out: the same device's properties, as udev keeps them.
        env["ACTION"] = "remove"
        runs = run_rules(rules, env, enrolled)
        if len(runs) != 1 or "--umount /run/sayso-usb" not in runs[0] or "/dev/sdb1" not in runs[0]:
            problems.append("removing the %s stick: expected an unmount of /run/sayso-usb guarded "
                            "by /dev/sdb1, got %r" % (fstype, runs))

    # Only vfat and exfat: any other file system brings its own owners,
    # device nodes and set-uid programs, and a larger driver to attack.
    for fstype in ("ext2", "ext3", "ext4", "ntfs", "ntfs3", "btrfs", "xfs", "iso9660", "udf",
                   "squashfs", "hfsplus", "f2fs", "msdos", "vfat-but-not", ""):
        env = dict(stick, ID_FS_TYPE=fstype)
        runs = run_rules(rules, env, enrolled)
        if runs:
            problems.append("a USB stick with file system %r: only vfat and exfat may be mounted, "
                            "but runs %r" % (fstype, runs))
    for what, env, exists in (
            ("an NTFS USB stick", dict(stick, ID_FS_TYPE="ntfs"), enrolled),
            ("a FAT disk on SATA", dict(stick, ID_BUS="ata", ID_FS_TYPE="vfat"), enrolled),
            ("a USB disk's partition table", dict(stick, ID_FS_USAGE="", ID_PART_TABLE_TYPE="dos",
                                                 DEVTYPE="disk"), enrolled),
            ("a FAT USB stick on a kiosk not enrolled yet", dict(stick, ID_FS_TYPE="vfat"), set()),
            ("a FAT USB stick's change event", dict(stick, ACTION="change", ID_FS_TYPE="vfat"), enrolled),
            ("removing a stick that was never mounted", dict(stick, ACTION="remove", ID_FS_TYPE="ntfs"),
             enrolled)):
        runs = run_rules(rules, env, exists)
        if runs:
            problems.append("%s: should be left alone, but runs %r" % (what, runs))

    print("\n".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
