"""station/items."""
