"""An installed (non-editable) wheel works on its own: rate tables, printer profiles and templates ship
inside it and are found with importlib.resources, not relative to a source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_installed_wheel_quotes_and_renders_from_its_own_assets(tmp_path: Path) -> None:
    # Built from a copy of the sources, so that no build/ folder of an earlier run can slip files in.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
        ),
    )
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "--disable-pip-version-check",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("parcel_station-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The dependencies come from the test environment's site-packages, added as a plain path: its .pth
    # files (the editable install of this checkout among them) are not run, so only the wheel's code counts.
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            "--disable-pip-version-check",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr
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
