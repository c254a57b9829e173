"""What the domain needs of an SMS gateway; the gateways themselves (log, REST, SMPP) are drivers in
`hardware/sms/`, chosen by URL through `hardware/registry.py`."""

from __future__ import annotations

from typing import Protocol

from station.errors import Unreachable


class GatewayError(Unreachable):
    """A send that failed; `temporary` failures are retried with backoff, others fail the message.

    `maybe_sent`: the gateway may have taken the message (it went out, no answer came back). A gateway
    that cannot deduplicate then never gets it again: the message is marked uncertain.
    """

    def __init__(self, message: str, *, temporary: bool, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.maybe_sent = maybe_sent


class Gateway(Protocol):
    """Sends one message; returns the gateway's message id."""

    # True when sending the same client reference twice cannot deliver twice (the gateway deduplicates):
    # the worker may then resend a message a crash left unacknowledged.
    dedupes_client_ref: bool

    def send(self, phone: str, body: str, encoding: str, client_ref: str) -> str:
        """Deliver to the gateway or raise GatewayError."""
