"""Consent paths `./dev mutants` found untried: a number that withdrew consent by another way between
queueing and sending (the sender's own check cancels it), a counter opt-in on a networked station (the
hub asks for YES), and an active customer texting a second tracking number."""

from __future__ import annotations

from pathlib import Path

from station.app import Station
from station.config import StationConfig
from station.model.states import OutboxState, SubscriberState
from station.network.port import NetworkFollow
from station.notify import subscribers
from station.notify.consent import handle_inbound, subscribe
from station.notify.outbox import HIDDEN_CODE, claim, listing, queue_message
from tests.station.notify.conftest import PHONE, SetClock, outbox

ITEM = "EE123456785US"
SECOND = "RR473124829GB"


def test_a_number_stopped_after_its_text_was_queued_is_not_sent_it(station: Station) -> None:
    handle_inbound(station, PHONE, ITEM)
    handle_inbound(station, PHONE, "YES")
    with station.db.transaction() as conn:
        queued = queue_message(station, conn, PHONE, ITEM, "in_transit")
        assert queued is not None
        # STOP taken elsewhere (the hub's number, synced here): the state changed, the queue untouched
        subscribers.set_state(conn, PHONE, SubscriberState.STOPPED, "hub:STOP", "2026-11-20T15:05:00+00:00")
    with station.db.transaction() as conn:
        assert claim(conn, queued) is False
        row = conn.execute("SELECT state, last_error FROM sms_outbox WHERE id = ?", (queued,)).fetchone()
    assert tuple(row) == (OutboxState.CANCELLED, "consent withdrawn before it was sent")
    with station.db.transaction() as conn:
        assert claim(conn, queued) is False  # and it stays so


def test_a_counter_opt_in_on_a_networked_station_is_sent_to_the_hub(tmp_path: Path, clock: SetClock) -> None:
    config = StationConfig(station_id="NYC01", hub="host=hub.invalid dbname=hub")
    with Station.open(tmp_path / "n.sqlite3", config, clock) as station:
        assert subscribe(station, ITEM, "(201) 555-0123") == subscribers.AT_HUB
        with station.db.reading() as conn:
            assert subscribers.followers(conn, ITEM) == [PHONE]
            waiting = subscribers.follows_waiting(conn, "NYC01", 10)
            assert subscribers.subscriber(conn, PHONE) is None  # consent is the hub's to ask for
        assert outbox(station) == []  # nothing texted from here
    assert waiting == [NetworkFollow("NYC01", waiting[0].local_id, PHONE, ITEM, clock().isoformat())]


def test_an_active_customer_texting_another_tracking_number_follows_it_too(station: Station) -> None:
    handle_inbound(station, PHONE, ITEM)
    handle_inbound(station, PHONE, "YES")
    result = handle_inbound(station, PHONE, SECOND)
    assert (result.phone, result.action, result.reply) == (PHONE, "following", "following")
    with station.db.reading() as conn:
        assert subscribers.followers(conn, SECOND) == [PHONE]
    assert outbox(station)[-1] == ("following", OutboxState.QUEUED, SECOND)


def test_an_empty_text_is_no_stop(station: Station) -> None:
    handle_inbound(station, PHONE, ITEM)
    handle_inbound(station, PHONE, "YES")
    result = handle_inbound(station, PHONE, "   ")
    assert result.action == "unknown"
    with station.db.reading() as conn:
        found = subscribers.subscriber(conn, PHONE)
    assert found is not None and found.state is SubscriberState.ACTIVE
    assert handle_inbound(station, PHONE, "please opt out").action == "stopped"


def test_stop_with_a_tracking_number_cancels_that_items_waiting_texts_only(station: Station) -> None:
    handle_inbound(station, PHONE, ITEM)
    handle_inbound(station, PHONE, "YES")
    handle_inbound(station, PHONE, SECOND)  # following both
    with station.db.transaction() as conn:
        about_first = queue_message(station, conn, PHONE, ITEM, "in_transit")
        about_second = queue_message(station, conn, PHONE, SECOND, "in_transit")
    assert about_first is not None and about_second is not None
    handle_inbound(station, PHONE, f"STOP {ITEM}")
    with station.db.reading() as conn:
        states = dict(
            conn.execute("SELECT id, state FROM sms_outbox WHERE id IN (?, ?)", (about_first, about_second))
        )
        last_error = conn.execute(
            "SELECT last_error FROM sms_outbox WHERE id = ?", (about_first,)
        ).fetchone()[0]
        bodies = {r["template"]: r["body"] for r in listing(conn)}
    assert states == {about_first: OutboxState.CANCELLED, about_second: OutboxState.QUEUED}
    assert last_error == f"customer replied STOP {ITEM}"
    assert bodies["in_transit"] != HIDDEN_CODE  # a text that holds no delivery code is shown


def test_stop_from_the_tracking_page_ends_that_items_texts_at_once_and_says_so_once(station: Station) -> None:
    from station.notify.consent import stop_item

    handle_inbound(station, PHONE, ITEM)
    handle_inbound(station, PHONE, "YES")
    handle_inbound(station, PHONE, SECOND)  # following both
    with station.db.transaction() as conn:
        about_first = queue_message(station, conn, PHONE, ITEM, "in_transit")
        about_second = queue_message(station, conn, PHONE, SECOND, "in_transit")
    stop_item(station, ITEM, "(201) 555-0123", source="web")
    with station.db.reading() as conn:
        states = dict(
            conn.execute("SELECT id, state FROM sms_outbox WHERE id IN (?, ?)", (about_first, about_second))
        )
        last_error = conn.execute(
            "SELECT last_error FROM sms_outbox WHERE id = ?", (about_first,)
        ).fetchone()[0]
        followed = subscribers.items_followed(conn, PHONE)
        changes = [
            r[0]
            for r in conn.execute(
                "SELECT change || '@' || source FROM sms_consent_log WHERE phone = ?", (PHONE,)
            )
        ]
        state = subscribers.subscriber(conn, PHONE)
    assert states == {about_first: OutboxState.CANCELLED, about_second: OutboxState.QUEUED}
    assert last_error == f"stopped on the web {ITEM}"
    assert followed == [SECOND] and f"stop-item:{ITEM}@web" in changes
    assert state is not None and state.state is SubscriberState.ACTIVE  # the number itself is not stopped
    told = [t for t in outbox(station) if t[0] == "item_stopped"]
    assert told == [("item_stopped", OutboxState.QUEUED, ITEM)]
    stop_item(station, ITEM, PHONE, source="web")  # again: it follows the item no more
    assert [t for t in outbox(station) if t[0] == "item_stopped"] == told
    stop_item(station, "CP000000015US", PHONE, source="web")  # never followed: nobody is texted
    assert [t for t in outbox(station) if t[0] == "item_stopped"] == told
