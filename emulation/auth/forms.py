"""Forms of the accounts area."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from emulation.auth.enums import Role
from emulation.core.forms import Form, IntegerField, NumberRange
from emulation.core.text import EMAIL_PATTERN

EMAIL_RULE = Regexp(EMAIL_PATTERN, message=_l("This is not a valid email address."))
LOCALE_CHOICES = [("", _l("Default (Vietnamese)")), ("vi", "Tiếng Việt"), ("en", "English")]


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class ReauthForm(Form):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(), Length(min=12, max=256)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))])


class UserCreateForm(Form):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=2, max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash or underscore."))])
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=150)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), EMAIL_RULE])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES, default="")
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=12, max=256)])


class UserEditForm(Form):
    version = HiddenField()
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=150)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), EMAIL_RULE])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES, default="")


class ResetPasswordForm(Form):
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(), Length(min=12, max=256)])


class GrantForm(Form):
    role = SelectField(_l("Role"), choices=Role.choices(), validators=[DataRequired()])
    unit_code = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])


class TokenForm(Form):
    """A new personal access token: its name and, when shorter than the default, its life in
    days (the service bounds it by API_TOKEN_MAX_DAYS)."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])
    days = IntegerField(_l("Valid for (days)"), validators=[
        Optional(), NumberRange(min=1, max=100_000)])


class ConfirmForm(Form):
    """An empty form: CSRF only, for buttons that post."""

    confirm = BooleanField(default=True)
