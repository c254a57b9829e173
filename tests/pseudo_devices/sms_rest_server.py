"""A Twilio-compatible REST endpoint on 127.0.0.1 (POST /2010-04-01/Accounts/{sid}/Messages.json) that can be
slow or fail, and honours the I-Twilio-Idempotency-Token header as Twilio does (same token, same message)."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SmsRestServer:
    """`mode`: 'ok', 'error500', 'error400', 'slow' (answers after `delay` seconds)."""

    def __init__(self, account: str = "AC123", token: str = "secret") -> None:
        self.mode = "ok"
        self.delay = 2.0
        self.messages: list[dict[str, str]] = []  # what was really sent (once per token)
        self.requests = 0
        self.arrivals: list[float] = []  # time.monotonic() when each POST arrived, before any delay
        tokens: dict[str, str] = {}
        expected = "Basic " + base64.b64encode(f"{account}:{token}".encode()).decode()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # Twilio's account resource: what a credentials check reads
                if self.headers.get("Authorization") != expected:
                    return self._json(401, {"code": 20003, "message": "Authenticate"})
                if self.path != f"/2010-04-01/Accounts/{account}.json":
                    return self._json(404, {"message": "not found"})
                return self._json(200, {"sid": account, "status": "active", "type": "Full"})

            def do_POST(self) -> None:
                outer.requests += 1
                outer.arrivals.append(time.monotonic())
                if self.headers.get("Authorization") != expected:
                    return self._json(401, {"code": 20003, "message": "Authenticate"})
                if not self.path.endswith(f"/Accounts/{account}/Messages.json"):
                    return self._json(404, {"message": "not found"})
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                if outer.mode == "slow":
                    time.sleep(outer.delay)
                if outer.mode == "error500":
                    return self._json(500, {"message": "internal error"})
                if outer.mode == "error400":
                    return self._json(400, {"code": 21211, "message": "invalid 'To' number"})
                token_value = self.headers.get("I-Twilio-Idempotency-Token", "")
                if token_value in tokens:
                    return self._json(201, {"sid": tokens[token_value], "status": "queued"})
                sid = f"SM{len(outer.messages):032d}"
                tokens[token_value] = sid
                outer.messages.append({"to": form["To"][0], "from": form["From"][0], "body": form["Body"][0]})
                return self._json(201, {"sid": sid, "status": "queued"})

            def _json(self, code: int, payload: dict[str, object]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        """The gateway URL for the station."""
        return f"rest+http://AC123:secret@127.0.0.1:{self.port}?from=%2B15550001111&timeout=1"

    def close(self) -> None:
        """Take the endpoint down."""
        self._server.shutdown()
        self._server.server_close()
