"""What every subcommand needs: the station opened on the right database with the right settings."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from station.app import Station
from station.config import default_config_path, default_db_path, load_config


def apply_home(args: argparse.Namespace) -> None:
    """`--home DIR` means STATION_HOME=DIR for this process (data and settings in one folder)."""
    home = getattr(args, "home", None)
    if home:
        os.environ["STATION_HOME"] = str(Path(home).resolve())


def db_path(args: argparse.Namespace) -> Path:
    """--db, else $STATION_DB, else the platform data dir (or --home)."""
    apply_home(args)
    explicit = getattr(args, "db", None)
    return Path(explicit) if explicit else default_db_path()


def open_station(args: argparse.Namespace) -> Station:
    """The station for this command, with its settings file and database."""
    path = db_path(args)
    return Station.open(path, load_config(default_config_path()))
