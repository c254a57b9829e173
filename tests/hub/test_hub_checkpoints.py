"""Stations' signed checkpoints at the hub (issue 32): pushed with the events they cover, kept when they
agree with the hub's rows, refused and alerted when they do not, and the first key pinned."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.client import PostgresHub
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from station.store.checkpoints import public_key_text, signed_since, span_digest
from tests.hub.conftest import Hub, open_station


def test_checkpoints_follow_their_events_to_the_hub_and_a_forged_one_or_another_key_is_refused(
    hub: Hub, tmp_path: Path
) -> None:
    station = open_station(tmp_path, "ORIG1")
    desk = ScanDesk(station)
    for serial in range(1, 151):
        assert desk.record(
            S10.build("CP", serial, "US").text, EventKind.ACCEPTANCE, facility="F", operator="o"
        ).ok
    link = PostgresHub(hub.station_dsn("ORIG1"))
    SyncDesk(station, link).push()
    assert hub.rows("SELECT seq, span_from FROM hub.checkpoints") == [(100, 1)]
    station.journal.checkpoint()  # a clean stop: the head (150) and its last hundred
    log = station.journal.checkpoints
    assert log is not None and log.public_key() is not None
    key = public_key_text(log.public_key())  # type: ignore[arg-type]
    genuine = signed_since(log, 0)[-1]

    def pushed_directly() -> tuple[object, ...] | None:
        with psycopg.connect(link.dsn, autocommit=True) as conn:
            p = genuine.point
            return conn.execute(
                "SELECT stored, problem FROM hub.push_checkpoints(%s, %s, %s, %s, %s, %s, %s)",
                (key, [p.seq], [p.hash], [p.at], [p.span_from], [p.span], [genuine.signature]),
            ).fetchone()

    assert pushed_directly() == (1, None)
    assert pushed_directly() == (0, None)  # pushed again: kept once, no refusal
    assert hub.rows("SELECT seq, span_from FROM hub.checkpoints ORDER BY seq") == [(100, 1), (150, 51)]
    # The evidence of the head's own event is the checkpoint at it; of the one after, the next one.
    assert hub.rows("SELECT seq FROM hub.event_evidence('ORIG1', 100)") == [(100,)]
    assert hub.rows("SELECT seq FROM hub.event_evidence('ORIG1', 101)") == [(150,)]
    # A checkpoint whose span agrees with the hub's rows but whose head does not is refused too.
    with station.db.reading() as conn:
        hashes = [
            r[0] for r in conn.execute("SELECT hash FROM events WHERE seq BETWEEN 21 AND 120 ORDER BY seq")
        ]
    headless = replace(
        genuine, point=replace(genuine.point, seq=120, span_from=21, span=span_digest(hashes), hash="cd" * 32)
    )
    assert link.push_checkpoints(key, [headless]) == "checkpoint 120 contradicts the chain the hub holds"
    forged = replace(genuine, point=replace(genuine.point, seq=149, hash="ab" * 32))
    problem = link.push_checkpoints(public_key_text(log.public_key()), [forged])  # type: ignore[arg-type]
    assert problem == "checkpoint 149 contradicts the chain the hub holds"
    other_key = public_key_text(Ed25519PrivateKey.generate().public_key())
    assert link.push_checkpoints(other_key, [genuine]) == (
        "another checkpoint key than the one the hub pinned for this station"
    )
    assert hub.rows("SELECT kind, seq FROM hub.alerts WHERE kind LIKE 'checkpoint%%' ORDER BY id") == [
        ("checkpoint", 120),
        ("checkpoint", 149),
        ("checkpoint-key", None),
    ]
    assert hub.rows("SELECT count(*) FROM hub.checkpoints") == [(2,)]
