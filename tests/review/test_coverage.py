"""Coverage: per language, course and lesson, how many texts have a recording and how many need
recording again; shown to instructors with narration rights (their languages) and the coordinator
(every language), correct for fixed data, updated when a wording changes, at a cost flat in the
number of texts and recordings."""
from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import pytest

from tests.conftest import csrf_token, recorded_queries, rows_fetched
from tests.review import sounds
from tests.review.helpers import LESSON, grant, make_world, said, said_n, stored_narration
from workshop.review import narration

COURSE, LESSON_ID = LESSON
BASE = f"/review/so/{COURSE}/{LESSON_ID}"
# (step, text) recorded by the test: an explain step's text, a question, one answer
RECORDED = [("welcome", None), ("quiz-what", None), ("quiz-what", "option/finnish-course/text")]


def texts_in_file(app, course: str, lesson: str) -> int:
    """The texts to record, counted from the lesson file itself: one per step (its text, question or
    goal), plus each answer of a choose step and each spot's label of a tap step, plus the feedback
    of every wrong answer or spot (an oracle independent of the code under test)."""
    data = tomllib.loads((Path(app.config["LESSONS_DIR"]) / course / f"{lesson}.toml").read_text())
    count = 0
    for step in data["steps"]:
        answers = step.get("options", []) + step.get("targets", [])
        count += 1 + len(answers) + sum(1 for answer in answers if answer.get("feedback", "").strip())
    return count


def texts_in_course(app, course: str) -> int:
    lessons = tomllib.loads((Path(app.config["LESSONS_DIR"]) / course / "course.toml").read_text())["lessons"]
    return sum(texts_in_file(app, course, lesson) for lesson in lessons)


@pytest.fixture
def world(app, factory):
    world = make_world(app, factory)
    for step, text in RECORDED:
        query = f"?text={text}" if text else ""
        client = world["clients"]["instructor"]
        response = client.post(f"{BASE}/{step}/narration{query}", content_type="multipart/form-data", data={
            "csrf_token": csrf_token(client), "audio": (io.BytesIO(sounds.wav(1)), "n.wav")})
        assert response.status_code == 303
    return world


def coverage(app, locale="so"):
    with app.test_request_context():
        return narration.coverage(locale)


def figures(html: str, locale: str, row: str) -> str:
    """The text of one cell (data-<row> ... data-locale) of a coverage table, tags removed."""
    match = re.search(rf'{row}>.*?<td data-locale="{locale}">(.*?)</td>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_figures_for_fixed_data(app, world):
    counts = coverage(app)
    lesson_total = texts_in_file(app, COURSE, LESSON_ID)
    assert lesson_total == 14  # 5 explain, a summary, two questions with two answers each and one feedback
    lesson = counts[(COURSE, LESSON_ID)]
    assert (lesson.total, lesson.recorded, lesson.current, lesson.stale, lesson.missing) == (14, 3, 3, 0, 11)
    course = counts[(COURSE,)]
    assert (course.total, course.recorded) == (texts_in_course(app, COURSE), 3)
    everything = counts[()]
    assert everything.total == sum(texts_in_course(app, c.id) for c in app.extensions["askel_catalogue"].courses)
    assert everything.recorded == 3
    assert all(c.recorded == 0 for key, c in counts.items() if key and key[0] != COURSE)
    assert coverage(app, "ar")[()].recorded == 0  # another language: nothing recorded

    page = world["clients"]["instructor"].get("/review/recordings").get_data(as_text=True)
    course_total = texts_in_course(app, COURSE)
    assert figures(page, "so", f'data-course="{COURSE}"') == said_n(
        app, "so", "%(recorded)s of %(num)s text recorded", "%(recorded)s of %(num)s texts recorded", course_total,
        recorded=3)
    assert '<td data-locale="ar">' not in page  # her grant is Somali only
    lessons = world["clients"]["instructor"].get(f"/review/courses/{COURSE}/recordings").get_data(as_text=True)
    assert figures(lessons, "so", f'data-lesson="{LESSON_ID}"') == said_n(
        app, "so", "%(recorded)s of %(num)s text recorded", "%(recorded)s of %(num)s texts recorded", 14, recorded=3)
    assert lessons.count('class="has-recording"') == 3 and lessons.count('class="no-recording"') == course_total - 3


def test_a_wording_change_is_counted_as_record_again(app, world):
    coordinator = world["clients"]["coordinator"]
    edit = coordinator.post(f"{BASE}/edit/quiz-what/option/finnish-course/text",
                            data={"csrf_token": csrf_token(coordinator), "text": "Naxwaha af Finnish"})
    assert edit.status_code == 303
    lesson = coverage(app)[(COURSE, LESSON_ID)]
    assert (lesson.recorded, lesson.current, lesson.stale, lesson.missing) == (3, 2, 1, 11)
    page = coordinator.get("/review/recordings").get_data(as_text=True)  # the coordinator: every language
    cell = figures(page, "so", f'data-course="{COURSE}"')
    assert said_n(app, "en", "%(num)s text to record again", "%(num)s texts to record again", 1) in cell
    assert all(f'<td data-locale="{loc}">' in page for loc in ("so", "ar", "fi", "en"))
    assert 'href="/review/recordings"' in coordinator.get("/admin/").get_data(as_text=True)  # a tab of her pages
    lessons = coordinator.get(f"/review/courses/{COURSE}/recordings").get_data(as_text=True)
    assert lessons.count('class="stale-recording"') == 3  # the lesson's count, the course's, the text's cell
    # recorded again: current once more
    deeqa = world["clients"]["instructor"]
    again = deeqa.post(f"{BASE}/quiz-what/narration?text=option/finnish-course/text", content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(deeqa), "audio": (io.BytesIO(sounds.wav(1)), "n.wav")})
    assert again.status_code == 303
    assert coverage(app)[(COURSE, LESSON_ID)].stale == 0


def test_an_instructor_without_narration_rights_sees_no_figures(app, world):
    from tests.conftest import staff_client

    grant(app, world["deeqa"], "so", rights=("wording",))
    page = staff_client(app, "deeqa").get("/review/recordings").get_data(as_text=True)
    assert "<table" not in page and 'class="notice"' in page


def test_the_cost_is_flat_in_texts_and_recordings(app, world):
    coordinator = world["clients"]["coordinator"]
    coordinator.get("/review/recordings")  # the snapshot is read once

    def cost(path):
        with recorded_queries(app) as statements, rows_fetched(app) as rows:
            assert coordinator.get(path).status_code == 200
        return len(statements), rows[0]

    before = cost("/review/recordings"), cost(f"/review/courses/{COURSE}/recordings")
    catalogue = app.extensions["askel_catalogue"]
    for lesson in catalogue.course("email").lessons:
        for step in lesson.steps:
            for text in step.voiced():
                stored_narration(app, "ar", text.context)
    coordinator.get("/review/recordings")
    after = cost("/review/recordings"), cost(f"/review/courses/{COURSE}/recordings")
    assert after == before
    assert before[0][0] <= 6 and before[1][0] <= 6


TAP = ("email", "03-reading", "tap-sender")  # a tap step: two spots, the wrong one with feedback


def record_text(client, locale: str, lesson: tuple[str, str], step: str, field: str | None = None, **query):
    args = "&".join(f"{k}={v}" for k, v in {"text": field, **query}.items() if v)
    response = client.post(f"/review/{locale}/{lesson[0]}/{lesson[1]}/{step}/narration" + (f"?{args}" if args else ""),
                           content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(client), "audio": (io.BytesIO(sounds.wav(1)), "n.wav")})
    return response


def test_feedback_and_spot_labels_are_texts_to_record_and_counted(app, world):
    """A wrong answer's feedback and a tap step's spot labels are read by the learner: each is a text
    of its own to record (after the step's play-through texts), counted, and recorded on its page."""
    deeqa = world["clients"]["instructor"]
    assert record_text(deeqa, "so", LESSON, "quiz-what", "option/finnish-course/feedback").status_code == 303
    lesson = coverage(app)[(COURSE, LESSON_ID)]
    assert (lesson.total, lesson.recorded, lesson.missing) == (14, 4, 10)

    tap_lesson = TAP[:2]
    with app.test_request_context():
        fields = [u.field for u in narration.units("so", *tap_lesson) if u.step.id == TAP[2]]
    assert fields[:4] == ["question", "target/sender/label", "target/subject/label", "target/subject/feedback"]
    assert "target/sender/feedback" not in fields  # the right spot has none
    assert coverage(app)[tap_lesson].total == texts_in_file(app, *tap_lesson)
    for field in ("target/sender/label", "target/subject/feedback"):
        assert record_text(deeqa, "so", tap_lesson, TAP[2], field).status_code == 303
    assert coverage(app)[tap_lesson].recorded == 2
    assert deeqa.get(f"/review/so/{TAP[0]}/{TAP[1]}/{TAP[2]}/narration?text=alt").status_code == 404

    page = deeqa.get(f"/review/courses/{COURSE}/recordings").get_data(as_text=True)
    assert said(app, "so", "Answer %(number)s: why it is wrong", number=2) in page
    email = deeqa.get("/review/courses/email/recordings").get_data(as_text=True)
    assert said(app, "so", "Spot %(number)s", number=1) in email
    assert said(app, "so", "Spot %(number)s: why it is wrong", number=2) in email
    session = deeqa.get("/review/so/session/record?course=email").get_data(as_text=True)
    assert f'data-context="{"/".join(TAP)}/target/subject/feedback"' in session


def masculine_texts(app, lesson_key: str) -> set[str]:
    """The lesson's texts to record whose Arabic wording to a man differs from the catalogs', read
    from the two catalogs themselves (an oracle independent of the code under test)."""
    from babel.messages.pofile import read_po

    root = Path(app.root_path).parent / "translations" / "ar" / "LC_MESSAGES"
    with open(root / "lessons.po", "rb") as f:
        hers = {m.context: m.string for m in read_po(f) if m.context}
    with open(root / "lessons-masculine.po", "rb") as f:
        his = {m.context: m.string for m in read_po(f) if m.context and m.string}
    return {c for c, text in his.items() if c.startswith(lesson_key + "/") and c.count("/") >= 3
            and not c.endswith("/alt") and " ".join(text.split()) != " ".join((hers.get(c) or "").split())}


def test_masculine_wording_is_a_text_of_its_own_counted_and_record_again_when_it_changes(app, world, monkeypatch):
    from flask_babel import force_locale

    from workshop import i18n

    expected = masculine_texts(app, f"{COURSE}/{LESSON_ID}")
    assert expected, "the lesson has texts addressed to the learner"
    with app.test_request_context():
        found = narration.units("ar", COURSE, LESSON_ID)
    his = [u for u in found if u.masculine]
    assert {u.context for u in his} == expected
    assert coverage(app, "ar")[(COURSE, LESSON_ID)].total == 14 + len(expected)
    index = {u.key: n for n, u in enumerate(found)}
    assert all(index[u.key] == index[(u.context, "")] + 1 for u in his)  # right after her wording
    assert coverage(app, "so")[(COURSE, LESSON_ID)].total == 14  # Somali has no masculine wording

    rasha = world["clients"]["other_instructor"]
    welcome = next(u for u in his if u.step.id == "welcome")
    assert record_text(rasha, "ar", LESSON, "welcome", variant="masculine").status_code == 303
    counts = coverage(app, "ar")[(COURSE, LESSON_ID)]
    assert (counts.recorded, counts.current, counts.stale) == (1, 1, 0)
    with app.test_request_context():
        assert narration.find("ar", welcome.context).status == narration.MISSING  # hers is still to record
        assert narration.find("ar", welcome.context, "masculine").status == narration.CURRENT
    quiz_option = f"{COURSE}/{LESSON_ID}/quiz-what/option/three-services"
    if f"{quiz_option}/text" not in expected:  # the same words to a man: no masculine text to record
        assert rasha.get(f"/review/ar/{COURSE}/{LESSON_ID}/quiz-what/narration?text=option/three-services/text"
                         "&variant=masculine").status_code == 404
    page = rasha.get(f"/review/courses/{COURSE}/recordings").get_data(as_text=True)
    masculine_label = said(app, "ar", "%(text)s, to a man (masculine)").replace("%(text)s", said(app, "ar", "Text"))
    assert masculine_label in page
    session = rasha.get(f"/review/ar/session/record?course={COURSE}").get_data(as_text=True)
    assert session.count('data-variant="masculine"') == sum(1 for u in narration_units(app, "ar") if u.masculine)
    assert said(app, "ar", "Masculine: read to a man") in session

    # The masculine catalog's wording changes (a new translation): his recording is "record again".
    with app.test_request_context(), force_locale("ar"), i18n.force_address("masculine"):
        catalog = i18n.lessons_domain.get_translations()
    monkeypatch.setitem(catalog._catalog, f"{welcome.context}\x04{welcome.english}", welcome.text + " جديد")
    counts = coverage(app, "ar")[(COURSE, LESSON_ID)]
    assert (counts.recorded, counts.current, counts.stale) == (1, 0, 1)
    assert 'class="stale-recording"' in rasha.get(f"/review/courses/{COURSE}/recordings").get_data(as_text=True)


def narration_units(app, locale):
    with app.test_request_context():
        return narration.units(locale, COURSE)
