"""`station doctor` (every part of the station checked) and `station install-udev` (device access rules)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from station.cli.common import Subcommands, printable, station_paths
from station.desks.doctor import DoctorDesk
from station.resources import asset

RULES_NAME = "70-parcel-station.rules"
GROUPS = ("dialout", "plugdev", "lp", "video", "input")  # what the rules hand devices to


def register(sub: Subcommands) -> None:
    """Add `doctor` and `install-udev`."""
    d = sub.add_parser("doctor", help="check every part of this station and say how to fix what fails")
    d.add_argument("--json", action="store_true", help='print {"checks": [{"name", "ok", "detail", "fix"}]}')
    d.set_defaults(func=cmd_doctor)
    u = sub.add_parser(
        "install-udev",
        help="install the udev rules that give this station's user its USB scanners and printers",
    )
    u.add_argument("--user", help="also add this user to the groups the rules use (dialout, plugdev, lp ...)")
    u.add_argument("--rules-dir", type=Path, default=Path("/etc/udev/rules.d"), help=argparse.SUPPRESS)
    u.set_defaults(func=cmd_install_udev)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Exit 0 when every check passes, 1 otherwise."""
    from hardware.doctor import probes

    report = DoctorDesk(station_paths(args), probes).examine()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for check in report.checks:
            print(printable(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}"))
            if not check.ok and check.fix:
                print(printable(f"      fix: {check.fix}"))
        failed = sum(not c.ok for c in report.checks)
        print("all checks pass" if not failed else f"{failed} of {len(report.checks)} checks fail")
    return 0 if report.ok else 1


def cmd_install_udev(args: argparse.Namespace) -> int:
    """Copy the rules, reload udev, and (with --user) add the user to the rules' groups."""
    target = args.rules_dir / RULES_NAME
    try:
        args.rules_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(asset("udev", RULES_NAME).read_bytes())
        os.replace(tmp, target)
    except PermissionError:
        print(
            f"error: {args.rules_dir} is not writable: run it as root (sudo station install-udev)",
            file=sys.stderr,
        )
        return 1
    print(f"installed {target}")
    if shutil.which("udevadm"):
        for step in (["udevadm", "control", "--reload-rules"], ["udevadm", "trigger"]):
            done = subprocess.run(step, capture_output=True, text=True, timeout=60, check=False)
            if done.returncode != 0:
                print(printable(f"warning: {' '.join(step)}: {done.stderr.strip()}"), file=sys.stderr)
        print("udev reloaded: re-plug the scanner and printer")
    else:
        print("no udevadm here: the rules apply at the next boot")
    if args.user:
        for group in GROUPS:
            if subprocess.run(["getent", "group", group], capture_output=True, check=False).returncode != 0:
                continue
            subprocess.run(["usermod", "-aG", group, args.user], check=False, timeout=60)
        print(f"{args.user} added to {', '.join(GROUPS)}: they must log out and in again")
    return 0
