"""The suspense desk: amounts the till cannot explain yet, listed, disputed and cleared.

A till difference is put in suspense by the close itself (see the till desk); a disputed charge is put
there here, with a case on the item. Clearing needs a supervisor who did not open the item, and a
reason; the clearing is an entry of its own and the case is resolved with it.
"""

from __future__ import annotations

from station.app import Station
from station.desks.operators import OperatorDesk
from station.desks.outcome import Outcome
from station.ids.scanning import canonical_id
from station.office import cases, suspense
from station.office.cases import CaseKind, CaseState
from station.office.suspense import SuspenseItem, SuspenseKind
from station.postage.rates import money

MAX_DISPUTED_CENTS = 10_000_000  # $100,000: more is a typing error


class SuspenseDesk:
    """The station's suspense account."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def listing(self, *, open_only: bool = True) -> list[SuspenseItem]:
        """What is in suspense (or ever was, with `open_only=False`)."""
        with self.station.db.reading() as conn:
            return suspense.items(conn, open_only=open_only)

    def dispute(self, item: str, cents: int, reason: str, *, operator: str) -> Outcome:
        """A disputed charge held apart from the day, with a case on the item."""
        item_id = canonical_id(item)
        text = " ".join(reason.split())
        if not text:
            return Outcome.refused("say what is disputed (--reason)", item_id)
        if not 0 < cents <= MAX_DISPUTED_CENTS:
            return Outcome.refused(
                f"a disputed amount is between $0.01 and {money(MAX_DISPUTED_CENTS)}", item_id
            )
        now = self.station.clock()
        with self.station.db.transaction() as conn:
            said = f"disputed {money(cents)}: {text}"
            case_id = cases.open_case(conn, item_id, CaseKind.SUSPENSE, said, operator, now)
            held = suspense.open_item(
                conn, SuspenseKind.DISPUTED, cents, item_id, said, case_id, now.isoformat(), operator
            )
        return Outcome(
            True, item_id, message=f"{money(cents)} held in suspense (item {held}, case {case_id})"
        )

    def clear(
        self, item_id: int, reason: str, *, supervisor: str | None, pin: str | None, operator: str
    ) -> Outcome:
        """Clear an item: a supervisor other than whoever opened it, with a reason; the case resolved."""
        with self.station.db.reading() as conn:
            found = suspense.get(conn, item_id)
        if found is None:
            return Outcome.refused(f"no suspense item {item_id}")
        if found.cleared_at is not None:
            return Outcome.refused(f"suspense item {item_id} was cleared by {found.cleared_by} already")
        checked = OperatorDesk(self.station).supervise(
            supervisor, pin, "suspense clearing", operator or "-", found.subject, reason
        )
        if isinstance(checked, Outcome):
            return checked
        if checked.supervisor == found.opened_by:
            return Outcome.refused(
                f"{checked.supervisor} put item {item_id} in suspense: a second person clears it"
            )
        now = self.station.clock()
        with self.station.db.transaction() as conn:
            again = suspense.get(conn, item_id)
            if again is None or again.cleared_at is not None:
                return Outcome.refused(f"suspense item {item_id} was cleared already")
            suspense.clear(conn, again, checked.reason, now.isoformat(), checked.supervisor)
            if again.case_id is not None:
                cases.add_note(
                    conn,
                    again.case_id,
                    f"cleared by {checked.supervisor}: {checked.reason}",
                    checked.supervisor,
                    now,
                )
                cases.set_state(conn, again.case_id, CaseState.RESOLVED, now)
        return Outcome(
            True,
            found.subject,
            message=f"suspense item {item_id} ({money(found.cents)}) cleared by {checked.supervisor}",
        )
