"""Who a verified personnummer is: the directory's guardians, matched by number, and their
account (linked on the first login through `helpdesk.auth.accounts`).

The number is compared and dropped: it is never put in the session, a URL, a log line, an
audit entry or a message.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from helpdesk.auth import accounts
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.auth.oidc.provider import OidcFailed
from helpdesk.directory import civic
from helpdesk.directory.models import (
    Group,
    GuardianRelation,
    Membership,
    Organisation,
    Person,
    PersonKind,
    School,
    SchoolPlacement,
)
from helpdesk.extensions import db

# An account needs an address; a guardian without a usable one gets this reserved,
# undeliverable domain (RFC 2606), so nothing is ever mailed to a guess.
NO_MAIL_DOMAIN = "e-legitimation.invalid"


def normalised_number(value) -> str:
    """The claim as 12 digits (with or without hyphen, 10 or 12 digits accepted)."""
    if not isinstance(value, str) or not value.strip():
        raise OidcFailed("missing_claim", _l("The e-legitimation service did not tell us your personal identity number."))
    try:
        return civic.normalise(value)
    except civic.InvalidCivicNumber as exc:
        raise OidcFailed("invalid_claim", _l("The e-legitimation service sent a personal identity number we cannot read.")) from exc


def _child_at_a_school():
    """An active child in an active group or placed at an active school of an active
    organisation: the guardian has a reason to use the portal."""
    student = db.aliased(Person)
    in_group = exists().where(
        Membership.person_id == student.id, Membership.active, Group.id == Membership.group_id, Group.active,
        School.id == Group.school_id, School.active)
    placed = exists().where(
        SchoolPlacement.person_id == student.id, SchoolPlacement.active,
        School.id == SchoolPlacement.school_id, School.active)
    return exists().where(
        GuardianRelation.guardian_id == Person.id, GuardianRelation.active,
        student.id == GuardianRelation.student_id, student.active, or_(in_group, placed))


def guardians_with_number(number: str, organisation_id: int | None = None) -> list[Person]:
    """The guardians (one per organisation at most: the number is unique per organisation)
    with at least one child in a school, in `organisation_id` when given."""
    query = (select(Person).join(Organisation, Organisation.id == Person.organisation_id)
             .where(Person.civic_no == number, Person.kind == PersonKind.GUARDIAN, Person.active,
                    Organisation.active, _child_at_a_school())
             .order_by(Organisation.name))
    if organisation_id is not None:
        query = query.where(Person.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def account_for(person: Person) -> tuple[User, bool]:
    """The guardian's account, made on the first login (True when new). A disabled account
    stays disabled."""
    user = accounts.account_of(person)
    created = False
    if user is None:
        address = person.email if person.email and accounts.valid_email(person.email) else None
        if address is None or db.session.scalar(select(User.id).where(User.email == address.lower())):
            address = f"guardian-{person.id}@{NO_MAIL_DOMAIN}"
        user = accounts.create_account(address, person=person)
        created = True
    if not user.enabled:
        raise OidcFailed("account_disabled", _l("Your account is turned off. Ask your school's support contact."), status=403)
    if not any(r.role is Role.GUARDIAN and r.organisation_id == person.organisation_id for r in user.roles):
        # An account made by hand before (say, for a staff member who is also a parent)
        # gets the guardian role the directory says they have.
        user.roles.append(RoleAssignment(role=Role.GUARDIAN, organisation_id=person.organisation_id))
    return user, created
