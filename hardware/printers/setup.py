"""The transport for one of the station's printers, built from its URL and its profile."""

from __future__ import annotations

from hardware.printers.transports import Transport
from hardware.registry import open_printer
from station.app import Station
from station.printing.profiles import PrinterProfile, profile


def profile_of(station: Station, printer: str) -> PrinterProfile:
    """The configured profile of a printer URL (the receipt printer's, or else the label printer's)."""
    devices = station.config.devices
    if printer == devices.receipt_printer and printer != devices.printer:
        return profile(devices.receipt_printer_profile)
    return profile(devices.printer_profile)


def transport_for(station: Station, printer: str) -> Transport:
    """The transport for `printer` (DeviceUrlError names a wrong URL)."""
    transport: Transport = open_printer(
        printer, printed_dir=station.paths.printed, host_status=profile_of(station, printer).host_status
    )
    return transport
