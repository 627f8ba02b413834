"""Login and token requests are limited per address and per account."""
from __future__ import annotations

from flask import current_app, request

from helpdesk.auth.services import normalise_email
from helpdesk.extensions import limiter


def _account_key() -> str:
    email = request.form.get("email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    return "account:" + normalise_email(email if isinstance(email, str) else "")


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_limits(view):
    """Per client address and per e-mail, counting only submitted attempts."""
    # Shared limits: the login form, the reset form and the token endpoint count together.
    view = limiter.shared_limit(_limit, scope="login-account", key_func=_account_key, methods=["POST"])(view)
    return limiter.shared_limit(_limit, scope="login-address", methods=["POST"])(view)
