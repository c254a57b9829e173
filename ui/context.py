"""What every screen needs: the station, the I/O thread, devices, feedback. Built once by ui.app."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from hardware.printers.spooler import Spooler
from station.app import Station
from station.desks.carrier import CarrierDesk
from station.desks.counter import CounterDesk
from station.desks.depot import DepotDesk
from station.desks.outcome import Outcome
from station.desks.printing import PrintDesk
from station.desks.scan import ScanDesk
from station.desks.track import TrackDesk
from station.printing.queue import PrintQueue
from ui.background import Background
from ui.bridge import DeviceBridge
from ui.sounds import Sounds
from ui.widgets.label_preview import LabelPreview
from ui.widgets.scan_banner import ScanBanner


class Feedback(QObject):
    """Green/red banner plus sound; `shown` lets tests and the depot benchmark see each answer."""

    shown = Signal(bool, str, float)  # ok, text, monotonic time shown

    def __init__(self, banner: ScanBanner, sounds: Sounds) -> None:
        super().__init__()
        self.banner = banner
        self.sounds = sounds

    def good(self, text: str) -> None:
        """A green banner and the good sound."""
        self.banner.show_good(text)
        self.sounds.play("good")
        self.shown.emit(True, text, time.monotonic())

    def show(self, answer: Outcome) -> None:
        """A desk's answer: green with its message, or red with its reason."""
        if answer.ok:
            self.good(answer.text + (f"  ({answer.warning})" if answer.warning else ""))
        else:
            self.bad(answer.text)

    def bad(self, text: str) -> None:
        """A red banner with the reason and the bad sound."""
        self.banner.show_bad(text)
        self.sounds.play("bad")
        self.shown.emit(False, text, time.monotonic())


@dataclass
class AppContext:
    """Shared by the screens."""

    station: Station
    background: Background
    bridge: DeviceBridge
    feedback: Feedback
    spoolers: dict[str, Spooler] = field(default_factory=dict)
    preview: LabelPreview = field(default_factory=LabelPreview)

    def __post_init__(self) -> None:
        # The desks run on the I/O thread (`background.run`); screens only read widgets and show answers.
        self.desk = ScanDesk(self.station)
        self.counter = CounterDesk(self.station)
        self.depot = DepotDesk(self.station, self.desk)
        self.carrier = CarrierDesk(self.station, self.desk)
        self.tracker = TrackDesk(self.station)
        self.printing = PrintDesk(self.station)
        self.queue = PrintQueue(self.station.db, self.station.clock)

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
        """Who is signed in."""
        return self.station.config.operator

    def wake_printer(self, printer: str) -> None:
        """A job was queued for `printer`: send it now."""
        spooler = self.spoolers.get(printer)
        if spooler is not None:
            spooler.wake()
