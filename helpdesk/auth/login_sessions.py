"""Server-side login sessions: opening, checking, listing and ending them.

The signed cookie holds only `s:<random id>`; the row (found by the id's SHA-256) says
whether the session is still alive. So a copied cookie is worth nothing after logout, a new
password ends the other sessions, and the person sees where they are logged in.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.orm import joinedload

from helpdesk.auth.models import ApiToken, LoginSession, User
from helpdesk.extensions import db
from helpdesk.models_base import utcnow

PREFIX = "s:"
# last_seen is written at most this often, so reading pages does not write every time.
TOUCH_EVERY = timedelta(minutes=1)
# Ended sessions are kept this long for the audit, then `tick` removes them.
KEEP_ENDED = timedelta(days=30)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def open_session(user: User, method: str, remember: bool) -> str:
    """A new live session row; returns the id to put in the cookie."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(LoginSession(user_id=user.id, token_hash=_digest(raw), method=(method or "")[:32],
                                remember=bool(remember), created_at=now, last_seen_at=now))
    return PREFIX + raw


@lru_cache(maxsize=1)
def _live_statement():
    """The user, their roles and their person (the name every page's footer shows) with the
    row: one query with joins, not four (this runs on every request; each ORM query costs
    ~0.5 ms of CPU before the database is asked). Built once: a statement used again keeps
    its cache key, which SQLAlchemy otherwise works out anew for every request (~0.5 ms CPU
    a request, bench/bench_mix.py)."""
    user = joinedload(LoginSession.user)
    return (select(LoginSession).options(user.joinedload(User.roles), user.joinedload(User.person))
            .where(LoginSession.token_hash == bindparam("token_hash")))


def find_live(session_id: str) -> LoginSession | None:
    """The live session behind a cookie's id, or None (ended, idle, unknown, disabled user)."""
    if not isinstance(session_id, str) or not session_id.startswith(PREFIX) or len(session_id) > 100:
        return None
    row = db.session.execute(_live_statement(), {"token_hash": _digest(session_id[len(PREFIX):])}
                             ).unique().scalar_one_or_none()
    if row is None or row.ended_at is not None or not row.user.enabled:
        return None
    now = utcnow()
    # The idle timeout holds on the server too, so a copied cookie cannot keep an idle
    # session alive by rewriting its own timestamp.
    # (A minute's grace: last_seen is written at most once a minute.)
    if not row.remember and now - row.last_seen_at > current_app.config["IDLE_TIMEOUT"] + TOUCH_EVERY:
        end_row(row, "idle")
        db.session.commit()
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row


def end_row(row: LoginSession, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at = utcnow()
        row.end_reason = reason


def end_by_id(session_id: str | None, reason: str) -> None:
    if isinstance(session_id, str) and session_id.startswith(PREFIX):
        row = db.session.scalar(select(LoginSession).where(
            LoginSession.token_hash == _digest(session_id[len(PREFIX):])))
        if row is not None:
            end_row(row, reason)


def end_all(user: User, reason: str, *, keep: str | None = None) -> int:
    """End every live session of the user but `keep` (a cookie id); returns how many ended."""
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if keep and keep.startswith(PREFIX):
        query = query.where(LoginSession.token_hash != _digest(keep[len(PREFIX):]))
    result = db.session.execute(query.values(ended_at=utcnow(), end_reason=reason)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def revoke_all_tokens(user: User) -> int:
    result = db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _stale():
    """Live rows that can no longer be used: idle without "remember me", or past the
    remember-me cookie's lifetime."""
    now = utcnow()
    return or_(
        and_(LoginSession.remember.is_(False),
             LoginSession.last_seen_at < now - current_app.config["IDLE_TIMEOUT"] - TOUCH_EVERY),
        LoginSession.last_seen_at < now - current_app.config["REMEMBER_COOKIE_DURATION"])


def live_sessions(user: User) -> list[LoginSession]:
    return list(db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None),
                                   ~_stale())
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())))


def is_current(row: LoginSession, session_id: str | None) -> bool:
    return (isinstance(session_id, str) and session_id.startswith(PREFIX)
            and secrets.compare_digest(row.token_hash, _digest(session_id[len(PREFIX):])))


def prune() -> str:
    """The tick job: end sessions nobody can use any more, and forget sessions that ended
    more than 30 days ago."""
    db.session.execute(update(LoginSession).where(LoginSession.ended_at.is_(None), _stale())
                       .values(ended_at=utcnow(), end_reason="idle").execution_options(synchronize_session=False))
    result = db.session.execute(delete(LoginSession).where(LoginSession.ended_at < utcnow() - KEEP_ENDED)
                                .execution_options(synchronize_session=False))
    return f"{result.rowcount or 0} ended sessions removed"


_METHOD_NAMES = {
    "password": _l("E-mail address and password"),
    "invitation": _l("Invitation link"),
    "saml": _l("The municipality's login (SAML)"),
    "oidc": _l("The municipality's login (OpenID Connect)"),
}


def method_name(method: str) -> str:
    """How a login method reads on the account page; an unknown one by its own name."""
    name = _METHOD_NAMES.get(method)
    return str(name) if name is not None else method
