"""The one error identifiers raise."""

from station.errors import Refused


class InvalidId(Refused):
    """An identifier that does not follow its standard; the message says exactly what is wrong."""
