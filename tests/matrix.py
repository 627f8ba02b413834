"""The permission matrix's vocabulary: the demo roles and how a case names its URL.

Each capability's tests add a `tests/<capability>/matrix.py` with a CASES list; the one
test in `tests/test_permission_matrix.py` walks every route of the app with every role
and fails for any route without a case.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from helpdesk.extensions import db

# The demo accounts that stand for each role (None: not logged in).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "central": "central@exempelkommun.se",
    "local": "lokal.norr@exempelkommun.se",
    "local_other": "lokal.soder@exempelkommun.se",
    "group_admin": "gruppadmin.norr@exempelkommun.se",
    "teacher": "larare.norr@exempelkommun.se",
    "guardian": "vardnadshavare.norr@exempelkommun.se",
    "vendor": "leverantor@leverantor.example",
    "other_org": "central@grannby.se",
    "operator": "drift@helpdesk.example",
}
EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
ORG_MEMBERS = LOGGED_IN - {"vendor", "other_org", "operator"}


@dataclass
class Case:
    endpoint: str
    url: Callable[["Refs"], str]
    allowed: frozenset[str]
    method: str = "GET"
    data: dict = field(default_factory=dict)
    json: dict | None = None
    # An extra label when one endpoint has several cases (e.g. own vs. other's object).
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{'[' + self.name + ']' if self.name else ''}"


class Refs:
    """Look demo objects up by name, inside an app context."""

    def _one(self, model, **by):
        stmt = select(model.id)
        for column, value in by.items():
            stmt = stmt.where(getattr(model, column) == value)
        found = db.session.scalars(stmt).first()
        assert found is not None, f"demo has no {model.__name__} {by}"
        return found

    def org(self, name):
        from helpdesk.directory.models import Organisation

        return self._one(Organisation, name=name)

    def school(self, name):
        from helpdesk.directory.models import School

        return self._one(School, name=name)

    def group(self, name):
        from helpdesk.directory.models import Group

        return self._one(Group, name=name)

    def user(self, email):
        from helpdesk.auth.models import User

        return self._one(User, email=email)

    def person_of(self, email):
        from helpdesk.auth.models import User

        return db.session.scalar(select(User.person_id).where(User.email == email))
