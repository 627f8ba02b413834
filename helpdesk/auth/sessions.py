"""Login sessions: the one place a browser session begins and ends, whatever the login
method (password, invitation, SAML, OpenID Connect), so every method meets the same rules.

Each session is a server-side row (`helpdesk.auth.login_sessions`): the cookie carries only
its random id, so ending the row ends the session even for a copied cookie.
"""
from __future__ import annotations

from flask import session
from flask_login import login_user, logout_user

from helpdesk.auth import login_sessions
from helpdesk.auth.models import User
from helpdesk.auth.services import new_session_key
from helpdesk.extensions import db
from helpdesk.models_base import utcnow


def begin(user: User, *, method: str, remember: bool = False) -> None:
    """A fresh session at login, so a session id planted before login is worth nothing.

    `method` names how the person proved who they are ("password", "saml", "oidc", ...).
    Commits: without its stored row the new session would not work at all.
    """
    locale = session.get("locale")
    # A session already open in this browser ends here; the new login gets a new row.
    login_sessions.end_by_id(session.get("_user_id"), "replaced")
    session.clear()
    if locale and not user.locale:
        user.locale = locale
    user.last_login_at = utcnow()
    user.login_session_id = login_sessions.open_session(user, method, remember)
    login_user(user, remember=remember)
    session["remember_me"] = bool(remember)
    session["login_method"] = method
    db.session.commit()


def current_id() -> str | None:
    """This browser's session id (as in the cookie), or None."""
    return session.get("_user_id")


def end(reason: str = "logout") -> None:
    """End this browser's session, on the server too; the chosen language stays.
    Commits, so the session is over even if the caller only redirects."""
    login_sessions.end_by_id(current_id(), reason)
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    db.session.commit()


def end_everywhere(user: User) -> None:
    """End every session of the user (all browsers), e.g. when the identity provider logs
    the person out. The caller commits."""
    user.session_key = new_session_key()
    login_sessions.end_all(user, "everywhere")

