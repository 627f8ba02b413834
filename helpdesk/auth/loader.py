"""How a request becomes a user: the session cookie, or a bearer token on the API."""
from __future__ import annotations

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from helpdesk.auth.services import load_session_user, token_for
from helpdesk.extensions import csrf, login_manager


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _protect_state_changes() -> None:
    """CSRF on every state-changing request, except API calls that carry a bearer token
    (a token is never sent by a browser on its own, so it cannot be forged that way)."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.path.startswith("/api/") and bearer_token():
        return
    view = request.endpoint
    if view in _CSRF_EXEMPT:
        return
    csrf.protect()


_CSRF_EXEMPT: set[str] = set()


def csrf_exempt(endpoint: str) -> None:
    _CSRF_EXEMPT.add(endpoint)


def init_login(app) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        from helpdesk.core.errorhandlers import database_down

        if database_down():  # answering "the database is away": do not ask it again
            return None
        return load_session_user(session_id)

    @login_manager.request_loader
    def load_from_token(_request):
        from helpdesk.core.errorhandlers import database_down

        if not request.path.startswith("/api/") or database_down():
            return None
        raw = bearer_token()
        token = token_for(raw) if raw else None
        # The API's auth layer (helpdesk/api/tokens.py) reads the token's scopes from here.
        g.api_token = token
        return token.user if token else None

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for

        from helpdesk.core.errorhandlers import _respond, wants_json

        if wants_json():
            return _respond(401, str(_l("Log in, or send a bearer token.")), "Unauthorized")
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    app.before_request(_protect_state_changes)

    @app.errorhandler(CSRFError)
    def csrf_failed(_exc):
        from helpdesk.core.errorhandlers import _respond

        return _respond(400, str(_l("The form had expired or came from somewhere else. "
                                    "Reload the page and try again.")), "CSRFError")
