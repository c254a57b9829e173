"""`station sms serve`: the inbound webhook a Twilio-compatible provider calls (form fields From, Body).

Replies are not put in the HTTP answer: they go through the outbox like every other message (durable,
rate-limited); the answer is an empty TwiML document.
"""

from __future__ import annotations

import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from station.app import Station
from station.notify.consent import handle_inbound
from station.notify.phone import InvalidPhone

EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def make_server(station: Station, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server handling POST /sms/inbound."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path.split("?")[0] != "/sms/inbound":
                self._answer(404, b"not found")
                return
            length = min(int(self.headers.get("Content-Length") or 0), 64 * 1024)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            phone, body = form.get("From", [""])[0], form.get("Body", [""])[0]
            try:
                handle_inbound(station, phone, body, source="webhook")
            except InvalidPhone as exc:
                self._answer(400, str(exc).encode())
                return
            self._answer(200, EMPTY_TWIML, "text/xml")

        def do_GET(self) -> None:
            self._answer(
                200 if self.path == "/health" else 404, b"ok" if self.path == "/health" else b"not found"
            )

        def _answer(self, code: int, body: bytes, kind: str = "text/plain") -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # the consent log records what matters

    return ThreadingHTTPServer((host, port), Handler)
