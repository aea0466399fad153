"""Forms of the coordinator's pages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp, StopValidation, ValidationError

from .. import address, i18n
from ..counsel.models import TOPIC_LANGUAGES


class ActionForm(FlaskForm):
    """Only the CSRF token."""


class InstructorForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(message=_l("Please type a username.")),
            Length(min=3, max=40, message=_l("A username is 3 to 40 characters long.")),
            Regexp(r"^\s*[A-Za-z0-9._-]+\s*$", message=_l("Use only letters a–z, digits, dots, dashes and underscores.")),
        ],
    )
    display_name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Please type the instructor's name.")),
                    Length(max=80, message=_l("The name is too long."))],
    )
    language = SelectField(
        _l("Language of the instructor's pages"), choices=[SelectChoice(code, i18n.NAMES[code]) for code in i18n.LOCALES],
        default="fi", validate_choice=False,
        validators=[AnyOf(i18n.LOCALES, message=_l("Please choose a language from the list."))],
    )
    # How the texts speak to the instructor (workshop.address): Arabic pages speak to a woman and to a man
    # with different words. She (or he) can change it later on the account page.
    address = RadioField(
        _l("Speak to this instructor as"), choices=[SelectChoice(address.FEMININE, _l("a woman")), SelectChoice(address.MASCULINE, _l("a man"))],
        default=address.DEFAULT, validate_choice=False,
        validators=[AnyOf(address.CHOICES, message=_l("Please choose one of the two."))],
    )


def _a_date(form, field):
    """Something typed that is no date is told in her language (WTForms' own message has no Somali)."""
    if field.data is None:
        field.errors[:] = []
        raise StopValidation(_l("Please give a date."))


class PeriodFilter(FlaskForm):
    """The period of the reach and outcomes reports: both ends optional. A GET form, so no CSRF token."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional(), _a_date], render_kw={"dir": "ltr"}, format="%Y-%m-%d")
    end = DateField(_l("To"), validators=[Optional(), _a_date], render_kw={"dir": "ltr"}, format="%Y-%m-%d")

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end of the period is before its start."))


@dataclass(frozen=True)
class Period:
    """The period a report is read for (`templates/admin/_period.html` draws its form and says it)."""
    form: PeriodFilter
    valid: bool  # False: the form says what did not work, and every period is shown
    start: date | None
    end: date | None

    @property
    def query(self) -> dict[str, str | None]:
        """The period in a link to the same figures (the CSV)."""
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}

    def filename(self, name: str) -> str:
        """A CSV's name that says its period: askel-outcomes-2025-01-01-2025-06-30.csv."""
        return name + "".join(f"-{day.isoformat()}" for day in (self.start, self.end) if day) + ".csv"


def period(args) -> Period:
    """The period of a report's page or CSV from its query string: none given is every period."""
    form = PeriodFilter(args)
    valid = form.validate() if args else True
    return Period(form, valid, *((form.start.data, form.end.data) if valid else (None, None)))


def _topic_label(language: str) -> StringField:
    """One language's label (the template sets its writing direction)."""
    return StringField(i18n.LABELS[language], filters=[lambda text: (text or "").strip() or None],
                       validators=[Optional(), Length(max=80, message=_l("The name is too long."))],
                       render_kw={"lang": language})


class TopicForm(FlaskForm):
    """A topic of the coordinator's own, in each language an instructor may read (at least one)."""

    label_so = _topic_label("so")
    label_ar = _topic_label("ar")
    label_fi = _topic_label("fi")
    label_en = _topic_label("en")

    def given(self) -> dict[str, str]:
        return {language: text for language in TOPIC_LANGUAGES if (text := getattr(self, f"label_{language}").data)}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.given():
            self.form_errors.append(_l("Please write the topic in at least one language."))
            return False
        return valid
