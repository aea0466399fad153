"""Instructor forms. Every message is translated (the instructor reads her own language)."""
from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, ValidationError

from .. import i18n

# Groups are taught in the learners' languages.
GROUP_LANGUAGES = ("so", "ar")


class ActionForm(FlaskForm):
    """Only the CSRF token: a button that changes something."""


class GroupForm(FlaskForm):
    name = StringField(_l("Name of the group"), validators=[
        DataRequired(message=_l("Please give the group a name.")), Length(max=120, message=_l("Please use at most %(max)d letters."))])
    language = SelectField(_l("Language of the group"), choices=[])
    location = StringField(_l("Location"), validators=[
        DataRequired(message=_l("Please write where the group meets.")), Length(max=120, message=_l("Please use at most %(max)d letters."))])
    weekday = SelectField(_l("Weekday"), coerce=int, choices=[])
    start_time = TimeField(_l("Start time"), validators=[DataRequired(message=_l("Please give a time, for example 17:30."))])
    starts_on = DateField(_l("First day"), validators=[DataRequired(message=_l("Please give a date."))])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(message=_l("Please give a date."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [(code, i18n.NAMES[code]) for code in GROUP_LANGUAGES]
        days = get_day_names("wide", locale=str(get_locale() or "en"))
        self.weekday.choices = [(n, days[n]) for n in range(7)]
        # Browsers send what the time field shows; accept 17:30 and 17:30:00.
        self.start_time.strptime_format = ["%H:%M", "%H:%M:%S"]

    def validate_language(self, field):
        if field.data not in GROUP_LANGUAGES:
            raise ValidationError(_l("Please choose a language from the list."))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day must come after the first day."))
        if self.starts_on.data and field.data and (field.data - self.starts_on.data).days > 366:
            raise ValidationError(_l("A group runs for at most one year."))


class LearnerForm(FlaskForm):
    name = StringField(_l("First name or nickname"), validators=[
        DataRequired(message=_l("Please write her name.")), Length(max=80, message=_l("Please use at most %(max)d letters."))])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("New note"), validators=[
        DataRequired(message=_l("Please write the note.")), Length(max=2000, message=_l("Please use at most %(max)d letters."))])
