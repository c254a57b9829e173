"""station/insight."""
