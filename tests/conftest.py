"""The suite's tiers: markers put on every test by what it needs, so `./dev test --quick` can leave tiers out.

- x11: drives the real window on a private X server (Xvfb, xdotool), or draws the README's screenshots;
- postgres: runs against private PostgreSQL clusters the test starts and removes;
- packaging: builds and installs the wheel, the one-folder bundle, the previous release;
- slow: an end-to-end test of many seconds (the x11 and packaging tiers, and those marked by hand).

With pytest-xdist the stories on X servers share one worker (`xdist_group`), so two windows never compete
for the same two cores, and each worker's X servers and clusters are its own (Xvfb picks a free display
with -displayfd; every cluster listens on a socket in its own folder).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Tests write only to temporary folders: Hypothesis keeps its examples and caches in one, not in the
# checkout's .hypothesis/ (read when Hypothesis is first imported, so set before any test module is).
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="station-hypothesis-"))
TIERS = {
    "x11": "drives the real window on a private X server (Xvfb, xdotool)",
    "postgres": "runs against private PostgreSQL clusters started and removed by the test",
    "packaging": "builds and installs the wheel, the bundle or the previous release",
    "slow": "an end-to-end test of many seconds (still part of the suite)",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, what in TIERS.items():
        config.addinivalue_line("markers", f"{name}: {what}")
    # The shell's own station (a developer's STATION_HOME, STATION_DB or STATION_HUB) never reaches a test
    # or a process a test starts: a test that wants one sets it.
    for name in ("STATION_HOME", "STATION_DB", "STATION_HUB"):
        os.environ.pop(name, None)


def tiers_of(path: Path, fixtures: list[str]) -> set[str]:
    """The tiers a test belongs to, from where it lives and what it uses."""
    relative = path.resolve().relative_to(ROOT).parts
    found: set[str] = set()
    if (
        "display" in fixtures
        or path.name.startswith("test_x11_")
        or path.name == "test_readme_screenshots.py"
    ):
        found.add("x11")
    if relative[:2] == ("tests", "hub") or "cluster" in fixtures or "hub" in fixtures:
        found.add("postgres")
    if relative[:2] == ("tests", "packaging"):
        found.add("packaging")
    if found & {"x11", "packaging"}:
        found.add("slow")
    return found


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for tier in sorted(tiers_of(Path(str(item.path)), list(getattr(item, "fixturenames", [])))):
            item.add_marker(tier)
        if item.get_closest_marker("x11") is not None:
            item.add_marker(pytest.mark.xdist_group("x11"))
        # pytest-timeout only catches a hang: sized for a loaded machine, never a budget (those are in
        # benchmarks/). A bundle build alone took over 120 s on a busy one.
        if item.get_closest_marker("timeout") is None:
            if item.get_closest_marker("packaging") is not None:
                item.add_marker(pytest.mark.timeout(1800))
            elif any(item.get_closest_marker(tier) is not None for tier in ("slow", "postgres")):
                item.add_marker(pytest.mark.timeout(600))
