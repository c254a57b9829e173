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

Timing is a good guess, not a sure one. Most scanners can be set to send a prefix (e.g. `~`) before
each code: with `prefix` set, only what follows the prefix up to the end key is a scan, whatever its
speed, and every other keystroke goes straight to its widget, never held. `end_keys` narrows which
key ends a scan (Enter, Tab) when the scanner is set to one suffix.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit

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
            if gap <= self.max_gap and len(self._text) >= self.min_length and self._scanner_like():
                text = "".join(self._text)
                self._clear()
                self.scanned.emit(text)
                return True
            self._release()
            return False
        char = _char_of(event)
        if char is None:
            self._release()
            return False
        if self._held and gap > self.max_gap:
            self._release()  # too slow to be the same burst: what was held is typing
        if not self._held:
            self._first = now
        self._held.append((watched, QKeyEvent(event.type(), key, event.modifiers(), event.text())))
        self._text.append(char)
        self._last = now
        if not self._draining:
            self._timer.start(max(1, int(self.max_gap * 1000 * 2)))
        return True

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
            self._timer.start(max(1, int(self.max_gap * 1000 * 2)))

    def _release(self) -> None:
        """Give held keystrokes back to their widgets: it was a person typing."""
        self._timer.stop()
        held, self._held, self._text = self._held, [], []
        self._prefixed = 0
        self._replaying = True
        try:
            for target, event in held:
                QApplication.sendEvent(target, event)
                release = QKeyEvent(QEvent.Type.KeyRelease, event.key(), event.modifiers(), event.text())
                QApplication.sendEvent(target, release)
        finally:
            self._replaying = False

    def _clear(self) -> None:
        self._timer.stop()
        self._held, self._text = [], []
        self._prefixed = 0


def _is_text_field(widget: QObject | None) -> bool:
    return (
        isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit)
        and not getattr(widget, "isReadOnly", lambda: True)()
    )


def _char_of(event: QKeyEvent) -> str | None:
    text = event.text()
    if text == GS or (
        event.key() == Qt.Key.Key_BracketRight and event.modifiers() & Qt.KeyboardModifier.ControlModifier
    ):
        return GS  # Ctrl+] is how a US-layout wedge types FNC1
    if len(text) == 1 and text.isprintable():
        return text
    return None
