"""The tracking page's picture for the docs (`./dev screenshots`): a demo hub, the site, Debian's
Chromium; the postcode given and a safe place chosen, the page as a customer then sees it."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.hub.browser import chromium
from tests.hub.conftest import new_hub
from tests.hub.web_site import POSTCODE, build_network, start_site
from tests.pg import Cluster


def make(folder: Path) -> Path:
    """Write `tracking-page.png` into `folder`."""
    cluster = Cluster.create()
    net = None
    try:
        net = start_site(build_network(new_hub(cluster), Path(tempfile.mkdtemp(prefix="web-shot-"))))
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.goto(f"{net.url}/track/{net.items['attempted']}?lang=en")
            page.fill("#postcode", POSTCODE)
            with page.expect_navigation():
                page.press("#postcode", "Enter")
            page.fill("#place", "behind the blue gate")
            with page.expect_navigation():
                page.click("form.choice-safe-place button")
            page.locator("details.proof").first.evaluate("(d) => d.open = true")
            target = folder / "tracking-page.png"
            page.screenshot(path=str(target), full_page=True)
            return target
    finally:
        if net is not None:
            net.stop()
        cluster.remove()


if __name__ == "__main__":
    print(make(Path(sys.argv[1] if len(sys.argv) > 1 else "assets/screenshots")))
