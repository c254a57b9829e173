"""The tracking site and API (issue 32), served by `station hub web` (uvicorn) against a real hub: the
answers' shape, unknown and malformed numbers, several at once, ETag, the postcode gate and its limits,
the choices and their refusals, the languages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.office.evidence import fingerprint
from tests.cli_runner import run_station
from tests.hub.conftest import new_hub
from tests.hub.web_site import POSTCODE, Network, build_network, start_site
from tests.pg import Cluster


@pytest.fixture(scope="module")
def site(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    net = start_site(
        build_network(new_hub(cluster), tmp_path_factory.mktemp("site")),
        "--unknown-numbers", "10", "--proxy", "127.0.0.1",
    )  # fmt: skip
    yield net
    net.stop()


def _json(answer: tuple[int, dict[str, str], bytes]) -> tuple[int, Any]:
    return answer[0], json.loads(answer[2])


def test_an_item_answers_its_status_events_in_local_time_and_place_and_the_expected_day(
    site: Network,
) -> None:
    status, body = _json(site.get(f"/api/v1/track/{site.items['plain']}"))
    assert status == 200
    assert set(body) == {"id", "status", "status_text", "events", "expected"}
    assert body["id"] == site.items["plain"] and body["status"] == "in-transit"
    kinds = [(e["kind"], e["place"], e["time"][-6:]) for e in body["events"]]
    assert kinds[0] == ("acceptance", "New York", "-05:00")  # New York's own time
    assert ("delivery-office", "San Francisco delivery office", "-08:00") in kinds
    assert ("dispatch", "New York", "-05:00") in kinds  # the sack's dispatch, as the item's journey
    assert all(set(e) == {"time", "kind", "place", "text", "proof"} for e in body["events"])
    assert body["expected"]["day"] <= body["expected"]["by_80"]


def test_on_the_delivery_day_the_answer_gives_a_window_from_the_round(site: Network) -> None:
    status, body = _json(site.get(f"/api/v1/track/{site.items['loaded']}"))
    assert status == 200 and body["status"] == "out-for-delivery"
    window = body["expected"]["window"]
    # Loaded at 08:00 in San Francisco, first stop of the round, before any round was learned: from the
    # load to an hour later (3 to 9 minutes a stop, widened to a whole hour).
    assert window == {"from": "2026-12-01T08:00-08:00", "to": "2026-12-01T09:00-08:00"}


def test_an_unknown_number_is_404_and_a_malformed_one_400_each_saying_which(site: Network) -> None:
    status, body = _json(site.get("/api/v1/track/RR123456785US"))
    assert status == 404 and body["error"] == "unknown"
    status, body = _json(site.get("/api/v1/track/RR123456786US"))
    assert status == 400 and body["error"] == "malformed" and "check digit" in body["message"]
    page = site.get("/track/RR123456785US")
    assert page[0] == 404 and b"We have no record of this number" in page[2]
    page = site.get("/track/RR12345")
    assert page[0] == 400 and b"This is not a tracking number" in page[2]


def test_several_numbers_at_once_up_to_35(site: Network) -> None:
    ids = [site.items["plain"], "RR123456785US", "NOT-A-NUMBER"]
    status, body = _json(site.get("/api/v1/track?ids=" + ",".join(ids)))
    assert status == 200
    assert [(i["id"], i.get("error"), i.get("status")) for i in body["items"]] == [
        (site.items["plain"], None, "in-transit"),
        ("RR123456785US", "unknown", None),
        ("NOT-A-NUMBER", "malformed", None),
    ]
    status, body = _json(site.get("/api/v1/track?ids=" + ",".join([site.items["plain"]] * 36)))
    assert status == 400 and "35" in body["message"]
    page = site.get("/track?ids=" + ",".join(ids))
    assert page[0] == 200 and page[2].count(b"<tr>") == 4  # a header row and one per number


def test_a_reload_with_the_etag_costs_no_body(site: Network) -> None:
    path = f"/api/v1/track/{site.items['plain']}"
    status, headers, _body = site.get(path)
    assert status == 200 and headers["etag"].startswith('W/"') and "max-age" in headers["cache-control"]
    again = site.get(path, **{"If-None-Match": headers["etag"]})
    assert again[0] == 304 and again[2] == b""
    page = site.get(f"/track/{site.items['plain']}")
    assert site.get(f"/track/{site.items['plain']}", **{"If-None-Match": page[1]["etag"]})[0] == 304


def test_the_api_is_described_by_openapi(site: Network) -> None:
    status, body = _json(site.get("/api/v1/openapi.json"))
    assert status == 200 and body["openapi"].startswith("3.1")
    assert set(body["paths"]) == {
        "/api/v1/track/{item}",
        "/api/v1/track",
        "/api/v1/track/{item}/details",
        "/api/v1/track/{item}/preferences",
        "/api/v1/track/{item}/texts",
        "/api/v1/track/{item}/evidence/{station}/{seq}",
    }
    from hub.web.app import Settings, build

    routes = build(Settings("postgresql://nobody@/nowhere")).routes
    served = {str(getattr(route, "path", "")).replace(":int", "") for route in routes}
    assert {p for p in served if p.startswith("/api/v1/") and "openapi" not in p} == set(body["paths"])


def test_the_postcode_shows_the_delivery_office_and_the_attempts_with_their_reasons(site: Network) -> None:
    status, body = _json(
        site.post(f"/api/v1/track/{site.items['attempted']}/details", {"postcode": POSTCODE})
    )
    assert status == 200
    details = body["details"]
    assert details["delivery_office"] == "San Francisco delivery office"
    assert [(a["reason"], a["notice_at"]) for a in details["attempts"]] == [
        ("ADDRESSEE_ABSENT", "San Francisco delivery office")
    ]
    assert details["choices_open"] is True
    plus_four = site.post(f"/api/v1/track/{site.items['plain']}/details", {"postcode": f"{POSTCODE}-1234"})
    assert plus_four[0] == 200  # a ZIP+4 is its ZIP
    wrong = site.post(f"/api/v1/track/{site.items['plain']}/details", {"postcode": "10001"})
    assert wrong[0] == 403 and b"delivery_office" not in wrong[2]
    page = site.post_form(f"/track/{site.items['attempted']}", {"postcode": POSTCODE})
    assert page[0] == 200 and b"Nobody was in: a notice was left" in page[2]
    assert page[1]["cache-control"] == "no-store"


def test_too_many_wrong_postcodes_for_an_item_lock_it_even_against_the_right_one(site: Network) -> None:
    item = site.items["abroad"]

    def details(postcode: str, client: str) -> tuple[int, Any]:
        return _json(
            site.post(f"/api/v1/track/{item}/details", {"postcode": postcode}, **{"X-Forwarded-For": client})
        )

    # Eight guesses from eight clients (a botnet): the item is locked, whoever asks next.
    answers = [details(f"0000{n}", f"198.51.100.{n}")[0] for n in range(8)]
    assert answers == [403] * 8
    status, body = details("125009", "198.51.100.99")
    assert status == 429 and body["error"] == "postcode-locked"


def test_too_many_wrong_postcodes_from_one_client_lock_it_out_of_every_item(site: Network) -> None:
    client = {"X-Forwarded-For": "198.51.100.200"}
    items = [site.items[n] for n in ("plain", "chosen", "loaded", "delivered", "attempted")]
    for n in range(20):  # four wrong guesses at each of five items: none is locked by its own count
        assert (
            site.post(f"/api/v1/track/{items[n % 5]}/details", {"postcode": f"1{n:04d}"}, **client)[0] == 403
        )
    assert site.post(f"/api/v1/track/{items[0]}/details", {"postcode": POSTCODE}, **client)[0] == 429
    assert site.post(f"/api/v1/track/{items[0]}/details", {"postcode": POSTCODE})[0] == 200  # others are not


def test_a_choice_is_taken_and_refused_out_for_delivery_forbidden_or_malformed(site: Network) -> None:
    def choose(which: str, **payload: Any) -> tuple[int, Any]:
        return _json(
            site.post(f"/api/v1/track/{site.items[which]}/preferences", {"postcode": POSTCODE, **payload})
        )

    status, body = choose("chosen", choice="safe-place", place="in the porch")
    assert status == 200 and body["choice"] == "safe-place" and body["choice_id"] > 0
    status, body = choose("attempted", choice="redirect", office="OAK1-DEPOT")
    assert status == 200  # a forward: the office's ZIP travels with the choice to the stations
    assert site.hub.rows("SELECT detail FROM hub.choices WHERE id = %s", body["choice_id"]) == [
        ({"office": "OAK1-DEPOT", "zip": "94607"},)
    ]
    status, body = choose("loaded", choice="hold")
    assert status == 409 and "out for delivery" in body["message"]
    status, body = choose("locked", choice="hold")
    assert status == 409 and "sender" in body["message"]
    status, body = _json(site.post(f"/api/v1/track/{site.items['locked']}/details", {"postcode": POSTCODE}))
    assert body["details"]["choices_forbidden"] is True and body["details"]["choices_open"] is False
    page = site.post_form(f"/track/{site.items['locked']}", {"postcode": POSTCODE})
    assert b"delivered as addressed" in page[2] and b"choice-hold" not in page[2]  # no forms offered
    assert choose("chosen", choice="fly-it-in")[0] == 400
    assert choose("chosen", choice="redirect", office="NOWHERE")[0] == 400
    assert choose("chosen", choice="another-day", day="2026-12-13")[0] == 400  # a Sunday
    assert choose("chosen", choice="neighbour", name="", house="3")[0] == 400
    wrong = _json(
        site.post(
            f"/api/v1/track/{site.items['chosen']}/preferences", {"postcode": "10001", "choice": "hold"}
        )
    )
    assert wrong[0] == 403
    status, body = _json(site.post(f"/api/v1/track/{site.items['chosen']}/details", {"postcode": POSTCODE}))
    assert body["details"]["choice"]["choice"] == "safe-place"


def test_the_page_speaks_the_asked_language_and_keeps_it(site: Network) -> None:
    path = f"/track/{site.items['plain']}"
    spanish = site.get(path, **{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert spanish[1]["content-language"] == "es" and "En tránsito".encode() in spanish[2]
    french = site.get(path + "?lang=fr")
    assert b"En transit" in french[2] and "lang=fr" in french[1]["set-cookie"]
    kept = site.get(path, Cookie="lang=fr", **{"Accept-Language": "es"})
    assert kept[1]["content-language"] == "fr"
    _status, body = _json(site.get(f"/api/v1/track/{site.items['plain']}", **{"Accept-Language": "fr"}))
    assert body["status_text"] == "En transit"


def test_unknown_numbers_from_one_client_are_refused_after_the_limit_and_others_still_served(
    site: Network,
) -> None:
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    answers = [site.get(f"/api/v1/track/RR{n:08d}{_s10_check(n)}US", **guesser)[0] for n in range(1, 13)]
    assert answers == [404] * 10 + [429] * 2  # the site runs with --unknown-numbers 10
    assert site.get(f"/api/v1/track/{site.items['plain']}", **{"X-Forwarded-For": "203.0.113.8"})[0] == 200


def _s10_check(serial: int) -> int:
    digits = [int(d) for d in f"{serial:08d}"]
    total = sum(d * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def test_an_events_evidence_downloads_and_checks_offline_with_the_stations_key(
    site: Network, tmp_path: Path
) -> None:
    status, body = _json(site.get(f"/api/v1/track/{site.items['plain']}"))
    accepted = next(e for e in body["events"] if e["kind"] == "acceptance")["proof"]
    path = f"/api/v1/track/{site.items['plain']}/evidence/{accepted['station']}/{accepted['seq']}"
    status, headers, raw = site.get(path)
    assert status == 200 and headers["content-disposition"].startswith("attachment;")
    evidence = json.loads(raw)
    assert evidence["event"]["hash"] == accepted["hash"] and evidence["event"]["place"] == "New York"
    saved = tmp_path / "evidence.json"
    saved.write_bytes(raw)
    ran = run_station("evidence", "verify-event", saved)
    assert ran.returncode == 0, ran.stdout
    key = site.origin.journal.checkpoints.public_key()  # type: ignore[union-attr]
    assert key is not None and fingerprint(key) in ran.stdout
    other = site.items["loaded"]
    assert site.get(f"/api/v1/track/{other}/evidence/{accepted['station']}/{accepted['seq']}")[0] == 404
