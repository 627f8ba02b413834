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
from typing import Literal

from pydantic import Field

from helpdesk.api.spec import Schema, operation


class SearchQuery(Schema):
    q: str | None = Field(None, description="The words; very long text is cut, not refused.")
    type: Literal["article", "thread", "ticket", ""] | None = None
    lang: str | None = Field(None, max_length=10)
    audience: str | None = Field(None, max_length=40)
    tag: str | None = Field(None, max_length=100)
    page: int | None = Field(None, ge=1, le=10_000)
    per_page: int | None = Field(None, ge=1, le=100)
    suggest: bool | None = None


class Hit(Schema):
    type: str
    id: int | str
    title: str
    url: str
    snippet: str | None
    score: float | None


class SearchResults(Schema):
    query: str
    results: list[Hit]
    total: int
    total_is_exact: bool
    page: int
    suggestion: str | None
    state: str | None
    message: str | None = None



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
@operation("Search articles, threads and tickets the caller may see (POST keeps the words out of URLs)", tag="search", public=True, scope="read", query=SearchQuery, body=SearchQuery, responses={200: SearchResults})
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
                            log_query=p["suggest"], origin="suggestion",
                            # The question form shows no "did you mean"; not working it out
                            # keeps the suggestions up with a typist.
                            spell=not p["suggest"])
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
