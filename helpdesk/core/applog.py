"""Application logs as structured lines with a request id.

Every request gets an id (from the reverse proxy's X-Request-Id when TRUSTED_PROXIES says the
proxy is believed, else a new one), answered in the X-Request-Id header and put on every log
record written while the request runs, so one request's lines can be found across workers.
With LOG_FORMAT=json each record is one JSON object per line. Messages pass through the same
masking as stored free text: a civic number that reaches a log message is masked there too.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from datetime import datetime, timezone

from flask import current_app, g, has_request_context, request

from helpdesk.text import masked

_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return g.get("request_id", "-") if has_request_context() else "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": masked(record.getMessage()),
        }
        if record.exc_info:
            line["exception"] = masked(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def _assign_id() -> None:
    offered = request.headers.get("X-Request-Id", "")
    trusted = current_app.config.get("TRUSTED_PROXIES") and _GOOD_ID.match(offered)
    g.request_id = offered if trusted else secrets.token_hex(8)


def _answer_id(response):
    response.headers["X-Request-Id"] = current_request_id()
    return response


def init_app(app) -> None:
    app.before_request(_assign_id)
    app.after_request(_answer_id)
    if app.config.get("LOG_FORMAT") == "json":
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        root = logging.getLogger()
        root.handlers = [h for h in root.handlers if not isinstance(h.formatter, JsonFormatter)] + [handler]
        root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
