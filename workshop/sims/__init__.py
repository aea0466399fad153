"""The sandboxed services, found by scanning this package: adding a service means adding a package
(and lessons), nothing else. Each keeps the contract in `contract.py` (`Sim`), checked here at
start-up. A sim never imports another sim, the lesson player or the instructor views.

This module mounts them: every sim route is for a signed-in learner (guarded here, once, for all,
through workshop.access; a sim's static files are public like the site's), `/practice/open/<sim>`
enters one from a practice step, `/practice/reset/<sim>` starts one again, `/practice/photos/<sim>/<name>`
shows her one of her own photos (`photos.py`), and a view marked `@photos.takes_photo` may receive one.
"""
from __future__ import annotations

import importlib
import os
import re
import pkgutil
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from .. import access
from ..extensions import db, migrate
from ..models import Enrollment
from ..redirects import same_site_path
from ..web import catalogue, current_enrollment
from . import photos
from .contract import Sim, SimContractError

bp = Blueprint("sims", __name__, url_prefix="/practice")
PRACTICE_KEY = "practice_step"
SIM_PATH = re.compile(r"[A-Za-z0-9._~/-]{0,200}")


def discover() -> dict[str, Sim]:
    """Every service package here, by name, each checked against the contract: a package that does
    not keep it stops the start-up with its name and what it lacks."""
    sims = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        sim = getattr(module, "sim", None)
        if not isinstance(sim, Sim):
            raise SimContractError(f"workshop/sims/{info.name}: its __init__.py must define `sim = Sim(...)` "
                                   "(workshop/sims/contract.py)")
        problems = sim.problems(info.name)
        if problems:
            raise SimContractError(f"workshop/sims/{info.name} does not keep the sim contract "
                                   f"(workshop/sims/contract.py); it lacks: {'; '.join(problems)}")
        sims[info.name] = sim
    return sims


def migration_locations(sims: dict[str, Sim]) -> list[str]:
    """The central Alembic versions and every service's own, for flask db and the backup."""
    return [str(Path(__file__).parent.parent / "migrations" / "versions"),
            *(str(sim.migrations) for sim in sims.values())]


def practice_step():
    """The lesson step that opened the practice, if any: (lesson, step), checked against the catalogue.
    Kept with her enrolment too, so a new session (she signed in again, on another device) finds it."""
    if PRACTICE_KEY not in session:
        membership = current_enrollment()
        session[PRACTICE_KEY] = (membership and db.session.scalar(
            db.select(Enrollment.practice_step).where(Enrollment.id == membership.id,
                                                      Enrollment.learner_id == current_user.id))) or ""
    context = session.get(PRACTICE_KEY) or ""
    parts = context.split("/")
    if len(parts) != 3:
        return None
    lesson = catalogue().lesson(parts[0], parts[1])
    step = lesson.step(parts[2]) if lesson else None
    return (lesson, step) if step is not None and step.practises else None


@bp.route("/open/<sim>")
def open(sim: str):
    """From a practice step into a sim: remember the step, so every sim page shows the goal and the way back."""
    sims = current_app.extensions["askel_sims"]
    if sim not in sims:
        abort(404)
    step_context = request.args.get("step", "")
    parts = step_context.split("/")
    lesson = catalogue().lesson(parts[0], parts[1]) if len(parts) == 3 else None
    if lesson and lesson.step(parts[2]) is not None:
        session[PRACTICE_KEY] = step_context
        membership = current_enrollment()
        db.session.execute(db.update(Enrollment).where(
            Enrollment.id == membership.id, Enrollment.learner_id == current_user.id).values(practice_step=step_context))
        db.session.commit()
    path = request.args.get("path", "").strip("/")
    if not SIM_PATH.fullmatch(path) or ".." in path or "//" in path:
        path = ""  # only a plain path inside the sim: no control characters, no way out of it
    home = url_for(f"{sim}.index")
    return redirect(same_site_path(home + path, home))


@bp.route("/reset/<sim>", methods=["GET", "POST"])
def reset(sim: str):
    """Starting again wipes her sandbox, so it is asked first, on a page of its own (no JavaScript
    needed): only a POST that says confirm=yes resets; anything else shows the question."""
    sims = current_app.extensions["askel_sims"]
    if sim not in sims:
        abort(404)
    back = same_site_path(request.values.get("next"), url_for(f"{sim}.index"))
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        if request.form.get("confirm") == "yes":
            sims[sim].reset(current_user)
            flash(_("Your practice has started again from the beginning."), "info")
            return redirect(url_for(f"{sim}.index"), code=303)
    return render_template("sims/reset_confirm.html", sim=sim, back=back)


@bp.route("/photos/<sim>/<name>")
def photo(sim: str, name: str):
    """One of her own photos in a service; anyone else's (or none) is a 404."""
    sims = current_app.extensions["askel_sims"]
    reply = sims[sim].photo_response(current_user.id, name) if sim in sims else None
    if reply is None:
        abort(404)
    return reply


@migrate.configure
def _every_sims_migrations(config):
    """Alembic reads the core's revisions and each discovered service's own folder."""
    sims = current_app.extensions["askel_sims"]
    config.set_main_option("version_locations", os.pathsep.join(migration_locations(sims)))
    return config


def init_app(app: Flask) -> None:
    sims = discover()
    app.extensions["askel_sims"] = sims
    for blueprint in [bp, *(sim.blueprint for sim in sims.values())]:
        access.guard(blueprint, access.LEARNER)  # her own sandbox: learners only, for every sim
    app.register_blueprint(bp)
    for name, sim in sims.items():
        app.register_blueprint(sim.blueprint, url_prefix=f"/practice/{name}")
        if f"{name}.index" not in app.view_functions:  # where a practice step and "start again" lead
            raise SimContractError(f"workshop/sims/{name} does not keep the sim contract "
                                   f"(workshop/sims/contract.py); it lacks: a home page, the view `index` at /practice/{name}/")

    @app.url_value_preprocessor  # before every before_request (the CSRF check reads the form)
    def photo_size_limit(endpoint, _values):
        limit = photos.size_limit(endpoint, app.view_functions)
        if limit is not None:
            request.max_content_length = limit

    site_page = app.error_handler_spec[None][413].get(RequestEntityTooLarge)  # web.py's page for it

    @app.errorhandler(RequestEntityTooLarge)
    def photo_too_big(error):
        """A photo larger than a photo view takes: back to its form, told why in her language."""
        if not photos.is_photo_view(app.view_functions.get(request.endpoint)):
            return site_page(error) if site_page else error
        flash(str(photos.TOO_BIG), "error")
        return redirect(request.path, code=303)  # a photo view shows its form on GET

    @app.context_processor
    def practice_context():
        if request.blueprint in sims:
            practice = practice_step()
            if practice is not None and request.blueprint not in {t.partition(".")[0] for t in practice[1].tasks()}:
                # her task is checked in its own service only: another one showed "Open OmaKela…" in the
                # bank, with a way "back to the lesson" that led to the Kela lesson
                practice = None
            return {"practice": practice, "sim_name": request.blueprint,
                    "practice_compact": _seen_before(request.blueprint, practice),
                    "photo_check": photos.browser_check()}
        return {}


SEEN_KEY = "practice_seen"


def _seen_before(sim: str, practice) -> bool:
    """Whether she has already seen this sim's banner with this task: then it is one line she can open
    (on a phone the message she must answer was two screens down). A new task shows in full once."""
    key = f"{sim}:{practice[0].course}/{practice[0].id}/{practice[1].id}" if practice else sim
    seen = session.get(SEEN_KEY)
    seen = seen if isinstance(seen, list) else []
    if key in seen:
        return True
    session[SEEN_KEY] = (seen + [key])[-20:]
    return False
