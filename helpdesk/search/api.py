"""/api/v1/search: the same search and visibility as the page.

POST with a JSON body is the way to ask (the suggestions while a question is written use
it), so the words searched for stay out of URLs and access logs; GET with query parameters
still answers, and the access-log filter drops its query string. `"suggest": true` marks
the suggestions asked while a question is written; those go into the search log.
"""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.api import api
from helpdesk.api.helpers import field, json_body
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.search import services


def _parameters() -> dict:
    """The search's parameters from a JSON body (POST) or the query string (GET)."""
    if request.method == "POST":
        body = json_body()
        text = {name: field(body, name, required=False) for name in ("q", "type", "lang", "audience", "tag")}
        numbers = {name: field(body, name, int, required=False) for name in ("page", "per_page")}
        return {**text, **numbers, "suggest": bool(field(body, "suggest", bool, required=False))}
    args = request.args
    return {"q": args.get("q"), "type": args.get("type"), "lang": args.get("lang"),
            "audience": args.get("audience"), "tag": args.get("tag"),
            "page": args.get("page", type=int), "per_page": args.get("per_page", type=int),
            "suggest": args.get("suggest") in ("1", "true")}


@api.route("/search", methods=["GET", "POST"])
def search():
    p = _parameters()
    kind = p["type"] or ""
    if kind and kind not in services.KINDS:
        raise ValidationFailed(_l("Unknown type; use article, thread or ticket."), field="type")
    found = services.search(current_user, p["q"] or "", lang=p["lang"], kinds=(kind,) if kind else (),
                            audience=p["audience"], tag=p["tag"], page=p["page"] or 1,
                            per_page=p["per_page"] or 10,
                            # Only the suggestions while a question is written are logged: they
                            # are people looking for help, a script's searches are not.
                            log_query=p["suggest"], origin="suggestion")
    if p["suggest"]:
        db.session.commit()  # the search log
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
