"""Instructor forms. Every message is translated (the instructor reads her own language)."""
from __future__ import annotations

from datetime import timedelta

from babel.dates import get_day_names
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import clock, formats, i18n
from ..counsel import labels
from ..counsel.models import Direction

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
        self.language.choices = [SelectChoice(code, i18n.NAMES[code]) for code in GROUP_LANGUAGES]
        days = get_day_names("wide", locale=str(get_locale() or "en"))
        self.weekday.choices = [SelectChoice(n, days[n]) for n in range(7)]
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


MEETING_MARGIN = timedelta(days=31)  # a make-up meeting may fall a month before or after the group's dates


class MeetingForm(FlaskForm):
    """A meeting added or moved by the instructor, with an optional note (a room change, a visitor).
    Its day is within the group's dates, a month either side (`workshop`): a typed year such as 0202
    or 20266 would otherwise make a meeting the group's counts read."""

    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Please give a date."))])
    starts_at = TimeField(_l("Start time"), validators=[DataRequired(message=_l("Please give a time, for example 17:30."))])
    note = StringField(_l("Note (optional)"), validators=[Length(max=200, message=_l("Please use at most %(max)d letters."))])

    def __init__(self, *args, workshop=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.starts_at.strptime_format = ["%H:%M", "%H:%M:%S"]
        self.period = (workshop.starts_on - MEETING_MARGIN, workshop.ends_on + MEETING_MARGIN) if workshop else None

    def validate_day(self, field):
        if field.data and self.period and not self.period[0] <= field.data <= self.period[1]:
            raise ValidationError(gettext("Please give a date between %(first)s and %(last)s: the group's dates, "
                                          "a month before and after.", first=formats.local_date_text(self.period[0]),
                                          last=formats.local_date_text(self.period[1])))


# ---- counselling (issue 18) ---------------------------------------------------------------------

class ConsentForm(FlaskForm):
    agreed = BooleanField(_l("She has heard this and agrees."), validators=[
        DataRequired(message=_l("Record the consent only when she has agreed."))])


class SessionForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[DataRequired(message=_l("Please give a date."))])
    kind = RadioField(_l("Kind"), choices=[], validators=[DataRequired(message=_l("Please choose one."))])
    topics = SelectMultipleField(_l("Topics"), coerce=int, choices=[], validate_choice=False,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    note = TextAreaField(_l("Private note"), validators=[
        Optional(), Length(max=4000, message=_l("Please use at most %(max)d letters."))])

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(key.value, label) for key, label in labels.SESSION_KINDS.items()]
        self.topics.choices = [SelectChoice(t.id, labels.topic_label(t)) for t in topics]

    def validate_held_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data and field.data.year < 2000:
            raise ValidationError(_l("Please give a date."))

    def validate_topics(self, field):
        known = {choice.value for choice in self.topics.choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Please choose from the list."))


class PlanForm(FlaskForm):
    goal = TextAreaField(_l("Her goal, in her own words"), validators=[
        DataRequired(message=_l("Please write her goal.")), Length(max=1000, message=_l("Please use at most %(max)d letters."))])
    direction = RadioField(_l("Direction agreed"), choices=[], validators=[DataRequired(message=_l("Please choose one."))])
    field = StringField(_l("Field of vocational education"), validators=[
        Length(max=120, message=_l("Please use at most %(max)d letters."))])
    next_step = TextAreaField(_l("Next step"), validators=[
        DataRequired(message=_l("Please write the next step.")), Length(max=1000, message=_l("Please use at most %(max)d letters."))])
    check_on = DateField(_l("Date to check it"), validators=[DataRequired(message=_l("Please give a date."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.direction.choices = [SelectChoice(key.value, label) for key, label in labels.DIRECTIONS.items()]

    def validate_field(self, field):
        if self.direction.data == Direction.VOCATIONAL and not (field.data or "").strip():
            raise ValidationError(_l("Please write the field, for example cleaning or child care."))

    def validate_check_on(self, field):
        if field.data and not clock.today() - timedelta(days=366) <= field.data <= clock.today() + timedelta(days=3 * 366):
            raise ValidationError(_l("Please give a date within the next three years."))


class FollowUpForm(FlaskForm):
    result = RadioField(_l("Follow-up result"), choices=[], validators=[DataRequired(message=_l("Please choose one."))])
    checked_on = DateField(_l("Checked on"), validators=[DataRequired(message=_l("Please give a date."))])
    result_note = TextAreaField(_l("What happened (optional)"), validators=[
        Optional(), Length(max=1000, message=_l("Please use at most %(max)d letters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.result.choices = [SelectChoice(key.value, label) for key, label in labels.RESULTS.items()]

    def validate_checked_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data and field.data.year < 2000:
            raise ValidationError(_l("Please give a date."))
