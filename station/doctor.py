"""`station doctor`: every part of a station checked, each with a plain verdict and the fix to apply.

A check is one question an office's IT person would ask ("does the journal hold together?", "can this
user open the scanner?"). The domain's own checks live here (journal, meter key, disk, data folder);
the devices, hub and gateway are checked by `hardware/doctor.py`, which hands its checks to the same
report. A check never raises: whatever goes wrong while checking is that check's failed verdict.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from station.config import holds_secret
from station.labels.scripts import chain, missing_packages
from station.migrations import LATEST, schema_version
from station.model.words import number_of
from station.notify import outbox
from station.paths import StationPaths
from station.postage.indicia import MeterKeyError, MeterKeys
from station.store import installs
from station.store.checkpoints import FILE_NAME as CHECKPOINTS
from station.store.checkpoints import Checkpoint, read_checkpoints
from station.store.db import Database, JournalDamaged
from station.store.journal import Journal

MIN_FREE_BYTES = 500 * 1024 * 1024  # a day of a busy counter is a few MB; below this the journal is at risk
MIN_FREE_SHARE = 0.02


@dataclass(frozen=True)
class Check:
    """One verdict: `fix` says what to do when it failed (empty when it passed)."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # passed, but the operator should know (shown as WARN; the report still passes)

    @classmethod
    def passed(cls, name: str, detail: str) -> Check:
        """A check that passed."""
        return cls(name, True, detail)

    @classmethod
    def warned(cls, name: str, detail: str, fix: str) -> Check:
        """A check that passed with something the operator should act on."""
        return cls(name, True, detail, fix, warning=True)

    @classmethod
    def failed(cls, name: str, detail: str, fix: str) -> Check:
        """A check that failed, with the fix to apply."""
        return cls(name, False, detail, fix)


Probe = Callable[[], Check]


@dataclass(frozen=True)
class Report:
    """All the verdicts, in the order they were made."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(c.ok for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        """`{"checks": [{"name", "ok", "detail", "fix"}]}`."""
        return {"checks": [asdict(c) for c in self.checks]}


def run(name: str, probe: Probe) -> Check:
    """The probe's verdict; a probe that raises fails with the reason instead of stopping the report."""
    try:
        return probe()
    except Exception as exc:  # a check must never take the report down with it
        return Check.failed(name, f"could not be checked: {type(exc).__name__}: {exc}", "see the log")


def examine(probes: Iterable[tuple[str, Probe]]) -> Report:
    """Run every probe."""
    return Report(tuple(run(name, probe) for name, probe in probes))


def data_folder(paths: StationPaths) -> Check:
    """The data folder exists (or can be made) and this user can write in it."""
    name = "data folder"
    folder = paths.data
    fix = f"give this user the folder: chown -R {user_name()} {folder} && chmod 700 {folder}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return Check.failed(name, f"{folder} cannot be created ({exc.strerror or exc})", fix)
    probe = folder / f".doctor-{os.getpid()}"
    try:
        probe.write_bytes(b"x")
        probe.unlink()
    except OSError as exc:
        return Check.failed(name, f"{folder} is not writable by {user_name()} ({exc.strerror or exc})", fix)
    mode = folder.stat().st_mode & 0o777
    if mode & 0o007:
        return Check.failed(
            name,
            f"{folder} is readable by every user (mode {mode:o}): printed labels and logs hold addresses",
            f"chmod 700 {folder}",
        )
    return Check.passed(name, f"{folder} is writable by {user_name()}")


def secrets(paths: StationPaths) -> Check:
    """A settings file that holds a password or a token must be readable by its owner only."""
    name = "secrets"
    path = paths.config_file
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        mode = path.stat().st_mode
    except FileNotFoundError:
        return Check.passed(name, "no settings file")
    if not holds_secret(text):
        return Check.passed(name, "no password or token in the settings (the hub's is in a password file)")
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return Check.failed(
            name,
            f"{path} holds a password or a token and others may read it (mode {stat.S_IMODE(mode):o})",
            f"chmod 600 {path}, or move the hub's password to a libpq password file (passfile=)",
        )
    return Check.passed(name, f"{path} holds a secret, readable by its owner only")


DEMO_STATION_IDS = ("STN01",)  # the defaults: a demo's, never a real office's
DEMO_FACILITIES = ("DEMO-COUNTER",)


def serials(hub: str, station_id: str, facility: str, first: int, last: int) -> Check:
    """Where this station's tracking numbers come from, and whether they are unique in its network."""
    name = "serials"
    if station_id in DEMO_STATION_IDS or facility in DEMO_FACILITIES:
        return Check.warned(
            name,
            f"station {station_id} at {facility} is the demo's identity: every demo station has it",
            "set this office's own station_id and facility ([station] in the settings, or the set-up)",
        )
    if hub:
        return Check.passed(name, "tracking numbers from blocks leased by the hub (station hub lease)")
    return Check.warned(
        name,
        f"S10 serials {first}-{last} come from this station's set-up, not from a hub: unique in the"
        " network only if no other station was given them",
        "join the network's hub (hub = ... in the settings), or give each station its own"
        " s10_serial_first..s10_serial_last",
    )


def disk_space(paths: StationPaths) -> Check:
    """Room for the journal to grow."""
    name = "disk space"
    folder = _existing(paths.data)
    usage = shutil.disk_usage(folder)
    free_mb = usage.free // (1024 * 1024)
    if usage.free < MIN_FREE_BYTES or usage.free < usage.total * MIN_FREE_SHARE:
        return Check.failed(
            name,
            f"only {free_mb} MB free on the disk of {folder}",
            "free space on that disk (old printed/ jobs and logs/ can go) or move --home to a larger one",
        )
    return Check.passed(name, f"{free_mb} MB free on the disk of {folder}")


def fonts() -> Check:
    """The fonts labels, customs forms and receipts need for every script (else addresses print as boxes)."""
    name = "fonts"
    missing = missing_packages()
    if missing:
        return Check.failed(
            name,
            f"no font for some scripts on paper: {', '.join(missing)} not installed",
            f"apt-get install {' '.join(missing)}",
        )
    return Check.passed(
        name, f"{len(chain(False))} fonts: Latin, Greek, Cyrillic, Arabic, Hebrew, CJK, Hangul"
    )


TEXTS_LATE = timedelta(minutes=5)  # a due text older than this: nothing is sending


def texts_waiting(paths: StationPaths, now: datetime) -> Check:
    """Texts due and not sent: a station whose window is closed and whose SMS service is not running
    queues every text and sends none (the gateway's own check says nothing about that)."""
    name = "texts waiting"
    if not paths.db.exists():
        return Check.passed(name, "no journal yet: nothing to send")
    try:
        with Database(paths.db, read_only=True).reading() as conn:
            found = outbox.backlog(conn, now)
    except (sqlite3.DatabaseError, JournalDamaged) as exc:
        return Check.failed(name, f"the outbox cannot be read: {exc}", "see the journal check")
    fix = (
        "keep the station window open (it sends them), or run the SMS service:"
        " systemctl enable --now parcel-station-sms (`station sms worker`)"
    )
    failed = f"; {found.failed} failed for good (station sms outbox)" if found.failed else ""
    if found.oldest_due is not None and now - found.oldest_due > TEXTS_LATE:
        late = int((now - found.oldest_due).total_seconds() // 60)
        return Check.warned(
            name,
            f"{number_of(found.due, 'text')} due and not sent, the oldest for {late} min: nothing is"
            f" sending{failed}",
            fix,
        )
    if found.failed:
        return Check.warned(
            name, f"{found.waiting} waiting{failed}", "station sms list shows why each failed"
        )
    held = found.waiting - found.due
    return Check.passed(
        name,
        f"{found.due} due now, {held} held for later (quiet hours, a rate limit, a retry)"
        if found.waiting
        else "none",
    )


def journal(paths: StationPaths) -> Check:
    """SQLite's quick check, the schema, and the chain since the newest signed checkpoint."""
    name = "journal"
    if not paths.db.exists():
        return Check.failed(
            name, f"no journal at {paths.db}", "start the station once (`station gui`) or check --home/--db"
        )
    try:
        db = Database(paths.db, read_only=True)
    except (sqlite3.DatabaseError, JournalDamaged) as exc:
        return Check.failed(name, f"{paths.db} cannot be opened: {exc}", _restore(paths))
    try:
        with db.reading() as conn:
            quick = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
            version = schema_version(conn)
            opened_by = installs.history(conn) if version >= installs.SINCE_SCHEMA else []
        if quick != ["ok"]:
            return Check.failed(name, f"SQLite's quick check fails: {'; '.join(quick)}", _restore(paths))
        if version < LATEST:
            return Check.failed(
                name,
                f"schema {version}, this version needs {LATEST}",
                "start the station once (`station gui`): it migrates the journal",
            )
        if version > LATEST:
            return Check.failed(
                name, f"schema {version} is newer than this program ({LATEST})", "install the newer version"
            )
        points, unreadable = read_checkpoints(paths.data / CHECKPOINTS, paths.keys)
        newest = _newest(points)
        chain = Journal(db, "doctor")
        contradicted = chain.check_checkpoints(newest)
        if contradicted:
            return Check.failed(name, contradicted[0].problem, _restore(paths))
        for point in newest:
            broken = chain.verify_tail(point.station_id, point.seq, point.hash)
            if broken:
                return Check.failed(name, broken, _restore(paths))
        count = chain.count()
        if not newest and count:  # checkpoints come every 100 events: a young journal is verified whole
            result = chain.verify()
            if result.first_break is not None:
                b = result.first_break
                return Check.failed(name, f"station {b.station_id} seq {b.seq}: {b.problem}", _restore(paths))
    except sqlite3.DatabaseError as exc:
        return Check.failed(name, f"{paths.db} cannot be read: {exc}", _restore(paths))
    finally:
        db.close()
    if unreadable:
        return Check.failed(
            name,
            f"a signed checkpoint cannot be read: {unreadable[0].problem}",
            f"keep {paths.data / CHECKPOINTS} for the record; run `station journal verify`",
        )
    at = f"chain holds since signed checkpoint seq {max(p.seq for p in newest)}" if newest else "chain holds"
    versions = ", ".join(f"{v} since {when[:10]}" for v, when in opened_by)
    by = f"; opened by {versions}" if versions else ""
    return Check.passed(name, f"schema {version}, {count} events, quick check ok, {at}{by}")


def meter_key(paths: StationPaths, meter_id: str) -> Check:
    """The meter's signing key is on disk, readable, and the one this journal enrolled."""
    name = "meter key"
    init = "station meter init (creates and enrols the key; a supervisor's step)"
    if not paths.db.exists():
        return Check.failed(name, "no journal yet to hold the meter's enrolment", init)
    db = Database(paths.db, read_only=True)
    try:
        keys = MeterKeys(db, paths.keys)
        if keys.root_public() is None:
            return Check.failed(
                name,
                f"the postal operator's root key is not installed in {paths.keys}",
                "install operator-root.pub from the postal operator, then " + init,
            )
        keys.private_key(meter_id)
    except MeterKeyError as exc:
        return Check.failed(name, str(exc), init)
    except (OSError, ValueError) as exc:
        return Check.failed(
            name, f"the key of meter {meter_id} cannot be read ({exc})", f"chown {user_name()} {paths.keys}/*"
        )
    finally:
        db.close()
    return Check.passed(name, f"meter {meter_id}: key present and enrolled")


def _newest(points: list[Checkpoint]) -> list[Checkpoint]:
    newest: dict[str, Checkpoint] = {}
    for point in points:
        if point.station_id not in newest or point.seq > newest[point.station_id].seq:
            newest[point.station_id] = point
    return list(newest.values())


def _restore(paths: StationPaths) -> str:
    return (
        f"stop the station, keep {paths.db} for the record, restore the last backup;"
        " `station journal verify` says more"
    )


def _existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def user_name() -> str:
    """This process's user, as fixes name it (chown, usermod)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return str(os.getuid())
