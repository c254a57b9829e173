"""Wheels built and installed as a user installs them, for the packaging tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIP = (sys.executable, "-m", "pip")


def current_wheel(tmp: Path) -> Path:
    """This checkout's wheel, built from a copy of the sources so that no build/ folder of an earlier run
    can slip files in."""
    source = tmp / "source"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
        ),
    )
    wheels = tmp / "wheels"
    done = subprocess.run(
        [*PIP, "wheel", "--no-deps", "-q", "--disable-pip-version-check", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("parcel_station-*.whl")
    return wheel


def venv_with_test_dependencies(folder: Path) -> Path:
    """A new venv whose dependencies are this test run's site-packages, added as a plain path: its .pth
    files (the editable install of this checkout among them) are not run, so only a wheel's code counts."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    site = Path(
        subprocess.check_output(
            [
                str(folder / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            text=True,
        ).strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder


def install(venv: Path, wheel: Path) -> None:
    """`pip install --no-deps WHEEL` into `venv` (over an older version, as an upgrade does)."""
    done = subprocess.run(
        [
            *PIP,
            "--python",
            str(venv / "bin" / "python"),
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
    assert done.returncode == 0, done.stderr


def installed_version(venv: Path, env: dict[str, str], cwd: Path) -> str:
    """The parcel-station version installed in `venv`."""
    return subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('parcel-station'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=cwd,
    ).stdout.strip()
