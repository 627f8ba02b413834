"""The agent's queue pages: tabs, quick views, filters and counts (views_of_queue.py), and
bulk actions on a selection of questions."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from helpdesk.access import require
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.labels import label
from helpdesk.models_base import as_id, utcnow
from helpdesk.tickets import queue_cache
from helpdesk.tickets import queue_keyset as keyset
from helpdesk.tickets import views_of_queue as vq
from helpdesk.tickets.models import ACTIVE_STATUSES, TicketCategory, TicketStatus
from helpdesk.tickets.services import AGENT_STATUSES
from helpdesk.tickets.views import bp

# The queue's own arguments: what a link back to the same view carries.
_ARGS = ("tier", "status", "school", "assigned", "category", "overdue", "per_page", "after", "before")


def _number(args, name: str, default: int, upper: int) -> int:
    value = args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) <= upper else default


def _filter(args) -> vq.QueueFilter:
    return vq.QueueFilter(
        status=args.get("status") or "active", school_id=as_id(args.get("school", "")),
        assigned=args.get("assigned") if args.get("assigned") in ("me", "none") else "any",
        category=args.get("category") or None, overdue=args.get("overdue") == "1")


def _row_texts() -> dict[str, str]:
    """What every row repeats, translated once per page (formatted per row with `format`)."""
    return {"choose": _("Choose %(number)s"), "overdue_by": _("Overdue by %(t)s")}


def _render_queue(args, *, errors=None, values=None, status=200):
    require(current_user, "tickets.view_queue")
    tab, tabs = vq.pick_tab(current_user, args.get("tier"))  # a tab one does not have: 404, never a kept page
    if errors is None and values is None:
        return queue_cache.page(current_user, lambda now: _queue_html(args, tab, tabs, now)), status
    return _queue_html(args, tab, tabs, utcnow(), errors=errors, values=values), status


def _queue_html(args, tab, tabs, now, *, errors=None, values=None) -> str:
    flt = _filter(args)
    per_page = _number(args, "per_page", 25, 200)
    # A page starts after (or ends before) the key of a row of the page beside it.
    after, before = (keyset.parse(args.get(name)) if args.get(name) else None for name in ("after", "before"))
    if (args.get("after") and after is None) or (args.get("before") and before is None):
        flash(_("That page of the queue could not be found: here is the first page."), "error")
    found = vq.queue_page(current_user, tab, tabs, flt, after=after, before=before, per_page=per_page, now=now)
    if before is not None and not found.rows:  # nothing before it any more: the first page
        found = vq.queue_page(current_user, tab, tabs, flt, per_page=per_page, now=now)
    kept = {k: v for k, v in args.items() if k in _ARGS}
    return render_template(
        "tickets/queue.html", tab=tab, tabs=tabs, flt=flt, rows=found.rows, counts=found.counts,
        has_more=found.has_more, has_previous=found.has_previous, cursor=keyset.key_of, now=now,
        words=vq.status_words(tab), where=vq.where_word,
        args={k: v for k, v in kept.items() if k not in ("after", "before")}, kept=kept,
        schools=queue_cache.by_directory(current_user, f"schools:{tab.key}", lambda: vq.filter_schools(current_user, tab)),
        colleagues=queue_cache.by_directory(current_user, f"colleagues:{tab.key}",
                                            lambda: vq.colleagues(current_user, tab)),
        statuses=list(TicketStatus), active_statuses=ACTIVE_STATUSES, categories=list(TicketCategory),
        bulk_statuses=AGENT_STATUSES, errors=errors or {}, values=values, texts=_row_texts(),
        category_words={c: label(c) for c in TicketCategory},
        chosen=set(values.getlist("ticket")) if values is not None else set())


@bp.get("/tickets/queue")
@login_required
def queue():
    return _render_queue(request.args)


@bp.post("/tickets/queue/bulk")
@login_required
def queue_bulk():
    """The selection's action, ticket by ticket; back to the same view with a report that
    names every ticket done or refused (and why)."""
    require(current_user, "tickets.view_queue")
    form = request.form
    try:
        result = vq.bulk(current_user, form.getlist("ticket"), form.get("action"),
                         assignee=form.get("assignee"), status=form.get("status"), note=form.get("note"))
    except (ValidationFailed, NotFound) as exc:
        db.session.rollback()
        return _render_queue(request.args, errors={exc.field or "ticket": str(exc.message)}, values=form,
                             status=exc.status_code)
    if result.done:
        flash(ngettext("Done for %(num)d question: %(numbers)s.", "Done for %(num)d questions: %(numbers)s.",
                       len(result.done), numbers=", ".join(result.done)), "success")
    for reason, numbers in result.refused.items():
        flash(_("Not done for %(numbers)s: %(reason)s", numbers=", ".join(numbers), reason=reason), "error")
    if result.missing:
        flash(ngettext("%(num)d chosen question could not be found.",
                       "%(num)d chosen questions could not be found.", result.missing), "error")
    kept = {k: v for k, v in request.args.items() if k in _ARGS}
    return redirect(url_for("tickets.queue", **kept))

