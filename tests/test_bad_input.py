"""Bad input never yields a 500: every route of the permission matrix, as a role allowed to
use it, with hostile values in its fields (forms and JSON) and in the usual query parameters.
Numbers too big for an INTEGER column, NUL bytes, invalid UTF-8 and wrong JSON types are the
cases that once slipped through."""
from __future__ import annotations

import pytest

from tests.conftest import login
from tests.matrix import ROLES, Refs
from tests.test_permission_matrix import CASES

HUGE = "99999999999999999999"
FORM_VALUES = ["", "\x00\x01", "a" * 20_000, "-1", HUGE, "1.5", "<script>x</script>", "ÅÄÖ\u202e", "%FF"]
JSON_VALUES = [None, "", "x" * 20_000, -1, 10**20, 1.5, True, [], {}, "\x00"]
QUERY_NAMES = ["q", "page", "school", "school_id", "cursor", "limit", "canned", "tier", "status", "type",
               "lang", "filter", "assigned", "category", "tag", "audience", "next", "operation", "actor"]
QUERY_VALUES = [HUGE, "\x00", "%FF", "-1", "a" * 5_000]
PREFERENCE = ["central", "local", "teacher", "guardian", "vendor", "group_admin", "anonymous",
              "other_org", "local_other", "operator"]


def _client(app, case):
    role = next(r for r in PREFERENCE if r in case.allowed)
    client = app.test_client()
    if ROLES[role]:
        login(client, ROLES[role])
    with app.app_context():
        return client, case.url(Refs())


def _failures(client, case, url) -> list[str]:
    failed = []

    def check(label, response):
        if response.status_code >= 500:
            failed.append(f"{label}: {response.status_code}")

    if case.method == "GET":
        joiner = "&" if "?" in url else "?"
        for value in QUERY_VALUES:
            query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
            check(f"query {value[:10]!r}", client.get(f"{url}{joiner}{query}"))
    elif case.json is not None:
        for value in JSON_VALUES:
            check(f"json {str(value)[:10]!r}", client.open(url, method=case.method,
                                                            json={k: value for k in case.json or ["x"]}))
        check("invalid UTF-8 JSON", client.open(url, method=case.method, data=b"\xff\xfe{",
                                                content_type="application/json"))
    else:
        for value in FORM_VALUES:
            check(f"form {value[:10]!r}", client.open(url, method=case.method,
                                                      data={k: value for k in case.data or ["x"]}))
    return failed


@pytest.mark.parametrize("case", [c for c in CASES if c.allowed], ids=lambda c: c.id)
def test_hostile_input_gets_an_answer_not_a_crash(demo_app, case):
    client, url = _client(demo_app, case)
    failed = _failures(client, case, url)
    assert not failed, f"{case.id} ({url}): " + "; ".join(failed)
