"""Operators, supervisor overrides, voids and reprints at the counter: each rule, and what a refusal
leaves unchanged."""

from __future__ import annotations

import subprocess
from dataclasses import replace

from station.app import Station
from station.desks.counter import Acceptance, CounterDesk
from station.desks.operators import OperatorDesk
from station.desks.postage_checks import verify_indicia
from station.desks.printing import PrintDesk
from station.desks.scan import ScanDesk
from station.desks.voids import VoidDesk
from station.labels.model import label_from_dict
from station.model.events import EventKind
from station.office import operators
from station.printing.queue import PrintQueue
from tests.station.desks.test_counter import PIECE, _fund

WHERE = {"facility": "NYC-COUNTER", "operator": "ann"}


def _staff(station: Station) -> OperatorDesk:
    desk = OperatorDesk(station)
    assert desk.add("root", "admin", "correct horse battery").ok
    assert desk.add("ann", "clerk", "4821", by="root", by_pin="correct horse battery").ok
    assert desk.add("sue", "supervisor", "7392", by="root", by_pin="correct horse battery").ok
    return desk


def fund(station: Station, cents: int = 20_000) -> None:
    """The meter set up and funded, under a supervisor when the station has operators."""
    desk = CounterDesk(station)
    assert desk.init_meter().ok
    with station.db.reading() as conn:
        staffed = operators.any_operators(conn)
    if staffed:
        assert desk.credit(cents, supervisor="sue", pin="7392", operator="ann").ok
    else:
        assert desk.credit(cents).ok


def _accepted(station: Station) -> Acceptance:
    fund(station)
    done = CounterDesk(station).accept(PIECE, facility="NYC-COUNTER", operator="ann")
    assert isinstance(done, Acceptance), done
    return done


def _registers(station: Station) -> tuple[int, int, int]:
    r = CounterDesk(station).meter().registers()
    return r.descending, r.ascending, r.total_credited


def _kinds(station: Station, item: str) -> list[str]:
    return [str(e.event.kind) for e in station.journal.events_for(item)]


def test_pins_are_argon2id_hashes_and_an_admin_enables_a_disabled_operator(station: Station) -> None:
    desk = _staff(station)
    with station.db.reading() as conn:
        stored = conn.execute("SELECT pin_hash FROM operators WHERE name = 'ann'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "4821" not in stored
    assert not desk.add("bob", "clerk", "1111", by="root", by_pin="correct horse battery").ok  # one digit
    assert not desk.add("bob", "clerk", "12", by="root", by_pin="correct horse battery").ok
    assert not desk.add("bob", "clerk", "5839", by="ann", by_pin="4821").ok  # a clerk manages no one
    for attempt in range(4):
        refused = desk.sign_in("ann", "0000")
        assert not refused.ok and f"{4 - attempt} more" in str(refused.reason)
    assert desk.sign_in("ann", "4821").ok  # a right PIN clears the count
    assert desk.set_enabled("ann", False, by="root", by_pin="correct horse battery").ok
    disabled = desk.sign_in("ann", "4821")
    assert not disabled.ok and "ann is disabled: disabled by root" in str(disabled.reason)
    assert desk.set_enabled("ann", True, by="root", by_pin="correct horse battery").ok
    signed = desk.sign_in(_badge(station, "ann"), "4821")  # the badge scanned, then the PIN
    assert signed.ok and signed.details["screens"] == ["cases", "counter", "track"]


def _badge(station: Station, name: str) -> str:
    with station.db.reading() as conn:
        found = operators.get(conn, name)
    assert found is not None
    return found.badge


def test_a_void_with_a_wrong_pin_is_refused_and_changes_nothing_but_the_count(station: Station) -> None:
    _staff(station)
    done = _accepted(station)
    before = _registers(station)
    refused = VoidDesk(station).void(
        done.tracking, supervisor="sue", pin="0000", reason="customer left", **WHERE
    )
    assert not refused.ok and "override refused: wrong PIN for sue" in str(refused.reason)
    clerk = VoidDesk(station).void(done.tracking, supervisor="ann", pin="4821", reason="x", **WHERE)
    assert not clerk.ok and "ann is a clerk" in str(clerk.reason)
    assert _registers(station) == before and _kinds(station, done.tracking) == ["acceptance"]
    with station.db.reading() as conn:
        sue = operators.get(conn, "sue")
    assert sue is not None and sue.wrong_pins == 1


def test_a_void_refunds_the_meter_kills_the_label_and_a_later_scan_is_a_fraud_alert(station: Station) -> None:
    _staff(station)
    done = _accepted(station)
    descending, ascending, credited = _registers(station)
    voided = VoidDesk(station).void(
        done.tracking, supervisor="sue", pin="7392", reason="wrong address", **WHERE
    )
    assert voided.ok, voided.reason
    cents = done.quote.total_cents
    assert _registers(station) == (descending + cents, ascending, credited + cents)  # ascending never falls
    assert CounterDesk(station).meter().check() is None  # control sum and MAC hold
    with station.db.reading() as conn:
        lines = conn.execute("SELECT kind, cents, piece FROM meter_log ORDER BY id").fetchall()
    assert [tuple(r) for r in lines][-1] == ("refund", cents, done.piece)
    override = station.journal.events_for(done.tracking)[1].event
    assert override.kind is EventKind.OVERRIDE and override.operator == "ann"
    assert override.extra == {"action": "void", "supervisor": "sue", "operator": "ann"}
    later = ScanDesk(station).record(
        done.tracking,
        EventKind.SORT_IN,
        container_id="00106141411234567897",
        facility="DEPOT",
        operator="dee",
    )
    assert not later.ok and "was voided" in str(later.reason) and "label is dead" in str(later.reason)
    assert _kinds(station, done.tracking) == ["acceptance", "override", "void", "fraud-alert"]
    report = verify_indicia(station, done.indicia, today=station.clock().date())
    on = station.clock().date().isoformat()  # the day it was voided, as the report names it
    assert f"voided on {on}: its postage was refunded, the label is dead" in report.problems, report.problems
    again = VoidDesk(station).void(done.tracking, supervisor="sue", pin="7392", reason="again", **WHERE)
    assert not again.ok and "voided already" in str(again.reason)
    copy = PrintDesk(station).reprint(done.print_job, **WHERE)  # a dead label: only a VOID copy of it
    assert copy.ok and "VOID copy" in copy.text and "reprint" not in copy.details
    job = PrintQueue(station.db).get(copy.details["print_job"])
    assert job is not None and job.description == f"VOID copy of label {done.tracking}"
    assert b"^BC" not in job.payload and b"^BX" not in job.payload  # neither a Code 128 nor a DataMatrix


def test_a_reprint_is_free_until_the_first_scan_then_needs_a_supervisor_and_says_reprint_n(
    station: Station,
) -> None:
    _staff(station)
    done = _accepted(station)
    desk = PrintDesk(station)
    first = desk.reprint(done.print_job, **WHERE)
    assert first.ok and first.details["reprint"] == 1
    job = PrintQueue(station.db).get(first.details["print_job"])
    assert job is not None and job.description == f"REPRINT 1 label {done.tracking}"
    assert b"REPRINT 1 - PRIORITY MAIL" in job.payload  # rendered again with the mark, in ZPL
    assert ScanDesk(station).record(done.tracking, EventKind.ARRIVAL, facility="DEPOT", operator="dee").ok
    unsupervised = desk.reprint(done.print_job, **WHERE)
    assert not unsupervised.ok and "was scanned (arrival) after acceptance" in str(unsupervised.reason)
    wrong = desk.reprint(done.print_job, supervisor="sue", pin="1234", **WHERE)
    assert not wrong.ok and "wrong PIN" in str(wrong.reason)
    second = desk.reprint(done.print_job, supervisor="sue", pin="7392", reason="label torn", **WHERE)
    assert second.ok and second.details["reprint"] == 2
    assert _kinds(station, done.tracking) == ["acceptance", "reprint", "arrival", "override", "reprint"]
    original = PrintQueue(station.db).get(done.print_job)
    assert original is not None and original.source is not None
    assert label_from_dict(original.source["label"]) == done.label  # the model kept is the label printed


def test_the_first_operator_must_be_an_admin(station: Station) -> None:
    desk = OperatorDesk(station)
    first = desk.add("ann", "clerk", "4821")
    assert not first.ok and "first operator must be an admin" in str(first.reason)
    with station.db.reading() as conn:
        assert not operators.any_operators(conn)
    assert desk.add("root", "admin", "correct horse battery").ok
    assert not desk.add("ann", "clerk", "4821").ok  # from now on, an admin's name and PIN


def test_a_typed_weight_and_a_meter_credit_need_a_supervisor_once_there_are_operators(
    station: Station,
) -> None:
    _fund(station)  # before any operator: the station is its own single user
    _staff(station)
    desk = CounterDesk(station)
    credit = desk.credit(5_000, operator="ann")
    assert not credit.ok and "meter credit needs a supervisor" in str(credit.reason)
    assert desk.credit(5_000, supervisor="sue", pin="7392", operator="ann").ok
    typed = replace(PIECE, weight_reason="scale out of order")
    refused = desk.accept(typed, facility="NYC-COUNTER", operator="ann")
    assert not refused.ok and "typed weight needs a supervisor" in str(refused.reason)
    done = desk.accept(typed, facility="NYC-COUNTER", operator="ann", supervisor="sue", pin="7392")
    assert isinstance(done, Acceptance), done
    events = station.journal.events_for(done.tracking)
    assert [str(e.event.kind) for e in events] == ["acceptance", "override"]
    assert events[1].event.extra["action"] == "typed weight"


def test_issue_31_item_19_a_void_with_nothing_to_refund_prints_the_customer_a_void_slip(
    station: Station,
) -> None:
    station.config = replace(
        station.config, devices=replace(station.config.devices, receipt_printer_profile="pdf-300")
    )
    _staff(station)
    done = _accepted(station)
    voided = VoidDesk(station).void(
        done.tracking, supervisor="sue", pin="7392", reason="wrong address", **WHERE
    )
    assert voided.ok, voided.reason
    [slip] = [j for j in PrintQueue(station.db).jobs() if j.description == f"void slip {done.tracking}"]
    assert slip.item_id == done.tracking and slip.format == "pdf"
    read = subprocess.run(["pdftotext", "-", "-"], input=slip.payload, capture_output=True, check=True)
    words = read.stdout.decode()
    for said in ("VOID", done.tracking, "why: wrong address", "nothing to refund", "authorised by sue"):
        assert said in words, (said, words)
