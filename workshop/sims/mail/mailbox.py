"""The practice inbox's rules, apart from the views: seeding, reading, sending, answering.

`now()` is the sim's clock: tests replace it (monkeypatch `workshop.sims.mail.mailbox.now`) to make
time pass without waiting. Every query here takes the learner and filters on her id.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...curriculum.scenarios import Scenario, load_scenario
from ...extensions import db
from ...i18n import current_locale
from ...models import utcnow
from ..contract import owned, owned_or_404, sandbox
from .models import FOLDERS, MailAttachment, MailBox, MailMessage

COURSE, SCENARIO = "email", "inbox"
SUBJECT_LIMIT = 200
TO_LIMIT = 600
MAX_MESSAGES = 300  # per mailbox: a practice inbox, not a store
QUOTE_MARK = "----- Alkuperäinen viesti -----"
FORWARD_MARK = "---------- Välitetty viesti ----------"


def now() -> datetime:
    """The sim's clock (naive UTC, like every time in the database)."""
    return utcnow()


@dataclass(frozen=True)
class Asset:
    kind: str  # "pdf" or "image"
    file: str  # under static/
    alt: object = ""  # lazy gettext: what the picture shows


# Every attachment is one of these files: nothing is ever uploaded.
ASSETS = {
    "decision-pdf": Asset("pdf", "img/mail/paatos.pdf"),
    "park": Asset("image", "img/mail/photo-park.svg", _l("Children playing in a park")),
    "cake": Asset("image", "img/mail/photo-cake.svg", _l("A birthday cake with candles")),
    "drawing": Asset("image", "img/mail/photo-drawing.svg", _l("A child's drawing of a house and a sun")),
    "sea": Asset("image", "img/mail/photo-sea.svg", _l("The sea and a boat on a sunny day")),
}
# Her phone's photos, which she can attach: (asset, file name as a phone names it).
GALLERY = {"cake": "IMG_2088.jpg", "drawing": "IMG_2090.jpg", "sea": "IMG_2102.jpg"}
MAX_PHOTOS = 3


def scenario() -> Scenario:
    return load_scenario(current_app.config["LESSONS_DIR"], COURSE, SCENARIO)


def reply_delay() -> timedelta:
    return timedelta(seconds=current_app.config["MAIL_REPLY_DELAY"])


def body_limit() -> int:
    return current_app.config["MAIL_BODY_LIMIT"]


# --- her mailbox ---------------------------------------------------------------------------


def address_for(learner) -> str:
    """Her practice address, from her name: 'Amina Ali' -> amina.ali@posti.example."""
    ascii_name = unicodedata.normalize("NFKD", learner.display_name or "").encode("ascii", "ignore").decode()
    local = re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")[:40] or f"oppija{learner.id}"
    return f"{local}@{scenario().data.get('domain', 'posti.example')}"


def mailbox(learner) -> MailBox:
    """Her mailbox, seeded from the scenario the first time she opens it."""
    return sandbox(MailBox, seed, learner)


def seed(learner) -> None:
    """Her fresh mailbox from the scenario, added to the session (contract.sandbox commits it once)."""
    data = scenario().data
    moment = now()
    box = MailBox(learner_id=learner.id, address=address_for(learner), seeded_at=moment)
    db.session.add(box)
    for item in data.get("messages", []):
        arrived = moment - timedelta(minutes=int(item.get("minutes_ago", 0)))
        message = MailMessage(
            learner_id=learner.id, scenario_key=item["id"], folder=item.get("folder", "inbox"),
            read=bool(item.get("read", False)), from_name=item["from_name"], from_addr=item["from_addr"],
            to_addr=box.address, subject=item.get("subject_fi", item.get("subject_en", "")),
            body=item.get("body_fi", item.get("body_en", "")).strip(), kind="new",
            created_at=arrived, deliver_at=arrived,
        )
        if message.folder != "inbox":
            message.previous_folder = "inbox"
        for att in item.get("attachments", []):
            message.attachments.append(MailAttachment(learner_id=learner.id, asset=att["asset"], name=att["name"]))
        db.session.add(message)


def _mine(learner):
    return owned(MailMessage, learner).where(MailMessage.deliver_at <= now())


def messages(learner, folder: str) -> list[MailMessage]:
    query = _mine(learner).where(MailMessage.folder == folder)
    return list(db.session.scalars(query.order_by(MailMessage.deliver_at.desc(), MailMessage.id.desc())))


def all_messages(learner) -> list[MailMessage]:
    """Everything she has, delivered or not (for the task checks)."""
    return list(db.session.scalars(owned(MailMessage, learner)))


def get(learner, message_id: int) -> MailMessage:
    """One of HER delivered messages, or 404: never another learner's, never a future one."""
    return owned_or_404(MailMessage, learner, message_id, MailMessage.deliver_at <= now())


def get_attachment(learner, message: MailMessage, attachment_id: int) -> MailAttachment:
    return owned_or_404(MailAttachment, learner, attachment_id, MailAttachment.message_id == message.id,
                        MailAttachment.asset.in_(ASSETS))


def unread_counts(learner) -> dict[str, int]:
    rows = db.session.execute(
        owned(MailMessage, learner, MailMessage.folder, db.func.count()).where(
            MailMessage.deliver_at <= now(),
            db.or_(MailMessage.read.is_(False), MailMessage.folder == "drafts"),
        ).group_by(MailMessage.folder)
    )
    counts = dict.fromkeys(FOLDERS, 0)
    counts.update({folder: n for folder, n in rows})
    return counts


def inbox_state(learner) -> str:
    """Changes when a message arrives in Saapuneet (the poll compares it)."""
    count, last = db.session.execute(
        owned(MailMessage, learner, db.func.count(), db.func.max(MailMessage.id)).where(
            MailMessage.deliver_at <= now(), MailMessage.folder == "inbox")
    ).one()
    return f"{count}-{last or 0}"


def move(message: MailMessage, folder: str) -> None:
    if message.folder != folder:
        message.previous_folder = message.folder
        message.folder = folder
    db.session.commit()


def restore(message: MailMessage) -> None:
    target = message.previous_folder if message.previous_folder in FOLDERS else "inbox"
    if target in ("deleted", "junk"):
        target = "inbox"
    if message.folder in ("deleted", "junk"):
        message.folder, message.previous_folder = target, None
    db.session.commit()


# --- what a message says, in which language ------------------------------------------------


def scenario_item(message: MailMessage) -> tuple[str, dict] | None:
    """('messages.teacher', data) for a seeded or answering message; None for what she wrote."""
    if not message.scenario_key:
        return None
    data = scenario().data
    for group in ("messages", "answers"):
        for item in data.get(group, []):
            if item.get("id") == message.scenario_key:
                return f"{group}.{item['id']}", item
    return None


@dataclass
class Shown:
    subject: str
    body: str
    lang: str | None  # "fi" for a Finnish original, her locale for a translation, None for her own text
    translatable: bool  # a Finnish original that she can read in her language
    translated: bool
    link: str | None = None  # the phishing message's link text


def shown(message: MailMessage, translated: bool = False) -> Shown:
    found = scenario_item(message)
    if found is None:
        return Shown(message.subject, message.body, None, False, False)
    path, item = found
    sc = scenario()
    link = item.get("link_fi")
    if "body_fi" in item:
        if translated and current_locale() != "fi":
            return Shown(sc.t(f"{path}.subject_en"), sc.t(f"{path}.body_en").strip(), current_locale(), True, True, link)
        return Shown(item.get("subject_fi", ""), item["body_fi"].strip(), "fi", current_locale() != "fi", False, link)
    return Shown(sc.t(f"{path}.subject_en"), sc.t(f"{path}.body_en").strip(), current_locale(), False, False, link)


def document(message: MailMessage, attachment: MailAttachment, translated: bool) -> tuple[str, str, str] | None:
    """A PDF attachment's page: (title, text, lang), from the scenario."""
    found = scenario_item(message)
    if found is None:
        return None
    path, item = found
    for att in item.get("attachments", []):
        if att.get("asset") == attachment.asset and "text_fi" in att:
            apath = f"{path}.attachments.{att['id']}"
            if translated and current_locale() != "fi":
                return scenario().t(f"{apath}.title_en"), scenario().t(f"{apath}.text_en").strip(), current_locale()
            return att["title_fi"], att["text_fi"].strip(), "fi"
    return None


def search(learner, query: str) -> list[MailMessage]:
    words = query.casefold().split()
    if not words:
        return []
    found = []
    for message in db.session.scalars(_mine(learner).order_by(MailMessage.deliver_at.desc(), MailMessage.id.desc())):
        texts = [message.subject, message.body, message.from_name, message.from_addr, message.to_addr]
        if message.scenario_key:
            s = shown(message, translated=True)
            texts += [s.subject, s.body]
        haystack = " ".join(texts).casefold()
        if all(w in haystack for w in words):
            found.append(message)
    return found


# --- writing -------------------------------------------------------------------------------

ADDRESS_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def split_addresses(raw: str) -> list[str]:
    return [a.strip() for a in re.split(r"[,;]", raw or "") if a.strip()]


def address_error(raw: str) -> str | None:
    """What a real mail client says about the Vastaanottaja field, in her language; None if it is fine."""
    addresses = split_addresses(raw)
    if not addresses:
        return _("Add at least one recipient. Write the address in the Vastaanottaja field.")
    for address in addresses:
        if ADDRESS_RE.match(address) and ".." not in address:
            continue
        if "@" not in address:
            why = _("It has no @ sign.")
        elif address.count("@") > 1:
            why = _("It has more than one @ sign.")
        elif " " in address:
            why = _("An address has no spaces.")
        else:
            why = _("The part after the @ sign must be like example.com.")
        return _("The address “%(address)s” is not valid. %(why)s Check every letter.", address=address, why=why)
    return None


def own_text(body: str) -> str:
    """What she wrote herself, without the quoted or forwarded message below it."""
    for mark in (QUOTE_MARK, FORWARD_MARK):
        body = body.split(mark, 1)[0]
    return "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">")).strip()


def quote(message: MailMessage, when: str, forward: bool) -> str:
    s = shown(message)
    lines = [FORWARD_MARK if forward else QUOTE_MARK,
             f"Lähettäjä: {message.from_name} <{message.from_addr}>" if message.from_name else f"Lähettäjä: {message.from_addr}",
             f"Päivämäärä: {when}", f"Aihe: {s.subject}", f"Vastaanottaja: {message.to_addr}", ""]
    if forward:
        lines += [s.body]
    else:
        lines += [f"> {line}" if line else ">" for line in s.body.splitlines()]
    return "\n\n" + "\n".join(lines)


def prefix_subject(prefix: str, subject: str) -> str:
    """Finnish Outlook starts a reply's subject with "VS:" (vastaus) and a forward's with "VL:"
    (välitetty); source in lessons/email/glossary.toml (email-vs, email-vl)."""
    return subject if subject.lower().startswith(prefix.lower()) else f"{prefix} {subject}"


def count(learner) -> int:
    return db.session.scalar(owned(MailMessage, learner, db.func.count()))


def save(learner, *, draft: MailMessage | None, to: str, subject: str, body: str, kind: str,
         related: MailMessage | None, photos: list[str], folder: str) -> MailMessage:
    """Store a draft, or send: sending keeps a copy in Lähetetyt and lets simulated contacts answer."""
    box = mailbox(learner)
    moment = now()
    message = draft or MailMessage(learner_id=learner.id, created_at=moment)
    message.folder, message.previous_folder, message.read = folder, None, True
    message.from_name, message.from_addr = learner.display_name, box.address
    message.to_addr, message.subject, message.body = to.strip(), subject.strip(), body
    message.kind, message.related_id = kind, related.id if related is not None else None
    message.deliver_at = moment
    message.created_at = moment if folder == "sent" else message.created_at
    wanted = [("photo", p) for p in photos]
    if kind == "forward" and related is not None:
        wanted = [("fwd", a) for a in related.attachments] + wanted
    message.attachments.clear()
    for source, item in wanted:
        if source == "fwd":
            message.attachments.append(MailAttachment(learner_id=learner.id, asset=item.asset, name=item.name))
        else:
            message.attachments.append(MailAttachment(learner_id=learner.id, asset=item, name=GALLERY[item]))
    db.session.add(message)
    db.session.flush()
    if folder == "sent":
        _deliver(learner, box, message, moment)
    db.session.commit()
    return message


def _deliver(learner, box: MailBox, message: MailMessage, moment: datetime) -> None:
    recipients = {a.lower() for a in split_addresses(message.to_addr)}
    if box.address.lower() in recipients:  # to herself: it arrives in Saapuneet too
        copy = MailMessage(learner_id=learner.id, folder="inbox", read=False, from_name=message.from_name,
                           from_addr=box.address, to_addr=message.to_addr, subject=message.subject,
                           body=message.body, kind=message.kind, created_at=moment, deliver_at=moment)
        for a in message.attachments:
            copy.attachments.append(MailAttachment(learner_id=learner.id, asset=a.asset, name=a.name))
        db.session.add(copy)
    if not own_text(message.body) and not message.subject:
        return
    existing = {m.scenario_key for m in all_messages(learner) if m.scenario_key}
    for answer in scenario().data.get("answers", []):
        if answer["to_contact"].lower() in recipients and answer["id"] not in existing:
            when = moment + reply_delay()
            db.session.add(MailMessage(
                learner_id=learner.id, scenario_key=answer["id"], folder="inbox", read=False,
                from_name=answer["from_name"], from_addr=answer["to_contact"], to_addr=box.address,
                subject=answer.get("subject_fi", answer.get("subject_en", "")),
                body=answer.get("body_fi", answer.get("body_en", "")).strip(), kind="reply",
                related_id=message.id, created_at=when, deliver_at=when,
            ))


def contact(key: str) -> str:
    """A scenario message's sender address, e.g. contact('teacher')."""
    return next(m["from_addr"] for m in scenario().data["messages"] if m["id"] == key)


def messages_by_key(learner, key: str) -> list[MailMessage]:
    return list(db.session.scalars(_mine(learner).where(MailMessage.scenario_key == key).order_by(MailMessage.id)))
