from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from helpdesk.auth.oidc.models import DEFAULT_CLAIM, DEFAULT_SCOPES


class OidcSettingsForm(FlaskForm):
    # Only lengths here: the service says what is missing or wrong, in its own words.
    enabled = BooleanField(_l("Guardians may log in with e-legitimation"), default=True)
    issuer = StringField(_l("Issuer (the provider's address)"), validators=[Length(max=300)])
    client_id = StringField(_l("Client id"), validators=[Length(max=200)])
    client_secret_env = StringField(_l("Environment variable holding the client secret"),
                                    validators=[Length(max=64)])
    claim = StringField(_l("Claim carrying the personal identity number"), default=DEFAULT_CLAIM,
                        validators=[Length(max=200)])
    scopes = StringField(_l("Scopes"), default=DEFAULT_SCOPES, validators=[Length(max=500)])
