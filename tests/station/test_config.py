"""Settings: one TOML file holding only what differs from defaults; bad files are named clearly."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from station.config import ConfigError, DeviceUrls, StationConfig, load_config, save_config


def test_a_missing_settings_file_means_safe_defaults_that_need_no_hardware(tmp_path: Path) -> None:
    config = load_config(tmp_path / "station.toml")
    assert config == StationConfig()
    assert config.devices.printer == "demo:"
    assert config.devices.scanner == "wedge:"


def test_only_changed_settings_are_written_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    changed = replace(
        StationConfig(),
        station_id="CTR-NYC1",
        devices=DeviceUrls(scanner="serial:///dev/ttyUSB0?baud=9600&suffix=CR"),
    )
    save_config(changed, path)
    text = path.read_text()
    assert "CTR-NYC1" in text and "ttyUSB0" in text
    assert "facility" not in text  # unchanged defaults are not frozen into the file
    assert load_config(path) == changed


def test_a_typo_in_the_settings_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text('[station]\nstation_idd = "X"\n')
    with pytest.raises(ConfigError, match="station_idd"):
        load_config(path)
    path.write_text("[station\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[station]\nstation_id = 5\n", "station_id must be text in quotes, not 5"),
        ("[station]\nfacility = 1.5\n", "facility must be text in quotes, not 1.5"),
        (
            "[station]\nacceptance_window_days = true\n",
            "acceptance_window_days must be a whole number, not True",
        ),
        ('[station]\ns10_serial_first = "10"\n', "s10_serial_first must be a whole number"),
        ('[devices]\nprinter = ["demo:"]\n', "printer must be text in quotes, not list"),
        ('[station]\noperator = "ann\\u001b[2J"\n', "operator holds control characters"),
        ('station = "x"\n', "[station] must be a table"),
    ],
)
def test_a_setting_of_the_wrong_type_is_a_settings_error_naming_the_key(
    tmp_path: Path, text: str, names: str
) -> None:
    # A number where text belongs would be hashed differently from the journal's text on the next
    # read, and `journal verify` would call genuine events altered: refused at load instead.
    path = tmp_path / "station.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(names)):
        load_config(path)
