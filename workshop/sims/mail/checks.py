"""Task checks for the e-mail lessons' practice steps. They read her mailbox, never a browser flag.

Each returns Result(done, hint); the hint says, in her language, exactly what is still missing.
"""
from __future__ import annotations

from flask_babel import gettext as _

from ...curriculum import Result
from ..contract import sandbox_check
from . import mailbox as mb
from .models import MailBox, MailMessage


def _seeded(messages: list[MailMessage], key: str) -> MailMessage | None:
    return next((m for m in messages if m.scenario_key == key), None)


def _sent(messages: list[MailMessage]) -> list[MailMessage]:
    """What she really sent (also if she deleted it from Lähetetyt afterwards)."""
    return [m for m in messages if not m.scenario_key and m.kind in ("new", "reply", "forward")
            and (m.folder == "sent" or (m.folder in ("deleted", "junk") and m.previous_folder == "sent"))]


def _drafts(messages: list[MailMessage]) -> list[MailMessage]:
    return [m for m in messages if m.folder == "drafts"]


def _to(message: MailMessage, address: str) -> bool:
    return address.lower() in {a.lower() for a in mb.split_addresses(message.to_addr)}


def _opened(learner, key: str, deleted_hint: str, unopened_hint: str) -> Result:
    """Done when she opened the seeded message `key`; deleted, how to bring it back; else where to find it."""
    message = _seeded(mb.all_messages(learner), key)
    if message is not None and message.read:
        return Result(True)
    if message is not None and message.folder == "deleted":
        return Result(False, deleted_hint)
    return Result(False, unopened_hint)


@sandbox_check("mail.read_teacher_message", MailBox)
def read_teacher_message(learner, _box: MailBox) -> Result:
    return _opened(learner, "teacher",
                   _("The teacher's message is in Poistetut. Open Poistetut, open the message and press Palauta."),
                   _("Open Saapuneet and tap the message from Liisa Virtanen, the teacher. Then come back."))


@sandbox_check("mail.read_office_message", MailBox)
def read_office_message(learner, _box: MailBox) -> Result:
    return _opened(learner, "office",
                   _("The message is in Poistetut. Open Poistetut, open the message and press Palauta."),
                   _("Open Saapuneet and tap the message from Varhaiskasvatuksen asiakaspalvelu. Then come back."))


@sandbox_check("mail.moved_from_junk", MailBox)
def moved_from_junk(learner, _box: MailBox) -> Result:
    messages = mb.all_messages(learner)
    party = _seeded(messages, "school-party")
    if party is not None and party.folder == "inbox":
        return Result(True)
    if party is not None and party.folder == "deleted":
        return Result(False, _("You deleted the school's message. Open Poistetut, open it and press Palauta."))
    return Result(False, _("Open Roskaposti. Open the message from the school and press “Ei roskapostia”."))


@sandbox_check("mail.replied_to_teacher", MailBox)
def replied_to_teacher(learner, _box: MailBox) -> Result:
    messages = mb.all_messages(learner)
    teacher = mb.contact("teacher")
    sent = [m for m in _sent(messages) if _to(m, teacher)]
    if any(mb.own_text(m.body) for m in sent):
        return Result(True)
    if sent:
        return Result(False, _("Your reply had no words of your own. Write your answer above the teacher's message, then press Lähetä."))
    if any(_to(m, teacher) for m in _drafts(messages)):
        return Result(False, _("Your reply is in Luonnokset, not sent yet. Open Luonnokset, open it and press Lähetä."))
    original = _seeded(messages, "teacher")
    if original is not None and not original.read:
        return Result(False, _("First open the teacher's message in Saapuneet. Then press Vastaa."))
    return Result(False, _("Open the teacher's message and press Vastaa. Write your answer and press Lähetä."))


@sandbox_check("mail.sent_new_message", MailBox)
def sent_new_message(learner, _box: MailBox) -> Result:
    messages = mb.all_messages(learner)
    sent = _sent(messages)
    if any(m.kind == "new" and m.subject and mb.own_text(m.body) for m in sent):
        return Result(True)
    if any(m.kind == "new" for m in sent):
        return Result(False, _("Your message needs a subject (Aihe) and some words. Write a new one with both."))
    if any(m.kind == "new" for m in _drafts(messages)):
        return Result(False, _("Your message is in Luonnokset, not sent yet. Open Luonnokset, open it and press Lähetä."))
    if sent:
        return Result(False, _("You answered a message. Now write a new one: press Uusi viesti."))
    return Result(False, _("Press Uusi viesti. Write the address, a subject and a few words. Then press Lähetä."))


@sandbox_check("mail.sent_with_photo", MailBox)
def sent_with_photo(learner, _box: MailBox) -> Result:
    messages = mb.all_messages(learner)
    sent = _sent(messages)
    if any(a.asset in mb.GALLERY for m in sent for a in m.attachments):
        return Result(True)
    if any(a.asset in mb.GALLERY for m in _drafts(messages) for a in m.attachments):
        return Result(False, _("Your message with the photo is in Luonnokset. Open it and press Lähetä."))
    if sent:
        return Result(False, _("Your message had no photo. Write again, press Liitä tiedosto and choose a photo."))
    return Result(False, _("Press Uusi viesti. Press Liitä tiedosto and choose a photo. Then press Lähetä."))


@sandbox_check("mail.opened_attachment", MailBox)
def opened_attachment(learner, _box: MailBox) -> Result:
    messages = mb.all_messages(learner)
    received = [a for m in messages if m.scenario_key for a in m.attachments]
    if any(a.opened_at for a in received):
        return Result(True)
    return Result(False, _("Open the message from Varhaiskasvatuksen asiakaspalvelu. Tap the file with the paperclip to open it."))


@sandbox_check("mail.reported_phishing", MailBox)
def reported_phishing(learner, _box: MailBox) -> Result:
    messages = mb.all_messages(learner)
    trap = _seeded(messages, "phishing")
    if trap is None:
        return Result(False, _("Start this practice again: the bank message is missing."))
    if trap.folder == "junk":
        return Result(True)
    answered = any(_to(m, trap.from_addr) for m in _sent(messages))
    if answered:
        return Result(False, _("You answered the false bank message. Never answer such a message. Now open it and press Merkitse roskapostiksi."))
    if trap.link_opened_at:
        return Result(False, _("You opened the link in the false bank message. In real life, never do that. Now open the message and press Merkitse roskapostiksi."))
    if trap.folder == "deleted":
        return Result(False, _("You deleted the false bank message. That is safe. To report it, open Poistetut, open it and press Merkitse roskapostiksi."))
    return Result(False, _("Find the message that says your account is locked. Open it and press Merkitse roskapostiksi."))
