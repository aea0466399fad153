"""Who may open which route: one permission layer for the whole application.

Every route is closed until it is opened explicitly. A blueprint says who its routes are for
(`guard(bp, LEARNER)`), and a view that differs says so itself (`@public`, `@allow(SIGNED_IN)`).
At start-up `init_app` gives every endpoint of the URL map its rule and refuses to start when one
has none, naming it; one `before_request` then applies the rule before any view or blueprint hook
runs. Tests read the same rules (`rule_of`), so the route tables cannot drift from the code.

"The groups this staff member may see" is written here once (`visible_workshops`): the instructor
views, the tablet set-up and anything else about groups fetch through it, never by id alone.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, abort, current_app, render_template, request, url_for
from flask_login import current_user

from .extensions import db
from .models import Role, Workshop, workshop_instructors

ATTRIBUTE = "askel_access"


@dataclass(frozen=True)
class Rule:
    """Who may open a route. `check()` answers None to let the request through, or a response
    (a redirect to sign in, an error page) that refuses it."""

    name: str
    check: Callable[[], object]

    def __repr__(self) -> str:
        return f"<access {self.name}>"


def _signed_in():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def _role(*roles: str):
    def check():
        refused = _signed_in()
        if refused is not None:
            return refused
        if current_user.role not in roles:
            abort(403)
        return None

    return check


def _learner():
    refused = _role(Role.LEARNER)()
    if refused is not None:
        return refused
    if current_user.membership_now() is None:  # a learner in no group yet has nothing to practise
        return render_template("learn/no_group.html"), 403
    return None


PUBLIC = Rule("public", lambda: None)
SIGNED_IN = Rule("signed-in", _signed_in)
LEARNER = Rule("learner", _learner)  # a signed-in learner in a group; her own objects only
STAFF = Rule("staff", _role(Role.INSTRUCTOR, Role.COORDINATOR))  # objects through visible_workshops()
COORDINATOR = Rule("coordinator", _role(Role.COORDINATOR))

# Routes Flask itself adds: the static files (the site's, and each blueprint's own) are for everyone.
BUILT_IN = {"static": PUBLIC}


def allow(rule: Rule):
    """Declare the rule of one view (it wins over its blueprint's)."""

    def mark(view):
        setattr(view, ATTRIBUTE, rule)
        return view

    return mark


public = allow(PUBLIC)


def guard(blueprint: Blueprint, rule: Rule | None) -> Blueprint:
    """The rule of every route of a blueprint that declares none of its own. `None`: every view
    declares its own (the start-up check names any that does not)."""
    setattr(blueprint, ATTRIBUTE, rule)
    return blueprint


def _declared(app: Flask, endpoint: str) -> Rule | None:
    if endpoint in BUILT_IN:
        return BUILT_IN[endpoint]
    blueprint_name, _dot, view_name = endpoint.rpartition(".")
    blueprint_of = app.blueprints.get(blueprint_name)
    if view_name == "static" and blueprint_of is not None and blueprint_of.has_static_folder:
        return PUBLIC  # a blueprint's own CSS and pictures (a sim's), like the site's static files
    view = app.view_functions.get(endpoint)
    while view is not None:
        rule = getattr(view, ATTRIBUTE, None)
        if rule is not None:
            return rule
        view = getattr(view, "__wrapped__", None)
    blueprint = endpoint.rpartition(".")[0]
    while blueprint:  # a nested blueprint ("auth.tablet") without a rule of its own takes its parent's
        if blueprint in app.blueprints and getattr(app.blueprints[blueprint], ATTRIBUTE, None) is not None:
            return getattr(app.blueprints[blueprint], ATTRIBUTE)
        blueprint = blueprint.rpartition(".")[0]
    return None


def rules(app: Flask) -> dict[str, Rule]:
    """Every endpoint's rule; RuntimeError naming the endpoints that have none."""
    found = {rule.endpoint: _declared(app, rule.endpoint) for rule in app.url_map.iter_rules()}
    missing = sorted(endpoint for endpoint, rule in found.items() if rule is None)
    if missing:
        raise RuntimeError(
            f"routes without an access rule: {', '.join(missing)} "
            "(open them with @access.public or @access.allow(...), or guard their blueprint; workshop/access.py)"
        )
    return found


def rule_of(app: Flask, endpoint: str) -> Rule:
    return app.extensions[ATTRIBUTE][endpoint]


def init_app(app: Flask) -> None:
    """After every blueprint is registered: give each endpoint its rule, and apply it to each request."""
    app.extensions[ATTRIBUTE] = rules(app)

    @app.before_request
    def apply_access_rule():
        if request.url_rule is None:  # no route matched: the 404 or 405 page follows
            return None
        # An endpoint added after start-up (it should not happen) has no rule: closed.
        rule = app.extensions[ATTRIBUTE].get(request.url_rule.endpoint)
        if rule is None:
            abort(403)
        return rule.check()


def home_for(user) -> str:
    """Where a person goes once signed in: her own pages, by her role."""
    if user.role == Role.COORDINATOR:
        return url_for("admin.index")
    if user.role == Role.INSTRUCTOR:
        return url_for("teach.index")
    return url_for("learn.home")


def visible_workshops():
    """The groups the signed-in staff member may see: her own, or all of them for the coordinator."""
    query = db.select(Workshop).order_by(Workshop.starts_on.desc(), Workshop.name)
    if current_user.role != Role.COORDINATOR:
        query = query.join(workshop_instructors, workshop_instructors.c.workshop_id == Workshop.id).where(
            workshop_instructors.c.user_id == current_user.id
        )
    return query
