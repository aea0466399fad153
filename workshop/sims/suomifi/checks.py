"""Task checks for the Suomi.fi and Kela course: they read her sandbox, never a flag from the browser."""
from __future__ import annotations

from flask_babel import gettext as _

from ... import formats
from ...curriculum import Result
from ...extensions import db
from .. import photos
from ..contract import owned, sandbox_check
from . import service
from .models import SuomifiFiling, SuomifiLetter, SuomifiPhoneMessage, SuomifiState

SCAM = "omakeia"
DAYCARE_LETTER = "daycare"
APPEALED = "home-care"


def _filings(learner, kind: str) -> list[SuomifiFiling]:
    return db.session.scalars(owned(SuomifiFiling, learner).where(SuomifiFiling.kind == kind)).all()


@sandbox_check("suomifi.identified", SuomifiState)
def identified(learner, state: SuomifiState) -> Result:
    if state.identified_at is None:
        return Result(False, _("Not yet. Open OmaKela, choose Mobiilivarmenne or a bank, and confirm in the practice app."))
    return Result(True)


@sandbox_check("suomifi.read_daycare_letter", SuomifiState)
def read_daycare_letter(learner, _state: SuomifiState) -> Result:
    row = db.session.scalar(owned(SuomifiLetter, learner).where(
        SuomifiLetter.box == "viestit", SuomifiLetter.key == DAYCARE_LETTER))
    if row is None or row.read_at is None:
        return Result(False, _("Not yet. Open Suomi.fi-viestit and open the letter about early childhood education."))
    return Result(True)


@sandbox_check("suomifi.looked_at_payments", SuomifiState)
def looked_at_payments(learner, state: SuomifiState) -> Result:
    if state.seen_payments_at is None:
        return Result(False, _("Not yet. Open OmaKela and tap “Maksut”."))
    return Result(True)


@sandbox_check("suomifi.reported_daycare", SuomifiState)
def reported_daycare(learner, state: SuomifiState) -> Result:
    """The report names the child and the first day that the city's letter gives."""
    family = service.Family()
    child = service.daycare_child(family)
    start = service.daycare_start(family, state.seed_day)
    reports = [f for f in _filings(learner, "daycare") if f.subject == child["id"]]
    if any(f.details.get("start") == start.isoformat() for f in reports):
        return Result(True)
    if reports:
        return Result(False, _("You reported it, but the first day is not the one in the city's letter (%(day)s). "
                               "Send the report again with that day.", day=formats.fi_date_text(start)))
    return Result(False, _("Not yet. In OmaKela, tap “Ilmoita muutoksista” and report that %(name)s starts daycare.",
                           name=child["name"]))


@sandbox_check("suomifi.applied_home_care", SuomifiState)
def applied_home_care(learner, _state: SuomifiState) -> Result:
    if not _filings(learner, "home-care"):
        return Result(False, _("Not yet. In OmaKela, tap “Tee hakemus”, answer the questions and tap “Hyväksy”."))
    return Result(True)


@sandbox_check("suomifi.appealed_decision", SuomifiState)
def appealed_decision(learner, _state: SuomifiState) -> Result:
    if not any(f.subject == APPEALED for f in _filings(learner, "appeal")):
        return Result(False, _("Not yet. Open the decision on home care allowance and tap “Hae muutosta”."))
    return Result(True)


@sandbox_check("suomifi.recognised_scam", SuomifiState)
def recognised_scam(learner, _state: SuomifiState) -> Result:
    """The fake Kela text: deleted, or called a trick, without opening its link."""
    m = db.session.scalar(owned(SuomifiPhoneMessage, learner).where(SuomifiPhoneMessage.key == SCAM))
    if m is None:
        return Result(False, _("Open “Puhelin” in the practice and read the text messages."))
    if m.link_opened_at is not None:
        return Result(False, _("You opened the link. In real life, never do that. Start this practice again and "
                               "this time do not open the link."))
    if m.deleted_at is not None or m.verdict == "scam":
        return Result(True)
    if m.verdict == "real":
        return Result(False, _("Look again: this message is not from Kela. Open it and choose again."))
    return Result(False, _("Not yet. Open “Puhelin” and find the text message that pretends to be Kela."))


@sandbox_check("suomifi.sent_attachment", SuomifiState)
def sent_attachment(learner, _state: SuomifiState) -> Result:
    """A photo she sent as an attachment, and it is there: kept in her sandbox (sims/photos.py)."""
    kept = set(photos.names("suomifi", learner))
    if any(f.details.get("photo") in kept for f in _filings(learner, "attachment")):
        return Result(True)
    return Result(False, _("Not yet. In OmaKela, tap “Lähetä liite”, take a photo of a paper and tap “Lähetä”."))
