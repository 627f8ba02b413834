from tests.matrix import EVERYONE, Case

CASES = [
    Case("search.search", lambda r: "/search/?q=lösenord", EVERYONE),
    Case("search.search", lambda r: "/search/", EVERYONE, method="POST", data={"q": "lösenord"}),
    Case("api.search", lambda r: "/api/v1/search?q=lösenord", EVERYONE),
    Case("api.search", lambda r: "/api/v1/search", EVERYONE, method="POST", json={"q": "lösenord"}),
]
