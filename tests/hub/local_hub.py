"""`./dev hub`: a local hub to try the network with, and two stations pointed at it.

Starts a private PostgreSQL cluster (Unix socket in a temporary folder), creates the hub schema,
enrols stations OFFA and OFFB with their own roles and 0600 password files, starts the hub's notifier
(texts written to a file by the `log:` gateway), and prints the commands to try: accept at one
office, sync, track from the other, answer YES. Ctrl+C stops them and removes the cluster.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.pg import Cluster


def _interrupted(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupted)  # stopped by a service manager: the cluster goes too
    cluster = Cluster.create()
    folder = Path(tempfile.mkdtemp(prefix="stations-"))
    notifier: subprocess.Popen[bytes] | None = None
    try:
        station = [sys.executable, "-m", "ui.cli.main"]
        subprocess.run([*station, "hub", "init", "--dsn", cluster.passfile_dsn()], check=True)
        for name in ("OFFA", "OFFB"):
            home = folder / name
            home.mkdir()
            enrol = [
                "hub",
                "enrol",
                name,
                "--dsn",
                cluster.passfile_dsn(),
                "--pgpass",
                str(home / "hub.pgpass"),
            ]
            done = subprocess.run(
                [*station, "--home", str(home), *enrol], check=True, capture_output=True, text=True
            )
            setting = next(line for line in done.stdout.splitlines() if line.startswith("hub = "))
            (home / "station.toml").write_text(
                f'[station]\nstation_id = "{name}"\nfacility = "{name}-OFFICE"\n{setting.split("   #")[0]}\n'
            )
            subprocess.run([*station, "--home", str(home), "meter", "init"], check=True, capture_output=True)
            subprocess.run(
                [*station, "--home", str(home), "meter", "credit", "100.00"], check=True, capture_output=True
            )
        a, b = folder / "OFFA", folder / "OFFB"
        texts = folder / "hub-notifier"
        texts.mkdir()
        sent = texts / "sent.jsonl"
        notifier = subprocess.Popen(
            [
                *station,
                "--home",
                str(texts),
                "hub",
                "notify",
                "--dsn",
                cluster.passfile_dsn(),
                "--gateway",
                f"log://{sent}",
            ]
        )
        print(f"""
hub admin DSN: {cluster.passfile_dsn()}
station homes: {a}  {b}

try:
  station --home {a} accept --tracking EE123456785US --weight 500g --from-zip 10001 --to-zip 94105 \\
      --to "Bo Lee|2 Elm St|San Francisco CA 94105" --out /tmp/label.zpl
  station --home {a} sync --once
  station --home {b} track EE123456785US          # office B sees office A's acceptance
  station --home {b} gui                          # the window syncs in the background
  station --home {a} accept ... --phone +12015550123 && station --home {a} sync --once
  cat {sent}                                      # the hub's notifier asked for YES, once
  station --home {texts} sms inbound --from +12015550123 --body YES

Ctrl+C stops the hub and removes it.""")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        if notifier is not None:
            notifier.terminate()
            notifier.wait(10)
        cluster.remove()


if __name__ == "__main__":
    raise SystemExit(main())
