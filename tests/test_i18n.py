"""The one date format per language, through the app-wide `when` filter."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import render_template_string
from flask_babel import force_locale


def test_when_filter_has_one_format_per_language_in_stockholm_time(app):
    moment = datetime(2026, 12, 2, 13, 5, tzinfo=timezone.utc)
    with app.test_request_context():
        with force_locale("sv"):
            assert render_template_string("{{ m|when }}", m=moment) == "2 dec. 2026 14:05"
        with force_locale("en"):
            assert render_template_string("{{ m|when }}", m=moment) == "2 Dec 2026, 14:05"
        assert render_template_string("{{ none|when }}") == ""
