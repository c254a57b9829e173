"""Prepaid drop-offs (issue 34, item 1): taken in with an acceptance scan and no charge; another
provider's label recorded as declared, this network's indicia verified (a forged one or a second use
refused); the counter says "prepaid: F9 takes it in"; one receipt for the visit."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypedDict

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.counter import CounterDesk
from station.desks.dropoff import DECLARED, VERIFIED, DropoffDesk, TakenIn
from station.postage.indicia import PREFIX, IndiciaFields, MeterKeys, decode, sign
from station.postage.receipt import Receipt, ReceiptLine
from station.store.journal import acceptance_extra
from tests.renderers import decode as read_codes
from tests.renderers import pdf_pages

TODAY = date(2026, 11, 23)
FOREIGN_IMPB = "9205590164917312345677"  # another postage provider's Mailer ID
OURS = IndiciaFields("PS000001", 42, TODAY, 3677, "PRI", "10001", "94105", "EE123456785US")


class _Where(TypedDict):
    facility: str
    operator: str


WHERE: _Where = {"facility": "SFO", "operator": "ann"}


@pytest.fixture
def station(tmp_path: Path) -> Station:
    noon = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
    config = replace(
        StationConfig(), devices=replace(StationConfig().devices, receipt_printer_profile="pdf-receipt")
    )
    return Station.open(tmp_path / "s.sqlite3", config, clock=lambda: noon)


def test_another_providers_label_is_taken_in_as_declared_and_nothing_is_charged(station: Station) -> None:
    counter = CounterDesk(station)
    assert counter.init_meter().ok and counter.credit(5_000).ok
    before = counter.balance().details["descending_cents"]
    said = counter.on_the_counter(FOREIGN_IMPB)
    assert said.ok and said.message == "prepaid: F9 takes it in" and said.details["prepaid"] is True
    done = DropoffDesk(station).take_in(FOREIGN_IMPB, weight_g=850, **WHERE)
    assert done.ok and done.details["postage"] == DECLARED
    assert counter.balance().details["descending_cents"] == before  # nothing charged
    with station.db.reading() as conn:
        extra = acceptance_extra(conn, FOREIGN_IMPB)
    assert extra is not None and extra["dropoff"] is True and extra["postage"] == "declared"
    again = DropoffDesk(station).take_in(FOREIGN_IMPB, **WHERE)
    assert not again.ok and "taken in already" in str(again.reason)
    ours = DropoffDesk(station).take_in("EE123456785US", **WHERE)  # this network's number, no indicia shown
    assert not ours.ok and "scan its postage indicia" in str(ours.reason)


def test_this_networks_indicia_is_verified_and_a_forged_or_second_use_is_refused(station: Station) -> None:
    keys = MeterKeys(station.db, station.paths.keys)
    keys.init("PS000001")
    payload = sign(OURS, keys.private_key("PS000001"))
    _fields, _record, signature = decode(payload)
    forged_record = replace(OURS, postage_cents=9999).record()
    forged = PREFIX + base64.b32encode(forged_record + signature).decode().rstrip("=")
    desk = DropoffDesk(station)
    refused = desk.take_in(forged, **WHERE)
    assert (
        not refused.ok and "postage not taken" in str(refused.reason) and "signature" in str(refused.reason)
    )
    done = desk.take_in(payload, **WHERE)
    assert done.ok and done.id == "EE123456785US" and done.details["postage"] == VERIFIED
    with station.db.reading() as conn:
        extra = acceptance_extra(conn, "EE123456785US")
    assert extra is not None and extra["postage"] == "indicia" and extra["piece"] == 42
    copied = replace(OURS, tracking="RR473124829GB")  # the same meter piece on another parcel
    second = desk.take_in(sign(copied, keys.private_key("PS000001")), **WHERE)
    assert not second.ok and "already used" in str(second.reason)


def test_one_receipt_lists_the_visits_pieces_and_says_nothing_was_charged(station: Station) -> None:
    desk = DropoffDesk(station)
    pieces = [TakenIn(FOREIGN_IMPB, DECLARED, 850), TakenIn("EE123456785US", VERIFIED, None)]
    printed = desk.receipt(pieces, clerk="ann")
    assert printed.ok
    with station.db.reading() as conn:
        (payload,) = conn.execute(
            "SELECT payload FROM print_jobs WHERE id = ?", (printed.details["job"],)
        ).fetchone()
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=bytes(payload), capture_output=True, check=True
    ).stdout.decode()
    assert "DROP-OFF RECEIPT" in text and "nothing charged" in text and "2 pieces taken in" in text
    assert FOREIGN_IMPB in text and "EE123456785US" in text and "0.850 kg" in text
    assert "TOTAL" not in text
    assert not desk.receipt([], clerk="ann").ok


def test_a_drop_off_receipt_shows_the_tracking_qr_for_every_piece() -> None:
    receipt = Receipt(
        "SFO",
        "ann",
        datetime(2026, 11, 23, 12, tzinfo=UTC),
        (
            ReceiptLine(FOREIGN_IMPB, DECLARED, 0, 0, "", 0),
            ReceiptLine("EE123456785US", VERIFIED, 0, 0, "", 0),
        ),
        track_url="https://track.example-post.org",
        dropoff=True,
    )
    from station.postage.receipt import receipt_pdf

    pages = pdf_pages(receipt_pdf(receipt), dpi=300)
    found = [raw.decode() for fmt, _aim, raw in read_codes(pages[0]) if fmt == "QR Code"]
    assert found == [f"https://track.example-post.org/track?ids={FOREIGN_IMPB},EE123456785US"]
