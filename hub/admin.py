"""Hub administration: create or upgrade the schema, enrol a station (its own login role)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg

from hub.schema import LATEST, MIGRATIONS
from station.errors import Fault, Unreachable

STATION_ID = re.compile(r"^[A-Za-z0-9]{2,12}$")


class HubError(Fault):
    """The hub cannot be used as asked; the message says why in one line."""


# What PostgreSQL itself refused (a privilege, a constraint): the front end catches it by this name, so
# that psycopg stays inside the hub package.
DatabaseRefusal = psycopg.Error


class HubUnreachable(HubError, Unreachable):
    """The hub's server did not answer (exit 3: try again)."""


def connect(dsn: str, **kwargs: object) -> psycopg.Connection:
    """A connection, or HubError naming why not (no traceback for an unreachable hub)."""
    try:
        return psycopg.connect(dsn, connect_timeout=5, **kwargs)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        raise HubUnreachable(f"hub unreachable: {str(exc).strip().splitlines()[-1]}") from None


def init(admin_dsn: str) -> tuple[int, int]:
    """Apply the migrations the hub lacks; (version before, version after). Idempotent."""
    with connect(admin_dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS hub")
        conn.execute("CREATE TABLE IF NOT EXISTS hub.schema_version (version integer NOT NULL)")
        with conn.transaction():
            conn.execute("LOCK TABLE hub.schema_version IN EXCLUSIVE MODE")
            row = conn.execute("SELECT max(version) FROM hub.schema_version").fetchone()
            before = int(row[0]) if row and row[0] is not None else 0
        if before > LATEST:
            raise HubError(f"the hub is at schema version {before}, this station knows up to {LATEST}")
        for migration in MIGRATIONS:
            version, sql = migration.version, migration.sql
            if version <= before:
                continue
            with conn.transaction():
                conn.execute(sql.encode())
                conn.execute("INSERT INTO hub.schema_version VALUES (%s)", (version,))
    return before, LATEST


@dataclass(frozen=True)
class Enrolment:
    """What a station needs to reach its hub."""

    station_id: str
    role: str
    password: str
    dsn: str  # without the password (it goes into a .pgpass file at 0600)

    def pgpass_line(self, host: str, port: str, database: str) -> str:
        """The line for a libpq password file."""
        escaped = self.password.replace("\\", "\\\\").replace(":", "\\:")
        return f"{host}:{port}:{database}:{self.role}:{escaped}"


def enrol(admin_dsn: str, station_id: str) -> Enrolment:
    """A login role for the station (member of hub_station), its row and its empty head."""
    if not STATION_ID.match(station_id):
        raise HubError(f"station id {station_id!r}: 2 to 12 letters and digits")
    role = f"station_{station_id.lower()}"
    password = secrets.token_urlsafe(24)
    with connect(admin_dsn, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('hub.stations')").fetchone() == (None,):
            raise HubError("the hub has no schema yet: run `station hub init --dsn ...` first")
        with conn.transaction():
            known = conn.execute(
                "SELECT role_name FROM hub.stations WHERE station_id = %s", (station_id,)
            ).fetchone()
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(
                psycopg.sql.SQL("{} ROLE {} LOGIN PASSWORD {} IN ROLE hub_station").format(
                    psycopg.sql.SQL(verb), psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
                )
                if verb == "CREATE"
                else psycopg.sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                    psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
                )
            )
            if known is None:
                conn.execute(
                    "INSERT INTO hub.stations (station_id, role_name) VALUES (%s, %s)", (station_id, role)
                )
                conn.execute("INSERT INTO hub.heads (station_id) VALUES (%s)", (station_id,))
    return Enrolment(station_id, role, password, _station_dsn(admin_dsn, role))


def _station_dsn(admin_dsn: str, role: str) -> str:
    """The admin's DSN with the station's role and no password."""
    parts = urlsplit(admin_dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, parts.fragment))


PUBLICATION = "hub_events"


def publish(admin_dsn: str) -> bool:
    """A regional hub publishes its events (every partition, as the root table); False when it did already."""
    with connect(admin_dsn, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", (PUBLICATION,)).fetchone():
            return False
        conn.execute(
            psycopg.sql.SQL(
                "CREATE PUBLICATION {} FOR TABLE hub.events WITH (publish_via_partition_root = true)"
            ).format(psycopg.sql.Identifier(PUBLICATION))
        )
    return True


def subscribe(national_dsn: str, name: str, regional_conninfo: str) -> bool:
    """The national hub subscribes to a regional hub's events (PostgreSQL logical replication).

    The national hub takes no pushes of its own, so its events land in a default partition; its rows
    are the regional hubs' rows, already checked there (replication does not fire the checks again).
    """
    if not STATION_ID.match(name):
        raise HubError(f"subscription name {name!r}: 2 to 12 letters and digits")
    init(national_dsn)
    with connect(national_dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS hub.events_default PARTITION OF hub.events DEFAULT")
        sub = f"hub_from_{name.lower()}"
        if conn.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", (sub,)).fetchone():
            return False
        conn.execute(
            psycopg.sql.SQL("CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {}").format(
                psycopg.sql.Identifier(sub),
                psycopg.sql.Literal(regional_conninfo),
                psycopg.sql.Identifier(PUBLICATION),
            )
        )
    return True


@dataclass(frozen=True)
class Alert:
    """A refusal or a flag raised at the hub."""

    id: int
    kind: str
    station_id: str
    seq: int | None
    item_id: str | None
    detail: str
    at: str


def alerts(admin_dsn: str, after_id: int = 0) -> list[Alert]:
    """The hub's alerts (tamper, duplicate acceptance), oldest first."""
    with connect(admin_dsn) as conn:
        rows = conn.execute(
            "SELECT id, kind, station_id, seq, item_id, detail, at FROM hub.alerts WHERE id > %s ORDER BY id",
            (after_id,),
        ).fetchall()
    return [Alert(int(r[0]), str(r[1]), str(r[2]), r[3], r[4], str(r[5]), r[6].isoformat()) for r in rows]
