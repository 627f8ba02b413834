"""Access logs that keep no search words, no tokens and no civic numbers.

A request line in an access log outlives the request by months and is read by whoever runs
the server. A search for a child's personnummer, or a magic link's token (reset, e-mail
verification, a guest's follow link), must never land there. The page forms search by POST;
this filter covers the rest (an old bookmark, the API's GET, a Referer header, a token in a
path): it rewrites the werkzeug development server's request line and gunicorn's access-log
atoms before they are formatted.

- werkzeug: `install(app)` in the factory puts the filter on the "werkzeug" logger.
- gunicorn: `gunicorn.conf.py` at the repository root puts it on "gunicorn.access".
"""
from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode

from helpdesk.text import masked

REDACTED = "[redacted]"

# Paths whose whole query string is what someone searched for.
_SEARCH_PATH = re.compile(r"/search/?$")
# Query parameters whose value is a secret or what a person typed.
_SECRET_PARAMS = re.compile(r"token|code|key|secret|password|^q$|query|email", re.IGNORECASE)
# A path segment that looks like a generated token (secrets.token_urlsafe(32) makes 43
# characters); route patterns below catch the known token routes, this one any other.
_TOKEN_SEGMENT = re.compile(r"(?<=/)(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}(?=[/?\s\"]|$)")
# A URL path with an optional query string, as it appears inside a request line or header.
_URL = re.compile(r"(?P<path>/[^\s?\"]*)(?:\?(?P<query>[^\s\"]*))?")

_token_routes: list[re.Pattern] = []


def _route_pattern(rule: str) -> re.Pattern:
    """A URL rule such as /help/follow/<token> as a regex whose token group can be cut out."""
    parts = re.split(r"(<[^>]+>)", rule)
    out = []
    for part in parts:
        if part.startswith("<"):
            name = part[1:-1].split(":")[-1]
            out.append("(?P<token>[^/?\\s\"]+)" if name == "token" else "[^/?\\s\"]+")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + "(?=[/?\\s\"]|$)")


def learn_token_routes(app) -> None:
    """Every route with a <token> in its path, so its token is cut from logged paths."""
    for rule in app.url_map.iter_rules():
        if "token" in rule.arguments:
            pattern = _route_pattern(rule.rule)
            if pattern.pattern not in {p.pattern for p in _token_routes}:
                _token_routes.append(pattern)


def redact_query(path: str, query: str) -> str:
    """The query string as it may be logged: none at all for a search, secrets cut."""
    if not query:
        return query
    if _SEARCH_PATH.search(path):
        return REDACTED
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, REDACTED if _SECRET_PARAMS.search(k) else v) for k, v in pairs], safe="[]")


def _redact_path(path: str) -> str:
    for pattern in _token_routes:
        match = pattern.search(path)
        if match and match.groupdict().get("token"):
            path = path[: match.start("token")] + REDACTED + path[match.end("token"):]
    return _TOKEN_SEGMENT.sub(REDACTED, path)


def redact(text: str) -> str:
    """A request line, path or URL with search words, tokens and civic numbers taken out."""
    def one(match: re.Match) -> str:
        path = _redact_path(match["path"])
        query = match["query"]
        return path if query is None else f"{path}?{redact_query(match['path'], query)}"

    return masked(_URL.sub(one, text))


class AccessLogFilter(logging.Filter):
    """Rewrites an access-log record's arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict):  # gunicorn's atoms: r request line, U path, q query, f referer
            path = args.get("U") or ""
            record.args = {k: (redact_query(path, v) if k == "q" else redact(v)) if isinstance(v, str) else v
                           for k, v in args.items()}
        elif isinstance(args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


_FILTER = AccessLogFilter()


def install_on(logger_name: str) -> None:
    logger = logging.getLogger(logger_name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def install(app) -> None:
    learn_token_routes(app)
    install_on("werkzeug")
