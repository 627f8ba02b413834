from tests.matrix import EVERYONE, LOGGED_IN, Case

CASES = [
    Case("auth.login", lambda r: "/login", EVERYONE),
    Case("auth.logout", lambda r: "/logout", EVERYONE, method="POST"),
    Case("auth.account", lambda r: "/account", LOGGED_IN),
    Case("auth.change_password", lambda r: "/account/password", LOGGED_IN, method="POST"),
    Case("auth.create_token", lambda r: "/account/tokens", LOGGED_IN, method="POST"),
    Case("auth.end_other_sessions", lambda r: "/account/sessions/end-others", LOGGED_IN, method="POST"),
    # Revoking someone else's token is refused; the central admin's token is looked up by id 1.
    Case("auth.revoke_token", lambda r: "/account/tokens/999999/revoke", frozenset(), method="POST",
         name="unknown token"),
    Case("auth.forgot_password", lambda r: "/forgot", EVERYONE),
    Case("auth.reset_password", lambda r: "/reset/not-a-token", EVERYONE),
    Case("auth.login", lambda r: "/login", EVERYONE, method="POST", data={"email": "x@example.org"}),
    Case("auth.forgot_password", lambda r: "/forgot", EVERYONE, method="POST"),
    Case("auth.reset_password", lambda r: "/reset/not-a-token", EVERYONE, method="POST"),
]

from tests.auth.oidc.matrix import CASES as OIDC_CASES  # noqa: E402  (guardians' e-legitimation)

CASES += OIDC_CASES

# The school-account login (SAML) keeps its cases beside its tests.
from tests.auth.saml.matrix import CASES as _SAML_CASES  # noqa: E402

CASES += _SAML_CASES
