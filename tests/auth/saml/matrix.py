"""Permission-matrix cases of the school-account login (collected by tests/auth/matrix.py).

Without SAML set up in the demo, the login and answers are refused for everyone (404/400);
the settings page is the organisation's central admins' (Grannby's central admin reaches
Grannby's own page)."""
from tests.matrix import EVERYONE, Case

CENTRAL = frozenset({"central", "other_org"})

CASES = [
    Case("saml.metadata", lambda r: "/auth/saml/metadata", EVERYONE),
    Case("saml.login", lambda r: "/auth/saml/login/EXK", frozenset(), name="not set up"),
    # Anyone may send an answer or a logout request; a bad one is a 400 page, never a login.
    Case("saml.acs", lambda r: "/auth/saml/acs", EVERYONE, method="POST", data={"SAMLResponse": "x"}),
    Case("saml.sls", lambda r: "/auth/saml/sls", EVERYONE),
    Case("saml.settings", lambda r: "/admin/sign-in/school-account", CENTRAL),
    Case("saml.settings", lambda r: "/admin/sign-in/school-account", CENTRAL, method="POST",
         data={"id_attribute": "eppn"}, name="no metadata"),
    Case("saml.remove", lambda r: "/admin/sign-in/school-account/remove", CENTRAL, method="POST"),
]
