"""A Twilio-compatible REST client (POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded).

The client reference goes in Twilio's `I-Twilio-Idempotency-Token` header: a retry with the same token
is answered with the original message instead of a second send, so a message a crash left
unacknowledged can safely be sent again.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, ClassVar

from hardware.urls import DeviceUrl, UrlForm
from station.notify.gateway import GatewayError

if TYPE_CHECKING:
    from hardware.registry import DriverContext


class RestGateway:
    """One account at a Twilio-compatible API."""

    dedupes_client_ref = True
    url_forms: ClassVar[dict[str, UrlForm]] = {
        scheme: UrlForm("host", frozenset({"from", "timeout", "secret_file"}), what="Twilio-compatible API")
        for scheme in ("rest+https", "rest+http")
    }

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> RestGateway:
        """`rest+https://ACCOUNT:TOKEN@api.example.com?from=+1555...`, or the token in a file only its
        owner may read: `rest+https://ACCOUNT@api.example.com?secret_file=/etc/parcel-station/sms.secret`."""
        base = f"{url.scheme.removeprefix('rest+')}://{url.host}" + (f":{url.port}" if url.port else "")
        return cls(
            base,
            url.username,
            url.secret(),
            url.params.get("from", ""),
            timeout=url.float_param("timeout", 10.0),
        )

    def __init__(
        self, base_url: str, account: str, token: str, sender: str, *, timeout: float = 10.0
    ) -> None:
        self.account_url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account}.json"
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account}/Messages.json"
        self.auth = "Basic " + base64.b64encode(f"{account}:{token}".encode()).decode()
        self.sender = sender
        self.timeout = timeout

    def check_credentials(self) -> str:
        """GET the account (Twilio's Accounts/{sid}.json): the harmless call that proves the token works."""
        request = urllib.request.Request(self.account_url, method="GET")
        request.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            why = (
                "the account id or token is wrong" if exc.code in (401, 403) else "see the provider's status"
            )
            raise GatewayError(f"gateway answered {exc.code}: {why}", temporary=exc.code >= 500) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, ValueError) as exc:
            raise GatewayError(
                f"gateway unreachable: {getattr(exc, 'reason', exc)}", temporary=True
            ) from None
        status = answer.get("status", "unknown") if isinstance(answer, dict) else "unknown"
        if status != "active":
            raise GatewayError(f"the account is {status}, not active", temporary=False)
        return f"account {answer.get('sid', '?')} is active"

    def send(self, phone: str, body: str, encoding: str, client_ref: str) -> str:
        """POST the message; 429, 5xx, timeouts and refused connections are temporary."""
        data = urllib.parse.urlencode({"To": phone, "From": self.sender, "Body": body}).encode()
        request = urllib.request.Request(self.url, data=data, method="POST")
        request.add_header("Authorization", self.auth)
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("I-Twilio-Idempotency-Token", client_ref)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode(errors="replace")
            temporary = exc.code == 429 or exc.code >= 500
            raise GatewayError(f"gateway answered {exc.code}: {detail}", temporary=temporary) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise GatewayError(
                f"gateway unreachable: {getattr(exc, 'reason', exc)}", temporary=True
            ) from None
        sid = answer.get("sid")
        if not sid:
            raise GatewayError(f"gateway answer without a message sid: {str(answer)[:120]}", temporary=True)
        return str(sid)
