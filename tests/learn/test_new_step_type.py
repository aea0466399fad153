"""A new step type is one module and one template, nothing else.

The test adds a throw-away type the way a developer would: a class in a module of the step types'
package (here a folder outside the repository, added to the package's search path) and its
template, templates/learn/steps/<type>.html (a template folder outside the repository, searched by
the app). It is then loaded from a lesson, rendered, graded, extracted for translation and shown on
the review pages, and no file of the repository is written or needed.
"""
from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import csrf_token
from workshop.config import ROOT
from workshop.curriculum import STEP_TYPES, load_catalogue, steps
from workshop.curriculum.extract import extract_lessons
from workshop.extensions import db
from workshop.models import Progress, StepEvent

MODULE = '''"""`probe-word`: she writes a Finnish word she has just met."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Answer, LessonText, Outcome, Step, step_type


@step_type
@dataclass
class ProbeWord(Step):
    type: ClassVar[str] = "probe-word"
    interactive: ClassVar[bool] = True
    spoken_field: ClassVar[str] = "prompt"
    prompt: str = ""
    word: str = ""
    hint: str = ""

    @classmethod
    def read(cls, r, base):
        return cls(**base, prompt=r.text("prompt"), word=r.text("word"), hint=r.text("hint"))

    def texts(self):
        yield f"{self.context}/prompt", self.prompt, "What she should write."
        yield f"{self.context}/hint", self.hint, "Shown when the word is not right."
        yield from super().texts()

    def grade(self, answer: Answer) -> Outcome:
        if answer.value.strip().casefold() == self.word.casefold():
            return Outcome("answer", correct=True, completes=True, answer=self.word, show="ok")
        return Outcome("answer", correct=False, answer=answer.value[:64],
                       feedback=LessonText(f"{self.context}/hint", self.hint))

    def answered(self, value, done):
        return True if value == "ok" or (not value and done()) else None
'''

TEMPLATE = '''{% extends "learn/steps/_base.html" %}
{% block body %}
    <h2 class="question" id="question">{{ lt(step.context ~ '/prompt', step.prompt) }}</h2>
{% endblock %}
{% block answer %}
    {% if answered %}<p class="feedback feedback-right" role="status">{{ _("Right!") }} <span lang="fi">{{ step.word }}</span></p>
    {% else %}
    {% if feedback %}<p class="feedback feedback-wrong" role="alert">{{ feedback }}</p>{% endif %}
    <form method="post" action="{{ step_url }}" class="probe-word">
      <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
      <input type="hidden" name="key" value="{{ key }}">
      <input class="input" name="answer" lang="fi" aria-labelledby="question">
      <button class="button" type="submit">{{ _("Send") }}</button>
    </form>
    {% endif %}
{% endblock %}
'''

STEP = '''
[[steps]]
id = "say"
type = "probe-word"
picture = "start/welcome.svg"
alt = "A phone with a text field"
prompt = "Write the Finnish word for inbox."
word = "Saapuneet"
hint = "Look again: the word starts with S."

'''

REPO_PARTS = ("workshop", "templates", "lessons", "translations")


def repository_state() -> dict[str, tuple[int, int]]:
    """Every file the app is made of, with its size and modification time."""
    return {str(p.relative_to(ROOT)): (p.stat().st_size, p.stat().st_mtime_ns)
            for part in REPO_PARTS for p in sorted((ROOT / part).rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".mo"}


@pytest.fixture
def new_type(app, tmp_path, monkeypatch):
    """The developer's two files, the type registered, and a lesson that uses it."""
    before = repository_state()
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "probe_word.py").write_text(MODULE)
    template = tmp_path / "templates" / "learn" / "steps" / "probe-word.html"
    template.parent.mkdir(parents=True)
    template.write_text(TEMPLATE)
    created = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert created == ["steps/probe_word.py", "templates/learn/steps/probe-word.html"]

    # The module sits in the step types' package and the template in a template folder: as if
    # dropped into workshop/curriculum/steps/ and templates/learn/steps/.
    monkeypatch.setattr(steps, "__path__", [*steps.__path__, str(tmp_path / "steps")])
    monkeypatch.setattr(app.jinja_loader, "searchpath", [*app.jinja_loader.searchpath, str(tmp_path / "templates")])
    assert "probe-word" not in STEP_TYPES
    steps.discover()

    lessons = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", lessons)
    lesson_file = lessons / "start" / "01-welcome.toml"
    text = lesson_file.read_text()
    summary_at = text.index('[[steps]]\nid = "done"')  # before the summary, which stays last
    lesson_file.write_text(text[:summary_at] + STEP.lstrip("\n") + text[summary_at:])
    monkeypatch.setitem(app.extensions, "askel_catalogue", load_catalogue(lessons))
    app.extensions.pop("askel_players", None)
    try:
        yield {"lesson_file": lesson_file}
    finally:
        STEP_TYPES.pop("probe-word", None)
        sys.modules.pop(f"{steps.__name__}.probe_word", None)
        app.extensions.pop("askel_players", None)
    assert repository_state() == before, "the new step type needed a change in the repository"


def test_a_new_step_type_is_loaded_rendered_graded_extracted_and_reviewed(app, auth, coordinator, new_type):
    lesson = app.extensions["askel_catalogue"].lesson("start", "01-welcome")
    step = lesson.step("say")
    assert type(step).__name__ == "ProbeWord" and lesson.steps[-1].id == "done"

    # Rendered in the player, as a page and as the htmx fragment of the next step.
    client, uid, _code = auth.learner(locale="en")
    url = "/learn/start/01-welcome/steps/say"
    for headers in ({}, {"HX-Request": "true"}):
        html = client.get(url, headers=headers).get_data(as_text=True)
        assert "Write the Finnish word for inbox." in html and 'class="probe-word"' in html
        assert 'name="answer" lang="fi"' in html and 'data-speak="Write the Finnish word for inbox."' in html
        assert "Step 8 of 9" in html  # the player around it is the usual one
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)

    # Graded: a wrong word is recorded and explained; the right one completes the step.
    token = csrf_token(client, url)
    wrong = client.post(url, data={"csrf_token": token, "key": key, "answer": "Lähetetyt"})
    assert wrong.status_code == 200 and "Look again: the word starts with S." in wrong.get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', wrong.get_data(as_text=True)).group(1)
    right = client.post(url, data={"csrf_token": token, "key": key, "answer": " saapuneet "})
    assert right.status_code == 303 and right.headers["Location"].endswith(url + "?answered=ok")
    shown = client.get(url).get_data(as_text=True)  # coming back: her answer and a Next
    assert 'Right! <span lang="fi">Saapuneet</span>' in shown and "/learn/start/01-welcome/steps/done" in shown
    with app.app_context():
        events = db.session.execute(db.select(StepEvent.kind, StepEvent.answer, StepEvent.correct)
                                    .where(StepEvent.learner_id == uid).order_by(StepEvent.id)).all()
        assert [tuple(e) for e in events] == [("answer", "Lähetetyt", False), ("answer", "Saapuneet", True)]
        assert "say" in db.session.scalar(db.select(Progress.steps_done))

    # Extracted for translation by the lessons catalog extractor.
    with open(new_type["lesson_file"], "rb") as fh:
        extracted = {args[0]: (args[1], notes) for _line, _fn, args, notes in extract_lessons(fh, [], [], {})}
    assert extracted["start/01-welcome/say/prompt"] == ("Write the Finnish word for inbox.", ["What she should write."])
    assert extracted["start/01-welcome/say/hint"][0] == "Look again: the word starts with S."
    assert "start/01-welcome/say/alt" in extracted

    # Shown on the review pages: its texts to translate, and its text to record.
    coordinator, _uid = coordinator
    review = coordinator.get("/review/so/start/01-welcome/").get_data(as_text=True)
    assert 'id="step-say"' in review and "Write the Finnish word for inbox." in review
    assert "Look again: the word starts with S." in review
    narration = coordinator.get("/review/so/start/01-welcome/say/narration")
    assert narration.status_code == 200 and "Write the Finnish word for inbox." in narration.get_data(as_text=True)
