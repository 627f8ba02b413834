"""Factories for directory objects and accounts. Call them inside an app context; they
flush but never commit, so a test decides when its data is final."""
from __future__ import annotations

import itertools

from helpdesk.auth.models import Role, User
from helpdesk.auth.services import hash_password, new_session_key, role_assignment
from helpdesk.directory.models import (
    Duty,
    DutyRole,
    Group,
    GroupKind,
    GuardianRelation,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    PersonKind,
    School,
)
from helpdesk.extensions import db
from helpdesk.models_base import Source

_seq = itertools.count(1)
# One hash for every factory user: scrypt is slow on purpose, tests need not be.
_PASSWORD_HASH: dict[str, str] = {}


def _password_hash(password: str) -> str:
    if password not in _PASSWORD_HASH:
        _PASSWORD_HASH[password] = hash_password(password)
    return _PASSWORD_HASH[password]


def make_org(name=None, *, autosync=True, code=None) -> Organisation:
    n = next(_seq)
    org = Organisation(name=name or f"Kommun {n}", code=code or f"K{n:03d}", autosync=autosync)
    db.session.add(org)
    db.session.flush()
    return org


def make_school(org, name=None) -> School:
    school = School(organisation_id=org.id, name=name or f"Skola {next(_seq)}",
                    source=Source.SYNC if org.autosync else Source.MANUAL)
    db.session.add(school)
    db.session.flush()
    return school


def make_group(school, name=None, kind=GroupKind.CLASS, source=None) -> Group:
    group = Group(organisation_id=school.organisation_id, school_id=school.id,
                  name=name or f"Grupp {next(_seq)}", kind=kind,
                  source=source or school.source)
    db.session.add(group)
    db.session.flush()
    return group


def make_person(org, kind=PersonKind.STAFF, *, given="Test", family=None, source=Source.SYNC,
                email=None, civic_no=None, **kw) -> Person:
    person = Person(organisation_id=org.id, kind=kind, given_name=given,
                    family_name=family or f"Person{next(_seq)}", source=source, email=email,
                    civic_no=civic_no, **kw)
    db.session.add(person)
    db.session.flush()
    return person


def add_duty(person, school, role=DutyRole.TEACHER) -> Duty:
    duty = Duty(person_id=person.id, school_id=school.id, role=role, source=person.source)
    db.session.add(duty)
    db.session.flush()
    return duty


def add_member(person, group, role=MembershipRole.MEMBER) -> Membership:
    m = Membership(person_id=person.id, group_id=group.id, role=role, source=group.source)
    db.session.add(m)
    db.session.flush()
    return m


def add_guardian(guardian, student) -> GuardianRelation:
    r = GuardianRelation(guardian_id=guardian.id, student_id=student.id, source=student.source)
    db.session.add(r)
    db.session.flush()
    return r


def make_user(email=None, *, person=None, org=None, roles=(), password="demo", vendor=None) -> User:
    """`roles` is a list of (Role, scope object or None)."""
    org = org or (person.organisation if person else None)
    user = User(email=email or f"user{next(_seq)}@example.org", password_hash=_password_hash(password),
                person_id=person.id if person else None, organisation_id=org.id if org else None,
                vendor_id=vendor.id if vendor else None, session_key=new_session_key())
    for role, scope in roles:
        user.roles.append(role_assignment(role, scope, org.id if org else None))
    db.session.add(user)
    db.session.flush()
    return user


__all__ = [name for name in dir() if name.startswith(("make_", "add_"))] + ["Role", "PersonKind",
                                                                          "GroupKind", "DutyRole"]
