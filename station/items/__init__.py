"""An item after the counter: sacks and item status, tracking, recipients, proof of delivery, PINs."""
