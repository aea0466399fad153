"""Coordinator views: every group across the city, instructors' accounts, the reach and outcomes reports.

Authorisation is in one place: the blueprint is guarded for the coordinator (`workshop.access`). Every
list is built with a fixed number of queries (GROUP BY), however many groups the city runs.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import access, address, attendance, clock, formats, i18n
from ..extensions import db
from ..models import CODE_ALPHABET, Enrollment, Progress, Role, Status, User, Workshop, workshop_instructors
from ..review.models import RIGHTS, grants_of, set_grants
from ..web import Once, Pager, catalogue
from . import counselling
from . import outcomes as outcome
from . import report as reach
from .forms import ActionForm, InstructorForm, period

bp = Blueprint("admin", __name__, url_prefix="/admin")
access.guard(bp, access.COORDINATOR)
bp.register_blueprint(counselling.bp)  # admin.counsel.*: who read counselling data; the topics (issue 18)


def new_password() -> str:
    """A first password to read aloud or copy: 3 groups of 4 unambiguous characters (~56 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET.lower()) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _sizes(ids: list[int]) -> dict[int, int]:
    """Learners per group, for the given groups only."""
    return dict(db.session.execute(
        db.select(Enrollment.workshop_id, db.func.count(Enrollment.id))
        .where(Enrollment.workshop_id.in_(ids)).group_by(Enrollment.workshop_id)
    ).all())


@bp.route("/")
def index():
    """Every group, a page at a time; sizes and lessons done are counted in SQL for that page's groups."""
    pager = Pager(db.select(Workshop).order_by(Workshop.starts_on.desc(), Workshop.name, Workshop.id))
    workshops = db.session.scalars(pager.query.options(selectinload(Workshop.instructors))).all()
    ids = [w.id for w in workshops]
    done = dict(
        db.session.execute(
            db.select(Enrollment.workshop_id, db.func.count(Progress.id))
            .join(Progress, Progress.enrollment_id == Enrollment.id)
            .where(Progress.status == Status.DONE, Enrollment.workshop_id.in_(ids))
            .group_by(Enrollment.workshop_id)
        ).all()
    )
    return render_template("admin/index.html", workshops=workshops, sizes=_sizes(ids), done=done, pager=pager)


def _workshop_or_404(workshop_id: int) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)  # the coordinator sees every group
    if workshop is None:
        abort(404)
    return workshop


def _instructors(active_only: bool = False):
    query = db.select(User).where(User.role == Role.INSTRUCTOR).order_by(User.display_name, User.id)
    if active_only:
        query = query.where(User.active.is_(True))
    return db.session.scalars(query).all()


@bp.route("/groups/<int:workshop_id>", methods=["GET", "POST"])
def group(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    instructors = _instructors()
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        wanted = {int(v) for v in request.form.getlist("instructors") if v.isdigit()}
        by_id = {i.id: i for i in instructors}
        if not wanted <= set(by_id):
            abort(400)
        workshop.instructors = [by_id[i] for i in sorted(wanted)]
        db.session.commit()
        return redirect(url_for("admin.index", saved=workshop.id), code=303)
    size = _sizes([workshop.id]).get(workshop.id, 0)
    current = {i.id for i in workshop.instructors}
    return render_template("admin/group.html", workshop=workshop, instructors=instructors, current=current,
                           size=size, form=form)


@bp.route("/instructors", methods=["GET", "POST"])
def instructors():
    form = InstructorForm()
    once = Once()
    if form.validate_on_submit() and (first := once.replay()) is not None:  # sent twice: one account
        return first
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
            form.username.errors.append(_("This username is taken. Please choose another."))
        else:
            password = new_password()
            user = User(role=Role.INSTRUCTOR, username=username, display_name=form.display_name.data.strip(),
                        locale=form.language.data, address=form.address.data)
            user.set_password(password)
            db.session.add(user)
            try:
                db.session.flush()  # a username taken at the same moment fails here
                once.record(url_for("admin.instructor", user_id=user.id))
                db.session.commit()
            except IntegrityError as error:
                try:
                    return once.lost_race(error)
                except IntegrityError:  # another form took the same username at the same moment
                    form.username.errors.append(_("This username is taken. Please choose another."))
            else:
                return render_template("admin/password.html", instructor=user, password=password, created=True)
    groups = _groups_by_instructor()
    return render_template("admin/instructors.html", form=form, instructors=_instructors(), groups=groups)


def _groups_by_instructor() -> dict[int, list[Workshop]]:
    rows = db.session.execute(
        db.select(workshop_instructors.c.user_id, Workshop)
        .join(Workshop, Workshop.id == workshop_instructors.c.workshop_id)
        .order_by(Workshop.starts_on.desc(), Workshop.name)
    ).all()
    groups: dict[int, list[Workshop]] = {}
    for user_id, workshop in rows:
        groups.setdefault(user_id, []).append(workshop)
    return groups


def _instructor_or_404(user_id: int) -> User:
    user = db.session.scalar(db.select(User).where(User.id == user_id, User.role == Role.INSTRUCTOR))
    if user is None:
        abort(404)
    return user


@bp.route("/instructors/<int:user_id>")
def instructor(user_id: int):
    user = _instructor_or_404(user_id)
    return render_template("admin/instructor.html", instructor=user, groups=_groups_by_instructor().get(user.id, []),
                           form=ActionForm(), grants=grants_of(user.id), rights=RIGHTS)


@bp.route("/instructors/<int:user_id>/rights", methods=["POST"])
def set_rights(user_id: int):
    """Which languages the instructor may correct lesson wording in, and record narrations in."""
    user = _instructor_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    wanted = {(locale, right) for locale in i18n.LOCALES for right in RIGHTS
              if request.form.get(f"{right}-{locale}") == "1"}
    set_grants(user.id, wanted, by_id=current_user.id)
    db.session.commit()
    flash(_("The instructor's rights are saved."), "ok")
    return redirect(url_for("admin.instructor", user_id=user.id) + "#rights", code=303)


@bp.route("/instructors/<int:user_id>/address", methods=["POST"])
def set_address(user_id: int):
    """How the texts speak to the instructor (a woman or a man), as the coordinator set it when she made
    the account, or corrects it; the instructor can change it on the account page too."""
    user = _instructor_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    address.save(user, request.form.get("address"))
    return redirect(url_for("admin.instructor", user_id=user.id) + "#address", code=303)


@bp.route("/instructors/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int):
    user = _instructor_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = new_password()
    user.set_password(password)  # bumps session_version: her open sessions end
    db.session.commit()
    return render_template("admin/password.html", instructor=user, password=password, created=False)


@bp.route("/instructors/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int):
    user = _instructor_or_404(user_id)
    if not ActionForm().validate_on_submit() or request.form.get("active") not in ("0", "1"):
        abort(400)
    user.active = request.form["active"] == "1"
    user.end_sessions()  # either way, old sessions end
    db.session.commit()
    return redirect(url_for("admin.instructor", user_id=user.id), code=303)


@bp.route("/report")
def report():
    chosen = period(request.args)
    start, end = chosen.start, chosen.end
    learners = reach.learners(start, end)
    lessons = reach.lessons(start, end, catalogue_titles())
    by_language = reach.learners_by_language(start, end)
    rtl = i18n.direction() == "rtl"
    charts = {
        "languages": reach.bar_chart([(i18n.label(code), n) for code, n in by_language], rtl),
        "lessons": reach.bar_chart([(row.title, row.completed) for row in lessons], rtl),
    }
    came = attendance.group_counts(start, end, clock.today())
    participants, visitors = attendance.distinct_totals(start, end)
    return render_template(
        "admin/report.html", period=chosen, learners=learners, lessons=lessons, charts=charts,
        total=reach.total_learners(start, end), by_language=by_language,
        came=came, participants=participants, visitors=visitors, threshold=attendance.PARTICIPANT_MEETINGS,
    )


@bp.route("/report/<kind>.csv")
def report_csv(kind: str):
    if kind not in ("learners", "lessons", "attendance"):
        abort(404)
    chosen = period(request.args)
    start, end = chosen.start, chosen.end
    if kind == "learners":
        header = [_("Language"), _("Language code"), _("Location"), _("Period starts"), _("Period ends"),
                  _("Groups"), _("Learners")]
        rows = [[i18n.label(r.language), r.language, r.location, r.starts_on.isoformat(),
                 r.ends_on.isoformat(), r.groups, r.learners] for r in reach.learners(start, end)]
    elif kind == "attendance":
        header = [_("Language"), _("Language code"), _("Location"), _("Group"), _("Period starts"), _("Period ends"),
                  _("Meetings held"), _("Participants"), _("Visitors"), _("Enrolled")]
        rows = [[i18n.label(r.language), r.language, r.location, r.name, r.starts_on.isoformat(),
                 r.ends_on.isoformat(), r.meetings, r.participants, r.visitors, r.enrolled]
                for r in attendance.group_counts(start, end, clock.today())]
    else:
        header = [_("Course"), _("Course id"), _("Lessons completed"), _("Learners who completed a lesson")]
        rows = [[r.title, r.course, r.completed, r.learners] for r in reach.lessons(start, end, catalogue_titles())]
    return reach.csv_response([header, *rows], chosen.filename(f"askel-reach-{kind}"))


def _outcomes_chart(figures: outcome.Figures, rtl: bool) -> dict:
    """The shares of each category, one bar per language group (the programme reports them so)."""
    locale = i18n.current_locale()

    def text(row: outcome.Row, key: str) -> str:
        name = i18n.label(row.language)
        whole = row.share(key)
        if whole is None:
            return _("%(language)s: no participants", language=f"\u2068{name}\u2069")
        # the name and the value each isolated, so "العربية: 29% (2)" keeps its order in either direction
        return f"\u2068{name}\u2069: \u2066{formats.percent_plain(whole, locale)} ({row.count(key)})\u2069"

    groups = [(str(outcome.LABELS[key]), [(row.language, row.share(key), text(row, key)) for row in figures.languages])
              for key in outcome.SHOWN if key != outcome.PARTICIPANTS]
    return outcome.share_chart(groups, rtl)


@bp.route("/outcomes")
def outcomes_report():
    """Participants and the directions of their follow-up plans per language group, location and period."""
    chosen = period(request.args)
    figures = outcome.figures(chosen.start, chosen.end)
    return render_template(
        "admin/outcomes.html", period=chosen, figures=figures,
        chart=_outcomes_chart(figures, i18n.direction() == "rtl"), labels=outcome.LABELS,
        meanings=outcome.MEANINGS, shown=outcome.SHOWN, guided=outcome.GUIDED, checked=outcome.CHECKED,
        visitors=outcome.VISITORS, meetings=attendance.PARTICIPANT_MEETINGS,
        months=current_app.config["COUNSEL_RETENTION_MONTHS"],
    )


@bp.route("/outcomes.csv")
def outcomes_csv():
    """Every row, each language group and the total, one line per category: counts, participants and
    the share (a whole per cent, a number the spreadsheet can sum)."""
    chosen = period(request.args)
    figures = outcome.figures(chosen.start, chosen.end)
    header = [_("Scope"), _("Language"), _("Language code"), _("Location"), _("Period starts"), _("Period ends"),
              _("Category"), _("Category code"), _("Count"), _("Participants"), _("Share (%)")]
    scopes = [(_("Location and period"), row) for row in figures.rows]
    scopes += [(_("Language group"), row) for row in figures.languages]
    scopes.append((_("All groups"), figures.total))
    rows = []
    for scope, row in scopes:
        name = i18n.label(row.language)
        for key in (*outcome.SHOWN, outcome.CHECKED, outcome.VISITORS):
            whole = row.share(key) if key != outcome.VISITORS else None
            rows.append([scope, name, row.language or "", row.location or "",
                         row.starts_on.isoformat() if row.starts_on else "", row.ends_on.isoformat() if row.ends_on else "",
                         str(outcome.LABELS[key]), key, row.count(key), row.participants,
                         whole if whole is not None else ""])
    return reach.csv_response([header, *rows], chosen.filename("askel-outcomes"))


def catalogue_titles() -> dict[str, str]:
    return {c.id: i18n.lesson_text(f"{c.id}/title", c.title) for c in catalogue().courses}


