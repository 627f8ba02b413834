"""Friendly error pages in the reader's language, and JSON errors for the API."""
from __future__ import annotations

import logging

from flask import g, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from helpdesk.errors import HelpdeskError
from helpdesk.extensions import db

log = logging.getLogger(__name__)

_TITLES = {
    400: lambda: _("The request could not be understood"),
    401: lambda: _("Please log in"),
    403: lambda: _("You do not have access to this page"),
    404: lambda: _("The page could not be found"),
    405: lambda: _("That is not possible here"),
    413: lambda: _("The upload is too large"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong on our side"),
    503: lambda: _("The portal is not ready"),
    "unavailable": lambda: _("The portal is unavailable for a moment"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def _respond(status: int, message: str, code: str, extra: dict | None = None, title_key=None):
    if wants_json():
        body = {"error": code, "message": message}
        body.update(extra or {})
        return body, status
    title = _TITLES.get(title_key or status, _TITLES[500])()
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _retry_after(exc) -> int | None:
    """Seconds to wait, from the exception (the login limits) or the limiter's response."""
    retry = getattr(exc, "retry_after", None)
    if retry is None and exc.response is not None:
        retry = exc.response.headers.get("Retry-After")
    if isinstance(retry, str):
        retry = int(retry) if retry.isdigit() else None
    return retry if isinstance(retry, int) and retry > 0 else None


def _too_many(exc):
    """429: in words, how long to wait, and the same in Retry-After (and JSON) for programs."""
    retry = _retry_after(exc)
    if retry is None:
        return _respond(429, _("You have tried too many times. Wait a moment and try again."), "TooManyRequests")
    minutes = max(1, -(-retry // 60))
    message = ngettext("You have tried too many times. Wait %(num)d minute and try again.",
                       "You have tried too many times. Wait %(num)d minutes and try again.", minutes)
    body, status = _respond(429, message, "TooManyRequests", {"retry_after": retry})
    return body, status, {"Retry-After": str(retry)}


def _not_migrated(exc) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


RETRY_AFTER_DATABASE = 5  # seconds; the pool's pre-ping reconnects once the database is back


def database_down() -> bool:
    """True while this request is being answered without the database (it went away): the
    user loader then answers "anonymous" instead of asking the database again."""
    return bool(g.get("database_down"))


def _unavailable(exc):
    """The database went away (stopped, restarting, unreachable): 503 with Retry-After, in
    the reader's language, for pages and the API alike. Nothing was changed: the request's
    transaction is rolled back, and service resumes by itself when the database returns."""
    g.database_down = True
    g.pop("_login_user", None)
    try:
        db.session.rollback()
    except Exception:  # the connection is already gone; the pool replaces it later
        pass
    log.error("database unavailable: %s", type(exc).__name__)
    body, status = _respond(503, _("The portal cannot reach its database just now. Try again in a "
                                   "moment; nothing you sent has been saved."), "ServiceUnavailable",
                            {"retry_after": RETRY_AFTER_DATABASE}, title_key="unavailable")
    return body, status, {"Retry-After": str(RETRY_AFTER_DATABASE)}


def init_app(app) -> None:
    @app.errorhandler(HelpdeskError)
    def helpdesk_error(exc: HelpdeskError):
        db.session.rollback()
        body = exc.to_dict()
        return _respond(exc.status_code, body.pop("message"), body.pop("error"), body)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if status == 429:
            return _too_many(exc)
        if status == 404:
            message = _("Check the address, or go back to the start page.")
        elif status == 403:
            message = _("If you think you should have access, contact your local support contact.")
        elif status == 413:
            message = _("The file is larger than the portal accepts.")
        else:
            message = exc.description if status < 500 else _("Please try again in a moment.")
        return _respond(status, str(message), exc.name.replace(" ", ""))

    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeout)
    def database_unreachable(exc):
        return _unavailable(exc)

    @app.errorhandler(OperationalError)
    @app.errorhandler(ProgrammingError)
    def database_error(exc):
        if isinstance(exc, OperationalError) and not _not_migrated(exc):
            return _unavailable(exc)
        db.session.rollback()
        if _not_migrated(exc):
            log.error("database is not migrated: %s", type(exc).__name__)
            return _respond(503, _("The database has not been set up yet. An administrator "
                                   "runs 'flask --app helpdesk db upgrade' (make run does it)."),
                            "NotMigrated")
        log.exception("database error")
        return _respond(500, _("Please try again in a moment."), "InternalServerError")

    @app.errorhandler(Exception)
    def unexpected(exc):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        db.session.rollback()
        log.exception("unhandled error")
        return _respond(500, _("Please try again in a moment."), "InternalServerError")
