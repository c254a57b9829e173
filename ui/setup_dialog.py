"""The first-run window: who and where this station is, its first admin and PIN, its devices (those found
on this machine offered, or a training station's demo devices), the meter's first funds."""

from __future__ import annotations

from dataclasses import fields, replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hardware.discovery import offered
from hardware.registry import Role, parse
from hardware.urls import DeviceUrlError
from station.config import DeviceUrls, StationConfig
from station.desks.setup import FirstRun, default_answers, problems
from station.model.inputs import parse_cents
from ui.fit import scrolling

DEVICE_ROLES = {
    "scanner": Role.SCANNER,
    "scale": Role.SCALE,
    "printer": Role.PRINTER,
    "receipt_printer": Role.PRINTER,
    "camera": Role.CAMERA,
}
DEVICE_WORDS = {
    "scanner": "Scanner",
    "scale": "Scale",
    "printer": "Label printer",
    "receipt_printer": "Receipt printer",
    "camera": "Camera",
}
TRAINING_URLS = {"scanner": "wedge:", "scale": "demo:", "printer": "demo:", "receipt_printer": "demo:"}
WRONG = "border:2px solid #b3261e"
# Which field a problem is about, by how the problem starts (the desk's words name the field).
FIELD_OF_PROBLEM = (
    ("station id", "station_id"),
    ("facility", "facility"),
    ("operator name", "operator"),
    ("a pin", "pin"),
    ("a passphrase", "pin"),
    ("the two pins", "pin_again"),
    ("origin zip", "origin_zip"),
    ("time_zone", "time_zone"),
    ("first funds", "credit"),
    ("s10 serial block", "serial_block"),
    *((words.lower(), name) for name, words in DEVICE_WORDS.items()),
    *((name.replace("_", " "), name) for name in DEVICE_ROLES),
)


class SetupDialog(QDialog):
    """Filled by keyboard alone: Tab between fields, Enter sets the station up."""

    def __init__(self, config: StationConfig, *, training: bool = False) -> None:
        super().__init__()
        self.setWindowTitle("Parcel Station - set up this station")
        start = default_answers(config)
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label, value, hint in (
            ("station_id", "Station id", start.station_id, "e.g. SFO01"),
            ("facility", "Office / facility", start.facility, "e.g. San Francisco Main"),
            ("operator", "Your name (the first admin)", start.operator, "as you will sign in, e.g. dana.kim"),
            ("pin", "Your PIN", "", "4 to 12 digits, or a passphrase of 8 characters or more"),
            ("pin_again", "Your PIN again", "", ""),
            ("origin_zip", "Origin ZIP", start.origin_zip, ""),
            ("time_zone", "Time zone", start.time_zone, "empty: this machine's, e.g. America/Los_Angeles"),
            ("credit", "First meter funds ($)", "100.00", ""),
            ("serial_block", "S10 serial block", start.serial_block, "no hub: this office's own"),
        ):
            edit = QLineEdit(value)
            edit.setPlaceholderText(hint)
            if name.startswith("pin"):
                edit.setEchoMode(QLineEdit.EchoMode.Password)  # never shown, never logged
            self.edits[name] = edit
            form.addRow(label, edit)
        self.training = QCheckBox("Training station: demo devices (made-up weights, printouts as files)")
        form.addRow("", self.training)
        self.devices: dict[str, QComboBox] = {}
        for name in DEVICE_ROLES:
            choice = QComboBox()
            choice.setEditable(True)  # a device this machine does not list yet (a network printer) is typed
            choice.addItems(offered(name))
            current = getattr(start.devices, name)
            if training or config.training or not current.startswith("demo:"):
                choice.setCurrentText(current)
            self.devices[name] = choice
            form.addRow(DEVICE_WORDS[name], choice)
        self._offered = {
            name: [box.itemText(i) for i in range(box.count())] for name, box in self.devices.items()
        }
        self.training.setChecked(training or config.training)
        self.training.toggled.connect(self._training_toggled)
        self.message = QLabel(
            "Enter sets the station up: the meter key is made, the funds credited, and you are its admin."
        )
        self.message.setWordWrap(True)
        button = QPushButton("Set up the station")
        button.setDefault(True)
        button.clicked.connect(self._check)
        holder = QWidget()
        holder.setLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(holder), 1)
        layout.addWidget(self.message)
        layout.addWidget(button)
        self.answers: FirstRun | None = None
        self._defaults = config.devices
        self.resize(640, 720)
        self.edits["station_id" if not start.station_id else "operator"].setFocus()

    def _training_toggled(self, training: bool) -> None:
        """Ticked: the demo devices; unticked: the first real device found (empty where none was)."""
        for name, box in self.devices.items():
            if training:
                box.setCurrentText(TRAINING_URLS.get(name, box.currentText()))
            else:
                found = self._offered[name]
                box.setCurrentText(found[0] if found else "")

    def _check(self) -> None:
        text = {name: edit.text().strip() for name, edit in self.edits.items()}
        text["pin"], text["pin_again"] = self.edits["pin"].text(), self.edits["pin_again"].text()
        urls = {name: box.currentText().strip() for name, box in self.devices.items()}
        wrong = []
        try:
            credit = parse_cents(text["credit"] or "0")
        except ValueError as exc:
            wrong.append(f"first funds: {exc}")
            credit = 0
        for name, role in DEVICE_ROLES.items():
            if not urls[name]:
                wrong.append(f"{DEVICE_WORDS[name]}: none found on this machine: type its URL")
                continue
            try:
                parse(role, urls[name])
            except DeviceUrlError as exc:
                wrong.append(f"{DEVICE_WORDS[name]}: {exc}")
        if text["pin"] != text["pin_again"]:
            wrong.append("the two PINs differ: type the same PIN twice")
        known = {f.name for f in fields(DeviceUrls)}
        devices = replace(self._defaults, **{name: urls[name] for name in DEVICE_ROLES if name in known})
        answers = FirstRun(
            text["station_id"],
            text["facility"],
            text["operator"],
            text["origin_zip"],
            text["time_zone"],
            credit,
            devices,
            text["serial_block"],
            pin=text["pin"],
            training=self.training.isChecked(),
        )
        wrong += problems(answers)
        self._mark(wrong)
        if wrong:
            self.message.setText("\n".join(wrong))  # every problem, each on its line
            self.message.setStyleSheet("color:#b3261e")
            return
        self.answers = answers
        self.accept()

    def _mark(self, wrong: list[str]) -> None:
        """A red frame on each field a problem is about; the others plain again."""
        at_fault = {
            name for problem in wrong for start, name in FIELD_OF_PROBLEM if problem.lower().startswith(start)
        }
        for name, widget in [*self.edits.items(), *self.devices.items()]:
            widget.setStyleSheet(WRONG if name in at_fault else "")
