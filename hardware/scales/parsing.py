"""Scale answers parsed into exact weights (pure functions; each protocol cited by its manual).

Weights become integer milligrams through Decimal (1 lb = 453.59237 g, 1 oz = 28.349523125 g,
exact by definition), so a label never shows 1.2000000002 kg. Motion, overload, under-zero and
errors are reported as such and never as a weight.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from hardware.protocols import WeightReading, WeightStatus

MG_PER_UNIT = {
    "kg": Decimal(1_000_000),
    "g": Decimal(1000),
    "lb": Decimal("453592.37"),
    "oz": Decimal("28349.523125"),
}


def to_milligrams(value: str, unit: str) -> int:
    """An exact weight in milligrams, rounded half-up to the milligram."""
    unit = unit.strip().lower()
    if unit not in MG_PER_UNIT:
        raise ValueError(f"unknown weight unit {unit!r}")
    try:
        amount = Decimal(value.replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    return int((amount * MG_PER_UNIT[unit]).to_integral_value(rounding="ROUND_HALF_UP"))


_SICS = re.compile(rb"^(S|SI)\s+([SD])\s+(-?[\d.]+)\s*([a-zA-Z]+)\s*$")


def parse_sics(line: bytes) -> WeightReading:
    """MT-SICS level 0 answer to `S` / `SI` (Mettler Toledo MT-SICS reference manual, 2.2)."""
    text = line.strip()
    if text in (b"S +", b"SI +"):
        return WeightReading(WeightStatus.OVERLOAD, raw=line, detail="overload: remove some weight")
    if text in (b"S -", b"SI -"):
        return WeightReading(WeightStatus.UNDERZERO, raw=line, detail="under zero: re-zero the scale")
    if text in (b"S I", b"SI I"):
        return WeightReading(WeightStatus.MOTION, raw=line, detail="scale busy or not settling")
    if text in (b"ES", b"ET", b"EL"):
        words = {b"ES": "syntax error", b"ET": "transmission error", b"EL": "logical error"}
        return WeightReading(WeightStatus.ERROR, raw=line, detail=f"scale answered {words[text]}")
    m = _SICS.match(text)
    if not m:
        return WeightReading(WeightStatus.ERROR, raw=line, detail=f"unreadable MT-SICS answer {text[:40]!r}")
    stable = m.group(2) == b"S"
    try:
        mg = to_milligrams(m.group(3).decode(), m.group(4).decode())
    except ValueError as exc:
        return WeightReading(WeightStatus.ERROR, raw=line, detail=str(exc))
    if mg < 0:
        return WeightReading(WeightStatus.UNDERZERO, raw=line, detail="negative weight: re-zero the scale")
    if not stable:
        return WeightReading(WeightStatus.MOTION, mg, False, line, "weight not settled")
    return WeightReading(WeightStatus.OK, mg, True, line)


_NCI_WEIGHT = re.compile(rb"^\s*(-?[\d.]+)\s*(lb|kg|oz|g)\s*$", re.IGNORECASE)


def parse_nci(answer: bytes) -> WeightReading:
    """NCI / Avery Weigh-Tronix answer to `W<CR>`: LF weight CR LF `S` status CR ETX.

    Status byte 1: bit 0 motion, bit 1 at zero; status byte 2: bit 0 under capacity,
    bit 1 over capacity (NCI General Serial Protocol, "Weight" command).
    """
    body = answer.strip(b"\x03")
    lines = [p.strip() for p in re.split(rb"[\r\n]+", body) if p.strip()]
    status = next((p for p in lines if p.startswith(b"S") and len(p) >= 3), None)
    if status is None:
        return WeightReading(WeightStatus.ERROR, raw=answer, detail="NCI answer without status bytes")
    b1, b2 = status[1], status[2]
    if b2 & 0x02:
        return WeightReading(WeightStatus.OVERLOAD, raw=answer, detail="overload: remove some weight")
    if b2 & 0x01:
        return WeightReading(WeightStatus.UNDERZERO, raw=answer, detail="under zero: re-zero the scale")
    if b1 & 0x0C or b2 & 0x0C:
        return WeightReading(
            WeightStatus.ERROR, raw=answer, detail="scale reports a memory/calibration fault"
        )
    weight = next((p for p in lines if p is not status and _NCI_WEIGHT.match(p)), None)
    if weight is None:
        return WeightReading(WeightStatus.ERROR, raw=answer, detail="NCI answer without a weight")
    m = _NCI_WEIGHT.match(weight)
    assert m is not None
    mg = to_milligrams(m.group(1).decode(), m.group(2).decode())
    if b1 & 0x01:
        return WeightReading(WeightStatus.MOTION, mg, False, answer, "weight not settled")
    if mg < 0:
        return WeightReading(WeightStatus.UNDERZERO, raw=answer, detail="negative weight: re-zero the scale")
    return WeightReading(WeightStatus.OK, mg, True, answer)


_CONTINUOUS = re.compile(rb"^(ST|US|OL),(GS|NT|TR),([+-]?[\d. ]+)\s*([a-zA-Z]+)\s*$")


def parse_continuous(line: bytes) -> WeightReading:
    """One line of a continuous-output scale (the common `ST,GS,+0001.234 kg` header format:
    ST stable, US unstable, OL overload; GS gross, NT net)."""
    text = line.strip()
    m = _CONTINUOUS.match(text)
    if not m:
        return WeightReading(WeightStatus.ERROR, raw=line, detail=f"unreadable scale line {text[:40]!r}")
    header = m.group(1)
    if header == b"OL":
        return WeightReading(WeightStatus.OVERLOAD, raw=line, detail="overload: remove some weight")
    try:
        mg = to_milligrams(m.group(3).decode(), m.group(4).decode())
    except ValueError as exc:
        return WeightReading(WeightStatus.ERROR, raw=line, detail=str(exc))
    if mg < 0:
        return WeightReading(WeightStatus.UNDERZERO, raw=line, detail="negative weight: re-zero the scale")
    if header == b"US":
        return WeightReading(WeightStatus.MOTION, mg, False, line, "weight not settled")
    return WeightReading(WeightStatus.OK, mg, True, line)
