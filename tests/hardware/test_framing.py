"""Framing: whole frames only, split on the configured suffix, oversized frames dropped with an error."""

from __future__ import annotations

from hardware.framing import FrameError, Framer


def test_frames_split_across_reads_come_out_whole() -> None:
    framer = Framer(b"\r")
    assert framer.feed(b"RR4731") == []
    assert framer.feed(b"24829GB\r\nEE1234") == [b"RR473124829GB"]
    assert framer.feed(b"56785US\r") == [b"EE123456785US"]
    assert framer.feed(b"\n") == []


def test_gs_and_aim_identifiers_pass_through_untouched() -> None:
    frame = b"]C142094105\x1d920559016491731234564"
    assert Framer(b"\x03").feed(frame + b"\x03") == [frame]


def test_a_frame_longer_than_4kb_is_discarded_with_an_error_and_the_next_frame_survives() -> None:
    framer = Framer(b"\r\n")
    out = framer.feed(b"x" * 5000)
    assert len(out) == 1 and isinstance(out[0], FrameError) and "4096" in out[0].message
    out = framer.feed(b"y" * 100 + b"\r\nRR473124829GB\r\n")
    assert out == [b"RR473124829GB"]


def test_reset_drops_a_partial_frame() -> None:
    framer = Framer(b"\r")
    framer.feed(b"RR47")
    assert framer.reset() is True
    assert framer.feed(b"EE123456785US\r") == [b"EE123456785US"]
