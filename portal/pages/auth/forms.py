from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, EmailField, HiddenField, PasswordField, SelectField, StringField,
                     SubmitField)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from portal.models import Role, User
from portal.models._time import utcnow
from portal.web.forms import Form, YearsBetween

MIN_PASSWORD = 10


def password_field(label):
    return PasswordField(label, validators=[
        DataRequired(),
        Length(min=MIN_PASSWORD, max=128,
               message=_l("The password must be from %(min)d to %(max)d characters long.")),
    ])


class LoginForm(Form):
    # No format check here: a sign-in only asks whether the account exists.
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Remember me"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ReauthenticateForm(Form):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    next = HiddenField()
    submit = SubmitField(_l("Confirm"))


class RegistrationForm(Form):
    role = SelectField(_l("I register as"), choices=[
        (Role.graduate.value, _l("Graduate")),
        (Role.mentor.value, _l("Mentor")),
        (Role.volunteer.value, _l("Volunteer")),
    ])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = password_field(_l("Password"))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))
    ])
    # Asked of graduates: under 18, their legal representative's consent is needed too.
    birth_date = DateField(_l("Date of birth"), validators=[Optional(), YearsBetween(1900, 2100)])
    municipality = SelectField(_l("Municipality"), coerce=int, validate_choice=True)
    language = SelectField(_l("Language"), choices=[("ru", "Русский"), ("en", "English")])
    consent = BooleanField(_l("I agree to the processing of my personal data on the terms above"), validators=[
        DataRequired(message=_l("Registration needs your consent to the processing of personal data."))])
    submit = SubmitField(_l("Register"))
    # No check whether the e-mail is taken: the answer must not tell (the owner gets a notice instead).

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        field = self.birth_date
        if self.role.data == Role.graduate.value and field.data is None and not field.errors:
            field.errors = [str(_l("Graduates give their date of birth."))]
            return False
        return valid

    def validate_birth_date(self, field):
        if field.data is not None and field.data > utcnow().date():
            raise ValidationError(_l("The date of birth cannot be in the future."))


EMAIL_IN_USE = _l("An account with this e-mail already exists.")


class ProfileForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    contact = StringField(_l("Phone or other contact"), validators=[Optional(), Length(max=200)])
    municipality = SelectField(_l("Municipality"), coerce=int, validate_choice=True)
    language = SelectField(_l("Language"), choices=[("ru", "Русский"), ("en", "English")])
    gender = SelectField(_l("How the portal writes about you"), choices=[
        ("", _l("Not said (neutral words)")), ("female", _l("She (checked in, came)")),
        ("male", _l("He (checked in, came)"))], default="", validate_choice=True)
    submit = SubmitField(_l("Save"))


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    password = password_field(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))
    ])
    submit = SubmitField(_l("Change password"))


class EmailChangeForm(Form):
    email = EmailField(_l("New e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Change e-mail"))

    def validate_email(self, field):
        if User.by_email(field.data or "") is not None:
            raise ValidationError(EMAIL_IN_USE)


class ForgotPasswordForm(Form):
    # No format check: the answer is the same for any address.
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(Form):
    """The new password after a reset link: the rules of the password change."""

    password = password_field(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))
    ])
    submit = SubmitField(_l("Set the new password"))


class ResetCodeForm(NewPasswordForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    code = StringField(_l("Code from the coordinator"), validators=[DataRequired(), Length(max=40)])
