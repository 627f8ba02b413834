"""Security headers and the idle timeout, applied to every response."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, request, session
from flask_login import current_user, logout_user

from helpdesk import hooks

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
])


PROBES = frozenset({"core.livez", "core.readyz", "core.healthz"})
# The signed session cookie's last_seen is rewritten at most this often (seconds): writing it
# on every request re-serialised, re-signed and re-sent the cookie every time (in a profile of
# the load test's mix, ~5% of a kept queue page's CPU); the idle timeout then ends a session at
# most this much later than IDLE_TIMEOUT.
SEEN_EVERY = 30


def _enforce_idle_timeout() -> None:
    """End a session left idle for longer than IDLE_TIMEOUT (45 minutes, like the platform)."""
    if request.endpoint in PROBES:  # probes touch nothing, and polling them is not activity
        return
    if not current_user.is_authenticated:
        return
    now = datetime.now(timezone.utc).timestamp()
    last_seen = session.get("last_seen")
    limit = current_app.config["IDLE_TIMEOUT"].total_seconds()
    # (SEEN_EVERY's grace: last_seen is written at most that often, see below.)
    if last_seen is not None and now - last_seen > limit + SEEN_EVERY and not session.get("remember_me"):
        end_session = hooks.get("end_session")
        if end_session is not None:
            end_session("idle")  # the server-side row ends too, kept for the audit
        else:
            logout_user()
            session.clear()
        session["idle_expired"] = True
        return
    if last_seen is None or now - last_seen >= SEEN_EVERY:
        session["last_seen"] = now


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def init_app(app) -> None:
    app.before_request(_enforce_idle_timeout)
    app.after_request(_headers)
