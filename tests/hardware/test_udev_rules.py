"""The shipped udev rules: installed by `station install-udev`, and every rule written in udev's grammar
with keys udev knows (a misspelt key is silently ignored by udev, and the clerk gets "Permission denied")."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from station.resources import asset

ROOT = Path(__file__).resolve().parents[2]
RULES = asset("udev", "70-parcel-station.rules")
PAIR = re.compile(r'\s*([A-Z_]+(?:\{[A-Za-z_]+\})?)\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(?:,|$)')
MATCH_KEYS = {"SUBSYSTEM", "KERNEL", "ATTRS", "ENV"}
ASSIGN_KEYS = {"MODE", "GROUP", "TAG", "ENV", "SYMLINK"}


def _rules() -> list[list[tuple[str, str, str]]]:
    rules = []
    for number, line in enumerate(RULES.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pairs, at = [], 0
        while at < len(line):
            found = PAIR.match(line, at)
            assert found, f'line {number}: not udev\'s KEY=="value" grammar at {line[at:]!r}'
            pairs.append((found.group(1), found.group(2), found.group(3)))
            at = found.end()
        rules.append(pairs)
    return rules


def test_every_rule_matches_on_known_keys_and_grants_access_both_ways() -> None:
    rules = _rules()
    assert len(rules) >= 8
    for pairs in rules:
        matches = [(k, v) for k, op, v in pairs if op in ("==", "!=")]
        assigns = [(k, op, v) for k, op, v in pairs if op not in ("==", "!=")]
        assert matches and assigns, pairs
        assert all(k.split("{")[0] in MATCH_KEYS for k, _ in matches), pairs
        assert all(k.split("{")[0] in ASSIGN_KEYS for k, _, _ in assigns), pairs
        keys = {k for k, _, _ in assigns}
        if "MODE" in keys:  # a node opened to a group is opened to the seat's user too
            assert ("TAG", "+=", "uaccess") in assigns and "GROUP" in keys, pairs
            assert next(v for k, _, v in assigns if k == "MODE") == "0660", pairs
    subsystems = {v for pairs in rules for k, op, v in pairs if k == "SUBSYSTEM"}
    assert {"tty", "input", "hidraw", "usbmisc", "usb", "video4linux"} <= subsystems


def test_install_udev_puts_the_rules_in_place(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ui", "install-udev", "--rules-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / RULES.name).read_bytes() == RULES.read_bytes()
