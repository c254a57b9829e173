"""Normalising and classifying raw scanner output: the first thing that happens to every scan.

A scanner (serial, keyboard wedge, webcam) delivers bytes or text that may carry an AIM symbology
identifier (`]C1` GS1-128, `]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]E0` EAN-13 ...), FNC1 as GS (0x1D) or
as a printable stand-in (keyboard wedges cannot type GS), surrounding whitespace, a CR/LF/TAB suffix
and any letter case. `classify` turns that into one `Identified` value naming the identifier kind,
or a `Rejected` value saying why it cannot be used. It never raises on input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from biip import ParseConfig, ParseError
from biip.gs1_messages import GS1Message

from station.ids import S10, Impb, InvalidId, Sscc, gs1_mod10
from station.ids.impb import GS, TRACKING_PREFIXES

MAX_SCAN_LENGTH = 512
INDICIA_PREFIX = "PSI1"

# Printable stand-ins for FNC1 that keyboard-wedge scanners are commonly programmed to send.
FNC1_STAND_INS = ("<GS>", "{GS}", "[GS]", "<FNC1>", "{FNC1}", "^]", "\u241d", "\u2194")
_STAND_IN_STARTS = frozenset(s[0] for s in FNC1_STAND_INS)
_AIM_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# AIM ids whose modifier means "GS1 data follows" (ISO/IEC 15424 with GS1 General Specifications 5.1.2).
GS1_SYMBOLOGIES = {"]C1", "]e0", "]d2", "]Q3", "]J1"}
_S10_LIKE = re.compile(r"^[A-Z]{2}[0-9A-Z]{8,10}[A-Z]{2}$")
# Control characters other than GS never occur in a barcode's data and mean line noise or binary.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1c\x1e\x1f\x7f]")


class IdKind(StrEnum):
    """What a scanned identifier is."""

    S10 = "s10"
    IMPB = "impb"
    USPS20 = "usps20"  # USPS 20-digit: service code, 9-digit mailer id, 8-digit serial, mod-10 check
    SSCC = "sscc"
    INDICIA = "indicia"
    OTHER = "other"


# The kinds that name a mail item (the rest are sacks, postage indicia, or something else).
ITEM_KINDS = frozenset({IdKind.S10, IdKind.IMPB, IdKind.USPS20})


@dataclass(frozen=True, slots=True)
class Identified:
    """A usable scan: its kind and canonical id (S10 text, IMpb tracking digits, 18-digit SSCC ...)."""

    raw: str
    kind: IdKind
    id: str
    symbology: str | None = None
    routing_zip: str | None = None
    gs1: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Rejected:
    """An unusable scan and the reason, worded for the operator."""

    raw: str
    reason: str


def classify(raw: str | bytes) -> Identified | Rejected:
    """Normalise one raw scan and say what it is."""
    if isinstance(raw, bytes):
        if len(raw) > 4 * MAX_SCAN_LENGTH:
            return Rejected(_preview(raw), f"scan too long ({len(raw)} bytes, at most {MAX_SCAN_LENGTH})")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return Rejected(
                _preview(raw), "not text: the scan contains binary data (check the scanner's mode)"
            )
    else:
        text = raw
    text = text.strip(" \t\r\n\x03\x04")
    shown = _preview(text)
    if not text:
        return Rejected(_preview(raw), "empty scan")
    if len(text) > MAX_SCAN_LENGTH:
        return Rejected(shown, f"scan too long ({len(text)} characters, at most {MAX_SCAN_LENGTH})")
    if "\x00" in text:
        return Rejected(shown, "scan contains NUL bytes (binary data or line noise)")
    if _CONTROL.search(text):
        return Rejected(shown, "scan contains control characters (binary data or line noise)")

    symbology = None
    if _AIM_ID.match(text):
        symbology, text = text[:3], text[3:]
        if not text:
            return Rejected(shown, f"scan has a symbology identifier {symbology} but no data")
    if any(ch in text for ch in _STAND_IN_STARTS):
        for stand_in in FNC1_STAND_INS:
            text = text.replace(stand_in, GS)
    text = text.lstrip(GS)  # a leading FNC1 only marks GS1 mode

    if text.startswith((INDICIA_PREFIX, INDICIA_PREFIX.lower())):
        payload = text.upper()
        if not re.fullmatch(r"PSI1[A-Z2-7]+", payload):
            return Rejected(shown, "postage indicia payload damaged (characters outside base32)")
        return Identified(shown, IdKind.INDICIA, payload, symbology)
    if symbology in GS1_SYMBOLOGIES or GS in text:
        return _classify_gs1(shown, text, symbology)
    compact = "".join(text.split()).upper()
    if _S10_LIKE.match(compact) and len(compact) <= 15:
        try:
            s10 = S10.parse(compact)
        except InvalidId as exc:
            return Rejected(shown, str(exc))
        return Identified(shown, IdKind.S10, s10.text, symbology)
    if compact.isascii() and compact.isdigit():
        return _classify_digits(shown, compact, symbology)
    if compact.startswith("(") and compact[1:3].isdigit():
        return _classify_gs1(shown, _brackets_to_element_string(compact), symbology)
    if symbology is not None:
        return Identified(shown, IdKind.OTHER, text, symbology)
    return Rejected(shown, f"not an S10, IMpb or SSCC identifier: {shown}")


def canonical_id(text: str) -> str:
    """The id as the journal keys it (`rr 473124829 gb` -> `RR473124829GB`), or the text as typed, stripped,
    when it is no id (a look-up of something never scanned then simply finds nothing)."""
    found = classify(text)
    return found.id if isinstance(found, Identified) else text.strip()


def _classify_digits(shown: str, digits: str, symbology: str | None) -> Identified | Rejected:
    if digits.startswith("420") and len(digits) in (8, 12):
        return Rejected(shown, "IMpb routing code (AI 420 + ZIP) without a tracking number")
    if digits.startswith(("420", "421")) and len(digits) >= 28:
        return _impb(shown, digits, symbology)
    if digits.startswith(TRACKING_PREFIXES) and 20 <= len(digits) <= 34:
        return _impb(shown, digits, symbology)
    if len(digits) == 20 and not digits.startswith(("00", *TRACKING_PREFIXES)):
        return _twenty_digits(shown, digits, symbology)
    if len(digits) == 18 or (len(digits) == 20 and digits.startswith("00")):
        try:
            sscc = Sscc.parse(digits)
        except InvalidId as exc:
            return Rejected(shown, str(exc))
        return Identified(shown, IdKind.SSCC, sscc.text, symbology, gs1=(("00", sscc.text),))
    if len(digits) in (8, 12, 13, 14):
        if gs1_mod10(digits[:-1]) != int(digits[-1]):
            return Rejected(shown, f"wrong check digit for a {len(digits)}-digit product code")
        return Identified(shown, IdKind.OTHER, digits, symbology)
    if symbology is not None:
        return Identified(shown, IdKind.OTHER, digits, symbology)
    return Rejected(
        shown,
        f"{len(digits)} digits is no tracking number's length: an IMpb has 20-34 digits starting 91-95,"
        " a USPS 20-digit number 20, an SSCC 18 (20 with its AI 00)",
    )


def _twenty_digits(shown: str, digits: str, symbology: str | None) -> Identified | Rejected:
    """20 digits that do not start 91-95: the USPS 20-digit format (its check digit over its own 19
    digits), or an IMpb tracking number printed without its leading 91 (whose check digit counts the 91).
    The two check digits always differ (the 91 adds 8 to the weighted sum), so at most one reading holds."""
    own, with_91 = gs1_mod10(digits[:-1]), gs1_mod10("91" + digits[:-1])
    if int(digits[-1]) == own:
        return Identified(shown, IdKind.USPS20, digits, symbology)
    if int(digits[-1]) == with_91:
        return _impb(shown, "91" + digits, symbology)
    return Rejected(
        shown,
        f"wrong check digit for a 20-digit USPS number: {own} (USPS 20-digit) or {with_91} (IMpb printed"
        f" without its leading 91), not {digits[-1]}",
    )


def _impb(shown: str, text: str, symbology: str | None) -> Identified | Rejected:
    try:
        impb = Impb.parse(text)
    except InvalidId as exc:
        return Rejected(shown, str(exc))
    gs1 = [(impb.tracking[:2], impb.tracking[2:])]
    if impb.routing_zip:
        gs1.insert(0, ("420", impb.routing_zip))
    return Identified(shown, IdKind.IMPB, impb.tracking, symbology, impb.routing_zip, tuple(gs1))


def _classify_gs1(shown: str, data: str, symbology: str | None) -> Identified | Rejected:
    try:
        message = GS1Message.parse(data, config=ParseConfig(separator_chars=[GS]))
    except ParseError as exc:
        return Rejected(shown, f"malformed GS1 data: {exc}")
    pairs = tuple((es.ai.ai, es.value) for es in message.element_strings)
    ais = [ai for ai, _ in pairs]
    if "00" in ais:
        value = pairs[ais.index("00")][1]
        try:
            sscc = Sscc.parse(value)
        except InvalidId as exc:
            return Rejected(shown, str(exc))
        return Identified(shown, IdKind.SSCC, sscc.text, symbology, gs1=pairs)
    tracking_ai = next((ai for ai in ais if ai in TRACKING_PREFIXES), None)
    if tracking_ai is not None:
        tracking = tracking_ai + pairs[ais.index(tracking_ai)][1]
        routing = next((f"{ai}{value}" for ai, value in pairs if ai in ("420", "421")), None)
        text = f"{routing}{GS}{tracking}" if routing else tracking
        try:
            impb = Impb.parse(text)
        except InvalidId as exc:
            return Rejected(shown, str(exc))
        return Identified(shown, IdKind.IMPB, impb.tracking, symbology, impb.routing_zip, pairs)
    if ais and ais[0] in ("420", "421"):
        return Rejected(shown, "IMpb routing code without a tracking number (half a GS1 string?)")
    return Identified(shown, IdKind.OTHER, data, symbology, gs1=pairs)


def _brackets_to_element_string(text: str) -> str:
    # "(420)10001(92)0559..." as typed from the human-readable line: FNC1 after each variable field.
    parts = re.findall(r"\((\d{2,4})\)([^()]*)", text)
    out = ""
    for ai, value in parts:
        out += ai + value + GS
    return out.rstrip(GS)


def _preview(raw: str | bytes, limit: int = 60) -> str:
    """The scan as shown to the operator: control characters visible, long scans cut."""
    text = raw.decode("utf-8", "backslashreplace") if isinstance(raw, bytes) else raw
    if len(text) <= limit and text.isprintable():
        return text
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return shown if len(shown) <= limit else shown[:limit] + f"... ({len(text)} characters)"
