"""The coordinator's side of counselling (issue 18): the log of who read whose counselling data, and
the list of topics a session can be about. A nested blueprint of `admin` (`admin.counsel.*`), so
coordinator only. The log is read a page at a time: its cost does not grow with the city."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from .. import formats, i18n
from ..counsel import labels, rules
from ..counsel.models import Topic, View
from ..extensions import db
from ..models import User, Workshop
from ..web import Once, Pager
from .forms import ActionForm, TopicForm

bp = Blueprint("counsel", __name__, url_prefix="/counselling")


def what_labels() -> dict[str, str]:
    return {"sessions": _("Counselling page (sessions, notes, plan)"), "session": _("One session and its note"),
            "plan": _("Follow-up plan"), "notes": _("Instructors' notes on her lessons page"),
            "export": _("Her data file")}


@bp.route("/log")
def log():
    """Who read which participant's counselling data, and when: newest first, a page at a time."""
    viewer, learner = aliased(User), aliased(User)
    query = (db.select(View.viewed_at, viewer.display_name, learner.display_name, Workshop.name, View.what)
             .outerjoin(viewer, viewer.id == View.viewer_id)
             .join(learner, learner.id == View.learner_id)
             .outerjoin(Workshop, Workshop.id == View.workshop_id)
             .order_by(View.viewed_at.desc(), View.id.desc()))
    pager = Pager(query)
    rows = db.session.execute(pager.query).all()
    return render_template("admin/counsel_log.html", rows=rows, pager=pager, what=what_labels())


def _topics_page(form: TopicForm, status: int = 200):
    return render_template("admin/counsel_topics.html", topics=rules.topics(include_retired=True), form=form,
                           action=ActionForm(), label_of=labels.topic_label, missing_of=labels.topic_missing), status


def _taken(form: TopicForm, topics: list[Topic]) -> bool:
    """A label she gave is already a topic's label in that language (a seeded topic's as translated):
    the field says so. True when one is."""
    taken = False
    for language, text in form.given().items():
        if any(labels.topic_label(t, language).casefold() == text.casefold() for t in topics):
            getattr(form, f"label_{language}").errors.append(_("This topic is already on the list."))
            taken = True
    return taken


def _missing_notice(topic: Topic) -> None:
    """Which languages her topic still lacks: instructors reading them see it in another language."""
    missing = labels.topic_missing(topic)
    if missing:
        names = formats.listing(i18n.label(language) for language in missing)
        flash(_("Not written yet in: %(languages)s. Instructors who read these languages see the topic in "
                "another language until you add them.", languages=names), "info")


@bp.route("/topics")
def topics():
    return _topics_page(TopicForm(formdata=None))


@bp.route("/topics", methods=["POST"])
def topic_add():
    """A topic of her own, in each language she writes it in (seeded topics are translated by their key)."""
    form = TopicForm()
    if not form.validate_on_submit():
        return _topics_page(form, status=422)
    once = Once()
    if (first := once.replay()) is not None:  # sent twice: one topic
        return first
    existing = rules.topics(include_retired=True)
    if _taken(form, existing):
        return _topics_page(form, status=422)
    position = max((t.position for t in existing), default=0) + 10
    topic = Topic(key=f"own-{secrets.token_hex(6)}", position=position, active=True)
    topic.set_own_labels(form.given())
    db.session.add(topic)
    response = once.commit(url_for("admin.counsel.topics"), _("Topic added."))
    if sa.inspect(topic).persistent:  # added now, not by a parallel submit that won
        _missing_notice(topic)
    return response


@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
def topic_edit(topic_id: int):
    """Her topic's labels, a language at a time (a seeded topic is translated with the site: not here)."""
    topic = db.session.get(Topic, topic_id)
    if topic is None or topic.seeded:
        abort(404)
    form = TopicForm(data={f"label_{language}": text for language, text in topic.own_labels().items()})
    if request.method == "POST":
        form = TopicForm()
        if form.validate_on_submit() and not _taken(form, [t for t in rules.topics(include_retired=True)
                                                             if t.id != topic.id]):
            topic.set_own_labels(form.given())
            db.session.commit()
            flash(_("Saved."), "ok")
            _missing_notice(topic)
            return redirect(url_for("admin.counsel.topics"), code=303)
    return render_template("admin/counsel_topic.html", topic=topic, form=form, label_of=labels.topic_label,
                           missing=labels.topic_missing(topic)), \
        422 if request.method == "POST" else 200


@bp.route("/topics/<int:topic_id>/active", methods=["POST"])
def topic_active(topic_id: int):
    """Retire a topic (it stays on the sessions that used it, and no longer shows on new ones) or bring it back."""
    topic = db.session.get(Topic, topic_id)  # the topics are the coordinator's, every one
    if topic is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    topic.active = request.form.get("active") == "1"
    db.session.commit()
    flash(_("Saved."), "ok")
    return redirect(url_for("admin.counsel.topics"), code=303)
