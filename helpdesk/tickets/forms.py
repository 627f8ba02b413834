from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from helpdesk.tickets.models import TicketCategory


def category_choices(categories=None):
    from helpdesk.labels import label

    return [("", _l("Choose a category"))] + [(c.value, label(c)) for c in categories or TicketCategory]


class FileTicketForm(FlaskForm):
    category = SelectField(_l("What is the question about?"), validators=[Optional()])
    where = SelectField(_l("School or child"), validators=[Optional()])
    subject = StringField(_l("Subject"), validators=[Optional()])
    body = TextAreaField(_l("Your question"), validators=[Optional()])


class GuestForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[Optional()])
    email = EmailField(_l("Your e-mail address"), validators=[Optional()])
    school_id = SelectField(_l("Your child's school"), validators=[Optional()])
    body = TextAreaField(_l("Describe the problem"), validators=[Optional()])
    # A field people never see; robots fill it in.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])


class CannedReplyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional()])
    language = SelectField(_l("Language"), choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")],
                           validators=[Optional()])
    body = TextAreaField(_l("Reply text"), validators=[Optional()])


class ClosedDayForm(FlaskForm):
    # A text field, read by the service: a browser without a date picker still works.
    day = StringField(_l("Date"), validators=[Optional()])
    note = StringField(_l("Why (e.g. Höstlov, Studiedag)"), validators=[Optional()])


class GuestReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), validators=[Optional()])


class AccessibilityReportForm(FlaskForm):
    # Name and e-mail are asked of visitors only; logged-in people are known.
    name = StringField(_l("Your name"), validators=[Optional()])
    email = EmailField(_l("Your e-mail address"), validators=[Optional()])
    school_id = SelectField(_l("Which school's portal were you using?"), validators=[Optional()])
    page = StringField(_l("Which page (address or name)?"), validators=[Optional()])
    body = TextAreaField(_l("What did not work for you?"), validators=[Optional()])
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
