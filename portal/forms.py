"""Small forms the core shares across pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[("ru", "Русский"), ("en", "English")])
    next = HiddenField()
    submit = SubmitField(_l("Switch"))


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token travels."""

    submit = SubmitField(_l("Confirm"))
