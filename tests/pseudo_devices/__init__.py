"""Real pseudo-devices for the tests: pty serial ports and a scale that speaks its protocol."""
