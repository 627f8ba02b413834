"""The one date format per language, through the app-wide `when` and `day` filters."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

from flask import render_template_string
from flask_babel import force_locale

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_when_filter_has_one_format_per_language_in_stockholm_time(app):
    moment = datetime(2026, 12, 2, 13, 5, tzinfo=timezone.utc)
    with app.test_request_context():
        with force_locale("sv"):
            assert render_template_string("{{ m|when }}", m=moment) == "2 dec. 2026 14:05"
        with force_locale("en"):
            assert render_template_string("{{ m|when }}", m=moment) == "2 Dec 2026, 14:05"
        assert render_template_string("{{ none|when }}") == ""


def test_day_filter_shows_dates_in_the_same_format_per_language(app):
    late_evening = datetime(2026, 12, 2, 23, 30, tzinfo=timezone.utc)  # already 3 Dec in Stockholm
    with app.test_request_context():
        with force_locale("sv"):
            assert render_template_string("{{ d|day }}", d=date(2026, 12, 2)) == "2 dec. 2026"
            assert render_template_string("{{ m|day }}", m=late_evening) == "3 dec. 2026"
        with force_locale("en"):
            assert render_template_string("{{ d|day }}", d=date(2026, 12, 2)) == "2 Dec 2026"
        assert render_template_string("{{ none|day }}") == ""


def test_no_template_formats_a_date_by_hand():
    # Dates shown to people go through `when` or `day`; strftime/isoformat in a template gave
    # English readers "2026-12-02" beside "2 Dec 2026". A machine-readable datetime="..."
    # attribute (isoformat() closing the attribute) is no display and stays.
    by_hand = re.compile(r"\.strftime\(|\.isoformat\(\)(?![^<]*\">)")
    offenders = [f"{path.relative_to(TEMPLATES)}:{n}"
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if by_hand.search(line)]
    assert offenders == []
