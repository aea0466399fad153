"""Lesson files: the real ones are valid, and broken ones fail naming file, step and field."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from workshop.config import ROOT
from workshop.curriculum import ContentError, load_catalogue
from workshop.curriculum.model import STEP_TYPES, Step
from workshop.sims import discover

LESSONS = ROOT / "lessons"


@pytest.fixture
def lessons_copy(tmp_path) -> Path:
    discover()  # the sims register the task checks that practice steps name, whatever ran before here
    target = tmp_path / "lessons"
    shutil.copytree(LESSONS, target)
    return target


def run_check(app, folder: Path):
    runner = CliRunner()
    from flask.cli import ScriptInfo

    return runner.invoke(app.cli, ["check-content", str(folder)], obj=ScriptInfo(create_app=lambda: app))


def test_real_lessons_are_valid():
    discover()  # the sims register the task checks that practice steps name
    catalogue = load_catalogue(LESSONS)
    assert [c.id for c in catalogue.courses] == ["phone", "start", "email", "bank", "wilma", "kela"]  # phone basics first
    for lesson in catalogue.lessons():
        assert all(step.picture for step in lesson.steps), lesson.key
        ids = [s.id for s in lesson.steps]
        assert len(ids) == len(set(ids))


def test_check_content_command_passes(app):
    result = run_check(app, LESSONS)
    assert result.exit_code == 0, result.output
    assert "all valid" in result.output


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def test_missing_field_names_file_step_and_field(app, lessons_copy):
    lesson = lessons_copy / "start" / "01-welcome.toml"
    step_id = load_catalogue(LESSONS).lesson("start", "01-welcome").steps[0].id
    text = lesson.read_text()
    start = text.index(f'id = "{step_id}"')
    alt_at = text.index("alt = ", start)
    line_end = text.index("\n", alt_at)
    lesson.write_text(text[:alt_at] + text[line_end + 1:])
    result = run_check(app, lessons_copy)
    assert result.exit_code != 0
    assert "start/01-welcome.toml" in result.output
    assert f"step '{step_id}'" in result.output and "field 'alt'" in result.output and "missing" in result.output


def test_duplicate_step_id_is_refused(app, lessons_copy):
    lesson = lessons_copy / "email" / "02-inbox.toml"
    steps = load_catalogue(LESSONS).lesson("email", "02-inbox").steps
    _edit(lesson, f'id = "{steps[1].id}"', f'id = "{steps[0].id}"')
    result = run_check(app, lessons_copy)
    assert result.exit_code != 0
    assert "email/02-inbox.toml" in result.output and "field 'id'" in result.output and "duplicate" in result.output


def test_missing_picture_is_refused(app, lessons_copy):
    catalogue = load_catalogue(LESSONS)
    step = catalogue.lesson("wilma", "01-what-is-wilma").steps[2]
    (lessons_copy / "media" / step.picture).unlink()
    result = run_check(app, lessons_copy)
    assert result.exit_code != 0
    assert "wilma/01-what-is-wilma.toml" in result.output
    assert "field 'picture'" in result.output and step.picture in result.output


@pytest.mark.parametrize("old,new,message", [
    ('type = "choose"', 'type = "dance"', "unknown step type"),
    ("correct = true", 'correct = "yes"', "should be bool"),
])
def test_other_mistakes_are_named(lessons_copy, old, new, message):
    _edit(lessons_copy / "start" / "01-welcome.toml", old, new)
    with pytest.raises(ContentError) as info:
        load_catalogue(lessons_copy)
    assert "start/01-welcome.toml" in str(info.value) and message in str(info.value)


def test_unknown_glossary_term_and_bad_toml(lessons_copy):
    path = lessons_copy / "email" / "01-what-is-email.toml"
    _edit(path, 'terms = ["', 'terms = ["no-such-term", "')
    with pytest.raises(ContentError, match="no-such-term"):
        load_catalogue(lessons_copy)
    path.write_text("title = ")
    with pytest.raises(ContentError, match="not valid TOML"):
        load_catalogue(lessons_copy)


def test_unknown_practice_task_is_refused(lessons_copy):
    @dataclass
    class Probe(Step):
        type: ClassVar[str] = "probe-task"
        task: str = ""

        @classmethod
        def read(cls, r, base):
            return cls(**base, task=r.text("task"))

        def tasks(self):
            yield self.task

    STEP_TYPES[Probe.type] = Probe
    try:
        path = lessons_copy / "email" / "03-reading.toml"  # a lesson without a summary, which must stay last
        path.write_text(path.read_text() + '\n[[steps]]\nid = "probe"\ntype = "probe-task"\npicture = "start/welcome.svg"\nalt = "x"\ntask = "mail.nothing"\n')
        with pytest.raises(ContentError, match="no task check named 'mail.nothing'"):
            load_catalogue(lessons_copy)
    finally:
        del STEP_TYPES[Probe.type]


def test_a_fresh_process_starts_and_checks_the_content(tmp_path):
    """The sims register their task checks before the lessons that name them are validated."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "ASKEL_INSTANCE": str(tmp_path), "FLASK_APP": "workshop"}
    result = subprocess.run([sys.executable, "-m", "flask", "check-content"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "all valid" in result.stdout


def test_a_summary_step_that_is_not_last_fails_the_content_check(app, lessons_copy):
    """'Well done. You learned: …' closes a lesson: a step after it (a practice, say) is refused."""
    path = lessons_copy / "bank" / "01-what-is-online-banking.toml"
    text = path.read_text()
    summary_at = text.index('[[steps]]\nid = "done"')
    path.write_text(text[:summary_at] + text[summary_at:].rstrip("\n") + "\n\n" + text[text.rindex("[[steps]]", 0, summary_at):summary_at].replace('id = "practice-sign-in"', 'id = "practice-again"'))
    result = run_check(app, lessons_copy)
    assert result.exit_code != 0
    assert "bank/01-what-is-online-banking.toml" in result.output and "step 'done'" in result.output
    assert "summary step comes last" in result.output and "'practice-again' follows it" in result.output


def test_every_well_done_step_is_a_summary():
    """The summaries are marked as such (so the rule above applies to them): each text that says
    what she learned is a summary step, and it is the last step of its lesson."""
    from workshop.curriculum import Summary
    from workshop.sims import discover

    discover()
    summaries = 0
    for lesson in load_catalogue(LESSONS).lessons():
        for n, step in enumerate(lesson.steps):
            says_learned = "You learned:" in getattr(step, "text", "")
            assert says_learned == isinstance(step, Summary), f"{lesson.key}/{step.id}"
            if says_learned:
                summaries += 1
                assert n == len(lesson.steps) - 1, f"{lesson.key}: the summary '{step.id}' is not last"
    assert summaries >= 17


def test_the_decision_lesson_says_no_paper_letter_comes(app):
    """Since 15.1.2026 Kela sends decisions and letters only to OmaKela when she uses it, and the notice
    comes to Suomi.fi Messages, or by e-mail or text message (Kela's press release, 14.1.2026:
    https://www.sttinfo.fi/tiedote/71733736/paperiposti-vaistyy-kelan-kirjeet-tulevat-jatkossa-vain-omakelaan)."""
    step = next(s for s in app.extensions["askel_catalogue"].course("kela").lesson("06-decision").steps
                if s.id == "where")
    assert "no paper letter comes" in step.text
    assert "Suomi.fi-viestit" in step.text and "Open OmaKela yourself" in step.text
