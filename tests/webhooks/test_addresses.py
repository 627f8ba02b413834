"""Which addresses a hook may call: public https only; plain http to loopback only with the
setting on; nothing internal."""
from __future__ import annotations

import pytest

from helpdesk.errors import ValidationFailed
from helpdesk.webhooks.addresses import check_url


@pytest.fixture
def app_config():
    return {}  # the production default: no plain http, not even to loopback


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


@pytest.mark.parametrize("url", ["https://93.184.216.34/hook", "https://[2606:2800:220:1::]/x"])
def test_public_https_is_taken(ctx, url):
    assert check_url(f"  {url} ") == url


@pytest.mark.parametrize("url, message", [
    ("http://93.184.216.34/hook", "https://"),
    ("https://10.1.2.3/hook", "internt nätverk"),
    ("https://192.168.1.10/hook", "internt nätverk"),
    ("https://172.16.0.1/hook", "internt nätverk"),
    ("https://169.254.169.254/latest", "internt nätverk"),
    ("https://127.0.0.1/hook", "internt nätverk"),
    ("https://[::1]/hook", "internt nätverk"),
    ("https://[::ffff:10.0.0.1]/hook", "internt nätverk"),
    ("ftp://example.com/x", "https://"),
    ("not a url", "https://"),
    ("https://user:pw@93.184.216.34/", "https://"),
    ("https://93.184.216.34:notaport/", "https://"),
    ("", "adressen"),
    ("https://" + "a" * 600, "för lång"),
])
def test_refused_addresses_say_why(ctx, url, message):
    with pytest.raises(ValidationFailed) as exc:
        check_url(url)
    assert exc.value.field == "url" and message in str(exc.value.message)


def test_http_loopback_only_with_the_setting(ctx):
    with pytest.raises(ValidationFailed):
        check_url("http://127.0.0.1:5901/hook")
    ctx.config["WEBHOOKS_ALLOW_HTTP_LOOPBACK"] = True
    assert check_url("http://127.0.0.1:5901/hook") == "http://127.0.0.1:5901/hook"
    with pytest.raises(ValidationFailed):  # the setting opens loopback, not private ranges
        check_url("http://10.0.0.1/hook")
