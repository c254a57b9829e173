"""A private CUPS scheduler for tests (root; Debian cups-daemon): its own socket, config and spool, a raw
queue to a 127.0.0.1 port. It never touches /etc/cups or the system scheduler."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


class PrivateCups:
    """`CUPS_SERVER=<dir>/cups.sock`; queue `name` sends raw jobs to socket://127.0.0.1:`port`."""

    def __init__(self, folder: Path, name: str, port: int) -> None:
        self.folder = folder
        for sub in ("spool/tmp", "cache", "run", "log", "ssl"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)
        self.socket = folder / "cups.sock"
        (folder / "cupsd.conf").write_text(
            f"Listen {self.socket}\nLogLevel info\nBrowsing No\nWebInterface No\nIdleExitTimeout 0\n"
            "<Location />\n  Order allow,deny\n  Allow localhost\n</Location>\n"
            "<Location /admin>\n  Order allow,deny\n  Allow localhost\n</Location>\n"
        )
        (folder / "cups-files.conf").write_text(
            f"ServerRoot {folder}\nRequestRoot {folder}/spool\nTempDir {folder}/spool/tmp\n"
            f"CacheDir {folder}/cache\nStateDir {folder}/run\nErrorLog {folder}/log/error_log\n"
            f"AccessLog {folder}/log/access_log\nPageLog {folder}/log/page_log\n"
            "User lp\nGroup lp\nSystemGroup root\n"
        )
        for name_ in ("raw.types", "raw.convs"):
            if Path("/etc/cups", name_).exists():
                shutil.copy(Path("/etc/cups", name_), folder / name_)
        self.process = subprocess.Popen(
            ["cupsd", "-f", "-c", str(folder / "cupsd.conf"), "-s", str(folder / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.env = {**os.environ, "CUPS_SERVER": str(self.socket)}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            # lpstat -r exits 0 even when it says "not running": read its words.
            probe = subprocess.run(
                ["lpstat", "-r"], env=self.env, capture_output=True, text=True, check=False
            )
            if self.socket.exists() and "is running" in probe.stdout:
                break
            time.sleep(0.1)
        else:
            self.close()
            raise RuntimeError(f"private cupsd did not start; see {folder}/log")
        subprocess.run(
            ["lpadmin", "-p", name, "-E", "-v", f"socket://127.0.0.1:{port}", "-m", "raw"],
            env=self.env,
            capture_output=True,
            check=True,
        )

    def close(self) -> None:
        """Stop the scheduler."""
        self.process.terminate()
        self.process.wait(10)
