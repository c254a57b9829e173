"""Known senders at the counter (issue 34, item 7): kept, found as the clerk types, counted as used."""

from __future__ import annotations

from station.app import Station
from station.desks.outcome import Outcome
from station.office import senders
from station.office.senders import Sender

MAX_LINE = 60


class SendersDesk:
    """The station's book of senders."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def add(self, lines: tuple[str, ...], *, account: str | None = None, business: bool = False) -> Outcome:
        """Keep a sender: their name, then the lines of their address."""
        kept = tuple(" ".join(line.split()) for line in lines if line.strip())
        if len(kept) < 2:
            return Outcome.refused(
                "a sender is a name and an address: at least two lines (Name|street|town ZIP)"
            )
        if any(len(line) > MAX_LINE or not line.isprintable() for line in kept):
            return Outcome.refused(f"each line of the address: printable, at most {MAX_LINE} characters")
        if account is not None and not (account.strip() and account.isascii() and account.isprintable()):
            return Outcome.refused("an account is letters and digits, e.g. ACME-0042")
        with self.station.db.transaction() as conn:
            sender = senders.add(conn, kept, self.station.clock(), account=account, business=business)
        return Outcome(
            True, None, message=f"sender {sender.id}: {sender.one_line}", details={"id": sender.id}
        )

    def find(self, text: str) -> list[Sender]:
        """Those whose name holds `text`, or whose account it is; everyone for an empty `text`."""
        with self.station.db.reading() as conn:
            return senders.find(conn, text) if text.strip() else senders.everyone(conn)
