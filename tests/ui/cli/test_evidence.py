"""Evidence a postmaster can check alone (issue 29, finding 11): a day of a station's records exported
as one signed bundle, verified by `station evidence verify` on a home that holds nothing else, and
any edit found: one figure of a till report, one event, one checkpoint, even with the manifest's
digests recomputed (only the station's key can sign them)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli_runner import Ran, run_station


def station(home: Path, *args: str, stdin: str = "") -> Ran:
    return run_station(*args, home=home, stdin=stdin)


def _a_day_at_the_counter(home: Path) -> str:
    """Two pieces accepted into a basket, paid in cash, the till closed: the day's records."""
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "meter", "credit", "100.00").returncode == 0
    opened = station(home, "basket", "open", "--json")
    basket = str(json.loads(opened.stdout)["basket"])
    for item in ("EE123456785US", "RR473124829GB"):
        added = station(
            home, "accept", "--tracking", item, "--weight", "500g", "--from-zip", "10001",
            "--to-zip", "94105", "--to", "Bo Lee|2 Elm St|San Francisco CA 94105",
            "--out", str(home / f"{item}.zpl"), "--basket", basket,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    total = json.loads(station(home, "basket", "show", basket, "--json").stdout)["total_cents"]
    assert station(home, "basket", "pay", basket, "--cash", f"{total / 100:.2f}").returncode == 0
    closed = station(home, "till", "close", "--counted-cash", f"{total / 100:.2f}")
    assert closed.returncode == 0, closed.stdout + closed.stderr
    return datetime.now().astimezone().date().isoformat()


def _verify_elsewhere(tmp: Path, bundle: Path) -> subprocess.CompletedProcess[str]:
    """`station evidence verify` as another machine runs it: a new, empty home, a process of its own."""
    elsewhere = tmp / "postmaster"
    elsewhere.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--home", str(elsewhere), "evidence", "verify", str(bundle)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def _edited(bundle: Path, out: Path, name: str, edit: Callable[[str], str], *, fix_manifest: bool) -> Path:
    """A copy of the bundle with one file edited (and, with `fix_manifest`, its digest recomputed as an
    editor without the station's key would)."""
    with zipfile.ZipFile(bundle) as z:
        files = {n: z.read(n) for n in z.namelist()}
    changed = edit(files[name].decode())
    assert changed != files[name].decode()
    files[name] = changed.encode()
    if fix_manifest:
        manifest = json.loads(files["manifest.json"])
        manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
        files["manifest.json"] = json.dumps(manifest, sort_keys=True, indent=1).encode()
    with zipfile.ZipFile(out, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return out


def test_a_days_evidence_verifies_alone_and_names_its_keys(tmp_path: Path) -> None:
    home = tmp_path / "office"
    home.mkdir()
    day = _a_day_at_the_counter(home)
    bundle = tmp_path / "evidence.zip"
    made = station(home, "evidence", "export", str(bundle), "--from", day, "--to", day)
    assert made.returncode == 0, made.stderr
    assert "2 till reports" not in made.stdout and "1 till reports" in made.stdout
    checked = _verify_elsewhere(tmp_path, bundle)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    fingerprint = made.stdout.split("checkpoint key ")[1].strip()
    assert f"key checkpoint (signs the manifest and the checkpoints): {fingerprint}" in checked.stdout
    assert "key meter PS000001 (signs the indicia): SHA256:" in checked.stdout
    assert "closed days' figures checked" in checked.stdout and checked.stdout.rstrip().endswith(
        "VERIFIED: compare the key fingerprints with the station's"
    )
    assert not list((tmp_path / "postmaster").glob("*.sqlite3"))  # nothing of a station was needed


def _first_till_figure(text: str) -> str:
    row = json.loads(text.splitlines()[0])
    report = json.loads(row["report"])
    service = next(iter(report["pieces_by_service"]))
    report["pieces_by_service"][service]["postage_cents"] += 100  # one figure: a dollar more
    row["report"] = json.dumps(report)
    return "\n".join([json.dumps(row, sort_keys=True), *text.splitlines()[1:]]) + "\n"


def _one_event(text: str) -> str:
    return text.replace('\\"weight_g\\":500', '\\"weight_g\\":5000', 1)


def _one_checkpoint(text: str) -> str:
    row = json.loads(text.splitlines()[0])
    row["hash"] = "f" * 64
    return "\n".join([json.dumps(row, sort_keys=True), *text.splitlines()[1:]]) + "\n"


@pytest.mark.parametrize(
    ("name", "edit", "found"),
    [
        ("till.jsonl", _first_till_figure, "till.jsonl is not the file the manifest signed"),
        ("journal.jsonl", _one_event, "journal.jsonl is not the file the manifest signed"),
        ("checkpoints.jsonl", _one_checkpoint, "checkpoints.jsonl is not the file the manifest signed"),
    ],
)
def test_any_edit_is_found_even_with_the_manifest_recomputed(
    tmp_path: Path, name: str, edit: Callable[[str], str], found: str
) -> None:
    home = tmp_path / "office"
    home.mkdir()
    day = _a_day_at_the_counter(home)
    bundle = tmp_path / "evidence.zip"
    assert station(home, "evidence", "export", str(bundle), "--from", day, "--to", day).returncode == 0
    plain = _verify_elsewhere(tmp_path, _edited(bundle, tmp_path / "a.zip", name, edit, fix_manifest=False))
    assert plain.returncode == 1 and found in plain.stdout and "NOT VERIFIED" in plain.stdout
    covered = _verify_elsewhere(tmp_path, _edited(bundle, tmp_path / "b.zip", name, edit, fix_manifest=True))
    assert covered.returncode == 1, covered.stdout
    assert "the manifest is not signed by the checkpoint key it names" in covered.stdout
    inner = {
        "till.jsonl": "the journal has 2 acceptances",
        "journal.jsonl": "does not hash to its hash",
        "checkpoints.jsonl": "is not signed by the station's key",
    }[name]
    assert inner in covered.stdout  # and the contents themselves say what is wrong with them


def test_a_file_that_is_not_a_bundle_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    done = _verify_elsewhere(tmp_path, junk)
    assert done.returncode == 1 and done.stderr.startswith("error: not an evidence bundle")
    assert "Traceback" not in done.stderr
