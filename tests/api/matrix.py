from tests.matrix import EVERYONE, LOGGED_IN, Case

CASES = [
    Case("api.create_token", lambda r: "/api/v1/auth/token", EVERYONE, method="POST",
         json={"email": "central@exempelkommun.se", "password": "demo"}),
    Case("api.me", lambda r: "/api/v1/me", LOGGED_IN),
]
CASES += [
    Case("api.openapi_document", lambda r: "/api/v1/openapi.json", EVERYONE),
    Case("api_docs", lambda r: "/api/docs", EVERYONE),
]
