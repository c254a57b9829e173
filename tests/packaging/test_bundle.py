"""The bundled build for machines without Python: built by the same command `./dev bundle` runs, then
started with an empty environment (no venv, no PYTHONPATH) on Xvfb, its window screenshotted and read
back, and its `station doctor --json` run. Its size is printed for the record."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ui.x11 import GREY, count_colour, needs_x11, xvfb

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "assets" / "bundle" / "station.spec"


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    if not pyinstaller.exists():
        pytest.skip("needs PyInstaller (./dev test installs it)")
    work = tmp_path_factory.mktemp("bundle")
    built = subprocess.run(
        [
            str(pyinstaller),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(SPEC),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    program = work / "dist" / "station" / "station"
    assert program.exists()
    print(f"\nbundle: {_folder_size(program.parent) / 1e6:.0f} MB in {program.parent}")
    return program


def _run(bundle: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """The bundled `station` with a bare environment."""
    return subprocess.run(
        [str(bundle), *args], env=_bare_env(), capture_output=True, text=True, timeout=timeout, check=False
    )


def _bare_env(**extra: str) -> dict[str, str]:
    """What a machine without Python's environment has: no venv on the PATH, no Python variables."""
    return {"PATH": "/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8", **extra}


@pytest.mark.slow
def test_the_bundled_build_runs_the_doctor_with_no_python_around(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    version = _run(bundle, "--home", str(home), "ids", "check", "RR123456785US", timeout=60)
    assert version.returncode == 0 and "RR123456785US" in version.stdout, version.stderr
    demo = _run(bundle, "--home", str(home), "demo", timeout=300)
    assert demo.returncode == 0, demo.stderr
    doctor = _run(bundle, "--home", str(home), "doctor", "--json", timeout=120)
    assert "Traceback" not in doctor.stderr, doctor.stderr
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["journal"]["ok"] and "chain holds" in checks["journal"]["detail"]
    assert checks["label printer"]["ok"] and checks["SMS gateway"]["ok"]
    # The fonts for every script travel with the build: its doctor finds them, from its own folder.
    assert checks["fonts"]["ok"], checks["fonts"]
    assert (
        bundle.parent / "_internal" / "fonts" / "truetype" / "droid" / "DroidSansFallbackFull.ttf"
    ).exists()
    label = tmp_path / "label.png"
    # The label drawn by the bundle's own renderer and fonts, read back by its OpenCV and zxing-cpp.
    to = "王小明|Bo Lee|2 Elm St|San Francisco CA 94105"
    rendered = _run(
        bundle,
        "--home",
        str(home),
        "label",
        "render",
        "--format",
        "png",
        "--tracking",
        "EE123456785US",
        "--to",
        to,
        "--out",
        str(label),
        timeout=60,
    )
    assert rendered.returncode == 0, rendered.stderr
    decoded = _run(bundle, "decode", "--json", str(label), timeout=60)
    assert decoded.returncode == 0, decoded.stderr
    assert "EE123456785US" in {row["text"] for row in json.loads(decoded.stdout)}


@pytest.mark.slow
@needs_x11
def test_the_bundled_window_starts_on_xvfb_and_draws_the_station(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "station.toml").write_text('[devices]\ncamera = "off:"\nscale = "demo:?cycle=0"\n')
    with xvfb() as display:
        env = _bare_env(DISPLAY=display)
        window = subprocess.Popen(
            [str(bundle), "--home", str(home), "gui"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        shot = tmp_path / "bundle.png"
        deadline = time.monotonic() + 60
        try:
            # Until the window drew its screens (the grey banner waiting for a scan), not an empty frame:
            # screenshots of the whole screen, read back.
            while True:
                assert window.poll() is None, window.stderr.read().decode() if window.stderr else ""
                subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True, timeout=30)
                if count_colour(shot, GREY, (110, 12, 840, 82)) > 20_000:
                    break
                assert time.monotonic() < deadline, "the bundled window drew no station within 60 s"
                time.sleep(0.2)
        finally:
            window.terminate()
            window.wait(15)
