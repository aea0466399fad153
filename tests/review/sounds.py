"""Sound files built in the test, no fixtures on disk: `wav` and `take` are real sound (a tone, so
trimming keeps it); `recorded` encodes a take as a browser would (PyAV, the site's own audio
library); the others are only the structure `audio.check` reads, with empty frames."""
from __future__ import annotations

import functools
import io
import math
import struct
import wave


def wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    """8-bit mono: a 440 Hz tone the whole time (nothing for trimming to remove)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(bytes(128 + round(60 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(rate * seconds))))
    return out.getvalue()


@functools.lru_cache(maxsize=16)
def take(seconds: float = 10.0, lead: float = 2.0, tail: float = 2.0, rate: int = 48000, channels: int = 1,
         level: float = 0.3) -> bytes:
    """16-bit WAV: `lead` seconds of silence, a voice-like tone (220 Hz, its loudness swaying three
    times a second), `tail` seconds of silence; `seconds` in all."""
    frames = bytearray()
    for i in range(int(rate * seconds)):
        t = i / rate
        value = 0.0
        if lead <= t < seconds - tail:
            value = level * math.sin(2 * math.pi * 220 * t) * (0.6 + 0.4 * math.sin(2 * math.pi * 3 * t))
        frames += struct.pack("<h", round(value * 32767)) * channels
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return out.getvalue()


# container, codec, sample rate: what each browser's MediaRecorder (or a phone's recorder app) makes
RECORDERS = {
    "webm": ("webm", "libopus", 48000),  # Chrome, Edge, Firefox
    "ogg": ("ogg", "libopus", 48000),    # Firefox
    "mp4": ("mp4", "aac", 44100),        # Safari
    "mp3": ("mp3", "libmp3lame", 44100),
}


def recorded(kind: str, wav_data: bytes) -> bytes:
    """`wav_data` encoded as the `kind` of file a browser uploads."""
    import av

    container, codec, rate = RECORDERS[kind]
    out = io.BytesIO()
    with av.open(io.BytesIO(wav_data)) as source, av.open(out, "w", format=container) as target:
        stream = target.add_stream(codec, rate=rate)
        stream.layout = "mono"
        resampler = av.AudioResampler(format=stream.codec_context.codec.audio_formats[0].name, layout="mono", rate=rate)
        for frame in source.decode(audio=0):
            for piece in resampler.resample(frame):
                for packet in stream.encode(piece):
                    target.mux(packet)
        for piece in resampler.resample(None):
            for packet in stream.encode(piece):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return out.getvalue()


def _ogg_page(granule: int, serial: int, sequence: int, payload: bytes, header_type: int = 0) -> bytes:
    segments = []
    rest = len(payload)
    while rest >= 255:
        segments.append(255)
        rest -= 255
    segments.append(rest)
    return (b"OggS" + bytes([0, header_type]) + struct.pack("<qIII", granule, serial, sequence, 0)
            + bytes([len(segments)]) + bytes(segments) + payload)


def ogg_opus(seconds: float) -> bytes:
    head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    granule = int(seconds * 48000) + 312
    return (_ogg_page(0, 7, 0, head, 2) + _ogg_page(0, 7, 1, tags)
            + _ogg_page(granule // 2, 7, 2, b"\x00" * 100) + _ogg_page(granule, 7, 3, b"\x00" * 100, 4))


def mp3(seconds: float) -> bytes:
    header = bytes([0xFF, 0xFB, 0x90, 0x64])  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding
    frame = header + b"\x00" * (144 * 128000 // 44100 - 4)
    frames = round(seconds * 44100 / 1152)
    tag = b"ID3" + bytes([4, 0, 0, 0, 0, 0, 10]) + b"\x00" * 10
    return tag + frame * frames


def m4a(seconds: float) -> bytes:
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    mvhd = box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 1000, int(seconds * 1000)) + bytes(80))
    return box(b"ftyp", b"M4A \x00\x00\x00\x00M4A isom") + box(b"moov", mvhd) + box(b"mdat", b"\x00" * 64)


def _ebml(element_id: int, body: bytes | None) -> bytes:
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    if body is None:  # unknown size, as a live recorder writes Segment and Cluster
        return id_bytes + b"\x01\xff\xff\xff\xff\xff\xff\xff"
    return id_bytes + (0x10 << 24 | len(body)).to_bytes(4, "big") + body  # 4-byte size vint


def webm(seconds: float, with_duration: bool = False) -> bytes:
    """Like Chrome's MediaRecorder: Segment and Clusters of unknown size, no Duration in Info
    (unless asked), SimpleBlocks every 20 ms."""
    header = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm"))
    info_body = _ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
    if with_duration:
        info_body += _ebml(0x4489, struct.pack(">d", seconds * 1000))
    out = header + _ebml(0x18538067, None) + _ebml(0x1549A966, info_body)
    out += _ebml(0x1654AE6B, b"\x00" * 20)  # Tracks: skipped
    total_ms = int(seconds * 1000)
    cluster_start = 0
    while cluster_start < total_ms:
        out += _ebml(0x1F43B675, None) + _ebml(0xE7, cluster_start.to_bytes(4, "big"))
        for offset in range(0, min(10_000, total_ms - cluster_start), 20):
            out += _ebml(0xA3, b"\x81" + struct.pack(">h", offset) + b"\x80" + b"\x00" * 8)
        cluster_start += 10_000
    return out
