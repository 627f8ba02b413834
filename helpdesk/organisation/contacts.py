"""Who answers whom: the support organisation of an organisation, and "Where do I turn?".

A teacher's or guardian's question goes to the local contacts of the school it is about
(local admins), or straight to the central team where a school has none.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from helpdesk.access import scope_of
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.directory.models import Group, Membership, Organisation, Person, School
from helpdesk.extensions import db


@dataclass
class SchoolContacts:
    school: School
    local: list[tuple[RoleAssignment, User]] = field(default_factory=list)

    @property
    def central_answers(self) -> bool:
        return not self.local


@dataclass
class SupportOrganisation:
    organisation: Organisation
    central: list[tuple[RoleAssignment, User]]
    schools: list[SchoolContacts]
    group_admins: list[tuple[RoleAssignment, User, Group]]


def _assignments(role: Role, *conditions):
    return list(db.session.execute(
        select(RoleAssignment, User).join(User, User.id == RoleAssignment.user_id)
        .outerjoin(Person, Person.id == User.person_id)
        .where(RoleAssignment.role == role, User.enabled.is_(True), *conditions)
        .order_by(Person.family_name, Person.given_name, User.email)).tuples())


def support_organisation(org: Organisation) -> SupportOrganisation:
    """The central team, every open school with its local contacts, and the group admins."""
    schools = list(db.session.scalars(select(School).where(
        School.organisation_id == org.id, School.active).order_by(School.name)))
    local = defaultdict(list)
    for a, u in _assignments(Role.LOCAL_ADMIN, RoleAssignment.school_id.in_([s.id for s in schools])):
        local[a.school_id].append((a, u))
    group_admins = list(db.session.execute(
        select(RoleAssignment, User, Group).join(User, User.id == RoleAssignment.user_id)
        .join(Group, Group.id == RoleAssignment.group_id)
        .where(RoleAssignment.role == Role.GROUP_ADMIN, Group.organisation_id == org.id, User.enabled.is_(True))
        .order_by(Group.name, User.email)).tuples())
    return SupportOrganisation(
        organisation=org,
        central=_assignments(Role.CENTRAL_ADMIN, RoleAssignment.organisation_id == org.id),
        schools=[SchoolContacts(s, local[s.id]) for s in schools],
        group_admins=group_admins)


def schools_of(user) -> list[School]:
    """The schools a teacher works at, or a guardian's children go to."""
    scope = scope_of(user)
    ids = set(scope.duty_school_ids) if scope.is_staff else set()
    if scope.is_guardian and scope.child_ids:
        ids |= set(db.session.scalars(
            select(Group.school_id).join(Membership, Membership.group_id == Group.id)
            .where(Membership.person_id.in_(scope.child_ids), Membership.active, Group.active)))
    if not ids:
        return []
    return list(db.session.scalars(select(School).where(School.id.in_(ids), School.active).order_by(School.name)))


def where_to_turn(user, school_id: int | None = None) -> dict | None:
    """For a teacher or guardian: each of their schools' local contacts by name (or that the
    central team answers for it), and the central team's shared address. None for others."""
    scope = scope_of(user)
    if not scope.authenticated or scope.organisation_id is None or not (scope.is_staff or scope.is_guardian):
        return None
    org = db.session.get(Organisation, scope.organisation_id)
    schools = schools_of(user)
    if school_id is not None:
        schools = [s for s in schools if s.id == school_id] or [
            s for s in [db.session.get(School, school_id)] if s is not None and s.organisation_id == org.id]
    local = defaultdict(list)
    for a, u in _assignments(Role.LOCAL_ADMIN, RoleAssignment.school_id.in_([s.id for s in schools])):
        local[a.school_id].append(u.display_name)
    return {
        "schools": [{"school_id": s.id, "school": s.name, "local_contacts": local[s.id],
                     "central_answers": not local[s.id]} for s in schools],
        "central": {"organisation": org.name, "email": org.support_email},
    }
