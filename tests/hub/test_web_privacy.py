"""Private by construction (issue 32): items accepted with names, streets, phones, e-mails and customs lines
that are unique marker strings; every page and API answer, with and without the postcode, before and
after a choice naming a neighbour reached the stations and came back in their pushes, is scanned for
each marker and for the signature's reference. The web login itself can read none of them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest

from station.desks.carrier import CarrierDesk
from station.desks.track import TrackDesk
from tests.hub.conftest import new_hub
from tests.hub.web_site import MARKERS, POSTCODE, Network, build_network, start_site
from tests.pg import Cluster


@pytest.fixture(scope="module")
def site(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    net = build_network(new_hub(cluster), tmp_path_factory.mktemp("private"))
    # Customer service wrote the caller's e-mail and phone in a note: notes never leave the station's
    # own records, but they do reach the hub.
    note = f"customer called from {MARKERS['e-mail']}, call back on {MARKERS['phone']}"
    assert TrackDesk(net.origin).note(net.items["plain"], note, facility="ORIG1-DEPOT", operator="ann").ok
    net.push()
    net = start_site(net)
    yield net
    net.stop()


def _variants() -> dict[str, str]:
    """Each marker, and the spellings of the phone a page might print."""
    found = dict(MARKERS)
    found["phone (dashes)"] = "201-555-0177"
    found["phone (E.164)"] = "+12015550177"
    found["phone (local)"] = "555-0177"
    return found


def _answers(site: Network) -> list[tuple[str, bytes]]:
    """Every public answer the site gives about the network's items, headers and bodies."""
    out: list[tuple[str, bytes]] = []

    def keep(what: str, answer: tuple[int, dict[str, str], bytes]) -> None:
        out.append((what, json.dumps(answer[1]).encode() + answer[2]))

    everything = ",".join(site.items.values())
    keep("start", site.get("/"))
    keep("openapi", site.get("/api/v1/openapi.json"))
    keep("many page", site.get(f"/track?ids={everything}"))
    keep("many api", site.get(f"/api/v1/track?ids={everything}"))
    for name, item in site.items.items():
        for lang in ("en", "es", "fr"):
            keep(f"{name} page {lang}", site.get(f"/track/{item}?lang={lang}"))
        keep(f"{name} api", site.get(f"/api/v1/track/{item}"))
        keep(f"{name} details page", site.post_form(f"/track/{item}", {"postcode": POSTCODE}))
        keep(f"{name} details api", site.post(f"/api/v1/track/{item}/details", {"postcode": POSTCODE}))
        keep(f"{name} wrong postcode", site.post_form(f"/track/{item}", {"postcode": "99999"}))
    return out


def _leaks(site: Network, answers: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    with psycopg.connect(site.hub.admin_dsn) as conn:
        signatures = [
            r[0] for r in conn.execute("SELECT signature_ref FROM hub.events WHERE signature_ref IS NOT NULL")
        ]
    assert signatures, "the delivered item's signature reached the hub (else this scan proves nothing)"
    markers = {**_variants(), **{f"signature {n}": ref for n, ref in enumerate(signatures)}}
    return [
        (what, where)
        for where, body in answers
        for what, marker in markers.items()
        if marker.lower().encode() in body.lower()
    ]


def test_the_markers_reached_the_hub_so_the_scan_can_find_them(site: Network) -> None:
    with psycopg.connect(site.hub.admin_dsn) as conn:
        bodies = "\n".join(r[0] for r in conn.execute("SELECT body FROM hub.events"))
    # An item abroad's acceptance carries its addressee, sender and declaration to the hub (the exchange
    # office needs them), a delivery the name of who signed, a note what customer service wrote.
    for what in (
        "sender name",
        "sender street",
        "abroad name",
        "customs line",
        "e-mail",
        "phone",
        "addressee name",
    ):
        assert MARKERS[what] in bodies, what
    # A domestic address stays at the counter that wrote it (its recipients table): never at the hub.
    assert MARKERS["addressee street"] not in bodies


def test_no_public_answer_holds_a_name_a_street_a_phone_an_email_customs_or_a_signature(
    site: Network,
) -> None:
    assert _leaks(site, _answers(site)) == []


def test_a_choice_naming_a_neighbour_goes_to_the_delivery_office_and_never_to_the_public(
    site: Network,
) -> None:
    item = site.items["chosen"]
    answer = site.post(
        f"/api/v1/track/{item}/preferences",
        {"postcode": POSTCODE, "choice": "neighbour", "name": MARKERS["neighbour"], "house": "14"},
    )
    assert answer[0] == 200 and MARKERS["neighbour"].encode() not in answer[2]
    form = site.post_form(
        f"/track/{site.items['plain']}/choice",
        {"postcode": POSTCODE, "choice": "safe-place", "place": MARKERS["safe place"]},
    )
    assert form[0] == 200 and b"Your choice is saved" in form[2]
    site.push()  # the office takes the choices, journals them, and pushes the choice events back
    assert (
        CarrierDesk(site.office).at_door(item).details["choice"]
        == f"deliver to the neighbour {MARKERS['neighbour']} at 14"
    )
    assert b"Your delivery choice was taken" in site.get(f"/track/{item}")[2]
    assert _leaks(site, _answers(site)) == []


def test_the_web_login_reads_public_columns_only(site: Network) -> None:
    with psycopg.connect(site.web_dsn, autocommit=True) as conn:
        for table in ("hub.events", "hub.events_public", "hub.follows", "hub.choices", "hub.gate_failures"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT 1 FROM {table} LIMIT 1")
        columns = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'hub' AND table_name = 'track_events'"
            )
        }
        assert columns.isdisjoint({"operator", "note", "extra", "body", "signature_ref"})
        rows = "\n".join(str(r) for r in conn.execute("SELECT * FROM hub.track_events"))
    assert rows and not [what for what, marker in _variants().items() if marker.lower() in rows.lower()]
