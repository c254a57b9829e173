"""The locker's own screen (`station locker screen`): a keypad where the addressee types the code they
were texted, and the door opens. Nobody signs in: it is the public's screen, so it shows nothing of
anyone's parcel but the door to open. The lock board is driven on the station's I/O thread; the screen
asks the sensors every few seconds and says which door to close when one is left open.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from station.desks.lockers import DoorNow, LockerDesk
from station.desks.outcome import Outcome
from ui.background import Background

log = logging.getLogger(__name__)
SENSOR_POLL_MS = 2000
LEFT_OPEN_S = 20.0  # a door open this long after its item was taken is called out
GREEN, RED, GREY = "#1b7f3b", "#b3261e", "#444"


class LockerWindow(QWidget):
    """Type your code, Enter: your door opens."""

    def __init__(self, desk: LockerDesk) -> None:
        super().__init__()
        self.desk = desk
        self.background = Background(self)
        self.setWindowTitle("Parcel locker")
        title = QLabel("Parcel locker")
        title.setStyleSheet("font-size:32px;font-weight:bold")
        self.code = QLineEdit()
        self.code.setPlaceholderText("type the code from your text message, then Enter")
        self.code.setMaxLength(12)
        self.code.setStyleSheet("font-size:40px;letter-spacing:8px")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.returnPressed.connect(self.submit)
        self.answer = QLabel("")
        self.answer.setWordWrap(True)
        self.answer.setStyleSheet(f"font-size:26px;color:{GREY}")
        self.doors = QLabel("")
        self.doors.setStyleSheet(f"font-size:22px;color:{RED}")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.code)
        layout.addWidget(self.answer, 1)
        layout.addWidget(self.doors)
        QShortcut(QKeySequence("Esc"), self, self.code.clear)
        self.open_since: dict[int, float] = {}
        self.busy = False
        self.poll = QTimer(self)
        self.poll.setInterval(SENSOR_POLL_MS)
        self.poll.timeout.connect(self.look_at_doors)
        self.poll.start()
        self.resize(900, 520)

    def submit(self) -> None:
        """Enter: the code goes to the locker desk (never shown, never logged)."""
        code = self.code.text().strip()
        self.code.clear()
        if not code or self.busy:
            return
        self.busy = True
        self.answer.setStyleSheet(f"font-size:26px;color:{GREY}")
        self.answer.setText("one moment...")
        desk = self.desk
        self.background.run(lambda: desk.collect(code), self._opened)

    def _opened(self, outcome: Outcome | None, error: BaseException | None) -> None:
        self.busy = False
        if error is not None or outcome is None:
            self._say("the locker cannot open a door now: please ask at the counter", RED)
            return
        door = outcome.details.get("door")
        if outcome.ok and isinstance(door, int):
            self.open_since[door] = time.monotonic()
        log.info("locker: %s", "door opened" if outcome.ok else "refused")
        self._say(outcome.message if outcome.ok else str(outcome.reason), GREEN if outcome.ok else RED)
        self.code.setFocus()

    def _say(self, text: str, colour: str) -> None:
        self.answer.setStyleSheet(f"font-size:26px;color:{colour}")
        self.answer.setText(text)

    def look_at_doors(self) -> None:
        """Every few seconds: which doors are open (a door left open is called out)."""
        self.background.run(self.desk.status, self._doors)

    def _doors(self, doors: list[DoorNow] | None, error: BaseException | None) -> None:
        if error is not None or doors is None:
            return
        now = time.monotonic()
        open_now = {d.door.door for d in doors if d.sensor_open}
        silent = all(d.sensor_open is None for d in doors)
        for door in list(self.open_since):
            if door not in open_now:
                del self.open_since[door]
        for door in open_now:
            self.open_since.setdefault(door, now)
        left = sorted(d for d, since in self.open_since.items() if now - since >= LEFT_OPEN_S)
        if silent:
            self.doors.setText("the locker is not answering: please ask at the counter")
        elif left:
            self.doors.setText("please close door " + ", ".join(str(d) for d in left))
            log.warning("locker: door(s) left open: %s", left)
        else:
            self.doors.setText("")

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        """Stop the I/O thread with the window."""
        self.poll.stop()
        self.background.stop()
        super().closeEvent(event)  # type: ignore[arg-type]


def run_locker(desk: LockerDesk) -> int:
    """Show the locker's screen until it is closed."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["station-locker"])
    window = LockerWindow(desk)
    window.show()
    window.code.setFocus()
    log.info("locker: window ready")
    return int(app.exec())
