"""Structured log lines with a request id; no civic number in them."""
from __future__ import annotations

import json
import logging

import pytest

from helpdesk.core.applog import JsonFormatter, RequestIdFilter


@pytest.fixture
def app_config():
    return {"LOG_FORMAT": "json"}


@pytest.fixture(autouse=True)
def _root_logging_restored():
    """LOG_FORMAT=json puts a handler on the root logger; later tests in this process must not
    inherit it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers, root.level = handlers, level


def test_each_request_gets_an_id_that_its_log_lines_carry(demo_app):
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    keep = Keep()
    keep.setFormatter(JsonFormatter())
    keep.addFilter(RequestIdFilter())
    demo_app.add_url_rule("/_log", "log_probe", lambda: (logging.getLogger("helpdesk.probe")
                                                         .warning("saknar elev 20140101-9995"), "ok")[1])
    logging.getLogger("helpdesk.probe").addHandler(keep)
    try:
        response = demo_app.test_client().get("/_log", headers={"X-Request-Id": "from-a-client"})
    finally:
        logging.getLogger("helpdesk.probe").removeHandler(keep)
    request_id = response.headers["X-Request-Id"]
    assert request_id != "from-a-client"  # no proxy is trusted: a client cannot choose it
    record = json.loads(lines[0])
    assert record["request_id"] == request_id and record["level"] == "WARNING"
    assert "9995" not in record["message"] and "20140101" in record["message"]


def test_a_trusted_proxy_passes_its_request_id_on(tmp_path):
    from helpdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'l.sqlite'}", "TESTING": True,
                      "TRUSTED_PROXIES": 1}, instance_path=str(tmp_path))
    client = app.test_client()
    assert client.get("/livez", headers={"X-Request-Id": "nginx-4f2a"}).headers["X-Request-Id"] == "nginx-4f2a"
    odd = client.get("/livez", headers={"X-Request-Id": "bad id; <script>"}).headers["X-Request-Id"]
    assert odd != "bad id; <script>" and len(odd) == 16
