"""The systemd units: each service's command started the way its unit starts it (ExecStart, Environment,
the station's fixed data folder), then stopped as systemd stops it (SIGTERM), losing nothing.

The unit files are read, not copied into the test: what is run is what `station install-services` would
install, with ExecStart pointing at this checkout's `station`.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from hardware.sms.webhook import twilio_signature
from tests.pseudo_devices.sms_rest_server import SmsRestServer
from ui.cli.site import PLACEHOLDER, SERVICES, unit_name, unit_text

ROOT = Path(__file__).resolve().parents[2]
STATION = str(Path(sys.executable).with_name("station"))


def unit_settings(text: str) -> dict[str, list[str]]:
    """The [Service] keys of a unit, each with every value it is given (Environment repeats)."""
    section, found = "", dict[str, list[str]]()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def started_like_the_unit(
    service: str, home: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """ExecStart with the unit's Environment (STATION_HOME moved to `home`), $VARS split as systemd does."""
    keys = unit_settings(unit_text(service, STATION))
    env = {"PATH": os.environ["PATH"], "QT_QPA_PLATFORM": "offscreen"}
    for assignment in keys.get("Environment", []):
        name, _, value = assignment.partition("=")
        env[name] = value
    assert env["STATION_HOME"] == "/var/lib/parcel-station"  # the fixed data folder of every unit
    env["STATION_HOME"] = str(home)
    env.update(extra_env or {})
    words: list[str] = []
    for word in shlex.split(keys["ExecStart"][0]):
        words.extend(env.get(word[1:], "").split() if word.startswith("$") else [word])
    return subprocess.Popen(
        words, env=env, cwd=home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def stop_like_systemd(process: subprocess.Popen[str], timeout: float = 30) -> tuple[int, str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def station(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def test_every_unit_restarts_on_failure_stops_by_sigterm_and_keeps_one_data_folder() -> None:
    for service in SERVICES:
        keys = unit_settings(unit_text(service, STATION))
        assert keys["Restart"] == ["on-failure"], service
        assert keys["KillSignal"] == ["SIGTERM"], service
        assert "STATION_HOME=/var/lib/parcel-station" in keys["Environment"], service
        assert keys["StateDirectory"] == ["parcel-station"], service
        assert keys["ExecStart"][0].startswith(STATION + " "), service
        assert PLACEHOLDER not in unit_text(service, STATION)


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="needs systemd-analyze (./dev test installs systemd)"
)
def test_systemd_itself_accepts_the_installed_units(tmp_path: Path) -> None:
    done = station(tmp_path, "install-services", "--units-dir", str(tmp_path / "units"))
    assert done.returncode == 0, done.stderr
    units = sorted((tmp_path / "units").glob("*.service"))
    assert [u.name for u in units] == sorted(unit_name(s) for s in SERVICES)
    checked = subprocess.run(
        ["systemd-analyze", "verify", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    complaints = [
        line
        for line in (checked.stdout + checked.stderr).splitlines()
        if "parcel-station" in line and "User" not in line  # the service user exists once installed
    ]
    assert checked.returncode == 0 or not complaints, checked.stderr
    assert not complaints, complaints


@pytest.fixture
def gateway() -> Iterator[SmsRestServer]:
    server = SmsRestServer()
    yield server
    server.close()


PHONES = [f"+1201555{n:04d}" for n in range(120, 132)]


def test_the_sms_worker_stopped_mid_send_loses_no_message_and_sends_none_twice(
    tmp_path: Path, gateway: SmsRestServer
) -> None:
    home = tmp_path / "var-lib-parcel-station"
    home.mkdir()
    (home / "station.toml").write_text(
        tomli_w.dumps({"station": {"sms_gateway": gateway.url.replace("timeout=1", "timeout=5")}})
    )
    for n, phone in enumerate(PHONES):
        assert station(home, "sms", "subscribe", f"RR{n:08d}", "--phone", phone).returncode in (0, 1)
    queued = json.loads(station(home, "sms", "outbox", "--json").stdout)
    assert len(queued) == len(PHONES)
    gateway.mode, gateway.delay = "slow", 0.4  # each send takes 0.4 s: the stop comes in the middle of one
    worker = started_like_the_unit("sms", home)
    deadline = time.monotonic() + 30
    while gateway.requests < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    code, _, err = stop_like_systemd(worker)
    assert code == 0, err
    assert "Traceback" not in err
    after = {m["phone"]: m for m in json.loads(station(home, "sms", "outbox", "--json").stdout)}
    sent_phones = [m["to"] for m in gateway.messages]
    assert len(sent_phones) == len(set(sent_phones))  # nobody texted twice
    assert {p for p, m in after.items() if m["state"] == "sent"} == set(sent_phones)  # what went is marked
    assert all(m["state"] in ("sent", "queued") for m in after.values()), after  # nothing left half-sent
    assert 0 < len(sent_phones) < len(PHONES)  # it really was stopped mid-run
    rest = started_like_the_unit("sms", home)  # the next start sends the rest, and only the rest
    deadline = time.monotonic() + 60
    while len(gateway.messages) < len(PHONES) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stop_like_systemd(rest)[0] == 0
    assert sorted(m["to"] for m in gateway.messages) == sorted(PHONES)


def test_the_webhook_records_a_stop_in_flight_then_exits_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "var-lib-parcel-station"
    home.mkdir()
    token = "tok-webhook"
    (home / "station.toml").write_text(
        tomli_w.dumps(
            {"station": {"sms_gateway": f"rest+https://AC9:{token}@api.example.com?from=%2B15550001111"}}
        )
    )
    assert station(home, "sms", "subscribe", "RR00000001", "--phone", PHONES[0]).returncode == 0
    probe = __import__("socket").socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    public = f"http://127.0.0.1:{port}/sms/inbound"
    server = started_like_the_unit("webhook", home, {"WEBHOOK_ARGS": f"--port {port} --public-url {public}"})
    try:
        assert server.stdout is not None
        assert "listening on" in server.stdout.readline()
    except BaseException:
        server.kill()
        raise
    params = {"From": PHONES[0], "Body": "STOP", "MessageSid": "SM1", "AccountSid": "AC9"}
    request = urllib.request.Request(public, data=urllib.parse.urlencode(params).encode(), method="POST")
    request.add_header("X-Twilio-Signature", twilio_signature(token, public, params))
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
    code, _, err = stop_like_systemd(server)
    assert code == 0, err
    assert "Traceback" not in err
    states = {m["template"]: m["state"] for m in json.loads(station(home, "sms", "outbox", "--json").stdout)}
    assert states.get("optin_request") in ("cancelled", "suppressed", "stopped"), states
