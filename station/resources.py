"""The files that ship with the station (rate tables, SMS templates, printer profiles, sounds).

They live in the top-level `assets/` folder, which the wheel installs as `station/assets` (through the
`station/assets` link in the source tree), and are found with `importlib.resources`, so an installed
station reads the same files as a checkout. The station is installed as files, never run from a zip.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def asset(*parts: str) -> Path:
    """The path of a shipped asset, e.g. `asset("rates")` or `asset("sms", "templates.toml")`."""
    return Path(str(files("station").joinpath("assets", *parts)))
