"""A raw TCP 9100 label printer on 127.0.0.1: records each job, answers Zebra ~HS, and misbehaves on demand:
runs out of paper (before or right after a job), resets the connection after N bytes, or hangs."""

from __future__ import annotations

import socket
import struct
import threading

from hardware.printers.zebra_status import host_identification_answer, host_status_answer


class VirtualPrinter:
    """Each connection's bytes (minus ~HS queries) are one job in `jobs`."""

    def __init__(self, port: int = 0) -> None:
        self.jobs: list[bytes] = []
        self.paper_out = False
        self.head_open = False
        self.reset_after: int | None = None  # bytes of a job after which the printer resets (RST)
        self.hang = False  # accepts connections and never reads
        self.paper_out_after_job = False  # the job empties the roll: ~HS after it says paper out
        self.partial: list[bytes] = []  # what reset connections delivered
        self.connections = 0
        self.dots_per_mm = 8  # what it answers to ~HI: 8 is a 203-dpi head, 12 a 300-dpi one
        self._server = socket.create_server(("127.0.0.1", port))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._got_job = threading.Condition()
        # A printer takes its connections one after the other, in the order they came: a status query
        # sent after a job is answered after the job was taken in (as a Zebra's one port does).
        self._turns = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The printer's URL."""
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            ticket, self._next_ticket = self._next_ticket, self._next_ticket + 1
            threading.Thread(target=self._in_turn, args=(conn, ticket), daemon=True).start()

    def _in_turn(self, conn: socket.socket, ticket: int) -> None:
        with self._turns:
            self._turns.wait_for(lambda: self._serving == ticket or self._stop.is_set())
        try:
            self._handle(conn)
        finally:
            with self._turns:
                self._serving += 1
                self._turns.notify_all()

    def _handle(self, conn: socket.socket) -> None:
        self.connections += 1
        data = b""
        with conn:
            if self.hang:
                self._stop.wait(30)
                return
            conn.settimeout(5)
            try:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if data.endswith(b"~HS"):
                        conn.sendall(host_status_answer(paper_out=self.paper_out, head_open=self.head_open))
                        data = data[:-3]
                    if data.endswith(b"~HI"):
                        model = f"ZD421-{round(self.dots_per_mm * 25.4)}dpi"
                        conn.sendall(host_identification_answer(model, dpmm=self.dots_per_mm))
                        data = data[:-3]
                    if self.reset_after is not None and len(data) >= self.reset_after:
                        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        self.partial.append(data)
                        return  # closing with linger 0 sends RST: the power blinked mid-job
            except OSError:
                pass
        if data:
            if self.paper_out_after_job:
                self.paper_out = True
            with self._got_job:
                self.jobs.append(data)
                self._got_job.notify_all()

    def wait_for_jobs(self, n: int, timeout: float = 10.0) -> bool:
        """Block until `n` jobs arrived."""
        with self._got_job:
            return self._got_job.wait_for(lambda: len(self.jobs) >= n, timeout)

    def close(self) -> None:
        """Power off: stop listening (connections are refused from now on)."""
        self._stop.set()
        with self._turns:
            self._turns.notify_all()
        self._server.close()
