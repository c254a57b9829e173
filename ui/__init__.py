"""The Qt (PySide6) station app and the `station` command line that composes every layer."""
