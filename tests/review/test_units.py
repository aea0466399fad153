"""A narration belongs to one lesson text: a step's text, a question, each answer, a practice goal.

units(locale, course) lists every text to record, in play order, each recorded, missing or stale
("record again": its wording changed after the recording was made)."""
from __future__ import annotations

import io

import pytest

from tests.conftest import csrf_token
from tests.review import sounds
from tests.review.helpers import LESSON, make_world, narration_url
from workshop.review import narration

BASE = f"/review/so/{LESSON[0]}/{LESSON[1]}"
QUIZ = "quiz-what"  # a choose step of start/01-welcome: a question and two answers
OPTION = f"{LESSON[0]}/{LESSON[1]}/{QUIZ}/option/finnish-course/text"


@pytest.fixture
def world(app, factory):
    return make_world(app, factory)


def units(app, locale="so", course=LESSON[0], lesson=None):
    with app.test_request_context():
        return narration.units(locale, course, lesson)


def record(client, step: str, text: str | None = None, **form):
    query = f"?text={text}" if text else ""
    data = {"csrf_token": csrf_token(client), "audio": (io.BytesIO(sounds.wav(1)), "n.wav"), **form}
    return client.post(f"{BASE}/{step}/narration{query}", data=data, content_type="multipart/form-data")


def edit(client, key: str, text: str):
    return client.post(f"{BASE}/edit/{key}", data={"csrf_token": csrf_token(client), "text": text})


def test_every_voiced_text_is_a_unit_in_play_order(app):
    found = units(app)
    catalogue = app.extensions["askel_catalogue"]
    expected = [t.context for lesson in catalogue.course("start").lessons for step in lesson.steps
                for t in step.narrated()]
    assert [u.context for u in found] == expected and len(set(expected)) == len(expected)
    quiz = [u for u in found if u.step.id == QUIZ]
    assert [u.field for u in quiz] == ["question", "option/three-services/text", "option/finnish-course/text",
                                       "option/finnish-course/feedback"]  # the play-through's, then the wrong answer's
    assert quiz[2].english == "Finnish grammar" and quiz[2].text not in ("", "Finnish grammar")  # Somali
    assert all(u.status == narration.MISSING and u.picture == u.step.picture for u in found)
    practice = next(u for lesson in catalogue.lessons() for s in lesson.steps if s.type == "practice"
                    for u in units(app, course=lesson.course, lesson=lesson.id) if u.step.id == s.id)
    assert practice.field == "goal"
    assert [u.context for u in units(app, lesson=LESSON[1])] == [c for c in expected if c.startswith("start/01-welcome/")]
    assert units(app, course="nope") == []


def test_an_answer_is_recorded_on_its_own_and_the_page_lists_the_step_texts(app, world):
    deeqa = world["clients"]["instructor"]
    page = deeqa.get(f"{BASE}/{QUIZ}/narration?text=option/finnish-course/text")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'aria-current="page"' in html and html.count("no-recording") == 4
    assert record(deeqa, QUIZ, "option/finnish-course/text").status_code == 303
    assert narration_url(app, "so", context=OPTION) is not None
    assert narration_url(app, "so", step=QUIZ) is None  # the question is still to record
    statuses = {u.field: u.status for u in units(app, lesson=LESSON[1]) if u.step.id == QUIZ}
    assert statuses == {"question": "missing", "option/three-services/text": "missing",
                        "option/finnish-course/text": "current", "option/finnish-course/feedback": "missing"}
    assert deeqa.get(f"{BASE}/{QUIZ}/narration?text=option/nope/text").status_code == 404
    assert deeqa.get(f"{BASE}/{QUIZ}/narration?text=alt").status_code == 404  # not a text to record
    delete = deeqa.post(f"{BASE}/{QUIZ}/narration/delete?text=option/finnish-course/text",
                        data={"csrf_token": csrf_token(deeqa)})
    assert delete.status_code == 303 and narration_url(app, "so", context=OPTION) is None


def test_a_changed_wording_makes_the_recording_stale_and_learners_still_hear_it(app, world):
    deeqa, coordinator = world["clients"]["instructor"], world["clients"]["coordinator"]
    assert record(deeqa, QUIZ, "option/finnish-course/text").status_code == 303
    assert record(deeqa, "welcome").status_code == 303
    assert {u.status for u in units(app) if u.recorded} == {"current"}
    assert edit(coordinator, f"{QUIZ}/option/finnish-course/text", "Naxwaha af-Finnishka").status_code == 303
    by_context = {u.context: u for u in units(app)}
    assert by_context[OPTION].status == "stale" and by_context[OPTION].stale
    assert by_context[OPTION].text == "Naxwaha af-Finnishka"
    assert by_context["start/01-welcome/welcome/text"].status == "current"  # another text: untouched
    page = deeqa.get(f"{BASE}/{QUIZ}/narration?text=option/finnish-course/text").get_data(as_text=True)
    assert "stale-recording" in page and "Naxwaha af-Finnishka" in page
    # a layout change (spaces, lines) is not a new wording; a word is
    assert edit(coordinator, f"{QUIZ}/option/finnish-course/text", "  Naxwaha \n af-Finnishka ").status_code == 303
    assert record(deeqa, QUIZ, "option/finnish-course/text").status_code == 303
    assert {u.context: u.status for u in units(app)}[OPTION] == "current"
    # the welcome step's Listen still plays its recording after its wording changed
    assert edit(coordinator, "welcome/text", "Ku soo dhawoow Askel.").status_code == 303
    assert {u.context: u.status for u in units(app)}["start/01-welcome/welcome/text"] == "stale"
    step = world["clients"]["learner"].get(f"/learn/{LESSON[0]}/{LESSON[1]}/steps/welcome").get_data(as_text=True)
    assert narration_url(app, "so") in step


def test_a_wording_changed_while_she_read_is_stale_at_once(app, world):
    deeqa = world["clients"]["instructor"]
    with app.test_request_context():
        shown = narration.text_hash("what she saw before the edit")
    assert record(deeqa, "welcome", wording=shown).status_code == 303
    assert {u.context: u.status for u in units(app)}["start/01-welcome/welcome/text"] == "stale"
    assert record(deeqa, "welcome", wording="not a hash").status_code == 303  # ignored: today's wording
    assert {u.context: u.status for u in units(app)}["start/01-welcome/welcome/text"] == "current"


def test_a_question_without_javascript_has_a_player_per_recorded_part(app, world):
    """Each recorded part is a plain <audio controls>, labelled, in play order; a part without a
    recording has none (the device's voice reads it when JavaScript runs); nothing preloads."""
    deeqa = world["clients"]["instructor"]
    assert record(deeqa, QUIZ).status_code == 303
    assert record(deeqa, QUIZ, "option/finnish-course/text").status_code == 303
    html = world["clients"]["learner"].get(f"/learn/{LESSON[0]}/{LESSON[1]}/steps/{QUIZ}").get_data(as_text=True)
    question, answer = narration_url(app, "so", step=QUIZ), narration_url(app, "so", context=OPTION)
    assert html.count('<audio class="listen-audio" controls preload="none"') == 2
    assert html.index(f'src="{question}"') < html.index(f'src="{answer}"')
    assert f'<li hidden data-listen-part="{LESSON[0]}/{LESSON[1]}/{QUIZ}/option/three-services/text"' in html
    assert f'data-voice="{OPTION}"' in html  # the answer's button, lit while its part plays
    assert 'preload="auto"' not in html and 'preload="metadata"' not in html


def test_a_reader_addressed_in_the_masculine_hears_a_recording_only_of_his_own_words(app, world):
    """Arabic recordings are read in the catalogs' wording (to a woman). A man whose text differs
    (the masculine overlay) gets the device's voice reading his own words; where his words are the
    same, he hears the recording."""
    from flask_babel import force_locale

    from workshop import i18n
    from workshop.extensions import db
    from workshop.models import User

    welcome = f"{LESSON[0]}/{LESSON[1]}/welcome/text"  # has a masculine form
    coordinator = world["clients"]["coordinator"]
    for step in ("welcome", QUIZ):
        response = coordinator.post(f"/review/ar/{LESSON[0]}/{LESSON[1]}/{step}/narration", content_type="multipart/form-data",
                                    data={"csrf_token": csrf_token(coordinator), "audio": (io.BytesIO(sounds.wav(1)), "n.wav")})
        assert response.status_code == 303
    recorded = narration_url(app, "ar", context=welcome)
    layla = world["arabic_learner"]
    assert f'src="{recorded}"' in layla.get(f"/learn/{LESSON[0]}/{LESSON[1]}/steps/welcome").get_data(as_text=True)
    with app.app_context():
        man = db.session.scalar(db.select(User).where(User.display_name == "Layla"))
        man.address = "masculine"
        db.session.commit()
    page = layla.get(f"/learn/{LESSON[0]}/{LESSON[1]}/steps/welcome").get_data(as_text=True)
    assert "<audio" not in page and f'data-listen-part="{welcome}" data-speak=' in page
    with app.test_request_context():
        units_ = {u.context: u for u in narration.units("ar", LESSON[0], LESSON[1]) if not u.masculine}
    question = narration_url(app, "ar", step=QUIZ)
    quiz_page = layla.get(f"/learn/{LESSON[0]}/{LESSON[1]}/steps/{QUIZ}").get_data(as_text=True)
    with app.test_request_context():
        with force_locale("ar"), i18n.force_address("masculine"):
            his = i18n.lesson_text(units_[f"{LESSON[0]}/{LESSON[1]}/{QUIZ}/question"].context,
                                   units_[f"{LESSON[0]}/{LESSON[1]}/{QUIZ}/question"].english)
    same = narration.text_hash(his) == narration.text_hash(units_[f"{LESSON[0]}/{LESSON[1]}/{QUIZ}/question"].text)
    assert (f'src="{question}"' in quiz_page) == same

    # His own recording of the welcome: he hears it, and she never does (she hears hers).
    response = coordinator.post(f"/review/ar/{LESSON[0]}/{LESSON[1]}/welcome/narration?variant=masculine",
                                content_type="multipart/form-data",
                                data={"csrf_token": csrf_token(coordinator), "audio": (io.BytesIO(sounds.wav(2)), "m.wav")})
    assert response.status_code == 303
    with app.app_context():
        from workshop.review.models import Narration

        row = db.session.scalar(db.select(Narration).where(Narration.locale == "ar", Narration.context == welcome,
                                                           Narration.variant == "masculine"))
    his_url = f"/review/narrations/ar/{row.filename}"
    assert his_url != recorded and narration_url(app, "ar", context=welcome) == recorded  # hers is kept
    page = layla.get(f"/learn/{LESSON[0]}/{LESSON[1]}/steps/welcome").get_data(as_text=True)
    assert f'src="{his_url}"' in page and f'src="{recorded}"' not in page
    with app.app_context():
        db.session.scalar(db.select(User).where(User.display_name == "Layla")).address = "feminine"
        db.session.commit()
    page = layla.get(f"/learn/{LESSON[0]}/{LESSON[1]}/steps/welcome").get_data(as_text=True)
    assert f'src="{recorded}"' in page and f'src="{his_url}"' not in page


def test_a_wrong_answer_s_feedback_plays_its_recording_beside_it(app, world):
    """The feedback on a wrong answer is recorded on its own; when it shows, a Listen box beside it
    plays that recording (by itself if she chose so: data-listen-first), else the device's voice
    reads it. The right answer has its Listen box too (never by itself)."""
    import re

    feedback = f"{LESSON[0]}/{LESSON[1]}/{QUIZ}/option/finnish-course/feedback"
    learner = world["clients"]["learner"]
    step_url = f"/learn/{LESSON[0]}/{LESSON[1]}/steps/{QUIZ}"

    def answer(value):
        html = learner.get(step_url).get_data(as_text=True)
        fields = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
                  "key": re.search(r'name="key" value="([^"]+)"', html).group(1), "answer": value}
        return learner.post(step_url, data=fields, follow_redirects=True).get_data(as_text=True)

    silent = answer("finnish-course")
    assert 'class="feedback feedback-wrong"' in silent and "data-listen-first" in silent
    assert f'<li hidden data-listen-part="{feedback}" data-speak=' in silent  # the device's voice reads it
    assert record(world["clients"]["instructor"], QUIZ, "option/finnish-course/feedback").status_code == 303
    heard = answer("finnish-course")
    url = narration_url(app, "so", context=feedback)
    box = heard[heard.index('class="feedback feedback-wrong"'):]
    assert f'data-listen-part="{feedback}"' in box and f'src="{url}"' in box
    assert box.index("data-listen-first") < box.index(f'src="{url}"') < box.index('class="options"')
    right = answer("three-services")
    assert "data-listen-first" not in right and "feedback-wrong" not in right
    assert right.count(f'data-listen-part="{LESSON[0]}/{LESSON[1]}/{QUIZ}/option/three-services/text"') == 2  # and the step's
