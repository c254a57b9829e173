"""station/office."""
