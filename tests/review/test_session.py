"""The recording session (issue 20, item 1): choose a course or what is still silent, walk its texts
in order, each kept take saved at once as JSON answers; refusals in her language; without
JavaScript, each text's own upload page."""
from __future__ import annotations

import io

import pytest

from tests.conftest import csrf_token
from tests.review import sounds
from tests.review.helpers import LESSON, STEP, make_world, said, set_locale
from workshop.extensions import db
from workshop.review.models import Narration

COURSE = LESSON[0]


@pytest.fixture
def world(app, factory):
    return make_world(app, factory)


def units(app, locale: str, course: str | None = COURSE):
    from workshop.review import narration

    with app.test_request_context():
        return [(u.context, u.status) for u in narration.units(locale, course)]


def take(client, context: str, data: bytes, locale: str = "so", wording: str = ""):
    token = csrf_token(client)
    return client.post(f"/review/{locale}/session/take", headers={"X-CSRFToken": token},
                       data={"csrf_token": token, "context": context, "wording": wording,
                             "audio": (io.BytesIO(data), "take.webm")},
                       content_type="multipart/form-data")


def test_the_session_page_walks_the_course_in_order_and_starts_at_the_first_silent_text(app, world):
    deeqa = world["clients"]["instructor"]
    expected = units(app, "so")
    html = deeqa.get(f"/review/so/session/record?course={COURSE}").get_data(as_text=True)
    contexts = [part.split('"', 1)[0] for part in html.split('data-context="')[1:]]
    assert contexts == [context for context, _status in expected]
    assert 'data-start="0"' in html
    assert take(deeqa, expected[0][0], sounds.take(3, 0.5, 0.5)).status_code == 200
    html = deeqa.get(f"/review/so/session/record?course={COURSE}").get_data(as_text=True)
    assert 'data-start="1"' in html  # the first text has its recording: she starts at the second
    silent = deeqa.get(f"/review/so/session/record?course={COURSE}&only=silent").get_data(as_text=True)
    assert f'data-context="{expected[0][0]}"' not in silent and f'data-context="{expected[1][0]}"' in silent
    everywhere = deeqa.get("/review/so/session/record?only=silent").get_data(as_text=True)
    assert everywhere.count('data-context="') == len(units(app, "so", None)) - 1


def test_without_javascript_each_text_links_its_own_upload_page(app, world):
    html = world["clients"]["instructor"].get(f"/review/so/session/record?course={COURSE}").get_data(as_text=True)
    assert said(app, "so", "Recording here needs JavaScript, which is off in this browser. You can still upload a "
                "sound file for each text on its own page: use the links below.") in html
    assert '<form class="session" data-session hidden' in html  # the recorder shows only with its script
    assert f'href="/review/so/{LESSON[0]}/{LESSON[1]}/{STEP}/narration"' in html
    assert html.count('class="session-upload"') == len(units(app, "so"))


def test_a_kept_take_is_saved_at_once_in_the_stored_format(app, world):
    deeqa = world["clients"]["instructor"]
    context = units(app, "so")[1][0]
    response = take(deeqa, context, sounds.recorded("webm", sounds.take(4, 1, 1)))
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["saved"] is True and answer["seconds"] == pytest.approx(2.0, abs=0.2)
    assert answer["message"] == said(app, "so", "Saved. Learners hear it now.")
    with app.app_context():
        row = db.session.scalar(db.select(Narration).where(Narration.context == context))
        assert row.locale == "so" and row.mimetype == "audio/webm" and row.recorded_by_id == world["deeqa"]
    assert answer["url"] == f"/review/narrations/so/{row.filename}"
    assert world["clients"]["learner"].get(answer["url"]).status_code == 200
    assert dict(units(app, "so"))[context] == "current"
    # the same text again replaces it: one recording per text
    assert take(deeqa, context, sounds.take(3, 0.5, 0.5)).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Narration)) == 1


@pytest.mark.parametrize("data, message, status", [
    (sounds.take(3, 1.5, 1.5), "The recording is silent. Check that the microphone is on, then record again.", 422),
    (b"not a sound", "This is not a sound file Askel can use. Use a WebM, Ogg, MP3, WAV or M4A file.", 422),
    (b"", "Choose a sound file, or record one.", 422),
])
def test_a_refused_take_says_why_in_her_language(app, world, data, message, status):
    response = take(world["clients"]["instructor"], units(app, "so")[0][0], data)
    assert response.status_code == status
    assert response.get_json() == {"saved": False, "message": said(app, "so", message)}
    with app.app_context():
        assert db.session.scalar(db.select(Narration)) is None


def test_a_take_needs_the_grant_the_token_and_a_real_text(app, world):
    context = units(app, "so")[0][0]
    assert take(world["clients"]["other_instructor"], context, sounds.wav(1)).status_code == 403  # Arabic only
    assert take(world["clients"]["learner"], context, sounds.wav(1)).status_code == 403
    deeqa = world["clients"]["instructor"]
    assert take(deeqa, "start/nope/nope/text", sounds.wav(1)).status_code == 404
    assert take(deeqa, context, sounds.wav(1), locale="ar").status_code == 403
    no_token = deeqa.post("/review/so/session/take", data={"context": context, "audio": (io.BytesIO(sounds.wav(1)), "a.wav")},
                          content_type="multipart/form-data")
    assert no_token.status_code == 400


def test_the_chooser_counts_what_is_still_silent(app, world):
    deeqa = world["clients"]["instructor"]
    set_locale(app, world["deeqa"], "en")
    total = len(units(app, "so"))
    take(deeqa, units(app, "so")[0][0], sounds.wav(1))
    html = deeqa.get("/review/so/session/").get_data(as_text=True)
    assert f"1 of {total} texts recorded" in html
    assert f"Record the {total - 1} texts still silent" in html
    assert f'href="/review/so/session/record?course={COURSE}&amp;only=silent"' in html
    assert deeqa.get("/review/so/session/record").status_code == 303  # neither a course nor "silent": choose
    assert deeqa.get("/review/so/session/record?course=nope").status_code == 404


def test_a_masculine_take_is_kept_apart_from_hers(app, world):
    """The session's masculine text (variant "masculine", right after hers) is saved as a recording
    of its own; a text whose words to a man are hers has no masculine text to record."""
    from workshop.review import narration

    rasha = world["clients"]["other_instructor"]
    with app.test_request_context():
        found = narration.units("ar", COURSE)
    his = next(u for u in found if u.masculine)
    same = next(u for u in found if not u.masculine and (u.context, narration.MASCULINE) not in {x.key for x in found})
    page = rasha.get(f"/review/ar/session/record?course={COURSE}").get_data(as_text=True)
    assert f'data-context="{his.context}" data-variant="masculine"' in page

    def take_of(unit_context, variant):
        token = csrf_token(rasha)
        return rasha.post("/review/ar/session/take", headers={"X-CSRFToken": token}, content_type="multipart/form-data",
                          data={"csrf_token": token, "context": unit_context, "variant": variant,
                                "audio": (io.BytesIO(sounds.take(3, 0.5, 0.5)), "take.webm")})

    assert take_of(his.context, "masculine").status_code == 200
    assert take_of(his.context, "").status_code == 200
    with app.app_context():
        rows = {row.variant: row for row in db.session.scalars(db.select(Narration).where(Narration.context == his.context))}
    assert set(rows) == {"", "masculine"} and rows[""].filename != rows["masculine"].filename
    assert take_of(same.context, "masculine").status_code == 404
    assert take_of(his.context, "neuter").status_code == 404


def recordings_and_sounds(app) -> tuple[list[Narration], list[str]]:
    """Every recording, and the name of every narration sound in storage."""
    from workshop.storage import StoredFile

    with app.app_context():
        rows = db.session.scalars(db.select(Narration)).all()
        files = db.session.scalars(db.select(StoredFile.name).where(StoredFile.name.like("narrations/%"))).all()
        return rows, files


def two_takes_at_once(app, world, before_each) -> list:
    """Eight rounds of a narrator and the coordinator keeping a take of the same text at the same moment,
    `before_each(take_of_deeqa)` run first in each: the rounds where either was not told it is saved, or
    not exactly one recording stands with its one sound."""
    from tests.reliability.test_races import together

    deeqa, liisa = world["clients"]["instructor"], world["clients"]["coordinator"]
    context = units(app, "so")[0][0]
    sound = sounds.take(2, 0.5, 0.5)
    failures = []
    for round_ in range(8):
        before_each(lambda: take(deeqa, context, sound))
        answers = together(lambda: take(deeqa, context, sound), lambda: take(liisa, context, sound))
        statuses = [getattr(a, "status_code", repr(a)) for a in answers]
        rows, files = recordings_and_sounds(app)
        if statuses != [200, 200] or len(rows) != 1 or files != [f"narrations/so/{rows[0].filename}"]:
            failures.append((round_, statuses, len(rows), files))
    return failures


def test_two_tabs_keeping_a_take_of_the_same_text_at_once_keep_one_recording(app, world):
    """Two tabs of the session (or a narrator and the coordinator) keep a take of the same text at the
    same moment: each is told it is saved, one recording stands with its one sound, never a 5xx."""
    from workshop.storage import StoredFile

    def no_recording_yet(_take):
        with app.app_context():
            db.session.execute(db.delete(Narration))
            db.session.execute(db.delete(StoredFile).where(StoredFile.name.like("narrations/%")))
            db.session.commit()

    failures = two_takes_at_once(app, world, no_recording_yet)
    assert failures == [], failures[:3]


def test_sending_take_after_take_is_paused_per_person_before_decoding(app, world, monkeypatch):
    """Decoding and encoding a take costs the server seconds, and a refused one is never kept: SENDS an hour
    per person, kept or refused, in the session and on a text's own page together; then she is told to wait,
    in her language. Another reader sends as before."""
    from limits import parse

    from tests.review.helpers import upload
    from workshop import review
    from workshop.review import audio

    monkeypatch.setattr(review, "SENDS", parse("3 per hour"))
    decoded = []
    real_prepare = audio.prepare
    monkeypatch.setattr(audio, "prepare", lambda data: decoded.append(1) or real_prepare(data))
    deeqa, context = world["clients"]["instructor"], units(app, "so")[0][0]
    assert take(deeqa, context, b"not a sound").status_code == 422
    assert take(deeqa, context, sounds.take(3, 0.5, 0.5)).status_code == 200
    assert upload(deeqa, "so", sounds.take(3, 0.5, 0.5)).status_code == 303
    paused = take(deeqa, context, sounds.take(3, 0.5, 0.5))
    wait = said(app, "so", "Many recordings were sent in the last hour. Please wait a while, then send this one again.")
    assert paused.status_code == 429 and paused.get_json() == {"saved": False, "message": wait}
    page = upload(deeqa, "so", sounds.take(3, 0.5, 0.5))
    assert page.status_code == 429 and wait in page.get_data(as_text=True)
    assert len(decoded) == 3  # the fourth and fifth were never decoded
    rasha = world["clients"]["other_instructor"]
    assert take(rasha, units(app, "ar")[0][0], sounds.take(3, 0.5, 0.5), locale="ar").status_code == 200


def test_two_takes_replacing_a_recording_at_once_leave_one_sound(app, world):
    """A text has its recording; two tabs keep a new take of it at the same moment. Each replaces the one it
    read, so the first's new sound was left behind, named by no recording (SQLite has no row lock): one
    recording stands with its one sound, each is told it is saved."""

    def a_recording_to_replace(take_of_deeqa):
        assert take_of_deeqa().status_code == 200

    failures = two_takes_at_once(app, world, a_recording_to_replace)
    assert failures == [], failures[:3]


def test_a_take_kept_while_the_recording_is_deleted_leaves_no_sound_named_by_nothing(app, world, monkeypatch):
    """One tab deletes the recording while another keeps a new take of it, the take committed between the
    deletion's read and its delete (held there on purpose): the deletion deleted the row by its id, the new
    take's row, and left the new sound named by nothing. Now nothing is left, or the take with its one sound."""
    import threading

    from flask import has_request_context, request

    from tests.conftest import csrf_token
    from tests.reliability.test_races import together
    from tests.review.helpers import STEP, upload
    from workshop.review import narration

    deeqa, liisa = world["clients"]["instructor"], world["clients"]["coordinator"]
    sound = sounds.take(2, 0.5, 0.5)
    delete = f"/review/so/{LESSON[0]}/{LESSON[1]}/{STEP}/narration/delete"
    token = csrf_token(liisa)
    real_recording, real_keep = narration.recording, narration.keep
    read, kept = threading.Event(), threading.Event()

    def deletion_reads_then_waits(*args, **kwargs):
        row = real_recording(*args, **kwargs)
        if has_request_context() and request.endpoint == "review.narration_delete" and not kept.is_set():
            read.set()
            kept.wait(10)
        return row

    def take_kept_after_the_read(*args, **kwargs):
        read.wait(10)
        try:
            return real_keep(*args, **kwargs)
        finally:
            kept.set()

    monkeypatch.setattr(narration, "recording", deletion_reads_then_waits)
    monkeypatch.setattr(narration, "keep", take_kept_after_the_read)
    for _round in range(2):
        read.set(), kept.set()
        assert upload(deeqa, "so", sound).status_code == 303  # the recording one deletes, the other replaces
        read.clear(), kept.clear()
        answers = together(lambda: upload(deeqa, "so", sound), lambda: liisa.post(delete, data={"csrf_token": token}))
        assert [getattr(a, "status_code", repr(a)) for a in answers] == [303, 303]
        rows, files = recordings_and_sounds(app)
        assert files == [f"narrations/so/{row.filename}" for row in rows]
