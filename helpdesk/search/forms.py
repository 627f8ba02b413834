from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class SynonymGroupForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[SelectChoice("sv", _l("Swedish")),
                                                    SelectChoice("en", _l("English"))])
    words = TextAreaField(_l("Words that mean the same thing"),
                          validators=[DataRequired(message=_l("Write at least two words.")), Length(max=600)])
