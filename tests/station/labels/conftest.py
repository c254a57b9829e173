"""One independent ZPL renderer process for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.renderers import ZplRenderer


@pytest.fixture(scope="session")
def zpl_renderer() -> Iterator[ZplRenderer]:
    renderer = ZplRenderer()
    yield renderer
    renderer.close()
