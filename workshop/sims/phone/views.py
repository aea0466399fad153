"""The practice pad's pages. Learners only (workshop.sims guards every sim route); every change is a
POST with CSRF that stores what she did in her own row, and each page shows how it went from that row."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from ... import clock
from ...extensions import db
from ...web import Once
from .. import photos
from ..contract import owned_update, sandbox, sim_blueprint
from . import pad
from .models import TEXT_LIMIT, PhoneState

bp = sim_blueprint(__package__)
LONG_PAGE_ROWS = 24  # enough to scroll on any phone or tablet before the button shows


class CsrfForm(FlaskForm):
    """Only the CSRF token: the fields are read from the request and stored as she typed them."""


def _state() -> PhoneState:
    return sandbox(PhoneState, pad.seed, current_user)


def _posted() -> None:
    if not CsrfForm().validate_on_submit():
        abort(400)


def _field(name: str) -> str:
    return (request.form.get(name) or "")[:TEXT_LIMIT]


@bp.route("/")
def index():
    return render_template("phone/index.html", state=_state(), section="home")


@bp.route("/scroll", methods=["GET", "POST"])
def scroll():
    """A long page: the button she must find is at its very end."""
    state = _state()
    if request.method == "POST":
        _posted()
        db.session.execute(owned_update(PhoneState, current_user).where(PhoneState.tapped_at.is_(None))
                           .values(tapped_at=clock.utcnow()))
        db.session.commit()
        flash(_("Well done: you found the button and tapped it."), "ok")
        return redirect(url_for("phone.scroll") + "#found", code=303)
    return render_template("phone/scroll.html", state=state, rows=range(1, LONG_PAGE_ROWS + 1), section="scroll")


@bp.route("/type", methods=["GET", "POST"])
def type_text():
    state = _state()
    if request.method == "POST":
        _posted()
        db.session.execute(owned_update(PhoneState, current_user).values(
            typed_address=_field("address"), typed_email=_field("email")))
        db.session.commit()
        return redirect(url_for("phone.type_text"), code=303)
    targets = pad.targets(current_user)
    results = {key: (state_value, pad.same(state_value, targets[key]), pad.difference(state_value, targets[key]))
               for key, state_value in (("address", state.typed_address), ("email", state.typed_email))}
    tried = state.typed_address is not None or state.typed_email is not None
    return render_template("phone/type.html", state=state, targets=targets, results=results, tried=tried,
                           section="type")


@bp.route("/barcode")
def barcode():
    """The first screen: her bill's virtual barcode, to copy."""
    return render_template("phone/barcode.html", state=_state(), section="copy")


@bp.route("/pay", methods=["GET", "POST"])
def paste():
    """The second screen: a payment field to paste the barcode in."""
    state = _state()
    if request.method == "POST":
        _posted()
        db.session.execute(owned_update(PhoneState, current_user).values(pasted=_field("barcode")))
        db.session.commit()
        return redirect(url_for("phone.paste"), code=303)
    pasted = state.pasted
    return render_template("phone/paste.html", state=state, pasted=pasted, section="copy",
                           right=pasted is not None and pasted.strip() == state.barcode)


@bp.route("/photo", methods=["GET", "POST"])
@photos.takes_photo
def photo():
    """Take a photo of a document and send it: kept only in her sandbox (sims/photos.py)."""
    _state()
    error = None
    if request.method == "POST":
        _posted()
        once = Once()
        if (first := once.replay()) is not None:  # a double tap on Send: one photo
            return first
        try:
            photos.save("phone", current_user, request.files.get("photo"))
        except photos.PhotoError as refused:
            error = refused.message
        else:
            once.record(url_for("phone.photo"))
            try:
                db.session.commit()
            except IntegrityError as lost:
                return once.lost_race(lost)
            flash(_("Your photo arrived. Only you and your instructor can see it."), "ok")
            return redirect(url_for("phone.photo"), code=303)
    sent = photos.names("phone", current_user)
    return render_template("phone/photo.html", sent=sent, error=error, section="photo"), (422 if error else 200)


@bp.route("/address", methods=["GET", "POST"])
def address():
    """Three addresses that look like Kela's page: she chooses the real one (no link: she reads them)."""
    state = _state()
    if request.method == "POST":
        _posted()
        choice = request.form.get("address")
        if choice not in pad.ADDRESSES:
            flash(_("Please choose one of the three addresses."), "error")
        else:
            db.session.execute(owned_update(PhoneState, current_user).values(chosen_address=choice))
            db.session.commit()
        return redirect(url_for("phone.address"), code=303)
    return render_template("phone/address.html", state=state, addresses=pad.ADDRESSES, real=pad.REAL_ADDRESS,
                           section="address")


@bp.route("/qr")
def qr():
    """The practice QR code, to show on another screen or print: her camera opens its address."""
    _state()
    return render_template("phone/qr.html", section="qr")


@bp.route("/qr/<code>")
def scanned(code: str):
    """Where the practice QR code leads: opening it is what the check reads."""
    if code != pad.QR_CODE:
        abort(404)
    _state()
    db.session.execute(owned_update(PhoneState, current_user).where(PhoneState.scanned_at.is_(None))
                       .values(scanned_at=clock.utcnow()))
    db.session.commit()
    return render_template("phone/scanned.html", section="qr")
