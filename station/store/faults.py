"""Named points where a test may stop the station dead (SIGKILL), to prove that a stop at any moment
loses nothing acknowledged and leaves nothing in an unknown state.

`STATION_KILL_AT=payment:before-commit station basket pay ...` kills the process at that point. Unset
(always, in the field), a point costs one dictionary look-up. The points are listed here so that a
test can walk them all.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "acceptance:before-commit",
    "acceptance:after-commit",
    "payment:before-commit",
    "payment:after-commit",
    "void:before-commit",
    "void:after-commit",
)


def kill_point(name: str) -> None:
    """Stop dead here when the test asked for this point."""
    if os.environ.get("STATION_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
