"""The practice Suomi.fi and Kela: strong identification (bank codes or Mobiilivarmenne, confirmed in
the practice app), Suomi.fi Messages, OmaKela (payments, decisions and appeals, reports of changes,
the child home care allowance application, attachments) and the practice phone with a fake Kela text.

Every query is scoped to the signed-in learner through contract.owned(); another learner's ids give
404. No real code is ever asked for: the practice codes are printed on the pages. Nothing leaves the site.
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import formats
from ...extensions import db
from ...models import utcnow
from ...redirects import same_site_path
from ...web import Once
from .. import photos
from ..contract import owned, owned_or_404, sim_blueprint
from . import service
from .models import SuomifiFiling, SuomifiLetter, SuomifiPhoneMessage, SuomifiState
from .service import Family, ensure, plain

bp = sim_blueprint(__package__)

MAX_TEXT = 2000
MAX_LINE = 120
CHANGES = ("daycare", "move")


def page(template: str, section: str, state: SuomifiState, **context):
    family = context.pop("family", None) or Family()
    return render_template(
        f"suomifi/{template}", section=section, state=state, family=family, plain=plain,
        holder=service.holder_name(current_user, family),
        fi_date=formats.fi_date, fi_time=formats.fi_datetime, money=formats.money,
        unread_viestit=service.unread(current_user, "viestit"), unread_omakela=service.unread(current_user, "omakela"),
        unread_phone=service.unread_phone(current_user), **context)


def field(name: str, limit: int = MAX_LINE) -> str:
    return (request.form.get(name) or "").strip()[:limit]


def inside(path: str | None, default: str) -> str:
    """A path inside this practice (where identification returns), else `default`."""
    home = url_for("suomifi.index")
    target = same_site_path(path, default)
    return target if target.startswith(home) else default


def identified_state() -> SuomifiState:
    """Her state, on a page of Suomi.fi Messages or OmaKela: they open only after strong identification, as
    the real ones do, so without it she is sent to identify first (the request ends here)."""
    state = ensure(current_user)
    if not service.identified(state):
        abort(redirect(url_for("suomifi.identify", next=request.full_path.rstrip("?")), code=303))
    return state


# ---- the phone's home screen ---------------------------------------------------------------------

@bp.route("/")
def index():
    state = ensure(current_user)
    return page("index.html", "home", state)


# ---- Suomi.fi-tunnistus ----------------------------------------------------------------------------

@bp.route("/tunnistus")
def identify():
    state = ensure(current_user)
    back = inside(request.args.get("next"), url_for("suomifi.omakela"))
    return page("identify.html", "identify", state, next_url=back)


@bp.route("/tunnistus/pankki/<bank_id>", methods=["GET", "POST"])
def identify_bank(bank_id: str):
    state = ensure(current_user)
    family = Family()
    bank = family.bank(bank_id)
    if bank is None:
        abort(404)
    back = inside(request.values.get("next"), url_for("suomifi.omakela"))
    errors, value = {}, ""
    if request.method == "POST":
        value = "".join(field("user_id", 40).split())
        if not value:
            errors["user_id"] = _("Please type the user ID.")
        elif value != family.person["user_id"]:
            errors["user_id"] = _("This is not the practice user ID. Type %(code)s.", code=formats.isolate(family.person["user_id"]))
        else:
            state.pending_method, state.pending_code = bank_id, None
            db.session.commit()
            return redirect(url_for("suomifi.identify_wait", next=back), code=303)
    return page("identify_form.html", "identify", state, family=family, bank=bank, errors=errors, value=value,
                next_url=back), (422 if errors else 200)


@bp.route("/tunnistus/mobiilivarmenne", methods=["GET", "POST"])
def identify_mobile():
    state = ensure(current_user)
    family = Family()
    back = inside(request.values.get("next"), url_for("suomifi.omakela"))
    errors, value = {}, ""
    if request.method == "POST":
        value = field("phone", 40)
        digits = "".join(c for c in value if c.isdigit())
        if value.startswith("+358") or digits.startswith("358"):
            digits = "0" + digits.removeprefix("358")
        if not digits:
            errors["phone"] = _("Please type your phone number.")
        elif not all(c.isdigit() or c in " +-" for c in value) or not 7 <= len(digits) <= 13:
            errors["phone"] = _("Please check the phone number: only numbers, for example %(number)s.",
                                number=formats.isolate(family.person["phone"]))
        elif digits != "".join(c for c in family.person["phone"] if c.isdigit()):
            errors["phone"] = _("In the practice, use the practice number %(number)s.", number=formats.isolate(family.person["phone"]))
        if not errors:
            state.pending_method, state.pending_code = "mobile", service.new_code()
            db.session.commit()
            return redirect(url_for("suomifi.identify_wait", next=back), code=303)
    return page("identify_form.html", "identify", state, family=family, errors=errors, value=value,
                next_url=back), (422 if errors else 200)


@bp.route("/tunnistus/odota")
def identify_wait():
    state = ensure(current_user)
    back = inside(request.args.get("next"), url_for("suomifi.omakela"))
    if service.identified(state) and not state.pending_method:
        return redirect(back, code=303)
    if not state.pending_method:
        return redirect(url_for("suomifi.identify", next=back), code=303)
    return page("identify_wait.html", "identify", state, next_url=back)


@bp.route("/sovellus", methods=["GET", "POST"])
def app_confirm():
    """The practice app on her phone: the bank's app or the mobile certificate asks her to confirm."""
    state = ensure(current_user)
    family = Family()
    back = inside(request.values.get("next"), url_for("suomifi.omakela"))
    errors = {}
    if request.method == "POST" and state.pending_method:
        if request.form.get("action") == "reject":
            state.pending_method = state.pending_code = None
            db.session.commit()
            flash(_("You refused. Nobody was identified."), "info")
            return redirect(url_for("suomifi.identify", next=back), code=303)
        pin = field("pin", 12)
        if not pin:
            errors["pin"] = _("Please type the PIN.")
        elif pin != family.person["pin"]:
            errors["pin"] = _("Wrong PIN. The practice PIN is %(pin)s.", pin=formats.isolate(family.person["pin"]))
        else:
            state.identified_at, state.identified_with = utcnow(), state.pending_method
            state.pending_method = state.pending_code = None
            db.session.commit()
            flash(_("You are identified."), "info")
            return redirect(back, code=303)
    elif request.method == "POST":
        return redirect(back if service.identified(state) else url_for("suomifi.identify", next=back), code=303)
    return page("app_confirm.html", "app", state, family=family, errors=errors, next_url=back,
                bank=family.bank(state.pending_method or "")), (422 if errors else 200)


@bp.route("/kirjaudu-ulos", methods=["POST"])
def sign_out():
    state = ensure(current_user)
    state.identified_at = state.identified_with = state.pending_method = state.pending_code = None
    db.session.commit()
    flash(_("You signed out of the practice services."), "info")
    return redirect(url_for("suomifi.index"), code=303)


# ---- Suomi.fi-viestit -----------------------------------------------------------------------------

def letters(box: str) -> list[SuomifiLetter]:
    """Her letters in Suomi.fi-viestit ("viestit") or her documents in OmaKela ("omakela"), newest first."""
    return db.session.scalars(owned(SuomifiLetter, current_user).where(SuomifiLetter.box == box)
                              .order_by(SuomifiLetter.arrived_at.desc())).all()


def opened_letter(box: str, letter_id: int) -> SuomifiLetter:
    """One of her letters or documents, which she opens: read from now on."""
    row = owned_or_404(SuomifiLetter, current_user, letter_id, SuomifiLetter.box == box)
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.commit()
    return row


@bp.route("/viestit")
def messages():
    state = identified_state()
    rows = letters("viestit")
    return page("messages.html", "viestit", state, rows=rows)


@bp.route("/viestit/<int:letter_id>")
def letter(letter_id: int):
    state = identified_state()
    row = opened_letter("viestit", letter_id)
    family = Family()
    start = service.daycare_start(family, state.seed_day)
    return page("letter.html", "viestit", state, family=family, row=row, item=family.letter(row.key),
                text=lambda name: family.text("letters", row.key, name, start=formats.fi_date_plain(start)))


# ---- OmaKela --------------------------------------------------------------------------------------

def filings(kind: str | None = None) -> list[SuomifiFiling]:
    query = owned(SuomifiFiling, current_user).order_by(SuomifiFiling.sent_at.desc(), SuomifiFiling.id.desc())
    if kind:
        query = query.where(SuomifiFiling.kind == kind)
    return db.session.scalars(query).all()


@bp.route("/omakela")
def omakela():
    state = identified_state()
    family = Family()
    coming = [p for p in service.payment_rows(family, state.seed_day) if p["day"] >= state.seed_day]
    return page("omakela.html", "omakela", state, family=family, coming=sorted(coming, key=lambda p: p["day"]),
                sent=filings())


@bp.route("/omakela/maksut")
def payments():
    state = identified_state()
    family = Family()
    rows = service.payment_rows(family, state.seed_day)
    if state.seen_payments_at is None:
        state.seen_payments_at = utcnow()
        db.session.commit()
    return page("payments.html", "omakela", state, family=family,
                coming=sorted((p for p in rows if p["day"] >= state.seed_day), key=lambda p: p["day"]),
                paid=[p for p in rows if p["day"] < state.seed_day])


@bp.route("/omakela/asiakirjat")
def documents():
    state = identified_state()
    rows = letters("omakela")
    return page("documents.html", "omakela", state, rows=rows)


@bp.route("/omakela/asiakirjat/<int:letter_id>")
def decision(letter_id: int):
    state = identified_state()
    row = opened_letter("omakela", letter_id)
    family = Family()
    item = family.decision(row.key)
    posted_on = service.posted(item, state.seed_day)
    return page("decision.html", "omakela", state, family=family, row=row, item=item, posted_on=posted_on,
                deadline=service.appeal_deadline(posted_on), today=service.today())


@bp.route("/omakela/muutoksenhaku", methods=["GET", "POST"])
def appeal():
    """Hae muutosta: a request to change a decision, within 37 days of its posting date."""
    state = identified_state()
    family = Family()
    decisions = letters("omakela")
    values = {"decision": request.values.get("decision", ""), "change": "", "reasons": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values.update(change=field("change", MAX_TEXT), reasons=field("reasons", MAX_TEXT))
        chosen = next((d for d in decisions if d.key == values["decision"]), None)
        if chosen is None:
            errors["decision"] = _("Please choose the decision you want changed.")
        else:
            posted_on = service.posted(family.decision(chosen.key), state.seed_day)
            if service.today() > service.appeal_deadline(posted_on):
                errors["decision"] = _("The time to ask for a change has passed: it is 37 days from the posting "
                                       "date. Call Kela and ask what you can do.")
        if not values["change"]:
            errors["change"] = _("Please write what you want changed.")
        if not values["reasons"]:
            errors["reasons"] = _("Please write why the decision is wrong.")
        once = Once()
        if not errors and (first := once.replay()) is not None:
            return first
        if not errors:
            db.session.add(SuomifiFiling(learner_id=current_user.id, kind="appeal", subject=values["decision"],
                                         details={"change": values["change"], "reasons": values["reasons"]}))
            return once.commit(url_for("suomifi.omakela") + "#sent", _("Kela received your request. Kela checks the "
                                                                       "decision first and answers you."), "info")
    return page("appeal.html", "omakela", state, family=family, decisions=decisions, values=values,
                errors=errors), (422 if errors else 200)


@bp.route("/omakela/muutos")
def changes():
    state = identified_state()
    return page("changes.html", "omakela", state)


@bp.route("/omakela/muutos/varhaiskasvatus", methods=["GET", "POST"])
def change_daycare():
    """The child starts municipal early childhood education: the home care allowance for that child ends."""
    state = identified_state()
    family = Family()
    at_home = [c for c in family.children if c["care"] == "home"]
    values = {"child": request.values.get("child", ""), "start": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values["start"] = field("start", 20)
        child = family.child(values["child"])
        if child is None:
            errors["child"] = _("Please choose the child.")
        elif child["care"] != "home":
            errors["child"] = _("%(name)s is already in municipal early childhood education. Choose another child.",
                                name=child["name"])
        day = service.parse_day(values["start"])
        if not values["start"]:
            errors["start"] = _("Please give the first day in daycare.")
        elif day is None:
            errors["start"] = _("Please give the day like this: %(example)s.",
                                example=formats.fi_date_text(service.today()))
        elif day < service.today() - timedelta(days=365) or day > service.today() + timedelta(days=365):
            errors["start"] = _("Please check the day: it should be within a year from today.")
        once = Once()
        if not errors and (first := once.replay()) is not None:
            return first
        if not errors:
            db.session.add(SuomifiFiling(learner_id=current_user.id, kind="daycare", subject=values["child"],
                                         details={"start": day.isoformat()}))
            return once.commit(url_for("suomifi.omakela") + "#sent", _("Kela received your report. The home care "
                                                                       "allowance for this child ends when daycare starts."), "info")
    return page("change_daycare.html", "omakela", state, family=family, at_home=at_home, values=values,
                errors=errors), (422 if errors else 200)


@bp.route("/omakela/muutos/muutto", methods=["GET", "POST"])
def change_move():
    state = identified_state()
    family = Family()
    names = ("street", "postcode", "town", "day", "other_town")
    values = {n: "" for n in names}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values.update({n: field(n) for n in names})
        if not values["street"]:
            errors["street"] = _("Please write the street address.")
        if not values["postcode"]:
            errors["postcode"] = _("Please write the postcode.")
        elif not service.POSTCODE_RE.fullmatch(values["postcode"]):
            errors["postcode"] = _("A postcode has 5 numbers, for example %(example)s.", example=formats.isolate("00970"))
        if not values["town"]:
            errors["town"] = _("Please write the town or city.")
        day = service.parse_day(values["day"])
        if not values["day"]:
            errors["day"] = _("Please give the moving day.")
        elif day is None:
            errors["day"] = _("Please give the day like this: %(example)s.",
                              example=formats.fi_date_text(service.today()))
        elif day < service.today() - timedelta(days=365) or day > service.today() + timedelta(days=365):
            errors["day"] = _("Please check the day: it should be within a year from today.")
        if values["other_town"] not in ("yes", "no"):
            errors["other_town"] = _("Please choose yes or no.")
        once = Once()
        if not errors and (first := once.replay()) is not None:
            return first
        if not errors:
            db.session.add(SuomifiFiling(learner_id=current_user.id, kind="move", subject=None, details={
                "street": values["street"], "postcode": values["postcode"], "town": values["town"],
                "day": day.isoformat(), "other_town": values["other_town"] == "yes"}))
            return once.commit(url_for("suomifi.omakela") + "#sent", _("Kela received your report of the move."), "info")
    return page("change_move.html", "omakela", state, family=family, values=values, errors=errors), (
        422 if errors else 200)


@bp.route("/omakela/hakemus")
def applications():
    state = identified_state()
    return page("applications.html", "omakela", state)


def home_care_errors(family: Family, state: SuomifiState, values: dict) -> tuple[dict, object]:
    """The home care allowance application's questions, checked as Kela's form checks them."""
    errors: dict[str, str] = {}
    child = family.child(values["child"])
    today = service.today()
    if child is None:
        errors["child"] = _("Please choose the child.")
    elif child["care"] != "home":
        errors["child"] = _("%(name)s is in municipal early childhood education. Home care allowance is not paid "
                            "for a child in municipal daycare.", name=child["name"])
    elif service.age_years(service.born(child, state.seed_day), today) >= 3:
        errors["child"] = _("%(name)s is 3 years old or older. Home care allowance is for a child under 3.",
                            name=child["name"])
    elif child.get("allowance"):
        errors["child"] = _("You already get home care allowance for %(name)s.", name=child["name"])
    elif any(f.subject == child["id"] for f in filings("home-care")):
        errors["child"] = _("You already applied for %(name)s. Kela is processing it.", name=child["name"])
    if values["carer"] not in ("parent", "other"):
        errors["carer"] = _("Please choose who cares for the child.")
    day = service.parse_day(values["start"])
    if not values["start"]:
        errors["start"] = _("Please give the first day you apply for.")
    elif day is None:
        errors["start"] = _("Please give the day like this: %(example)s.", example=formats.fi_date_text(today))
    elif day < service.months_back(today, service.BACKDATE_MONTHS):
        errors["start"] = _("Kela can pay at most 6 months back. Choose a later day.")
    elif day > today + timedelta(days=183):
        errors["start"] = _("Apply at most 6 months in advance. Choose an earlier day.")
    if values["supplement"] not in ("yes", "no"):
        errors["supplement"] = _("Please choose yes or no.")
    elif values["supplement"] == "yes":
        income = values["income"].replace(" ", "").replace(",", ".").removesuffix("€")
        try:
            ok = 0 <= float(income) < 1_000_000 and income.replace(".", "", 1).isdigit()
        except ValueError:
            ok = False
        if not values["income"]:
            errors["income"] = _("Please write the family's income a month, before tax.")
        elif not ok:
            errors["income"] = _("Please write the income in euros, only numbers, for example %(example)s.",
                                 example=formats.isolate("2 350"))
    if not values["iban"]:
        errors["iban"] = _("Please write your account number.")
    elif not service.iban_ok(values["iban"]):
        errors["iban"] = _("Please check the account number. A Finnish one starts with FI and has 18 characters, "
                           "for example %(example)s.", example=formats.isolate(family.person["iban"]))
    return errors, day


@bp.route("/omakela/hakemus/kotihoidon-tuki", methods=["GET", "POST"])
def apply_home_care():
    """Tee hakemus → Lasten kotihoidon tuki: the questions, then "Tarkista tiedot", then "Hyväksy"."""
    state = identified_state()
    family = Family()
    names = ("child", "carer", "start", "supplement", "income", "iban")
    values = {n: field(n, 40) if request.method == "POST" else "" for n in names}
    errors: dict[str, str] = {}
    review = False
    if request.method == "POST":
        once = Once()
        if request.form.get("action") == "accept" and (first := once.replay()) is not None:
            return first  # "Hyväksy" tapped twice: the one application, as the first tap answered
        errors, day = home_care_errors(family, state, values)
        if not errors and request.form.get("action") == "accept":
            db.session.add(SuomifiFiling(learner_id=current_user.id, kind="home-care", subject=values["child"], details={
                "carer": values["carer"], "start": day.isoformat(), "supplement": values["supplement"] == "yes",
                "income": values["income"] if values["supplement"] == "yes" else "",
                "iban": service.clean_iban(values["iban"])}))
            return once.commit(url_for("suomifi.omakela") + "#sent", _("Kela received your application. You will get "
                                                                       "a decision in OmaKela."), "info")
        review = not errors and request.form.get("action") != "edit"
    children = [(c, service.born(c, state.seed_day)) for c in family.children]
    return page("apply_home_care.html", "omakela", state, family=family, values=values, errors=errors,
                review=review, children=children), (422 if errors else 200)


@bp.route("/omakela/liitteet", methods=["GET", "POST"])
@photos.takes_photo
def attachments():
    """Lähetä liite: a photo of a document for something she sent (or another matter), kept only in her
    sandbox through sims/photos.py (size and type checked, re-encoded without any metadata)."""
    state = identified_state()
    family = Family()
    sent = filings()
    matters = [f for f in sent if f.kind != "attachment"]
    values = {"matter": request.values.get("matter", "")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        once = Once()
        if (first := once.replay()) is not None:  # the same photo sent twice: one attachment
            return first
        if values["matter"] != "other" and not any(str(f.id) == values["matter"] for f in matters):
            errors["matter"] = _("Please choose what the attachment is about.")
        else:
            try:
                name = photos.save("suomifi", current_user, request.files.get("photo"))
            except photos.PhotoError as refused:
                errors["photo"] = str(refused.message)
            else:
                db.session.add(SuomifiFiling(learner_id=current_user.id, kind="attachment", subject=values["matter"],
                                             details={"photo": name}))
                return once.commit(url_for("suomifi.attachments") + "#sent", _("Kela received your attachment. Only you "
                                                                               "and your instructor can see the photo."), "info")
    return page("attachments.html", "omakela", state, family=family, matters=matters, values=values, errors=errors,
                attached=[f for f in sent if f.kind == "attachment"]), (422 if errors else 200)


# ---- the practice phone ----------------------------------------------------------------------------

def phone_rows() -> list[SuomifiPhoneMessage]:
    return db.session.scalars(owned(SuomifiPhoneMessage, current_user).where(
        SuomifiPhoneMessage.deleted_at.is_(None)).order_by(SuomifiPhoneMessage.position)).all()


@bp.route("/puhelin")
def phone():
    state = ensure(current_user)
    return page("phone.html", "phone", state, rows=phone_rows(),
                deleted=db.session.scalars(owned(SuomifiPhoneMessage, current_user).where(
                    SuomifiPhoneMessage.deleted_at.is_not(None)).order_by(SuomifiPhoneMessage.position)).all())


def own_phone_message(message_id: int) -> SuomifiPhoneMessage:
    return owned_or_404(SuomifiPhoneMessage, current_user, message_id)


@bp.route("/puhelin/<int:message_id>")
def phone_message(message_id: int):
    state = ensure(current_user)
    m = own_phone_message(message_id)
    if m.read_at is None:
        m.read_at = utcnow()
        db.session.commit()
    family = Family()
    return page("phone_message.html", "phone", state, family=family, m=m, data=family.phone(m.key))


@bp.route("/puhelin/<int:message_id>/poista", methods=["POST"])
def phone_delete(message_id: int):
    ensure(current_user)
    m = own_phone_message(message_id)
    if m.deleted_at is None:
        m.deleted_at = utcnow()
        db.session.commit()
    flash(_("The message was deleted."), "info")
    return redirect(url_for("suomifi.phone"), code=303)


@bp.route("/puhelin/<int:message_id>/arvio", methods=["POST"])
def phone_verdict(message_id: int):
    """Her answer to "Is this message really from Kela?": the scam task reads it."""
    ensure(current_user)
    m = own_phone_message(message_id)
    verdict = request.form.get("verdict", "")
    if verdict not in ("real", "scam"):
        flash(_("Choose one of the buttons."), "error")
    else:
        m.verdict = verdict
        db.session.commit()
    return redirect(url_for("suomifi.phone_message", message_id=m.id, _anchor="answer"), code=303)


@bp.route("/puhelin/<int:message_id>/linkki")
def phone_link(message_id: int):
    """The page behind the trick's link: a fake sign-in page that takes nothing (it has no form)."""
    state = ensure(current_user)
    m = own_phone_message(message_id)
    family = Family()
    data = family.phone(m.key)
    if not data.get("link"):
        abort(404)
    if m.link_opened_at is None:
        m.link_opened_at = utcnow()
        db.session.commit()
    return page("fake_page.html", "phone", state, family=family, m=m, data=data)
