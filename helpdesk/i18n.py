"""Language choice: Swedish by default, English on request; the choice sticks.

Each capability keeps its own catalog in `helpdesk/<capability>/translations`, so work on
one capability never collides with another's; Flask-Babel merges them.
"""
from __future__ import annotations

from datetime import timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, get_locale, get_timezone
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


# The same formats written out, so a page of two hundred posts does not pay Babel's pattern
# machinery per date (format_datetime costs ~80 µs a call, these ~10); tests/test_i18n.py
# holds them equal to the patterns above for every month in both languages.
_WRITTEN = {"sv": ("{d} {mon} {y} {H:02d}:{M:02d}", "{d} {mon} {y}"),
            "en": ("{d} {mon} {y}, {H:02d}:{M:02d}", "{d} {mon} {y}")}


@lru_cache(maxsize=8)
def _month_names(locale: str) -> tuple[str, ...]:
    names = Locale.parse(locale).months["format"]["abbreviated"]
    return ("",) + tuple(names[m] for m in range(1, 13))


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=32)
def _formatter(locale: str, zone_name: str, with_time: bool):
    """Moments in the zone `zone_name` (stored times without a zone are UTC, as Flask-Babel
    assumes), in the language's one format. The zone is the standard library's: the same
    rules as Flask-Babel's pytz zone at a third of the cost a date (a thread page has 200)."""
    zone, months = _zone(zone_name), _month_names(locale)
    shape = _WRITTEN.get(locale[:2], _WRITTEN["sv"])[0 if with_time else 1]

    def written(value) -> str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        local = value.astimezone(zone)
        return shape.format(d=local.day, mon=months[local.month], y=local.year, H=local.hour, M=local.minute)
    return written


def _format(value, with_time: bool) -> str:
    """A moment in the app's time zone, in the language's one format."""
    return _formatter(str(get_locale() or "sv"), str(get_timezone()), with_time)(value)


def when_formatter():
    """`when` for the request's language and zone, for pages that write many moments: the
    language and the zone are looked up once, not per date (Flask-Babel's lookups cost as much
    as the formatting itself)."""
    written = _formatter(str(get_locale() or "sv"), str(get_timezone()), True)
    return lambda value: "" if value is None else written(value)


def day(value) -> str:
    """A date (or the date of a moment, in the app's time zone) in the language's one format."""
    if value is None:
        return ""
    if type(value).__name__ == "date":
        lang = str(get_locale() or "sv")[:2]
        return format_date(value, DAY_PATTERNS.get(lang, DAY_PATTERNS["sv"]))
    return _format(value, with_time=False)


def when(value) -> str:
    if value is None:
        return ""
    return _format(value, with_time=True)
