"""The one error identifiers raise."""


class InvalidId(ValueError):
    """An identifier that does not follow its standard; the message says exactly what is wrong."""
