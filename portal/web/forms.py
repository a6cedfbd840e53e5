"""The base of every form, and the small forms and validators the core shares across pages."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField
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
