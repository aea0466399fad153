"""The four locales, their direction and names, and how a request's locale is chosen."""
from __future__ import annotations

from flask import current_app, request, session
from flask_babel import Domain, get_locale
from flask_login import current_user

LOCALES = ("so", "ar", "fi", "en")
RTL = frozenset({"ar"})
# Language names in their own script, never as flags.
NAMES = {"so": "Soomaali", "ar": "العربية", "fi": "Suomi", "en": "English"}
LANG_COOKIE = "askel_lang"

lessons_domain = Domain(domain="lessons")
# Wording reviewed in the browser (workshop.review sets this): (context, English) -> text or None.
reviewed_wording = None


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
    """Saved choice, else her workshop's language, else the browser's, else English."""
    choice = chosen_locale()
    if choice:
        return choice
    if current_user.is_authenticated and current_user.is_learner:
        membership = current_user.membership_now()
        if membership is not None and membership.language in LOCALES:
            return membership.language
    return request.accept_languages.best_match(LOCALES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    return str(get_locale() or "en")


def direction(locale: str | None = None) -> str:
    return "rtl" if (locale or current_locale()) in RTL else "ltr"


def lesson_text(context: str, message: str) -> str:
    """A lesson text in the current locale (gettext domain `lessons`, context course/lesson/step/field)."""
    if not message:
        return message
    text = None
    if reviewed_wording is not None:
        text = reviewed_wording(context, message)
    if text is None:
        text = lessons_domain.pgettext(context, message)
    if current_locale() in RTL:  # Finnish words, amounts and addresses keep reading left to right
        from .formats import isolate_ltr_runs

        text = isolate_ltr_runs(text)
    return text
