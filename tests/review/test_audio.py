"""The narration checks: type by content, size and length for every accepted format."""
from __future__ import annotations

import pytest

from tests.review import sounds
from workshop.review import audio


@pytest.mark.parametrize("kind, data, seconds", [
    ("wav", sounds.wav(2.5), 2.5),
    ("ogg", sounds.ogg_opus(12.0), 12.0),
    ("mp3", sounds.mp3(7.0), 7.0),
    ("mp4", sounds.m4a(33.0), 33.0),
    ("webm", sounds.webm(21.0), 21.0),
    ("webm", sounds.webm(4.2, with_duration=True), 4.2),
])
def test_length_of_each_format(kind, data, seconds):
    result = audio.check(data)
    assert result.kind == kind
    assert result.seconds == pytest.approx(seconds, abs=0.05)


@pytest.mark.parametrize("data", [
    sounds.wav(91, rate=4000), sounds.ogg_opus(120), sounds.mp3(95), sounds.m4a(600), sounds.webm(91),
])
def test_too_long_is_refused(data):
    with pytest.raises(audio.AudioError) as refusal:
        audio.check(data)
    assert refusal.value.reason == "length"


@pytest.mark.parametrize("data", [
    b"<html><script>alert(1)</script></html>", b"%PDF-1.4 hello", b"\x89PNG\r\n\x1a\n" + bytes(100), b"",
    b"GIF89a" + bytes(50),
])
def test_other_content_is_refused_whatever_its_name(data):
    with pytest.raises(audio.AudioError) as refusal:
        audio.check(data)
    assert refusal.value.reason == "type"


def test_too_large_is_refused():
    with pytest.raises(audio.AudioError) as refusal:
        audio.check(sounds.wav(1) + bytes(audio.MAX_BYTES))
    assert refusal.value.reason == "size"


@pytest.mark.parametrize("data", [
    b"RIFF\x00\x00\x00\x00WAVEjunk", b"OggS" + bytes(40), b"\x1a\x45\xdf\xa3" + b"\xff" * 10,
    bytes(4) + b"ftyp" + bytes(8), b"ID3\x04\x00\x00\x00\x00\x00\x00",
    # a Duration of NaN or infinity is no length at all
    b"\x1a\x45\xdf\xa3\x80\x44\x89\x84\x7f\xc0\x00\x00", b"\x1a\x45\xdf\xa3\x80\x44\x89\x84\x7f\x80\x00\x00",
])
def test_broken_files_are_unreadable_not_errors(data):
    with pytest.raises(audio.AudioError) as refusal:
        audio.check(data)
    assert refusal.value.reason in ("unreadable", "type")
