"""flask commands: demo data, content check, backup and restore, translation catalogs."""
from __future__ import annotations

import json
import random
import secrets
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import attendance, backup, clock, i18n_tools
from .admin import retention
from .counsel import rules as counsel_rules
from .counsel.models import CounselSession, Direction, Plan, Result, SessionKind
from .curriculum import ContentError, load_catalogue
from .extensions import db
from .review.models import set_grants
from .models import (
    Assignment, Enrollment, HelpRequest, Progress, Role, Status, StepEvent, User, Workshop, format_code, utcnow,
)

SOMALI_NAMES = ["Amina", "Hodan", "Faadumo", "Sahra", "Ubax", "Hibaaq", "Nimco", "Ifrah"]
ARABIC_NAMES = ["Fatima", "Mariam", "Huda", "Noor", "Rania", "Salma", "Yasmin", "Leila"]
# The learners of the past groups (they have no sign-in: their groups have ended).
SOMALI_PAST = ["Asli", "Cawo", "Deeqa", "Filsan", "Hamdi", "Idil", "Khadra", "Layla", "Muna", "Naima", "Qamar", "Ruun",
               "Sagal", "Shukri", "Warsan", "Zamzam"]
ARABIC_PAST = ["Amal", "Basma", "Dalia", "Ghada", "Hala", "Iman", "Jamila", "Lubna", "Manal", "Nadia", "Rasha", "Samira",
               "Suha", "Widad", "Zainab", "Abeer"]
# Two past periods, in four places: (name, language, location, weekday, start time).
PAST_PLACES = [
    ("Itäkeskus", "so", "Itäkeskus library", 1, time(10, 0)),
    ("Vuosaari", "ar", "Vuosaari house of culture", 3, time(13, 0)),
    ("Kontula", "so", "Kontula library", 2, time(17, 0)),
    ("Malmi", "ar", "Malmi library", 0, time(12, 0)),
]
PAST_PERIODS = [("kevät 2025", date(2025, 1, 13), date(2025, 5, 23)),
                ("syksy 2025", date(2025, 8, 18), date(2025, 12, 19))]
# The demo's follow-up plans: how often each direction is agreed in a group of each language (None: no
# plan yet), and what the follow-up finds. Made-up weights that give real-looking figures in the
# outcomes report; they are not the programme's own numbers.
DEMO_DIRECTIONS = {
    "so": {Direction.FINNISH_COURSE: 20, Direction.VOCATIONAL: 6, Direction.BASIC_EDUCATION: 14,
           Direction.OTHER_TRAINING: 6, Direction.WORK: 10, Direction.HOME_CARE: 24, Direction.PARENTAL_LEAVE: 8,
           Direction.OTHER: 4, None: 8},
    "ar": {Direction.FINNISH_COURSE: 30, Direction.VOCATIONAL: 12, Direction.BASIC_EDUCATION: 8,
           Direction.OTHER_TRAINING: 8, Direction.WORK: 12, Direction.HOME_CARE: 14, Direction.PARENTAL_LEAVE: 6,
           Direction.OTHER: 4, None: 6},
}
DEMO_RESULTS = {Result.REACHED: 54, Result.IN_PROGRESS: 26, Result.CHANGED: 8, Result.NOT_REACHED: 12}
# Her goal in her own words (her language), the next step as the instructor wrote it (Finnish), the
# vocational field, and the session's topic.
DEMO_PLANS = {
    Direction.FINNISH_COURSE: ("Waxaan rabaa inaan af Finnish kula hadlo macallimadda carruurta.",
                               "أريد أن أتكلم الفنلندية مع معلمة أطفالي.",
                               "Ilmoittautuminen kotoutumiskoulutukseen Työllisyyspalveluissa", None, "language_training"),
    Direction.VOCATIONAL: ("Waxaan rabaa inaan noqdo kalkaaliye caafimaad.", "أريد أن أعمل في رعاية المسنين.",
                           "Hakeminen lähihoitajakoulutukseen yhteishaussa", "sosiaali- ja terveysala", "education"),
    Direction.BASIC_EDUCATION: ("Waxaan rabaa inaan dhammeeyo dugsiga.", "أريد أن أكمل تعليمي الأساسي.",
                                "Hakeminen aikuisten perusopetukseen", None, "education"),
    Direction.OTHER_TRAINING: ("Waxaan rabaa koorso kombiyuutar.", "أريد دورة في استخدام الحاسوب.",
                               "Kansalaisopiston tietotekniikan kurssi", None, "education"),
    Direction.WORK: ("Waxaan rabaa shaqo.", "أريد أن أعمل في مطبخ مطعم.",
                     "CV yhdessä ja ilmoittautuminen Työllisyyspalveluihin", None, "employment"),
    Direction.HOME_CARE: ("Waxaan guriga la joogayaa ilmaha yar sannadkan.", "سأبقى مع طفلي الصغير في البيت هذا العام.",
                          "Varhaiskasvatuspaikan hakeminen ensi syksyksi", None, "family"),
    Direction.PARENTAL_LEAVE: ("Waxaan sugayaa ilmo; marka hore fasax.", "أنتظر مولودًا، فإجازة الوالدين أولًا.",
                               "Kelan vanhempainrahan hakeminen", None, "services"),
    Direction.OTHER: ("Waxaan rabaa inaan bilaabo ganacsi yar.", "أريد أن أبدأ مشروعًا صغيرًا.",
                      "Yritysneuvonta (NewCo Helsinki)", None, "employment"),
}
DEMO_FILE = "demo-sign-ins.txt"
DEMO_DATA_FILE = "demo-sign-ins.json"  # the sign-ins without an address: links follow the port of each run


def create_demo_data(password_factory=None) -> dict:
    """A coordinator, two instructors, a Somali and an Arabic group of eight with some progress and
    attendance, and the groups of two past periods (spring and autumn 2025) with their attendance.

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
    for workshop in db.session.scalars(db.select(Workshop).order_by(Workshop.id)).all():
        _demo_attendance(workshop, today, random.Random(workshop.id))
    _demo_past_periods({"so": deeqa, "ar": rasha}, lessons)
    _demo_counsel({"so": deeqa, "ar": rasha}, today)
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


def _demo_attendance(workshop: Workshop, today, rng: random.Random) -> None:
    """Its meetings, and who came to those held so far: most learners week after week (participants),
    two a time or two (visitors: the last two), one never; one meeting cancelled for a holiday."""
    attendance.sync_meetings(workshop)
    meetings = [m for m in attendance.meetings_of(workshop.id) if m.day <= today]
    if len(meetings) > 4:
        holiday = meetings[len(meetings) // 2]
        holiday.cancelled, holiday.edited, holiday.note = True, True, "Pyhäpäivä"
    held = [m for m in meetings if not m.cancelled]
    enrollments = list(workshop.enrollments)
    for n, enrollment in enumerate(enrollments):
        if n == len(enrollments) - 3:
            continue  # enrolled, never came
        if n >= len(enrollments) - 2:
            came = rng.sample(held, min(len(held), 1 + n % 2))  # a visitor: once or twice
        else:
            came = [m for m in held if rng.random() < 0.85]
        for meeting in came:
            attendance.mark(meeting, enrollment.id, True, None)


def _demo_past_periods(instructors: dict, lessons) -> list[Workshop]:
    """Groups of two past periods (spring and autumn 2025) in Itäkeskus, Vuosaari, Kontula and Malmi,
    with learners (who no longer sign in), their meetings, attendance and a first lesson done."""
    made = []
    for period, starts_on, ends_on in PAST_PERIODS:
        for place, language, location, weekday, at in PAST_PLACES:
            workshop = Workshop(name=f"{place}, {period}", language=language, location=location, weekday=weekday,
                                start_time=at, starts_on=starts_on, ends_on=ends_on)
            workshop.instructors.append(instructors[language])
            names = SOMALI_PAST if language == "so" else ARABIC_PAST
            rng = random.Random(f"{place} {period}")
            size = rng.randint(9, 13)
            for first_name in rng.sample(names, size):
                learner = User(role=Role.LEARNER, display_name=first_name, active=True)
                workshop.enrollments.append(Enrollment(learner=learner, created_at=datetime.combine(starts_on, at)))
            db.session.add(workshop)
            db.session.flush()
            _demo_attendance(workshop, ends_on, rng)
            db.session.flush()
            counts = attendance.attended_by_enrollment(workshop.id)
            lesson = lessons[0]
            for enrollment in workshop.enrollments:
                if attendance.kind_of(counts.get(enrollment.id, 0)) != attendance.PARTICIPANT:
                    continue
                when = datetime.combine(starts_on + timedelta(weeks=2), at)
                db.session.add(Progress(
                    enrollment_id=enrollment.id, course=lesson.course, lesson=lesson.id, status=Status.DONE,
                    current_step=lesson.steps[-1].id, steps_done=[s.id for s in lesson.steps], started_at=when,
                    updated_at=when, completed_at=when,
                ))
            made.append(workshop)
    db.session.flush()
    return made


def _demo_counsel(instructors: dict, today: date) -> None:
    """Consent, a counselling session and a follow-up plan for the participants of every group: in
    the past periods followed up (reached, in progress, changed or not reached), in the current one
    mostly still to check, two with the check date passed; a few participants have no plan yet."""
    topics = {topic.key: topic for topic in counsel_rules.topics()}
    counts = dict(db.session.execute(
        db.select(attendance.Attendance.enrollment_id, db.func.count())
        .join(attendance.Meeting, attendance.Meeting.id == attendance.Attendance.meeting_id)
        .where(attendance.Meeting.cancelled.is_(False)).group_by(attendance.Attendance.enrollment_id)).all())
    for workshop in db.session.scalars(db.select(Workshop).order_by(Workshop.id)).all():
        rng = random.Random(f"counsel {workshop.name}")
        instructor = instructors[workshop.language]
        past = workshop.ends_on < today
        # visitors and those who never came have no plan; in the current group, everyone who came
        people = [e for e in sorted(workshop.enrollments, key=lambda e: e.id)
                  if counts.get(e.id, 0) >= (attendance.PARTICIPANT_MEETINGS if past else 1)]
        directions = _quota(DEMO_DIRECTIONS[workshop.language], len(people), rng)
        results = iter(_quota(DEMO_RESULTS, len(people), rng))
        due = 0
        for enrollment, direction in zip(people, directions):
            if direction is None:
                continue
            goal_so, goal_ar, next_step, field, topic = DEMO_PLANS[direction]
            counsel_rules.give_consent(enrollment.learner_id, instructor.id)
            held_on = workshop.starts_on + timedelta(weeks=rng.randint(2, 5))
            if held_on <= today:
                session = CounselSession(enrollment_id=enrollment.id, held_on=held_on, kind=SessionKind.PERSONAL.value,
                                         note="Käytiin läpi hänen tavoitteensa ja seuraava askel.", author_id=instructor.id)
                session.topics = [topics[topic]]
                db.session.add(session)
            plan = Plan(enrollment_id=enrollment.id, goal=goal_so if workshop.language == "so" else goal_ar,
                        direction=direction.value, field=field, next_step=next_step, created_by_id=instructor.id,
                        check_on=workshop.ends_on + timedelta(weeks=8))
            if past:
                plan.result = next(results).value
                plan.checked_on = min(plan.check_on + timedelta(days=rng.randint(0, 10)), today)
                plan.checked_by_id = instructor.id
            elif due < 2:  # her next step was to be checked already: the class view shows it
                plan.check_on = today - timedelta(days=3 + due)
                due += 1
            db.session.add(plan)
    db.session.flush()


def _quota(weights: dict, n: int, rng: random.Random) -> list:
    """`n` keys in the proportions of `weights` (largest remainders first), shuffled: a small group
    still shows the intended mix, where drawing each at random would wander far from it."""
    total = sum(weights.values())
    exact = {key: n * weight / total for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: (exact[k] - counts[k], rng.random()), reverse=True)[:n - sum(counts.values())]:
        counts[key] += 1
    keys = [key for key, count in counts.items() for _ in range(count)]
    rng.shuffle(keys)
    return keys


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

    counsel = AppGroup("counsel", help="Counselling data: the retention period.")
    app.cli.add_command(counsel)

    @counsel.command("retention")
    @click.option("--dry-run", is_flag=True, help="Only count what would be removed; change nothing.")
    def counsel_retention(dry_run: bool) -> None:
        """Remove the counselling sessions and their notes, follow-up plans, instructors' notes and
        the log of who read them, of every group whose last day is ASKEL_COUNSEL_RETENTION_MONTHS
        (default 24) months ago or more, after keeping its anonymous counts for the outcomes report.
        Safe to run every day: a group is handled once."""
        months = current_app.config["COUNSEL_RETENTION_MONTHS"]
        done = retention.run(clock.today(), months, dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        click.echo(f"counsel retention: {done.groups} groups ended on or before {done.cutoff.isoformat()} "
                   f"({months} months); {verb} {done.plans} plans, {done.sessions} sessions, {done.notes} notes, "
                   f"{done.views} view log entries" + ("" if dry_run else "; their counts stay in the outcomes report"))

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
