"""Setting a station up at its site: `station doctor` (every part checked), `station install-udev` (device
access rules) and `station install-services` (systemd units for what runs without a window)."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from station.desks.doctor import DoctorDesk
from station.errors import ExitCode
from station.paths import replace_file
from station.resources import asset
from ui.cli.common import Subcommands, printable, station_paths

RULES_NAME = "70-parcel-station.rules"
SYSTEM_RULES = Path("/etc/udev/rules.d")
GROUPS = ("dialout", "plugdev", "lp", "video", "input")  # what the rules hand devices to
SERVICES = ("sms", "sync", "webhook", "notify", "web")
SERVICE_USER = "parcel"
PLACEHOLDER = "/usr/local/bin/station"  # the units' ExecStart until installed


def unit_name(service: str) -> str:
    """The unit file of a service."""
    return f"parcel-station-{service}.service"


def this_program() -> str:
    """The `station` being run: the bundled build's executable, else the console script on the PATH."""
    if getattr(sys, "frozen", False):
        return str(Path(sys.executable).resolve())
    if Path(sys.argv[0]).name == "station":
        return str(Path(sys.argv[0]).resolve())
    beside = Path(sys.executable).with_name("station")  # `python -m ui` in a venv: its console script
    if beside.exists():
        return str(beside)
    return shutil.which("station") or str(Path(sys.argv[0]).resolve())


def unit_text(service: str, program: str) -> str:
    """The shipped unit with its ExecStart pointing at `program`."""
    return asset("systemd", unit_name(service)).read_text(encoding="utf-8").replace(PLACEHOLDER, program)


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
    u.add_argument("--rules-dir", type=Path, default=SYSTEM_RULES, help=argparse.SUPPRESS)
    u.set_defaults(func=cmd_install_udev)
    s = sub.add_parser(
        "install-services",
        help="install the systemd units (SMS worker, hub sync, webhook, hub notifier, tracking site)",
    )
    s.add_argument("--enable", nargs="*", choices=SERVICES, default=[], help="enable and start these now")
    s.add_argument("--units-dir", type=Path, default=Path("/etc/systemd/system"), help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_install_services)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Exit 0 when every check passes, 1 otherwise."""
    from ui.probes import every_probe as probes

    report = DoctorDesk(station_paths(args), probes).examine()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for check in report.checks:
            verdict = "WARN" if check.warning else "ok  " if check.ok else "FAIL"
            print(printable(f"{verdict}  {check.name}: {check.detail}"))
            if (check.warning or not check.ok) and check.fix:
                print(printable(f"      fix: {check.fix}"))
        failed = sum(not c.ok for c in report.checks)
        warned = sum(c.warning for c in report.checks)
        if failed:
            print(f"{failed} of {len(report.checks)} checks fail")
        else:
            print("all checks pass" + (f", {warned} with a warning (WARN above)" if warned else ""))
    return ExitCode.DONE if report.ok else ExitCode.REFUSED


def cmd_install_udev(args: argparse.Namespace) -> int:
    """Copy the rules, reload udev, and (with --user) add the user to the rules' groups."""
    target = args.rules_dir / RULES_NAME
    try:
        args.rules_dir.mkdir(parents=True, exist_ok=True)
        replace_file(target, asset("udev", RULES_NAME).read_bytes())
    except PermissionError:
        print(
            f"error: {args.rules_dir} is not writable: run it as root (sudo station install-udev)",
            file=sys.stderr,
        )
        return ExitCode.REFUSED
    print(f"installed {target}")
    if args.rules_dir != SYSTEM_RULES:
        print("rules written outside /etc/udev/rules.d: udev was not reloaded")
    elif shutil.which("udevadm"):
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
    return ExitCode.DONE


def cmd_install_services(args: argparse.Namespace) -> int:
    """Write the units, make the service user, reload systemd, enable what was asked."""
    program = this_program()
    try:
        args.units_dir.mkdir(parents=True, exist_ok=True)
        for service in SERVICES:
            target = args.units_dir / unit_name(service)
            replace_file(target, unit_text(service, program).encode())
            print(f"installed {target} (runs {program})")
    except PermissionError:
        print(f"error: {args.units_dir} is not writable: run it as root", file=sys.stderr)
        return ExitCode.REFUSED
    if subprocess.run(["getent", "passwd", SERVICE_USER], capture_output=True, check=False).returncode != 0:
        made = subprocess.run(
            [
                "useradd",
                "--system",
                "--home-dir",
                "/var/lib/parcel-station",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        print(
            f"service user {SERVICE_USER} "
            + ("made" if made.returncode == 0 else f"not made: {made.stderr.strip()}")
        )
    if shutil.which("systemctl") is None or not Path("/run/systemd/system").exists():
        print("systemd is not running here: the units are in place for the next boot")
        return ExitCode.DONE
    subprocess.run(["systemctl", "daemon-reload"], check=False, timeout=60)
    for service in args.enable:
        done = subprocess.run(
            ["systemctl", "enable", "--now", unit_name(service)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        print(
            printable(
                f"{unit_name(service)}: "
                + ("enabled and started" if done.returncode == 0 else done.stderr.strip())
            )
        )
    return ExitCode.DONE
