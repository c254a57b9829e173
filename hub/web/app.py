"""The tracking web app: pages that work without JavaScript, and a JSON API with its OpenAPI description.

Routes:
- `GET /`                                  the start page: one or several numbers
- `GET /track?ids=A,B`                     one number: its page; several: a list (at most 35)
- `GET /track/{id}`                        status, events, expected day (404 unknown, 400 malformed)
- `POST /track/{id}`                       with the postcode: the details and the choices
- `POST /track/{id}/choice`                a choice made from the page
- `POST /track/{id}/texts`                 texts about the item to a number (it replies YES), or stop them
- `GET /api/v1/track/{id}`, `GET /api/v1/track?ids=`, `POST /api/v1/track/{id}/details`,
  `POST /api/v1/track/{id}/preferences`, `POST /api/v1/track/{id}/texts`,
  `GET /api/v1/track/{id}/evidence/{station}/{seq}`, `GET /api/v1/openapi.json`

Public answers carry an ETag and Cache-Control (a reload answers 304); answers behind the postcode are
`no-store`. Look-ups are counted per client and per id, wrong postcodes at the hub (per item, per client):
each is slowed and then refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from hub.web import openapi
from hub.web.i18n import LANGUAGES, Words, negotiate
from hub.web.limits import Limit, gate_delay
from hub.web.present import (
    CHOICE_WORDS,
    KIND_WORDS,
    N_,
    REFUSAL_WORDS,
    STATUS_WORDS,
    details_json,
    place_of,
    track_json,
    zone_of,
)
from hub.web.reading import ChoiceRefused, HubDown, HubReader, Place
from station.ids.scanning import ITEM_KINDS, Identified, classify
from station.insight.estimates import TransitModel
from station.insight.public_track import PublicTrack, RoundPace, learn, public_track
from station.model.delivery_week import next_delivery_day
from station.model.events import Event, EventKind
from station.notify.phone import InvalidPhone, to_e164
from station.office.event_evidence import FORMAT as EVIDENCE_FORMAT

log = logging.getLogger(__name__)
MAX_IDS = 35
MAX_NESTING = 8
LEARN_EVERY_S = 6 * 3600
PLACES_EVERY_S = 60.0
TEXT_FIELD = re.compile(r"^[^\x00-\x1f\x7f<>]{1,60}$")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a tracking number in a URL goes nowhere else
}


class Settings:
    """How one web app runs."""

    def __init__(
        self, dsn: str, *, learn_days: int = 60, lookups_per_minute: int = 600, unknown_numbers: int = 100
    ) -> None:
        self.dsn = dsn
        self.learn_days = learn_days
        self.lookups_per_minute = lookups_per_minute
        self.unknown_numbers = unknown_numbers  # per client in 10 minutes, before 429


class TrackingSite:
    """The app's state: the hub reader, the named places, the learned estimates, the limits."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.reader = HubReader(settings.dsn)
        self.places: dict[str, Place] = {}
        self.places_at = 0.0
        self.model = TransitModel()
        self.pace = RoundPace()
        per_minute = settings.lookups_per_minute
        self.lookups = Limit(60.0, per_minute // 2, per_minute)  # per client
        unknown = settings.unknown_numbers  # unknown numbers per client: someone guessing
        self.unknowns = Limit(600.0, max(1, unknown // 5), unknown, delay_s=0.1, max_delay_s=2.0)
        self.per_item = Limit(60.0, 600, 3000)  # one number from everywhere at once
        folder = files("hub.web").joinpath("templates")
        self.templates = Environment(
            loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(), auto_reload=False
        )
        self._learner: asyncio.Task[None] | None = None

    # ---- life

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        await self.reader.open()
        if self.settings.learn_days > 0:
            self._learner = asyncio.create_task(self._learn_forever())
        try:
            yield
        finally:
            if self._learner is not None:
                self._learner.cancel()
            await self.reader.close()

    async def _learn_forever(self) -> None:
        while True:
            try:
                rows = await self.reader.history(self.settings.learn_days)
                samples = await self.reader.pace_samples(self.settings.learn_days)
                # In a thread: half a million rows take seconds, and the pages must not wait for them.
                self.model, self.pace = await asyncio.to_thread(learn, rows, samples)
                log.info(
                    "learned estimates from %d rows, round pace of %d offices",
                    len(rows),
                    len(self.pace.by_facility),
                )
            except Exception as exc:  # the page goes on with the service standard
                log.warning("estimates not learned: %s", exc)
            await asyncio.sleep(LEARN_EVERY_S)

    async def named_places(self) -> dict[str, Place]:
        loop = asyncio.get_running_loop()
        if loop.time() - self.places_at > PLACES_EVERY_S:
            self.places = await self.reader.places()
            self.places_at = loop.time()
        return self.places

    # ---- reading

    async def look_up(self, ids: list[str]) -> dict[str, PublicTrack | None]:
        """Each id's public answer (None: never scanned), sack events gathered level by level; the named
        places refreshed first (every answer shows them)."""
        await self.named_places()
        found = await self.reader.events(ids)
        asked = set(ids)
        for _ in range(MAX_NESTING):
            sacks = {e.container_id for evs in found.values() for e in evs if e.kind is EventKind.SORT_IN}
            wanted = sorted(s for s in sacks if s and s not in asked)
            if not wanted:
                break
            asked.update(wanted)
            found.update(await self.reader.events(wanted))

        def events(key: str) -> list[Event]:
            return found.get(key, [])

        answers = {}
        for item in ids:
            today = self._today(found.get(item, []))
            answers[item] = public_track(events, item, today=today, model=self.model, pace=self.pace)
        return answers

    def _today(self, events: list[Event]) -> date:
        zone = place_of(events[-1].facility, self.places).time_zone if events else "UTC"
        from zoneinfo import ZoneInfo

        return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def _parse_id(raw: str) -> tuple[str | None, str]:
    """(canonical id, '') or (None, why it is not a tracking number)."""
    found = classify(raw.strip()[:80])
    if isinstance(found, Identified) and found.kind in ITEM_KINDS:
        return found.id, ""
    if isinstance(found, Identified):
        return None, "not a parcel's tracking number"
    return None, found.reason


async def _form(request: Request) -> dict[str, str]:
    """A posted form (application/x-www-form-urlencoded, what the pages send): the first value of each
    field; anything else is an empty form."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    if "form" not in request.scope.setdefault("state", {}):
        body = (await request.body())[:8192].decode("utf-8", "replace")
        try:
            fields = parse_qs(body, max_num_fields=20)
        except ValueError:  # more fields than any page sends
            fields = {}
        request.scope["state"]["form"] = {k: v[0] for k, v in fields.items()}
    form: dict[str, str] = request.scope["state"]["form"]
    return form


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _words(request: Request) -> Words:
    return Words(
        negotiate(
            request.query_params.get("lang"),
            request.cookies.get("lang"),
            request.headers.get("accept-language"),
        )
    )


def _cached(request: Request, body: bytes, media: str, status: int = 200, **headers: str) -> Response:
    """A public answer with its ETag: `If-None-Match` with the same tag answers 304 and no body."""
    tag = 'W/"' + hashlib.sha256(body).hexdigest()[:24] + '"'
    common = {
        "ETag": tag,
        "Cache-Control": "public, max-age=30",
        "Vary": "Accept-Language, Cookie",
        **headers,
    }
    if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers={**common, **SECURITY_HEADERS})
    return Response(body, status_code=status, media_type=media, headers={**common, **SECURITY_HEADERS})


def _json(data: Any, status: int = 200, *, private: bool = False) -> Response:
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-store"} if private else dict(SECURITY_HEADERS)
    return JSONResponse(data, status_code=status, headers=headers)


def _problem(status: int, code: str, message: str) -> Response:
    return _json({"error": code, "message": message}, status, private=True)


def build(settings: Settings) -> Starlette:
    """The ASGI application."""
    site = TrackingSite(settings)

    async def throttled(request: Request, item: str | None = None) -> Response | None:
        """Count the look-up; wait when slowed; a 429 answer when refused."""
        waits = [site.lookups.hit(_client(request))]
        if item is not None:
            waits.append(site.per_item.hit(item))
        if any(w is None for w in waits):
            return _problem(429, "too-many", "too many look-ups: wait a minute")
        delay = max(w or 0.0 for w in waits)
        if delay:
            await asyncio.sleep(delay)
        return None

    async def unknown_number(request: Request) -> Response | None:
        wait = site.unknowns.hit(_client(request))
        if wait is None:
            return _problem(429, "too-many", "too many unknown numbers: wait ten minutes")
        if wait:
            await asyncio.sleep(wait)
        return None

    def page(
        request: Request, name: str, words: Words, status: int = 200, private: bool = False, **context: Any
    ) -> Response:
        template = site.templates.get_template(name)
        body = template.render(
            _=words, lang=words.lang, languages=LANGUAGES, path=request.url.path, **context
        ).encode()
        if private or request.method != "GET":
            headers = {**SECURITY_HEADERS, "Cache-Control": "no-store", "Content-Language": words.lang}
            return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=headers)
        response = _cached(
            request, body, "text/html; charset=utf-8", status, **{"Content-Language": words.lang}
        )
        if "lang" in request.query_params and request.query_params["lang"] in LANGUAGES:
            response.set_cookie("lang", words.lang, max_age=365 * 86400, samesite="lax", httponly=True)
        return response

    def hub_down(request: Request, words: Words) -> Response:
        """The page for a hub that does not answer (503): one line, try again."""
        title, message = words("Tracking is not available"), words("Please try again in a few minutes.")
        return page(request, "problem.html", words, 503, title=title, message=message)

    def track_context(track: PublicTrack, words: Words) -> dict[str, Any]:
        places = site.places
        zone = zone_of(track, places)
        status = str(track.status) if track.status else None
        events = []
        for e in reversed(track.events):
            place = place_of(e.facility, places)
            events.append(
                {
                    "when": words.moment(e.time, place.time_zone),
                    "iso": e.time.astimezone(UTC).isoformat(timespec="minutes"),
                    "place": place.town,
                    "text": words(KIND_WORDS.get(EventKind(e.kind), e.kind)),
                    "proof": e.proof,
                    "choice": words(CHOICE_WORDS[e.choice]) if e.choice in CHOICE_WORDS else None,
                }
            )
        expected = None
        if track.expected is not None:
            expected = {
                "day": words.day(track.expected.expected),
                "by_80": words.day(track.expected.by_p80)
                if track.expected.by_p80 > track.expected.expected
                else None,
                "window": (
                    (words.clock(track.window.start, zone), words.clock(track.window.end, zone))
                    if track.window
                    else None
                ),
            }
        return {
            "item": track.item_id,
            "status_text": words(STATUS_WORDS[status]) if status else words("No status yet"),
            "status_key": status or "none",
            "events": events,
            "expected": expected,
        }

    async def home(request: Request) -> Response:
        return page(request, "start.html", _words(request))

    async def track_many(request: Request) -> Response:
        words = _words(request)
        raw = [p for p in re.split(r"[\s,;]+", request.query_params.get("ids", "")) if p]
        if not raw:
            return RedirectResponse("/", status_code=303)
        if len(raw) == 1:
            item, _why = _parse_id(raw[0])
            return RedirectResponse(f"/track/{item or raw[0][:40]}", status_code=303)
        if len(raw) > MAX_IDS:
            return page(
                request,
                "problem.html",
                words,
                400,
                title=words("Too many numbers"),
                message=words("Look up at most 35 numbers at a time."),
            )
        if (refused := await throttled(request)) is not None:
            return refused
        parsed = [(r, *_parse_id(r)) for r in raw]
        try:
            answers = await site.look_up([p[1] for p in parsed if p[1]])
        except HubDown:
            return hub_down(request, words)
        rows = []
        for given, item, _why in parsed:
            track = answers.get(item) if item else None
            if item is None:
                rows.append({"item": given[:40], "status": words("Not a tracking number"), "link": None})
            elif track is None:
                rows.append({"item": item, "status": words("No record of this number"), "link": None})
            else:
                status = str(track.status) if track.status else None
                rows.append(
                    {
                        "item": item,
                        "status": words(STATUS_WORDS[status]) if status else "",
                        "link": f"/track/{item}",
                    }
                )
        return page(request, "many.html", words, rows=rows)

    async def one(request: Request, words: Words) -> tuple[PublicTrack | None, Response | None, str]:
        """The item of the path, or the page that says why not."""
        raw = request.path_params["item"]
        item, _why = _parse_id(raw)
        if item is None:
            return (
                None,
                page(
                    request,
                    "problem.html",
                    words,
                    400,
                    title=words("This is not a tracking number"),
                    message=words(
                        "Check the number on your receipt: it looks like RR123456785US"
                        " or a 22-digit barcode number."
                    ),
                    given=raw[:40],
                ),
                "",
            )
        if (refused := await throttled(request, item)) is not None:
            return None, refused, item
        try:
            track = (await site.look_up([item]))[item]
        except HubDown:
            return (
                None,
                hub_down(request, words),
                item,
            )
        if track is None:
            if (refused := await unknown_number(request)) is not None:
                return None, refused, item
            return (
                None,
                page(
                    request,
                    "problem.html",
                    words,
                    404,
                    title=words("We have no record of this number"),
                    message=words(
                        "It is a valid tracking number, but no office has scanned it yet."
                        " Items appear here once they are accepted."
                    ),
                    given=item,
                ),
                item,
            )
        return track, None, item

    async def track_page(request: Request) -> Response:
        words = _words(request)
        track, answer, _item = await one(request, words)
        if answer is not None:
            return answer
        assert track is not None
        return page(request, "track.html", words, **track_context(track, words), details=None)

    async def gate(request: Request, item: str, postcode: str) -> str:
        """The hub's verdict on the postcode, after waiting by the wrong ones already given."""
        client = _client(request)
        by_item, _by_client = await site.reader.failures(item, client)
        delay = gate_delay(by_item)
        if delay:
            await asyncio.sleep(delay)
        return await site.reader.gate(item, postcode, client)

    async def door_photo(request: Request, track: PublicTrack, item: str, postcode: str) -> bytes | None:
        """The photo taken at the door, for a delivered item (the hub asks the postcode again)."""
        if str(track.status) != "delivered":
            return None
        return await site.reader.photo(item, postcode, _client(request))

    async def details_page(
        request: Request, notice: str | None = None, problem: str | None = None
    ) -> Response:
        words = _words(request)
        track, answer, item = await one(request, words)
        if answer is not None:
            return answer
        assert track is not None
        form = await _form(request)
        postcode = form.get("postcode", "")[:12]
        context = track_context(track, words)
        try:
            verdict = await gate(request, item, postcode)
            if verdict != "ok":
                return page(
                    request,
                    "track.html",
                    words,
                    403 if verdict != "locked" else 429,
                    private=True,
                    **context,
                    details=None,
                    problem=words(REFUSAL_WORDS[f"gate:{verdict}"]),
                )
            choice = await site.reader.choice_of(item)
            photo = await door_photo(request, track, item, postcode)
        except HubDown:
            return hub_down(request, words)
        details = details_json(track, site.places, words, choice, photo)
        offices = sorted(
            ((f, p.town) for f, p in site.places.items() if f != track.delivery_office), key=lambda o: o[1]
        )
        today = site._today([])
        return page(
            request,
            "track.html",
            words,
            private=True,
            **context,
            details=details,
            postcode=postcode,
            offices=offices,
            choice_words={k: words(v) for k, v in CHOICE_WORDS.items()},
            first_day=next_delivery_day(today + timedelta(days=1)).isoformat(),
            last_day=(today + timedelta(days=14)).isoformat(),
            notice=notice,
            problem=problem,
        )

    async def choose_page(request: Request) -> Response:
        words = _words(request)
        item, _why = _parse_id(request.path_params["item"])
        payload = await _form(request)
        if item is None:
            return await details_page(request)
        outcome = await choose(request, item, payload)
        if outcome[0] == 200:
            return await details_page(
                request, notice=words("Your choice is saved: the delivery office will honour it.")
            )
        return await details_page(request, problem=outcome[1])

    async def choose(request: Request, item: str, payload: dict[str, Any]) -> tuple[int, str, int | None]:
        """(HTTP status, message, choice id)."""
        words = _words(request)
        choice = str(payload.get("choice", ""))
        try:
            places = await site.named_places()
        except HubDown:
            return 503, words("Please try again in a few minutes."), None
        detail, bad = _detail(choice, payload, places, site._today([]))
        if bad:
            return 400, words(bad), None
        try:
            by_item, _by_client = await site.reader.failures(item, _client(request))
            if delay := gate_delay(by_item):
                await asyncio.sleep(delay)
            made = await site.reader.choose(
                item, str(payload.get("postcode", ""))[:12], _client(request), choice, detail
            )
        except ChoiceRefused as exc:
            status = {"gate:wrong": 403, "gate:locked": 429, "gate:unknown": 404}.get(exc.why, 409)
            return status, words(REFUSAL_WORDS.get(exc.why, "refused")), None
        except HubDown:
            return 503, words("Please try again in a few minutes."), None
        return 200, words("Your choice is saved: the delivery office will honour it."), made

    async def texts(request: Request, item: str, payload: dict[str, Any]) -> tuple[int, str]:
        """(HTTP status, message) of a request to follow or stop the item's texts. The number is never
        shown back: the notifier texts it (a follow asks it to reply YES first)."""
        words = _words(request)
        action = str(payload.get("action", ""))
        if action not in ("follow", "stop"):
            return 400, words(N_("Choose to get texts or to stop them."))
        try:
            phone = to_e164(str(payload.get("phone", ""))[:40])
        except InvalidPhone:
            return 400, words(N_("That is not a mobile number we can text."))
        client = _client(request)
        try:
            by_item, _by_client = await site.reader.failures(item, client)
            if delay := gate_delay(by_item):
                await asyncio.sleep(delay)
            refused = await site.reader.text_request(
                item, str(payload.get("postcode", ""))[:12], client, phone, action
            )
        except HubDown:
            return 503, words("Please try again in a few minutes.")
        if refused is not None:
            status = {"gate:wrong": 403, "gate:locked": 429, "gate:unknown": 404}.get(refused, 403)
            return status, words(REFUSAL_WORDS.get(refused, "refused"))
        if action == "follow":
            return 200, words(N_("We are texting that number: reply YES to get texts about this parcel."))
        return 200, words(N_("No more texts about this parcel will go to that number."))

    async def texts_page(request: Request) -> Response:
        item, _why = _parse_id(request.path_params["item"])
        if item is None:
            return await details_page(request)
        status, message = await texts(request, item, await _form(request))
        if status == 200:
            return await details_page(request, notice=message)
        return await details_page(request, problem=message)

    async def api_texts(request: Request) -> Response:
        usage = '{"postcode": "...", "phone": "...", "action": "follow" | "stop"}'
        got = await posted(request, ("postcode", "phone"), usage)
        if isinstance(got, Response):
            return got
        item, data = got
        status, message = await texts(request, item, data)
        if status != 200:
            return _problem(status, "refused", message)
        return _json({"id": item, "action": data.get("action"), "message": message}, private=True)

    async def api_track(request: Request) -> Response:
        words = _words(request)
        item, why = _parse_id(request.path_params["item"])
        if item is None:
            return _problem(400, "malformed", why)
        if (refused := await throttled(request, item)) is not None:
            return refused
        try:
            track = (await site.look_up([item]))[item]
        except HubDown:
            return _problem(503, "hub-unavailable", "tracking is not available: try again in a few minutes")
        if track is None:
            if (refused := await unknown_number(request)) is not None:
                return refused
            return _problem(404, "unknown", f"no record of {item}")
        body = json.dumps(track_json(track, site.places, words), ensure_ascii=False).encode()
        return _cached(request, body, "application/json")

    async def api_track_many(request: Request) -> Response:
        words = _words(request)
        raw = [p for p in request.query_params.get("ids", "").split(",") if p.strip()]
        if not raw or len(raw) > MAX_IDS:
            return _problem(400, "ids", f"give 1 to {MAX_IDS} ids, separated by commas")
        if (refused := await throttled(request)) is not None:
            return refused
        parsed = [(r.strip(), *_parse_id(r)) for r in raw]
        try:
            answers = await site.look_up(sorted({p[1] for p in parsed if p[1]}))
        except HubDown:
            return _problem(503, "hub-unavailable", "tracking is not available: try again in a few minutes")
        out = []
        for given, item, why in parsed:
            if item is None:
                out.append({"id": given[:40], "error": "malformed", "message": why})
            elif (track := answers.get(item)) is None:
                out.append({"id": item, "error": "unknown", "message": f"no record of {item}"})
            else:
                out.append(track_json(track, site.places, words))
        body = json.dumps({"items": out}, ensure_ascii=False).encode()
        return _cached(request, body, "application/json")

    async def json_body(request: Request) -> dict[str, Any] | None:
        try:
            data = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    async def posted(
        request: Request, fields: tuple[str, ...], usage: str
    ) -> tuple[str, dict[str, Any]] | Response:
        """The item of the path and the JSON body with each of `fields` a string, or the 400 saying how."""
        item, why = _parse_id(request.path_params["item"])
        if item is None:
            return _problem(400, "malformed", why)
        data = await json_body(request)
        if data is None or not all(isinstance(data.get(name), str) for name in fields):
            return _problem(400, "body", f"send JSON: {usage}")
        return item, data

    async def api_details(request: Request) -> Response:
        words = _words(request)
        got = await posted(request, ("postcode",), '{"postcode": "..."}')
        if isinstance(got, Response):
            return got
        item, data = got
        try:
            track = (await site.look_up([item]))[item]
            if track is None:
                return _problem(404, "unknown", f"no record of {item}")
            verdict = await gate(request, item, data["postcode"][:12])
            if verdict != "ok":
                status = 429 if verdict == "locked" else 403
                return _problem(status, f"postcode-{verdict}", words(REFUSAL_WORDS[f"gate:{verdict}"]))
            choice = await site.reader.choice_of(item)
            photo = await door_photo(request, track, item, data["postcode"][:12])
        except HubDown:
            return _problem(503, "hub-unavailable", "tracking is not available: try again in a few minutes")
        answer = track_json(track, site.places, words) | {
            "details": details_json(track, site.places, words, choice, photo)
        }
        return _json(answer, private=True)

    async def api_preferences(request: Request) -> Response:
        got = await posted(
            request, ("postcode", "choice"), '{"postcode": "...", "choice": "hold" | "redirect" | ...}'
        )
        if isinstance(got, Response):
            return got
        item, data = got
        status, message, made = await choose(request, item, data)
        if status != 200:
            return _problem(status, "refused", message)
        return _json(
            {"id": item, "choice": data["choice"], "choice_id": made, "message": message}, private=True
        )

    async def api_evidence(request: Request) -> Response:
        """One event's evidence: its place in its station's chain under a signed checkpoint (a file to
        check offline with `station evidence verify-event`)."""
        item, why = _parse_id(request.path_params["item"])
        if item is None:
            return _problem(400, "malformed", why)
        station_id, seq = request.path_params["station"], request.path_params["seq"]
        if (refused := await throttled(request, item)) is not None:
            return refused
        try:
            track = (await site.look_up([item]))[item]
            shown = next(
                (e for e in (track.events if track else ()) if e.proof and e.proof.station_id == station_id
                 and e.proof.seq == seq),
                None,
            )  # fmt: skip
            if shown is None or shown.proof is None:
                return _problem(404, "unknown", f"{item} has no event {seq} of station {station_id}")
            found = await site.reader.evidence(station_id, seq)
        except HubDown:
            return _problem(503, "hub-unavailable", "tracking is not available: try again in a few minutes")
        if found is None:
            return _problem(
                404, "not-yet-signed",
                "this event is not covered by a signed checkpoint yet: stations sign one every 100 events"
                " and when they stop; try again later",
            )  # fmt: skip
        place = place_of(shown.facility, site.places)
        proof = shown.proof
        event = {
            "station_id": station_id, "seq": seq, "hash": proof.hash, "prev_hash": proof.prev_hash,
            "kind": shown.kind, "time": shown.time.isoformat(), "place": place.town,
        }  # fmt: skip
        evidence = {"format": EVIDENCE_FORMAT, "item_id": item, "event": event, **found}
        body = json.dumps(evidence, indent=1).encode()
        disposition = f'attachment; filename="evidence-{item}-{station_id}-{seq}.json"'
        return _cached(request, body, "application/json", 200, **{"Content-Disposition": disposition})

    async def api_openapi(request: Request) -> Response:
        body = json.dumps(openapi.DESCRIPTION).encode()
        return _cached(request, body, "application/json")

    routes = [
        Route("/", home),
        Route("/track", track_many),
        Route("/track/{item}", track_page, methods=["GET"]),
        Route("/track/{item}", details_page, methods=["POST"]),
        Route("/track/{item}/choice", choose_page, methods=["POST"]),
        Route("/track/{item}/texts", texts_page, methods=["POST"]),
        Route("/api/v1/track", api_track_many),
        Route("/api/v1/track/{item}", api_track),
        Route("/api/v1/track/{item}/details", api_details, methods=["POST"]),
        Route("/api/v1/track/{item}/preferences", api_preferences, methods=["POST"]),
        Route("/api/v1/track/{item}/texts", api_texts, methods=["POST"]),
        Route("/api/v1/track/{item}/evidence/{station}/{seq:int}", api_evidence),
        Route("/api/v1/openapi.json", api_openapi),
        Mount("/static", StaticFiles(directory=str(files("hub.web").joinpath("static"))), name="static"),
    ]

    async def failed(request: Request, exc: Exception) -> Response:
        """A bug: one line for the customer, the traceback in the log for the maintainer."""
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        if request.url.path.startswith("/api/"):
            return _problem(500, "internal", "something went wrong on our side: try again later")
        return Response(
            "Something went wrong on our side: please try again later.", 500, media_type="text/plain"
        )

    app = Starlette(routes=routes, lifespan=site.lifespan, exception_handlers={Exception: failed})
    app.state.site = site
    return app


def _detail(
    choice: str, given: dict[str, Any], places: dict[str, Place], today: date
) -> tuple[dict[str, Any], str]:
    """The choice's detail from the form or JSON, or what is wrong with it (English source text)."""
    if choice == "hold":
        return {}, ""
    if choice == "redirect":
        office = str(given.get("office", ""))
        if office not in places:
            return {}, N_("Choose one of the offices in the list.")
        zip_code = places[office].zip
        return {"office": office, **({"zip": zip_code} if zip_code else {})}, ""
    if choice == "safe-place":
        place = " ".join(str(given.get("place", "")).split())
        if not TEXT_FIELD.match(place):
            return {}, N_("Say where in a few words (at most 60 characters).")
        return {"place": place}, ""
    if choice == "neighbour":
        name = " ".join(str(given.get("name", "")).split())
        house = " ".join(str(given.get("house", "")).split())
        if not TEXT_FIELD.match(name) or not TEXT_FIELD.match(house):
            return {}, N_("Give the neighbour's name and house number (at most 60 characters each).")
        return {"name": name, "house": house}, ""
    if choice == "another-day":
        try:
            day = date.fromisoformat(str(given.get("day", "")))
        except ValueError:
            return {}, N_("Choose a day from the calendar.")
        if not today < day <= today + timedelta(days=14) or day.weekday() == 6:
            return {}, N_("Choose a delivery day (Monday to Saturday) in the next two weeks.")
        return {"day": day.isoformat()}, ""
    return {}, N_("Choose hold, redirect, safe place, neighbour or another day.")
