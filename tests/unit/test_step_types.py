"""Each step type grades an answer by itself, without HTTP: what is recorded, whether the step is
done, what she is told, and what the step shows when she comes back."""
from __future__ import annotations

import pytest

from workshop.curriculum import (STEP_TYPES, Answer, Choose, ContentError, Explain, Lesson, LessonText, Practice, Result,
                                 Summary, Tap, TASKS)

PICTURE = {"picture": "start/welcome.svg", "alt": "A picture"}


def lesson(*steps: dict) -> Lesson:
    return Lesson.from_dict({"title": "T", "summary": "S", "steps": [dict(PICTURE, **s) for s in steps]},
                            "course", "01-lesson", "course/01-lesson.toml")


def one(**step):
    return lesson(step).steps[0]


CHOOSE = dict(id="quiz", type="choose", question="Which one?", options=[
    {"id": "right", "text": "This one", "correct": True},
    {"id": "wrong", "text": "That one", "feedback": "No: that one is for something else."},
])
TAP = dict(id="find", type="tap", question="Tap Saapuneet", targets=[
    {"id": "inbox", "label": "Saapuneet", "area": [1, 1, 3, 2], "correct": True},
    {"id": "sent", "label": "Lähetetyt", "area": [1, 4, 3, 2], "feedback": "That is the sent messages."},
])


def never() -> bool:
    raise AssertionError("this step needed no look at her progress")


def test_the_built_in_types_are_registered_by_name():
    assert {"explain", "choose", "tap", "practice", "summary"} <= set(STEP_TYPES)
    assert STEP_TYPES["summary"] is Summary


@pytest.mark.parametrize("data,kind", [(CHOOSE, Choose), (TAP, Tap)])
def test_a_question_grades_right_wrong_and_no_answer(data, kind):
    step = one(**data)
    assert isinstance(step, kind)
    right_id, wrong_id = step.answers()[0].id, step.answers()[1].id

    right = step.grade(Answer(right_id))
    assert (right.kind, right.answer, right.correct, right.completes, right.show) == ("answer", right_id, True, True, right_id)
    assert right.feedback is None

    wrong = step.grade(Answer(wrong_id))
    assert (wrong.kind, wrong.answer, wrong.correct, wrong.completes) == ("answer", wrong_id, False, False)
    part = "option" if kind is Choose else "target"
    assert wrong.feedback == LessonText(f"course/01-lesson/{step.id}/{part}/{wrong_id}/feedback",
                                        step.answers()[1].feedback)

    for nothing in ("", "no-such-answer"):
        none = step.grade(Answer(nothing))
        assert none.kind is None and not none.completes  # nothing is recorded
        assert str(none.feedback) == "Please choose one answer."


@pytest.mark.parametrize("data", [CHOOSE, TAP])
def test_a_question_shows_her_right_answer_when_she_comes_back(data):
    step = one(**data)
    right, wrong = step.answers()
    assert step.answered(right.id, never) is right  # just answered: no need to ask her progress
    assert step.answered(wrong.id, never) is None
    assert step.answered(None, lambda: True) is right  # Back or a reload, the step done before
    assert step.answered("", lambda: False) is None


def test_practice_is_graded_by_its_task_check_reading_the_learner():
    seen = []

    def check(learner):
        seen.append(learner)
        return Result(done=learner["done"], hint=learner.get("hint", ""))

    TASKS["probe.sent_it"] = check
    try:
        step = one(id="go", type="practice", goal="Send it.", task="probe.sent_it", start="inbox")
        assert isinstance(step, Practice) and step.practises and list(step.tasks()) == ["probe.sent_it"]

        done = step.grade(Answer("ignored: a flag from the browser", {"done": True}))
        assert (done.kind, done.answer, done.correct, done.completes, done.show) == ("task", "probe.sent_it", True, True, "task")
        assert seen == [{"done": True}]

        hinted = step.grade(Answer("", {"done": False, "hint": "Open the message first."}))
        assert (hinted.kind, hinted.correct, hinted.completes) == ("task", False, False)
        assert hinted.feedback == "Open the message first."
        assert str(step.grade(Answer("", {"done": False})).feedback) == "Not yet. Open the practice and try the task again."
    finally:
        del TASKS["probe.sent_it"]
    assert step.answered("task", lambda: True) is True
    assert step.answered("task", lambda: False) is None
    assert step.answered("other", never) is None


@pytest.mark.parametrize("kind", [Explain, Summary])
def test_reading_a_step_is_doing_it(kind):
    step = one(id="read", type=kind.type, text="Some text.\n\nMore.")
    outcome = step.grade(Answer("anything"))
    assert (outcome.kind, outcome.completes, outcome.show, outcome.feedback) == ("next", True, None, None)
    assert step.answered("x", never) is None and step.answered(None, never) is None
    assert not step.practises and not step.interactive


def test_each_type_says_what_listen_reads_and_names_its_template():
    explain = one(id="a", type="explain", text="Read me.")
    practice = one(id="b", type="practice", goal="Do it.", task="mail.x")
    question = one(**CHOOSE)
    assert explain.spoken() == LessonText("course/01-lesson/a/text", "Read me.")
    assert practice.spoken() == LessonText("course/01-lesson/b/goal", "Do it.")
    assert question.spoken() == LessonText("course/01-lesson/quiz/question", "Which one?")
    assert [explain.template, question.template] == ["learn/steps/explain.html", "learn/steps/choose.html"]
    assert [c for c, _en, _note in question.texts()] == [
        "course/01-lesson/quiz/question", "course/01-lesson/quiz/option/right/text", "course/01-lesson/quiz/option/wrong/text",
        "course/01-lesson/quiz/option/wrong/feedback", "course/01-lesson/quiz/alt"]


def test_a_summary_must_be_the_last_step():
    summary = dict(id="done", type="summary", text="Well done.")
    assert isinstance(lesson(dict(id="a", type="explain", text="x"), summary).steps[-1], Summary)
    with pytest.raises(ContentError) as info:
        lesson(summary, dict(id="later", type="explain", text="x"))
    assert "step 'done'" in str(info.value) and "field 'type'" in str(info.value)
    assert "'later' follows it" in str(info.value)


def test_every_text_a_learner_reads_on_a_step_is_narrated_in_every_lesson(app):
    """A narrator records every text of every step (the play-through's first, each once), all but the
    picture's description, which only a screen reader reads: a wrong answer's feedback and a tap
    spot's label included, whatever the step's type."""
    seen_fields = set()
    for lesson_ in app.extensions["askel_catalogue"].lessons():
        for step in lesson_.steps:
            narrated = [text.context for text in step.narrated()]
            assert narrated[:len(step.voiced())] == [text.context for text in step.voiced()]
            assert sorted(narrated) == sorted(c for c, _en, _note in step.texts() if not c.endswith("/alt")), step.context
            seen_fields.update(c.split("/", 3)[3].split("/")[-1] for c in narrated)
    assert {"text", "question", "goal", "feedback", "label"} <= seen_fields
