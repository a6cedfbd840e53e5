"""Small forms and validators the core shares across pages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import ValidationError


class YearsBetween:
    """A date a service can mean: a slip such as year 0001 or 9999 gets a message, not a calendar overflow."""

    def __init__(self, first: int = 1900, last: int = 2100, message=None) -> None:
        self.first, self.last, self.message = first, last, message

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.first <= field.data.year <= self.last:
            raise ValidationError(self.message or _("Enter a date between the years %(first)d and %(last)d.",
                                                    first=self.first, last=self.last))


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[("ru", "Русский"), ("en", "English")])
    next = HiddenField()
    submit = SubmitField(_l("Switch"))


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token travels."""

    submit = SubmitField(_l("Confirm"))
