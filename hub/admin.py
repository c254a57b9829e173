"""Hub administration: create or upgrade the schema, enrol a station (its own login role)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg

from hub.said import one_line
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


@contextmanager
def as_administrator(what: str) -> Iterator[None]:
    """Work that needs the hub's owner: a station's login (or any other) is told so in one line."""
    try:
        yield
    except psycopg.errors.InsufficientPrivilege:
        raise HubError(f"this DSN's login may not {what}: give the hub administrator's DSN") from None


def connect(dsn: str, **kwargs: object) -> psycopg.Connection:
    """A connection, or HubError naming why not (no traceback for an unreachable hub)."""
    try:
        return psycopg.connect(dsn, connect_timeout=5, **kwargs)  # type: ignore[arg-type]
    except psycopg.ProgrammingError as exc:  # libpq could not parse it
        raise HubError(f"the DSN is not a libpq connection string: {one_line(exc)}") from None
    except psycopg.OperationalError as exc:
        raise HubUnreachable(f"hub unreachable: {one_line(exc)}") from None


def init(admin_dsn: str) -> tuple[int, int]:
    """Apply the migrations the hub lacks; (version before, version after). Idempotent."""
    with connect(admin_dsn, autocommit=True) as conn, as_administrator("create or upgrade the hub schema"):
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
    with connect(admin_dsn, autocommit=True) as conn, as_administrator("enrol a station"):
        if conn.execute("SELECT to_regclass('hub.stations')").fetchone() == (None,):
            raise HubError("the hub has no schema yet: run `station hub init --dsn ...` first")
        with conn.transaction():
            known = conn.execute(
                "SELECT role_name, revoked_at FROM hub.stations WHERE station_id = %s", (station_id,)
            ).fetchone()
            if known is not None and known[1] is not None:
                raise HubError(
                    f"station {station_id} was revoked on {known[1]:%Y-%m-%d %H:%M %Z}: a revoked station"
                    " is not enrolled again (enrol the machine under a new id)"
                )
            holder = conn.execute(
                "SELECT station_id FROM hub.stations WHERE role_name = %s AND station_id <> %s",
                (role, station_id),
            ).fetchone()
            if holder is not None:
                raise HubError(
                    f"station id {station_id!r} is too like {holder[0]!r}, enrolled already: ids are"
                    f" told apart without regard to case (enrol {holder[0]} to renew its password)"
                )
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
            # Roles belong to the whole cluster: one revoked at another hub database on it has lost
            # its membership, which this hub's enrolment gives back.
            conn.execute(psycopg.sql.SQL("GRANT hub_station TO {}").format(psycopg.sql.Identifier(role)))
            if known is None:
                conn.execute(
                    "INSERT INTO hub.stations (station_id, role_name) VALUES (%s, %s)", (station_id, role)
                )
                conn.execute("INSERT INTO hub.heads (station_id) VALUES (%s)", (station_id,))
    return Enrolment(station_id, role, password, _station_dsn(admin_dsn, role))


WEB_NAME = re.compile(r"^[a-z][a-z0-9_]{1,20}$")


def enrol_web(admin_dsn: str, name: str) -> Enrolment:
    """A login for the tracking web app (member of hub_web): it reads `hub.track_events` and
    `hub.places`, and checks postcodes and takes choices only through the hub's functions. Enrolling a
    name again gives it a new password."""
    if not WEB_NAME.match(name):
        raise HubError(f"web login {name!r}: 2 to 21 lower-case letters, digits and _, a letter first")
    role = f"web_{name}"
    password = secrets.token_urlsafe(24)
    with connect(admin_dsn, autocommit=True) as conn, as_administrator("enrol a web login"):
        if conn.execute("SELECT to_regclass('hub.web_logins')").fetchone() == (None,):
            raise HubError("the hub's schema is older than the web app: run `station hub init --dsn ...`")
        with conn.transaction():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            ident, secret = psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
            if exists:
                conn.execute(psycopg.sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(ident, secret))
            else:
                conn.execute(psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(ident, secret))
            conn.execute(psycopg.sql.SQL("GRANT hub_web TO {}").format(ident))
            conn.execute(
                "INSERT INTO hub.web_logins (name, role_name) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                (name, role),
            )
    return Enrolment(name, role, password, _station_dsn(admin_dsn, role))


def set_place(admin_dsn: str, facility: str, town: str, time_zone: str, zip_code: str | None = None) -> None:
    """What the tracking page calls a facility (a town or an office, never a street), its time zone, and
    for a delivery office its ZIP (where an item redirected to it is forwarded)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    town = " ".join(town.split())
    if not 1 <= len(town) <= 60:
        raise HubError("the place's name: 1 to 60 characters (a town or an office, never a street)")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise HubError(f"time zone {time_zone!r} is not an IANA zone (e.g. America/Los_Angeles)") from None
    if zip_code is not None and not (len(zip_code) == 5 and zip_code.isascii() and zip_code.isdigit()):
        raise HubError(f"ZIP {zip_code!r}: five digits")
    with connect(admin_dsn, autocommit=True) as conn, as_administrator("name a place"):
        conn.execute(
            "INSERT INTO hub.places (facility, town, time_zone, zip) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (facility) DO UPDATE SET town = excluded.town, time_zone = excluded.time_zone,"
            " zip = coalesce(excluded.zip, hub.places.zip)",
            (facility, town, time_zone, zip_code),
        )


def revoke(admin_dsn: str, station_id: str, because: str) -> str:
    """Withdraw a station's login (its events stay); the role revoked. HubError for an unknown station or
    one revoked already."""
    with (
        connect(admin_dsn, autocommit=True) as conn,
        conn.transaction(),
        as_administrator("revoke a station"),
    ):
        found = conn.execute(
            "SELECT role_name, revoked_at FROM hub.stations WHERE station_id = %s FOR UPDATE", (station_id,)
        ).fetchone()
        if found is None:
            raise HubError(f"no station {station_id} is enrolled at this hub")
        role, revoked_at = str(found[0]), found[1]
        if revoked_at is not None:
            raise HubError(f"station {station_id} was revoked already, on {revoked_at:%Y-%m-%d %H:%M %Z}")
        role_sql = psycopg.sql.Identifier(role)
        conn.execute(psycopg.sql.SQL("ALTER ROLE {} NOLOGIN").format(role_sql))
        conn.execute(psycopg.sql.SQL("REVOKE hub_station FROM {}").format(role_sql))
        conn.execute(
            "UPDATE hub.stations SET revoked_at = clock_timestamp(), revoked_because = %s"
            " WHERE station_id = %s",
            (because, station_id),
        )
        conn.execute(
            "INSERT INTO hub.alerts (kind, station_id, detail) VALUES ('revoked', %s, %s)",
            (station_id, f"station {station_id} revoked: {because}"),
        )
        # Its open sessions end now: a revoked station keeps nothing it had before.
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))
    return role


def _station_dsn(admin_dsn: str, role: str) -> str:
    """The admin's DSN with the station's role and no password."""
    parts = urlsplit(admin_dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, parts.fragment))


PUBLICATION = "hub_events"


def publish(admin_dsn: str) -> bool:
    """A regional hub publishes its events (every partition, as the root table); False when it did already."""
    with connect(admin_dsn, autocommit=True) as conn, as_administrator("publish the hub's events"):
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
    with connect(national_dsn, autocommit=True) as conn, as_administrator("subscribe to a regional hub"):
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


@dataclass(frozen=True)
class LeasedBlock:
    """One block of serials the hub leased a station."""

    lease_id: int
    space: str
    first: int
    last: int
    leased_at: str
    finished_at: str | None  # when the station reported it used up

    def to_json(self) -> dict[str, object]:
        return {
            "lease": self.lease_id,
            "space": self.space,
            "first": self.first,
            "last": self.last,
            "leased_at": self.leased_at,
            "finished_at": self.finished_at,
        }


@dataclass(frozen=True)
class StationStatus:
    """What the hub holds of one station."""

    station_id: str
    events: int
    last_seq: int
    last_event_at: str | None  # when the station says its last event happened
    last_push_at: str | None  # when the hub stored it
    alerts: int
    enrolled_at: str
    revoked_at: str | None
    leases: tuple[LeasedBlock, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "events": self.events,
            "last_seq": self.last_seq,
            "last_event_at": self.last_event_at,
            "last_push_at": self.last_push_at,
            "alerts": self.alerts,
            "enrolled_at": self.enrolled_at,
            "revoked_at": self.revoked_at,
            "leases": [block.to_json() for block in self.leases],
        }


def status(admin_dsn: str) -> list[StationStatus]:
    """Every enrolled station: the events the hub holds of it, its last one, its last push, its alerts."""
    with connect(admin_dsn) as conn, as_administrator("read the hub's status"):
        rows = conn.execute(
            "SELECT s.station_id, (SELECT count(*) FROM hub.events e WHERE e.station_id = s.station_id),"
            " h.last_seq, (SELECT max(e.occurred_at) FROM hub.events e"
            "              WHERE e.station_id = s.station_id AND e.seq = h.last_seq),"
            " h.updated_at, (SELECT count(*) FROM hub.alerts a WHERE a.station_id = s.station_id),"
            " s.enrolled_at, s.revoked_at"
            " FROM hub.stations s JOIN hub.heads h USING (station_id) ORDER BY s.station_id"
        ).fetchall()
        leased = conn.execute(
            "SELECT station_id, id, space, first_serial, last_serial, leased_at, finished_at"
            " FROM hub.serial_leases ORDER BY station_id, space, id"
        ).fetchall()

    def when(value: object) -> str | None:
        return None if value is None else value.isoformat()  # type: ignore[attr-defined]

    blocks: dict[str, list[LeasedBlock]] = {}
    for b in leased:
        blocks.setdefault(str(b[0]), []).append(
            LeasedBlock(int(b[1]), str(b[2]), int(b[3]), int(b[4]), str(when(b[5])), when(b[6]))
        )
    return [
        StationStatus(
            str(r[0]),
            int(r[1]),
            int(r[2]),
            when(r[3]),
            when(r[4]),
            int(r[5]),
            str(when(r[6])),
            when(r[7]),
            tuple(blocks.get(str(r[0]), ())),
        )
        for r in rows
    ]


def alerts(admin_dsn: str, after_id: int = 0) -> list[Alert]:
    """The hub's alerts (tamper, duplicate acceptance, revocation), oldest first."""
    with connect(admin_dsn) as conn, as_administrator("read the hub's alerts"):
        rows = conn.execute(
            "SELECT id, kind, station_id, seq, item_id, detail, at FROM hub.alerts WHERE id > %s ORDER BY id",
            (after_id,),
        ).fetchall()
    return [Alert(int(r[0]), str(r[1]), str(r[2]), r[3], r[4], str(r[5]), r[6].isoformat()) for r in rows]
