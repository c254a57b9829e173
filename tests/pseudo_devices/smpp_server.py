"""A small SMSC on 127.0.0.1 speaking real SMPP 3.4 PDUs: binds, submit_sm (recorded), enquire_link, unbind.

No maintained Python package provides an SMPP server, so the tests carry this one; it parses and
answers the PDUs byte for byte as the SMPP 3.4 specification lays them out (section 4).
"""

from __future__ import annotations

import socket
import struct
import threading
from dataclasses import dataclass

BIND_TRANSMITTER, BIND_RECEIVER, BIND_TRANSCEIVER = 0x00000002, 0x00000001, 0x00000009
SUBMIT_SM, UNBIND, ENQUIRE_LINK, GENERIC_NACK = 0x00000004, 0x00000006, 0x00000015, 0x80000000
RESP = 0x80000000


@dataclass
class Submitted:
    """One submit_sm as the SMSC received it."""

    source: str
    destination: str
    data_coding: int
    registered_delivery: int
    short_message: bytes

    @property
    def text(self) -> str:
        """The message text (UCS-2 when data_coding is 8)."""
        return self.short_message.decode("utf-16-be" if self.data_coding == 8 else "latin-1")


def _cstr(body: bytes, at: int) -> tuple[str, int]:
    end = body.index(b"\x00", at)
    return body[at:end].decode("latin-1"), end + 1


class SmppServer:
    """Accepts any system_id/password pair listed in `accounts`."""

    def __init__(self, accounts: dict[str, str]) -> None:
        self.answered: list[tuple[int, int]] = []  # (command, sequence) of every answer the ESME sent
        self.accounts = accounts
        self.submitted: list[Submitted] = []
        self.binds: list[str] = []
        self.bound_as: dict[int, int] = {}
        self.receipt_state = "DELIVRD"
        self._sequence = 1000
        self._sessions: set[socket.socket] = set()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._ids = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def send_mo(
        self,
        phone: str,
        text: str = "",
        *,
        data: bytes | None = None,
        data_coding: int = 0,
        payload: bool = False,
    ) -> int:
        """A customer's text (mobile-originated deliver_sm) to every bound transceiver session; its
        sequence number. `data`: the message's bytes as they are (default: `text` in ASCII);
        `data_coding` 8 for UCS-2; `payload`: the other legal way, in the message_payload TLV (0x0424)
        with sm_length 0 (SMPP 3.4 section 5.3.2.32)."""
        raw = text.encode() if data is None else data
        self._sequence += 1
        for conn in list(self._sessions):
            source = b"\x01\x01" + phone.lstrip("+").encode() + b"\x00"
            body = (
                b"\x00"
                + source
                + b"\x05\x00"
                + b"PARCEL\x00"
                + bytes([0, 0, 0])
                + b"\x00\x00"
                + bytes([0, 0, data_coding, 0, 0 if payload else len(raw)])  # ... data_coding, sm_length
                + (b"" if payload else raw)
                + (struct.pack(">HH", 0x0424, len(raw)) + raw if payload else b"")
            )
            _send(conn, 0x00000005, 0, self._sequence, body)
        return self._sequence

    def _session(self, conn: socket.socket) -> None:
        self._sessions.add(conn)
        with conn:
            while True:
                header = _read(conn, 16)
                if header is None:
                    return
                length, command, _status, sequence = struct.unpack(">IIII", header)
                body = _read(conn, length - 16) if length > 16 else b""
                if body is None:
                    return
                if command & RESP:
                    self.answered.append((command, sequence))  # e.g. deliver_sm_resp: nothing to answer
                    continue
                if command in (BIND_TRANSMITTER, BIND_RECEIVER, BIND_TRANSCEIVER):
                    system_id, at = _cstr(body, 0)
                    password, _ = _cstr(body, at)
                    ok = self.accounts.get(system_id) == password
                    self.binds.append(system_id)
                    self.bound_as[id(conn)] = command
                    _send(
                        conn, command | RESP, 0 if ok else 0x0000000E, sequence, b"SMSC\x00"
                    )  # ESME_RINVPASWD
                elif command == SUBMIT_SM:
                    message = _parse_submit(body)
                    with self._lock:
                        self.submitted.append(message)
                        self._ids += 1
                        message_id = f"msg{self._ids:06d}".encode() + b"\x00"
                    _send(conn, SUBMIT_SM | RESP, 0, sequence, message_id)
                    if message.registered_delivery and self.bound_as.get(id(conn)) == BIND_TRANSCEIVER:
                        self._receipt(conn, message, message_id[:-1].decode())
                elif command == ENQUIRE_LINK:
                    _send(conn, ENQUIRE_LINK | RESP, 0, sequence, b"")
                elif command == UNBIND:
                    _send(conn, UNBIND | RESP, 0, sequence, b"")
                    self._sessions.discard(conn)
                    return
                else:
                    _send(conn, GENERIC_NACK, 0x00000003, sequence, b"")  # ESME_RINVCMDID

    def _receipt(self, conn: socket.socket, message: Submitted, message_id: str) -> None:
        """deliver_sm with esm_class 0x04: the SMPP 3.4 Appendix B delivery receipt text."""
        text = (
            f"id:{message_id} sub:001 dlvrd:001 submit date:2611231000 done date:2611231000 "
            f"stat:{self.receipt_state} err:000 text:"
        ).encode()
        body = (
            b"\x00"
            + b"\x01\x01"
            + message.destination.encode()
            + b"\x00"
            + b"\x05\x00"
            + message.source.encode()
            + b"\x00"
            + bytes([0x04, 0, 0])
            + b"\x00\x00"
            + bytes([0, 0, 0, 0, len(text)])
            + text
        )
        self._sequence += 1
        _send(conn, 0x00000005, 0, self._sequence, body)  # deliver_sm

    def close(self) -> None:
        """Stop accepting sessions (an SMSC that is down)."""
        self._server.close()


def _parse_submit(body: bytes) -> Submitted:
    _service_type, at = _cstr(body, 0)
    at += 2  # source_addr_ton, source_addr_npi
    source, at = _cstr(body, at)
    at += 2  # dest_addr_ton, dest_addr_npi
    destination, at = _cstr(body, at)
    at += 3  # esm_class, protocol_id, priority_flag
    _schedule, at = _cstr(body, at)
    _validity, at = _cstr(body, at)
    registered_delivery, _replace, data_coding, _default_id, sm_length = body[at : at + 5]
    at += 5
    return Submitted(source, destination, data_coding, registered_delivery, body[at : at + sm_length])


def _read(conn: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _send(conn: socket.socket, command: int, status: int, sequence: int, body: bytes) -> None:
    conn.sendall(struct.pack(">IIII", 16 + len(body), command, status, sequence) + body)
