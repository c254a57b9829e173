"""`station sms serve`: the inbound webhook a Twilio-compatible provider calls (form fields From, Body).

Only the provider may call it: every request must carry `X-Twilio-Signature`, the base64 HMAC-SHA1,
keyed with the account's auth token, of the full URL the provider called followed by each POST
parameter's name and value in name order (Twilio's request validation); anything unsigned or wrongly
signed is answered 403 and changes nothing. Each text is applied once: its MessageSid is kept with what
it did, so a captured request sent again (or the provider's own retry) changes nothing the second time.
A body is at most 64 KB and must declare its length; a request has REQUEST_SECONDS in all to arrive
(a connection that trickles a byte now and then is cut then, however lively each read looks); at most
`max_workers` requests are served at once (the rest get 503 at once, and the provider retries); each
source address may make a few verified requests a second (unsigned junk does not spend the provider's).

Replies are not put in the HTTP answer: they go through the outbox like every other message (durable,
rate-limited); the answer is an empty TwiML document.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import logging
import socket
import sys
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from station.app import Station
from station.notify.consent import handle_inbound
from station.notify.phone import InvalidPhone

EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY = 64 * 1024
IDLE_SECONDS = 5.0  # the longest wait for one read
REQUEST_SECONDS = 10.0  # the longest a whole request may take to arrive
PER_SOURCE_PER_MINUTE = 120
log = logging.getLogger(__name__)


def twilio_signature(auth_token: str, url: str, params: dict[str, str] | list[tuple[str, str]]) -> str:
    """Twilio's X-Twilio-Signature for a form POST to `url` (a repeated parameter: each value, sorted)."""
    values: dict[str, set[str]] = defaultdict(set)
    for key, value in params.items() if isinstance(params, dict) else params:
        values[key].add(value)
    payload = url + "".join(f"{key}{value}" for key in sorted(values) for value in sorted(values[key]))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class WebhookServer(ThreadingHTTPServer):
    """A threading HTTP server with a cap on concurrent requests and a per-source rate limit."""

    daemon_threads = True
    request_queue_size = 128  # a burst of connections waits in the kernel, not in threads

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], max_workers: int
    ) -> None:
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(max_workers)
        self._recent: dict[str, deque[float]] = defaultdict(deque)
        self._recent_lock = threading.Lock()
        # One deadline for each whole request, kept by one watchdog thread: a read timeout alone lets a
        # client that sends a byte every few seconds hold a worker for ever.
        self._deadlines: dict[socket.socket, float] = {}
        self._deadlines_lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._cut_late_requests, name="webhook-deadlines", daemon=True).start()

    def watch(self, connection: socket.socket) -> None:
        """`connection` has REQUEST_SECONDS from now to send its request."""
        with self._deadlines_lock:
            self._deadlines[connection] = time.monotonic() + REQUEST_SECONDS

    def unwatch(self, connection: socket.socket) -> None:
        """`connection` is answered: no deadline any more."""
        with self._deadlines_lock:
            self._deadlines.pop(connection, None)

    def server_close(self) -> None:
        self._closed.set()  # the watchdog ends with the server
        super().server_close()

    def _cut_late_requests(self) -> None:
        while not self._closed.wait(0.25):
            now = time.monotonic()
            with self._deadlines_lock:
                late = [conn for conn, deadline in self._deadlines.items() if deadline <= now]
                for conn in late:
                    del self._deadlines[conn]
            for conn in late:
                log.info("webhook: a request took longer than %.0f s to arrive: cut", REQUEST_SECONDS)
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            _refuse(request, 503, "busy")  # never a thread per waiting connection
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is no fault of ours: a line in the log, no traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, OSError)):
            log.info("webhook: %s went away mid-request (%s)", client_address[0], sys.exc_info()[1])
            return
        log.exception("webhook: request from %s failed", client_address[0])

    def allow(self, source: str) -> bool:
        """The source's request rate is within the limit (a sliding minute)."""
        now = time.monotonic()
        with self._recent_lock:
            seen = self._recent[source]
            while seen and seen[0] < now - 60:
                seen.popleft()
            if len(seen) >= PER_SOURCE_PER_MINUTE:
                return False
            seen.append(now)
            return True


def _refuse(request: socket.socket, code: int, text: str) -> None:
    body = text.encode()
    try:
        request.settimeout(1.0)
        request.sendall(
            f"HTTP/1.1 {code} {text}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
    except OSError:
        pass
    finally:
        request.close()


def make_server(
    station: Station,
    host: str,
    port: int,
    *,
    auth_token: str,
    public_url: str | None = None,
    max_workers: int = 16,
) -> WebhookServer:
    """An HTTP server handling POST /sms/inbound, signed with `auth_token`.

    `public_url` is the URL the provider is configured to call (what the signature covers); by default
    the address this server listens on.
    """
    if not auth_token:
        raise ValueError("the webhook needs the SMS account's auth token to check request signatures")

    class Handler(BaseHTTPRequestHandler):
        timeout = IDLE_SECONDS  # an idle connection is dropped

        def setup(self) -> None:
            super().setup()
            server.watch(self.connection)

        def finish(self) -> None:
            server.unwatch(self.connection)
            with contextlib.suppress(OSError):
                super().finish()

        def do_POST(self) -> None:
            if self.path.split("?")[0] != "/sms/inbound":
                self._answer(404, b"not found")
                return
            declared = self.headers.get("Content-Length")
            if declared is None:
                self._answer(411, b"Content-Length required")
                return
            if not declared.isascii() or not declared.isdigit():
                self._answer(400, b"bad Content-Length")
                return
            if int(declared) > MAX_BODY:
                self._answer(413, b"body too large")
                return
            raw = self.rfile.read(int(declared))
            try:
                pairs = urllib.parse.parse_qsl(
                    raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True
                )
            except (UnicodeDecodeError, ValueError):
                self._answer(400, b"not a form")
                return
            params = dict(pairs)
            query = urllib.parse.urlsplit(self.path).query
            url = (public_url or f"http://{host}:{server.server_port}/sms/inbound") + (
                f"?{query}" if query else ""
            )
            expected = twilio_signature(auth_token, url, pairs)
            if not hmac.compare_digest(expected, self.headers.get("X-Twilio-Signature", "")):
                log.warning(
                    "webhook request from %s refused: missing or wrong signature", self.client_address[0]
                )
                self._answer(403, b"forbidden")
                return
            if not server.allow(self.client_address[0]):  # only the provider's own requests count
                self._answer(429, b"too many requests")
                return
            sid = params.get("MessageSid") or params.get("SmsSid") or ""
            if not sid:
                self._answer(400, b"no MessageSid: a text without its id could be applied twice")
                return
            try:
                done = handle_inbound(
                    station,
                    params.get("From", ""),
                    params.get("Body", ""),
                    source="webhook",
                    provider_id=f"twilio:{sid}",
                )
            except InvalidPhone as exc:
                self._answer(400, str(exc).encode())
                return
            if done.action == "replay":
                log.warning("webhook: text %s from %s handled already: not applied again", sid, done.phone)
            self._answer(200, EMPTY_TWIML, "text/xml")  # a retry gets its answer, and stops

        def do_GET(self) -> None:
            ok = self.path == "/health"
            self._answer(200 if ok else 404, b"ok" if ok else b"not found")

        def _answer(self, code: int, body: bytes, kind: str = "text/plain") -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            return  # the consent log records what matters

    server = WebhookServer((host, port), Handler, max_workers)
    return server
