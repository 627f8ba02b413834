"""Making accounts and inviting people to them: the one place an account is created.

An appointment, an organisation's first central admin, the platform operator and an
activation code all end here, so single sign-on can later link an identity to the same
accounts. An invitation is a single-use link (a `PasswordReset` with purpose `invitation`)
valid `INVITATION_DAYS`, where the invited person chooses a password.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.auth.models import PasswordReset, Role, RoleAssignment, User
from helpdesk.auth.services import _digest, new_session_key, normalise_email
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow

INVITATION = "invitation"


def valid_email(address: str) -> bool:
    local, _, domain = (address or "").partition("@")
    return bool(local) and "." in domain and not any(ch.isspace() for ch in address) and len(address) <= 254


def account_of(person) -> User | None:
    return db.session.scalar(select(User).where(User.person_id == person.id))


def create_account(email: str, *, person=None, organisation_id: int | None = None,
                   vendor_id: int | None = None) -> User:
    """A new, enabled account without a password (it is set through an invitation or an
    activation code). A directory person's account gets the base role of their kind."""
    address = normalise_email(email)
    if not valid_email(address):
        raise ValidationFailed(_l("Enter a valid e-mail address."), field="email")
    if db.session.scalar(select(User.id).where(User.email == address)):
        raise ValidationFailed(_l("That e-mail address already has an account."), field="email")
    org_id = person.organisation_id if person is not None else organisation_id
    user = User(email=address, person_id=person.id if person is not None else None,
                organisation_id=org_id, vendor_id=vendor_id, session_key=new_session_key(), enabled=True)
    if person is not None:
        _add_base_role(user, person)
    db.session.add(user)
    db.session.flush()
    return user


def _add_base_role(user: User, person) -> None:
    """The requester role a directory person's kind gives (staff or guardian), once."""
    from helpdesk.directory.models import PersonKind

    role = {PersonKind.STAFF: Role.STAFF, PersonKind.GUARDIAN: Role.GUARDIAN}.get(person.kind)
    if role is not None and not any(a.role is role and a.organisation_id == person.organisation_id
                                    for a in user.roles):
        user.roles.append(RoleAssignment(role=role, organisation_id=person.organisation_id))


def link_account(user: User, person) -> bool:
    """Tie an existing account that belongs to no directory person (made by hand or by an
    invitation, same e-mail address) to the person, with their base role. Returns False,
    changing nothing, for an account that is someone else's or outside the organisation."""
    if user.person_id is not None or user.vendor_id is not None or \
            user.organisation_id not in (None, person.organisation_id):
        return False
    user.person_id = person.id
    user.organisation_id = person.organisation_id
    _add_base_role(user, person)
    db.session.flush()
    return True


def invite(user: User, *, invited_by=None, why: str = "") -> str:
    """Queue an invitation e-mail with a fresh single-use link; returns the raw token.

    Earlier unused invitations of the account stop working, so only the newest mail counts.
    """
    now = utcnow()
    for old in db.session.scalars(select(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.purpose == INVITATION,
            PasswordReset.used_at.is_(None))):
        old.used_at = now
    days = current_app.config.get("INVITATION_DAYS", 7)
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=days)
    db.session.add(PasswordReset(user_id=user.id, token_hash=_digest(token), created_at=now,
                                 expires_at=expires, purpose=INVITATION))
    from helpdesk.notify.services import queue_template

    link = current_app.config["PUBLIC_URL"].rstrip("/") + f"/invitation/{token}"
    queue_template(user.email, "invitation", locale=user.locale, kind="invitation", user=user,
                   link=link, days=days, why=why,
                   inviter=getattr(invited_by, "display_name", None))
    db.session.flush()
    return token


def accept_invitation(token: str, password: str, confirm: str) -> User:
    """Spend an invitation: the account gets its password (and every open link is spent)."""
    from helpdesk.auth.services import reset_password

    return reset_password(token, password, confirm, purpose=INVITATION)


def check_invitation(token: str) -> None:
    from helpdesk.auth.services import check_reset_token

    check_reset_token(token, INVITATION)
