"""The door photo on the tracking page, behind the postcode (issue 33, item 1): the delivering station
hands the hub the photo its delivery event names, after the event; the hub keeps it only when the bytes
hash to the event's SHA-256 and the event is the station's own; the page and the API show it with the
right postcode only, and the web login cannot read the photos' table."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator

import psycopg
import pytest

from hardware.camera.photo import door_photo
from hub.client import PostgresHub
from station.desks.carrier import CarrierDesk
from tests.hardware.photos import door_scene
from tests.hub.conftest import new_hub
from tests.hub.web_site import POSTCODE, Network, build_network, start_site
from tests.pg import Cluster

AT_OFFICE = {"facility": "SFO1-DEPOT", "operator": "joe"}


@pytest.fixture(scope="module")
def site(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    net = build_network(new_hub(cluster), tmp_path_factory.mktemp("photos"))
    carrier = CarrierDesk(net.office)
    item = net.items["plain"]
    assert carrier.load(item, **AT_OFFICE).ok
    photo = door_photo(door_scene(800, 500).image).jpeg
    done = carrier.deliver(item, None, "", photo=photo, safe_place="behind the bins", **AT_OFFICE)
    assert done.ok, done.reason
    net.push()
    net = start_site(net)
    yield net
    net.stop()


def _kept(site: Network) -> bytes:
    ref = site.hub.rows(
        "SELECT extra ->> 'photo' FROM hub.events WHERE kind = 'delivered' AND extra ? 'photo'"
    )
    return (site.office.paths.photos / f"{ref[0][0]}.jpg").read_bytes()


def test_the_photo_reached_the_hub_after_its_event_and_matches_its_hash(site: Network) -> None:
    rows = site.hub.rows("SELECT station_id, item_id, sha256, jpeg FROM hub.door_photos")
    assert len(rows) == 1
    station_id, item, digest, jpeg = rows[0]
    assert (station_id, item) == ("SFO1", site.items["plain"])
    assert bytes(jpeg) == _kept(site) and hashlib.sha256(bytes(jpeg)).hexdigest() == digest


def test_the_page_and_the_api_show_the_photo_with_the_postcode_only(site: Network) -> None:
    item = site.items["plain"]
    status, _headers, body = site.post_form(f"/track/{item}", {"postcode": POSTCODE})
    assert status == 200
    found = re.search(rb'class="door-photo" src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', body)
    assert found, body[:400]
    assert base64.b64decode(found.group(1)) == _kept(site)
    wrong = site.post_form(f"/track/{item}", {"postcode": "99999"})
    assert wrong[0] == 403 and b"data:image/jpeg" not in wrong[2]
    public = site.get(f"/track/{item}")
    assert public[0] == 200 and b"data:image/jpeg" not in public[2]
    api = site.post(f"/api/v1/track/{item}/details", {"postcode": POSTCODE})
    assert api[0] == 200
    assert json.loads(api[2])["details"]["photo"].startswith("data:image/jpeg;base64,")
    assert b"data:image" not in site.get(f"/api/v1/track/{item}")[2]
    other = site.post(f"/api/v1/track/{site.items['delivered']}/details", {"postcode": POSTCODE})
    assert json.loads(other[2])["details"]["photo"] is None  # signed for: no photo was taken


def test_a_station_cannot_hand_over_a_photo_it_did_not_take_or_other_bytes(site: Network) -> None:
    item = site.items["plain"]
    ref = site.hub.rows("SELECT ref FROM hub.door_photos")[0][0]
    origin = PostgresHub(site.dsns["ORIG1"])
    office = PostgresHub(site.dsns["SFO1"])
    try:
        assert origin.push_photo(item, ref, _kept(site)) == "no event of this station names that photo"
        forged = door_photo(door_scene(640, 400).image).jpeg
        assert (
            office.push_photo(item, ref, forged) == "the photo does not match the hash in its delivery event"
        )
        assert office.push_photo(item, ref, _kept(site)) is None  # the same photo again: kept once
    finally:
        origin.close()
        office.close()
    assert site.hub.rows("SELECT count(*) FROM hub.door_photos") == [(1,)]
    with psycopg.connect(site.web_dsn) as conn:
        # The hub asks the postcode itself: the web login gets no photo for a wrong one.
        assert conn.execute(
            "SELECT gate, photo FROM hub.web_photo(%s, '99999', 'probe')", (item,)
        ).fetchone() == (
            "wrong",
            None,
        )
        right = conn.execute(
            "SELECT gate, photo FROM hub.web_photo(%s, %s, 'probe')", (item, POSTCODE)
        ).fetchone()
        assert right is not None and right[0] == "ok" and bytes(right[1]) == _kept(site)
    with psycopg.connect(site.web_dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT jpeg FROM hub.door_photos")
