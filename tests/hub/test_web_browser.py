"""The tracking site in a real browser (issue 32): Debian's headless Chromium driven by Playwright against
`station hub web` and a real PostgreSQL hub. Every page state is checked by axe-core for WCAG 2.2 A/AA;
a customer looks an item up, gives a wrong postcode, then the right one, and makes a choice with the
keyboard alone; the delivery office takes the choice at its next sync and refuses to load the item;
the page switches language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.desks.carrier import CarrierDesk
from tests.hub.browser import available, axe_violations, chromium
from tests.hub.conftest import new_hub
from tests.hub.web_site import POSTCODE, Network, build_network, start_site
from tests.pg import Cluster

pytestmark = [
    pytest.mark.skipif(
        not available(), reason="needs Debian's chromium and Playwright (./dev test installs them)"
    ),
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def site(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    net = start_site(build_network(new_hub(cluster), tmp_path_factory.mktemp("browser")))
    yield net
    net.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as made:
        yield made


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # axe-core is added as an inline script: the site's CSP (script-src 'self') would block it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 900})
    made = context.new_page()
    yield made
    context.close()


def _tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus (a keyboard user's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable by Tab")


def _submit(page: Any, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_every_page_state_passes_axe_for_wcag_2_2_aa(site: Network, page: Any) -> None:
    items = site.items
    states = {
        "start": "/",
        "in transit": f"/track/{items['plain']}",
        "out for delivery, with a window": f"/track/{items['loaded']}",
        "delivered": f"/track/{items['delivered']}",
        "attempted, in Spanish": f"/track/{items['attempted']}?lang=es",
        "abroad, in French": f"/track/{items['abroad']}?lang=fr",
        "unknown": "/track/RR123456785US?lang=en",
        "malformed": "/track/RR12?lang=en",
        "several": f"/track?ids={items['plain']},{items['loaded']},RR123456785US",
    }
    found = {}
    for name, path in states.items():
        page.goto(site.url + path)
        found[name] = axe_violations(page)
    page.goto(f"{site.url}/track/{items['attempted']}?lang=en")
    page.fill("#postcode", "10001")
    _submit(page)
    assert page.locator("[role=alert]").inner_text().startswith("That postcode is not the one")
    found["wrong postcode"] = axe_violations(page)
    page.fill("#postcode", POSTCODE)
    _submit(page)
    found["details and choices"] = axe_violations(page)
    page.fill("#place", "in the porch")
    with page.expect_navigation():
        page.click("text=Leave it at a safe place")
    assert "Your choice is saved" in page.locator("[role=status]").inner_text()
    found["choice saved"] = axe_violations(page)
    page.goto(f"{site.url}/track/{items['locked']}?lang=en")
    page.fill("#postcode", POSTCODE)
    _submit(page)
    assert "delivered as addressed" in page.locator("main").inner_text()
    found["choices forbidden by the sender"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


def test_a_customer_chooses_hold_by_keyboard_and_the_delivery_office_honours_it(
    site: Network, page: Any, tmp_path: Path
) -> None:
    item = site.items["chosen"]
    page.goto(site.url + "/?lang=en")
    _tab_to(page, "#ids")
    page.keyboard.type(item)
    _submit(page)
    assert page.url.endswith(f"/track/{item}") and item in page.locator("h1").inner_text()
    assert "In transit" in page.locator("h1").inner_text()
    _tab_to(page, "#postcode")
    page.keyboard.type("94107")
    _submit(page)
    assert page.locator("#postcode").get_attribute("aria-invalid") == "true"
    _tab_to(page, "#postcode")
    page.keyboard.type(POSTCODE)
    _submit(page)
    assert "San Francisco delivery office" in page.locator("dl").inner_text()
    _tab_to(page, "form.choice-hold button")
    _submit(page)
    assert "Your choice is saved" in page.locator("[role=status]").inner_text()
    assert "Hold it at the office for pickup" in page.locator("dl").inner_text()
    page.screenshot(path=str(tmp_path / "tracking-choice.png"), full_page=True)
    assert (tmp_path / "tracking-choice.png").stat().st_size > 10_000

    site.push()  # the delivery office's next sync takes the choice and journals it
    refused = CarrierDesk(site.office).load(item, facility="SFO1-DEPOT", operator="joe")
    assert not refused.ok and "hold it at the office for pickup" in (refused.reason or "")
    page.goto(f"{site.url}/track/{item}?lang=en")
    history = page.locator("ol.events").inner_text()
    assert "Your delivery choice was taken: Hold it at the office for pickup" in history


def test_the_language_switch_changes_the_page_and_is_kept(site: Network, page: Any) -> None:
    page.goto(f"{site.url}/track/{site.items['plain']}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.click("a[hreflang=es]")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "En tránsito" in page.locator("h1").inner_text()
    page.goto(f"{site.url}/track/{site.items['loaded']}")  # no ?lang: the cookie keeps Spanish
    assert "En reparto" in page.locator("h1").inner_text()
    assert "Hoy entre las" in page.locator("section").first.inner_text()
    with page.expect_navigation():
        page.click("a[hreflang=fr]")
    assert "En cours de livraison" in page.locator("h1").inner_text()
