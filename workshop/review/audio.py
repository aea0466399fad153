"""A narration as learners' phones get it: whatever the browser recorded (or she uploaded), checked
and made into one small file every phone plays.

`prepare(data)` is the one way in: `check` first (type by content, size, length read from the
file's own structure, so a file claiming two hours is refused before anything decodes it), then
`compact`: PyAV (FFmpeg's libraries, in its wheel) decodes it, mixes it to mono, trims the silence
at both ends, evens out the loudness (measured as EBU R128 says, one gain and a limiter) and encodes Opus speech in WebM at
about 24 kbit/s (docs/performance.md has the size per minute). WebM rather than Ogg: Safari plays
Opus in WebM (Safari 17 and later, so every iPhone from the XS/XR on) but not in Ogg, and Chrome,
Firefox and Samsung Internet on Android play both; so no second (AAC or MP3) copy is kept.

The structure readers need no audio library; each format's length is small to parse:
- WAV: the byte rate in the fmt chunk and the size of the data chunk;
- Ogg (Opus or Vorbis): the granule position of the last page, over 48 000 (Opus) or the rate;
- MP3: the frame headers, counted;
- MP4/M4A: the movie header (mvhd): duration over timescale;
- WebM/Matroska: the Duration in Info, or (Chrome's MediaRecorder writes none) the last Cluster's
  timecode plus its last block's, in TimecodeScale units.
"""
from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass
from fractions import Fraction

import av
import av.filter

MAX_BYTES = 2 * 1024 * 1024
MAX_SECONDS = 90

# kind -> (extension, mimetype)
KINDS = {
    "webm": ("webm", "audio/webm"),
    "ogg": ("ogg", "audio/ogg"),
    "mp3": ("mp3", "audio/mpeg"),
    "wav": ("wav", "audio/wav"),
    "mp4": ("m4a", "audio/mp4"),
}
MIMETYPES = {ext: mime for ext, mime in KINDS.values()}


class AudioError(ValueError):
    """Why a file is refused: 'type', 'size', 'length', 'unreadable' or 'silent'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Audio:
    kind: str
    seconds: float

    @property
    def extension(self) -> str:
        return KINDS[self.kind][0]

    @property
    def mimetype(self) -> str:
        return KINDS[self.kind][1]


def sniff(data: bytes) -> str | None:
    """The container, from the first bytes; never from the name or the browser's content type."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"OggS":
        return "ogg"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if data[4:8] == b"ftyp":
        return "mp4"
    if data[:3] == b"ID3" or _mp3_header(data, 0) is not None:
        return "mp3"
    return None


def check(data: bytes) -> Audio:
    """The file's kind and length, or AudioError saying why it is refused."""
    if len(data) > MAX_BYTES:
        raise AudioError("size")
    kind = sniff(data)
    if kind is None:
        raise AudioError("type")
    try:
        seconds = DURATION[kind](data)
    except (struct.error, IndexError, ValueError, ZeroDivisionError, OverflowError):
        seconds = None
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:  # a header may say NaN or inf
        raise AudioError("unreadable")
    if seconds > MAX_SECONDS:
        raise AudioError("length")
    return Audio(kind, seconds)


# --- WAV -----------------------------------------------------------------------------------------

def wav_seconds(data: bytes) -> float | None:
    pos, byte_rate = 12, None
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        if chunk == b"fmt ":
            byte_rate = struct.unpack_from("<I", data, pos + 16)[0]
        elif chunk == b"data":
            if not byte_rate:
                return None
            size = min(size, len(data) - pos - 8)  # a header written before the end was known
            return size / byte_rate
        pos += 8 + size + (size & 1)
    return None


# --- Ogg -----------------------------------------------------------------------------------------

def ogg_seconds(data: bytes) -> float | None:
    # The first page holds the codec's identification header.
    segments = data[26]
    head = data[27 + segments:27 + segments + 64]
    if head.startswith(b"OpusHead"):
        rate, pre_skip = 48000, struct.unpack_from("<H", head, 10)[0]
    elif head.startswith(b"\x01vorbis"):
        rate, pre_skip = struct.unpack_from("<I", head, 12)[0], 0
    elif head.startswith(b"fLaC") or head.startswith(b"\x7fFLAC"):
        return None
    else:
        return None
    last = data.rfind(b"OggS")
    while last >= 0:
        if last + 14 <= len(data):
            granule = struct.unpack_from("<q", data, last + 6)[0]
            if granule >= 0:
                return max(granule - pre_skip, 0) / rate
        last = data.rfind(b"OggS", 0, last)
    return None


# --- MP3 -----------------------------------------------------------------------------------------

_BITRATES = {  # (version is MPEG-1, layer) -> kbit/s by index
    (True, 3): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (True, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    (True, 1): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    (False, 3): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    (False, 2): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    (False, 1): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
}
_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def _mp3_header(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """(frame length in bytes, samples in the frame, sample rate) of a frame header at pos."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    version = (data[pos + 1] >> 3) & 3  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    layer_bits = (data[pos + 1] >> 1) & 3
    bitrate_index, rate_index = data[pos + 2] >> 4, (data[pos + 2] >> 2) & 3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    padding = (data[pos + 2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4, 384, rate
    samples = 1152 if (layer == 2 or mpeg1) else 576
    return samples // 8 * bitrate // rate + padding, samples, rate


def mp3_seconds(data: bytes) -> float | None:
    pos = 0
    if data[:3] == b"ID3":
        size = data[6] << 21 | data[7] << 14 | data[8] << 7 | data[9]
        pos = 10 + size + (10 if data[5] & 0x10 else 0)
    seconds, frames = 0.0, 0
    while pos < len(data):
        header = _mp3_header(data, pos)
        if header is None:
            if frames:  # trailing tags (ID3v1, APE) after the last frame
                break
            pos += 1  # some encoders leave padding before the first frame
            if pos > 64 * 1024:
                return None
            continue
        length, samples, rate = header
        if length <= 0:
            return None
        seconds += samples / rate
        frames += 1
        pos += length
    return seconds if frames else None


# --- MP4 / M4A -----------------------------------------------------------------------------------

def _boxes(data: bytes, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos + header, min(pos + size, end)
        pos += size


def mp4_seconds(data: bytes) -> float | None:
    for kind, start, end in _boxes(data, 0, len(data)):
        if kind != b"moov":
            continue
        for inner, body, _end in _boxes(data, start, end):
            if inner == b"mvhd":
                if data[body] == 1:
                    timescale, duration = struct.unpack_from(">IQ", data, body + 20)
                else:
                    timescale, duration = struct.unpack_from(">II", data, body + 12)
                return duration / timescale if timescale else None
    return None


# --- WebM / Matroska (EBML) ----------------------------------------------------------------------

SEGMENT, CLUSTER, INFO, BLOCK_GROUP = 0x18538067, 0x1F43B675, 0x1549A966, 0xA0
TIMECODE_SCALE, DURATION_ID, CLUSTER_TIMECODE, SIMPLE_BLOCK, BLOCK = 0x2AD7B1, 0x4489, 0xE7, 0xA3, 0xA1
MASTERS = {SEGMENT, CLUSTER, INFO, BLOCK_GROUP}


def _vint(data: bytes, pos: int, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, length, unknown size) of an EBML variable-length integer at pos."""
    first = data[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        raise ValueError("bad EBML integer")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1:pos + length]:
        value = value << 8 | byte
    if pos + length > len(data):
        raise ValueError("truncated")
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def webm_seconds(data: bytes) -> float | None:
    """Walks the tree, descending into Segment, Info, Cluster and BlockGroup (also when their size
    is unknown, as a live recorder writes them) and skipping everything else."""
    scale, duration = 1_000_000, None
    cluster_time, last_time = 0, None
    pos = 0
    while pos < len(data):
        element, id_len, _ = _vint(data, pos, keep_marker=True)
        size, size_len, unknown = _vint(data, pos + id_len, keep_marker=False)
        body = pos + id_len + size_len
        if element in MASTERS or unknown:
            pos = body
            continue
        payload = data[body:body + size]
        if element == TIMECODE_SCALE:
            scale = int.from_bytes(payload, "big") or 1_000_000
        elif element == DURATION_ID:
            duration = struct.unpack(">f" if size == 4 else ">d", payload)[0]
        elif element == CLUSTER_TIMECODE:
            cluster_time = int.from_bytes(payload, "big")
        elif element in (SIMPLE_BLOCK, BLOCK) and len(payload) >= 4:
            _track, track_len, _ = _vint(payload, 0, keep_marker=False)
            relative = struct.unpack_from(">h", payload, track_len)[0]
            time = cluster_time + relative
            last_time = time if last_time is None else max(last_time, time)
        pos = body + size
    if duration:
        return duration * scale / 1e9
    if last_time is not None:
        # the last block starts at last_time; a recorder's frames are 20-60 ms, so this is the length
        return last_time * scale / 1e9
    return None


DURATION = {"wav": wav_seconds, "ogg": ogg_seconds, "mp3": mp3_seconds, "mp4": mp4_seconds, "webm": webm_seconds}


# --- the compact file ----------------------------------------------------------------------------

BIT_RATE = 24_000        # Opus speech, mono: clear on a phone's speaker, ~175 KB a minute
LOUDNESS = -16.0         # LUFS, EBU R128 integrated loudness: speech on phones
PEAK = 0.84              # -1.5 dBFS: the limiter keeps every peak under it after the gain
MAX_GAIN = 30.0          # dB: a whisper is raised, a silent room's hiss is not made a roar
SILENCE = "-45dB"        # quieter than this at either end is trimmed (a browser's noise suppression leaves less)
KEEP = 0.05              # seconds of the quiet kept before the first and after the last sound, so no word is clipped
RATE = 48_000            # Opus works at 48 kHz


@dataclass(frozen=True)
class Prepared:
    data: bytes
    audio: Audio


def prepare(data: bytes) -> Prepared:
    """The stored form of an upload or a take: checked, then compacted; AudioError says why not."""
    try:
        check(data)
    except AudioError as refusal:
        # Some recorders (Safari's fragmented MP4) write no length in the header: the decoder
        # measures it instead, and refuses it the same way if it is too long.
        if refusal.reason != "unreadable" or sniff(data) is None:
            raise
    return compact(data)


def _trim() -> str:
    return (f"start_periods=1:start_duration=0.05:start_threshold={SILENCE}:start_silence={KEEP}"
            ":detection=rms")


def _chain(graph: av.filter.Graph, first, steps) -> None:
    node = first
    for name, args in (*steps, ("abuffersink", None)):
        following = graph.add(name, args) if args else graph.add(name)
        node.link_to(following)
        node = following
    graph.configure()


def _pull(graph: av.filter.Graph):
    while True:
        try:
            yield graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return


def _trimmed(source) -> tuple[list, float | None]:
    """Pass 1: mono 48 kHz float, silence trimmed at the start, then (reversed) at the end; and
    the EBU R128 integrated loudness of what is left (`ebur128`, None if it heard nothing)."""
    stream = source.streams.audio[0]
    graph = av.filter.Graph()
    _chain(graph, graph.add_abuffer(template=stream), (
        ("aresample", str(RATE)), ("aformat", f"sample_fmts=flt:channel_layouts=mono:sample_rates={RATE}"),
        ("silenceremove", _trim()), ("areverse", None), ("silenceremove", _trim()), ("areverse", None),
        ("ebur128", "metadata=1"), ("aformat", "sample_fmts=flt"),  # ebur128 hands on doubles
    ))
    frames, heard, loudness = [], 0.0, None
    for frame in source.decode(stream):
        heard += frame.samples / (frame.sample_rate or RATE)
        if heard > MAX_SECONDS:
            raise AudioError("length")
        graph.push(frame)
        frames.extend(_pull(graph))
    graph.push(None)
    frames.extend(_pull(graph))
    # every 100 ms block's frame carries the loudness so far: the last one's is the whole take's
    values = [frame.metadata["lavfi.r128.I"] for frame in frames if "lavfi.r128.I" in frame.metadata]
    if values:
        value = float(values[-1])
        loudness = value if math.isfinite(value) and value > -70.0 else None  # -70: the gate let nothing through
    return frames, loudness


def compact(data: bytes) -> Prepared:
    """Opus in WebM, mono, trimmed, at one loudness; its length is the samples encoded.

    Loudness is evened out in two passes, as EBU R128 intends for a file: measure the whole take,
    then one gain for all of it (speech keeps its own rise and fall), with a limiter for the peaks.
    FFmpeg's one-pass `loudnorm` would adjust the gain as she speaks and, working at 192 kHz for
    its true-peak check, took four times as long on this machine (docs/performance.md)."""
    out = io.BytesIO()
    try:
        with av.open(io.BytesIO(data)) as source:
            if not source.streams.audio:
                raise AudioError("unreadable")
            frames, loudness = _trimmed(source)
        kept = sum(frame.samples for frame in frames)
        if kept < RATE // 10 or loudness is None:  # under a tenth of a second louder than the room
            raise AudioError("silent")
        gain = max(-MAX_GAIN, min(MAX_GAIN, LOUDNESS - loudness))
        graph = av.filter.Graph()
        _chain(graph, graph.add_abuffer(format="flt", sample_rate=RATE, layout="mono", time_base=Fraction(1, RATE)), (
            ("volume", f"{gain:.2f}dB"), ("alimiter", f"limit={PEAK}:attack=5:release=50:level=0"),
            ("aformat", f"sample_fmts=flt:channel_layouts=mono:sample_rates={RATE}"),
        ))
        with av.open(out, "w", format="webm") as target:
            opus = target.add_stream("libopus", rate=RATE)
            opus.layout = "mono"
            opus.bit_rate = BIT_RATE
            # speech, in 60 ms frames: less container overhead per second than the default 20 ms
            opus.options = {"application": "voip", "frame_duration": "60"}
            position = 0
            for frame in (*frames, None):
                if frame is not None:
                    frame.pts, frame.time_base = position, Fraction(1, RATE)
                    position += frame.samples
                graph.push(frame)
                for done in _pull(graph):
                    done.pts = None
                    for packet in opus.encode(done):
                        target.mux(packet)
            for packet in opus.encode(None):
                target.mux(packet)
    except AudioError:
        raise
    except (av.FFmpegError, ValueError, IndexError, KeyError, EOFError, OSError, RuntimeError) as problem:
        raise AudioError("unreadable") from problem
    return Prepared(out.getvalue(), Audio("webm", kept / RATE))


def measure(data: bytes) -> float:
    """A file's length by decoding it: its samples over its rate (0 when it holds none)."""
    samples, rate = 0, RATE
    with av.open(io.BytesIO(data)) as container:
        for frame in container.decode(audio=0):
            samples += frame.samples
            rate = frame.sample_rate or rate
    return samples / rate
