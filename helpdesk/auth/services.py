"""Accounts: checking passwords, changing and resetting them, and API bearer tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from helpdesk.auth import login_sessions
from helpdesk.auth.models import ApiToken, PasswordReset, RoleAssignment, User
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow

MIN_PASSWORD_LENGTH = 10
# A hash to compare against when the e-mail is unknown, so a wrong e-mail takes as long
# as a wrong password and the timing does not tell which one was wrong.
_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(8))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    # scrypt with werkzeug's strong defaults; the test suite sets cheaper parameters, and
    # check_password_hash reads the parameters back from each stored hash.
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def new_session_key() -> str:
    return secrets.token_hex(8)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user whose e-mail and password match, else None: one answer for every failure."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.enabled:
        return None
    from helpdesk.auth.saml.services import password_login_allowed

    # The organisation may have turned password login off for its staff (school account only).
    if not password_login_allowed(user):
        return None
    user.last_login_at = utcnow()
    return user


def validate_new_password(password: str, confirm: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
            field="password")
    if password != confirm:
        raise ValidationFailed(_l("The two passwords are not the same."), field="confirm")


def set_password(user: User, password: str, *, keep_session: str | None = None) -> None:
    """Store a new password; every session of the user ends but `keep_session` (the browser
    that changed it), and every API token is revoked, so whoever held the old password
    holds nothing any more."""
    user.password_hash = hash_password(password)
    user.session_key = new_session_key()
    login_sessions.end_all(user, "password", keep=keep_session)
    login_sessions.revoke_all_tokens(user)


def _audit(user: User, operation: str) -> None:
    from helpdesk.admin import audit

    audit.record(user, operation, user, organisation_id=user.organisation_id, object_type="user",
                 label=user.display_name)


def change_password(user: User, current: str, new: str, confirm: str, *,
                    keep_session: str | None = None) -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        raise ValidationFailed(_l("The current password is not right."), field="current")
    validate_new_password(new, confirm)
    set_password(user, new, keep_session=keep_session)
    _audit(user, "password_changed")


def request_password_reset(email: str) -> str | None:
    """Create a reset link for the account, if there is one. Returns the raw token.

    The caller says the same thing whether or not the account exists.
    """
    user = find_user_by_email(email)
    if user is None or not user.enabled:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(PasswordReset(
        user_id=user.id, token_hash=_digest(token), created_at=now,
        expires_at=now + current_app.config["PASSWORD_RESET_TTL"],
    ))
    from helpdesk.notify.services import queue_template

    link = current_app.config["PUBLIC_URL"].rstrip("/") + f"/reset/{token}"
    queue_template(user.email, "password_reset", locale=user.locale, kind="password_reset",
                   user=user, link=link,
                   minutes=int(current_app.config["PASSWORD_RESET_TTL"].total_seconds() // 60))
    return token


def _valid_reset(token: str, purpose: str = "reset") -> PasswordReset:
    reset = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == _digest(token or ""), PasswordReset.purpose == purpose))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        if purpose == "invitation":
            raise ValidationFailed(_l("This invitation has expired or has already been used. Ask the "
                                      "person who invited you to send a new one."))
        raise ValidationFailed(_l("This link has expired or has already been used. Ask for a new one."))
    return reset


def check_reset_token(token: str, purpose: str = "reset") -> None:
    _valid_reset(token, purpose)


def reset_password(token: str, password: str, confirm: str, purpose: str = "reset") -> User:
    """Use a reset link (or an invitation) once: set the password and spend every open link
    of the account."""
    reset = _valid_reset(token, purpose)
    validate_new_password(password, confirm)
    user = db.session.get(User, reset.user_id)
    set_password(user, password)
    if purpose == "reset":
        _audit(user, "password_reset_used")
    now = utcnow()
    for other in db.session.scalars(
        select(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
    ):
        other.used_at = now
    return user


TOKEN_SCOPES = ("read", "write", "admin")
DEFAULT_SCOPES = ("read", "write")
# The account page offers one choice; each includes the ones below it.
SCOPES_UP_TO = {"read": ("read",), "write": ("read", "write"), "admin": TOKEN_SCOPES}
MAX_TOKEN_DAYS = 366


def issue_token(user: User, name: str, scopes=DEFAULT_SCOPES, expires_in_days: int | None = None
                ) -> tuple[ApiToken, str]:
    """A personal access token with its scopes and expiry; the raw token is returned once
    and only its SHA-256 is kept."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_l("Give the token a name of at most 100 characters."), field="name")
    scopes = list(dict.fromkeys(scopes or ()))
    if not scopes or any(s not in TOKEN_SCOPES for s in scopes):
        raise ValidationFailed(_l("Choose the token's scopes: read, write or admin."), field="scopes")
    if expires_in_days is not None and (isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int)
                                        or not 1 <= expires_in_days <= MAX_TOKEN_DAYS):
        raise ValidationFailed(_l("A token lasts from 1 to %(n)d days.", n=MAX_TOKEN_DAYS), field="expires_in_days")
    raw = "hd_" + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(raw), prefix=raw[:10], created_at=now,
                     scopes=" ".join(s for s in TOKEN_SCOPES if s in scopes),
                     expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None)
    db.session.add(token)
    return token, raw


def token_for(raw: str) -> ApiToken | None:
    """The live token for a raw bearer value: revoked, expired or a disabled owner's is None,
    at once (checked on every request, nothing cached)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    now = utcnow()
    if (token is None or token.revoked_at is not None or not token.user.enabled
            or (token.expires_at is not None and token.expires_at <= now)):
        return None
    # Write last-use at most once a minute, so reading the API does not write every time.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    # Somebody else's token answers like a missing one: its existence is not the caller's business.
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def role_assignment(role, scope, organisation_id: int | None) -> RoleAssignment:
    """A role with its scope: an Organisation, a School or a Group (or None for the
    user's own organisation, as for staff and guardians)."""
    from helpdesk.directory.models import Group, Organisation, School

    return RoleAssignment(
        role=role,
        organisation_id=scope.id if isinstance(scope, Organisation) else organisation_id,
        school_id=scope.id if isinstance(scope, School) else None,
        group_id=scope.id if isinstance(scope, Group) else None,
    )


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def load_session_user(session_id: str) -> User | None:
    """The user of a live server-side login session, else None (logged out, ended by a new
    password, idle, or a cookie from before sessions were kept on the server)."""
    row = login_sessions.find_live(session_id)
    if row is None:
        return None
    row.user.login_session_id = session_id
    return row.user


def log_out_everywhere_else(user: User, keep_session: str | None) -> int:
    ended = login_sessions.end_all(user, "everywhere", keep=keep_session)
    _audit(user, "logged_out_everywhere")
    return ended


