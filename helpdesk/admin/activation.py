"""Login details: single-use, expiring activation codes handed out per group.

Only a code's SHA-256 is stored, so the letters (or the CSV) are the one place the codes
exist; generating new codes for a person revokes their old unused ones.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.admin import audit
from helpdesk.admin.guard import Operation, Refused, decide
from helpdesk.admin.models import ActivationCode
from helpdesk.admin.operations.base import active_group, group_target
from helpdesk.admin.reach import Ref, load_in_reach
from helpdesk.auth.accounts import create_account
from helpdesk.auth.models import User
from helpdesk.auth.services import normalise_email, set_password, validate_new_password
from helpdesk.directory.models import Group, GuardianRelation, Membership, MembershipRole, Person
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow

# No 0/O, 1/I/L: codes are typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


# Who a group's letters are for: its members, or the guardians of its members (in a
# preschool the children never log in; their guardians do).
RECIPIENTS = ("members", "guardians")


@dataclass
class Letter:
    person: Person
    code: str
    expires_at: datetime
    # For a guardian's letter: the group's members they are guardian of, so a parent of
    # two children in the group gets one letter naming both.
    children: list[Person] = field(default_factory=list)


def _members(group) -> list[Person]:
    return list(db.session.scalars(
        select(Person).join(Membership, Membership.person_id == Person.id)
        .where(Membership.group_id == group.id, Membership.active, Person.active,
               Membership.role == MembershipRole.MEMBER)
        .order_by(Person.family_name, Person.given_name)))


def _guardians_of(members: list[Person]) -> dict[Person, list[Person]]:
    """Each active guardian of the members, with the members they are guardian of."""
    by_id = {m.id: m for m in members}
    guardians: dict[Person, list[Person]] = {}
    rows = db.session.execute(
        select(Person, GuardianRelation.student_id)
        .join(GuardianRelation, GuardianRelation.guardian_id == Person.id)
        .where(GuardianRelation.student_id.in_(list(by_id)), GuardianRelation.active, Person.active)
        .order_by(Person.family_name, Person.given_name, Person.id))
    for guardian, student_id in rows:
        guardians.setdefault(guardian, []).append(by_id[student_id])
    return guardians


def hand_out(actor, group_id, *, fmt: str = "letters", recipients: str = "members") -> list[Letter]:
    """New codes for every member of the group (not its teachers), or for every guardian of its
    members; old unused codes of the same people stop working."""
    # Scope first: a group outside the actor's reach answers like a missing one.
    load_in_reach(actor, (Ref("group_id", Group),), {"group_id": group_id})
    if recipients not in RECIPIENTS:
        raise ValidationFailed(_l("Choose who the letters are for."), field="recipients")
    group = active_group(group_id)
    decision = decide(actor, Operation.HAND_OUT_LOGIN_DETAILS, group_target(group))
    if decision.refused:  # never, today; kept so the guard stays the only gate
        raise Refused(decision.rule, decision.reason)
    members = _members(group)
    if not members:
        raise ValidationFailed(_l("The group has no members to hand login details to."))
    if recipients == "guardians":
        children_of = _guardians_of(members)
        if not children_of:
            raise ValidationFailed(_l("No member of the group has a guardian registered."),
                                   field="recipients")
    else:
        children_of = {m: [] for m in members}
    people = list(children_of)
    now = utcnow()
    days = current_app.config.get("ADMIN_ACTIVATION_DAYS", 30)
    expires = now + timedelta(days=days)
    ids = [p.id for p in people]
    for old in db.session.scalars(select(ActivationCode).where(
            ActivationCode.person_id.in_(ids), ActivationCode.used_at.is_(None),
            ActivationCode.revoked_at.is_(None))):
        old.revoked_at = now
    letters = []
    for p in people:
        code = new_code()
        db.session.add(ActivationCode(person_id=p.id, group_id=group.id, code_hash=_digest(code),
                                      created_by_id=actor.id, created_at=now, expires_at=expires))
        letters.append(Letter(p, code, expires, children_of[p]))
    db.session.flush()
    audit.record(actor, Operation.HAND_OUT_LOGIN_DETAILS, group, organisation_id=group.organisation_id,
                 after={"people": len(letters), "recipients": recipients, "format": fmt,
                        "expires": expires.date().isoformat()},
                 label=group.name, rule=decision.rule)
    return letters


def find_code(code: str) -> ActivationCode | None:
    row = db.session.scalar(select(ActivationCode).where(ActivationCode.code_hash == _digest(code)))
    if row is None or row.used_at or row.revoked_at or row.expires_at <= utcnow():
        return None
    if not row.person.active:
        return None
    return row


def activate(code: str, email: str | None, password: str, confirm: str) -> User:
    """Use a code: set the password of the person's account, creating or enabling it."""
    row = find_code(code)
    if row is None:
        raise ValidationFailed(_l("The code is not valid: it may be mistyped, already used, replaced "
                                  "by a newer letter, or too old. Ask your school for a new one."),
                               field="code")
    person = row.person
    user = db.session.scalar(select(User).where(User.person_id == person.id))
    validate_new_password(password, confirm)
    if user is None:
        address = normalise_email(email or person.email or "")
        if not address or "@" not in address:
            raise ValidationFailed(_l("Enter the e-mail address you will log in with."), field="email")
        user = create_account(address, person=person)
    user.enabled = True
    set_password(user, password)
    row.used_at = utcnow()
    db.session.flush()
    audit.record(user, "activate_account", person, organisation_id=person.organisation_id,
                 after={"user": user.email}, label=person.display_name)
    return user
