from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput

from helpdesk.widgets import WrappedCheckboxList


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 wants them."""
    return [SelectChoice(value, label) for value, label in pairs]


def person_choices(people) -> list[SelectChoice]:
    """A person select that starts empty, so nobody is picked by just submitting the form."""
    return choices([("", _l("Choose a person"))] + [(p.id, p.display_name) for p in people])


def _id_or_none(value):
    # "" is the empty "choose a person" option; InputRequired then refuses it.
    return int(value) if value not in ("", None) else None


REASON_HINT = _l("The central team decides from this, so say why it is needed.")


class ReasonMixin:
    reason = TextAreaField(_l("Why is this needed?"), validators=[Optional(), Length(max=2000)])


class CreateGroupForm(ReasonMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of group"), choices=[])


class CreatePersonForm(ReasonMixin, FlaskForm):
    kind = SelectField(_l("Kind of person"), choices=[])
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=100)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=100)])
    civic_no = StringField(_l("Personal identity number or temporary number"),
                           validators=[Optional(), Length(max=20)])
    birth_date = DateField(_l("Birth date (to make a temporary number)"), validators=[Optional()])
    role = SelectField(_l("Role (staff)"), choices=[], validators=[Optional()])
    role_title = StringField(_l("Title (staff, optional)"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("E-mail address (optional)"), validators=[Optional(), Length(max=254)])


class RenameForm(ReasonMixin, FlaskForm):
    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=200)])


class MembersForm(ReasonMixin, FlaskForm):
    # Checkboxes, not a multi-select: a multi-select needs Ctrl-click and is poor on touch.
    person_ids = SelectMultipleField(_l("People to add"), coerce=int, choices=[],
                                     widget=WrappedCheckboxList(), option_widget=CheckboxInput())


class MentorForm(ReasonMixin, FlaskForm):
    mentor_id = SelectField(_l("Mentor"), coerce=_id_or_none, choices=[], validators=[InputRequired()])


class GuardianForm(ReasonMixin, FlaskForm):
    guardian_id = SelectField(_l("Guardian"), coerce=_id_or_none, choices=[], validators=[InputRequired()])
    relation_type = SelectField(_l("Relation"), choices=[])


class CourseForm(FlaskForm):
    course_id = SelectField(_l("Course or subject"), coerce=int, choices=[])


class LoginDetailsForm(FlaskForm):
    recipients = SelectField(_l("Letters for"), choices=choices([("members", _l("The members")),
                                                                 ("guardians", _l("The members' guardians"))]),
                             default="members")
    format = SelectField(_l("Format"), choices=choices([("letters", _l("Letters to print")),
                                                         ("csv", _l("CSV file"))]))
    lang = SelectField(_l("Language of the letters"), choices=choices([("sv", "Svenska"), ("en", "English")]))


class ReasonOnlyForm(ReasonMixin, FlaskForm):
    pass


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Note to the requester"), validators=[Optional(), Length(max=2000)])


class ActivationForm(FlaskForm):
    code = StringField(_l("Activation code"), validators=[DataRequired(), Length(max=40)])
    email = EmailField(_l("E-mail address (if the letter asks for one)"), validators=[Optional(), Length(max=254)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])
