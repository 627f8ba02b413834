from tests.matrix import EVERYONE, Case

CASES = [
    Case("search.search", lambda r: "/search/?q=lösenord", EVERYONE),
    Case("api.search", lambda r: "/api/v1/search?q=lösenord", EVERYONE),
]
