"""The station's side of the hub: the port it is reached through, and what the hub holds already."""
