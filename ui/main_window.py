"""The station window: screen list on the left, the scan banner and reject tray on top, device states
in the status bar. Hotkeys come from `ui.keymap` (F1 shows them)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hardware.printers.spooler import SpoolEvent
from hardware.protocols import DeviceState, DeviceStatus, RawScan
from hardware.sms.sender import SOURCE as TEXTS
from station.desks.outcome import Outcome
from station.desks.sync import SyncReport
from station.model.words import number_of
from ui.context import AppContext, Session
from ui.fit import out_of_view, scrolling, window_size
from ui.keymap import ALL, action_for, for_screen, keys, screen_key
from ui.modes.base import Mode
from ui.modes.carrier import CarrierMode
from ui.modes.cases import CasesMode
from ui.modes.counter import CounterMode
from ui.modes.depot import DepotMode
from ui.modes.devices import DevicesMode
from ui.modes.fraud import FraudMode
from ui.modes.insights import InsightsMode
from ui.modes.operators import OperatorsMode
from ui.modes.pickup import PickupMode
from ui.modes.track import TrackMode
from ui.widgets.sign_in import SignInPage

MODES = (
    CounterMode,
    DepotMode,
    CarrierMode,
    PickupMode,
    TrackMode,
    DevicesMode,
    CasesMode,
    FraudMode,
    InsightsMode,
    OperatorsMode,
)
log = logging.getLogger(__name__)
STAFF_WATCH_MS = 3000


class ActivityFilter(QObject):
    """Every key press and click restarts the idle lock's count (it never swallows an event)."""

    def __init__(self, on_activity: Callable[[], None]) -> None:
        super().__init__()
        self._on_activity = on_activity

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self._on_activity()
        return False


class MainWindow(QMainWindow):
    """Switch screens with F2-F6 or the list; every scan goes to the screen that is showing."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Parcel Station - {ctx.facility} ({ctx.station.station_id})")
        self.modes: dict[str, Mode] = {}
        self.stack = QStackedWidget()
        self.menu = QListWidget()
        self.menu.setStyleSheet("font-size:18px")
        self.menu.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for mode_class in MODES:
            mode = mode_class(ctx)
            self.modes[mode.name] = mode
            # Each screen scrolls inside its place: no screen's size grows the window (typing a
            # country once made it 1010 px high, past the screen, and it never shrank).
            self.stack.addWidget(scrolling(mode))
            self.menu.addItem(f"{screen_key(mode.name)}  {mode.title}")
        self.menu.addItem("F1  Keys")
        # As wide as its longest entry, fixed: every screen keeps the same width, nothing moves.
        self.menu.ensurePolished()
        entries = [self.menu.item(row).text() for row in range(self.menu.count())]
        widest = max(self.menu.fontMetrics().horizontalAdvance(entry) for entry in entries)
        self.menu.setFixedWidth(widest + 2 * self.menu.frameWidth() + 16)
        self.shortcuts = [QShortcut(QKeySequence(key), self, lambda k=key: self.hotkey(k)) for key in keys()]
        self.menu.currentRowChanged.connect(self._switch)
        self.sign_in = SignInPage()
        self.sign_in.submitted.connect(self._sign_in)
        self.stack.addWidget(self.sign_in)  # shown while locked, after the screens
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        self.activity = ActivityFilter(self.restart_idle)
        right = QVBoxLayout()
        right.addWidget(ctx.feedback.banner)
        right.addWidget(ctx.feedback.tray)
        right.addWidget(self.stack, 1)
        body = QHBoxLayout()
        body.addWidget(self.menu)
        body.addLayout(right, 1)
        body.addWidget(ctx.preview)
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)
        self.device_labels: dict[str, QLabel] = {}
        self.printer_label = QLabel("printer: idle")
        self._put_away: dict[str, list[str]] = {}  # each clerk's rejects put away at a lock
        self.unprinted_jobs: set[int] = set()  # told on the banner as not printed, not printed since
        self.camera_label = QLabel("")
        for label in (self.printer_label, self.camera_label):  # a long status never widens the window
            label.setMaximumWidth(460)
        self.hub_label = QLabel("")
        self.hub_label.setMaximumWidth(360)
        self.statusBar().addPermanentWidget(self.hub_label)
        self.statusBar().addPermanentWidget(self.camera_label)
        self.statusBar().addPermanentWidget(self.printer_label)
        ctx.bridge.scanned.connect(self.on_device_scan)
        ctx.bridge.camera_scanned.connect(self.on_camera_scan)
        ctx.bridge.status.connect(self.on_device_status)
        ctx.bridge.printer.connect(self.on_printer)
        ctx.bridge.error.connect(self.on_device_error)
        ctx.bridge.hub.connect(self.on_hub)
        self.key_map: QDialog | None = None
        self.fit_check = QTimer(self)  # the layout checked once things settle after a switch or resize
        self.fit_check.setSingleShot(True)
        self.fit_check.setInterval(150)
        self.fit_check.timeout.connect(self.check_fit)
        self._fit_to_screen()
        self.menu.setCurrentRow(0)
        # A station with no operators yet learns of the first one added elsewhere (`station operator add`
        # in a shell) within seconds, and locks: from then on nobody works at it unnamed.
        self.staff_watch = QTimer(self)
        self.staff_watch.setInterval(STAFF_WATCH_MS)
        self.staff_watch.timeout.connect(self._watch_staff)
        if ctx.staffed:
            self.lock()
        else:
            self.staff_watch.start()

    def _fit_to_screen(self) -> None:
        screen = self.screen()
        if screen is not None:
            self.resize(*window_size(screen.availableGeometry()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit_check.start()

    def check_fit(self) -> list[str]:
        """What must be in view and is not (the banner, the status bar, the screen's own: Accept and the
        basket at the Counter), logged with the window's size so a clerk's "I cannot see Accept" is read
        from the log; the window's frame is checked against the screen's free area too."""
        widgets: dict[str, QWidget] = {"banner": self.ctx.feedback.banner, "status bar": self.statusBar()}
        if not self.locked:
            widgets.update(self.current.always_in_view())
        missing = out_of_view(widgets)
        frame, screen = self.frameGeometry(), self.screen()
        if screen is not None and not screen.geometry().contains(frame):
            missing.append("the window's edge")
        size = f"{frame.width()}x{frame.height()} at {frame.x()},{frame.y()}"
        where = f"{screen.geometry().width()}x{screen.geometry().height()}" if screen is not None else "?"
        seen = "all in view" if not missing else "OUT OF VIEW: " + ", ".join(missing)
        log.log(logging.WARNING if missing else logging.INFO, "layout: %s on %s: %s", size, where, seen)
        return missing

    def _watch_staff(self) -> None:
        desk = self.ctx.operators
        self.ctx.background.run(desk.staffed, self._staffed)

    def _staffed(self, staffed: bool | None, error: BaseException | None) -> None:
        if error is not None or not staffed or self.ctx.staffed:
            return
        self.staff_watch.stop()
        self.ctx.staffed = True
        log.info("operators were added elsewhere: the window locks for a sign-in")
        self.lock()
        self.ctx.feedback.idle(
            "this station has operators now: scan your badge (or type your name), then your PIN"
        )

    @property
    def locked(self) -> bool:
        """Nobody signed in at a station with operators: only the sign-in page works."""
        return self.ctx.staffed and self.ctx.session is None

    def lock(self) -> None:
        """The sign-in page, and nothing else, until someone signs in (idle time, or Ctrl+L)."""
        if not self.ctx.staffed:
            self.ctx.feedback.bad("this station has no operators: `station operator add` makes the first")
            return
        if self.ctx.session is not None:
            log.info("window locked; %s signed out", self.ctx.session.name)
            name, kept = self.ctx.session.name, self.ctx.feedback.tray.put_away()
            self._put_away[name] = self._put_away.get(name, []) + kept
            if kept:
                hidden = number_of(len(kept), "reject")
                log.info("window locked: %s of %s put away until they sign in", hidden, name)
        for dialog in self.findChildren(QDialog):  # nothing of the last customer's stays on top, editable
            if dialog.isVisible():
                log.info("window locked: the %r dialog put away", dialog.windowTitle())
                dialog.reject()
        self.ctx.preview.hide()  # the last label shows a customer's name and address
        self.ctx.session = None
        self.idle_timer.stop()
        self.menu.setEnabled(False)
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.reset()
        self.ctx.feedback.idle("locked: scan your badge, then your PIN and Enter")

    def _sign_in(self, who: str, pin: str) -> None:
        desk = self.ctx.operators
        self.ctx.background.run(lambda: desk.sign_in(who, pin), self._signed_in)

    def _signed_in(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None or not outcome.ok or outcome.id is None:
            self.ctx.feedback.bad(f"not signed in: {outcome.reason if outcome else error}", counted=False)
            self.sign_in.reset()
            return
        screens = frozenset(outcome.details["screens"])
        self.ctx.session = Session(outcome.id, str(outcome.details["role"]), screens)
        for row, name in enumerate(self.modes):
            item = self.menu.item(row)
            if item is not None:
                item.setHidden(name not in screens)
        self.menu.setEnabled(True)
        self.ctx.preview.show()
        self.ctx.feedback.tray.bring_back(self._put_away.pop(outcome.id, []))  # theirs only
        self.restart_idle()
        first = next(name for name in self.modes if name in screens)
        self.stack.setCurrentIndex(list(self.modes).index(first))
        self.menu.setCurrentRow(list(self.modes).index(first))
        self._switch(list(self.modes).index(first))
        self.ctx.feedback.good(f"signed in: {outcome.id} ({self.ctx.session.role})", counted=False)

    def restart_idle(self) -> None:
        """A key or a click: the idle lock starts counting again."""
        if self.ctx.staffed and self.ctx.session is not None:
            self.idle_timer.start(max(5, self.ctx.station.config.lock_after_s) * 1000)

    def show_mode(self, name: str) -> Mode:
        """Bring a screen to the front (not one the signed-in role does not use)."""
        session = self.ctx.session
        if self.locked:
            return self.current
        if session is not None and name not in session.screens:
            self.ctx.feedback.bad(
                f"{session.name} is a {session.role}: the {self.modes[name].title} screen is not theirs"
            )
            return self.current
        self.menu.setCurrentRow(list(self.modes).index(name))
        return self.modes[name]

    @property
    def current(self) -> Mode:
        """The screen showing (the last one shown, while locked)."""
        index = self.stack.currentIndex()
        if not 0 <= index < len(self.modes):  # the sign-in page
            index = max(0, self.menu.currentRow()) % len(self.modes)
        return list(self.modes.values())[index]

    def _switch(self, row: int) -> None:
        if self.locked:
            return
        if row >= len(self.modes):  # the "Keys" entry
            self.menu.setCurrentRow(self.stack.currentIndex())
            self.show_key_map()
            return
        self.stack.setCurrentIndex(row)
        mode = self.current
        self.ctx.feedback.idle(f"{mode.title}: {mode.hint}   (F1: keys)")
        mode.activated()
        mode.focus_scan_target()
        log.info("screen shown: %s", mode.name)
        self.fit_check.start()

    def hotkey(self, key: str) -> None:
        """A key of the key map: the showing screen's action for it, else the window's."""
        mode = self.current
        found = action_for(key, mode.name)
        if found is None or self.locked:
            return
        target: object = self if found.screen == ALL else mode
        getattr(target, found.action)()
        if found.screen != ALL:
            mode.focus_scan_target()
        # What the clerk pressed and what it did, in order with the answers (a report of "I pressed
        # F9 and nothing happened" is read from here).
        log.info("key %s: %s", key, found.action)
        self.fit_check.start()  # what a key changed on the screen is checked to be in view

    def go_counter(self) -> None:
        """F2."""
        self.show_mode("counter")

    def go_depot(self) -> None:
        """F3."""
        self.show_mode("depot")

    def go_carrier(self) -> None:
        """F4."""
        self.show_mode("carrier")

    def go_pickup(self) -> None:
        """Ctrl+Shift+H."""
        self.show_mode("pickup")

    def go_track(self) -> None:
        """F5."""
        self.show_mode("track")

    def go_devices(self) -> None:
        """F6."""
        self.show_mode("devices")

    def go_cases(self) -> None:
        """Ctrl+Shift+E."""
        self.show_mode("cases")

    def go_fraud(self) -> None:
        """Ctrl+G."""
        self.show_mode("fraud")

    def go_insights(self) -> None:
        """Ctrl+I."""
        self.show_mode("insights")

    def go_operators(self) -> None:
        """Ctrl+Shift+O."""
        self.show_mode("operators")

    def change_my_pin(self) -> None:
        """Ctrl+Shift+P: the signed-in operator's own new PIN (the one they have first)."""
        session = self.ctx.session
        if session is None:
            self.ctx.feedback.bad("sign in first: a PIN is changed by the operator who has it")
            return
        mode = self.current
        old = mode.ask("Your PIN", f"{session.name}, the PIN you have", secret=True)
        if old is None:
            return
        new = mode.ask("Your new PIN", "your new PIN (4 to 12 digits, or 8+ characters)", secret=True)
        if new is None:
            return
        again = mode.ask("Your new PIN again", "your new PIN again", secret=True)
        if again is None:
            return
        if again != new:
            self.ctx.feedback.bad("the two new PINs differ: your PIN was not changed")
            return
        desk = self.ctx.operators
        self.ctx.background.run(lambda: desk.change_pin(session.name, old, new), self._pin_changed)

    def _pin_changed(self, done: Outcome | None, error: BaseException | None) -> None:
        if error is not None or done is None:
            self.ctx.feedback.bad(f"PIN not changed: {error}")
        elif done.ok:
            self.ctx.feedback.good(done.text)
        else:
            self.ctx.feedback.bad(done.text)

    def show_key_map(self) -> None:
        """F1: the keys of the screen showing, from the one key table."""
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Keys - {self.current.title}")
        rows = for_screen(self.current.name)
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Key", "Does"])
        for row, hotkey in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(hotkey.key))
            table.setItem(row, 1, QTableWidgetItem(hotkey.words))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Esc closes this list"))
        layout.addWidget(table)
        dialog.resize(520, 560)
        self.key_map = dialog
        dialog.finished.connect(lambda _: self.back_from_dialog())
        dialog.open()

    def back_from_dialog(self) -> None:
        """A dialog closed: the window takes the keys again (without a window manager nobody else
        activates it, and its hotkeys would stay dead)."""
        self.activateWindow()
        self.current.focus_scan_target()

    def toggle_camera(self) -> None:
        """F11: camera scans are ignored while paused (the camera keeps running, so it resumes at once)."""
        self.ctx.camera_paused = not self.ctx.camera_paused
        paused = self.ctx.camera_paused
        self.camera_label.setText("CAMERA PAUSED (F11)" if paused else "")
        self.camera_label.setStyleSheet("color:#b3261e;font-weight:bold" if paused else "")
        self.ctx.feedback.idle("camera paused: F11 resumes it" if paused else "camera on")

    def acknowledge_rejects(self) -> None:
        """F12."""
        self.ctx.feedback.acknowledge()

    def on_scan(self, text: str) -> None:
        """A keyboard-wedge scan."""
        self._route(text)

    def on_stray_keys(self, count: int) -> None:
        """Keys typed where no field takes them: said, never dropped in silence."""
        log.info("%d keys typed outside a field", count)
        self.ctx.feedback.bad(
            f"{count} {'key' if count == 1 else 'keys'} typed outside a field went nowhere:"
            " click the field first, or scan again"
        )

    def on_device_scan(self, scan: RawScan) -> None:
        """A serial or network scan."""
        self._route(scan.data.decode("utf-8", "replace"))

    def on_camera_scan(self, scan: RawScan) -> None:
        """A camera scan, unless the camera is paused (F11)."""
        if self.ctx.camera_paused:
            log.info("camera scan ignored: the camera is paused")
            return
        self._route(scan.data.decode("utf-8", "replace"))

    def _route(self, text: str) -> None:
        """A scan goes to the sign-in while locked, to a dialog that asked for one, else to the screen."""
        # Where each scan went, never what it held (a badge is a credential).
        if self.locked:
            self.sign_in.handle_scan(text)
            log.info("scan taken by the sign-in")
        elif self.ctx.scan_sink is not None:
            self.ctx.scan_sink(text)
            log.info("scan taken by a dialog")
        else:
            self.restart_idle()
            self.current.handle_scan(text)
            log.info("scan taken by the %s screen", self.current.name)

    def on_device_status(self, status: DeviceStatus) -> None:
        """Each device's state in the status bar."""
        label = self.device_labels.get(status.source)
        if label is None:
            label = self.device_labels[status.source] = QLabel()
            label.setMinimumWidth(160)
            label.setMaximumWidth(320)  # a long detail never widens the window
            self.statusBar().addWidget(label)
        ok = status.state is DeviceState.CONNECTED
        url = status.source.split("?")[0]
        if status.source == TEXTS:  # the SMS sender says what waits, not a connection state
            label.setText(status.detail)
        else:
            label.setText(f"{url.rstrip(':') if url.endswith(':') else url}: {status.state}")  # not "demo::"
        label.setToolTip(status.detail)
        label.setStyleSheet("" if ok else "color:#b3261e;font-weight:bold")

    def on_printer(self, event: SpoolEvent) -> None:
        """Printed, or why not. A job that did not print is a red answer on the banner (once per job, not
        per retry), so no clerk hands over a receipt for a parcel with no label; it is said again when it
        prints at last."""
        self.printer_label.setText(("printer: " if event.printed else "PRINTER: ") + event.message[:80])
        self.printer_label.setStyleSheet("" if event.printed else "color:#b3261e;font-weight:bold")
        if event.job_id is None:
            return
        if not event.printed and event.job_id not in self.unprinted_jobs:
            self.unprinted_jobs.add(event.job_id)
            self.ctx.feedback.bad(f"NOT PRINTED (job {event.job_id}): {event.message}")
        elif event.printed and event.job_id in self.unprinted_jobs:
            self.unprinted_jobs.discard(event.job_id)
            self.ctx.feedback.good(
                f"printed at last (job {event.job_id}): {event.message.removeprefix('printed ')}"
            )

    def on_hub(self, report: SyncReport) -> None:
        """The hub's state after each background push."""
        self.hub_label.setText(report.status(self.ctx.station.config.time_zone))
        self.hub_label.setToolTip(report.problem or "")
        bad = report.refused or not report.online or report.clock_warning is not None
        self.hub_label.setStyleSheet("color:#b3261e;font-weight:bold" if bad else "")

    def on_device_error(self, message: str) -> None:
        """A device problem the operator should see."""
        self.statusBar().showMessage(message, 8000)
