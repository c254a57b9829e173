"""The demo gateway: each message as one JSON line in a file (and nowhere else)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from hardware.urls import DeviceUrl, UrlForm

if TYPE_CHECKING:
    from hardware.registry import DriverContext


class LogGateway:
    """Appends to a JSON-lines file; a client reference already in the file is not written again."""

    dedupes_client_ref = True
    url_forms: ClassVar[dict[str, UrlForm]] = {"log": UrlForm("optional_path", what="file of sent messages")}

    @classmethod
    def from_url(cls, url: DeviceUrl, context: DriverContext) -> LogGateway:
        """`log:` writes to the station's sms-sent.jsonl, `log:///path` to that file."""
        return cls(Path(url.path) if url.path else context.sms_log)

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: set[str] = set()
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self._seen.add(json.loads(line)["client_ref"])

    def send(self, phone: str, body: str, encoding: str, client_ref: str) -> str:
        """Write the line (fsynced) unless this reference was written before."""
        if client_ref not in self._seen:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            record = {
                "client_ref": client_ref,
                "to": phone,
                "body": body,
                "encoding": encoding,
                "at": datetime.now(UTC).isoformat(),
            }
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # phones: owner's alone
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
            self._seen.add(client_ref)
        return f"log-{client_ref}"
