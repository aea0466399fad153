"""The practice inbox's pages. Learners only (checked by workshop.sims for every sim route).

Every message and attachment is looked up through mailbox.get*(), which filters on the signed-in
learner: another learner's ids give 404. State changes are POST forms with CSRF.
"""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from ... import formats
from ...extensions import db
from ...web import Once
from ..contract import owned, sim_blueprint
from . import mailbox as mb
from .models import FOLDERS, MailMessage

bp = sim_blueprint(__package__)

FOLDER_LABELS = {"inbox": "Saapuneet", "sent": "Lähetetyt", "drafts": "Luonnokset", "junk": "Roskaposti", "deleted": "Poistetut"}


class CsrfForm(FlaskForm):
    """Only the CSRF token: the fields are read from the request and checked here."""


LONG, SHORT = "d.M.yyyy 'klo' H.mm", "d.M. H.mm"


def when(moment, long: bool = False) -> str:
    """A date as Finnish webmail writes it: 12.3.2026 klo 9.15 (Helsinki time), as plain text."""
    return formats.fi_datetime_plain(moment, LONG if long else SHORT)


@bp.app_template_filter("mail_when")
def mail_when(moment, long: bool = False) -> str:
    return formats.fi_datetime(moment, LONG if long else SHORT)  # isolated, left to right


def common(**context):
    learner = current_user._get_current_object()
    box = mb.mailbox(learner)
    return dict(box=box, counts=mb.unread_counts(learner), folder_labels=FOLDER_LABELS, folders=FOLDERS,
                shown=mb.shown, **context)


def _ensure_posted() -> None:
    if not CsrfForm().validate_on_submit():
        abort(400)


# --- folders -------------------------------------------------------------------------------


@bp.route("/")
def index():
    return folder("inbox")


@bp.route("/folder/<name>")
def folder(name: str):
    if name not in FOLDERS:
        abort(404)
    ctx = common()  # seeds her mailbox on the first visit
    learner = current_user._get_current_object()
    return render_template("mail/folder.html", folder=name, messages=mb.messages(learner, name),
                           state=mb.inbox_state(learner), query="", arrived=False, **ctx)


@bp.route("/poll")
def poll():
    """The inbox asks every few seconds (htmx, while open) whether a message has arrived: 204 if not."""
    learner = current_user._get_current_object()
    mb.mailbox(learner)
    state = mb.inbox_state(learner)
    if request.args.get("state") == state:
        response = make_response("", 204)
    else:
        response = make_response(render_template(
            "mail/_list.html", folder="inbox", messages=mb.messages(learner, "inbox"), state=state,
            arrived=True, query="", folder_labels=FOLDER_LABELS, shown=mb.shown,
            counts=mb.unread_counts(learner)))  # the Inbox count comes along (out of band)
    response.vary.add("HX-Request")
    return response


@bp.route("/search")
def search():
    query = request.args.get("q", "")[:100].strip()
    ctx = common()
    learner = current_user._get_current_object()
    return render_template("mail/folder.html", folder=None, messages=mb.search(learner, query),
                           state="", query=query, arrived=False, **ctx)


@bp.route("/scenario/<key>")
def scenario_message(key: str):
    """A lesson's practice can start at a scenario message: her own copy of it, if she still has it."""
    learner = current_user._get_current_object()
    mb.mailbox(learner)
    message = next((m for m in mb.messages_by_key(learner, key)), None)
    if message is None:
        return redirect(url_for("mail.index"))
    return redirect(url_for("mail.message", message_id=message.id))


# --- one message ---------------------------------------------------------------------------


@bp.route("/message/<int:message_id>")
def message(message_id: int):
    learner = current_user._get_current_object()
    mb.mailbox(learner)
    msg = mb.get(learner, message_id)
    if msg.folder == "drafts":
        return redirect(url_for("mail.compose", draft=msg.id))
    if not msg.read:
        msg.read = True
        db.session.commit()
    translated = request.args.get("lang") == "mine"
    return render_template("mail/message.html", message=msg, view=mb.shown(msg, translated),
                           translated=translated, folder=msg.folder, **common())


@bp.route("/message/<int:message_id>/<action>", methods=["POST"])
def act(message_id: int, action: str):
    _ensure_posted()
    if action not in ("delete", "restore", "spam"):
        abort(404)
    learner = current_user._get_current_object()
    msg = mb.get(learner, message_id)
    back = msg.folder if msg.folder != "drafts" else "drafts"
    if action == "delete":
        mb.move(msg, "deleted")
        flash(_("The message was moved to Poistetut. You can restore it from there."), "info")
    elif action == "spam":
        mb.move(msg, "junk")
        flash(_("The message was moved to Roskaposti. Good: that is how you report a suspicious message."), "info")
    else:
        mb.restore(msg)
        flash(_("The message is back in %(folder)s.", folder=FOLDER_LABELS[msg.folder]), "info")
    return redirect(url_for("mail.folder", name=back), code=303)


@bp.route("/message/<int:message_id>/link")
def trap(message_id: int):
    """The link in the false bank message leads here: an explanation, never a sign-in form."""
    learner = current_user._get_current_object()
    msg = mb.get(learner, message_id)
    if not mb.shown(msg).link:
        abort(404)
    if msg.link_opened_at is None:
        msg.link_opened_at = mb.now()
        db.session.commit()
    return render_template("mail/trap.html", message=msg, **common(folder=msg.folder))


@bp.route("/message/<int:message_id>/attachments/<int:attachment_id>")
def attachment(message_id: int, attachment_id: int):
    learner = current_user._get_current_object()
    msg = mb.get(learner, message_id)
    att = mb.get_attachment(learner, msg, attachment_id)
    if att.opened_at is None:
        att.opened_at = mb.now()
        db.session.commit()
    translated = request.args.get("lang") == "mine"
    asset = mb.ASSETS[att.asset]
    return render_template("mail/attachment.html", message=msg, attachment=att, asset=asset,
                           document=mb.document(msg, att, translated), translated=translated,
                           **common(folder=msg.folder))


@bp.route("/message/<int:message_id>/attachments/<int:attachment_id>/file")
def attachment_file(message_id: int, attachment_id: int):
    learner = current_user._get_current_object()
    msg = mb.get(learner, message_id)
    att = mb.get_attachment(learner, msg, attachment_id)
    asset = mb.ASSETS[att.asset]
    response = send_from_directory(current_app.static_folder, asset.file, download_name=att.name,
                                   as_attachment=asset.kind == "pdf", max_age=0)
    if asset.kind == "image":  # an SVG drawing, shown as the photo
        response.headers["Content-Type"] = "image/svg+xml"
    return response


# --- writing -------------------------------------------------------------------------------


def _related(learner, raw) -> object | None:
    if raw in (None, ""):
        return None
    if not str(raw).isdigit():
        abort(404)
    return mb.get(learner, int(raw))


def _compose_page(*, status: int = 200, **fields):
    defaults = dict(to="", subject="", body="", photos=[], kind="new", related=None, draft=None,
                    errors={}, warning=None, gallery=mb.GALLERY, assets=mb.ASSETS, limit=mb.body_limit())
    defaults.update(fields)
    return render_template("mail/compose.html", **common(folder="compose", **defaults)), status


@bp.route("/compose", methods=["GET"])
def compose():
    learner = current_user._get_current_object()
    mb.mailbox(learner)
    draft_id = request.args.get("draft")
    if draft_id is not None:
        draft = _related(learner, draft_id)
        if draft.folder != "drafts":
            abort(404)
        related = db.session.scalar(owned(MailMessage, learner).where(MailMessage.id == draft.related_id))
        return _compose_page(to=draft.to_addr, subject=draft.subject, body=draft.body, kind=draft.kind,
                             related=related, draft=draft,
                             photos=[a.asset for a in draft.attachments if a.asset in mb.GALLERY])
    return _compose_page(to=request.args.get("to", "")[:mb.TO_LIMIT])


@bp.route("/message/<int:message_id>/reply")
def reply(message_id: int):
    learner = current_user._get_current_object()
    msg = mb.get(learner, message_id)
    to = msg.to_addr if msg.folder == "sent" else msg.from_addr
    s = mb.shown(msg)
    return _compose_page(to=to, subject=mb.prefix_subject("VS:", s.subject), kind="reply", related=msg,
                         body=mb.quote(msg, when(msg.deliver_at, long=True), forward=False))


@bp.route("/message/<int:message_id>/forward")
def forward(message_id: int):
    learner = current_user._get_current_object()
    msg = mb.get(learner, message_id)
    s = mb.shown(msg)
    return _compose_page(subject=mb.prefix_subject("VL:", s.subject), kind="forward", related=msg,
                         body=mb.quote(msg, when(msg.deliver_at, long=True), forward=True))


@bp.route("/compose", methods=["POST"])
def send():
    _ensure_posted()
    learner = current_user._get_current_object()
    mb.mailbox(learner)
    once = Once()
    form = request.form
    to, subject, body = form.get("to", ""), form.get("subject", ""), form.get("body", "").replace("\r\n", "\n")
    kind = form.get("kind") if form.get("kind") in ("new", "reply", "forward") else "new"
    related = _related(learner, form.get("related"))
    draft = _related(learner, form.get("draft"))
    if draft is not None and draft.folder != "drafts":
        abort(404)
    if related is None:
        kind = "new"
    photos = list(dict.fromkeys(p for p in form.getlist("photo") if p in mb.GALLERY))
    action = form.get("action", "send")
    fields = dict(to=to, subject=subject, body=body, kind=kind, related=related, draft=draft, photos=photos)

    errors: dict[str, str] = {}
    if len(body) > mb.body_limit():
        errors["body"] = ngettext("The message is too long: %(num)s character. The limit is %(limit)s. "
                                  "Make it shorter; everything else you wrote is kept.",
                                  "The message is too long: %(num)s characters. The limit is %(limit)s. "
                                  "Make it shorter; everything else you wrote is kept.", len(body), limit=mb.body_limit())
    if len(subject) > mb.SUBJECT_LIMIT:
        errors["subject"] = ngettext("The subject is too long. Write at most %(num)s character.",
                                     "The subject is too long. Write at most %(num)s characters.", mb.SUBJECT_LIMIT)
    if len(to) > mb.TO_LIMIT:
        errors["to"] = _("There are too many addresses. Write fewer.")
    if len(photos) > mb.MAX_PHOTOS:
        errors["photo"] = ngettext("Choose at most %(num)s photo.", "Choose at most %(num)s photos.", mb.MAX_PHOTOS)
    if draft is None and mb.count(learner) >= mb.MAX_MESSAGES:
        errors["form"] = _("Your practice inbox is full. Delete some messages, or start this practice again.")
    if action == "draft":
        if errors:
            return _compose_page(status=422, errors=errors, **fields)
        if (first := once.replay()) is not None:
            return first
        once.record(url_for("mail.folder", name="drafts"))
        try:
            mb.save(learner, folder="drafts", **fields)
        except IntegrityError as error:
            return once.lost_race(error)
        flash(_("Your message is saved in Luonnokset. It is not sent yet."), "info")
        return redirect(url_for("mail.folder", name="drafts"), code=303)

    if "to" not in errors:
        problem = mb.address_error(to)
        if problem:
            errors["to"] = problem
    if errors:
        return _compose_page(status=422, errors=errors, **fields)
    if not subject.strip() and action != "send-anyway":
        warning = _("This message has no subject (Aihe). The receiver sees an empty line. Add a subject, or send it anyway.")
        return _compose_page(status=200, warning=warning, **fields)
    if (first := once.replay()) is not None:  # the same message sent twice: it went once
        return first
    once.record(url_for("mail.index"))
    try:
        mb.save(learner, folder="sent", **fields)
    except IntegrityError as error:
        return once.lost_race(error)
    flash(_("Your message was sent. You find a copy in Lähetetyt."), "info")
    return redirect(url_for("mail.index"), code=303)
