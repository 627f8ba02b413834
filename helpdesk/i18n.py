"""Language choice: Swedish by default, English on request; the choice sticks.

Each capability keeps its own catalog in `helpdesk/<capability>/translations`, so work on
one capability never collides with another's; Flask-Babel merges them.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

PACKAGE = Path(__file__).resolve().parent
LOCALE_COOKIE = "lang"


def translation_directories() -> str:
    dirs = sorted(str(p) for p in PACKAGE.glob("*/translations") if p.is_dir())
    return ";".join(dirs)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # A command or a tick: the default, unless the caller uses force_locale.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale") or request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# One date format per language, used everywhere through the `when` template filter, in the
# app's time zone (Europe/Stockholm): Swedish "2 dec. 2026 14:05", English "2 Dec 2026, 14:05".
DATE_PATTERNS = {"sv": "d MMM y HH:mm", "en": "d MMM y, HH:mm"}


DAY_PATTERNS = {"sv": "d MMM y", "en": "d MMM y"}


def day(value) -> str:
    """A date (or the date of a moment, in the app's time zone) in the language's one format."""
    if value is None:
        return ""
    lang = str(get_locale() or "sv")[:2]
    pattern = DAY_PATTERNS.get(lang, DAY_PATTERNS["sv"])
    return format_date(value, pattern) if type(value).__name__ == "date" else format_datetime(value, pattern)


def when(value) -> str:
    if value is None:
        return ""
    lang = str(get_locale() or "sv")[:2]
    return format_datetime(value, DATE_PATTERNS.get(lang, DATE_PATTERNS["sv"]))
