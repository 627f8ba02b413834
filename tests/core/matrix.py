from tests.matrix import EVERYONE, Case

CASES = [
    Case("core.home", lambda r: "/", EVERYONE),
    Case("core.accessibility", lambda r: "/accessibility", EVERYONE),
    Case("core.privacy_notices", lambda r: "/personal-data", EVERYONE),
    Case("core.privacy_notice_page", lambda r: "/personal-data/EXK", EVERYONE),
    Case("core.healthz", lambda r: "/healthz", EVERYONE),
    Case("core.livez", lambda r: "/livez", EVERYONE),
    Case("core.readyz", lambda r: "/readyz", EVERYONE),
    Case("core.set_language", lambda r: "/language", EVERYONE, method="POST", data={"lang": "en"}),
]
