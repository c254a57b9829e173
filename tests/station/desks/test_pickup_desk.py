"""The pickup desk's paths, each checked for what it says and what it leaves: the notice card on each
kind of receipt printer (its code texted to an opted-in number), the shelf, the list, the hand-over and
the return to the sender with its label."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TypedDict

from station.app import Station
from station.desks.carrier import CarrierDesk
from station.desks.pickup import PickupDesk, hold_days
from station.desks.scan import ScanDesk
from station.items import pickups, recipients
from station.items.pickups import CodeState
from station.model.events import EventKind
from station.notify.consent import handle_inbound, subscribe
from tests.renderers import decode, escpos_raster
from tests.station.desks.test_carrier import scribble

ITEM = "EE123456785US"
PHONE = "+14155550123"


class _Where(TypedDict):
    facility: str
    operator: str


HERE: _Where = {"facility": "SFO", "operator": "ann"}


def _accepted(station: Station, service: str = "ground", item: str = ITEM) -> None:
    done = ScanDesk(station).record(item, EventKind.ACCEPTANCE, extra={"service": service}, **HERE)
    assert done.ok, done.reason


def _with_printer(station: Station, profile: str) -> None:
    station.config = replace(
        station.config, devices=replace(station.config.devices, receipt_printer_profile=profile)
    )


def _job(station: Station, job: int) -> tuple[str, bytes, str]:
    with station.db.reading() as conn:
        fmt, payload, description = conn.execute(
            "SELECT format, payload, description FROM print_jobs WHERE id = ?", (job,)
        ).fetchone()
    return str(fmt), bytes(payload), str(description)


def test_the_notice_card_on_80_mm_paper_holds_item_and_code_and_the_code_is_texted(station: Station) -> None:
    _accepted(station, "express")
    subscribe(station, ITEM, PHONE)
    handle_inbound(station, PHONE, "YES")
    done = PickupDesk(station).notice(ITEM, "ADDRESSEE_ABSENT", facility="SFO")
    today = station.today()
    assert done.ok and done.details["texted"] == 1 and done.message.endswith("; code texted to 1")
    assert done.details["until"] == (today + timedelta(days=5)).isoformat()  # express: held 5 days
    assert f"collect from {today + timedelta(days=1):%a %d %b} until" in done.message
    fmt, payload, description = _job(station, int(done.details["job"]))
    assert (fmt, description) == ("escpos", f"notice card {ITEM}")
    card = escpos_raster(payload)
    assert card.shape[1] == 576 + 40  # 80 mm: 576 dots, and the reader's white margin
    barcode = next(raw.decode() for f, _a, raw in decode(card) if f == "Code 128")
    item, code = barcode.split("/")
    with station.db.reading() as conn:
        assert item == ITEM and pickups.matches(conn, station.paths.keys, ITEM, code)
        texts = conn.execute(
            "SELECT template, body FROM sms_outbox WHERE item_id = ? AND template = 'pickup_code'", (ITEM,)
        ).fetchall()
    assert len(texts) == 1 and code in texts[0][1]


def test_58_mm_zpl_and_pdf_printers_each_get_their_card(station: Station) -> None:
    _accepted(station)
    desk = PickupDesk(station)
    _with_printer(station, "escpos-58mm")
    narrow = desk.notice(ITEM, "NO_ACCESS", facility="SFO")
    fmt, payload, _ = _job(station, int(narrow.details["job"]))
    card = escpos_raster(payload)
    assert fmt == "escpos" and card.shape[1] == 384 + 40
    assert [raw.decode() for f, _a, raw in decode(card) if f == "Code 128"] == [
        ITEM
    ]  # the item only: typed code
    assert narrow.details["texted"] == 0 and "texted" not in narrow.message
    _with_printer(station, "zebra-zd421-203")
    fmt, payload, _ = _job(station, int(desk.notice(ITEM, "NO_ACCESS", facility="SFO").details["job"]))
    assert fmt == "zpl" and payload.startswith(b"^XA^PW812") and b"^GFA" in payload
    _with_printer(station, "pdf-receipt")
    fmt, payload, _ = _job(station, int(desk.notice(ITEM, "NO_ACCESS", facility="SFO").details["job"]))
    assert fmt == "pdf" and payload.startswith(b"%PDF")
    assert hold_days("ground") == 15 and hold_days("express") == 5 and hold_days(None) == 15
    assert hold_days("letter", locker=True) == 3


def test_a_station_with_a_hub_texts_no_code(station: Station) -> None:
    _accepted(station)
    subscribe(station, ITEM, PHONE)
    handle_inbound(station, PHONE, "YES")
    station.config = replace(station.config, hub="postgresql://hub.example/post")
    done = PickupDesk(station).notice(ITEM, "ADDRESSEE_ABSENT", facility="SFO")
    assert done.ok and done.details["texted"] == 0


def test_the_shelf_normalises_its_place_refuses_a_delivered_item_and_makes_a_code_once(
    station: Station,
) -> None:
    _accepted(station)
    desk = PickupDesk(station)
    assert desk.hold(ITEM, "a 3", **HERE).reason == "a shelf is a short code of letters and digits, e.g. A3"
    assert desk.hold(ITEM, "TOOLONGSHELF", **HERE).ok is False
    held = desk.hold(ITEM, " b12 ", **HERE)
    until = station.today() + timedelta(days=15)
    assert held.ok and held.message == f"on shelf B12 until {until:%a %d %b}"
    assert held.details == {"shelf": "B12", "until": until.isoformat()}
    event = station.journal.events_for(ITEM)[-1].event
    assert (event.kind, event.note, event.extra) == (
        EventKind.HELD,
        "on pickup shelf B12",
        {"shelf": "B12", "until": until.isoformat()},
    )
    with station.db.reading() as conn:
        first = conn.execute("SELECT code_mac FROM pickup_codes WHERE item_id = ?", (ITEM,)).fetchone()[0]
        assert pickups.state_of(conn, ITEM) is CodeState.ISSUED
    assert desk.hold(ITEM, "B13", **HERE).ok  # moved along the shelf: the code in hand still holds
    with station.db.reading() as conn:
        assert (
            conn.execute("SELECT code_mac FROM pickup_codes WHERE item_id = ?", (ITEM,)).fetchone()[0]
            == first
        )
    other = "RR473124829GB"
    assert CarrierDesk(station).load(other, **HERE).ok
    assert CarrierDesk(station).deliver(other, scribble(), "Bo Lee", **HERE).ok
    refused = desk.hold(other, "A1", **HERE)
    assert refused.reason == f"{other} is delivered: nothing to hold"


def test_the_list_gives_ages_names_and_finds_by_name(station: Station) -> None:
    _accepted(station)
    with station.db.transaction() as conn:
        recipients.record(
            conn, ITEM, ("Ann Ode", "9 Pike St", "San Francisco CA 94110"), "94110", station.clock(), "SFO"
        )
    desk = PickupDesk(station)
    assert desk.hold(ITEM, "C1", **HERE).ok
    [held] = desk.held("SFO")
    assert (held.item_id, held.shelf, held.name) == (ITEM, "C1", "Ann Ode")
    assert held.age_days(held.since + timedelta(days=3)) == 3
    assert not held.overdue(held.until) and held.overdue(held.until + timedelta(days=1))
    assert [h.item_id for h in desk.find("ode", "SFO")] == [ITEM]
    assert desk.find("", "SFO") == [] and desk.find("lee", "SFO") == []
    assert desk.held("OAK") == []  # another office's shelf


def test_a_hand_over_with_code_and_signature_says_both_and_needs_the_name(station: Station) -> None:
    _accepted(station)
    desk = PickupDesk(station)
    assert desk.hold(ITEM, "A1", **HERE).ok
    with station.db.transaction() as conn:
        code = pickups.issue(conn, station.paths.keys, ITEM, "now")
    nameless = desk.release(ITEM, id_document="passport:1234", code=code, signature=scribble(), **HERE)
    assert nameless.reason == "type the name of who collects it, as they print it"
    elsewhere = desk.release(ITEM, id_document="passport:1234", code=code, facility="OAK", operator="ann")
    assert elsewhere.reason == f"{ITEM} is not waiting for pickup here (waiting for pickup)"
    done = desk.release(
        ITEM, id_document="id-card:ZZ99", code=code, signature=scribble(), name="Ann  Ode", **HERE
    )
    assert done.ok and done.message == "handed over (pickup code, signed, id-card ...ZZ99)"
    event = station.journal.events_for(ITEM)[-1].event
    assert event.kind is EventKind.PICKED_UP and event.signature_ref
    assert event.extra == {
        "receiver": "addressee",
        "at": "counter",
        "identity": {"kind": "id-card", "last4": "ZZ99", "name": "Ann Ode"},
        "proof": "pickup code, signed",
    }
    assert event.note == "collected at the counter (pickup code, signed, id-card ID)"


def test_return_to_sender_needs_the_sender_prints_their_label_and_journals_unclaimed(
    station: Station,
) -> None:
    _accepted(station)
    desk = PickupDesk(station)
    assert desk.hold(ITEM, "A1", **HERE).ok
    unknown = desk.return_to_sender(ITEM, **HERE)
    assert (
        unknown.reason
        == f'the sender of {ITEM} is not known here: give their address (--to "Name, street, town ZIP")'
    )
    back = desk.return_to_sender(ITEM, to=("Bo Diaz", "9 Elm St", "Seattle WA 98101"), **HERE)
    assert back.ok and back.message.startswith("back to its sender: label printed (job ")
    event = station.journal.events_for(ITEM)[-1].event
    assert (event.kind, event.reason, event.note) == (EventKind.RETURNED, "UNCLAIMED", "not collected")
    with station.db.reading() as conn:
        fmt, payload, description = conn.execute(
            "SELECT format, payload, description FROM print_jobs WHERE description LIKE 'return label%'"
        ).fetchone()
    assert (fmt, description) == ("zpl", f"return label {ITEM}")
    assert b"RETURN TO SENDER" in payload and b"Bo Diaz" in payload and b"UNCLAIMED" in payload
    again = desk.return_to_sender(ITEM, to=("Bo Diaz", "9 Elm St"), **HERE)
    assert again.reason == f"{ITEM} cannot go back to its sender (returned to sender)"
    assert not desk.return_to_sender("garbage", **HERE).ok


def test_the_code_goes_to_each_number_that_said_yes_and_to_no_other(station: Station) -> None:
    _accepted(station)
    for phone in ("+14155550123", "+14155550124", "+14155550125"):
        subscribe(station, ITEM, phone)
    handle_inbound(station, "+14155550123", "YES")
    handle_inbound(station, "+14155550124", "YES")  # the third never answered: asked, not yet in
    done = PickupDesk(station).notice(ITEM, "ADDRESSEE_ABSENT", facility="SFO")
    assert done.details["texted"] == 2 and done.message.endswith("; code texted to 2")
    with station.db.reading() as conn:
        sent_to = sorted(
            str(r[0]) for r in conn.execute("SELECT phone FROM sms_outbox WHERE template = 'pickup_code'")
        )
    assert sent_to == ["+14155550123", "+14155550124"]
    held = PickupDesk(station).hold(ITEM, "D4", **HERE)  # the card's code already out: not made again
    assert held.ok and "texted" not in held.message


def test_a_hold_without_a_card_makes_a_code_and_texts_it(station: Station) -> None:
    _accepted(station)
    subscribe(station, ITEM, PHONE)
    handle_inbound(station, PHONE, "YES")
    held = PickupDesk(station).hold(ITEM, "E5", **HERE)
    assert held.message.endswith("; pickup code texted to 1")
    with station.db.reading() as conn:
        assert pickups.state_of(conn, ITEM) is CodeState.ISSUED
        assert (
            conn.execute("SELECT count(*) FROM sms_outbox WHERE template = 'pickup_code'").fetchone()[0] == 1
        )
