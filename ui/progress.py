"""Long work on the I/O thread with a progress dialog whose Cancel really stops it.

The work function gets `report(done, total) -> bool`; it returns False once the operator pressed
Cancel, and the work stops (and rolls back, where it writes in one transaction). The dialog is read
and updated by a GUI-thread timer; the I/O thread only writes two plain values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.background import Background

Report = Callable[[int, int], bool]


def run_with_progress(
    parent: QWidget,
    background: Background,
    text: str,
    total: int,
    work: Callable[[Report], Any],
    on_done: Callable[[Any, BaseException | None], None],
) -> QProgressDialog:
    """Start `work` on the I/O thread; returns the dialog (tests press its Cancel)."""
    dialog = QProgressDialog(text, "Cancel", 0, total, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    state = {"done": 0, "total": total, "cancel": False}

    def report(done: int, of: int) -> bool:
        state["done"], state["total"] = done, of
        return not state["cancel"]

    def tick() -> None:
        if dialog.wasCanceled():
            state["cancel"] = True
        else:
            if dialog.maximum() != state["total"]:
                dialog.setMaximum(int(state["total"]))  # work that learns its size as it goes
            dialog.setValue(int(state["done"]))

    timer = QTimer(parent)
    timer.timeout.connect(tick)
    timer.start(100)

    def finished(result: Any, error: BaseException | None) -> None:
        timer.stop()
        dialog.reset()
        on_done(result, error)

    background.run(lambda: work(report), finished)
    return dialog
