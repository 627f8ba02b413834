"""The agent's ticket page as a workspace: the steps it joins into one.

"Send and set status" answers the requester and moves the question on in one transaction
(both or neither), and the help article is picked by searching titles instead of pasting
an address. The rules stay those of the single steps (`services.add_message`,
`services.set_status`, `services.link_article`): this module only joins them.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from helpdesk import hooks
from helpdesk.access import require
from helpdesk.errors import Conflict, ValidationFailed
from helpdesk.tickets import services
from helpdesk.tickets.models import Ticket, TicketMessage, TicketStatus

ARTICLE_QUERY_MAX = 200
ARTICLE_HITS = 8


def reply_and_set_status(ticket: Ticket, actor, body, status, *, resolution_summary=None,
                         attachments=()) -> TicketMessage:
    """A public reply and, when `status` is given, the new status, in the caller's
    transaction. The status is checked before anything is written, so a refused status
    leaves no reply behind (and no file on disk). Resolving with a reply takes the reply as
    the resolution summary when none is written: it is what answered the question."""
    wanted = None
    if status:
        require(actor, "tickets.set_status", ticket)
        try:
            wanted = TicketStatus(status)
        except ValueError:
            raise ValidationFailed(_l("Choose a status."), field="status") from None
        if wanted is not ticket.status and wanted not in services.status_choices(ticket, actor):
            raise ValidationFailed(_l("The question cannot be moved to that status now."), field="status")
    message = services.add_message(ticket, actor, body, internal=False, attachments=attachments)
    # The reply itself may have moved the status (a new question is opened by its first answer).
    if wanted is not None and wanted is not ticket.status:
        services.set_status(ticket, actor, wanted.value,
                            resolution_summary=(resolution_summary or "").strip() or body)
    return message


def find_articles(ticket: Ticket, actor, query, lang: str | None = None) -> list[dict]:
    """Help articles whose title or text matches `query`, for linking to the question:
    [{"title", "url", "slug", ...}], only articles the agent may read (the search service
    scopes them). Logged like a search, so the caller commits."""
    require(actor, "tickets.link_article", ticket)
    text = (query or "").strip()
    if not text:
        raise ValidationFailed(_l("Write a few words of the article's title."), field="article_query")
    if len(text) > ARTICLE_QUERY_MAX:
        raise ValidationFailed(_l("Write at most %(n)d characters.", n=ARTICLE_QUERY_MAX), field="article_query")
    search = hooks.get("suggest_articles")
    if search is None or not hooks.available("find_article"):
        raise Conflict(_l("The knowledge base is not installed, so no article can be linked."))
    return search(actor, text, ARTICLE_HITS, lang) or []
