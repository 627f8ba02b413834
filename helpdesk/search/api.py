"""GET /api/v1/search: the same search and visibility as the page."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from helpdesk.api import api
from helpdesk.errors import ValidationFailed
from helpdesk.search import services


@api.get("/search")
def search():
    args = request.args
    kind = args.get("type") or ""
    if kind and kind not in services.KINDS:
        from flask_babel import lazy_gettext as _l

        raise ValidationFailed(_l("Unknown type; use article, thread or ticket."), field="type")
    try:
        page = int(args.get("page", 1))
    except ValueError:
        page = 1
    found = services.search(current_user, args.get("q", ""), lang=args.get("lang"),
                            kinds=(kind,) if kind else (), audience=args.get("audience"),
                            tag=args.get("tag"), page=page, per_page=args.get("per_page", 10, type=int))
    body = {
        "query": found.text,
        "results": [{"type": h.kind, "id": h.object_id, "title": h.title, "url": h.url,
                     "snippet": h.snippet, "score": h.score} for h in found.results.hits],
        "total": found.results.total,
        "total_is_exact": found.results.exact,
        "page": found.page,
        "suggestion": found.results.suggestion,
        "state": found.results.state,
    }
    if found.message:
        body["message"] = found.message
    return body
