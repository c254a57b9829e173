"""The evidence desk: some days of this station's records bundled for a postmaster to check alone
(`station evidence export`), and a bundle checked on any machine (`station evidence verify`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from station.app import Station
from station.office import evidence
from station.office.evidence import EvidenceRefused, Records, Verdict
from station.office.till import bounds
from station.paths import replace_private
from station.postage.indicia import MeterKeyError, MeterKeys
from station.postage.meter import log_lines
from station.store import journal
from station.store.checkpoints import FILE_NAME as CHECKPOINTS

MAX_DAYS = 400  # a year and a bit: a bigger bundle is two bundles


class EvidenceDesk:
    """Evidence out of this station, and evidence checked."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def export(self, first: date, last: date, path: Path) -> str:
        """Write the bundle of `first`..`last` (local days) to `path`; the operator's line."""
        station, config = self.station, self.station.config
        if last < first:
            raise EvidenceRefused("--to is before --from")
        if (last - first).days >= MAX_DAYS:
            raise EvidenceRefused(f"at most {MAX_DAYS} days in one bundle")
        log = station.journal.checkpoints
        if log is None:
            raise EvidenceRefused("the journal is open for reading only: evidence is exported by the station")
        with station.db.reading() as conn:
            head = journal.last_seq_and_hash(conn, station.station_id)
        if head is not None:  # the newest event signed: the bundle's end is anchored too
            log.write(head[0], head[1], station.clock())
        start, _ = bounds(first, config.time_zone)
        _, end = bounds(last, config.time_zone)
        me = station.station_id
        with station.db.reading() as conn:
            span = journal.seqs_between(conn, me, start, end)
            if span is None:
                raise EvidenceRefused(f"station {me} journalled nothing from {first} to {last}")
            points = _checkpoint_lines(station.paths.data / CHECKPOINTS, me)
            anchor = max((p["seq"] for p in points if p["seq"] < span[0]), default=0)
            links = journal.chain_links(conn, me, anchor + 1, span[1])
            meter = [
                {"kind": m.kind, "cents": m.cents, "piece": m.piece, "descending": m.descending,
                 "ascending": m.ascending, "at": m.at}
                for m in log_lines(conn, config.meter_id)
                if m.at is not None and start.isoformat() <= m.at and m.at < end.isoformat()
            ]  # fmt: skip
            tills = [
                {"kind": "closed", "day": r[0], "closed_at": r[1], "closed_by": r[2], "report": r[3]}
                for r in conn.execute(
                    "SELECT day, closed_at, closed_by, report FROM till_days WHERE day BETWEEN ? AND ?"
                    " ORDER BY day",
                    (first.isoformat(), last.isoformat()),
                )
            ] + [
                {"kind": "reopened", "day": r[0], "closed_at": r[1], "closed_by": r[2], "report": r[3],
                 "reopened_at": r[4], "reopened_by": r[5], "reason": r[6]}
                for r in conn.execute(
                    "SELECT day, closed_at, closed_by, report, reopened_at, reopened_by, reason"
                    " FROM till_reopenings WHERE day BETWEEN ? AND ? ORDER BY day",
                    (first.isoformat(), last.isoformat()),
                )
            ]  # fmt: skip
        key = log.public_key()
        if key is None:
            raise EvidenceRefused("this station has no checkpoint key yet: nothing was ever signed")
        meters = {}
        try:
            public = MeterKeys(station.db, station.paths.keys).public_key(config.meter_id)
            if public is not None:
                meters[config.meter_id] = public
        except MeterKeyError:
            pass  # no meter here: the bundle says so by naming none
        records = Records(
            me,
            first,
            last,
            config.time_zone,
            links,
            [p for p in points if anchor <= p["seq"] <= span[1]],
            meter,
            tills,
            key,
            meters,
        )
        data = evidence.bundle(records, log.sign, station.clock())
        try:
            replace_private(path, data)
        except OSError as exc:
            raise EvidenceRefused(f"cannot write {path}: {exc.strerror or exc}") from None
        return (
            f"evidence of {first} to {last} written to {path}: {len(links)} events,"
            f" {len(records.checkpoints)} signed checkpoints, {len(meter)} meter lines,"
            f" {len(tills)} till reports;"
            f" checkpoint key {evidence.fingerprint(key)}"
        )


def verify_file(path: Path) -> Verdict:
    """Check a bundle (no station needed: only the file)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EvidenceRefused(f"cannot read {path}: {exc.strerror or exc}") from None
    return evidence.verify(data)


def _checkpoint_lines(path: Path, station_id: str) -> list[dict[str, Any]]:
    """This station's lines of the checkpoint file, as written (their signatures travel with them)."""
    if not path.exists():
        return []
    found = []
    for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            raw = json.loads(text)
        except ValueError:
            continue
        if isinstance(raw, dict) and raw.get("station_id") == station_id and isinstance(raw.get("seq"), int):
            found.append(raw)
    return found
