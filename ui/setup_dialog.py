"""The first-run window: who and where this station is, its devices, the meter's first funds."""

from __future__ import annotations

from dataclasses import fields, replace

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from hardware.registry import Role, parse
from hardware.urls import DeviceUrlError
from station.config import DeviceUrls, StationConfig
from station.desks.setup import FirstRun, default_answers, problems
from station.model.inputs import parse_cents

DEVICE_ROLES = {
    "scanner": Role.SCANNER,
    "scale": Role.SCALE,
    "printer": Role.PRINTER,
    "receipt_printer": Role.PRINTER,
    "camera": Role.CAMERA,
}


class SetupDialog(QDialog):
    """Filled by keyboard alone: Tab between fields, Enter sets the station up."""

    def __init__(self, config: StationConfig) -> None:
        super().__init__()
        self.setWindowTitle("Parcel Station - set up this station")
        start = default_answers(config)
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label, value in (
            ("station_id", "Station id", start.station_id),
            ("facility", "Office / facility", start.facility),
            ("operator", "Operator (you)", start.operator),
            ("origin_zip", "Origin ZIP", start.origin_zip),
            ("time_zone", "Time zone (empty: this machine's)", start.time_zone),
            ("credit", "First meter funds ($)", "100.00"),
            ("serial_block", "S10 serial block (no hub: this office's own)", start.serial_block),
        ):
            self.edits[name] = QLineEdit(value)
            form.addRow(label, self.edits[name])
        for name in DEVICE_ROLES:
            self.edits[name] = QLineEdit(getattr(start.devices, name))
            form.addRow(name.replace("_", " "), self.edits[name])
        self.message = QLabel("Enter sets the station up; the meter key is made and the funds credited.")
        self.message.setWordWrap(True)
        button = QPushButton("Set up the station")
        button.setDefault(True)
        button.clicked.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(button)
        self.answers: FirstRun | None = None
        self._defaults = config.devices
        self.edits["station_id" if not start.station_id else "operator"].setFocus()

    def _check(self) -> None:
        text = {name: edit.text().strip() for name, edit in self.edits.items()}
        wrong = []
        try:
            credit = parse_cents(text["credit"] or "0")
        except ValueError as exc:
            wrong.append(f"first funds: {exc}")
            credit = 0
        devices = self._defaults
        for name, role in DEVICE_ROLES.items():
            try:
                parse(role, text[name])
            except DeviceUrlError as exc:
                wrong.append(f"{name.replace('_', ' ')}: {exc}")
        known = {f.name for f in fields(DeviceUrls)}
        devices = replace(devices, **{name: text[name] for name in DEVICE_ROLES if name in known})
        answers = FirstRun(
            text["station_id"],
            text["facility"],
            text["operator"],
            text["origin_zip"],
            text["time_zone"],
            credit,
            devices,
            text["serial_block"],
        )
        wrong += problems(answers)
        if wrong:
            self.message.setText("\n".join(wrong))
            self.message.setStyleSheet("color:#b3261e")
            return
        self.answers = answers
        self.accept()
