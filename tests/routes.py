"""The one table of routes for every route-walk test.

Who may open a route is not written here: it is the rule the application declares for it
(`workshop/access.py`: a blueprint's guard, or `@access.public` / `@access.allow(...)` on a view),
read with `kind()`. From the rule and the role follows what a refused role gets (`refused()`).
What the rules cannot say is below, once: what an allowed request answers in the walks that send
it with their form data (`ANSWERS`), and which routes end the session a walk needs (`ENDS_SESSION`).

Used by tests/security/test_authorization_matrix.py (every route, crawled URLs), test_paths.py
(hostile parameters), tests/teach/test_teach_access.py, tests/admin/test_routes.py and
tests/review/test_routes.py (each route as every role, with fresh objects).
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

from workshop import access

# The roles of every walk. "other learner" and "other instructor" belong to another group (or, in
# the review walk, the other instructor has no grant for the language of the URL).
ROLES = ("anonymous", "learner", "other learner", "instructor", "other instructor", "coordinator")
LEARNERS = ("learner", "other learner")

# Routes that end the session the walk's other requests need: sent last, or not at all.
ENDS_SESSION = frozenset({"auth.sign_out", "auth.sign_out_everywhere"})

# Blueprints whose every route the walks send as every role with real objects and form data.
WALKED = ("teach.", "admin.", "auth.tablet.", "review.")

# What an allowed role gets from each walked route (the rules say who is allowed; this says what
# the view answers to the walk's request): 200 a page, 303 a redirect after a change, 422 a form
# sent back with its message. A walked route missing here, or a stale entry, fails
# tests/security/test_route_table.py. Device routes need no entry: no walk sets a tablet up.
ANSWERS: dict[tuple[str, str], int] = {
    ("teach.index", "GET"): 200,
    ("teach.account", "GET"): 200,
    ("teach.account_address", "POST"): 303,  # no choice sent: nothing changes, a message says so
    ("teach.group_new", "GET"): 200,
    ("teach.group_new", "POST"): 303,
    ("teach.group", "GET"): 200,
    ("teach.group_edit", "GET"): 200,
    ("teach.group_edit", "POST"): 303,
    ("teach.lessons_plan", "GET"): 200,
    ("teach.lessons_plan", "POST"): 303,
    ("teach.learners", "GET"): 200,
    ("teach.learner_add", "POST"): 200,
    ("teach.learner_rename", "POST"): 303,
    ("teach.learner_remove", "GET"): 200,
    ("teach.learner_remove", "POST"): 303,
    ("teach.learner", "GET"): 200,
    ("teach.note_add", "POST"): 303,
    ("teach.learner_export", "GET"): 200,
    ("teach.learner_photos", "GET"): 200,
    ("teach.learner_photo", "GET"): 200,
    ("teach.learner_delete", "GET"): 200,
    ("teach.learner_delete", "POST"): 303,
    ("teach.cards", "GET"): 200,
    ("teach.cards", "POST"): 422,  # nobody chosen: nothing renewed
    ("teach.learner_renew", "GET"): 200,
    ("teach.learner_renew", "POST"): 200,
    ("teach.help_handled", "POST"): 303,
    ("teach.export_csv", "GET"): 200,
    ("teach.learner_sign_out", "POST"): 303,
    ("teach.learner_address", "POST"): 303,
    ("teach.meetings.index", "GET"): 200,
    ("teach.meetings.add", "POST"): 303,
    ("teach.meetings.register", "GET"): 200,
    ("teach.meetings.edit", "GET"): 200,
    ("teach.meetings.edit", "POST"): 303,
    ("teach.meetings.mark", "POST"): 303,
    # counselling (the walk's learner has given her consent and has a session and a plan; the walk's
    # form data fills none of these forms, so each is sent back with its message)
    ("teach.counsel.group", "GET"): 200,
    ("teach.counsel.learner", "GET"): 200,
    ("teach.counsel.consent_give", "POST"): 303,  # already in force: nothing more to record
    ("teach.counsel.consent_withdraw", "GET"): 200,
    ("teach.counsel.consent_withdraw", "POST"): 303,
    ("teach.counsel.session_new", "GET"): 200,
    ("teach.counsel.session_new", "POST"): 422,
    ("teach.counsel.session_edit", "GET"): 200,
    ("teach.counsel.session_edit", "POST"): 303,  # a field not sent keeps its saved value
    ("teach.counsel.session_delete", "GET"): 200,
    ("teach.counsel.session_delete", "POST"): 303,
    ("teach.counsel.plan", "GET"): 200,
    ("teach.counsel.plan", "POST"): 303,  # her plan exists: a field not sent keeps its saved value
    ("teach.counsel.follow_up", "GET"): 200,
    ("teach.counsel.follow_up", "POST"): 422,
    ("admin.index", "GET"): 200,
    ("admin.group", "GET"): 200,
    ("admin.group", "POST"): 303,
    ("admin.instructors", "GET"): 200,
    ("admin.instructors", "POST"): 200,
    ("admin.instructor", "GET"): 200,
    ("admin.reset_password", "POST"): 200,
    ("admin.set_active", "POST"): 303,
    ("admin.set_rights", "POST"): 303,
    ("admin.set_address", "POST"): 303,
    ("admin.report", "GET"): 200,
    ("admin.report_csv", "GET"): 200,
    ("admin.outcomes_report", "GET"): 200,
    ("admin.outcomes_csv", "GET"): 200,
    ("admin.counsel.log", "GET"): 200,
    ("admin.counsel.topics", "GET"): 200,
    ("admin.counsel.topic_add", "POST"): 303,
    ("admin.counsel.topic_edit", "GET"): 200,
    ("admin.counsel.topic_edit", "POST"): 303,
    ("admin.counsel.topic_active", "POST"): 303,
    ("auth.tablet.setup_index", "GET"): 200,
    ("auth.tablet.setup", "GET"): 200,
    ("auth.tablet.setup", "POST"): 303,
    ("auth.tablet.remove_device", "POST"): 303,
    ("auth.tablet.pictures", "GET"): 200,
    ("auth.tablet.pictures", "POST"): 200,
    ("review.index", "GET"): 200,
    ("review.lesson", "GET"): 200,
    ("review.edit", "GET"): 200,
    ("review.edit", "POST"): 303,
    ("review.revert", "POST"): 303,
    ("review.narration", "GET"): 200,
    ("review.narration", "POST"): 303,
    ("review.narration_delete", "POST"): 303,
    ("review.missing", "GET"): 200,
    ("review.recordings", "GET"): 200,
    ("review.narration_file", "GET"): 200,
    ("review.session", "GET"): 200,
    ("review.session_record", "GET"): 200,
    ("review.session_take", "POST"): 200,  # JSON: the take is saved
}


def kind(app, endpoint: str) -> str:
    """The rule the application declares for a route: public, signed-in, learner, staff, coordinator, device."""
    return access.rule_of(app, endpoint).name


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def walked_routes(app) -> dict[tuple[str, str], object]:
    """(endpoint, method) -> URL rule, for every route the walks send as every role."""
    return {(rule.endpoint, method): rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(WALKED) for method in methods(rule)}


def names_an_object(rule) -> bool:
    """The route's URL names a stored object by id (someone's group, learner, message...)."""
    return any(isinstance(c, IntegerConverter) for c in rule._converters.values())


def refused(kind: str, role: str, owned: bool, foreign: int = 404) -> int | None:
    """The status a role gets from the route's rule alone, or None when the rule lets it through.

    `owned`: the URL names an object of the learner's or the instructor's own (another learner or
    another group's instructor gets `foreign`: 404 for a group she cannot see, so nothing says it
    exists; the review walk's other-language instructor gets 403)."""
    if kind == "public":
        return None
    if kind == "device":
        return 403  # no tablet is set up in a walk: everyone, signed in or not
    if role == "anonymous":
        return 302  # to the sign-in page
    if kind == "signed-in":
        return None
    if kind == "learner":
        if role == "learner":
            return None
        return 404 if role == "other learner" and owned else (None if role == "other learner" else 403)
    if role in LEARNERS:
        return 403
    if kind == "coordinator":
        return None if role == "coordinator" else 403
    if kind == "staff" and role == "other instructor" and owned:
        return foreign
    return None


def expected(app, endpoint: str, method: str, role: str, owned: bool, foreign: int = 404) -> int:
    """What a walk expects: the refusal the rule gives, else the view's answer from ANSWERS."""
    status = refused(kind(app, endpoint), role, owned, foreign)
    return ANSWERS[(endpoint, method)] if status is None else status
