"""Work off the UI thread: journal appends, acceptances, printing, look-ups run on one worker thread.

`Background.run(fn, on_done)` queues `fn` to the worker; `on_done(result, error)` is then called on
the GUI thread. The worker is a QObject moved to a QThread and fed by a signal, so the call is queued
across threads; its `finished` signal reaches `Background` (which lives in the GUI thread), and only
then is the callback looked up and called -- never a lambda on the worker's side.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

Done = Callable[[Any, BaseException | None], None]
log = logging.getLogger(__name__)


class _Executor(QObject):
    finished = Signal(int, object)  # token, (result, error)

    @Slot(int, object)
    def run(self, token: int, fn: Callable[[], Any]) -> None:
        outcome: tuple[Any, BaseException | None]
        try:
            outcome = (fn(), None)
        except Exception as exc:  # every failure goes back to the operator as a message
            log.exception("work on the I/O thread failed")
            outcome = (None, exc)
        self.finished.emit(token, outcome)


class Background(QObject):
    """One worker thread for the station's I/O."""

    _submit = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("station-io")
        self._executor = _Executor()
        self._executor.moveToThread(self._thread)
        self._submit.connect(self._executor.run)
        self._executor.finished.connect(self._done)
        self._callbacks: dict[int, Done] = {}
        self._tokens = itertools.count(1)
        self._thread.start()

    def run(self, fn: Callable[[], Any], on_done: Done | None = None) -> None:
        """Queue `fn`; `on_done(result, error)` runs on the GUI thread."""
        token = next(self._tokens)
        if on_done is not None:
            self._callbacks[token] = on_done
        self._submit.emit(token, fn)

    @Slot(int, object)
    def _done(self, token: int, outcome: tuple[Any, BaseException | None]) -> None:
        callback = self._callbacks.pop(token, None)
        if callback is not None:
            callback(*outcome)

    def pending(self) -> int:
        """Callbacks still waiting."""
        return len(self._callbacks)

    def stop(self) -> None:
        """Finish queued work and stop the thread."""
        self._thread.quit()
        self._thread.wait(5000)
