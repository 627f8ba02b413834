from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Remember me on this device"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"),
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), validators=[DataRequired(), Length(max=100)])
    # Scopes include each other (admin > write > read), so one choice says it all.
    scope = SelectField(_l("What the token may do"), default="read", choices=[
        SelectChoice("read", _l("Read only")),
        SelectChoice("write", _l("Read and change (file, answer, escalate)")),
        SelectChoice("admin", _l("Everything your roles allow, administration included")),
    ])
    expires = SelectField(_l("Valid for"), default="90", choices=[
        SelectChoice("30", _l("30 days")), SelectChoice("90", _l("90 days")), SelectChoice("365", _l("A year")), SelectChoice("", _l("Until I revoke it")),
    ])
