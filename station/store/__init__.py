"""station/store."""
