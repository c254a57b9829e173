"""The doctor's desk: the station's own checks, then the device checks the hardware layer hands in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from station import doctor
from station.config import ConfigError, StationConfig, load_config
from station.doctor import Check, Probe, Report
from station.model.clock import utc_now
from station.paths import StationPaths

DeviceProbes = Callable[[StationConfig, StationPaths], Iterable[tuple[str, Probe]]]


class DoctorDesk:
    """Checks one station's files and settings, and (through `device_probes`) its devices."""

    def __init__(
        self,
        paths: StationPaths,
        device_probes: DeviceProbes | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.paths = paths
        self.device_probes = device_probes
        self.clock = clock

    def examine(self) -> Report:
        """Every verdict; a settings file that cannot be read is itself a failed check."""
        try:
            config = load_config(self.paths.config_file)
            settings = Check.passed(
                "settings",
                f"{self.paths.config_file}"
                if self.paths.config_file.exists()
                else "all defaults (no settings file)",
            )
        except ConfigError as exc:
            config = StationConfig()
            settings = Check.failed("settings", str(exc), "correct the file (the message names the key)")
        probes: list[tuple[str, Probe]] = [
            ("settings", lambda: settings),
            ("data folder", lambda: doctor.data_folder(self.paths)),
            ("secrets", lambda: doctor.secrets(self.paths)),
            ("disk space", lambda: doctor.disk_space(self.paths)),
            ("fonts", doctor.fonts),
            ("journal", lambda: doctor.journal(self.paths)),
            ("texts waiting", lambda: doctor.texts_waiting(self.paths, self.clock())),
            ("meter key", lambda: doctor.meter_key(self.paths, config.meter_id)),
            (
                "serials",
                lambda: doctor.serials(
                    config.hub,
                    config.station_id,
                    config.facility,
                    config.s10_serial_first,
                    config.s10_serial_last,
                ),
            ),
        ]
        if self.device_probes is not None:
            probes.extend(self.device_probes(config, self.paths))
        return doctor.examine(probes)
