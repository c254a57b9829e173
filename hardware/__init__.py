"""Device drivers (scanners, cameras, scales, printers) chosen by device URL.

May import `station`, never Qt.
"""
