"""Parcel lockers: the lock boards that open their doors and read their door sensors."""
