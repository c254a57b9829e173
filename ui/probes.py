"""Every check `station doctor` runs beyond the domain's own: the devices and gateway, then the hub.

The composition happens here, in the front end, because the drivers (`hardware`) and the hub (`hub`)
never import each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from hardware.doctor import probes as device_probes
from hardware.protocols import DeviceStatus
from hub import doctor as hub_doctor
from station.config import StationConfig
from station.doctor import Probe
from station.paths import StationPaths


def every_probe(
    config: StationConfig, paths: StationPaths, held: Mapping[str, DeviceStatus | None] | None = None
) -> Iterator[tuple[str, Probe]]:
    """(name, probe) for every configured device, the SMS gateway and the hub (`held`: see
    `hardware.doctor.probes`)."""
    yield from device_probes(config, paths, held)
    yield "hub", lambda: hub_doctor.check(config)
    yield "clock", lambda: hub_doctor.clock(config)
