"""The size of a narration as learners' phones download it: `python -m bench.narration [FILE ...]`.

Without files it makes two one-minute takes (a voice-like tone; the same with a noisy room under it,
the hardest case for the encoder) as 48 kHz WAV, the way a browser hands them over, and runs each
through `workshop.review.audio.prepare`; with files it measures those (any recording the site
accepts). Prints the stored size, the length kept and the size per minute. docs/performance.md.
"""
from __future__ import annotations

import io
import math
import random
import struct
import sys
import time
import wave
from pathlib import Path

from workshop.review import audio


def take(seconds: float = 62.0, noise: float = 0.0, rate: int = 48000) -> bytes:
    """A second of silence, then a tone swaying like speech (with `noise` of a room under it)."""
    chance = random.Random(20)
    frames = bytearray()
    for i in range(int(seconds * rate)):
        t = i / rate
        value = 0.0
        if 1.0 <= t < seconds - 1.0:
            pitch = 180 + 40 * math.sin(2 * math.pi * 0.7 * t)
            value = 0.3 * math.sin(2 * math.pi * pitch * t) * (0.55 + 0.45 * math.sin(2 * math.pi * 3.3 * t))
            value += noise * (chance.random() * 2 - 1)
        frames += struct.pack("<h", round(max(-1.0, min(1.0, value)) * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return out.getvalue()


def report(name: str, data: bytes) -> None:
    started = time.perf_counter()
    result = audio.prepare(data)
    took = time.perf_counter() - started
    per_minute = len(result.data) / result.audio.seconds * 60
    print(f"{name}: {len(data) / 1024:.0f} KB in, {len(result.data) / 1024:.1f} KB out for "
          f"{result.audio.seconds:.2f} s = {per_minute / 1024:.0f} KB a minute "
          f"({len(result.data) * 8 / result.audio.seconds / 1000:.1f} kbit/s), prepared in {took:.2f} s")


def main(paths: list[str]) -> None:
    audio.MAX_BYTES = 1 << 30  # measuring, not uploading: a minute of WAV is over the upload limit
    if paths:
        for path in paths:
            report(path, Path(path).read_bytes())
        return
    report("voice-like tone, 1 min", take())
    report("voice-like tone in a noisy room, 1 min", take(noise=0.05))


if __name__ == "__main__":
    main(sys.argv[1:])
