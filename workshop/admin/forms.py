"""Forms of the coordinator's pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp, ValidationError

from .. import i18n


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
        validators=[DataRequired(message=_l("Please type her name.")), Length(max=80, message=_l("The name is too long."))],
    )
    language = SelectField(
        _l("Language of her pages"), choices=[SelectChoice(code, i18n.NAMES[code]) for code in i18n.LOCALES],
        default="fi", validate_choice=False,
        validators=[AnyOf(i18n.LOCALES, message=_l("Please choose a language from the list."))],
    )


class ReportFilter(FlaskForm):
    """The reach report's period: both ends optional. A GET form, so no CSRF token."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()],
                      render_kw={"dir": "ltr"}, format="%Y-%m-%d")
    end = DateField(_l("To"), validators=[Optional()], render_kw={"dir": "ltr"}, format="%Y-%m-%d")

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end of the period is before its start."))
