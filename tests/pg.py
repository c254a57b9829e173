"""Private PostgreSQL clusters for the tests: initdb as the `postgres` user (initdb refuses root), a Unix
socket in a temporary folder, no TCP, password (SCRAM) authentication, removed afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BIN = Path("/usr/lib/postgresql/15/bin")
ADMIN, ADMIN_PASSWORD = "hubadmin", "admin-secret-1"


def available() -> bool:
    """True where the tests can start a cluster (PostgreSQL 15 installed, a postgres user)."""
    if not (BIN / "initdb").exists():
        return False
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


def _as_postgres(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = list(args) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)


@dataclass
class Cluster:
    """One running cluster: `dsn(user, password, db)` to reach it."""

    folder: Path
    database: str = "hub"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @classmethod
    def create(cls, extra_conf: str = "") -> Cluster:
        folder = Path(tempfile.mkdtemp(prefix="pg-"))
        folder.chmod(0o755)
        cluster = cls(folder)
        (folder / "socket").mkdir()
        password_file = folder / "pw"
        password_file.write_text(ADMIN_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            shutil.chown(folder / "socket", "postgres", "postgres")
            shutil.chown(password_file, "postgres", "postgres")
        _as_postgres(
            str(BIN / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            ADMIN,
            "--pwfile",
            str(password_file),
            "-A",
            "scram-sha-256",
            "--no-sync",
        )
        password_file.unlink()
        with open(cluster.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"listen_addresses = ''\nunix_socket_directories = '{cluster.socket_dir}'\n"
                "fsync = on\nwal_level = logical\nmax_connections = 200\n" + extra_conf
            )
        cluster.start()
        import psycopg

        with psycopg.connect(cluster.dsn(database="postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {cluster.database}")
        return cluster

    @classmethod
    def standby_of(cls, primary: Cluster) -> Cluster:
        """A hot standby streaming from `primary` (pg_basebackup -R), on its own socket folder."""
        folder = Path(tempfile.mkdtemp(prefix="pg-standby-"))
        folder.chmod(0o755)
        standby = cls(folder, primary.database)
        (folder / "socket").mkdir()
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            shutil.chown(folder / "socket", "postgres", "postgres")
        _as_postgres(
            "env",
            f"PGPASSWORD={ADMIN_PASSWORD}",
            str(BIN / "pg_basebackup"),
            "-D",
            str(standby.data),
            "-h",
            str(primary.socket_dir),
            "-U",
            ADMIN,
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",  # a spread checkpoint would make the backup wait minutes
        )
        with open(standby.data / "postgresql.conf", "a") as conf:
            conf.write(f"unix_socket_directories = '{standby.socket_dir}'\nhot_standby = on\n")
        standby.start()
        return standby

    def start(self) -> None:
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def passfile(self) -> Path:
        """The cluster's libpq password file: a line per role the tests log in as."""
        return self.folder / "pgpass"

    def passfile_dsn(
        self, database: str | None = None, user: str = ADMIN, password: str = ADMIN_PASSWORD
    ) -> str:
        """A DSN as a command line must carry it: the password in the cluster's libpq password file
        (0600, readable by this user and the cluster's own, whose subscriptions read it too), never in
        the arguments. The role's line is written, or renewed with a new password."""
        lines = self.passfile.read_text().splitlines() if self.passfile.exists() else []
        lines = [line for line in lines if line.split(":")[3] != user] + [f"*:*:*:{user}:{password}"]
        self.passfile.write_text("\n".join(lines) + "\n")
        self.passfile.chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(self.passfile, "postgres", "postgres")
        return (
            f"postgresql://{quote(user)}@/{database or self.database}"
            f"?host={quote(str(self.socket_dir))}&passfile={quote(str(self.passfile))}"
        )

    def dsn(self, user: str = ADMIN, password: str = ADMIN_PASSWORD, database: str | None = None) -> str:
        return (
            f"postgresql://{quote(user)}:{quote(password)}@/{database or self.database}"
            f"?host={quote(str(self.socket_dir))}"
        )
