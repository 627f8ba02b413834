"""The one permission function: `can(user, action, obj)`.

Every capability registers its rules here, by action name, from its own `policies.py`.
Views, the API, the CLI and templates all ask `can` (or `require`), so a rule is written
once. A rule receives a `Scope` (what the user administers or belongs to, worked out once
per user object) and the object the action is about.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import g, has_app_context
from sqlalchemy import select

from helpdesk.errors import PermissionDenied
from helpdesk.extensions import db

RuleFn = Callable[["Scope", Any], bool]
_RULES: dict[str, RuleFn] = {}


def rule(action: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        if action in _RULES and _RULES[action] is not fn:
            raise RuntimeError(f"rule {action!r} is registered twice")
        _RULES[action] = fn
        return fn

    return register


def known_actions() -> list[str]:
    return sorted(_RULES)


@dataclass
class Scope:
    """What one user may reach, resolved from their role assignments and their person."""

    user: Any = None
    central_org_ids: set[int] = field(default_factory=set)
    local_school_ids: set[int] = field(default_factory=set)
    group_admin_ids: set[int] = field(default_factory=set)
    vendor_id: int | None = None
    staff_org_ids: set[int] = field(default_factory=set)
    guardian_org_ids: set[int] = field(default_factory=set)
    person_id: int | None = None
    organisation_id: int | None = None
    # The platform operator runs the installation: organisations and vendor agents, no tickets.
    is_operator: bool = False
    # Filled lazily: the schools the person works at, groups they teach, children.
    _cache: dict = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_vendor_agent(self) -> bool:
        return self.vendor_id is not None

    @property
    def is_admin(self) -> bool:
        return bool(self.central_org_ids or self.local_school_ids or self.group_admin_ids)

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_org_ids) or self.is_admin

    @property
    def is_guardian(self) -> bool:
        return bool(self.guardian_org_ids)

    def _lazy(self, key: str, load: Callable[[], set[int]]) -> set[int]:
        if key not in self._cache:
            self._cache[key] = load() if self.person_id else set()
        return self._cache[key]

    @property
    def duty_school_ids(self) -> set[int]:
        """Schools the user works at (through SS 12000 duties)."""
        from helpdesk.directory.models import Duty

        return self._lazy("duty_schools", lambda: set(db.session.scalars(
            select(Duty.school_id).where(Duty.person_id == self.person_id, Duty.active)
        )))

    @property
    def taught_group_ids(self) -> set[int]:
        from helpdesk.directory.models import Membership, MembershipRole

        return self._lazy("taught", lambda: set(db.session.scalars(
            select(Membership.group_id).where(
                Membership.person_id == self.person_id,
                Membership.role == MembershipRole.TEACHER,
                Membership.active,
            )
        )))

    @property
    def child_ids(self) -> set[int]:
        from helpdesk.directory.models import GuardianRelation

        return self._lazy("children", lambda: set(db.session.scalars(
            select(GuardianRelation.student_id).where(
                GuardianRelation.guardian_id == self.person_id, GuardianRelation.active
            )
        )))

    @property
    def agent_school_ids(self) -> set[int]:
        """Schools whose local queue this user works (local admin)."""
        return self.local_school_ids

    def is_central_for(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and organisation_id in self.central_org_ids

    def belongs_to(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and organisation_id == self.organisation_id


ANONYMOUS = Scope()


def scope_of(user) -> Scope:
    """The user's scope, computed once and kept on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    # Cached per application context (one request, one command, one test block), so a
    # role change is seen by the next request.
    cache = g.setdefault("_helpdesk_scopes", {}) if has_app_context() else {}
    key = (user.id, user.session_key)
    if key in cache:
        return cache[key]
    from helpdesk.auth.models import Role

    scope = Scope(user=user, person_id=user.person_id, organisation_id=user.organisation_id,
                  vendor_id=user.vendor_id)
    for assignment in user.roles:
        if assignment.role is Role.CENTRAL_ADMIN:
            scope.central_org_ids.add(assignment.organisation_id)
        elif assignment.role is Role.LOCAL_ADMIN:
            scope.local_school_ids.add(assignment.school_id)
        elif assignment.role is Role.GROUP_ADMIN:
            scope.group_admin_ids.add(assignment.group_id)
        elif assignment.role is Role.STAFF:
            scope.staff_org_ids.add(assignment.organisation_id)
        elif assignment.role is Role.GUARDIAN:
            scope.guardian_org_ids.add(assignment.organisation_id)
        elif assignment.role is Role.OPERATOR:
            scope.is_operator = True
        elif assignment.role is Role.VENDOR_AGENT and scope.vendor_id is None:
            scope.vendor_id = user.vendor_id
    cache[key] = scope
    return scope


def can(user, action: str, obj: Any = None) -> bool:
    try:
        check = _RULES[action]
    except KeyError:
        raise KeyError(f"no permission rule named {action!r}") from None
    return bool(check(scope_of(user), obj))


def require(user, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied()
