"""station/demo."""
