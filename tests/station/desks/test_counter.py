"""The counter desk: one transaction, the label in the printer profile's language and resolution."""

from __future__ import annotations

from dataclasses import replace

from station.app import Station
from station.desks.counter import Acceptance, CounterDesk, Piece
from station.desks.outcome import Outcome
from station.printing.queue import PrintQueue

PIECE = Piece(
    1200,
    "10001",
    "94105",
    "priority",
    ("Ann", "1 Main St", "New York NY 10001"),
    ("Bob", "2 Market St", "San Francisco CA 94105"),
    tracking="EE123456785US",
)


def _fund(station: Station, cents: int = 10_000) -> None:
    desk = CounterDesk(station)
    assert desk.init_meter().ok and desk.credit(cents).ok


def _with_profiles(station: Station, label: str, receipt: str = "escpos-80mm") -> None:
    devices = replace(station.config.devices, printer_profile=label, receipt_printer_profile=receipt)
    station.config = replace(station.config, devices=devices)


def test_an_acceptance_queues_a_label_in_the_profile_language_and_a_receipt(station: Station) -> None:
    _fund(station)
    _with_profiles(station, "zebra-zd421-300")
    done = CounterDesk(station).accept(PIECE, phone="(201) 555-0123", facility="NYC-COUNTER", operator="ann")
    assert isinstance(done, Acceptance), done
    assert done.label.dpi == 300 and done.label_format == "zpl" and done.label_bytes.startswith(b"^XA")
    jobs = PrintQueue(station.db).jobs()
    assert [(j.format, j.description) for j in jobs] == [
        ("zpl", "label EE123456785US"),
        ("escpos", "receipt EE123456785US"),
    ]
    assert done.sms == "pending" and done.line.startswith("ACCEPTED EE123456785US  postage $36.77")
    assert done.event.event.extra["destination_zip"] == "94105"


def test_a_pdf_profile_gives_a_pdf_label(station: Station) -> None:
    _fund(station)
    _with_profiles(station, "pdf-300")
    done = CounterDesk(station).accept(PIECE, facility="NYC-COUNTER", operator="ann")
    assert isinstance(done, Acceptance) and done.label_bytes.startswith(b"%PDF")


def test_a_refusal_charges_nothing_queues_nothing_and_records_nothing(station: Station) -> None:
    desk = CounterDesk(station)
    no_key = desk.accept(PIECE, facility="NYC-COUNTER", operator="ann")
    assert not no_key.ok and "run `station meter init`" in (no_key.reason or "")
    assert desk.init_meter().ok
    short = desk.accept(PIECE, facility="NYC-COUNTER", operator="ann")  # the meter holds no funds yet
    assert isinstance(short, Outcome) and not short.ok and "needs $36.77" in (short.reason or "")
    assert desk.credit(10_000).ok
    bad_phone = desk.accept(PIECE, phone="12", facility="NYC-COUNTER", operator="ann")
    assert not bad_phone.ok and "not a valid number" in (bad_phone.reason or "")
    bad_zip = desk.accept(replace(PIECE, to_zip="ABCDE"), facility="NYC-COUNTER", operator="ann")
    assert not bad_zip.ok
    assert desk.meter().registers().descending == 10_000
    assert PrintQueue(station.db).jobs() == [] and station.journal.count() == 0
    assert desk.accept(PIECE, facility="NYC-COUNTER", operator="ann").ok
    again = desk.accept(PIECE, facility="NYC-COUNTER", operator="ann")
    assert not again.ok and "already accepted" in (again.reason or "")
