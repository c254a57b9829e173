"""The network's checks on the one path every scan takes (issue 28, finding 4): an item another
station accepted is not accepted again at a scanner while the hub answers; offline it is, and the hub
flags the second acceptance when it arrives."""

from __future__ import annotations

from pathlib import Path

from station.errors import ExitCode
from station.ids import S10
from tests.cli_runner import Ran, run_station
from tests.hub.conftest import Hub

ITEM = S10.build("CP", 4242, "US").text
DEAD = "host=127.0.0.1 port=9 dbname=hub user=x connect_timeout=2"


def _home(tmp_path: Path, hub: Hub, station_id: str) -> Path:
    home = tmp_path / station_id
    home.mkdir()
    dsn = hub.station_dsn(station_id)
    (home / "station.toml").write_text(f'[station]\nstation_id = "{station_id}"\nhub = "{dsn}"\n')
    return home


def _accept(home: Path, *extra: str) -> Ran:
    return run_station(
        "scan",
        "--event",
        "acceptance",
        "--facility",
        "F",
        "--operator",
        "o",
        *extra,
        home=home,
        stdin=f"{ITEM}\n",
    )


def test_issue_28_finding_4_a_scan_of_an_item_accepted_elsewhere_is_refused_online(
    hub: Hub, tmp_path: Path
) -> None:
    a, b = _home(tmp_path, hub, "SCNA"), _home(tmp_path, hub, "SCNB")
    assert _accept(a).returncode == ExitCode.DONE
    assert run_station("sync", "--once", home=a).returncode == ExitCode.DONE
    again = _accept(b)
    assert again.returncode == ExitCode.REFUSED, again
    assert f"REJECT {ITEM} was already accepted at station SCNA" in again.stdout
    track = run_station("track", ITEM, "--json", home=b)
    assert '"SCNB"' not in track.stdout  # nothing journalled at B
    # Offline the scanner is not held up: the acceptance is journalled, and the hub flags it on arrival.
    offline = _accept(b, "--hub", DEAD)
    assert offline.returncode == ExitCode.DONE, offline
    assert run_station("sync", "--once", home=b).returncode == ExitCode.DONE
    assert hub.rows("SELECT kind, station_id, item_id FROM hub.alerts") == [
        ("duplicate-acceptance", "SCNB", ITEM)
    ]
