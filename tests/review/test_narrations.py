"""Narrations: upload checks with clear messages, storage in the database (every host serves them),
serving with caching by their own route only, replace and delete remove the old sound, the listen
partial, missing list."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.review import sounds
from tests.review.helpers import said, LESSON, STEP, make_world, narration_url, upload
from tests.conftest import csrf_token
from workshop import storage
from workshop.review import audio

NAN_WEBM = b"\x1a\x45\xdf\xa3\x80" + b"\x44\x89\x84\x7f\xc0\x00\x00" + b"\xec\x88" + bytes(8)
assert len(NAN_WEBM) == 22
STEP_URL = f"/learn/{LESSON[0]}/{LESSON[1]}/steps/{STEP}"


@pytest.fixture
def world(app, factory):
    return make_world(app, factory)


def files(app, locale="so") -> list[str]:
    with app.app_context():
        return [name.rsplit("/", 1)[1] for name in storage.files().names(f"narrations/{locale}/")]


def stored(app, name: str, locale="so") -> bytes | None:
    with app.app_context():
        return storage.files().get(f"narrations/{locale}/{name}")


def test_upload_is_stored_in_the_database_and_served_with_caching(app, world):
    response = upload(world["clients"]["instructor"], "so", sounds.wav(1.5))
    assert response.status_code == 303
    url = narration_url(app, "so")
    name = url.rsplit("/", 1)[1]
    data = stored(app, name)
    assert files(app) == [name] and data[:4] == b"\x1a\x45\xdf\xa3"  # made into WebM (workshop.review.audio)
    assert not any(Path(app.instance_path).rglob(name))  # on no host's disk
    learner = world["clients"]["learner"]
    served = learner.get(url)
    assert served.status_code == 200 and served.data == data
    assert served.mimetype == "audio/webm"
    assert "max-age=604800" in served.headers["Cache-Control"] and "private" in served.headers["Cache-Control"]
    etag = served.headers["ETag"]
    assert learner.get(url, headers={"If-None-Match": etag}).status_code == 304
    ranged = learner.get(url, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.data == data[:10]


def test_the_file_cannot_be_read_by_any_other_route(app, world):
    upload(world["clients"]["instructor"], "so", sounds.wav(1))
    name = narration_url(app, "so").rsplit("/", 1)[1]
    client = world["clients"]["coordinator"]
    for path in [
        f"/static/{name}", f"/static/../instance/narrations/so/{name}", f"/static/narrations/so/{name}",
        f"/media/../../instance/narrations/so/{name}", f"/media/{name}", f"/narrations/so/{name}",
        f"/instance/narrations/so/{name}", f"/review/narrations/ar/{name}", f"/review/narrations/so/..%2F{name}",
        "/review/narrations/so/aaaaaaaaaaaaaaaa.wav", f"/review/narrations/so/.{name}.part",
    ]:
        response = client.get(path)
        assert response.status_code in (404, 308), path
        assert response.data[:4] != b"RIFF", path
    # the sound is in no folder any route serves
    assert not any(Path(app.static_folder).rglob(name)) and not any(Path(app.instance_path).rglob(name))


def test_replacing_and_deleting_remove_the_old_file(app, world):
    deeqa = world["clients"]["instructor"]
    upload(deeqa, "so", sounds.wav(1))
    first = narration_url(app, "so").rsplit("/", 1)[1]
    upload(deeqa, "so", sounds.recorded("mp3", sounds.take(3, 0.5, 0.5)), filename="new.mp3")
    second = narration_url(app, "so").rsplit("/", 1)[1]
    assert second != first and second.endswith(".webm")
    assert files(app) == [second]
    assert deeqa.get(f"/review/narrations/so/{first}").status_code == 404
    path = f"/review/so/{LESSON[0]}/{LESSON[1]}/{STEP}/narration/delete"
    assert deeqa.post(path, data={"csrf_token": csrf_token(deeqa)}).status_code == 303
    assert files(app) == [] and narration_url(app, "so") is None


@pytest.mark.parametrize("data, filename, message, status", [
    (b"<html><body>not sound</body></html>", "sound.mp3", "This is not a sound file Askel can use. Use a WebM, Ogg, MP3, WAV or M4A file.", 422),
    (b"%PDF-1.7\n" + bytes(500), "x.wav", "This is not a sound file Askel can use. Use a WebM, Ogg, MP3, WAV or M4A file.", 422),
    (sounds.wav(91, rate=4000), "long.wav", "This recording is too long. It can be at most 90 seconds.", 422),
    (sounds.webm(120), "long.webm", "This recording is too long. It can be at most 90 seconds.", 422),
    (sounds.wav(1) + bytes(audio.MAX_BYTES), "big.wav", "This file is too large. A recording can be at most 2 MB.", 413),
    (sounds.wav(1) + bytes(3 * audio.MAX_BYTES), "huge.wav", "This file is too large. A recording can be at most 2 MB.", 413),
    (b"", "empty.wav", "Choose a sound file, or record one.", 422),
    # 22 bytes of WebM whose Duration is NaN (an EBML header, Duration = NaN, a Void element)
    (NAN_WEBM, "nan.webm", "Askel could not read this sound file. Please record it again.", 422),
    # the first third of a real M4A: its header promises more than the decoder finds
    (sounds.recorded("mp4", sounds.take(2, 0.2, 0.2))[:9000], "cut.m4a", "Askel could not read this sound file. Please record it again.", 422),
    # structurally an MP3 of seven seconds, its frames empty: it decodes to silence
    (sounds.mp3(7), "empty.mp3", "The recording is silent. Check that the microphone is on, then record again.", 422),
    (sounds.take(3, 1.5, 1.5), "quiet.wav", "The recording is silent. Check that the microphone is on, then record again.", 422),
])
def test_bad_uploads_are_refused_with_a_clear_message(app, world, data, filename, message, status):
    response = upload(world["clients"]["instructor"], "so", data, filename=filename)
    assert response.status_code == status
    assert said(app, "so", message) in response.get_data(as_text=True)
    assert narration_url(app, "so") is None and files(app) == []


def test_refusal_is_in_her_language(app, world):
    from tests.review.helpers import set_locale
    from workshop.extensions import db
    from workshop.models import User

    response = upload(world["clients"]["instructor"], "so", b"nope")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, world["deeqa"]).locale == "so"
    assert '<html lang="so"' in response.get_data(as_text=True)
    set_locale(app, world["deeqa"], "so")


def test_learner_step_has_an_audio_player_when_there_is_a_recording(app, world):
    learner = world["clients"]["learner"]
    html = learner.get(STEP_URL).get_data(as_text=True)
    assert "<audio" not in html
    assert 'data-speak-lang="so"' in html and "hidden><button" in html  # hidden until the device has a voice
    upload(world["clients"]["instructor"], "so", sounds.wav(1))
    html = learner.get(STEP_URL).get_data(as_text=True)
    assert f'<audio class="listen-audio" controls preload="none" src="{narration_url(app, "so")}"' in html
    assert html.count("<audio") == 1  # the step's one text; no label beside a single part
    # an Arabic learner has no Arabic recording
    assert "<audio" not in world["arabic_learner"].get(STEP_URL).get_data(as_text=True)


def test_the_practice_goal_gets_the_listen_button_too(app, world):
    catalogue = app.extensions["askel_catalogue"]
    lesson, step = next((lesson, s) for lesson in catalogue.lessons() for s in lesson.steps if s.type == "practice")
    learner = world["clients"]["learner"]
    opened = learner.get(f"/practice/open/{step.sim}?step={step.context}", follow_redirects=True)
    html = opened.get_data(as_text=True)
    assert opened.status_code == 200 and 'data-speak-lang="so"' in html


def test_the_course_page_shows_each_text_in_the_languages_she_records(app, world):
    upload(world["clients"]["instructor"], "so", sounds.wav(1))
    html = world["clients"]["instructor"].get(f"/review/courses/{LESSON[0]}/recordings").get_data(as_text=True)
    assert html.count('class="has-recording"') == 1  # Somali, her only language: the first text
    assert 'lang="ar"' not in html.split("<main", 1)[1].split("</main>")[0]  # no column for Arabic
    coordinator = world["clients"]["coordinator"].get(f"/review/courses/{LESSON[0]}/recordings").get_data(as_text=True)
    for loc in ("so", "ar", "fi", "en"):
        assert f'<td data-locale="{loc}">' in coordinator


def test_too_large_for_a_learner_or_anonymous_is_the_plain_refusal(app, world):
    big = sounds.wav(1) + bytes(3 * audio.MAX_BYTES)
    for role in ("learner", "anonymous", "other_instructor"):
        response = upload(world["clients"][role], "so", big)
        assert response.status_code == 413, role
        html = response.get_data(as_text=True)
        assert said(app, "so", "This file is too large. A recording can be at most 2 MB.") not in html and 'type="file"' not in html


def test_a_recording_made_through_one_host_plays_on_another(app, world):
    """Two hosts share the database, not a disk: the second has an instance folder of its own."""
    from tests.conftest import staff_client
    from workshop import create_app

    assert upload(world["clients"]["instructor"], "so", sounds.wav(1)).status_code == 303
    url = narration_url(app, "so")
    data = stored(app, url.rsplit("/", 1)[1])
    other_host = create_app({key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "RATELIMIT_STORAGE_URI", "IDENTITY_SECONDS")}
        | {"INSTANCE_PATH": str(Path(app.instance_path).parent / "other-host")})
    served = staff_client(other_host, "liisa").get(url)
    assert served.status_code == 200 and served.data == data
    with other_host.app_context():
        from workshop.extensions import db

        db.engine.dispose()


def test_a_failed_commit_keeps_neither_the_sound_nor_the_row(app, world, monkeypatch):
    from workshop.review import state

    def fail():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(state, "bump", fail)
    with pytest.raises(RuntimeError):
        upload(world["clients"]["instructor"], "so", sounds.wav(1))
    assert files(app) == [] and narration_url(app, "so") is None
