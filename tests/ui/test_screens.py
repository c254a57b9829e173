"""Each screen driven as an operator would: wedge keys, a pty scanner, mouse strokes, a 9100 printer."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from hardware.printers.setup import transport_for
from hardware.printers.spooler import Spooler
from hardware.protocols import WeightReading, WeightStatus
from hardware.registry import parse_url
from hardware.scanners.serial_scanner import SerialScanner
from station.config import DeviceUrls
from station.desks.counter import Acceptance, Piece
from station.ids import S10
from station.items.tracking import track
from station.model.events import EventKind
from tests.pseudo_devices.pty_device import PtyDevice
from tests.pseudo_devices.virtual_printer import VirtualPrinter
from tests.renderers import ZplRenderer, decode
from ui.app import StationApp
from ui.modes.carrier import DELIVERING, CarrierMode
from ui.modes.counter import CounterMode
from ui.modes.depot import DepotMode
from ui.modes.devices import DevicesMode
from ui.modes.track import TrackMode
from ui.widgets.signature_pad import SignaturePad

from .conftest import wait_for_banner


def draw_signature(pad: SignaturePad) -> None:
    """A cursive-looking signature drawn with mouse events on the pad."""
    pad.show()
    w, h = pad.width(), pad.height()
    points = [
        QPointF(30 + t * (w - 80) / 60, h / 2 - 25 * math.sin(t / 3.2) - 10 * math.cos(t / 1.3))
        for t in range(61)
    ]
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=points[0].toPoint())
    for p in points[1:]:
        QTest.mouseMove(pad, p.toPoint())
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=points[-1].toPoint())


SACK = "00106141411234567897"


def wedge_type(widget, text: str) -> None:
    """A keyboard-wedge scanner typing into whatever has focus (fast keys, Enter at the end)."""
    for ch in text:
        press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key(ord(ch.upper())), Qt.KeyboardModifier.NoModifier, ch)
        QApplication.sendEvent(widget, press)
    QApplication.sendEvent(
        widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
    )


def test_depot_takes_wedge_scans_into_the_open_sack_and_refuses_a_duplicate(
    qtbot, station_app: StationApp
) -> None:
    depot = station_app.window.show_mode("depot")
    assert isinstance(depot, DepotMode)
    focus = depot.destination
    focus.setFocus()
    wedge_type(focus, SACK)
    wait_for_banner(qtbot, station_app, 1)
    wedge_type(focus, "RR473124829GB")
    wait_for_banner(qtbot, station_app, 2)
    wedge_type(focus, "RR473124829GB")
    wait_for_banner(qtbot, station_app, 3)
    assert station_app.ctx.feedback.sounds.played == ["good", "good", "bad"]
    assert "already in this sack" in station_app.ctx.feedback.banner.text()
    assert depot.count == 1
    assert focus.text() == ""  # the scans never leaked into the text field
    report = track(station_app.ctx.station.db, "RR473124829GB")
    assert report is not None and report.current_sack == SACK[2:]


def test_depot_refuses_an_item_for_another_destination(qtbot, station_app: StationApp) -> None:
    depot = station_app.window.show_mode("depot")
    assert isinstance(depot, DepotMode)
    depot.destination.setText("941")
    depot.handle_scan(SACK)
    depot.handle_scan("]C142060601\x1d9205590164917312345677")  # routed to Chicago
    wait_for_banner(qtbot, station_app, 2)
    assert "WRONG SACK" in station_app.ctx.feedback.banner.text()
    assert depot.count == 0


def test_a_serial_scanner_on_a_pty_feeds_the_screen_showing(
    qtbot, station_app: StationApp, tmp_path: Path
) -> None:
    depot = station_app.window.show_mode("depot")
    assert isinstance(depot, DepotMode)
    bridge = station_app.ctx.bridge
    dev = PtyDevice(tmp_path / "ttyScanner")
    scanner = SerialScanner(parse_url(f"serial://{dev.path}?suffix=CR"), bridge.on_scan, bridge.on_status)
    scanner.start()
    try:
        qtbot.waitUntil(lambda: bool(station_app.window.device_labels), timeout=3000)
        dev.write(SACK.encode() + b"\rRR473124829GB\rEE123456785US\r")
        wait_for_banner(qtbot, station_app, 3)
        assert depot.count == 2
        assert station_app.ctx.feedback.sounds.played == ["good"] * 3
    finally:
        scanner.stop()
        dev.close()


def test_carrier_delivers_with_a_drawn_signature_and_writes_the_proof_of_delivery(
    qtbot, station_app: StationApp
) -> None:
    carrier = station_app.window.show_mode("carrier")
    assert isinstance(carrier, CarrierMode)
    carrier.handle_scan("RR473124829GB")  # loading the round
    wait_for_banner(qtbot, station_app, 1)
    assert carrier.round.count() == 1
    carrier.stage.setCurrentText(DELIVERING)
    carrier.handle_scan("RR473124829GB")
    wait_for_banner(qtbot, station_app, 2)  # at the door: the desk says whom it is for
    carrier.name_field.setText("B. Müller")
    carrier.deliver()  # nothing drawn yet
    assert "pad is empty" in station_app.ctx.feedback.banner.text()
    draw_signature(carrier.pad)
    assert len(carrier.pad.strokes) == 1 and len(carrier.pad.strokes[0]) > 50
    carrier.deliver()
    qtbot.waitUntil(lambda: carrier.last_pod is not None, timeout=5000)
    assert carrier.last_pod is not None and carrier.last_pod.read_bytes().startswith(b"%PDF")
    report = track(station_app.ctx.station.db, "RR473124829GB")
    assert report is not None and report.history[-1].event.kind is EventKind.DELIVERED
    ref = report.history[-1].event.signature_ref
    assert ref and (station_app.ctx.data_dir / "signatures" / f"{ref}.png").exists()
    assert report.flags == []


def test_the_carrier_screen_shows_the_customers_choice_at_load_and_at_the_door_and_refuses_a_hold(
    qtbot, station_app: StationApp
) -> None:
    from datetime import UTC, datetime

    from station.desks.choices import ChoicesDesk
    from station.model.choices import CustomerChoice

    made = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    desk = ChoicesDesk(station_app.ctx.station)
    desk.receive([CustomerChoice(1, "RR473124829GB", "safe-place", made, {"place": "behind the blue bin"})])
    desk.receive([CustomerChoice(2, "EE123456785US", "hold", made)])
    station_app.window.resize(1240, 720)  # the window's own size (ui/fit.py): the banner's width
    station_app.window.show()
    carrier = station_app.window.show_mode("carrier")
    assert isinstance(carrier, CarrierMode)
    carrier.handle_scan("RR473124829GB")
    wait_for_banner(qtbot, station_app, 1)
    banner = station_app.ctx.feedback.banner.text()  # what is on screen, not only in the tooltip
    assert "on the round (1) · CUSTOMER CHOSE: leave at a safe place: behind the blue bin" in banner
    assert "customer chose: leave at a safe place" in carrier.round.item(0).text()
    carrier.handle_scan("EE123456785US")
    wait_for_banner(qtbot, station_app, 2)
    assert "hold it at the office for pickup" in station_app.ctx.feedback.banner.text()
    assert carrier.round.count() == 1  # the held item is not on the round
    carrier.stage.setCurrentText(DELIVERING)
    carrier.handle_scan("RR473124829GB")
    wait_for_banner(qtbot, station_app, 3)
    assert "THE CUSTOMER CHOSE: leave at a safe place: behind the blue bin" in carrier.address.text()


def test_counter_accepts_and_the_label_reaches_a_9100_printer(qtbot, station_app: StationApp) -> None:
    printer = VirtualPrinter()
    ctx = station_app.ctx
    ctx.station.config = replace(ctx.station.config, devices=DeviceUrls(printer=printer.url))
    spooler = Spooler(ctx.queue, printer.url, transport_for(ctx.station, printer.url), ctx.bridge.on_printer)
    spooler.start()
    ctx.spoolers[printer.url] = spooler
    assert ctx.counter.init_meter().ok and ctx.counter.credit(10_000).ok
    try:
        counter = station_app.window.show_mode("counter")
        assert isinstance(counter, CounterMode)
        counter.handle_scan("EE123456785US")
        qtbot.waitUntil(lambda: counter.tracking.text() == "EE123456785US")  # looked up on the I/O thread
        counter.on_weight(WeightReading(WeightStatus.OK, 1_200_000, True, b""))  # the scale, stable
        counter.service.setCurrentText("Priority Mail")
        counter.to_zip.setText("94105")
        counter.sender_box.setPlainText("Ann\n1 Main St\nNew York NY 10001")
        counter.recipient.setPlainText("Bob\n2 Market St\nSan Francisco CA 94105")
        assert counter.price.text() == "$36.77"
        qtbot.keyClick(counter, Qt.Key.Key_F9)
        assert printer.wait_for_jobs(1, timeout=10)
        renderer = ZplRenderer()
        try:
            image = renderer.render(printer.jobs[0], 4, 6, 203)[0]
        finally:
            renderer.close()
        codes = {aim: data for _f, aim, data in decode(image)}
        assert codes["]C0"] == b"EE123456785US"
        assert codes["]d1"].startswith(b"PSI1")
        qtbot.waitUntil(lambda: "accepted, $36.77" in ctx.feedback.banner.text(), timeout=5000)
        assert ctx.preview.shown == "label EE123456785US" and not ctx.preview.pixmap().isNull()
    finally:
        spooler.stop()
        printer.close()


def test_track_shows_history_and_saves_a_note(qtbot, station_app: StationApp) -> None:
    desk = station_app.ctx.desk
    desk.record("RR473124829GB", EventKind.DELIVERED, facility="SF", operator="joe")
    screen = station_app.window.show_mode("track")
    assert isinstance(screen, TrackMode)
    screen.handle_scan("rr473124829gb")
    qtbot.waitUntil(lambda: screen.report is not None, timeout=3000)
    assert screen.status.text() == "RR473124829GB: Delivered"
    assert "without an out-for-delivery" in screen.flags.text()
    screen.note.setText("customer called: parcel left with neighbour")
    screen.add(EventKind.NOTE)
    qtbot.waitUntil(lambda: screen.history.rowCount() == 2, timeout=3000)


def test_track_searches_by_name_shows_a_sacks_contents_and_the_proof_of_delivery(
    qtbot, station_app: StationApp
) -> None:
    ctx = station_app.ctx
    assert ctx.counter.init_meter().ok and ctx.counter.credit(10_000).ok
    piece = Piece(500, "10001", "94105", "ground", ("Ann",), ("Bo Lee", "2 Elm St", "San Francisco CA 94105"))
    accepted = ctx.counter.accept(piece, facility="SF", operator="ann")
    assert isinstance(accepted, Acceptance)
    item = accepted.tracking
    assert ctx.depot.open_sack(SACK, facility="SF", operator="dee").ok
    assert ctx.depot.sort(item, SACK, facility="SF", operator="dee").ok
    screen = station_app.window.show_mode("track")
    assert isinstance(screen, TrackMode)
    screen.query.setText("bo lee")  # a name, not an id: a search
    screen.look_up()
    qtbot.waitUntil(lambda: screen.hits.rowCount() == 1, timeout=3000)
    assert screen.status.text() == "1 item for name 'bo lee'"
    cell = screen.hits.item(0, 3)
    assert cell is not None and cell.text() == "Bo Lee, 2 Elm St, San Francisco CA 94105"
    screen.hits.cellActivated.emit(0, 0)  # Enter on the hit: its history
    qtbot.waitUntil(lambda: screen.report is not None and screen.report.item_id == item, timeout=3000)
    assert not screen.proof.isEnabled()  # not delivered yet
    screen.handle_scan(SACK)  # the sack: its contents listed
    qtbot.waitUntil(lambda: screen.report is not None and screen.report.is_sack, timeout=3000)
    assert [screen.contents.item(i).text() for i in range(screen.contents.count())] == [item]
    assert ctx.carrier.load(item, facility="SF", operator="joe").ok
    pad = SignaturePad()
    pad.resize(400, 160)
    draw_signature(pad)
    assert ctx.carrier.deliver(item, pad.signature(), "Bo Lee", facility="SF", operator="joe").ok
    screen.show_id(item)
    qtbot.waitUntil(screen.proof.isEnabled, timeout=3000)
    screen.open_proof()
    picture = [w for w in screen.proof_dialog.findChildren(QLabel) if w.pixmap() and not w.pixmap().isNull()]
    assert picture  # the signature, as the recipient drew it
    assert screen.pod is not None and screen.pod.read_bytes().startswith(b"%PDF")


def test_devices_screen_names_a_bad_url_and_saves_good_ones(
    qtbot, station_app: StationApp, tmp_path: Path
) -> None:
    screen = station_app.window.show_mode("devices")
    assert isinstance(screen, DevicesMode)
    screen.fields["scale"].setText("scale+serial:///dev/ttyUSB1?protocol=dibal")
    screen.save()
    assert "protocol must be" in screen.message.text()
    assert not (tmp_path / "station.toml").exists()
    screen.fields["scale"].setText("scale+serial:///dev/ttyUSB1?protocol=sics")
    screen.save()
    assert "ttyUSB1" in (tmp_path / "station.toml").read_text()


def test_long_demo_load_shows_progress_and_cancel_writes_nothing(qtbot, station_app: StationApp) -> None:
    screen = station_app.window.show_mode("devices")
    assert isinstance(screen, DevicesMode)
    screen.load_demo(items=20_000, confirmed=True)
    qtbot.waitUntil(lambda: screen.demo_progress.value() > 0, timeout=10_000)
    screen.demo_progress.cancel()
    qtbot.waitUntil(lambda: "cancelled" in screen.message.text(), timeout=10_000)
    assert station_app.ctx.station.journal.count() == 0
    screen.load_demo(items=300, confirmed=True)
    qtbot.waitUntil(lambda: "items=300" in screen.message.text(), timeout=20_000)
    assert station_app.ctx.station.journal.count() > 300


def test_a_csv_batch_is_queued_with_progress(qtbot, station_app: StationApp, tmp_path: Path) -> None:
    screen = station_app.window.show_mode("devices")
    assert isinstance(screen, DevicesMode)
    rows = tmp_path / "batch.csv"
    lines = [f"{S10.build('CP', 30_000_000 + i, 'US').text},Ann|1 Main St,Bob|2 Elm St" for i in range(40)]
    rows.write_text("tracking,from,to\n" + "\n".join(lines) + "\n")
    screen.print_batch(str(rows))
    qtbot.waitUntil(lambda: "batch of 40 labels queued" in screen.message.text(), timeout=20_000)
    assert len(station_app.ctx.queue.jobs()) == 40


def _item_on_the_counter(qtbot: Any, station_app: StationApp, item: str) -> CounterMode:
    """A funded meter, the counter showing, the item scanned, the scale settled, the address typed."""
    ctx = station_app.ctx
    assert ctx.counter.init_meter().ok and ctx.counter.credit(10_000).ok
    counter = station_app.window.show_mode("counter")
    assert isinstance(counter, CounterMode)
    counter.handle_scan(item)
    qtbot.waitUntil(lambda: counter.tracking.text() == item)  # looked up on the I/O thread
    counter.on_weight(WeightReading(WeightStatus.OK, 400_000, True, b""))
    counter.recipient.setPlainText("Eve\n3 Oak St\nChicago IL 60601")
    return counter


def test_counter_opt_in_number_with_the_acceptance_and_the_receipt_with_the_payment(
    qtbot, station_app: StationApp
) -> None:
    ctx = station_app.ctx
    counter = _item_on_the_counter(qtbot, station_app, "RR473124829GB")
    counter.to_zip.setText("60601")
    counter.phone.setText("12")
    counter.accept_piece()
    assert "not a valid number" in ctx.feedback.banner.text()  # refused before anything was charged
    counter.phone.setText("(201) 555-0123")
    counter.accept_piece()
    qtbot.waitUntil(lambda: counter.last is not None, timeout=5000)
    assert [j.format for j in ctx.queue.jobs()] == ["zpl"]  # the receipt comes with the payment
    ctx.feedback.acknowledge()  # the refused number's red banner was seen
    counter.pay_cash("100.00")
    qtbot.waitUntil(lambda: counter.basket is None, timeout=5000)
    assert "change $" in ctx.feedback.banner.text()
    jobs = ctx.queue.jobs()
    assert [j.format for j in jobs] == ["zpl", "escpos"]
    with ctx.station.db.reading() as conn:
        assert conn.execute("SELECT template FROM sms_outbox").fetchall()[0][0] == "optin_request"
    track_screen = station_app.window.show_mode("track")
    assert isinstance(track_screen, TrackMode)
    track_screen.handle_scan("RR473124829GB")
    qtbot.waitUntil(lambda: "expected" in track_screen.status.text(), timeout=3000)


def test_the_cases_screen_opens_notes_and_resolves_a_case_and_the_counter_closes_the_till(
    qtbot, station_app: StationApp
) -> None:
    from station.office.cases import CaseState
    from ui.modes.cases import CasesMode

    ctx = station_app.ctx
    counter = _item_on_the_counter(qtbot, station_app, "RR473124829GB")
    counter.accept_piece()
    qtbot.waitUntil(lambda: counter.last is not None, timeout=5000)
    cases = station_app.window.show_mode("cases")
    assert isinstance(cases, CasesMode)
    cases.handle_scan("RR473124829GB")
    cases.kind.setCurrentIndex(cases.kind.findData("damaged"))
    cases.note.setText("corner crushed at the counter")
    cases.open_case()
    qtbot.waitUntil(lambda: cases.cases.count() == 1, timeout=5000)
    cases.cases.setCurrentRow(0)
    qtbot.waitUntil(lambda: "corner crushed" in cases.file.toPlainText(), timeout=5000)
    assert "acceptance" in cases.file.toPlainText() and "dispute" in cases.file.toPlainText()
    cases.note.setText("customer takes it anyway")
    cases.resolve()
    qtbot.waitUntil(lambda: cases.cases.count() == 0, timeout=5000)
    assert [c.state for c in ctx.cases.listing()] == [CaseState.RESOLVED]
    assert station_app.window.show_mode("counter") is counter
    counter.close_till("0.00")  # the piece is in an open basket: the till does not close
    qtbot.waitUntil(lambda: "basket 1 (" in ctx.feedback.banner.full_text, timeout=5000)
    assert "holds 1 unpaid piece (RR473124829GB" in ctx.feedback.banner.full_text
    ctx.feedback.acknowledge()
    counter.pay_cash("50.00")
    qtbot.waitUntil(lambda: counter.basket is None, timeout=5000)
    counter.close_till("50.00")
    qtbot.waitUntil(lambda: "closed: reconciled" in ctx.feedback.banner.text(), timeout=5000)
    assert any(j.description.startswith("till ") for j in ctx.queue.jobs())


def test_issue_29_finding_10_the_window_says_at_once_what_a_stop_left_in_flight(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from PySide6.QtWidgets import QApplication

    from station.app import Station
    from station.config import StationConfig
    from ui.app import build

    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    Station.open(tmp_path / "station.sqlite3", StationConfig()).close()
    with sqlite3.connect(tmp_path / "station.sqlite3") as conn:  # a counter process killed mid-payment
        conn.execute(
            "INSERT INTO in_flight (kind, subject, basket_id, operator, pid, started_at)"
            " VALUES ('payment', 'basket 7', 7, 'ann', 999999, '2026-11-02T09:00:00+00:00')"
        )
    station = Station.open(tmp_path / "station.sqlite3", StationConfig())
    app = build(station, start_devices=False, sounds=False)
    qtbot.addWidget(app.window)
    app.window.show()
    try:
        qtbot.waitUntil(lambda: "AFTER A STOP" in app.ctx.feedback.banner.text(), timeout=5000)
        assert "NOT DONE" in app.ctx.feedback.banner.text()  # the verdict first: never cut off
        assert "payment of basket 7 by ann" in app.ctx.feedback.banner.full_text
        assert any(j.description == "recovery receipt basket 7" for j in app.ctx.queue.jobs())
    finally:
        QApplication.instance().removeEventFilter(app.wedge)  # type: ignore[union-attr]
        app.close()


def test_track_shows_the_door_photo_of_an_item_left_in_a_safe_place(qtbot, station_app: StationApp) -> None:
    from hardware.camera.photo import door_photo
    from tests.hardware.photos import door_scene

    ctx = station_app.ctx
    item = "EE123456785US"
    assert ctx.carrier.load(item, facility="SF", operator="joe").ok
    photo = door_photo(door_scene(800, 500).image).jpeg
    done = ctx.carrier.deliver(
        item, None, "", photo=photo, safe_place="in the porch", facility="SF", operator="joe"
    )
    assert done.ok, done.reason
    screen = station_app.window.show_mode("track")
    assert isinstance(screen, TrackMode)
    screen.show_id(item)
    qtbot.waitUntil(screen.proof.isEnabled, timeout=3000)
    screen.open_proof()
    shown = [
        w.pixmap() for w in screen.proof_dialog.findChildren(QLabel) if w.pixmap() and not w.pixmap().isNull()
    ]
    assert [p.width() for p in shown] == [480]  # the photo (no signature: nobody signed), scaled to 480
    texts = [w.text() for w in screen.proof_dialog.findChildren(QLabel)]
    assert "left in a safe place (photo)" in texts


def test_the_counter_lists_every_service_side_by_side_and_arrows_choose(
    qtbot, station_app: StationApp
) -> None:
    # Issue 34, item 5: once the weight and the destination are known, each service shows its price and
    # day, the cheapest and the fastest marked; Down moves the choice, and the price follows it.
    counter = station_app.window.show_mode("counter")
    assert isinstance(counter, CounterMode)
    counter.on_weight(WeightReading(WeightStatus.OK, 1_200_000, True, b""))
    counter.to_zip.setText("94105")
    texts = lambda: [counter.service.itemText(i) for i in range(counter.service.count())]  # noqa: E731
    qtbot.waitUntil(lambda: any("CHEAPEST" in t for t in texts()), timeout=5000)
    ground = texts()[counter.service.findData("ground")]
    assert ground.startswith("Ground Advantage  $") and "CHEAPEST" in ground
    assert "FASTEST" in texts()[counter.service.findData("express")]
    assert "not for this piece" in texts()[counter.service.findData("letter")]  # 1.2 kg is no letter
    counter.service.setCurrentIndex(counter.service.findData("ground"))
    before = counter.price.text()
    counter.service.setFocus()
    qtbot.keyClick(counter.service, Qt.Key.Key_Down)
    assert counter.service.currentData() == "priority"
    assert counter.price.text() != before and counter.price.text() in texts()[counter.service.currentIndex()]
    counter.cancel_item()  # the next customer: no prices of this one left in the list
    counter.on_weight(WeightReading(WeightStatus.MOTION, None, False, b""))
    counter.update_price()
    assert "Ground Advantage" in texts() and not any("$" in t for t in texts())


def test_a_known_sender_is_offered_by_name_or_account_and_fills_the_sender(
    qtbot, station_app: StationApp
) -> None:
    # Issue 34, item 7: kept at the station, offered as the clerk types (the most used first).
    ctx = station_app.ctx
    assert ctx.desks.senders.add(
        ("Acme Widgets", "5 Industrial Way", "Newark NJ 07105"), account="ACME-0042"
    ).ok
    assert ctx.desks.senders.add(("Bo Lee", "2 Elm St", "San Francisco CA 94105")).ok
    counter = station_app.window.show_mode("counter")
    assert isinstance(counter, CounterMode)
    counter.focus_sender()  # Ctrl+Shift+S: the senders read again
    qtbot.waitUntil(lambda: len(counter.known_sender_lines) == 2, timeout=3000)
    completer = counter.sender_completer
    completer.setCompletionPrefix("0042")  # the account, anywhere in the entry
    assert completer.currentCompletion() == "Acme Widgets, 5 Industrial Way, Newark NJ 07105  [ACME-0042]"
    completer.activated.emit(completer.currentCompletion())
    assert counter.sender_box.toPlainText() == "Acme Widgets\n5 Industrial Way\nNewark NJ 07105"
    counter.basket = 7  # a customer's basket open: the sender stays for their next piece
    counter._clear_form()
    assert counter.sender_box.toPlainText().startswith("Acme Widgets")
    counter.basket = None
    counter._clear_form()
    assert counter.sender_box.toPlainText() == ""
