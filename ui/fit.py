"""The window fits the screen: forms scroll inside themselves instead of growing the window, and what a
clerk must always see (the banner, Accept, the basket, the status bar) is checked to be in view."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QFrame, QLayout, QPlainTextEdit, QScrollArea, QWidget

DEFAULT_SIZE = (1240, 720)  # a 1280x800 screen less a panel and the title bar
FRAME_ALLOWANCE = (16, 48)  # what a window manager adds around the window (borders, title bar)


def scrolling(content: QLayout | QWidget) -> QScrollArea:
    """`content` in a frameless area that scrolls when it is taller or wider than the room it is
    given, so its size never grows the window. Tab to a field out of sight scrolls it into view."""
    if isinstance(content, QLayout):
        holder = QWidget()
        holder.setLayout(content)
        content = holder
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    # Never the keyboard's: a click on something that takes no focus (the signature pad) would give it
    # to the area, and the name typed next would go nowhere. Tab still scrolls a field into view.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def lines_high(box: QPlainTextEdit, lines: int) -> int:
    """The height of a text box that shows `lines` lines of its font without scrolling."""
    margins = box.contentsMargins()
    document_margin = 2 * int(box.document().documentMargin())
    return box.fontMetrics().lineSpacing() * lines + document_margin + margins.top() + margins.bottom() + 4


def window_size(available: QRect) -> tuple[int, int]:
    """The window's first size on a screen whose free area (less panels) is `available`."""
    width = min(DEFAULT_SIZE[0], available.width() - FRAME_ALLOWANCE[0])
    height = min(DEFAULT_SIZE[1], available.height() - FRAME_ALLOWANCE[1])
    return width, height


def out_of_view(widgets: Mapping[str, QWidget]) -> list[str]:
    """The names of those of `widgets` not wholly in view: hidden, or cut by a scroll area, the window's
    edge or the screen's."""
    missing = []
    for name, widget in widgets.items():
        shown = widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()
        screen = widget.screen()
        if shown and screen is not None:
            on_screen = QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())
            shown = screen.geometry().contains(on_screen)
        if not shown:
            missing.append(name)
    return missing
