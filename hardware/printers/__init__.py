"""Printers: transports chosen by URL (tcp 9100, serial, usb, cups, dir) and the spooler thread."""
