"""Good and bad sound unlike each other: the ear tells them apart without looking."""

from __future__ import annotations

import wave

import numpy as np

from station.resources import asset


def _read(name: str) -> tuple[float, float]:
    """Duration (s) and dominant frequency (Hz) of a sound."""
    with wave.open(str(asset("sounds") / f"{name}.wav")) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
        width = w.getsampwidth()
    samples = np.frombuffer(frames, dtype={1: np.uint8, 2: np.int16}[width]).astype(float)
    spectrum = np.abs(np.fft.rfft(samples - samples.mean()))
    return len(samples) / rate, float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


def test_the_bad_sound_is_longer_and_lower_than_the_good_one() -> None:
    good_length, good_pitch = _read("good")
    bad_length, bad_pitch = _read("bad")
    assert bad_length >= 3 * good_length  # a buzz, not a chirp
    assert good_pitch >= 2 * bad_pitch  # an octave apart at least
