"""station/abroad."""
