from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from helpdesk.kb.labels import CATEGORY_LABELS
from helpdesk.kb.models import Audience
from helpdesk.labels import label


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=[SelectChoice("sv", _l("Swedish")), SelectChoice("en", _l("English"))])
    audience = SelectField(_l("Who may read it"))
    category = SelectField(_l("Category"), validators=[Optional()])
    tags = StringField(_l("Tags"), validators=[Length(max=400)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[DataRequired(), Length(max=100_000)])
    note = StringField(_l("What did you change?"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.audience.choices = [SelectChoice(a.value, label(a)) for a in Audience]
        self.category.choices = [SelectChoice(k, v) for k, v in CATEGORY_LABELS.items()]


class VoteForm(FlaskForm):
    helpful = RadioField(_l("Did this article help you?"),
                         choices=[SelectChoice("yes", _l("Yes, it helped")), SelectChoice("no", _l("No, it did not help"))],
                         validators=[DataRequired(message=_l("Choose yes or no."))])
    comment = TextAreaField(_l("What was missing? (optional)"), validators=[Optional(), Length(max=2000)])
