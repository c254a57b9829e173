"""Device URL scheme -> driver. The only place that knows which class serves which URL."""

from __future__ import annotations

from pathlib import Path

from hardware.camera.capture import CameraScanner, FrameCallback
from hardware.demo_devices import DemoScale, demo_clip
from hardware.protocols import ErrorCallback, ScanCallback, StatusCallback
from hardware.scales.serial_scale import ReadingCallback, SerialScale
from hardware.scanners.serial_scanner import SerialScanner
from hardware.urls import DeviceUrl, DeviceUrlError
from station.config import data_dir

SCANNER_SCHEMES = {"serial", "tcp", "evdev", "wedge", "demo", "camera", "video"}


def open_scanner(
    url: str | DeviceUrl,
    on_scan: ScanCallback,
    on_status: StatusCallback | None = None,
    on_error: ErrorCallback | None = None,
) -> SerialScanner | CameraScanner | None:
    """The scanner driver for `url` (not started); None for `wedge:` and `demo:`, which the UI's key
    stream handles (manual entry)."""
    url = url if isinstance(url, DeviceUrl) else DeviceUrl.parse(url)
    if url.scheme in ("serial", "tcp"):
        return SerialScanner(url, on_scan, on_status, on_error)
    if url.scheme in ("camera", "video"):
        return CameraScanner(url, on_scan, on_status)
    if url.scheme == "evdev":
        from hardware.scanners.evdev_scanner import EvdevScanner

        return EvdevScanner(url, on_scan, on_status)  # type: ignore[return-value]
    if url.scheme in ("wedge", "demo"):
        return None
    raise DeviceUrlError(
        f"{url.text!r}: {url.scheme}: is not a scanner (use serial, tcp, camera, video, wedge, evdev)"
    )


def open_camera(
    url: str | DeviceUrl,
    on_scan: ScanCallback,
    on_status: StatusCallback | None = None,
    on_frame: FrameCallback | None = None,
    *,
    cache_dir: Path | None = None,
) -> CameraScanner:
    """The camera for `url`; `demo:` plays a generated clip of parcels on a belt, looping."""
    url = url if isinstance(url, DeviceUrl) else DeviceUrl.parse(url)
    if url.scheme == "demo":
        clip = demo_clip(cache_dir or data_dir() / "cache")
        url = DeviceUrl.parse(f"video://{clip}?loop=1")
    if url.scheme not in ("camera", "video"):
        raise DeviceUrlError(f"{url.text!r}: {url.scheme}: is not a camera (use camera://N or video:///file)")
    return CameraScanner(url, on_scan, on_status, on_frame)


def open_scale(
    url: str | DeviceUrl, on_reading: ReadingCallback, on_status: StatusCallback | None = None
) -> SerialScale | DemoScale:
    """The scale for `url`."""
    url = url if isinstance(url, DeviceUrl) else DeviceUrl.parse(url)
    if url.scheme == "scale+serial":
        return SerialScale(url, on_reading, on_status)
    if url.scheme == "demo":
        return DemoScale(url, on_reading, on_status)
    raise DeviceUrlError(
        f"{url.text!r}: {url.scheme}: is not a scale (use scale+serial:///dev/...?protocol=...)"
    )
