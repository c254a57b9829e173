"""Slowing and then refusing whoever enumerates: counts per key in a sliding window, in this process.

The hub counts wrong postcodes itself (per item and per client, hub.web_gate), so a guesser is stopped
whatever the number of web processes; these counters add the cheaper limits on plain look-ups.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Limit:
    """Over `slow_after` hits in `window_s` each answer waits `delay_s` more per hit beyond it (at most
    `max_delay_s`); over `refuse_after` the answer is 429."""

    window_s: float
    slow_after: int
    refuse_after: int
    delay_s: float = 0.25
    max_delay_s: float = 3.0
    clock: Callable[[], float] = time.monotonic
    _hits: dict[str, deque[float]] = field(default_factory=dict)

    def hit(self, key: str) -> float | None:
        """Count one hit of `key`: the seconds to wait before answering, or None to refuse."""
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if len(hits) >= self.refuse_after:
            return None
        hits.append(now)
        if len(self._hits) > 100_000:  # a flood of keys: forget the idle ones
            for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window_s]:
                del self._hits[stale]
        beyond = len(hits) - self.slow_after
        return 0.0 if beyond <= 0 else min(self.max_delay_s, self.delay_s * beyond)

    def count(self, key: str) -> int:
        """Hits of `key` in the window now."""
        now = self.clock()
        return sum(1 for t in self._hits.get(key, ()) if t > now - self.window_s)


def gate_delay(wrong_for_item: int) -> float:
    """Seconds to wait before answering a postcode for an item, by the wrong ones it was already given:
    doubling from the second (0.1, 0.2, 0.4, 0.8), at most 1; the hub refuses after 8 (and after 20 from
    one client), so a guesser gets 8 tries in 15 minutes, each slower than the last."""
    return 0.0 if wrong_for_item < 1 else min(1.0, 0.1 * 2 ** (wrong_for_item - 1))
