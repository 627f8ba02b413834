"""Forms of the boards. Validation lives in the services; a ValidationFailed is put back on
the field it names (see views.field_error)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput

from helpdesk.widgets import WrappedCheckboxList


class MultiCheckboxField(SelectMultipleField):
    widget = WrappedCheckboxList()
    option_widget = CheckboxInput()


class ThreadForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Your question"), render_kw={"rows": 10})
    attachments = MultipleFileField(_l("Attach files (optional)"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), render_kw={"rows": 8})
    attachments = MultipleFileField(_l("Attach files (optional)"))
    quoted_post_id = HiddenField()


class EditPostForm(FlaskForm):
    body = TextAreaField(_l("Text"), render_kw={"rows": 10})


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 4})


class MoveForm(FlaskForm):
    board = SelectField(_l("Move to board"), coerce=int, validate_choice=False)


class BoardForm(FlaskForm):
    name = StringField(_l("Name"))
    description = StringField(_l("Description"))
    kind = RadioField(_l("Who sees the board"), choices=[
        SelectChoice("staff", _l("All staff of the organisation")),
        SelectChoice("schools", _l("Staff of chosen schools")),
    ], default="staff", validate_choice=False)
    schools = MultiCheckboxField(_l("Schools"), coerce=int, validate_choice=False)


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"))
    kind = SelectField(_l("Kind of meeting"), choices=[
        SelectChoice("check_in", _l("Check-in meeting")), SelectChoice("workshop", _l("Workshop"))], validate_choice=False)
    # The browser's date picker sends 2026-12-03T14:00; a browser without one sends what was
    # typed, so the form also takes the 2026-12-03 14:00 that Swedes write.
    starts_at = DateTimeLocalField(_l("Starts (Swedish time)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   validators=[Optional()])
    duration = IntegerField(_l("Length in minutes"), default=60, validators=[Optional()])
    location = StringField(_l("Place or video link"))
    schools = MultiCheckboxField(_l("Invite the contacts of"), coerce=int, validate_choice=False)
    invite_vendor = BooleanField(_l("Invite the platform vendor's support agents too (they see this meeting "
                                    "and its agenda, nothing else)"))


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes"), render_kw={"rows": 12})


class AgendaNoteForm(FlaskForm):
    text = StringField(_l("Another item"))
