"""Login sessions: the one place a browser session begins and ends, whatever the login
method (password, invitation, SAML, OpenID Connect), so every method meets the same rules."""
from __future__ import annotations

from flask import session
from flask_login import login_user, logout_user

from helpdesk.auth.models import User
from helpdesk.auth.services import new_session_key
from helpdesk.models_base import utcnow


def begin(user: User, *, method: str, remember: bool = False) -> None:
    """A fresh session at login, so a session id planted before login is worth nothing.

    `method` names how the person proved who they are ("password", "saml", "oidc", ...).
    """
    locale = session.get("locale")
    session.clear()
    if locale and not user.locale:
        user.locale = locale
    user.last_login_at = utcnow()
    login_user(user, remember=remember)
    session["remember_me"] = bool(remember)
    session["login_method"] = method


def end() -> None:
    """End this browser's session; the chosen language stays."""
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def end_everywhere(user: User) -> None:
    """End every session of the user (all browsers), e.g. when the identity provider logs
    the person out or the password changes."""
    user.session_key = new_session_key()
