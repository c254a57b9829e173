"""Logging for maintainers: a rotating file in the station's data folder, and no exception lost in a thread.

The operator sees one plain line for a problem; the log keeps the traceback behind it. Uncaught
exceptions in any thread (device workers, the I/O thread, the CLI itself) are written with their
traceback, so a fault in the field can be read afterwards.
"""

from __future__ import annotations

import logging
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from station.paths import StationPaths

LOG_NAME = "station.log"
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"
_HANDLER_FLAG = "_parcel_station_handler"

log = logging.getLogger("station")


class _StationLogFile(RotatingFileHandler):
    """The station's log file; one that cannot be written (a full disk, a folder gone) says so once, in
    one line, instead of printing a traceback for every record."""

    said = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        if not self.said:
            self.said = True
            problem = sys.exc_info()[1]
            reason = getattr(problem, "strerror", None) or problem or "unknown"
            print(
                f"warning: the station log {self.baseFilename} cannot be written ({reason})", file=sys.stderr
            )


def configure_logging(paths: StationPaths, level: int = logging.INFO) -> Path | None:
    """Log to `<data>/logs/station.log` (5 files of 2 MB); its path, or None when it cannot be written."""
    root = logging.getLogger()
    root.setLevel(min(root.level or level, level))
    for handler in root.handlers:
        if getattr(handler, _HANDLER_FLAG, None) == str(paths.logs):
            return paths.logs / LOG_NAME
    try:
        paths.private(paths.logs)
        handler = _StationLogFile(paths.logs / LOG_NAME, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return None  # a read-only data folder: the station still runs, the operator's lines still show
    handler.setFormatter(logging.Formatter(FORMAT))
    setattr(handler, _HANDLER_FLAG, str(paths.logs))
    root.addHandler(handler)
    threading.excepthook = _thread_exception
    return paths.logs / LOG_NAME


def _thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread else "a thread"
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None] = (
        args.exc_type,
        args.exc_value or args.exc_type(),
        args.exc_traceback,
    )
    log.error("unexpected error in %s", name, exc_info=exc_info)
    print(f"error: {name} stopped: {args.exc_value} (details in the station log)", file=sys.stderr)
