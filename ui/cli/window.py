"""`station gui`: the Qt window (Qt is imported only when this command runs)."""

from __future__ import annotations

import argparse
import sys

from station.errors import ExitCode

DESKTOP_ID = "parcel-station"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `gui`."""
    p = sub.add_parser("gui", help="open the station window")
    p.add_argument(
        "--demo",
        action="store_true",
        help="demo mode: a demo camera plays parcels on a belt when no camera is set (./dev run uses it)",
    )
    p.add_argument("--hub", metavar="DSN", help="the network hub (default $STATION_HUB or [station] hub)")
    p.set_defaults(func=cmd_gui)
    d = sub.add_parser(
        "install-desktop",
        help="put Parcel Station in this user's application menu (a .desktop entry and icon)",
    )
    d.set_defaults(func=cmd_install_desktop)


def cmd_gui(args: argparse.Namespace) -> int:
    """Run the window (or bring forward the one already open on this home, and exit 0)."""
    from PySide6.QtWidgets import QApplication

    from ui.cli.common import open_station, station_paths
    from ui.single_instance import bring_forward_when_listening, claim

    QApplication.instance() or QApplication(["station"])
    data = station_paths(args).data
    lock = claim(data)  # before the journal is opened: one writer per home
    if lock is None:
        if bring_forward_when_listening(data):
            print("the station is already open for this user: its window was brought forward")
            return ExitCode.DONE
        print("the station is already open for this user, and its window does not answer", file=sys.stderr)
        return ExitCode.REFUSED
    with lock:
        station = open_station(args)  # with its hub, found at the command line and handed down
        from ui.app import run

        return run(args, station)


def cmd_install_desktop(args: argparse.Namespace) -> int:
    """Write the menu entry (its Exec runs this very program, on this home when --home was given)."""
    import os
    import shlex
    import shutil
    import subprocess
    from pathlib import Path

    from station.paths import replace_file
    from station.resources import asset
    from ui.cli.site import PLACEHOLDER, this_program

    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    entry = data_home / "applications" / f"{DESKTOP_ID}.desktop"
    icon = data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"
    program = shlex.quote(this_program())
    if args.home:  # a station kept elsewhere than the user's default folders starts on its own home
        program += " --home " + shlex.quote(str(Path(args.home).expanduser().resolve()))
    text = asset("desktop", f"{DESKTOP_ID}.desktop").read_text(encoding="utf-8")
    for target, content in (
        (entry, text.replace(PLACEHOLDER, program).encode()),
        (icon, asset("desktop", f"{DESKTOP_ID}.svg").read_bytes()),
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, content)
        print(f"installed {target}")
    if shutil.which("update-desktop-database"):
        subprocess.run(["update-desktop-database", str(entry.parent)], check=False, timeout=60)
    print("Parcel Station is in the application menu (Office); a second start brings its window forward")
    return ExitCode.DONE
