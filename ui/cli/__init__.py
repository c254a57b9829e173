"""Every `station` command, one module per subject; `main.py` is the entry point (docs/architecture.md)."""
