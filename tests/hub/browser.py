"""Debian's headless Chromium, driven by Playwright (its own browser download is never used), and
axe-core from npm (installed on first use into `.venv/axe-core-VERSION`) for the WCAG checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
AXE, AXE_VERSION = "axe-core", "4.14.1"
REPO = Path(__file__).resolve().parents[2]
# As root in a sandbox with no network: no sandbox, no GPU, none of Chromium's own connections.
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def available() -> bool:
    """Chromium and Playwright are both here (./dev test installs them)."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists()


def axe_script() -> str:
    """axe.min.js (npm install on first use; safe under parallel first use)."""
    root = Path(os.environ.get("STATION_NPM_CACHE", REPO / ".venv"))
    target = root / f"{AXE}-{AXE_VERSION}"
    script = target / "node_modules" / AXE / "axe.min.js"
    if not script.exists():
        if shutil.which("npm") is None:
            raise RuntimeError("npm is needed to install axe-core (./dev test installs it)")
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".npm-"))
        (tmp / "package.json").write_text(
            json.dumps({"name": "axe-check", "private": True, "dependencies": {AXE: AXE_VERSION}})
        )
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(tmp)],
            check=True,
        )
        try:
            tmp.rename(target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    return script.read_text()


@contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright browser on Debian's chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A and AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_script())
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in found
    ]
