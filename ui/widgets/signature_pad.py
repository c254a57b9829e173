"""A signature pad: stylus, touch or mouse strokes, with clear; the strokes go to station.delivery."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPainterPath, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from station.items.delivery import Signature


class SignaturePad(QWidget):
    """Collects strokes; `signature()` hands them over."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(420, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[list[tuple[float, float]]] = []
        self._drawing = False

    def clear(self) -> None:
        """Empty the pad."""
        self.strokes = []
        self.update()
        self.changed.emit()

    def is_empty(self) -> bool:
        """Nothing drawn."""
        return not self.strokes

    def signature(self) -> Signature:
        """What was drawn."""
        return Signature(tuple(tuple(s) for s in self.strokes), self.width(), self.height())

    def _start(self, p: QPointF) -> None:
        self._drawing = True
        self.strokes.append([(p.x(), p.y())])
        self.update()

    def _move(self, p: QPointF) -> None:
        if self._drawing:
            self.strokes[-1].append((p.x(), p.y()))
            self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._start(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._move(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._start(event.position())
        elif kind == QTabletEvent.Type.TabletMove:
            self._move(event.position())
        else:
            self._end()
        event.accept()

    def paintEvent(self, event: object) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.setPen(QPen(Qt.GlobalColor.lightGray, 1, Qt.PenStyle.DashLine))
        painter.drawLine(20, self.height() - 30, self.width() - 20, self.height() - 30)
        painter.drawText(20, self.height() - 10, "Sign above the line")
        painter.setPen(QPen(Qt.GlobalColor.black, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for stroke in self.strokes:
            path = QPainterPath(QPointF(*stroke[0]))
            for x, y in stroke[1:]:
                path.lineTo(x, y)
            painter.drawPath(path)
        painter.end()
