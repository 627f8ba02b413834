"""The e-legitimation routes in the permission matrix (collected by tests/auth/matrix.py)."""
from tests.matrix import EVERYONE, Case

CENTRALS = frozenset({"central", "other_org"})

CASES = [
    # Nothing is configured in the demo: the installation-wide login says so (404).
    Case("oidc.login", lambda r: "/auth/oidc/login", frozenset(), name="not turned on"),
    Case("oidc.login_at", lambda r: "/auth/oidc/login/NOPE", frozenset(), name="unknown organisation"),
    Case("oidc.login_at", lambda r: "/auth/oidc/login/EXK", frozenset(), name="not turned on"),
    # Without a login started, the callback answers 400 to anybody.
    Case("oidc.callback", lambda r: "/auth/oidc/callback?state=x&code=y", EVERYONE),
    Case("oidc.choose", lambda r: "/auth/oidc/choose", frozenset(), name="nothing to choose"),
    Case("oidc.choose", lambda r: "/auth/oidc/choose", frozenset(), method="POST", name="nothing to choose"),
    Case("oidc.settings_page", lambda r: "/admin/sign-in/e-legitimation", CENTRALS),
    Case("oidc.settings_page", lambda r: f"/admin/sign-in/e-legitimation?organisation_id={r.org('Exempelkommun')}",
         frozenset({"central"}), name="Exempelkommun"),
    Case("oidc.settings_page", lambda r: "/admin/sign-in/e-legitimation", frozenset({"central"}), method="POST",
         data={"organisation_id": "1", "issuer": ""}, name="Exempelkommun"),
]
