"""Customer SMS: consent (double opt-in, STOP), templates, a durable outbox written with each scan."""
