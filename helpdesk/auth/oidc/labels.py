"""How the e-legitimation operations read in the audit log."""
from flask_babel import lazy_gettext as _l

from helpdesk import audit_phrases

audit_phrases.register("oidc_settings_changed", _l("Changed the e-legitimation settings"),
                       _l("Changed the e-legitimation settings of %(object)s"))
audit_phrases.register("oidc_settings_refused", _l("E-legitimation settings refused"),
                       _l("Tried to save e-legitimation settings for %(object)s whose provider did not answer"))
audit_phrases.register("oidc_login", _l("Logged in with e-legitimation"),
                       _l("Logged in with e-legitimation: %(object)s"))
audit_phrases.register("oidc_account_linked", _l("Account linked to e-legitimation"),
                       _l("The first login with e-legitimation made or linked the account of %(object)s"))
audit_phrases.register("oidc_login_refused", _l("Login with e-legitimation refused"),
                       _l("A login with e-legitimation was refused (%(reason)s)"),
                       fallback=_l("A login with e-legitimation was refused"),
                       values=lambda entry: {"reason": (entry.after or {}).get("reason")})
audit_phrases.register_field("issuer", _l("Issuer"))
audit_phrases.register_field("client_id", _l("Client id"))
audit_phrases.register_field("client_secret_env", _l("Variable with the client secret"))
audit_phrases.register_field("claim", _l("Claim with the personal identity number"))
audit_phrases.register_field("scopes", _l("Scopes"))
audit_phrases.register_field("reason", _l("Reason"))
