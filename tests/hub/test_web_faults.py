"""The tracking site with its hub out of reach (issue 32): every page and API answer says so in one
line (503), nothing answers with a traceback, and the site goes on serving what needs no hub."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from tests.hub.web_site import run_site

ITEM = "RR473124829GB"


def _answer(url: str, body: dict[str, str] | None = None, form: bool = False) -> tuple[int, bytes]:
    data, headers = None, {}
    if body is not None:
        if form:
            from urllib.parse import urlencode

            data, headers = urlencode(body).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=30) as a:
            return a.status, a.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_a_dead_hub_is_one_line_on_every_answer_and_never_a_traceback(tmp_path: Path) -> None:
    dead = f"postgresql://web_public@/hub?host={tmp_path}&connect_timeout=1"  # no server on this socket
    site, url = run_site(dead, "--learn-days", "0")
    try:
        assert _answer(url + "/")[0] == 200  # the start page needs no hub
        assert _answer(url + "/api/v1/openapi.json")[0] == 200
        api = _answer(f"{url}/api/v1/track/{ITEM}")
        assert api[0] == 503 and json.loads(api[1])["error"] == "hub-unavailable"
        page = _answer(f"{url}/track/{ITEM}")
        assert page[0] == 503 and b"Tracking is not available" in page[1]
        many = _answer(f"{url}/api/v1/track?ids={ITEM},EE123456785US")
        assert many[0] == 503
        choice = _answer(f"{url}/api/v1/track/{ITEM}/preferences", {"postcode": "94105", "choice": "hold"})
        assert choice[0] == 503 and b"try again" in choice[1]
        texts = _answer(
            f"{url}/api/v1/track/{ITEM}/texts",
            {"postcode": "94105", "phone": "2015550123", "action": "follow"},
        )
        assert texts[0] == 503
        form = _answer(f"{url}/track/{ITEM}", {"postcode": "94105"}, form=True)
        assert form[0] == 503
        bad_json = urllib.request.Request(
            f"{url}/api/v1/track/{ITEM}/details", data=b"\xff{", headers={"Content-Type": "application/json"}
        )
        try:
            urllib.request.urlopen(bad_json, timeout=10)
        except urllib.error.HTTPError as exc:
            assert exc.code == 400
    finally:
        site.terminate()
        _out, err = site.communicate(timeout=15)
    assert b"Traceback" not in err, err.decode()[-2000:]
