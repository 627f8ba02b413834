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
# Why a login was refused, as recorded by `OidcFailed.reason`; unknown ones read as recorded.
REASONS = {
    "not_a_guardian": _l("not the guardian of a child at a school here"),
    "state_mismatch": _l("the answer did not belong to a login started here"),
    "no_login_started": _l("no login had been started, or it had expired"),
    "provider_error": _l("the provider answered with an error"),
    "missing_claim": _l("no personal identity number from the provider"),
    "invalid_claim": _l("an unreadable personal identity number"),
    "bad_nonce": _l("the ID token belonged to another login"),
    "bad_aud": _l("the ID token was meant for another service"),
    "bad_iss": _l("the ID token came from another provider"),
    "bad_signature": _l("the ID token's signature did not check out"),
    "token_refused": _l("the provider refused the code"),
    "discovery_failed": _l("the provider could not be reached"),
    "account_disabled": _l("the account is turned off"),
}


def _reason(entry) -> dict:
    reason = (entry.after or {}).get("reason")
    return {"reason": str(REASONS.get(reason, reason or ""))}


audit_phrases.register("oidc_login_refused", _l("Login with e-legitimation refused"),
                       _l("A login with e-legitimation was refused: %(reason)s"),
                       fallback=_l("A login with e-legitimation was refused"), values=_reason)
audit_phrases.register_field("issuer", _l("Issuer"))
audit_phrases.register_field("client_id", _l("Client id"))
audit_phrases.register_field("client_secret_env", _l("Variable with the client secret"))
audit_phrases.register_field("claim", _l("Claim with the personal identity number"))
audit_phrases.register_field("scopes", _l("Scopes"))
audit_phrases.register_field("reason", _l("Reason"))
