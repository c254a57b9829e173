"""What every desk method answers: done (with the id and what to tell the operator) or refused (and why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from station.model.events import StoredEvent


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to one action. `line` is what `station` prints: `OK <id> ...` or `REJECT <reason>`."""

    ok: bool
    id: str | None
    reason: str | None = None  # why it was refused, worded for the operator
    message: str = ""  # what the window shows after a success ("into sack ... (3 items)")
    stored: StoredEvent | None = None  # the journal event it recorded, if any
    warning: str | None = None  # recorded, but worth a look
    details: dict[str, Any] = field(default_factory=dict)  # values a screen or --json shows

    @classmethod
    def refused(cls, reason: str, id: str | None = None, **details: Any) -> Outcome:
        """A refusal: nothing was recorded."""
        return cls(False, id, reason, details=details)

    @property
    def line(self) -> str:
        """The one line the CLI prints."""
        if not self.ok:
            return f"REJECT {self.reason}"
        return " ".join(part for part in ("OK", self.id, self.message) if part)

    @property
    def text(self) -> str:
        """The banner's text."""
        if not self.ok:
            return self.reason or "refused"
        return f"{self.id} {self.message or 'recorded'}" if self.id else self.message or "done"

    def to_json(self) -> dict[str, Any]:
        """The `--json` answer."""
        out: dict[str, Any] = {"ok": self.ok, "id": self.id}
        if self.ok:
            out["message"] = self.message
        else:
            out["reason"] = self.reason
        if self.warning:
            out["warning"] = self.warning
        if self.stored is not None:
            e = self.stored.event
            out["event"] = {
                "event_id": e.event_id,
                "kind": str(e.kind),
                "seq": self.stored.seq,
                "upu_code": e.upu_code,
                "time": e.occurred_at.isoformat(),
            }
        return {**out, **self.details}
