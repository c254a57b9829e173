"""An installed (non-editable) wheel works on its own: rate tables, printer profiles and templates ship
inside it and are found with importlib.resources, not relative to a source tree."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.packaging.wheels import current_wheel, install, venv_with_test_dependencies

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_installed_wheel_quotes_and_renders_from_its_own_assets(tmp_path: Path) -> None:
    venv = venv_with_test_dependencies(tmp_path / "venv")
    install(venv, current_wheel(tmp_path))
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STATION_HOME", "STATION_DB")}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(venv / "bin" / "station"), "--home", str(work / "home"), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    where = subprocess.run(
        [str(python), "-c", "import station.resources as r; print(r.asset('rates'))"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)) and not where.startswith(str(ROOT))
    quote = run(
        "postage", "quote", "--weight", "1.2kg", "--from", "10001", "--to", "94105", "--service", "priority"
    )
    assert quote.returncode == 0, quote.stderr
    assert "TOTAL" in quote.stdout and "$" in quote.stdout
    label = run(
        "label",
        "render",
        "--tracking",
        "RR473124829GB",
        "--from",
        "Ann|1 Main St",
        "--to",
        "Bob|2 Elm St",
        "--format",
        "png",
        "--out",
        str(work / "label.png"),
    )
    assert label.returncode == 0, label.stderr
    assert (work / "label.png").read_bytes().startswith(b"\x89PNG")
    sack = run(
        "sack", "new", "--destination", "941"
    )  # printer profiles ship too: the tag is laid out from one
    assert sack.returncode == 0 and sack.stdout.startswith("OK "), sack.stderr
