"""The operators desk: who works at the station, their badges, and a supervisor's override.

Operators are managed by an admin (the first operator of a station must be an admin, added by
whoever sets the station up). A supervisor override is the supervisor's name and PIN given at another
operator's station for one exception; it is checked, counted when wrong, and journalled as an
`override` event naming both people, inside the transaction of the exception it allows.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from station.app import Station
from station.desks.outcome import Outcome
from station.labels.model import Code128, Label, Text
from station.labels.render import render
from station.model.events import EventKind, StoredEvent
from station.office import operators, sessions
from station.office.operators import Operator, OperatorError, Role
from station.printing.profiles import profile
from station.printing.queue import PrintQueue

BADGE_WIDTH_IN, BADGE_HEIGHT_IN = 2.25, 1.25  # a 2.25 x 1.25 in thermal label, or a card


@dataclass(frozen=True)
class Supervision:
    """A checked override: who allowed what, for whom; `journal` writes it inside the action."""

    supervisor: str
    operator: str
    action: str
    item_id: str
    reason: str

    def journal(self, station: Station, conn: sqlite3.Connection, facility: str) -> StoredEvent:
        """The `override` event, naming both people (inside the caller's transaction)."""
        return station.journal.append_in(
            conn,
            station.event(
                self.item_id,
                EventKind.OVERRIDE,
                facility,
                self.operator,
                note=f"{self.action} authorised by {self.supervisor}: {self.reason}"[:500],
                extra={"action": self.action, "supervisor": self.supervisor, "operator": self.operator},
            ),
        )


class OperatorDesk:
    """Operators and overrides at one station."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def add(
        self, name: str, role: str, pin: str, by: str | None = None, by_pin: str | None = None
    ) -> Outcome:
        """A new operator (an admin's name and PIN needed once the station has operators)."""
        with self.station.db.transaction() as conn:
            if operators.any_operators(conn):
                refusal = self._admin(conn, by, by_pin)
                if refusal is not None:
                    return refusal
            elif role != Role.ADMIN:
                return Outcome.refused("the station's first operator must be an admin (--role admin)", name)
            try:
                made = operators.add(conn, name, role, pin, self.station.clock().isoformat())
            except OperatorError as exc:
                return Outcome.refused(str(exc), name)
        return Outcome(
            True, made.name, message=f"{made.role}, badge {made.badge}", details={"badge": made.badge}
        )

    def set_enabled(self, name: str, enabled: bool, by: str | None, by_pin: str | None) -> Outcome:
        """Disable an operator, or enable them again (after five wrong PINs): an admin's act."""
        with self.station.db.transaction() as conn:
            refusal = self._admin(conn, by, by_pin)
            if refusal is not None:
                return refusal
            if not enabled and by == name:
                return Outcome.refused("an admin cannot disable themselves", name)
            try:
                done = operators.set_enabled(conn, name, enabled, f"disabled by {by}")
            except OperatorError as exc:
                return Outcome.refused(str(exc), name)
        return Outcome(True, done.name, message="enabled" if done.enabled else "disabled")

    def recover(self, name: str, pin: str, machine_user: str) -> Outcome:
        """The machine owner's recovery of an operator (the admin locked out, or all admins lost): a new
        PIN, enabled, journalled as an `override` naming the machine's user. Whoever may read and write
        the journal's folder could change any of it anyway: the recovery at least leaves a record."""
        with self.station.db.transaction() as conn:
            try:
                done = operators.recover(conn, name, pin)
            except OperatorError as exc:
                return Outcome.refused(str(exc), name)
            self._journal_act(
                conn,
                name,
                name,
                f"operator recovery: {name} given a new PIN and enabled by the machine's user {machine_user}",
                {"action": "operator recovery", "operator": name, "machine_user": machine_user},
            )
        return Outcome(True, done.name, message=f"{done.name} recovered: new PIN set, enabled (journalled)")

    def change_pin(self, name: str, old_pin: str, new_pin: str) -> Outcome:
        """An operator's own new PIN, given the one they have (a wrong one counts as any wrong PIN)."""
        with self.station.db.transaction() as conn:
            checked = operators.verify(conn, name, old_pin, self.station.clock())
            if not checked.ok:
                return Outcome.refused(f"PIN not changed: {checked.reason}", name)
            if new_pin == old_pin:
                return Outcome.refused("PIN not changed: the new PIN is the one you have", name)
            try:
                operators.set_pin(conn, name, new_pin)
            except OperatorError as exc:
                return Outcome.refused(f"PIN not changed: {exc}", name)
        return Outcome(True, name, message="PIN changed")

    def reset_pin(self, name: str, new_pin: str, by: str | None, by_pin: str | None) -> Outcome:
        """An admin gives an operator a new PIN (forgotten, or told to someone): journalled as an
        `override` naming the admin, so a PIN reset before a disputed act is on the record."""
        with self.station.db.transaction() as conn:
            refusal = self._admin(conn, by, by_pin)
            if refusal is not None:
                return refusal
            try:
                done = operators.set_pin(conn, name, new_pin)
            except OperatorError as exc:
                return Outcome.refused(str(exc), name)
            self._journal_act(
                conn,
                name,
                str(by),
                f"PIN reset: {name} given a new PIN by the admin {by}",
                {"action": "PIN reset", "operator": name, "admin": by},
            )
        return Outcome(True, done.name, message=f"new PIN set by {by} (journalled)")

    def listing(self) -> list[Operator]:
        """Every operator."""
        with self.station.db.reading() as conn:
            return operators.listing(conn)

    def badge(self, name: str, fmt: str, dpi: int = 203) -> bytes | Outcome:
        """The operator's badge: their name and a Code 128 of their badge token, in ZPL or PDF."""
        with self.station.db.reading() as conn:
            found = operators.get(conn, name)
        if found is None:
            return Outcome.refused(f"no operator {name}", name)
        width, height = int(BADGE_WIDTH_IN * dpi), int(BADGE_HEIGHT_IN * dpi)
        module = max(2, dpi // 100)
        label = Label(
            f"badge {found.name}",
            width,
            height,
            dpi,
            (
                Text(dpi // 10, dpi // 10, dpi // 6, found.name, bold=True, max_width=width - dpi // 5),
                Text(dpi // 10, dpi // 10 + dpi // 5, dpi // 10, str(found.role).upper()),
                Code128(dpi // 10, height // 2, height // 3, module, found.badge, hri=found.badge),
            ),
        )
        return render([label], fmt)

    def print_badge(self, name: str) -> Outcome:
        """The operator's badge queued for the station's label printer, in its language and dots."""
        devices = self.station.config.devices
        model = profile(devices.printer_profile)
        made = self.badge(name, model.language, model.dpi)
        if isinstance(made, Outcome):
            return made
        queue = PrintQueue(self.station.db, self.station.clock)
        job = queue.enqueue(devices.printer, made, model.language, f"badge {name}")
        return Outcome(True, name, message=f"badge queued as job {job}", details={"print_job": job})

    def sign_in(self, badge_or_name: str, pin: str) -> Outcome:
        """Who is at the station: a scanned badge (or a typed name) and the PIN."""
        with self.station.db.transaction() as conn:
            found = operators.by_badge(conn, badge_or_name) or operators.get(conn, badge_or_name.strip())
            if found is None:
                return Outcome.refused("badge not known at this station")
            checked = operators.verify(conn, found.name, pin, self.station.clock())
        if not checked.ok or checked.operator is None:
            return Outcome.refused(checked.reason, found.name)
        who = checked.operator
        return Outcome(
            True,
            who.name,
            message=f"signed in as {who.role}",
            details={"role": str(who.role), "screens": sorted(who.facts.screens)},
        )

    def start_session(self, name: str, pin: str) -> tuple[Outcome, str | None]:
        """`station signin`: the PIN checked, a session started; its token for the caller to keep."""
        signed = self.sign_in(name, pin)
        if not signed.ok or signed.id is None:
            return signed, None
        token = secrets.token_urlsafe(32)
        with self.station.db.transaction() as conn:
            sessions.start(conn, signed.id, token, self.station.clock(), self._idle())
        minutes = max(1, round(self._idle().total_seconds() / 60))
        return (
            Outcome(
                True,
                signed.id,
                message=f"signed in ({signed.details.get('role')}) until signout or {minutes} idle minutes",
                details=signed.details,
            ),
            token,
        )

    def session_operator(self, token: str) -> str | None:
        """Whose live session this token is (its idle time started again), or None."""
        read_only = self.station.db.read_only  # a reading command: the session is looked at, not extended
        with self.station.db.reading() if read_only else self.station.db.transaction() as conn:
            who = sessions.operator_of(conn, token, self.station.clock(), self._idle(), extend=not read_only)
            found = operators.get(conn, who) if who is not None else None
        return who if found is not None and found.enabled else None  # disabled since: no longer acts

    def end_session(self, token: str) -> Outcome:
        """`station signout`."""
        with self.station.db.transaction() as conn:
            who = sessions.end(conn, token, self.station.clock())
        return Outcome(True, who, message="signed out" if who else "no one was signed in")

    def staffed(self) -> bool:
        """True once the station has operators (then every act needs a proven one)."""
        with self.station.db.reading() as conn:
            return operators.any_operators(conn)

    def _idle(self) -> timedelta:
        return timedelta(seconds=max(60, self.station.config.lock_after_s))

    def supervise(
        self, supervisor: str | None, pin: str | None, action: str, operator: str, item_id: str, reason: str
    ) -> Supervision | Outcome:
        """Check a supervisor's override for one action (the wrong-PIN count is committed either way)."""
        if not supervisor or pin is None:
            with self.station.db.reading() as conn:
                staffed = operators.any_operators(conn)
            # In the window's words: the window asks the supervisor; the command line adds its options.
            how = "their name or badge and their PIN" if staffed else "this station has no operators yet"
            return Outcome.refused(f"{action} needs a supervisor: {how}", item_id, needs_supervisor=True)
        if not reason.strip():
            return Outcome.refused(f"{action}: say why (--reason)", item_id)
        with self.station.db.transaction() as conn:
            badge = operators.by_badge(conn, supervisor)  # the supervisor's badge scanned, or a name
            if badge is not None:
                supervisor = badge.name
            checked = operators.verify(conn, supervisor, pin, self.station.clock())
        if not checked.ok or checked.operator is None:
            return Outcome.refused(f"override refused: {checked.reason}", item_id)
        if not checked.operator.facts.supervises:
            return Outcome.refused(f"override refused: {supervisor} is a {checked.operator.role}", item_id)
        if supervisor == operator:
            return Outcome.refused(
                "override refused: a supervisor cannot authorise their own exception", item_id
            )
        return Supervision(supervisor, operator, action, item_id, reason.strip())

    def _journal_act(
        self, conn: sqlite3.Connection, name: str, by: str, note: str, extra: dict[str, object]
    ) -> None:
        """An act on an operator's PIN, journalled as an `override` under OPERATOR-name, naming who."""
        station = self.station
        station.journal.append_in(
            conn,
            station.event(
                f"OPERATOR-{name}", EventKind.OVERRIDE, station.config.facility, by, note=note, extra=extra
            ),
        )

    def _admin(self, conn: sqlite3.Connection, by: str | None, by_pin: str | None) -> Outcome | None:
        if not by or by_pin is None:
            return Outcome.refused("an admin's name and PIN are needed: --by NAME --by-pin -")
        checked = operators.verify(conn, by, by_pin, self.station.clock())
        if not checked.ok or checked.operator is None:
            return Outcome.refused(checked.reason)
        if not checked.operator.facts.manages_operators:
            return Outcome.refused(f"{by} is a {checked.operator.role}: only an admin manages operators")
        return None
