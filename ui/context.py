"""What every screen needs: the station, the I/O thread, devices, feedback. Built once by ui.app."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from hardware.printers.spooler import Spooler
from station.app import Station
from station.desks.factory import Desks
from station.desks.outcome import Outcome
from station.office import operators
from station.printing.queue import PrintQueue
from ui.background import Background
from ui.bridge import DeviceBridge
from ui.sounds import Sounds
from ui.widgets.label_preview import LabelPreview
from ui.widgets.reject_tray import RejectTray
from ui.widgets.scan_banner import ScanBanner

log = logging.getLogger(__name__)


class ScaleControl(Protocol):
    """What the counter asks of a scale besides its readings."""

    def command(self, name: str) -> str:
        """Send `zero` or `tare`; returns what the operator is told."""
        ...


class Feedback(QObject):
    """Green/red banner, reject tray and sound; `shown` lets tests and the benchmarks see each answer.

    A reject holds the banner for at least `HOLD_BAD_S`: good answers in that time are counted and shown
    in the tray (with their sound) but do not paint over the red one. Every answer is logged, so a run
    can be checked from outside the window.
    """

    shown = Signal(bool, str, float)  # ok, text, monotonic time shown
    HOLD_BAD_S = 2.0

    def __init__(self, banner: ScanBanner, sounds: Sounds, tray: RejectTray | None = None) -> None:
        super().__init__()
        self.banner = banner
        self.sounds = sounds
        self.tray = tray or RejectTray()
        self._bad_until = 0.0

    def good(self, text: str, *, counted: bool = True) -> None:
        """A green banner (or the tray, while a reject is held) and the good sound. `counted`: an answer
        to a scan or an act at the counter (a sign-in is none: the tray's counts are the work's)."""
        now = time.monotonic()
        self.tray.add_good(text, counted=counted)
        if now >= self._bad_until:
            self.banner.show_good(text)
        self.sounds.play("good")
        log.info("answer ok: %s", text)
        self.shown.emit(True, text, now)

    def show(self, answer: Outcome) -> None:
        """A desk's answer: green with its message, or red with its reason."""
        if answer.ok:
            self.good(answer.text + (f"  ({answer.warning})" if answer.warning else ""))
        else:
            self.bad(answer.text)

    def bad(self, text: str, *, counted: bool = True) -> None:
        """A red banner with the reason, into the tray, and the bad sound (`counted`: as for `good`)."""
        now = time.monotonic()
        self._bad_until = now + self.HOLD_BAD_S
        self.banner.show_bad(text)
        self.tray.add_reject(text, counted=counted)
        self.sounds.play("bad")
        log.info("answer refused: %s", text)
        self.shown.emit(False, text, now)

    def idle(self, text: str) -> None:
        """What the screen now showing waits for (switching screens never leaves a stale answer)."""
        self._bad_until = 0.0
        self.banner.show_idle(text)

    def acknowledge(self) -> None:
        """F12: the rejects were seen."""
        self.tray.acknowledge()
        self._bad_until = 0.0
        if self.banner.good is False:
            self.banner.show_idle("rejects acknowledged: ready to scan")


@dataclass(frozen=True)
class Session:
    """Who is signed in at the window, and the screens their role uses."""

    name: str
    role: str
    screens: frozenset[str]


@dataclass
class AppContext:
    """Shared by the screens."""

    station: Station
    background: Background
    bridge: DeviceBridge
    feedback: Feedback
    spoolers: dict[str, Spooler] = field(default_factory=dict)
    preview: LabelPreview = field(default_factory=LabelPreview)
    camera_paused: bool = False
    scale: ScaleControl | None = None  # the running scale, for zero and tare from the keyboard
    # The devices the window runs a driver for (scanner, camera, scale), by role: the URL text each
    # driver's status reports name it by. The doctor does not open these a second time.
    held: dict[str, str] = field(default_factory=dict)
    restart_devices: Callable[[], None] | None = None  # set by ui.app: the Devices screen's save uses it
    session: Session | None = None  # None: nobody signed in (or a station without operators)
    staffed: bool = False  # the station has operators: the window opens on the sign-in
    scan_sink: Callable[[str], None] | None = None  # a dialog that takes scans (a supervisor's badge)

    def __post_init__(self) -> None:
        # The desks run on the I/O thread (`background.run`); screens only read widgets and show answers.
        self.desks = Desks(self.station)  # the hub, when there is one, is connected by ui.app
        self.desk = self.desks.scan
        self.counter = self.desks.counter
        self.depot = self.desks.depot
        self.carrier = self.desks.carrier
        self.tracker = self.desks.track
        self.printing = self.desks.printing
        self.queue = PrintQueue(self.station.db, self.station.clock)
        self.operators = self.desks.operators
        self.baskets = self.desks.baskets
        self.voids = self.desks.voids
        self.till = self.desks.till
        self.cases = self.desks.cases
        self.fraud = self.desks.fraud
        self.insights = self.desks.insights
        with self.station.db.reading() as conn:
            self.staffed = operators.any_operators(conn)

    @property
    def data_dir(self) -> Path:
        """The station's data folder."""
        return self.station.paths.data

    @property
    def facility(self) -> str:
        """Where this station is."""
        return self.station.config.facility

    @property
    def operator(self) -> str:
        """Who is signed in (a station without operators: its configured name)."""
        return self.session.name if self.session else self.station.config.operator

    def wake_printer(self, printer: str) -> None:
        """A job was queued for `printer`: send it now."""
        spooler = self.spoolers.get(printer)
        if spooler is not None:
            spooler.wake()
