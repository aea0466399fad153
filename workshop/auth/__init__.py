"""Sign-in without e-mail: a learner's personal code or her card's QR code; staff by password."""
from __future__ import annotations

import hashlib
import secrets
import time

from flask import Blueprint, abort, current_app, redirect, render_template, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .. import access, i18n
from ..access import home_for
from ..extensions import db
from ..models import Role, User, digest, digests, normalise_code, utcnow
from ..redirects import same_site_path
from . import tablet, throttle
from .identity import end_all_sessions, end_session, start_session

bp = access.guard(Blueprint("auth", __name__), None)  # every view says who it is for

# Sign-in limits (auth/throttle.py, docs/security.md): only failures count, per source and per target,
# so a whole class on one Wi-Fi address signs in at once while guessing is stopped.
_DUMMY_HASH: list[str] = []


def _password_matches(user: User | None, password: str) -> bool:
    """The password hash runs whether or not the account exists, so the time taken names no account."""
    if user is not None and user.password_hash:
        return user.check_password(password)
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash(secrets.token_hex(16)))  # the same method and cost
    check_password_hash(_DUMMY_HASH[0], password)
    return False


class CodeForm(FlaskForm):
    code = StringField(_l("Your code"), validators=[DataRequired(message=_l("Please type your code.")), Length(max=40)])
    remember = BooleanField(_l("This is my own phone: keep me signed in"))


class StaffForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(message=_l("Please type your username.")), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Please type your password.")), Length(max=200)])


class ConfirmForm(FlaskForm):
    remember = BooleanField(_l("This is my own phone: keep me signed in"))


def _start_session(user: User, remember: bool):
    choice = i18n.chosen_locale()
    if user.locale not in i18n.LOCALES and choice:
        user.locale = choice
    user.last_seen_at = utcnow()
    db.session.commit()
    start_session(user, remember)


def _safe_next(default: str) -> str:
    return same_site_path(session.pop("next", None), default)


@bp.route("/sign-in", methods=["GET", "POST"])
@access.public
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        gate = throttle.code_gate()
        if gate.blocked:
            abort(429)
        code = normalise_code(form.code.data)
        user = db.session.scalar(
            db.select(User).where(User.code_digest.in_(digests(code)), User.role == Role.LEARNER)
        ) if code else None
        if user is not None and user.active:
            user.code_digest = digest(code)  # re-keyed, if it was stored under a rotated key
            _start_session(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("learn.home")), code=303)
        gate.failed()
        error = _("That code is not right. Check the letters and try again, or ask your instructor.")
    return render_template("auth/sign_in.html", form=form, error=error)


@bp.route("/card", methods=["GET", "POST"], defaults={"token": None})
@bp.route("/card/<token>", methods=["GET", "POST"])
@access.public
def card(token: str | None):
    """The QR code on a sign-in card opens /card/<token>. The token is exchanged at once for a
    short-lived value in this browser's session and the browser goes on to /card, so the token is in
    one request line only, never in the address bar, the history or the next requests' log lines.
    /card asks her to confirm with one tap (a GET never signs in)."""
    def check(user: User) -> str:  # the session names her card without holding its lookup digest
        return hashlib.sha256((user.card_digest or "").encode()).hexdigest()[:32]

    if token is not None:
        user = db.session.scalar(
            db.select(User).where(User.card_digest.in_(digests(token)), User.role == Role.LEARNER)
        ) if 10 <= len(token) <= 64 else None
        if user is None or not user.active:
            gate = throttle.card_gate()  # a right card is always checked and accepted (192 bits)
            if gate.blocked:
                abort(429)
            gate.failed()
            return render_template("auth/card_invalid.html"), 404
        session["card"] = {"id": user.id, "check": check(user), "until": int(time.time()) + 600}
        return redirect(url_for("auth.card"), code=303)
    pending = session.get("card")
    user = None
    if isinstance(pending, dict) and isinstance(pending.get("id"), int) and pending.get("until", 0) > time.time():
        user = db.session.get(User, pending["id"])
        if user is not None and (user.role != Role.LEARNER or not user.card_digest or check(user) != pending.get("check")):
            user = None  # a renewed card, or another account since
    if user is None or not user.active:
        session.pop("card", None)
        return render_template("auth/card_invalid.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        end_session()  # whoever was signed in on this browser (and the pending card)
        _start_session(user, remember=form.remember.data)
        return redirect(url_for("learn.home"), code=303)
    with force_locale(learner_locale(user) or i18n.current_locale()):  # the card knows her language
        return render_template("auth/card.html", form=form, learner=user)


def learner_locale(user: User) -> str | None:
    """Her language: her own choice, else the language of her most recent group."""
    if user.locale in i18n.LOCALES:
        return user.locale
    languages = [e.workshop.language for e in sorted(user.enrollments, key=lambda e: e.workshop.ends_on, reverse=True)]
    return next((language for language in languages if language in i18n.LOCALES), None)


@bp.route("/staff/sign-in", methods=["GET", "POST"])
@access.public
def staff_sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = StaffForm()
    error = None
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.scalar(db.select(User).where(User.username == username))
        gate = throttle.staff_gate(username, user.id if user is not None else None)
        if gate.blocked:
            abort(429)
        if _password_matches(user, form.password.data) and user.is_staff and user.active:
            _start_session(user, remember=False)
            return redirect(_safe_next(home_for(user)), code=303)
        gate.failed()
        error = _("The username or password is not right.")
    return render_template("auth/staff_sign_in.html", form=form, error=error)


class EverywhereForm(FlaskForm):
    """Only the CSRF token."""


@bp.route("/sign-out", methods=["POST"])
@access.public
def sign_out():
    _end_session_keeping_her_language()
    if tablet.current_device() is not None:  # a shared tablet: back to the names for the next learner
        return redirect(url_for("auth.tablet.names"), code=303)
    return redirect(url_for("auth.signed_out"), code=303)


@bp.route("/sign-out/everywhere", methods=["POST"])
@access.allow(access.SIGNED_IN)
def sign_out_everywhere():
    """Her lost or shared phone: every device signed in as her is signed out, this one too."""
    if not EverywhereForm().validate_on_submit():
        abort(400)
    end_all_sessions(current_user.record)
    db.session.commit()
    _end_session_keeping_her_language()
    return redirect(url_for("auth.signed_out", everywhere=1), code=303)


def _end_session_keeping_her_language() -> None:
    """Sign out, and say goodbye in the language she was reading: a Somali mother whose phone's browser
    asks for English (there is no Somali Android) read "You are signed out" in English. Her language
    came from her account or her group, neither of which a visitor signed out has any more."""
    locale = i18n.current_locale()
    end_session()
    session[i18n.SIGNED_OUT_LOCALE] = locale


@bp.route("/signed-out")
@access.public
def signed_out():
    return render_template("auth/signed_out.html")


# Tablet sign-in (her name, then three pictures) lives in its own module, under /tablet.
bp.register_blueprint(tablet.bp)
