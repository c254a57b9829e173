"""Operators, their roles, their badges and their PINs: the owner of the `operators` table.

A PIN (4 to 12 digits) or a passphrase (8 characters or more) is kept only as an Argon2id hash
(argon2-cffi, OWASP's parameters: 19 MiB, 2 passes), never in clear. Five wrong PINs in a row lock the
operator out for a minute, and every wrong PIN after that doubles the wait (up to an hour): a guesser
gets a few dozen tries a day, and anyone who types five wrong PINs on purpose cannot disable the only
admin or every supervisor for good (the lockout ends by itself; a right PIN clears the count). Only an
admin disables an operator, and never the last enabled admin; the machine's owner has a journalled
recovery (`station operator recover`). A badge is a random token printed as a Code 128 barcode: the
badge says who, the PIN proves it.

What each role may do is one table (`ROLE_FACTS`): the screens it sees, whether it may authorise an
exception (a supervisor override) and whether it manages operators.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from station.errors import Refused

SCHEMA_V7 = """
CREATE TABLE IF NOT EXISTS operators (
    name         TEXT PRIMARY KEY,
    role         TEXT NOT NULL,
    pin_hash     TEXT NOT NULL,
    badge        TEXT NOT NULL UNIQUE,
    enabled      INTEGER NOT NULL DEFAULT 1,
    wrong_pins   INTEGER NOT NULL DEFAULT 0,
    disabled_why TEXT,
    created_at   TEXT NOT NULL
);
"""
MAX_WRONG_PINS = 5  # in a row, then a lockout
FIRST_LOCKOUT = timedelta(minutes=1)
LONGEST_LOCKOUT = timedelta(hours=1)

# Lockouts (schema 16): until when an operator's PIN is not even checked.
MIGRATE_V16 = "ALTER TABLE operators ADD COLUMN locked_until TEXT"
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{1,31}$")
BADGE = re.compile(r"^OP-[0-9A-Z]{10}$")
_BADGE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read aloud without doubt
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


class Role(StrEnum):
    """What an operator is at the station."""

    CLERK = "clerk"
    DEPOT = "depot"
    CARRIER = "carrier"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class RoleFacts:
    """What a role may do."""

    screens: frozenset[str]
    supervises: bool = False  # may authorise an override at another operator's station
    manages_operators: bool = False


_ALL_SCREENS = frozenset(
    {"counter", "depot", "carrier", "track", "devices", "cases", "fraud", "insights", "operators"}
)
ROLE_FACTS: dict[Role, RoleFacts] = {
    Role.CLERK: RoleFacts(frozenset({"counter", "track", "cases"})),
    Role.DEPOT: RoleFacts(frozenset({"depot", "track", "insights"})),
    Role.CARRIER: RoleFacts(frozenset({"carrier", "track"})),
    Role.SUPERVISOR: RoleFacts(_ALL_SCREENS - {"devices", "operators"}, supervises=True),
    Role.ADMIN: RoleFacts(_ALL_SCREENS, supervises=True, manages_operators=True),
}


class OperatorError(Refused):
    """An operator command refused; the message is for the person at the station."""


@dataclass(frozen=True, slots=True)
class Operator:
    """One operator as the station knows them (never their PIN)."""

    name: str
    role: Role
    badge: str
    enabled: bool
    wrong_pins: int
    disabled_why: str | None

    @property
    def facts(self) -> RoleFacts:
        """What this operator's role may do."""
        return ROLE_FACTS[self.role]


@dataclass(frozen=True, slots=True)
class PinCheck:
    """The answer to a PIN: who, whether it was right, and why not."""

    operator: Operator | None
    ok: bool
    reason: str = ""


def check_pin_rules(pin: str) -> None:
    """A PIN of 4 to 12 digits or a passphrase of 8 characters or more, not one digit repeated."""
    if pin.isdigit():
        if not 4 <= len(pin) <= 12:
            raise OperatorError("a PIN has 4 to 12 digits (or use a passphrase of 8 characters or more)")
        if len(set(pin)) == 1:
            raise OperatorError("a PIN of one digit repeated is refused: choose another")
    elif len(pin) < 8:
        raise OperatorError("a passphrase has at least 8 characters (or use a PIN of 4 to 12 digits)")


def check_name_rules(name: str) -> None:
    """An operator's name: what a badge, a sign-in and the journal carry (OperatorError in words)."""
    if not NAME.match(name):
        raise OperatorError(
            f"operator name {name!r}: 2 to 32 letters, digits, '.', '_' or '-', starting with a letter"
            " (e.g. dana.kim)"
        )


def add(conn: sqlite3.Connection, name: str, role: str, pin: str, at: str) -> Operator:
    """A new operator with a new badge (OperatorError for a bad name, role or PIN, or a name taken)."""
    check_name_rules(name)
    try:
        chosen = Role(role)
    except ValueError:
        raise OperatorError(f"role {role!r}: one of {', '.join(r.value for r in Role)}") from None
    check_pin_rules(pin)
    if conn.execute("SELECT 1 FROM operators WHERE name = ?", (name,)).fetchone():
        raise OperatorError(f"operator {name} exists already")
    badge = "OP-" + "".join(secrets.choice(_BADGE_ALPHABET) for _ in range(10))
    conn.execute(
        "INSERT INTO operators (name, role, pin_hash, badge, created_at) VALUES (?,?,?,?,?)",
        (name, chosen, _hasher.hash(pin), badge, at),
    )
    found = get(conn, name)
    assert found is not None
    return found


def get(conn: sqlite3.Connection, name: str) -> Operator | None:
    """The operator called `name`, if any."""
    row = conn.execute(
        "SELECT name, role, badge, enabled, wrong_pins, disabled_why FROM operators WHERE name = ?", (name,)
    ).fetchone()
    return _operator(row) if row else None


def by_badge(conn: sqlite3.Connection, badge: str) -> Operator | None:
    """Whose badge this is (None for a badge the station does not know)."""
    row = conn.execute(
        "SELECT name, role, badge, enabled, wrong_pins, disabled_why FROM operators WHERE badge = ?",
        (badge.strip().upper(),),
    ).fetchone()
    return _operator(row) if row else None


def listing(conn: sqlite3.Connection) -> list[Operator]:
    """Every operator, by name."""
    rows = conn.execute(
        "SELECT name, role, badge, enabled, wrong_pins, disabled_why FROM operators ORDER BY name"
    )
    return [_operator(r) for r in rows]


def any_operators(conn: sqlite3.Connection) -> bool:
    """True once the station has operators (before that, it runs as a single unnamed station)."""
    return conn.execute("SELECT 1 FROM operators LIMIT 1").fetchone() is not None


def set_enabled(conn: sqlite3.Connection, name: str, enabled: bool, why: str | None = None) -> Operator:
    """Disable (with why) or enable again (the wrong-PIN count and any lockout cleared). The last
    enabled admin is never disabled: no one could manage the operators any more."""
    if not enabled and enabled_admins(conn) == [name]:
        raise OperatorError(f"{name} is the last admin who can act: add or enable another admin first")
    done = conn.execute(
        "UPDATE operators SET enabled = ?, disabled_why = ?, wrong_pins = CASE WHEN ? THEN 0 ELSE wrong_pins"
        " END, locked_until = CASE WHEN ? THEN NULL ELSE locked_until END WHERE name = ?",
        (int(enabled), None if enabled else why, int(enabled), int(enabled), name),
    ).rowcount
    return _updated(conn, name, done)


def lockout_after(wrong: int) -> timedelta:
    """How long a wrong PIN locks the operator out, the `wrong`-th in a row: nothing before the fifth,
    then a minute, doubling with each one more, never more than an hour."""
    if wrong < MAX_WRONG_PINS:
        return timedelta(0)
    doublings = min(wrong - MAX_WRONG_PINS, 16)
    return min(LONGEST_LOCKOUT, FIRST_LOCKOUT * (1 << doublings))


def verify(conn: sqlite3.Connection, name: str, pin: str, now: datetime) -> PinCheck:
    """Check a PIN inside the caller's transaction, counting a wrong one (commit it even when the
    caller's action is refused: a wrong PIN must count). The fifth wrong one in a row locks the operator
    out for a while (`lockout_after`); while locked out, no PIN is checked at all."""
    row = conn.execute("SELECT pin_hash, locked_until FROM operators WHERE name = ?", (name,)).fetchone()
    found = get(conn, name)
    if row is None or found is None:
        _hasher.hash(pin)  # the same time taken for a name that does not exist
        return PinCheck(None, False, f"no operator {name}")
    if not found.enabled:
        return PinCheck(found, False, f"{name} is disabled: {found.disabled_why or 'by an admin'}")
    if row[1] is not None and now < datetime.fromisoformat(row[1]):
        wait = datetime.fromisoformat(row[1]) - now
        return PinCheck(found, False, f"{name} is locked out after wrong PINs: try again in {_minutes(wait)}")
    try:
        _hasher.verify(row[0], pin)
    except (VerificationError, InvalidHashError):
        wrong = found.wrong_pins + 1
        locked = lockout_after(wrong)
        until = (now + locked).isoformat() if locked else None
        conn.execute(
            "UPDATE operators SET wrong_pins = ?, locked_until = ? WHERE name = ?", (wrong, until, name)
        )
        if locked:
            return PinCheck(
                get(conn, name),
                False,
                f"wrong PIN: {name} is locked out for {_minutes(locked)} ({wrong} in a row)",
            )
        left = MAX_WRONG_PINS - wrong
        return PinCheck(
            get(conn, name), False, f"wrong PIN for {name} ({left} more and {name} is locked out for a while)"
        )
    if _hasher.check_needs_rehash(row[0]):
        conn.execute("UPDATE operators SET pin_hash = ? WHERE name = ?", (_hasher.hash(pin), name))
    if found.wrong_pins or row[1] is not None:
        conn.execute("UPDATE operators SET wrong_pins = 0, locked_until = NULL WHERE name = ?", (name,))
    return PinCheck(get(conn, name), True)


def _minutes(span: timedelta) -> str:
    minutes = max(1, round(span.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def enabled_admins(conn: sqlite3.Connection) -> list[str]:
    """The admins who can act (the last of them is never disabled)."""
    rows = conn.execute(
        "SELECT name FROM operators WHERE role = ? AND enabled = 1 ORDER BY name", (Role.ADMIN,)
    )
    return [str(r[0]) for r in rows]


def recover(conn: sqlite3.Connection, name: str, pin: str) -> Operator:
    """The machine owner's recovery of an operator: a new PIN, enabled, the lockout and the count
    cleared (the caller journals who did it)."""
    check_pin_rules(pin)
    done = conn.execute(
        "UPDATE operators SET pin_hash = ?, enabled = 1, disabled_why = NULL, wrong_pins = 0,"
        " locked_until = NULL WHERE name = ?",
        (_hasher.hash(pin), name),
    ).rowcount
    return _updated(conn, name, done)


def set_pin(conn: sqlite3.Connection, name: str, pin: str) -> Operator:
    """A new PIN (by the rules), the wrong-PIN count and any lockout cleared; enabled or not as before."""
    check_pin_rules(pin)
    done = conn.execute(
        "UPDATE operators SET pin_hash = ?, wrong_pins = 0, locked_until = NULL WHERE name = ?",
        (_hasher.hash(pin), name),
    ).rowcount
    return _updated(conn, name, done)


def _updated(conn: sqlite3.Connection, name: str, rows: int) -> Operator:
    """The operator as an UPDATE of `rows` rows left them; OperatorError when there was none."""
    if not rows:
        raise OperatorError(f"no operator {name}")
    found = get(conn, name)
    assert found is not None
    return found


def _operator(row: sqlite3.Row) -> Operator:
    name, role, badge, enabled, wrong, why = tuple(row)
    return Operator(
        str(name), Role(str(role)), str(badge), bool(enabled), int(wrong), None if why is None else str(why)
    )
