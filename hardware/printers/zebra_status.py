"""Zebra `~HS` host status: three STX...ETX strings; the flags that stop printing (ZPL II manual, ~HS).
And `~HI` host identification: "model,firmware,dots per mm,memory", which says the head's resolution."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HostStatus:
    """The conditions an operator must fix before labels come out."""

    paper_out: bool
    paused: bool
    head_open: bool
    ribbon_out: bool
    buffer_full: bool
    formats_waiting: int

    @property
    def problems(self) -> list[str]:
        """Operator wording for each condition, empty when ready."""
        out = []
        if self.paper_out:
            out.append("paper out: load labels")
        if self.head_open:
            out.append("print head open: close it")
        if self.ribbon_out:
            out.append("ribbon out")
        if self.paused:
            out.append("printer paused: press the pause button")
        if self.buffer_full:
            out.append("printer buffer full")
        return out

    @property
    def ready(self) -> bool:
        """True when a label sent now will print."""
        return not self.problems


def parse_host_status(answer: bytes) -> HostStatus:
    """Parse a `~HS` answer; ValueError when it is not one."""
    strings = []
    for chunk in answer.split(b"\x02")[1:]:
        body, sep, _ = chunk.partition(b"\x03")
        if sep:
            strings.append(body.decode("ascii", "replace").split(","))
    if len(strings) < 2 or len(strings[0]) < 6 or len(strings[1]) < 4:
        raise ValueError(f"not a ~HS answer: {answer[:60]!r}")
    one, two = strings[0], strings[1]
    return HostStatus(
        paper_out=one[1] == "1",
        paused=one[2] == "1",
        head_open=two[2] == "1",
        ribbon_out=two[3] == "1",
        buffer_full=one[5] == "1",
        formats_waiting=int(one[4]) if one[4].strip().isdigit() else 0,
    )


def host_status_answer(*, paper_out: bool = False, paused: bool = False, head_open: bool = False) -> bytes:
    """What a ready (or not) Zebra answers to ~HS; used by the demo printer and the tests' printer."""
    one = f"030,{int(paper_out)},{int(paused)},1218,000,0,0,0,000,0,0,0"
    two = f"000,0,{int(head_open)},0,0,2,4,0,00000000,1,000"
    return b"\x02" + one.encode() + b"\x03\r\n\x02" + two.encode() + b"\x03\r\n\x021234,0\x03\r\n"


# ~HI gives dots per millimetre; the nominal dpi every profile and spec sheet uses for each.
DPI_OF_DOTS_PER_MM = {6: 152, 8: 203, 12: 300, 24: 600}


@dataclass(frozen=True)
class HostIdentification:
    """What a Zebra says it is."""

    model: str
    firmware: str
    dots_per_mm: int

    @property
    def dpi(self) -> int:
        """The nominal resolution."""
        return DPI_OF_DOTS_PER_MM.get(self.dots_per_mm, round(self.dots_per_mm * 25.4))


def parse_host_identification(answer: bytes) -> HostIdentification:
    """Parse a `~HI` answer (STX model,firmware,dpmm,memory[,options] ETX); ValueError when it is not one."""
    body, sep, _ = answer.partition(b"\x02")[2].partition(b"\x03")
    fields = body.decode("ascii", "replace").split(",")
    if not sep or len(fields) < 3 or not fields[2].strip().isdigit():
        raise ValueError(f"not a ~HI answer: {answer[:60]!r}")
    return HostIdentification(fields[0].strip(), fields[1].strip(), int(fields[2]))


def host_identification_answer(
    model: str = "ZD421-203dpi", firmware: str = "V84.20.18Z", dpmm: int = 8
) -> bytes:
    """What a Zebra answers to ~HI; used by the tests' printer."""
    return f"\x02{model},{firmware},{dpmm},8192KB\x03\r\n".encode()
