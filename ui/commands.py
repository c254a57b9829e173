"""`station gui`: the Qt window (Qt is imported only when this command runs)."""

from __future__ import annotations

import argparse


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


def cmd_gui(args: argparse.Namespace) -> int:
    """Run the window."""
    from station.cli.common import open_station

    station = open_station(args)  # with its hub, found at the command line and handed down
    from ui.app import run

    return run(args, station)
