"""One error hierarchy and the named exit codes every `station` command answers with.

An operator reads one plain line, never a traceback; what the line means for a script is the exit code:
- `Refused`: the station said no to what was asked and says why (a bad id, a rule, a closed day): the
  operator can act on it. Exit 1.
- `Fault`: the world is not as the station needs it (a damaged journal, settings that do not parse, a
  schema from a newer version): someone must fix the machine. Exit 1, the detail in the log.
- `Unreachable`: a service (the hub, the SMS gateway, a printer) did not answer. Nothing is lost: the work
  waits and goes when the service is back. Exit 3, so a script can tell "try again" from "no".
Usage errors (the command line itself is wrong) are argparse's own, exit 2, and nothing else uses 2.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a `station` command's exit status means."""

    DONE = 0
    REFUSED = 1  # refused, or found unhealthy (doctor, journal verify, a check that failed)
    USAGE = 2  # the command line is wrong: an unknown command, a missing or malformed option
    UNREACHABLE = 3  # a service (hub, SMS gateway, printer) could not be reached; nothing was lost
    INTERRUPTED = 130  # Ctrl+C


EXIT_CODES_HELP = "\n".join(
    f"  {code.value:<4}{text}"
    for code, text in (
        (ExitCode.DONE, "done"),
        (ExitCode.REFUSED, "refused (the reason is printed) or unhealthy"),
        (ExitCode.USAGE, "usage error: the command line is wrong"),
        (
            ExitCode.UNREACHABLE,
            "a service (hub, SMS gateway, printer) could not be reached; nothing was lost",
        ),
        (ExitCode.INTERRUPTED, "interrupted (Ctrl+C)"),
    )
)


class StationError(Exception):
    """Anything the station tells its operator in one line."""

    exit_code: ExitCode = ExitCode.REFUSED


class Refused(StationError, ValueError):
    """What was asked is refused, and the message says why: the operator can act on it."""


class Fault(StationError, RuntimeError):
    """The machine, a file or the settings are not as the station needs them: someone must fix them."""


class Unreachable(StationError):
    """A service did not answer; the work waits and goes when it is back."""

    exit_code = ExitCode.UNREACHABLE
