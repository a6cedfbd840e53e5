"""The base of every form, and the small forms and validators the core shares across pages."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DateTimeLocalField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     SubmitField)
from wtforms.validators import ValidationError

#: Control characters no one types: everything below a space but tab and line breaks, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UNTYPABLE = _l("This field contains a character that cannot be typed (a control character). "
               "Please type the text again.")


def has_control_characters(value) -> bool:
    return isinstance(value, str) and bool(CONTROL_CHARACTERS.search(value))


class Form(FlaskForm):
    """Every form and search of the portal: refuses control characters before anything else reads the input.

    PostgreSQL cannot store a NUL at all ("text fields cannot contain NUL"), and no person types
    one; so such input is answered next to its field, in the person's language, before a
    validator, a query or the audit log sees it.
    """

    def validate(self, extra_validators=None) -> bool:
        untypable = [field for field in self
                     if any(has_control_characters(value) for value in (field.raw_data or ()))]
        if not untypable:
            return super().validate(extra_validators)
        for field in self:
            field.errors = [str(UNTYPABLE)] if field in untypable else []
        return False


class YearsBetween:
    """A date a service can mean: a slip such as year 0001 or 9999 gets a message, not a calendar overflow."""

    def __init__(self, first: int = 1900, last: int = 2100, message=None) -> None:
        self.first, self.last, self.message = first, last, message

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.first <= field.data.year <= self.last:
            raise ValidationError(self.message or _("Enter a date between the years %(first)d and %(last)d.",
                                                    first=self.first, last=self.last))


class LanguageForm(Form):
    language = SelectField(_l("Language"), choices=[("ru", "Русский"), ("en", "English")])
    next = HiddenField()
    submit = SubmitField(_l("Switch"))


class ConfirmForm(Form):
    """A button that changes state: only the CSRF token travels."""

    submit = SubmitField(_l("Confirm"))


class _SaysHowToWrite:
    """A date field that answers what is not a date with how to write one, instead of WTForms' words."""

    how = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.how)) from None


class LocalTimeField(_SaysHowToWrite, DateTimeLocalField):
    """A date and time at the region's clock (``kit.to_utc`` stores it)."""

    how = _l("This is not a valid date and time; give them as 2026-12-25 18:00.")


class DayField(_SaysHowToWrite, DateField):
    how = _l("This is not a valid date; give it as 2026-12-25.")


class NumberField(IntegerField):
    """A whole number; letters are no number, and the range validator says once what is wanted."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


class PeopleField(SelectMultipleField):
    """People (or things) chosen from a list; an empty entry (a list sent with nobody chosen) is nobody."""

    def process_formdata(self, valuelist):
        super().process_formdata([value for value in valuelist if value != ""])
