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


def test_written_out_formats_match_the_babel_patterns_in_every_month(app):
    """`when` and `day` write the formats out for speed; Babel's patterns remain the spec:
    every month (Swedish abbreviations end in a dot, "maj" does not), both clock changes,
    midnight, and a time without a zone (stored as UTC)."""
    from datetime import timedelta

    from flask_babel import format_datetime

    from helpdesk.i18n import DATE_PATTERNS, DAY_PATTERNS, day, when

    moments = [datetime(2026, m, 1 + m, 22, 59, tzinfo=timezone.utc) for m in range(1, 13)]
    moments += [datetime(2026, 3, 29, 0, 59, tzinfo=timezone.utc) + timedelta(minutes=2 * i) for i in range(3)]
    moments += [datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc), datetime(2026, 12, 31, 23, 0),
                datetime(2027, 1, 5, 7, 4)]
    with app.test_request_context():
        for lang in ("sv", "en"):
            with force_locale(lang):
                for moment in moments:
                    assert when(moment) == format_datetime(moment, DATE_PATTERNS[lang]), (lang, moment)
                    assert day(moment) == format_datetime(moment, DAY_PATTERNS[lang]), (lang, moment)


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
