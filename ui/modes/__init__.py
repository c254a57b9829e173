"""The station's screens: counter, depot, carrier, track, devices."""
