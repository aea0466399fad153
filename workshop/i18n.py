"""The four locales, their direction and names, and how a request's locale is chosen."""
from __future__ import annotations

from contextlib import contextmanager

from babel import support
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import address

LOCALES = ("so", "ar", "fi", "en")
RTL = frozenset({"ar"})
# Language names in their own script, never as flags.
# Each language's name in itself, with its lang attribute: where she chooses her language.
NAMES = {"so": "Soomaali", "ar": "العربية", "fi": "Suomi", "en": "English"}
# Each language's name in the reader's language: in reports, staff pages and CSV files (a coordinator
# reading Finnish cannot read "العربية").
LABELS = {"so": _l("Somali"), "ar": _l("Arabic"), "fi": _l("Finnish"), "en": _l("English")}


def label(code: str | None) -> str:
    """A language's name in the reader's language ("" for none, the code for an unknown one)."""
    if not code:
        return ""
    return str(LABELS[code]) if code in LABELS else code
LANG_COOKIE = "askel_lang"
# The language she was reading when she signed out, kept in this browser's (new, empty) session: the
# "you are signed out" page and the next sign-in speak it. Only a visitor not signed in reads it, so
# on a shared browser it never overrides the next learner's own or her group's language.
SIGNED_OUT_LOCALE = "signed_out_locale"



class AddressedDomain(Domain):
    """A gettext domain that speaks to a man when the reader chose it (a learner, or a member of staff).

    For a reader addressed in the masculine, in a locale with an overlay (Arabic), the overlay
    catalog `<domain>-masculine` is looked up first and the default catalog is its fallback (gettext's
    own `add_fallback`): the overlay holds only the entries that differ. Everyone else, and every other
    locale, reads the default catalog as before. Both are loaded once per process and locale.
    """

    def get_translations(self):
        default = super().get_translations()
        if not masculine():
            return default
        locale = str(get_locale())
        key = (locale, self.domain[0], address.MASCULINE)
        cached = self.cache.get(key)
        if cached is None:
            cached = default
            for dirname in self.translation_directories:
                overlay = support.Translations.load(dirname, [locale], address.overlay_domain(self.domain[0]))
                if isinstance(overlay, support.Translations):  # NullTranslations when there is no overlay
                    overlay.add_fallback(default)
                    overlay.plural = default.plural
                    cached = overlay
                    break
            self.cache[key] = cached
        return cached


lessons_domain = AddressedDomain(domain="lessons")
messages_domain = AddressedDomain(domain="messages")
# Wording reviewed in the browser, consulted before the catalog: create_app names the function
# (workshop.review.state.reviewed_text: (context, English) -> text or None) with init_app.
REVIEWED = "askel_reviewed_wording"


def init_app(app, reviewed_wording) -> None:
    app.extensions[REVIEWED] = reviewed_wording


def chosen_locale() -> str | None:
    """The explicit choice of this visitor, if she made one (saved on her account or in a cookie).

    Her account's choice follows her to every device. Only a choice made in this session after the
    account was last read (another worker may keep it for two seconds) comes before it.
    """
    if current_user.is_authenticated:
        just_chosen = session.get("locale_at", 0) > getattr(current_user, "read_at", 0)
        if just_chosen and session.get("locale") in LOCALES:
            return session["locale"]
        if current_user.locale in LOCALES:
            return current_user.locale
    for value in (session.get("locale"), request.cookies.get(LANG_COOKIE)):
        if value in LOCALES:
            return value
    return None


def select_locale() -> str:
    """Saved choice, else her workshop's language, else (signed out) the language she was reading, else
    the browser's, else English."""
    choice = chosen_locale()
    if choice:
        return choice
    if current_user.is_authenticated and current_user.is_learner:
        membership = current_user.membership_now()
        if membership is not None and membership.language in LOCALES:
            return membership.language
    if not current_user.is_authenticated and session.get(SIGNED_OUT_LOCALE) in LOCALES:
        return session[SIGNED_OUT_LOCALE]
    return request.accept_languages.best_match(LOCALES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def address_of_reader() -> str:
    """How the text of this request addresses its reader: the signed-in person's choice (a learner's, or
    an instructor's or the coordinator's on their own account), else the default.

    A visitor not signed in reads the default (the catalogs' feminine). Texts that speak to someone else
    than the reader are made inside `force_address` (a learner's sign-in card, the wording a reviewer
    corrects).
    """
    if not has_request_context():
        return address.DEFAULT
    chosen = g.get("askel_address")
    if chosen is None:
        chosen = address.DEFAULT
        if current_user and current_user.is_authenticated:
            chosen = getattr(current_user, "address", None) or address.DEFAULT
        g.askel_address = chosen
    return chosen


def forget_address() -> None:
    """Her choice changed during this request: read it again (and the catalogs that follow it)."""
    g.pop("askel_address", None)


@contextmanager
def force_address(choice: str | None):
    """Texts made inside speak to someone else than the reader (a learner's sign-in card)."""
    before = g.get("askel_address")
    g.askel_address = choice if choice in address.CHOICES else address.DEFAULT
    try:
        yield
    finally:
        if before is None:
            g.pop("askel_address", None)
        else:
            g.askel_address = before


def masculine() -> bool:
    return current_locale() in address.OVERLAY_LOCALES and address_of_reader() == address.MASCULINE


def catalog_key() -> str:
    """The locale, and the overlay when one applies: for caches of rendered text ("ar", "ar+masculine")."""
    locale = current_locale()
    return f"{locale}+{address.MASCULINE}" if masculine() else locale


def current_locale() -> str:
    return str(get_locale() or "en")


def direction(locale: str | None = None) -> str:
    return "rtl" if (locale or current_locale()) in RTL else "ltr"


def lesson_text(context: str, message: str) -> str:
    """A lesson text in the current locale (gettext domain `lessons`, context course/lesson/step/field)."""
    if not message:
        return message
    reviewed_wording = current_app.extensions.get(REVIEWED) if has_app_context() else None
    text = None
    if reviewed_wording is not None:
        reviewed = reviewed_wording(context, message)
        # Reviewed wording is written to a woman: a man reads the overlay's text instead when it is.
        if reviewed is not None and not (masculine() and address.addresses_a_woman(reviewed)):
            text = reviewed
    if text is None:
        text = lessons_domain.pgettext(context, message)
    return isolated(text)


def isolated(text: str, locale: str | None = None) -> str:
    """A lesson text as it is shown: in a right-to-left locale, Finnish words, amounts and addresses
    keep reading left to right (each such run between Unicode isolates)."""
    if (locale or current_locale()) in RTL:
        from .formats import isolate_ltr_runs  # a real cycle: formats writes in the reader's locale (i18n)

        text = isolate_ltr_runs(text)
    return text
