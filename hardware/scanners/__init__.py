"""Barcode scanners: serial and network (pyserial), evdev HID, demo."""
