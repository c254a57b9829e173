"""Station settings: one TOML file (`StationPaths.config_file`), defaults in code, only changes on disk."""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from station.errors import Fault
from station.model.localtime import TimeZoneError, zone
from station.model.sdr import SdrRates
from station.paths import replace_file


@dataclass(frozen=True)
class DeviceUrls:
    """Device URLs (see hardware/urls.py). Defaults work with no hardware at all."""

    scanner: str = "wedge:"
    camera: str = "off:"  # a camera feeds every screen: only when configured (or `station gui --demo`)
    scale: str = "demo:"
    printer: str = "demo:"
    receipt_printer: str = "demo:"
    # assets/printers.toml: the label format and dpi of every job come from these
    locker: str = "off:"  # the parcel lockers' lock board: lockboard:///dev/ttyUSB0?board=1&doors=24
    printer_profile: str = "zebra-zd421-203"
    receipt_printer_profile: str = "escpos-80mm"


@dataclass(frozen=True)
class StationConfig:
    """Identity of this station and its devices."""

    station_id: str = "STN01"
    facility: str = "DEMO-COUNTER"
    operator: str = "clerk"
    origin_zip: str = "10001"
    country: str = "US"
    hub: str = ""  # postgresql://station_x@host/db?passfile=...: the network hub; empty: none
    # The network's public tracking page (the hub's web app), e.g. https://track.example-post.org: each
    # receipt's QR code opens it on the receipt's items. Empty: receipts say the number only.
    tracking_url: str = ""
    office_address: str = ""  # the office's own address, on every receipt ("1 Main St, Springfield IL")
    time_zone: str = ""  # IANA name for screens and paper; empty: the machine's zone (the journal is UTC)
    # Each station owns a block of the 8-digit S10 serial space so that two stations of one
    # post never hand out the same item id (UPU S10 serials are unique per service+country).
    s10_serial_first: int = 10_000_000
    s10_serial_last: int = 19_999_999
    mailer_id: str = ""  # USPS Mailer ID (6 or 9 digits) of the IMpb numbers this station issues; empty: none
    gs1_company_prefix: str = "0614141"  # for sack SSCCs; GS1's documentation prefix until one is licensed
    meter_id: str = "PS000001"  # the postage meter licence id printed in the indicia (8 characters)
    acceptance_window_days: int = 3  # a metered piece older than this is refused at acceptance
    # A training station: demo devices (made-up weights, printouts as files) are what it is meant to have.
    # Off at a real office, where the doctor warns about every demo device.
    training: bool = False
    lock_after_s: int = 300  # the window locks after this long untouched (once there are operators)
    sms_gateway: str = (
        "log:"  # log: | rest+https://SID:TOKEN@api.example.com?from=+1... | smpp://u:p@host:2775
    )
    # Customs: what one unit of each declared currency is worth in SDR (the IMF's Special Drawing Right)
    # and the day the figures were taken. A declaration up to 300 SDR travels with a CN 22, above it a
    # CN 23. The shipped figures are approximations entered on that day: set the IMF's published rates.
    sdr_rates: str = (
        "USD=0.7353 EUR=0.8539 GBP=0.9770 CAD=0.5257 AUD=0.4789 JPY=0.004757 CNY=0.1032 CHF=0.9102"
    )
    sdr_rates_date: str = "2026-12-02"
    # A bank of parcel lockers beside the office: its doors and their sizes (S, M, L), e.g.
    # "1-8:S 9-16:M 17-24:L"; its lock board is [devices] locker. Empty: no lockers.
    locker_doors: str = ""
    devices: DeviceUrls = field(default_factory=DeviceUrls)

    def sdr(self) -> SdrRates:
        """The customs SDR rates (checked when the settings were read)."""
        return SdrRates.parse(self.sdr_rates, self.sdr_rates_date)

    def changes_from_defaults(self) -> dict[str, Any]:
        """Only the settings that differ from the defaults, as TOML-ready nested dicts."""
        default = StationConfig()
        out: dict[str, Any] = {}
        station = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "devices" and getattr(self, f.name) != getattr(default, f.name)
        }
        if station:
            out["station"] = station
        devices = {k: v for k, v in asdict(self.devices).items() if v != getattr(default.devices, k)}
        if devices:
            out["devices"] = devices
        return out


class ConfigError(Fault, ValueError):
    """The settings file cannot be used; the message names the file and the bad key."""


def load_config(path: Path) -> StationConfig:
    """Read station.toml; a missing file means all defaults."""
    if not path.exists():
        return StationConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    station_keys = {f.name for f in fields(StationConfig)} - {"devices"}
    station = raw.get("station", {})
    devices = raw.get("devices", {})
    for table, values in (("station", station), ("devices", devices)):
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{table}] must be a table of settings")
    unknown = set(station) - station_keys
    if unknown:
        raise ConfigError(f"{path}: unknown [station] setting(s): {', '.join(sorted(unknown))}")
    device_keys = {f.name for f in fields(DeviceUrls)}
    unknown = set(devices) - device_keys
    if unknown:
        raise ConfigError(f"{path}: unknown [devices] setting(s): {', '.join(sorted(unknown))}")
    _check_types(path, "station", station, StationConfig())
    _check_types(path, "devices", devices, DeviceUrls())
    try:
        zone(station.get("time_zone", ""))
    except TimeZoneError as exc:
        raise ConfigError(f"{path}: [station] {exc}") from None
    defaults = StationConfig()
    try:
        SdrRates.parse(
            station.get("sdr_rates", defaults.sdr_rates),
            station.get("sdr_rates_date", defaults.sdr_rates_date),
        )
    except ValueError as exc:
        raise ConfigError(f"{path}: [station] {exc}") from None
    mailer_id = str(station.get("mailer_id", ""))
    if mailer_id and not (mailer_id.isascii() and mailer_id.isdigit() and len(mailer_id) in (6, 9)):
        raise ConfigError(
            f"{path}: [station] mailer_id: a USPS Mailer ID has 6 or 9 digits, not {mailer_id!r}"
        )
    return replace(StationConfig(**station), devices=DeviceUrls(**devices))


_TYPE_NAMES = {str: "text in quotes", int: "a whole number", bool: "true or false"}


def _check_types(path: Path, table: str, values: dict[str, object], defaults: object) -> None:
    """Each setting has its default's type: `station_id = 5` is refused, not hashed as 5 into every event."""
    for key, value in values.items():
        expected = type(getattr(defaults, key))
        if type(value) is not expected:  # exact: true is not a number, 1.5 is not a whole number
            shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
            raise ConfigError(
                f"{path}: [{table}] {key} must be {_TYPE_NAMES.get(expected, expected.__name__)}, not {shown}"
            )
        if isinstance(value, str) and not value.isprintable():
            raise ConfigError(f"{path}: [{table}] {key} holds control characters")


def save_config(config: StationConfig, path: Path) -> None:
    """Write only what differs from the defaults; a crash mid-write leaves the old file intact."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    replace_file(path, tomli_w.dumps(config.changes_from_defaults()).encode())


# What a password or a token looks like in a DSN or a device URL: user:secret@host, password=...,
# a query's token= / auth_token= / password=.
_SECRET = re.compile(r"(://[^/@\s:]+:[^/@\s]+@)|(\bpassword\s*=)|([?&](auth_)?token=)|([?&]password=)", re.I)


def holds_secret(text: str) -> bool:
    """True for a DSN or a URL that carries a password or a token in itself (it then belongs in a file
    only its owner may read: a libpq password file, a gateway's secret_file)."""
    return _SECRET.search(text) is not None
