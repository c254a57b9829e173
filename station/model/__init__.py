"""station/model."""
