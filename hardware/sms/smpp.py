"""An SMPP 3.4 client (smpplib): a transceiver session, submit_sm with a delivery receipt requested, and
the receipts (deliver_sm with esm_class 0x04, "id:... stat:DELIVRD ...") read back on the same session.

SMPP has no idempotency key, so this gateway says `dedupes_client_ref = False`: the worker never resends
a message a crash left unacknowledged. The client reference travels in `user_message_reference`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import TYPE_CHECKING, Any, ClassVar

import smpplib.client
import smpplib.consts
import smpplib.exceptions

from hardware.urls import DeviceUrl, UrlForm
from station.notify.gateway import GatewayError

if TYPE_CHECKING:
    from hardware.registry import DriverContext

log = logging.getLogger(__name__)
CODING_GSM = smpplib.consts.SMPP_ENCODING_DEFAULT
CODING_UCS2 = smpplib.consts.SMPP_ENCODING_ISO10646


class SmppGateway:
    """A transceiver session (sends, and receives receipts and replies), bound again on demand."""

    dedupes_client_ref = False
    url_forms: ClassVar[dict[str, UrlForm]] = {
        "smpp": UrlForm("host", frozenset({"from", "secret_file"}), what="SMSC")
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> SmppGateway:
        """`smpp://SYSTEM_ID:PASSWORD@host:2775?from=PARCEL`, or the password in a file only its owner may
        read (`?secret_file=PATH`)."""
        return cls(
            url.host or "127.0.0.1",
            url.port or 2775,
            url.username,
            url.secret(),
            url.params.get("from", "PARCEL"),
        )

    def __init__(
        self, host: str, port: int, system_id: str, password: str, sender: str, *, timeout: float = 5
    ) -> None:
        self.host, self.port, self.system_id, self.password, self.sender = (
            host,
            port,
            system_id,
            password,
            sender,
        )
        self.timeout = timeout
        self._client: Any = None
        self._lock = threading.Lock()
        self.receipts: dict[str, str] = {}  # SMSC message id -> final state (DELIVRD, UNDELIV, ...)
        self.inbound: list[tuple[str, str]] = []  # customers' texts (phone, text) that came on this session

    def _bound(self) -> Any:
        if self._client is None:
            client = smpplib.client.Client(
                self.host, self.port, timeout=self.timeout, allow_unknown_opt_params=True
            )
            try:
                client.connect()
                client.bind_transceiver(system_id=self.system_id, password=self.password)
            except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as exc:
                raise GatewayError(
                    f"SMPP bind to {self.host}:{self.port} failed: {exc}", temporary=True
                ) from None
            self._client = client
        return self._client

    def send(self, phone: str, body: str, encoding: str, client_ref: str) -> str:
        """submit_sm one message (one segment: the templates are sized for it); returns the SMSC's id."""
        with self._lock:
            client = self._bound()
            ucs2 = encoding == "UCS-2"
            data = body.encode("utf-16-be") if ucs2 else body.encode("ascii", "replace")
            answers: dict[
                int, str
            ] = {}  # submit_sm_resp by sequence number: a receipt is never taken for one
            client.set_message_sent_handler(lambda pdu: answers.update({pdu.sequence: _text(pdu.message_id)}))
            client.set_message_received_handler(self._receipt)
            try:
                submitted = client.send_message(
                    source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
                    source_addr=self.sender,
                    dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                    dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                    destination_addr=phone.lstrip("+"),
                    short_message=data,
                    data_coding=CODING_UCS2 if ucs2 else CODING_GSM,
                    registered_delivery=True,
                    user_message_reference=int(client_ref[:4], 16),
                )
            except (OSError, smpplib.exceptions.ConnectionError) as exc:
                self._drop()  # nothing reached the SMSC: safe to send again
                raise GatewayError(f"SMPP connection lost: {exc}", temporary=True) from None
            return self._await_answer(client, submitted.sequence, answers)

    def _await_answer(self, client: Any, sequence: int, answers: dict[int, str]) -> str:
        """Read PDUs (receipts and customers' texts are handled on the way) until our submit_sm_resp.

        Once submit_sm went out, the SMSC may have the message: a lost session or no answer is
        `maybe_sent`, and the worker marks it uncertain rather than send it a second time.
        """
        deadline = time.monotonic() + self.timeout
        while sequence not in answers:
            left = deadline - time.monotonic()
            if left <= 0:
                raise GatewayError("SMSC did not answer submit_sm in time", temporary=True, maybe_sent=True)
            try:
                client._socket.settimeout(left)
                client.read_once(auto_send_enquire_link=False)
            except (TimeoutError, OSError, smpplib.exceptions.ConnectionError) as exc:
                self._drop()
                raise GatewayError(
                    f"SMPP session lost after submit_sm: {exc}", temporary=True, maybe_sent=True
                ) from None
            except smpplib.exceptions.PDUError as exc:
                raise GatewayError(f"SMSC refused the message: {exc}", temporary=False) from None
            finally:
                if self._client is not None and client._socket is not None:
                    client._socket.settimeout(self.timeout)
        return answers[sequence]

    def _receipt(self, pdu: Any) -> None:
        # smpplib answers the deliver_sm after this returns: whatever a customer's bytes hold, it must
        # return, or the SMSC redelivers the same PDU to a worker that dies on it again.
        try:
            self._take(pdu)
        except Exception:
            log.exception("deliver_sm from %r could not be read: answered and set aside", pdu.source_addr)

    def _take(self, pdu: Any) -> None:
        # A text comes in short_message, or (the other legal way, sm_length 0) in the message_payload TLV.
        data = pdu.short_message or getattr(pdu, "message_payload", None) or b""
        if not getattr(pdu, "esm_class", 0) & 0x04:  # not a receipt: a customer's text (mobile-originated)
            self.inbound.append(("+" + _text(pdu.source_addr).lstrip("+"), _decoded(data, pdu.data_coding)))
            return
        fields = dict(part.split(":", 1) for part in _text(data).split() if ":" in part)
        if "id" in fields and "stat" in fields:
            self.receipts[fields["id"]] = fields["stat"]

    def collect_receipts(self, seconds: float = 0.2) -> dict[str, str]:
        """Read delivery receipts (and customers' texts, kept in `inbound`) that arrived within `seconds`."""
        with self._lock:
            if self._client is None:
                self._bound()
            self._client._socket.settimeout(seconds)
            try:
                while True:
                    self._client.read_once(auto_send_enquire_link=False)
            except (TimeoutError, OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError):
                pass  # nothing more waiting (or the SMSC answered something unexpected: keep the session)
            finally:
                if self._client is not None and self._client._socket is not None:
                    self._client._socket.settimeout(self.timeout)
            found, self.receipts = self.receipts, {}
            return found

    def check_credentials(self) -> str:
        """Bind as a transceiver and unbind: the SMSC accepts this system id and password (nothing sent)."""
        with self._lock:
            self._bound()
        self.close()
        return f"SMSC {self.host}:{self.port} accepts system id {self.system_id}"

    def _drop(self) -> None:
        with contextlib.suppress(Exception):  # the socket is already gone
            self._client.disconnect()
        self._client = None

    def close(self) -> None:
        """Unbind and disconnect."""
        with self._lock:
            if self._client is not None:
                with contextlib.suppress(Exception):  # unbinding a dead session is fine
                    self._client.unbind()
                self._drop()


def _text(value: object) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _decoded(data: bytes, data_coding: int) -> str:
    """A customer's text as the SMSC coded it; bytes that do not decode (an odd UCS-2 byte, a lone
    surrogate) become U+FFFD, never an exception: the rest of the text (a STOP) still counts."""
    if data_coding == CODING_UCS2:
        return data.decode("utf-16-be", errors="replace")
    return data.decode("latin-1")
