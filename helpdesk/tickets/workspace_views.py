"""The ticket workspace's own page: searching the help articles by title to link one to the
question (the other actions post to the ticket page's routes in views.py)."""
from __future__ import annotations

from flask import request
from flask_babel import get_locale
from flask_login import current_user, login_required

from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.tickets import workspace
from helpdesk.tickets.views import _load, _render_ticket, bp


@bp.post("/tickets/<int:ticket_id>/article-search")
@login_required
def article_search(ticket_id: int):
    """The ticket page again, with the articles that match the words as choices to link.
    A POST (not a GET) so the words never sit in a URL or a server log."""
    ticket = _load(ticket_id)
    query = request.form.get("q", "")
    try:
        hits = workspace.find_articles(ticket, current_user, query, str(get_locale() or "sv"))
    except ValidationFailed as exc:
        db.session.rollback()
        return _render_ticket(ticket, errors={"article": {exc.field or "article_query": str(exc.message)}},
                              article_query=query[:200], status=400)
    db.session.commit()  # the search is logged like any search
    return _render_ticket(ticket, article_hits=hits, article_query=query)
