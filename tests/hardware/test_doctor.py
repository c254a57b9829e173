"""`station doctor` run as the command a supervisor types, each check made to fail for a real reason.

The devices are real: a scanner and a scale on pseudo-terminals, a label printer listening on 127.0.0.1
that answers ~HS and ~HI, a Twilio-style REST gateway and an SMSC speaking SMPP. Access and permission
faults are made the way they happen: the command is run as an unprivileged user (root opens anything).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.pseudo_devices.pty_device import PtyDevice
from tests.pseudo_devices.scale_simulator import ScaleSimulator
from tests.pseudo_devices.smpp_server import SmppServer
from tests.pseudo_devices.sms_rest_server import SmsRestServer
from tests.pseudo_devices.virtual_printer import VirtualPrinter

ROOT = Path(__file__).resolve().parents[2]


def doctor(home: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--home", str(home), "doctor", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, _checks(done.stdout)


def _checks(answer: str) -> dict[str, dict[str, Any]]:
    checks = json.loads(answer)["checks"]
    assert all(set(c) == {"name", "ok", "detail", "fix", "warning"} for c in checks)
    return {c["name"]: c for c in checks}


NOBODY = 65534


def doctor_as_nobody(home: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    """The doctor's desk and device probes in a child process that has dropped to `nobody` (root opens
    every node and folder, so access faults only show for another user).

    Forked rather than started, and the desk rather than the whole command line: this machine's Python
    lives in root's home, which `nobody` cannot enter, so what the checks use is imported before the fork
    and the child only changes its user.
    """
    import grp  # noqa: F401  (each imported before the fork: the child cannot read the standard library)
    import pwd  # noqa: F401

    import serial
    import serial.serialposix  # noqa: F401

    from station.desks.doctor import DoctorDesk
    from station.paths import StationPaths
    from ui.probes import every_probe as probes

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: become nobody, answer on the pipe, never return into pytest
        code = 3
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            report = DoctorDesk(StationPaths.resolve(home), probes).examine()
            os.write(write, json.dumps(report.as_json()).encode())
            code = 0 if report.ok else 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), _checks(answer)


def settings(home: Path, **devices: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    sms = devices.pop("sms_gateway", None)
    data: dict[str, Any] = {"devices": devices}
    if sms is not None:
        data["station"] = {"sms_gateway": sms}
    (home / "station.toml").write_text(tomli_w.dumps(data))
    (home / "station.toml").chmod(0o600)  # it may hold the gateway's token: its owner's only


def set_up(home: Path) -> None:
    """A station that has journalled and enrolled its meter, as after its first day."""
    for args in (["demo"], ["meter", "init"]):
        done = subprocess.run(
            [sys.executable, "-m", "ui", "--home", str(home), *args],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            check=False,
        )
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def station_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("doctor") / "home"
    set_up(home)
    return home


def fresh_copy(station_home: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(station_home, home)
    return home


def test_a_healthy_station_with_real_devices_passes_every_check(station_home: Path, tmp_path: Path) -> None:
    home = fresh_copy(station_home, tmp_path)
    scanner = PtyDevice(tmp_path / "scanner")
    scale = ScaleSimulator(tmp_path / "scale", "sics", grams="1.250")
    printer = VirtualPrinter()
    gateway = SmsRestServer()
    try:
        settings(
            home,
            scanner=f"serial://{scanner.path}?baud=9600",
            scale=f"scale+serial://{scale.path}?protocol=sics",
            printer=printer.url,
            sms_gateway=gateway.url,
        )
        code, checks = doctor(home)
        assert code == 0, {k: v for k, v in checks.items() if not v["ok"]}
        assert "ZD421-203dpi, 203 dpi, ready" in checks["label printer"]["detail"]
        assert "1250 g" in checks["scale"]["detail"]
        assert "active" in checks["SMS gateway"]["detail"]
        assert "chain holds" in checks["journal"]["detail"]
        assert not gateway.messages  # the credentials check sent nobody a text
    finally:
        scanner.unplug()
        scale.close()
        printer.close()
        gateway.close()


def test_an_unplugged_scanner_and_a_stopped_printer_fail_and_say_what_to_do(
    station_home: Path, tmp_path: Path
) -> None:
    home = fresh_copy(station_home, tmp_path)
    scanner = PtyDevice(tmp_path / "scanner")
    printer = VirtualPrinter()
    settings(home, scanner=f"serial://{scanner.path}", printer=printer.url)
    scanner.unplug()  # the pty is gone: the cable was pulled
    printer.close()  # the listener stops: the printer is off
    code, checks = doctor(home)
    assert code == 1
    assert not checks["scanner"]["ok"] and "does not exist" in checks["scanner"]["detail"]
    assert "plug the scanner in" in checks["scanner"]["fix"]
    assert not checks["label printer"]["ok"] and "offline" in checks["label printer"]["detail"]
    assert "switch the printer on" in checks["label printer"]["fix"]
    passed = {name for name, c in checks.items() if c["ok"]}
    assert {"journal", "meter key", "scale", "hub"} <= passed  # only the broken parts fail


def test_a_printer_of_another_resolution_than_its_profile_is_named(
    station_home: Path, tmp_path: Path
) -> None:
    home = fresh_copy(station_home, tmp_path)
    printer = VirtualPrinter()
    printer.dots_per_mm = 12  # a 300-dpi head, configured as the 203-dpi profile
    try:
        settings(home, printer=printer.url, printer_profile="zebra-zd421-203")
        code, checks = doctor(home)
        label = checks["label printer"]
        assert code == 1 and not label["ok"]
        assert "300 dpi" in label["detail"] and "203 dpi" in label["detail"]
        assert "300-dpi profile" in label["fix"]
        printer.paper_out = True
        code, checks = doctor(home)
        assert "paper out" in checks["label printer"]["detail"]
    finally:
        printer.close()


def test_a_scale_that_does_not_answer_is_told_apart_from_a_missing_one(
    station_home: Path, tmp_path: Path
) -> None:
    home = fresh_copy(station_home, tmp_path)
    silent = PtyDevice(tmp_path / "scale")  # the port is there; nothing answers SI
    try:
        settings(home, scale=f"scale+serial://{silent.path}?protocol=sics")
        code, checks = doctor(home)
        assert code == 1 and "does not answer" in checks["scale"]["detail"]
        assert "protocol=" in checks["scale"]["fix"]
    finally:
        silent.unplug()


def test_a_deleted_meter_key_fails_the_meter_check(station_home: Path, tmp_path: Path) -> None:
    home = fresh_copy(station_home, tmp_path)
    (key,) = (home / "keys").glob("meter-*.key")
    key.unlink()
    code, checks = doctor(home)
    assert code == 1
    assert not checks["meter key"]["ok"] and "no signing key" in checks["meter key"]["detail"]
    assert "station meter init" in checks["meter key"]["fix"]


def test_an_edited_journal_fails_the_journal_check(station_home: Path, tmp_path: Path) -> None:
    import sqlite3

    home = fresh_copy(station_home, tmp_path)
    with sqlite3.connect(home / "station.sqlite3") as conn:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
        for name in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("UPDATE events SET facility='ELSEWHERE' WHERE seq=(SELECT max(seq) FROM events)")
    code, checks = doctor(home)
    assert code == 1 and not checks["journal"]["ok"]
    assert "restore the last backup" in checks["journal"]["fix"]


def test_wrong_gateway_credentials_fail_for_rest_and_smpp(station_home: Path, tmp_path: Path) -> None:
    home = fresh_copy(station_home, tmp_path)
    rest = SmsRestServer(token="right")
    smsc = SmppServer({"station": "pw"})
    try:
        settings(home, sms_gateway=rest.url)  # its URL carries the token "secret"
        code, checks = doctor(home)
        assert code == 1 and "401" in checks["SMS gateway"]["detail"]
        assert "token" in checks["SMS gateway"]["fix"]
        settings(home, sms_gateway=f"smpp://station:wrong@127.0.0.1:{smsc.port}")
        code, checks = doctor(home)
        assert code == 1 and "bind" in checks["SMS gateway"]["detail"]
        settings(home, sms_gateway=f"smpp://station:pw@127.0.0.1:{smsc.port}")
        code, checks = doctor(home)
        assert code == 0 and "accepts system id station" in checks["SMS gateway"]["detail"]
        assert smsc.submitted == []
    finally:
        rest.close()
        smsc.close()


def _can_run_as_nobody() -> bool:
    return os.geteuid() == 0


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder `nobody` can reach (pytest's own are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="doctor-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not _can_run_as_nobody(), reason="needs root to run the doctor as another user")
def test_a_device_node_this_user_may_not_open_points_to_the_udev_rules(
    station_home: Path, open_folder: Path
) -> None:
    home = fresh_copy(station_home, open_folder)
    scanner = PtyDevice(open_folder / "scanner")  # /dev/pts/N: root's, mode 620, group tty
    try:
        settings(home, scanner=f"serial://{scanner.path}")
        subprocess.run(["chown", "-R", "nobody", str(home)], check=True)
        code, checks = doctor_as_nobody(home)
        assert code == 1
        assert "Permission denied" in checks["scanner"]["detail"]
        assert "station install-udev" in checks["scanner"]["fix"]
        assert checks["data folder"]["ok"]
    finally:
        scanner.unplug()


@pytest.mark.skipif(not _can_run_as_nobody(), reason="needs root to run the doctor as another user")
def test_a_data_folder_this_user_may_not_write_is_named_with_its_fix(
    station_home: Path, open_folder: Path
) -> None:
    home = fresh_copy(station_home, open_folder)
    home.chmod(0o755)  # root's folder: read-only for the clerk's account
    code, checks = doctor_as_nobody(home)
    assert code == 1
    folder = checks["data folder"]
    assert not folder["ok"] and "not writable by nobody" in folder["detail"]
    assert folder["fix"].startswith("give this user the folder: chown -R nobody")


def test_doctor_without_json_prints_one_line_a_check_and_a_fix_under_each_failure(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--home", str(tmp_path / "new"), "doctor"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert "FAIL  journal: no journal at" in done.stdout
    failing = [i for i, line in enumerate(lines) if line.startswith("FAIL")]
    assert failing and all(lines[i + 1].startswith("      fix: ") for i in failing)
    assert lines[-1].endswith("checks fail")


def test_the_camera_check_reads_a_frame_and_names_a_missing_clip(station_home: Path, tmp_path: Path) -> None:
    from hardware.camera.synthetic import demo_clip

    home = fresh_copy(station_home, tmp_path)
    clip = demo_clip(tmp_path / "clips")  # a real video file, as a camera in a test plays one
    settings(home, camera=f"video://{clip}")
    code, checks = doctor(home)
    assert code == 0 and checks["camera"]["detail"].endswith("gives 960x540 frames")
    clip.unlink()
    code, checks = doctor(home)
    assert code == 1 and checks["camera"]["detail"] == f"no video file {clip}"


def test_a_device_the_window_holds_is_judged_by_its_driver_and_never_opened_again(tmp_path: Path) -> None:
    from hardware.doctor import probes
    from hardware.protocols import DeviceState, DeviceStatus
    from station.config import DeviceUrls, StationConfig
    from station.paths import StationPaths

    gone = f"scale+serial://{tmp_path}/no-such-port?protocol=sics"  # opening it would fail: it is not opened
    config = StationConfig(devices=DeviceUrls(scale=gone))
    paths = StationPaths.beside(tmp_path / "station.sqlite3")

    def verdict(status: DeviceStatus | None) -> tuple[bool, str]:
        check = dict(probes(config, paths, {"scale": status}))["scale"]()
        return check.ok, check.detail

    source = gone
    assert verdict(DeviceStatus(source, DeviceState.CONNECTED)) == (
        True,
        f"open and read by this window ({gone})",
    )
    assert verdict(DeviceStatus(source, DeviceState.DISCONNECTED, "cable pulled")) == (
        False,
        "the window's driver reports disconnected (cable pulled)",
    )
    assert verdict(None) == (False, "the window's driver has not reported yet")
    opened = dict(probes(config, paths))["scale"]()  # from the shell the port is opened: missing
    assert not opened.ok and "does not exist" in opened.detail
