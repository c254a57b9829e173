"""What an event is (kinds and their facts), states, the clock, local time, the delivery week, values."""
