"""`station doctor` warns about a secret in a settings file others can read (issue 28, finding 12)."""

from __future__ import annotations

from pathlib import Path

from station import doctor
from station.paths import StationPaths


def test_a_password_in_a_settings_file_others_can_read_is_a_failed_check(tmp_path: Path) -> None:
    paths = StationPaths.resolve(tmp_path)
    assert doctor.secrets(paths).ok  # no settings file at all
    paths.config_file.write_text('[station]\nhub = "postgresql://station_sfo01@hub/post?passfile=/etc/p"\n')
    paths.config_file.chmod(0o644)
    assert doctor.secrets(paths).ok  # the password is in a libpq password file: nothing to hide here
    for secret in (
        'hub = "postgresql://station_sfo01:s3cret@hub/post"',
        'hub = "host=hub dbname=post user=station_sfo01 password=s3cret"',
        'sms_gateway = "rest+twilio://AC123@api.twilio.com?token=abc"',
    ):
        paths.config_file.write_text(f"[station]\n{secret}\n")
        paths.config_file.chmod(0o644)
        found = doctor.secrets(paths)
        assert not found.ok and "others may read it (mode 644)" in found.detail, secret
        assert found.fix.startswith(f"chmod 600 {paths.config_file}")
        paths.config_file.chmod(0o600)
        assert doctor.secrets(paths).ok
