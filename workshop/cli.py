"""flask commands: demo data, content check, backup and restore, translation catalogs."""
from __future__ import annotations

import json
import secrets
import sys
from datetime import time, timedelta
from pathlib import Path

import click
from flask import Flask, current_app

from . import backup, clock, i18n_tools
from .curriculum import ContentError, load_catalogue
from .extensions import db
from .review.models import set_grants
from .models import (
    Assignment, Enrollment, HelpRequest, Progress, Role, Status, StepEvent, User, Workshop, format_code, utcnow,
)

SOMALI_NAMES = ["Amina", "Hodan", "Faadumo", "Sahra", "Ubax", "Hibaaq", "Nimco", "Ifrah"]
ARABIC_NAMES = ["Fatima", "Mariam", "Huda", "Noor", "Rania", "Salma", "Yasmin", "Leila"]
DEMO_FILE = "demo-sign-ins.txt"
DEMO_DATA_FILE = "demo-sign-ins.json"  # the sign-ins without an address: links follow the port of each run


def create_demo_data(password_factory=None) -> dict:
    """A coordinator, two instructors, a Somali and an Arabic group of eight with some progress.

    Returns every sign-in in clear text, the only time the codes exist unhashed.
    """
    password_factory = password_factory or (lambda: secrets.token_urlsafe(9))
    catalogue = current_app.extensions["askel_catalogue"]
    today = clock.today()
    credentials: dict = {"staff": [], "groups": []}

    def staff(username: str, name: str, role: Role, locale: str) -> User:
        user = User(role=role, display_name=name, username=username, locale=locale)
        password = password_factory()
        user.set_password(password)
        db.session.add(user)
        credentials["staff"].append({"username": username, "password": password, "role": str(role), "name": name})
        return user

    staff("liisa", "Liisa", Role.COORDINATOR, "fi")
    deeqa = staff("deeqa", "Deeqa", Role.INSTRUCTOR, "so")
    rasha = staff("rasha", "Rasha", Role.INSTRUCTOR, "ar")
    db.session.flush()
    # the coordinator's grants: each reviews her own language
    set_grants(deeqa.id, {("so", "wording"), ("so", "narration")})
    set_grants(rasha.id, {("ar", "wording"), ("ar", "narration")})

    lessons = list(catalogue.lessons())
    groups = [
        ("Itäkeskus, tiistai", "so", "Itäkeskus library", 1, time(10, 0), deeqa, SOMALI_NAMES),
        ("Vuosaari, torstai", "ar", "Vuosaari house of culture", 3, time(13, 0), rasha, ARABIC_NAMES),
    ]
    for name, language, location, weekday, at, instructor, names in groups:
        workshop = Workshop(
            name=name, language=language, location=location, weekday=weekday, start_time=at,
            starts_on=today - timedelta(weeks=3), ends_on=today + timedelta(weeks=15),
        )
        workshop.instructors.append(instructor)
        for n, lesson in enumerate(lessons):
            workshop.assignments.append(Assignment(course=lesson.course, lesson=lesson.id, week=1 + n // 2))
        db.session.add(workshop)
        group = {"name": name, "language": language, "instructor": instructor.username, "learners": []}
        for n, first_name in enumerate(names):
            learner = User(role=Role.LEARNER, display_name=first_name)
            code, token = learner.issue_code()
            enrollment = Enrollment(workshop=workshop, learner=learner)
            db.session.add_all([learner, enrollment])
            group["learners"].append({"name": first_name, "code": format_code(code), "card": f"/card/{token}"})
            _demo_progress(enrollment, lessons, n)
        credentials["groups"].append(group)
    db.session.flush()
    first = db.session.scalar(db.select(Enrollment).join(Workshop).where(Workshop.language == "so").order_by(Enrollment.id))
    lesson = lessons[0]
    db.session.add(HelpRequest(enrollment=first, course=lesson.course, lesson=lesson.id, step=lesson.steps[1].id))
    db.session.commit()
    return credentials


def _demo_progress(enrollment: Enrollment, lessons, n: int) -> None:
    """Learners 0-2 finished the first lesson, 3-4 are in the middle of it, the rest have not started."""
    if n >= 5:
        return
    db.session.flush()
    lesson = lessons[0]
    finished = n < 3
    steps = lesson.steps if finished else lesson.steps[:2]
    when = utcnow() - timedelta(days=7)
    for step in steps:
        db.session.add(StepEvent(
            learner_id=enrollment.learner_id, enrollment_id=enrollment.id, course=lesson.course,
            lesson=lesson.id, step=step.id, kind="answer" if step.interactive else "next",
            correct=True if step.interactive else None, idempotency_key=f"demo-{step.id}", created_at=when,
        ))
    db.session.add(Progress(
        enrollment_id=enrollment.id, course=lesson.course, lesson=lesson.id,
        status=Status.DONE if finished else Status.IN_PROGRESS,
        current_step=lesson.steps[-1].id if finished else lesson.steps[2].id,
        steps_done=[s.id for s in steps], started_at=when, updated_at=when,
        completed_at=when if finished else None,
    ))


def format_credentials(credentials: dict, base_url: str = "http://127.0.0.1:5000") -> str:
    lines = ["Askel demo sign-ins (practice data only)", ""]
    lines.append(f"Staff sign in at {base_url}/staff/sign-in")
    for s in credentials["staff"]:
        lines.append(f"  {s['role']:<12} {s['name']:<8} username: {s['username']:<8} password: {s['password']}")
    for group in credentials["groups"]:
        lines += ["", f"Group {group['name']} ({group['language']}), instructor {group['instructor']}",
                  f"  Learners sign in at {base_url}/sign-in with their code, or open the card link:"]
        for learner in group["learners"]:
            lines.append(f"  {learner['name']:<8} code: {learner['code']}   card: {base_url}{learner['card']}")
    return "\n".join(lines) + "\n"


def init_app(app: Flask) -> None:
    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Do nothing (but show the saved sign-ins) if there are users already.")
    @click.option("--served-at", default="http://127.0.0.1:5000", show_default=True,
                  help="Where the site runs, for the printed links (ASKEL_PUBLIC_URL, when set, wins).")
    def demo_data(if_empty: bool, served_at: str) -> None:
        """Create demo groups and print every sign-in (also saved in instance/demo-sign-ins.txt)."""
        base_url = current_app.config["PUBLIC_URL"] or served_at.rstrip("/")
        saved = Path(current_app.instance_path) / DEMO_FILE
        kept = Path(current_app.instance_path) / DEMO_DATA_FILE
        if db.session.scalar(db.select(db.func.count(User.id))):
            if not if_empty:
                raise click.ClickException("The database has users already; demo data goes into an empty database.")
            if kept.exists():  # shown again with the links of this run's address
                text = format_credentials(json.loads(kept.read_text()), base_url)
                backup.private_file(saved, text.encode())
                click.echo(text)
            else:
                click.echo(saved.read_text() if saved.exists() else "The database has users already.")
            return
        credentials = create_demo_data()
        text = format_credentials(credentials, base_url)
        backup.private_file(kept, json.dumps(credentials, ensure_ascii=False).encode())
        backup.private_file(saved, text.encode())
        click.echo(text)

    @app.cli.command("check-content")
    @click.argument("lessons_dir", required=False, type=click.Path(file_okay=False))
    def check_content(lessons_dir: str | None) -> None:
        """Validate every course, lesson, picture, glossary term and task check."""
        try:
            catalogue = load_catalogue(lessons_dir or current_app.config["LESSONS_DIR"])
        except ContentError as exc:
            click.echo(f"check-content: {exc}", err=True)
            sys.exit(1)
        lessons = list(catalogue.lessons())
        steps = sum(len(lesson.steps) for lesson in lessons)
        click.echo(f"check-content: {len(catalogue.courses)} courses, {len(lessons)} lessons, {steps} steps: all valid")

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
    def backup_command(destination: Path) -> None:
        """Back up the database (consistently, while the site runs), the recorded narrations and the
        secret key into a new owner-only folder, with a manifest of checksums (workshop/backup.py)."""
        try:
            manifest = backup.make_backup(destination)
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        rows = sum(manifest["rows"].values())
        click.echo(f"backup: {rows} rows, {len(manifest['files']) - 2} narrations and the secret key -> {destination}\n"
                   f"  It holds the secret key: keep it as safe as the site itself.")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask: replace the current database and narrations.")
    def restore_command(source: Path, yes: bool) -> None:
        """Check a backup made by `flask backup` completely, then replace the database, the narrations
        and the secret key with it (stop the site first). A damaged backup changes nothing."""
        try:
            checked = backup.check_backup(source)
            if not yes:
                click.confirm(f"Replace the database, the narrations and the secret key with {source}?", abort=True)
            notes = backup.restore(checked)
        except backup.BackupError as exc:
            raise click.ClickException(f"restore refused: {exc} Nothing was changed.") from None
        for note in notes:
            click.echo(f"Note: {note}", err=True)
        click.echo(f"restore: {source} checked and restored (database, narrations, secret key)")

    @app.cli.command("i18n")
    @click.argument("action", type=click.Choice(["extract", "update", "compile", "all"]))
    def i18n_command(action: str) -> None:
        """Translation catalogs: extract the .pot files, update the .po files, compile the .mo files."""
        if action in ("extract", "all"):
            i18n_tools.extract()
        if action in ("update", "all"):
            i18n_tools.update()
        if action in ("compile", "all"):
            i18n_tools.compile_all()

    @app.cli.command("masculine")
    @click.argument("action", type=click.Choice(["todo", "fill"]))
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def masculine_command(action: str, file: Path) -> None:
        """The masculine overlay (docs/translating.md): `todo FILE` writes, as JSON, every entry that
        addresses a woman and has no current masculine text; `fill FILE` writes the masculine texts
        of such a file into the overlay catalogs. Then `flask i18n compile`."""
        if action == "todo":
            todo = i18n_tools.masculine_todo()
            file.write_text(json.dumps(todo, ensure_ascii=False, indent=1), encoding="utf-8")
            total = sum(len(entries) for domains in todo.values() for entries in domains.values())
            click.echo(f"masculine: {total} entries to write, in {file}")
        else:
            counts = i18n_tools.fill_masculine(json.loads(file.read_text(encoding="utf-8")))
            click.echo(f"masculine: {counts['written']} written, {counts['refused']} refused "
                       "(default text changed since, or nothing written)")
