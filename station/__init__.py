"""Parcel Station's domain core: identifiers, the scan journal, tracking, postage, labels, notifications.

Plain typed Python: no Qt, no device I/O, no sleeping. `hardware` and `ui` build on it.
"""
