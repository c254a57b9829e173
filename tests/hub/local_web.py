"""`./dev web`: the customers' tracking site on a local demo hub, to try in a browser.

Starts a private PostgreSQL cluster, makes a small network (an origin counter and a delivery office,
items accepted, sorted, dispatched, received, one on its round, one delivered, one attempted), names
the places, enrols the web login and runs `station hub web` on http://127.0.0.1:8080 (or --port).
Prints the tracking numbers and the postcode that opens their details. Ctrl+C stops it all.
"""

from __future__ import annotations

import argparse
import signal
import tempfile
from pathlib import Path

from tests.hub.conftest import new_hub
from tests.hub.web_site import POSTCODE, build_network, start_site
from tests.pg import Cluster


def _interrupted(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(prog="./dev web")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupted)
    cluster = Cluster.create()
    net = None
    try:
        net = build_network(new_hub(cluster), Path(tempfile.mkdtemp(prefix="web-demo-")))
        net = start_site(net, port=args.port)
        print(f"tracking site: {net.url}/   (Ctrl+C stops it and removes the demo hub)")
        for name, item in net.items.items():
            print(f"  {item}  {name:10}  {net.url}/track/{item}")
        print(f"postcode for details and choices: {POSTCODE} (the item abroad: 125009)")
        assert net.process is not None
        net.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if net is not None:
            net.stop()
        cluster.remove()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
