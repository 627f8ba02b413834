"""How the school-account login's audit entries read (helpdesk.audit_phrases)."""
from flask_babel import lazy_gettext as _l

from helpdesk import audit_phrases as phrases

phrases.register("saml_settings_saved", _l("Changed the school-account login"),
                 _l("Changed the school-account login of %(object)s"))
phrases.register("saml_settings_removed", _l("Turned off the school-account login"),
                 _l("Turned off the school-account login of %(object)s"))
phrases.register("saml_settings_refused", _l("School-account login settings refused"),
                 _l("Settings for the school-account login of %(object)s were refused: %(reason)s"),
                 fallback=_l("Settings for the school-account login were refused"),
                 values=lambda e: {"reason": (e.after or {}).get("reason", "")})
phrases.register("saml_login_refused", _l("School-account login refused"),
                 _l("A login with a school account was refused (%(reason)s): %(object)s"),
                 fallback=_l("A login with a school account was refused"),
                 values=lambda e: {"reason": (e.after or {}).get("reason", "")})
phrases.register("saml_account_created", _l("Account made at school-account login"),
                 _l("An account was made for %(object)s at their first login with a school account"))
phrases.register("saml_account_linked", _l("Account linked at school-account login"),
                 _l("The account with the address of %(object)s was linked to them at their first login "
                    "with a school account"))
phrases.register("saml_logout", _l("Logged out by the school account"),
                 _l("The school account's logout ended the sessions of %(object)s"))
phrases.register_field("id_attribute", _l("Identifying attribute"))
phrases.register_field("password_login", _l("Password login for staff"))
phrases.register_field("metadata_url", _l("Metadata address"))
phrases.register_field("idp", _l("Identity provider"))
phrases.register_field("reason", _l("Reason"))
phrases.register("saml_logout_refused", _l("School-account logout refused"),
                 _l("A logout request from a school-account login was refused (%(reason)s)"),
                 fallback=_l("A logout request from a school-account login was refused"),
                 values=lambda e: {"reason": (e.after or {}).get("reason", "")})
