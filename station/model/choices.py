"""A customer's delivery choice, as the hub's tracking page takes it and the stations honour it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

HOLD, REDIRECT, SAFE_PLACE, NEIGHBOUR, ANOTHER_DAY = (
    "hold",
    "redirect",
    "safe-place",
    "neighbour",
    "another-day",
)
CHOICES = (HOLD, REDIRECT, SAFE_PLACE, NEIGHBOUR, ANOTHER_DAY)


@dataclass(frozen=True, slots=True)
class CustomerChoice:
    """One choice as the hub recorded it: `detail` holds the office (redirect), the place in words
    (safe place), the neighbour's name and house (neighbour) or the day (another day)."""

    choice_id: int
    item_id: str
    choice: str
    made_at: datetime
    detail: dict[str, Any] = field(default_factory=dict)
    last_scanned_by: str | None = None  # the station that scanned the item last, as the hub knows

    @property
    def day(self) -> date | None:
        """The day asked for (another day), else None."""
        raw = self.detail.get("day")
        try:
            return date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            return None

    def words(self) -> str:
        """What the carrier and the clerk read: 'hold at the office for pickup'."""
        if self.choice == HOLD:
            return "hold at the office for pickup"
        if self.choice == REDIRECT:
            return f"redirect to office {self.detail.get('office', '?')}"
        if self.choice == SAFE_PLACE:
            return f"leave at a safe place: {self.detail.get('place', '')}".rstrip(": ")
        if self.choice == NEIGHBOUR:
            house = self.detail.get("house", "")
            name = self.detail.get("name", "")
            return f"deliver to the neighbour {name} at {house}".replace("  ", " ")
        if self.choice == ANOTHER_DAY:
            return f"deliver on {self.day:%a %d %b}" if self.day else "deliver another day"
        return self.choice

    def journal_extra(self) -> dict[str, Any]:
        """What the `choice` event keeps (the hub strips `neighbour` from what other stations read)."""
        extra: dict[str, Any] = {"choice": self.choice, "choice_id": self.choice_id}
        if self.choice == REDIRECT:
            extra["office"] = str(self.detail.get("office", ""))
            zip_code = str(self.detail.get("zip") or "")
            if len(zip_code) == 5 and zip_code.isdigit():
                extra["routing_zip"] = zip_code  # a forward: sorted for the new office from now on
        if self.choice == SAFE_PLACE:
            extra["safe_place"] = str(self.detail.get("place", ""))
        if self.choice == NEIGHBOUR:
            extra["neighbour"] = {"name": self.detail.get("name", ""), "house": self.detail.get("house", "")}
        if self.choice == ANOTHER_DAY and self.day:
            extra["day"] = self.day.isoformat()
        return extra
