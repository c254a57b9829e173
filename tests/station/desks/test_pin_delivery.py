"""PIN on delivery: the code reaches the recipient's phone and nobody else; three wrong codes (across
a restart) and a signature is needed; an item delivered already is delivered again only under a
supervisor."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TypedDict

from station.app import Station
from station.config import StationConfig
from station.desks.carrier import CarrierDesk
from station.desks.counter import Acceptance, CounterDesk
from station.notify.consent import handle_inbound
from station.notify.outbox import HIDDEN_CODE, listing
from station.notify.worker import SmsWorker
from tests.station.desks.test_carrier import scribble
from tests.station.desks.test_counter import PIECE, _fund
from tests.station.desks.test_supervision import _staff, fund

PHONE = "+12015550123"


class _Where(TypedDict):
    facility: str
    operator: str


WHERE: _Where = {"facility": "SF-DELIVERY", "operator": "joe"}


class PhoneLog:
    """The recipient's phone: the log gateway's file (what the gateway was handed)."""

    def __init__(self, path: Path) -> None:
        from hardware.sms.log import LogGateway

        self.path = path
        self.gateway = LogGateway(path)

    def codes(self) -> list[str]:
        texts = (
            [json.loads(line)["body"] for line in self.path.read_text().splitlines()]
            if self.path.exists()
            else []
        )
        return [
            word.rstrip(".")
            for text in texts
            if "delivery code" in text
            for word in text.split()
            if word.rstrip(".").isdigit()
        ]


def _loaded(station: Station, tracking: str, phone_log: PhoneLog) -> str:
    done = CounterDesk(station).accept(
        replace(PIECE, tracking=tracking, pin_delivery=True), phone=PHONE, facility="NYC", operator="ann"
    )
    assert isinstance(done, Acceptance), done
    handle_inbound(station, PHONE, "YES")
    assert CarrierDesk(station).load(tracking, **WHERE).ok
    SmsWorker(station.db, phone_log.gateway, station.clock).run_once()
    return phone_log.codes()[-1]


def test_the_right_code_delivers_and_the_code_is_nowhere_in_clear(station: Station, tmp_path: Path) -> None:
    _fund(station)
    phone = PhoneLog(tmp_path / "phone.jsonl")
    code = _loaded(station, "EE123456785US", phone)
    assert len(code) == 4
    with station.db.reading() as conn:
        rows = listing(conn)
        stored = [str(r[0]) for r in conn.execute("SELECT body FROM sms_outbox")]
        journal = " ".join(str(tuple(r)) for r in conn.execute("SELECT * FROM events"))
        pins = [tuple(r) for r in conn.execute("SELECT * FROM delivery_pins")]
    assert [r["body"] for r in rows if r["template"] == "delivery_pin"] == [HIDDEN_CODE]
    assert not any(code in body for body in stored)  # blanked once the gateway had it
    assert code not in journal and not any(code in str(p) for p in pins)
    assert "signature" in str(
        CarrierDesk(station).deliver("EE123456785US", scribble(), "Bo Lee", **WHERE).reason
    )
    done = CarrierDesk(station).deliver_by_code("EE123456785US", code, **WHERE)
    assert done.ok and done.stored is not None and done.stored.event.extra == {"proof": "delivery code"}


def test_three_wrong_codes_survive_a_restart_and_then_a_signature_is_needed(
    station: Station, tmp_path: Path
) -> None:
    _fund(station)
    phone = PhoneLog(tmp_path / "phone.jsonl")
    code = _loaded(station, "EE123456785US", phone)
    wrong = "0000" if code != "0000" else "1111"
    first = CarrierDesk(station).deliver_by_code("EE123456785US", wrong, **WHERE)
    assert not first.ok and first.details["tries_left"] == 2
    assert not CarrierDesk(station).deliver_by_code("EE123456785US", "12a4", **WHERE).ok
    path, clock = station.db.path, station.clock
    station.close()
    with Station.open(path, StationConfig(station_id="STN-T1"), clock) as again:  # the van's tablet restarted
        third = CarrierDesk(again).deliver_by_code("EE123456785US", wrong, **WHERE)
        assert not third.ok and "take a signature now" in str(third.reason)
        late = CarrierDesk(again).deliver_by_code("EE123456785US", code, **WHERE)
        assert not late.ok and "3 wrong codes were given" in str(late.reason)  # even the right one, now
        signed = CarrierDesk(again).deliver("EE123456785US", scribble(), "Bo Lee", **WHERE)
        assert signed.ok, signed.reason


def test_no_opted_in_number_means_no_code_and_a_signature(station: Station) -> None:
    _fund(station)
    done = CounterDesk(station).accept(replace(PIECE, pin_delivery=True), facility="NYC", operator="ann")
    assert isinstance(done, Acceptance)
    assert CarrierDesk(station).load(done.tracking, **WHERE).ok
    refused = CarrierDesk(station).deliver_by_code(done.tracking, "1234", **WHERE)
    assert not refused.ok and "no code was texted" in str(refused.reason)
    assert CarrierDesk(station).deliver(done.tracking, scribble(), "Bo Lee", **WHERE).ok


def test_delivering_an_item_delivered_already_needs_a_supervisor(station: Station) -> None:
    _staff(station)
    fund(station)
    done = CounterDesk(station).accept(PIECE, facility="NYC", operator="ann")
    assert isinstance(done, Acceptance)
    carrier = CarrierDesk(station)
    assert carrier.deliver(done.tracking, scribble(), "Bo Lee", **WHERE).ok
    again = carrier.deliver(done.tracking, scribble(), "Bo Lee", **WHERE)
    assert not again.ok and "not delivered again" in str(again.reason)
    wrong = carrier.deliver(done.tracking, scribble(), "Bo Lee", **WHERE, supervisor="sue", pin="0000")
    assert not wrong.ok and "wrong PIN" in str(wrong.reason)
    allowed = carrier.deliver(
        done.tracking,
        scribble(),
        "Bo Lee",
        **WHERE,
        supervisor="sue",
        pin="7392",
        reason="first scan was on the wrong item",
    )
    assert allowed.ok, allowed.reason
    kinds = [str(e.event.kind) for e in station.journal.events_for(done.tracking)]
    assert kinds == ["acceptance", "delivered", "override", "delivered"]
