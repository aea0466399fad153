"""Signing in on the workshop's shared tablets without typing: her name, then three pictures.

Twelve pictures, three in order, give only 1 728 combinations: far too few on their own. So the
picture sign-in works only on a tablet an instructor has set up for the group (a long-lived signed
device cookie whose random token is stored hashed with the group), and wrong pictures are rate
limited per learner and per group, keyed on the verified tablet's group, never on the cookie's text
(auth/throttle.py; the arithmetic is in docs/security.md). Nothing about anyone's progress is shown before she
is signed in.

Staff pages here: set up or remove a tablet for one of her groups, and set a learner's pictures.
"""
from __future__ import annotations

import secrets

from flask import (
    Blueprint, abort, current_app, g, make_response, redirect, render_template, request, url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .. import access, i18n
from ..access import visible_workshops
from ..extensions import db
from ..models import Enrollment, Role, User, Workshop, digest, utcnow
from . import throttle
from .device import DEVICE_COOKIE, DEVICE_MAX_AGE, current_device, device_signer
from .identity import end_session, start_session
from .tablet_models import (
    PICTURE_COUNT, PICTURES, PicturePassword, TabletDevice, check_picture_password, set_picture_password,
)

bp = Blueprint("tablet", __name__, url_prefix="/tablet")

CHOSEN_MAX_AGE = 10 * 60  # the pictures tapped so far are good for ten minutes

# Names for screen readers and for the instructor to say aloud (the pictures themselves hold no text).
PICTURE_NAMES = {
    "sun": _l("Sun"), "tree": _l("Tree"), "cup": _l("Cup"), "fish": _l("Fish"), "house": _l("House"),
    "star": _l("Star"), "apple": _l("Apple"), "boat": _l("Boat"), "cat": _l("Cat"), "flower": _l("Flower"),
    "key": _l("Key"), "moon": _l("Moon"),
}


class ActionForm(FlaskForm):
    """Only the CSRF token; the other fields are read and validated by hand."""


# --- locale and rendering ----------------------------------------------------------------------

def _render(template: str, status: int = 200, locale: str | None = None, **context):
    """Learner-facing pages: the group's language unless she already chose one."""
    locale = locale or g.get("tablet_locale")
    if locale:
        with force_locale(locale):
            return make_response(render_template(template, **context), status)
    return make_response(render_template(template, **context), status)


def _locale_for(workshop: Workshop | None, learner: User | None = None) -> str | None:
    """Her own language once the tablet knows who she is (her saved choice, else her group's): a shared
    tablet's or browser's language is someone else's. Before that, the tablet's choice, else the group's."""
    if learner is not None:
        if learner.locale in i18n.LOCALES:
            return learner.locale
        if workshop is not None and workshop.language in i18n.LOCALES:
            return workshop.language
    choice = i18n.chosen_locale()
    if choice:
        return choice
    return workshop.language if workshop is not None and workshop.language in i18n.LOCALES else None


def _on_a_set_up_tablet():
    """The rule of the picture sign-in: only on a tablet an instructor set up (else 403 for anyone)."""
    device = current_device()
    g.tablet_locale = _locale_for(device.workshop if device else None)
    if device is None:
        return _render("auth/tablet_no_device.html", 403)
    return None


DEVICE = access.Rule("device", _on_a_set_up_tablet)
access.guard(bp, DEVICE)  # the staff pages below open themselves to staff


@bp.errorhandler(429)
def too_many(e):
    learner_id = (request.view_args or {}).get("learner_id")
    device = current_device()
    learner = _learner_on(device, learner_id) if device and learner_id else None
    locale = _locale_for(device.workshop if device else None, learner)
    return _render(
        "auth/tablet_message.html", 429, locale=locale, title=_l("Too many tries"),
        message=_l("Too many wrong pictures. Please sign in with your card, or ask your instructor to "
                   "allow picture sign-in again."),
    )


# --- learners on a set-up tablet ---------------------------------------------------------------

def _learner_on(device: TabletDevice, learner_id: int) -> User | None:
    """A learner of the tablet's own group, and only of that group."""
    return db.session.scalar(
        db.select(User).join(Enrollment, Enrollment.learner_id == User.id)
        .where(User.id == learner_id, User.role == Role.LEARNER, User.active.is_(True),
               Enrollment.workshop_id == device.workshop_id)
    )


@bp.route("/idle")
def idle():
    """A page left alone without JavaScript asks here when the tablet's idle time is up: by then
    the session has ended (auth.identity), and the next person sees the names again."""
    if current_user.is_authenticated:
        return redirect(access.home_for(current_user), code=303)
    return redirect(url_for("auth.tablet.names"), code=303)


@bp.route("/still-here", methods=["POST"])
def still_here():
    """A tap on the page (JavaScript): she is still here, so the idle time starts again."""
    return "", 204


@bp.route("/")
def names():
    device = current_device()
    learners = db.session.scalars(
        db.select(User).join(Enrollment, Enrollment.learner_id == User.id)
        .where(Enrollment.workshop_id == device.workshop_id, User.role == Role.LEARNER, User.active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    return _render("auth/tablet_names.html", workshop=device.workshop, learners=learners)


def _chosen_signer(device: TabletDevice, learner: User) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"askel-tablet-pictures:{device.id}:{learner.id}"
    )


def _read_chosen(device: TabletDevice, learner: User) -> list[int] | None:
    """The pictures tapped so far, from the signed hidden field; None if it was tampered with or too old."""
    raw = request.form.get("chosen", "")
    if not raw:
        return []
    try:
        chosen = _chosen_signer(device, learner).loads(raw, max_age=CHOSEN_MAX_AGE)
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(chosen, list) or len(chosen) >= PICTURE_COUNT or not all(
        isinstance(p, int) and 0 <= p < len(PICTURES) for p in chosen
    ):
        return None
    return chosen


@bp.route("/learners/<int:learner_id>", methods=["GET", "POST"])
def learner(learner_id: int):
    device = current_device()
    person = _learner_on(device, learner_id)
    if person is None:
        abort(404)
    g.tablet_locale = _locale_for(device.workshop, person)
    password = db.session.get(PicturePassword, person.id)
    chosen: list[int] = []
    error = None
    if password is not None and request.method == "POST":
        form = ActionForm()
        if not form.validate_on_submit():
            abort(400)
        gate = throttle.picture_gate(person.id, device.workshop_id)  # her id, the verified tablet's group
        if gate.blocked:
            abort(429)
        so_far = _read_chosen(device, person)
        picture = request.form.get("picture", "")
        if so_far is None or not picture.isdigit() or int(picture) >= len(PICTURES):
            error = _l("Something went wrong. Please tap your three pictures again.")
        else:
            chosen = so_far + [int(picture)]
            if len(chosen) == PICTURE_COUNT:
                if check_picture_password(password, chosen):
                    end_session()  # whoever was signed in on this tablet
                    person.last_seen_at = device.last_used_at = utcnow()
                    db.session.commit()
                    start_session(person, remember=False)  # a shared tablet: never remembered
                    return redirect(url_for("learn.home"), code=303)
                gate.failed()
                chosen = []
                error = _l("Those pictures are not right. Try again, or ask your instructor.")
    token = _chosen_signer(device, person).dumps(chosen) if chosen else ""
    return _render(
        "auth/tablet_pictures.html", learner=person, has_password=password is not None, chosen_count=len(chosen),
        chosen_token=token, error=error, pictures=_picture_list(), form=ActionForm(), total=PICTURE_COUNT,
    )


def _picture_list() -> list[tuple[int, str, str]]:
    """Names stay lazy: they are read in the language the page is drawn in (hers, on a tablet)."""
    return [(n, name, PICTURE_NAMES[name]) for n, name in enumerate(PICTURES)]


# --- staff: set up a tablet, set a learner's pictures ----------------------------------------------

def _workshop_or_404(workshop_id: int) -> Workshop:
    workshop = db.session.scalar(visible_workshops().where(Workshop.id == workshop_id))
    if workshop is None:
        abort(404)
    return workshop


@bp.route("/setup/")
@access.allow(access.STAFF)
def setup_index():
    workshops = db.session.scalars(visible_workshops()).all()
    device = current_device()
    return render_template("auth/tablet_setup_index.html", workshops=workshops, device=device)


def _set_device_cookie(response, token: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE, device_signer().dumps(token), max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"], path="/",
    )


@bp.route("/setup/<int:workshop_id>", methods=["GET", "POST"])
@access.allow(access.STAFF)
def setup(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("allow_pictures"):  # she is in the room: the group may try pictures again
            throttle.allow_pictures_again(workshop.id, db.session.scalars(
                db.select(Enrollment.learner_id).where(Enrollment.workshop_id == workshop.id)).all())
            return redirect(url_for(".setup", workshop_id=workshop.id), code=303)
        old = current_device()
        if old is not None and old.workshop_id == workshop.id:
            return redirect(url_for(".setup", workshop_id=workshop.id, done=1), code=303)
        token = secrets.token_urlsafe(32)
        db.session.add(TabletDevice(workshop_id=workshop.id, token_digest=digest(token), created_by_id=current_user.id))
        if old is not None and old.workshop_id in {w.id for w in db.session.scalars(visible_workshops())}:
            db.session.delete(old)  # this tablet moves to another of her groups
        db.session.commit()
        response = redirect(url_for(".setup", workshop_id=workshop.id, done=1), code=303)
        _set_device_cookie(response, token)
        return response
    device = current_device()
    devices = db.session.scalars(
        db.select(TabletDevice).where(TabletDevice.workshop_id == workshop.id).order_by(TabletDevice.created_at)
    ).all()
    learners = db.session.execute(
        db.select(User, PicturePassword.set_at).join(Enrollment, Enrollment.learner_id == User.id)
        .outerjoin(PicturePassword, PicturePassword.learner_id == User.id)
        .where(Enrollment.workshop_id == workshop.id, User.role == Role.LEARNER)
        .order_by(User.display_name, User.id)
    ).all()
    return render_template(
        "auth/tablet_setup.html", workshop=workshop, device=device, devices=devices, learners=learners, form=form,
        done=request.args.get("done") == "1" and device is not None and device.workshop_id == workshop.id,
        pictures_paused=throttle.pictures_paused(workshop.id),
    )


@bp.route("/setup/<int:workshop_id>/devices/<int:device_id>/remove", methods=["POST"])
@access.allow(access.STAFF)
def remove_device(workshop_id: int, device_id: int):
    workshop = _workshop_or_404(workshop_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    device = db.session.scalar(
        db.select(TabletDevice).where(TabletDevice.id == device_id, TabletDevice.workshop_id == workshop.id)
    )
    if device is None:
        abort(404)
    this_tablet = current_device() is not None and current_device().id == device.id
    db.session.delete(device)
    db.session.commit()
    response = redirect(url_for(".setup", workshop_id=workshop.id), code=303)
    if this_tablet:
        response.delete_cookie(DEVICE_COOKIE, path="/")
    return response


def _staff_learner_or_404(learner_id: int) -> tuple[User, Workshop]:
    """A learner of one of her groups (with that group), else 404."""
    visible = visible_workshops().subquery()
    row = db.session.execute(
        db.select(User, Workshop).join(Enrollment, Enrollment.learner_id == User.id)
        .join(Workshop, Workshop.id == Enrollment.workshop_id)
        .where(User.id == learner_id, User.role == Role.LEARNER, Workshop.id.in_(db.select(visible.c.id)))
        .order_by(Workshop.ends_on.desc()).limit(1)
    ).first()
    if row is None:
        abort(404)
    return row[0], row[1]


@bp.route("/pictures/<int:learner_id>", methods=["GET", "POST"])
@access.allow(access.STAFF)
def pictures(learner_id: int):
    person, workshop = _staff_learner_or_404(learner_id)
    form = ActionForm()
    errors: dict[str, str] = {}
    saved = None
    replaced = False
    selected: list[int | None] = [None] * PICTURE_COUNT
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("random"):
            selected = [secrets.randbelow(len(PICTURES)) for _ in range(PICTURE_COUNT)]
        else:
            for n in range(PICTURE_COUNT):
                value = request.form.get(f"picture{n + 1}", "")
                if value.isdigit() and int(value) < len(PICTURES):
                    selected[n] = int(value)
                else:
                    errors[f"picture{n + 1}"] = _("Please choose a picture.")
        if not errors:
            replaced = db.session.get(PicturePassword, person.id) is not None  # "old pictures" only if she had some
            set_picture_password(person.id, selected, set_by_id=current_user.id)
            db.session.commit()
            throttle.allow_pictures_again(None, [person.id])  # new pictures: she may try them at once
            saved = [_picture_list()[n] for n in selected]
    password = db.session.get(PicturePassword, person.id)
    return render_template(
        "auth/tablet_set_pictures.html", learner=person, workshop=workshop, form=form, errors=errors,
        saved=saved, replaced=saved is not None and replaced, selected=selected, pictures=_picture_list(), password=password, total=PICTURE_COUNT,
    )
