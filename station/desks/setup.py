"""The first-run desk: a new station named, placed, given its first admin, its meter key and first funds.

A station that has never been set up has no settings file. The window asks for who and where it is
(station id, facility, the operator and their PIN, origin ZIP, time zone), which devices it has (real
ones, unless it is a training station), and how much postage to buy first; this desk checks them by the
same rules the operator and device commands use later, writes the settings file, opens the station under
its new id, creates and enrols the meter's signing key, credits the meter and makes the operator its
first admin, so the first sign-in and the first acceptance can be made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from station.app import Station
from station.config import DeviceUrls, StationConfig, load_config, save_config
from station.desks.counter import CounterDesk
from station.desks.operators import OperatorDesk
from station.desks.outcome import Outcome
from station.doctor import DEMO_FACILITIES, DEMO_STATION_IDS
from station.model.localtime import TimeZoneError, zone
from station.office import operators
from station.office.operators import OperatorError, Role
from station.paths import StationPaths
from station.postage.rates import money

DEVICES = ("scanner", "camera", "scale", "printer", "receipt_printer")  # the URLs of DeviceUrls
MAX_FIRST_CREDIT_CENTS = 1_000_000  # $10,000: more is a typing error, not a first purchase


@dataclass(frozen=True)
class FirstRun:
    """What the operator filled in."""

    station_id: str
    facility: str
    operator: str
    origin_zip: str
    time_zone: str
    credit_cents: int
    devices: DeviceUrls
    serial_block: str = ""  # "10000000-19999999": this station's S10 serials while it has no hub
    pin: str = ""  # the first admin's (the operator named above): the station is staffed from the start
    training: bool = False  # a training station: demo devices are what it is meant to have


def needs_setup(paths: StationPaths) -> bool:
    """True for a station never set up (no settings file yet)."""
    return not paths.config_file.exists()


MIN_SERIAL_BLOCK = 1000


def serial_block(text: str) -> tuple[int, int]:
    """`first-last` of 8-digit S10 serials; ValueError in words."""
    first, dash, last = text.replace(" ", "").partition("-")
    if not dash or not (first.isascii() and first.isdigit() and last.isascii() and last.isdigit()):
        raise ValueError("S10 serial block: FIRST-LAST, e.g. 30000000-39999999")
    low, high = int(first), int(last)
    if not 0 <= low <= high <= 99_999_999 or high - low + 1 < MIN_SERIAL_BLOCK:
        raise ValueError(
            f"S10 serial block: at least {MIN_SERIAL_BLOCK} serials between 00000000 and 99999999"
        )
    return low, high


def problems(answers: FirstRun) -> list[str]:
    """What is wrong with the answers, in words (empty when they can be used)."""
    found = []
    if not (
        answers.station_id.isascii() and answers.station_id.isalnum() and 2 <= len(answers.station_id) <= 12
    ):
        found.append("station id: 2 to 12 letters and digits, e.g. SFO01")
    elif answers.station_id.upper() in DEMO_STATION_IDS:
        found.append(f"station id: {answers.station_id} is the demo's; give this office its own, e.g. SFO01")
    if answers.facility.strip().upper() in DEMO_FACILITIES:
        found.append(f"facility: {answers.facility.strip()} is the demo's; name this office")
    if answers.serial_block:
        try:
            serial_block(answers.serial_block)
        except ValueError as exc:
            found.append(str(exc))
    if not answers.facility.strip() or not answers.facility.isprintable() or len(answers.facility) > 40:
        found.append("facility: a name of 1 to 40 characters")
    for rule, value in (
        (operators.check_name_rules, answers.operator),
        (operators.check_pin_rules, answers.pin),
    ):
        try:
            rule(value)
        except OperatorError as exc:
            found.append(str(exc))
    if not answers.training:
        for device, url in asdict(answers.devices).items():
            if device in DEVICES and url.startswith("demo:"):
                words = "label printer" if device == "printer" else device.replace("_", " ")
                found.append(
                    f"{words}: demo: is a training device (made-up weights, printouts"
                    " as files): give the real one, or tick 'training station'"
                )
    if not (answers.origin_zip.isascii() and answers.origin_zip.isdigit() and len(answers.origin_zip) == 5):
        found.append("origin ZIP: 5 digits")
    try:
        zone(answers.time_zone)
    except TimeZoneError as exc:
        found.append(str(exc))
    if not 0 <= answers.credit_cents <= MAX_FIRST_CREDIT_CENTS:
        found.append(f"first funds: between $0.00 and {money(MAX_FIRST_CREDIT_CENTS)}")
    return found


def first_run(paths: StationPaths, answers: FirstRun) -> tuple[Outcome, Station | None]:
    """Write the settings, open the station, make the meter key and buy the first funds."""
    wrong = problems(answers)
    if wrong:
        return Outcome.refused("; ".join(wrong)), None
    base = load_config(paths.config_file)
    first, last = (
        serial_block(answers.serial_block)
        if answers.serial_block
        else (base.s10_serial_first, base.s10_serial_last)
    )
    config = replace(
        base,
        s10_serial_first=first,
        s10_serial_last=last,
        station_id=answers.station_id,
        facility=answers.facility.strip(),
        operator=answers.operator.strip(),
        origin_zip=answers.origin_zip,
        time_zone=answers.time_zone,
        devices=answers.devices,
        training=answers.training,
    )
    save_config(config, paths.config_file)
    if not paths.config_file.exists():  # everything was a default: the file still marks the set-up
        paths.config_file.write_text("", encoding="utf-8")
    station = Station.at(paths, config)
    counter = CounterDesk(station)
    meter = counter.init_meter()
    if not meter.ok:
        return meter, station
    if answers.credit_cents:
        credited = counter.credit(answers.credit_cents)
        if not credited.ok:
            return credited, station
    admin = _first_admin(station, answers)
    if not admin.ok:
        return admin, station
    balance = counter.balance()
    return (
        Outcome(
            True,
            config.station_id,
            message=f"station {config.station_id} at {config.facility} set up; {admin.message};"
            f" {balance.message}",
            details={**balance.details, **admin.details},
        ),
        station,
    )


def _first_admin(station: Station, answers: FirstRun) -> Outcome:
    """The operator of the set-up made the station's first admin, with their PIN (a station whose
    journal has operators already, set up again after its settings were lost, keeps them)."""
    with station.db.reading() as conn:
        if operators.any_operators(conn):
            return Outcome(True, answers.operator, message="its operators kept")
    made = OperatorDesk(station).add(answers.operator, Role.ADMIN, answers.pin)
    if not made.ok:
        return made
    return Outcome(
        True,
        made.id,
        message=f"{made.id} is its admin (badge {made.details['badge']}): sign in with the name and PIN",
        details={"badge": made.details["badge"]},
    )


def default_answers(config: StationConfig) -> FirstRun:
    """The form's starting values: never the demo's identity, which every demo station shares."""
    return FirstRun(
        "" if config.station_id in DEMO_STATION_IDS else config.station_id,
        "" if config.facility in DEMO_FACILITIES else config.facility,
        "",
        config.origin_zip,
        config.time_zone,
        0,
        config.devices,
        f"{config.s10_serial_first:08d}-{config.s10_serial_last:08d}",
        training=config.training,
    )
