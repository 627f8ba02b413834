"""The access log keeps no search words, tokens or civic numbers: the werkzeug development
server's log read from a real server, and gunicorn's access-log record."""
from __future__ import annotations

import io
import logging
import urllib.request
from urllib.parse import quote

import pytest

from helpdesk.core.accesslog import AccessLogFilter, redact
from tests.support.serve import serving

TOKEN = "Zq3" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9"  # the shape of secrets.token_urlsafe(32)


@pytest.fixture
def served_log(app):
    """The app on werkzeug's development server; yields (base URL, the log written so far)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("werkzeug")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with serving(app, threaded=False) as url:
            yield url, stream.getvalue
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def _get(url: str) -> None:
    try:
        urllib.request.urlopen(url, timeout=10).read()
    except urllib.error.HTTPError:
        pass  # a 404 or 410 is logged all the same


def test_development_server_log_has_no_search_words_tokens_or_numbers(served_log):
    base, log = served_log
    _get(f"{base}/search/?q={quote('elev-20140101-9995 Emma')}&lang=sv")
    _get(f"{base}/api/v1/search?q=Lindgren&type=article")
    _get(f"{base}/help/follow/{TOKEN}")
    _get(f"{base}/help/verify/{TOKEN}")
    _get(f"{base}/reset/{TOKEN}")
    _get(f"{base}/kb/?token=abc123&lang=sv")
    text = log()
    assert text.count("\n") >= 6, text
    for secret in ("9995", "Emma", "Lindgren", TOKEN, "abc123"):
        assert secret not in text, secret
    # What a person running the server needs is still there: the path, the method, the status.
    assert '"GET /search/?[redacted] HTTP/1.1" 200' in text
    assert "/help/follow/[redacted]" in text and "/reset/[redacted]" in text
    assert "/kb/?token=[redacted]&lang=sv" in text


def test_gunicorn_access_record_is_redacted():
    # gunicorn logs its access line with a dict of atoms; the filter rewrites them.
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1,
                               '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s?%(q)s', None, None)
    record.args = {"h": "10.0.0.1", "r": "GET /search/?q=140101-9995 HTTP/1.1", "s": "200",
                   "f": f"https://portal.example/help/follow/{TOKEN}", "U": "/search/", "q": "q=140101-9995"}
    AccessLogFilter().filter(record)
    line = record.getMessage()
    assert "9995" not in line and TOKEN not in line
    assert line.startswith('10.0.0.1 "GET /search/?[redacted] HTTP/1.1" 200')


@pytest.mark.parametrize("raw, expected", [
    ("GET /tickets/12?page=2 HTTP/1.1", "GET /tickets/12?page=2 HTTP/1.1"),
    ("GET /tickets/queue?tier=local&school=3 HTTP/1.1", "GET /tickets/queue?tier=local&school=3 HTTP/1.1"),
    ("GET /kb/a/losenord-glomt HTTP/1.1", "GET /kb/a/losenord-glomt HTTP/1.1"),
    ("POST /admin/people/ID-140101–9995 HTTP/1.1", "POST /admin/people/ID-140101–XXXX HTTP/1.1"),
])
def test_ordinary_paths_stay_readable(raw, expected):
    assert redact(raw) == expected
