from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from helpdesk.auth.saml.models import EPPN, MAIL


class SamlSettingsForm(FlaskForm):
    metadata_file = FileField(_l("The identity provider's metadata file (XML)"))
    metadata_url = URLField(_l("Or the address of the identity provider's metadata"),
                            validators=[Optional(), Length(max=500)])
    id_attribute = RadioField(_l("Which attribute identifies a person"), default=EPPN, choices=[
        SelectChoice(EPPN, _l("eduPersonPrincipalName (recommended)")),
        SelectChoice(MAIL, _l("E-mail address (mail), when the identity provider sends no eduPersonPrincipalName")),
    ])
    password_login = BooleanField(_l("Staff may still log in with a password"), default=True)
