"""One matrix: every route of the app, requested as every demo role."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from helpdesk import create_app
from tests.conftest import login
from tests.matrix import ROLES, Refs

TESTS = Path(__file__).parent


def _all_cases():
    cases = []
    for matrix in sorted(TESTS.glob("*/matrix.py")):
        module = importlib.import_module(f"tests.{matrix.parent.name}.matrix")
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def test_every_route_has_a_case(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"},
                     instance_path=str(tmp_path))
    covered = {(c.endpoint, c.method) for c in CASES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without a permission-matrix case:\n" + "\n".join(sorted(missing))


def _denied(response, role) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    # Pages answer a visitor who is not logged in with a redirect to the login page.
    return role == "anonymous" and response.status_code == 302 and "/login" in response.headers["Location"]


def _matrix_params():
    """Every case as every role on SQLite; on PostgreSQL the requests a role is allowed to make.

    A denial is decided in Python (access.can) about an object looked up by its id, or is the
    login redirect, so PostgreSQL has nothing to add there; an allowed request runs the
    page's own queries and writes, where the two databases can differ (GROUP BY, integer
    sizes, text comparison). That keeps two thirds of the matrix off PostgreSQL.
    """
    return [pytest.param(role, case, id=f"{role}-{case.id}",
                         marks=() if role in case.allowed else pytest.mark.sqlite_only)
            for role in ROLES for case in CASES]


@pytest.mark.parametrize("role, case", _matrix_params())
def test_matrix(demo_app, case, role):
    client = demo_app.test_client()
    if ROLES[role]:
        login(client, ROLES[role])
    with demo_app.app_context():
        url = case.url(Refs())
    response = client.open(url, method=case.method, data=case.data or None, json=case.json)
    assert response.status_code < 500, f"{case.id} as {role}: {response.status_code}"
    expected = role in case.allowed
    assert _denied(response, role) != expected, (
        f"{case.id} as {role}: status {response.status_code}, expected "
        f"{'allowed' if expected else 'denied'}")


# What another organisation may know exists, though it may not act on it: the vendor's forum
# is shared by every organisation that escalates to the vendor, and shipped articles are read
# by every organisation. Every other object of Exempelkommun must answer like a missing one.
SHARED_WITH_OTHER_ORGANISATIONS = {"POST boards.moderate[vendor forum]", "GET kb.edit[shipped]",
                                   "POST kb.delete[shipped]"}


OBJECT_IN_PATH = re.compile(r"/\d+(?=/|$|\.|\?)")


@pytest.mark.sqlite_only
def test_another_organisations_objects_answer_like_missing_ones(demo_app):
    """Central of Grannby asks for each object of Exempelkommun that a route names, and for the
    same URL with a number no object has: the two answers must not differ (no 403 that
    confirms it exists). One client walks every case: a refused request changes nothing."""
    client = demo_app.test_client()
    login(client, ROLES["other_org"])
    differ, walked = [], 0
    for case in CASES:
        if "other_org" in case.allowed:
            continue
        with demo_app.app_context():
            url = case.url(Refs())
        if not OBJECT_IN_PATH.search(url):
            continue  # no object named: the route's own refusal is all there is to see
        walked += 1
        codes = [client.open(u, method=case.method, data=case.data or None, json=case.json).status_code
                 for u in (url, OBJECT_IN_PATH.sub("/987654", url))]
        expected_same = case.id not in SHARED_WITH_OTHER_ORGANISATIONS
        if (codes[0] == codes[1]) != expected_same:
            differ.append(f"{case.id}: {url} answered {codes[0]}, a missing one {codes[1]}")
    assert walked > 100 and not differ, "\n".join(differ)
