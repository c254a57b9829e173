"""One customer's texts, step by step, each step's whole effect pinned: what the station answered, the
number's consent after it, the line the consent log gained (its change and its source), and the outbox
rows it added (template, item, state, body). `./dev mutants` found the consent tests asking only for the
reply's name, so a consent log with the wrong source, an opt-in asked about the wrong item, a reply held
or a body replaced passed them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from station.app import Station
from station.notify.consent import InboundResult, handle_inbound, subscribe, words_of
from station.notify.outbox import queue_message
from station.notify.templates import render
from tests.station.notify.conftest import PHONE, SetClock

ITEM, OTHER = "EE123456785US", "RR473124829GB"


def _log(station: Station) -> list[tuple[str, str]]:
    with station.db.reading() as conn:
        return [tuple(r) for r in conn.execute("SELECT change, source FROM sms_consent_log ORDER BY id")]


def _outbox(station: Station) -> list[tuple[str, str, str, str]]:
    with station.db.reading() as conn:
        return [
            tuple(r)
            for r in conn.execute("SELECT template, item_id, state, body FROM sms_outbox ORDER BY id")
        ]


def _state(station: Station) -> str | None:
    with station.db.reading() as conn:
        row = conn.execute("SELECT state FROM sms_subscribers WHERE phone = ?", (PHONE,)).fetchone()
    return str(row[0]) if row else None


def _body(template: str, item: str, date: str = "Nov 20") -> str:
    return render(template, item_id=item, date=date).text


def test_a_conversation_step_by_step(station: Station, clock: SetClock) -> None:
    steps: list[
        tuple[str, InboundResult, str | None, list[tuple[str, str]], list[tuple[str, str, str, str]]]
    ] = [
        # (what the customer texts, the answer, consent after, consent log added, outbox rows added)
        # a number never seen: the "unknown" reply is chosen, and not sent (no consent of any kind)
        ("hello", InboundResult(PHONE, "unknown", "unknown"), None, [], []),
        (
            f"  {ITEM.lower()} ",
            InboundResult(PHONE, "pending", "optin_request"),
            "pending",
            [("pending", "sms:tracking-number")],
            [("optin_request", ITEM, "queued", _body("optin_request", ITEM))],
        ),
        (OTHER, InboundResult(PHONE, "pending", None), "pending", [], []),  # asked once, not once per item
        (
            "Yes!",  # punctuation dropped: the word alone
            InboundResult(PHONE, "active", "optin_confirmed"),
            "active",
            [("active", "sms:YES")],
            [("optin_confirmed", OTHER, "queued", _body("optin_confirmed", OTHER))],  # the last followed
        ),
        ("y", InboundResult(PHONE, "ignored", None), "active", [], []),  # confirmed already
        (
            "help me",
            InboundResult(PHONE, "help", "help"),
            "active",
            [],
            [("help", OTHER, "queued", _body("help", OTHER))],
        ),
        (
            f"stop {ITEM}",
            InboundResult(PHONE, "item stopped", "item_stopped"),
            "active",
            [(f"stop-item:{ITEM}", "sms")],
            [("item_stopped", ITEM, "queued", _body("item_stopped", ITEM))],
        ),
        (
            "Please STOP texting me about this parcel, thanks",
            InboundResult(PHONE, "stopped", "stop_confirmed"),
            "stopped",
            [("stopped", "sms:please stop texting me about this parcel")],  # its first 40 characters
            [("stop_confirmed", OTHER, "queued", _body("stop_confirmed", OTHER))],
        ),
        ("STOP", InboundResult(PHONE, "stopped", None), "stopped", [], []),  # confirmed once already
        (ITEM, InboundResult(PHONE, "ignored", None), "stopped", [], []),  # STOP stands until START
        ("what?", InboundResult(PHONE, "ignored", None), "stopped", [], []),
        (
            "Unstop please",
            InboundResult(PHONE, "active", "start_confirmed"),
            "active",
            [("active", "sms:unstop please")],
            [("start_confirmed", ITEM, "queued", _body("start_confirmed", ITEM))],
        ),
        (
            "what?",
            InboundResult(PHONE, "unknown", "unknown"),
            "active",
            [],
            [("unknown", ITEM, "queued", _body("unknown", ITEM))],
        ),
    ]
    for text, answer, state, logged, queued in steps:
        clock.now += timedelta(minutes=1)  # a minute between texts: "the last item followed" is clear
        log_before, outbox_before = len(_log(station)), len(_outbox(station))
        assert handle_inbound(station, PHONE, text) == answer, text
        assert _state(station) == state, text
        assert _log(station)[log_before:] == logged, text
        assert _outbox(station)[outbox_before:] == queued, text


def test_a_replayed_provider_id_changes_nothing(station: Station) -> None:
    assert handle_inbound(station, PHONE, ITEM, provider_id="SM1") == InboundResult(
        PHONE, "pending", "optin_request"
    )
    assert handle_inbound(station, PHONE, "YES", provider_id="SM1") == InboundResult(PHONE, "replay", None)
    assert _state(station) == "pending" and len(_outbox(station)) == 1


def test_the_counters_opt_in_asks_once_and_an_active_number_is_told_it_follows(
    station: Station, clock: SetClock
) -> None:
    assert subscribe(station, ITEM, "(201) 555-0123") == "pending"
    assert _log(station) == [("pending", "counter")]
    clock.now += timedelta(minutes=1)
    assert subscribe(station, OTHER, PHONE, source="kiosk") == "pending"  # one request, not one per item
    clock.now += timedelta(minutes=1)
    handle_inbound(station, PHONE, "YES")
    assert subscribe(station, "CP100000003US", PHONE) == "active"
    assert [row[:3] for row in _outbox(station)] == [
        ("optin_request", ITEM, "queued"),
        ("optin_confirmed", OTHER, "queued"),
        ("following", "CP100000003US", "queued"),
    ]
    with station.db.reading() as conn:
        follows = {r[0] for r in conn.execute("SELECT item_id FROM sms_follows WHERE phone = ?", (PHONE,))}
    assert follows == {ITEM, OTHER, "CP100000003US"}


def test_opt_out_words_are_read_as_a_person_means_them(station: Station) -> None:
    assert words_of("ＳＴＯＰ!! 🙂 Opt-Out") == ["stop", "opt", "out"]
    stops = (
        "STOPALL",
        "unsubscribe",
        "Cancel",
        "end",
        "end it",
        "QUIT",
        "revoke",
        "optout",
        "opt out",
        "please opt out now",
    )
    for n, text in enumerate(stops):
        phone = f"+120155501{n:02d}"
        handle_inbound(station, phone, ITEM)
        assert handle_inbound(station, phone, text).action == "stopped", text
    for n, text in enumerate(("ending soon", "cancelled?", "I quit my job", "stopwatch", "out opt")):
        phone = f"+120155501{50 + n:02d}"
        handle_inbound(station, phone, ITEM)
        assert handle_inbound(station, phone, text).action != "stopped", text


def test_quiet_hours_hold_news_but_never_consent_replies(station: Station, clock: SetClock) -> None:
    handle_inbound(station, PHONE, ITEM)
    handle_inbound(station, PHONE, "YES")
    clock.now = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)  # 22:30 in New York
    with station.db.transaction() as conn:
        assert queue_message(station, conn, PHONE, ITEM, "in_transit") is not None
    handle_inbound(station, PHONE, "help")
    with station.db.reading() as conn:
        rows = conn.execute("SELECT template, state, not_before FROM sms_outbox ORDER BY id").fetchall()
    assert [tuple(r) for r in rows][2:] == [
        ("in_transit", "held", "2026-11-21T13:00:00+00:00"),  # 08:00 in New York
        ("help", "queued", clock.now.isoformat()),  # a consent reply goes at once, night or day
    ]
