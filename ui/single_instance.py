"""One station window per user and station home: a second start brings the first window forward.

Two windows on one home would be two journal writers, two device owners fighting over one serial port,
and a clerk who does not know which window took the scan. So the first window listens on a local socket
named after the user and the data folder (a QLocalServer, owner-only); a later start connects, asks it
to come forward, and exits 0 without opening the journal. A socket left by a window that crashed answers
nobody, and is then removed and taken over.

Two starts in the same instant (a double click) must not both get through before either listens, so the
window's right to the home is an exclusive lock on a file in the data folder, taken before the journal
is opened and held for the window's life: the start that does not get it only asks the other to come
forward (waiting a moment for it to listen).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from pathlib import Path
from typing import IO

from PySide6.QtCore import QObject, Qt
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)
RAISE = b"raise\n"
ANSWER = b"ok\n"
WAIT_MS = 1500


def server_name(data_folder: Path) -> str:
    """The socket's name for this user and this station home."""
    digest = hashlib.sha256(str(data_folder.resolve()).encode()).hexdigest()[:16]
    return f"parcel-station-{os.getuid()}-{digest}"


LOCK_NAME = ".window.lock"
FIRST_LISTEN_WAIT_S = 20.0  # a first start on a slow machine builds its window for a few seconds


def claim(data_folder: Path) -> IO[str] | None:
    """The window's lock on this home (keep it open while the window runs); None when another holds it."""
    data_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = open(data_folder / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115 (held for the window's life)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    return lock


def bring_forward_when_listening(data_folder: Path) -> bool:
    """Ask the window holding the lock to come forward, waiting for it to start listening."""
    deadline = time.monotonic() + FIRST_LISTEN_WAIT_S
    while True:
        if bring_forward_running(data_folder):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def bring_forward_running(data_folder: Path) -> bool:
    """True when a window is already open on this home (it was asked to come forward)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_folder))
    if not socket.waitForConnected(WAIT_MS):
        return False
    socket.write(RAISE)
    socket.waitForBytesWritten(WAIT_MS)
    answered = socket.waitForReadyRead(WAIT_MS) and bytes(socket.readAll().data()).startswith(ANSWER)
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for later starts and brings `window` forward for each."""

    def __init__(self, data_folder: Path, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(data_folder)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # a crashed window's socket: nobody answered on it
            if not self.server.listen(name):
                log.warning("single instance: cannot listen on %s: %s", name, self.server.errorString())
        self.server.newConnection.connect(self._connected)

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._asked(s))

    def _asked(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(RAISE):
            self.bring_forward()
            socket.write(ANSWER)
            socket.flush()
        socket.disconnectFromServer()

    def bring_forward(self) -> None:
        """Show, un-minimise, raise and focus the window."""
        log.info("another start of the station on this home: window brought forward")
        state = self.window.windowState() & ~Qt.WindowState.WindowMinimized
        self.window.setWindowState(state | Qt.WindowState.WindowActive)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def close(self) -> None:
        """Stop listening (the socket file goes)."""
        self.server.close()
