"""station/network."""
