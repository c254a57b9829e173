"""SMS gateways behind one interface: log (demo default), Twilio-compatible REST, SMPP 3.4."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit


class GatewayError(Exception):
    """A send that failed; `temporary` failures are retried with backoff, others fail the message."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


class Gateway(Protocol):
    """Sends one message; returns the gateway's message id."""

    # True when sending the same client reference twice cannot deliver twice (the gateway deduplicates):
    # the worker may then resend a message a crash left unacknowledged.
    dedupes_client_ref: bool

    def send(self, phone: str, body: str, encoding: str, client_ref: str) -> str:
        """Deliver to the gateway or raise GatewayError."""


def open_gateway(url: str, data_dir: Path) -> Gateway:
    """`log:` (default), `rest+https://ACCOUNT:TOKEN@api.example.com?from=+1555...`, `smpp://user:pass@host:2775?from=...`."""
    parts = urlsplit(url)
    options = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if parts.scheme in ("log", ""):
        from station.notify.gateways.log import LogGateway

        return LogGateway(Path(parts.path) if parts.path else data_dir / "sms-sent.jsonl")
    if parts.scheme in ("rest+http", "rest+https"):
        from station.notify.gateways.rest import RestGateway

        base = f"{parts.scheme.removeprefix('rest+')}://{parts.hostname}" + (
            f":{parts.port}" if parts.port else ""
        )
        return RestGateway(base, parts.username or "", parts.password or "", options.get("from", ""),
                           timeout=float(options.get("timeout", "10")))  # fmt: skip
    if parts.scheme == "smpp":
        from station.notify.gateways.smpp import SmppGateway

        return SmppGateway(parts.hostname or "127.0.0.1", parts.port or 2775, parts.username or "",
                           parts.password or "", options.get("from", "PARCEL"))  # fmt: skip
    raise ValueError(f"unknown SMS gateway {url!r}: use log:, rest+https://... or smpp://...")
