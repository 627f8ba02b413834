"""The home page, the language switch, the accessibility statement, the privacy page and the
probes (/livez, /readyz, /healthz)."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from helpdesk import hooks
from helpdesk.core import privacy_notice
from helpdesk.core.health import run_checks, run_readiness
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.i18n import LOCALE_COOKIE
from helpdesk.nav import panels_for

bp = Blueprint("core", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow local paths, so ?next= cannot send anyone to another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback


@bp.get("/")
def home():
    return render_template("home.html", panels=panels_for(current_user))


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("core.home"))
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        session["locale"] = lang
        response.set_cookie(LOCALE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return response


# When the accessibility statement was last reviewed (the law asks for the date).
STATEMENT_REVIEWED = date(2026, 12, 2)


@bp.get("/accessibility")
def accessibility():
    org = current_user.organisation if current_user.is_authenticated else None
    return render_template("core/accessibility.html", organisation=org, reviewed=STATEMENT_REVIEWED,
                           report_url=hooks.get("accessibility_report_url")())


@bp.get("/personal-data")
def privacy_notices():
    """The privacy page: a logged-in person's own organisation, a visitor chooses theirs."""
    org = current_user.organisation if current_user.is_authenticated else None
    if org is not None:
        return redirect(url_for("core.privacy_notice_page", code=org.code))
    return render_template("core/privacy_index.html", organisations=privacy_notice.organisations())


@bp.get("/personal-data/<code>")
def privacy_notice_page(code: str):
    org = privacy_notice.by_code(code)
    if org is None:
        raise NotFound()
    return render_template("core/privacy.html", organisation=org, retention=privacy_notice.retention_lines(org),
                           ask_links=hooks.get("ask_for_help")(current_user))


@bp.get("/livez")
def livez():
    return {"status": "alive"}


@bp.get("/readyz")
def readyz():
    ok, parts = run_readiness()
    headers = {} if ok else {"Retry-After": "5"}
    return {"status": "ready" if ok else "not ready", **parts}, (200 if ok else 503), headers


@bp.get("/healthz")
def healthz():
    ok, checks = run_checks()
    return {"status": "ok" if ok else "degraded", **checks}, (200 if ok else 503)
