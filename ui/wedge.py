"""Keyboard-wedge scanners: tell a scanner's burst of keystrokes from a person typing.

A wedge scanner types its data as keystrokes a few milliseconds apart and ends with Enter or Tab;
a person types tens to hundreds of milliseconds apart. The filter holds printable keystrokes while
they come fast; a burst of at least `min_length` characters ended by Enter/Tab becomes a scan (and
never reaches the focused text field), while anything slower is handed back to the widget it was
meant for, in order, so typing works as usual on every screen.

A wedge scanner presses Shift around every capital (and Ctrl for Ctrl+], the GS of GS1 codes) exactly
as a keyboard does: modifier-only key events inside a burst are part of it, never its end. Keys are
timed by the event's own timestamp (the X server's milliseconds) where the platform gives one, so a
busy window that handles keys late and in clumps still sees the scanner's real rhythm; events without
one (QTest) are timed by an injectable monotonic clock.

Outside a text field nothing but a scan can use an Enter-ended string, so there the keys are held
whatever their pace and Enter makes them a scan (a computer busy with other work hands the window a
scanner's keys tens of milliseconds apart; they are still a scan). Keys typed outside a field and not
ended by Enter are never dropped in silence: `stray` tells the window, which answers the clerk. Inside a
text field, an Enter-ended string too slow for a scanner that reads as a tracking number, sack tag or
indicia is offered as a scan rather than typed into the field.

Timing is a good guess, not a sure one. Most scanners can be set to send a prefix (e.g. `~`) before
each code: with `prefix` set, only what follows the prefix up to the end key is a scan, whatever its
speed, and every other keystroke goes straight to its widget, never held. `end_keys` narrows which
key ends a scan (Enter, Tab) when the scanner is set to one suffix.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from station.ids.scanning import Identified, IdKind, classify

GS = "\x1d"
# Compared by value: how PySide hands out enums (and hashes them) depends on its options.
MODIFIER_KEYS = frozenset(
    int(k.value)
    for k in (
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
    )
)
ENDING_KEYS = frozenset(int(k.value) for k in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab))
END_KEYS_BY_SUFFIX = {
    "CR": frozenset(int(k.value) for k in (Qt.Key.Key_Return, Qt.Key.Key_Enter)),
    "CRLF": frozenset(int(k.value) for k in (Qt.Key.Key_Return, Qt.Key.Key_Enter)),
    "TAB": frozenset({int(Qt.Key.Key_Tab.value)}),
}
PREFIXED_TIMEOUT_MS = 400
# Keys held outside a text field wait this long for the rest of a scan before they are given back: a
# scanner starved of the processor for a moment goes on within it.
OUTSIDE_FIELD_TIMEOUT_MS = 1000
MAX_ID_LENGTH = (
    48  # the longest id a scan holds (a GS1 element string with its routing ZIP): no more is taken back
)


def _code(key: Qt.Key | int) -> int:
    """A key as its number, whatever PySide handed out."""
    return key if isinstance(key, int) else int(key.value)


def _ends(event: QKeyEvent, end_keys: frozenset[int]) -> bool:
    """Enter or Tab ends a scan; so does a key whose text is CR or LF (a scanner set to an LF suffix
    types the Linefeed key, which is not Enter)."""
    if _code(event.key()) in end_keys:
        return True
    return end_keys is ENDING_KEYS and event.text() in ("\r", "\n")


class WedgeFilter(QObject):
    """Install on the QApplication: `app.installEventFilter(WedgeFilter())`; connect `scanned`."""

    scanned = Signal(str)
    # Keys typed outside any text field and not ended by Enter: how many (never what they were: a
    # badge or a PIN typed in the wrong place is not shown to the queue).
    stray = Signal(int)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap_ms: float = 35.0,
        min_length: int = 4,
        clock: Callable[[], float] = time.monotonic,
        prefix: str = "",
        end_keys: frozenset[int] = ENDING_KEYS,
    ) -> None:
        super().__init__(parent)
        self.prefix = prefix
        self.end_keys = end_keys
        self._prefixed = 0  # how many prefix characters have been seen for the burst being held
        self.max_gap = max_gap_ms / 1000
        self.min_length = min_length
        self._clock = clock
        self._held: list[tuple[QObject, QKeyEvent]] = []
        self._text: list[str] = []
        self._last = 0.0
        self._replaying = False
        self._draining = False
        self._stamped = False
        self._first = 0.0
        self._outside = False  # the keys held were typed with no text field focused
        # What this filter gave back as typing to one line edit since its last other key: a scan that
        # came too slowly is partly typed before its Enter shows it was a scan.
        self._typed: list[str] = []
        self._typed_into: QObject | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._burst_timed_out)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if self._replaying or event.type() not in (
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
            QEvent.Type.ShortcutOverride,
        ):
            return False
        if not isinstance(event, QKeyEvent) or not watched.isWidgetType():
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            # A shortcut key (F9, Ctrl+Z...) is taken by its shortcut before any KeyPress is delivered:
            # keys held back must reach their field first, or F9 accepts a phone number short of its
            # last digit.
            if (
                self._held
                and _char_of(event) is None
                and _code(event.key()) not in MODIFIER_KEYS
                and not _ends(event, self.end_keys)
            ):
                self._release()
            return False
        if event.type() == QEvent.Type.KeyRelease:
            return bool(self._held)  # releases of held keys are dropped with them
        key = event.key()
        if _code(key) in MODIFIER_KEYS:
            # Shift before a capital, Ctrl before ]: inside a burst they belong to it (the characters
            # they make carry their text); outside one they go to the widget as usual.
            return bool(self._held)
        now = self._time_of(event)
        gap = now - self._last
        if self.prefix:
            return self._prefixed_key(watched, event, now)
        if _ends(event, self.end_keys) and self._held:
            return self._ended(gap)
        char = _char_of(event)
        if char is None:
            self._release()
            self._forget_typed()
            return False
        if not self._held:
            self._outside = not _is_text_field(watched)  # the key goes to the focused widget
            if self._outside and char == " ":
                return False  # Space presses the focused button; no code starts with one
            self._first = now
        elif gap > self.max_gap and not self._outside:
            self._release()  # too slow to be the same burst: what was held is typing
            self._first = now
        self._held.append((watched, QKeyEvent(event.type(), key, event.modifiers(), event.text())))
        self._text.append(char)
        self._last = now
        if not self._draining:
            self._timer.start(self._hold_ms())
        return True

    def _ended(self, gap: float) -> bool:
        """Enter (or Tab) after held keys: a scan, or typing given back to its field."""
        text = "".join(self._text)
        fast = gap <= self.max_gap and len(self._text) >= self.min_length and self._scanner_like()
        if not self._outside and not _names_a_piece_or_sack(text):
            whole = self._completed_by_typed(text)
            if whole is not None:  # a scan the busy computer split: its first keys were typed
                self._clear()
                self._forget_typed()
                self.scanned.emit(whole)
                return True
        if self._outside or fast or _names_a_piece_or_sack(text):
            self._clear()
            self._forget_typed()
            self.scanned.emit(text)
            return True
        self._release()
        self._forget_typed()
        return False

    def _completed_by_typed(self, text: str) -> str | None:
        """The id that the last keys given back as typing and the held ones make together, taken back out
        of the field; None when there is none (or it cannot be taken back). The longest such id wins: a
        shorter one inside it would be a coincidence of check digits."""
        for count in range(min(len(self._typed), MAX_ID_LENGTH), 0, -1):
            whole = "".join(self._typed[-count:]) + text
            if _names_a_piece_or_sack(whole):
                return whole if self._take_back(count) else None
        return None

    def _hold_ms(self) -> int:
        return OUTSIDE_FIELD_TIMEOUT_MS if self._outside else max(1, int(self.max_gap * 1000 * 2))

    def _take_back(self, count: int) -> bool:
        """Take the last `count` keys this filter typed into a line or text box out of it again; False
        when they cannot be (the field was edited since, or they went to another kind of field)."""
        field = self._typed_into
        typed = "".join(self._typed[-count:])
        if isinstance(field, QLineEdit):
            before = field.text()[: field.cursorPosition()]
            if field.hasSelectedText() or not before.endswith(typed):
                return False
            for _ in typed:
                field.backspace()
        elif isinstance(field, QPlainTextEdit | QTextEdit):
            cursor = field.textCursor()
            if cursor.hasSelection():
                return False
            cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(typed))
            if cursor.selectedText() != typed:
                return False
            cursor.removeSelectedText()
        else:
            return False
        return True

    def _forget_typed(self) -> None:
        self._typed, self._typed_into = [], None

    def _scanner_like(self) -> bool:
        """A scanner keeps its pace for the whole code (a few ms a key); a fast typist's keys come in
        rolls with pauses, so their mean gap is longer even when each gap is short: a word typed at 25 ms
        a key and Enter at once measured under 17 ms a key on the X server's clock, so the bar is a
        quarter of the longest gap (9 ms at 35). A slower scanner is told apart by a prefix. And no
        tracking code holds a space, while names and streets typed into a text field do."""
        mean_gap = (self._last - self._first) / max(1, len(self._text) - 1)
        if mean_gap > self.max_gap / 4:
            return False
        return not (" " in self._text and _is_text_field(QApplication.focusWidget()))

    def _prefixed_key(self, watched: QObject, event: QKeyEvent, now: float) -> bool:
        """With a prefix configured: hold from the prefix to the end key; pass everything else on."""
        key = event.key()
        char = _char_of(event)
        if char is None and event.text() and self._prefixed < len(self.prefix):
            char = event.text()  # a control-character prefix (STX, typed as Ctrl+B): what no person types
        if not self._held:
            if char != self.prefix[0]:
                return False  # typing: straight to the widget
        elif self._prefixed < len(self.prefix):
            if char != self.prefix[self._prefixed]:
                self._release()  # it was not the prefix after all: the keys were typing
                return False
        elif _ends(event, self.end_keys):
            text = "".join(self._text)
            self._clear()
            if text:
                self.scanned.emit(text)
            return True
        elif char is None:
            self._release()
            return False
        self._held.append((watched, QKeyEvent(event.type(), key, event.modifiers(), event.text())))
        if self._prefixed < len(self.prefix):
            self._prefixed += 1
        else:
            self._text.append(char or "")
        self._last = now
        self._timer.start(PREFIXED_TIMEOUT_MS)  # a prefix typed by hand is given back after a pause
        return True

    def _time_of(self, event: QKeyEvent) -> float:
        """Seconds on the event's own clock (the X server's) when it has one, else the monotonic clock."""
        stamp = event.timestamp()
        if stamp:
            self._stamped = True
            return stamp / 1000
        if self._stamped and self._held:
            return self._last  # a stamped burst never mixes with unstamped events: take it as the same time
        self._stamped = False
        return self._clock()

    def _burst_timed_out(self) -> None:
        # A busy window handles keys late and in clumps: keys of this burst may be waiting in the queue
        # already. Take them first; only a burst that really stopped is given back as typing.
        held = len(self._held)
        self._draining = True
        try:
            QApplication.processEvents()
        finally:
            self._draining = False
        if self._held and len(self._held) == held:
            self._release()
        elif self._held:  # the burst went on while the queue was drained: wait for its end again
            self._timer.start(self._hold_ms())

    def _release(self) -> None:
        """Give held keystrokes back to their widgets: it was a person typing. Keys typed outside any
        text field go only to a drop-down (which picks by its first letters); elsewhere nothing would
        take them, and the window is told instead."""
        self._timer.stop()
        held, self._held, self._text = self._held, [], []
        self._prefixed = 0
        if not held:
            return
        outside, self._outside = self._outside, False
        if outside and not isinstance(held[0][0], QComboBox):
            self.stray.emit(len(held))
            return
        self._replaying = True
        try:
            for target, event in held:
                QApplication.sendEvent(target, event)
                release = QKeyEvent(QEvent.Type.KeyRelease, event.key(), event.modifiers(), event.text())
                QApplication.sendEvent(target, release)
                if target is not self._typed_into:
                    self._typed, self._typed_into = [], target
                self._typed.append(event.text())
        finally:
            self._replaying = False

    def _clear(self) -> None:
        self._timer.stop()
        self._held, self._text = [], []
        self._prefixed = 0
        self._outside = False


def _is_text_field(widget: QObject | None) -> bool:
    """A widget that takes typed text: a line or text box, a number box, a drop-down one can type in.
    A completer's list open under a field gets that field's keys and hands them on to it (the field is
    its focus proxy): typing the name it offers is typing into the field, not keys going nowhere."""
    proxy = widget.focusProxy() if isinstance(widget, QWidget) else None
    if proxy is not None:
        widget = proxy
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, QAbstractItemView):  # a table whose cells a key starts editing
        return bool(widget.editTriggers() & QAbstractItemView.EditTrigger.AnyKeyPressed)
    return (
        isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox)
        and not getattr(widget, "isReadOnly", lambda: True)()
    )


# What a slow Enter-ended string in a text field must be to be taken as a scan: something a person
# has no reason to type into a name, a phone number or a weight.
_SCANNED_KINDS = frozenset({IdKind.S10, IdKind.IMPB, IdKind.USPS20, IdKind.SSCC, IdKind.INDICIA})


def _names_a_piece_or_sack(text: str) -> bool:
    found = classify(text)
    return isinstance(found, Identified) and found.kind in _SCANNED_KINDS


def _char_of(event: QKeyEvent) -> str | None:
    text = event.text()
    if text == GS or (
        event.key() == Qt.Key.Key_BracketRight and event.modifiers() & Qt.KeyboardModifier.ControlModifier
    ):
        return GS  # Ctrl+] is how a US-layout wedge types FNC1
    if len(text) == 1 and text.isprintable():
        return text
    return None
