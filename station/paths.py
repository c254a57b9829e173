"""Where one station keeps its files: built once from `--home` / `--db` (or the environment) and passed down.

Nothing below the command line reads an environment variable or writes one: a station's journal, keys,
signatures and printed jobs are wherever its `StationPaths` says, so two stations (or a test and the
developer's own station) in one process never share a folder by accident.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "parcel-station"


@dataclass(frozen=True)
class StationPaths:
    """The station's folders and files."""

    data: Path  # everything the station writes
    config_file: Path  # station.toml
    db: Path  # the journal database

    @classmethod
    def resolve(
        cls,
        home: str | Path | None = None,
        db: str | Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> StationPaths:
        """`--home DIR` puts data and settings in DIR (else $STATION_HOME, else the platform folders);
        `--db FILE` names the journal alone (else $STATION_DB, else station.sqlite3 in the data folder)."""
        env = os.environ if env is None else env
        home = home or env.get("STATION_HOME") or None
        if home:
            data = config = Path(home).expanduser().resolve()
        else:
            data = Path(platformdirs.user_data_dir(APP_NAME))
            config = Path(platformdirs.user_config_dir(APP_NAME))
        explicit_db = db or env.get("STATION_DB") or None
        db_path = Path(explicit_db).expanduser().resolve() if explicit_db else data / "station.sqlite3"
        return cls(data, config / "station.toml", db_path)

    @classmethod
    def beside(cls, db: str | Path) -> StationPaths:
        """A station whose data folder is the database's own folder (tests, benchmarks, one-off tools)."""
        path = Path(db)
        folder = path.parent if str(db) != ":memory:" else Path(".")
        return cls(folder, folder / "station.toml", path)

    def private(self, folder: Path) -> Path:
        """`folder` (the data folder or one inside it), created readable by the owner only."""
        self.data.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    @property
    def keys(self) -> Path:
        """Meter signing keys (0600 files)."""
        return self.data / "keys"

    @property
    def cache(self) -> Path:
        """Things that can be made again (the demo camera's clip)."""
        return self.data / "cache"

    @property
    def printed(self) -> Path:
        """The demo printer's output: one file per job."""
        return self.data / "printed"

    @property
    def signatures(self) -> Path:
        """Recipients' signatures (strokes as JSON, and PNG)."""
        return self.data / "signatures"

    @property
    def photos(self) -> Path:
        """Photos taken at the door (faces blurred), each hashed into its delivery event."""
        return self.data / "photos"

    @property
    def proofs_of_delivery(self) -> Path:
        """One proof-of-delivery PDF per delivered item."""
        return self.data / "pod"

    @property
    def logs(self) -> Path:
        """The maintainer's log files."""
        return self.data / "logs"

    @property
    def sms_log(self) -> Path:
        """What the `log:` SMS gateway 'sent'."""
        return self.data / "sms-sent.jsonl"


def write_new_private(path: Path, data: bytes) -> None:
    """Create `path` readable by its owner only and write `data`; an existing file is never overwritten
    (FileExistsError)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def secret_key(folder: Path, name: str) -> bytes:
    """The 32 random bytes of the key file `name` in `folder` (made 0600 on first use, in a 0700 folder; a
    key another process made first is the one used): keys kept out of the database, so a copied database
    gives no code away."""
    path = folder / name
    if not path.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            write_new_private(path, secrets.token_bytes(32))
    return path.read_bytes()


def replace_private(path: Path, data: bytes) -> None:
    """`data` written beside `path`, readable by its owner only, and renamed over it: labels, receipts,
    exports and reports hold addresses, phone numbers and delivery codes."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover .tmp of another mode is made private too
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def make_private(path: Path) -> None:
    """A file written by a library (a Parquet file, a chart PDF) made readable by its owner only."""
    os.chmod(path, 0o600)


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` beside `path` and rename it over: a crash leaves the old file or the new, never half
    of one (settings, installed rules, units, menu entries)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
