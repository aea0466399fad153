"""The sandboxed services. Each sim is a package here with the same contract (design.md):

- `bp`: a Blueprint, mounted at /practice/<name>/ (learners only: checked here, once, for all sims);
- its own tables `sim_<name>_*`, keyed by the learner, in its own Alembic branch;
- scenarios in lessons/<course>/scenarios/ that seed a fresh sandbox;
- `reset(learner)`: start her sandbox again from the scenario;
- `export(learner_id) -> dict`: everything the service stores about her, for the file she can be
  given (teach.history.learner_data asks every registered sim; `rows_of` below does the reading);
- named task checks registered with `workshop.curriculum.task("<name>.<check>")`.

Sims are found by scanning this package: adding a service means adding a package (and lessons),
nothing else. A sim never imports another sim, the lesson player or the instructor views.
"""
from __future__ import annotations

import importlib
import re
import pkgutil
from types import ModuleType

from flask import Blueprint, Flask, abort, current_app, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..extensions import db
from ..models import Role
from ..redirects import same_site_path
from ..web import catalogue, current_enrollment

bp = Blueprint("sims", __name__, url_prefix="/practice")
PRACTICE_KEY = "practice_step"
SIM_PATH = re.compile(r"[A-Za-z0-9._~/-]{0,200}")


CONTRACT = ("bp", "reset", "export")


def discover() -> dict[str, ModuleType]:
    sims = {
        info.name: importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if info.ispkg
    }
    for name, module in sims.items():
        missing = [attr for attr in CONTRACT if not hasattr(module, attr)]
        if missing:
            raise RuntimeError(f"the sim {name} lacks {', '.join(missing)} (workshop/sims/__init__.py)")
    return sims


def rows_of(model, learner_id: int) -> list[dict]:
    """Her rows of one of a sim's tables, every column but the learner id, dates as ISO text."""
    from datetime import date, datetime

    def plain(value):
        if isinstance(value, datetime):
            return value.isoformat(timespec="seconds") + "Z"
        return value.isoformat() if isinstance(value, date) else value

    columns = [c for c in model.__table__.columns if c.name != "learner_id"]
    rows = db.session.scalars(
        db.select(model).where(model.learner_id == learner_id).order_by(*model.__table__.primary_key.columns)
    )
    return [{c.name: plain(getattr(row, c.key)) for c in columns} for row in rows]


def learners_only():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role != Role.LEARNER or current_enrollment() is None:
        abort(403)
    return None


def practice_step():
    """The lesson step that opened the practice, if any: (lesson, step), checked against the catalogue."""
    context = session.get(PRACTICE_KEY) or ""
    parts = context.split("/")
    if len(parts) != 3:
        return None
    lesson = catalogue().lesson(parts[0], parts[1])
    step = lesson.step(parts[2]) if lesson else None
    return (lesson, step) if step is not None and step.type == "practice" else None


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
    path = request.args.get("path", "").strip("/")
    if not SIM_PATH.fullmatch(path) or ".." in path or "//" in path:
        path = ""  # only a plain path inside the sim: no control characters, no way out of it
    home = url_for(f"{sim}.index")
    return redirect(same_site_path(home + path, home))


@bp.route("/reset/<sim>", methods=["GET", "POST"])
def reset(sim: str):
    """Starting again wipes her sandbox, so it is asked first, on a page of its own (no JavaScript
    needed): only a POST that says confirm=yes resets; anything else shows the question."""
    from flask import flash, render_template
    from flask_babel import gettext as _

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


def init_app(app: Flask) -> None:
    sims = discover()
    app.extensions["askel_sims"] = sims
    for blueprint in [bp, *(module.bp for module in sims.values())]:
        # set once per process: a second app (tests, CLI) reuses the same blueprint objects
        if learners_only not in blueprint.before_request_funcs.get(None, []):
            blueprint.before_request(learners_only)
    app.register_blueprint(bp)
    for name, module in sims.items():
        app.register_blueprint(module.bp, url_prefix=f"/practice/{name}")

    @app.context_processor
    def practice_context():
        if request.blueprint in sims:
            practice = practice_step()
            return {"practice": practice, "sim_name": request.blueprint,
                    "practice_compact": _seen_before(request.blueprint, practice)}
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
