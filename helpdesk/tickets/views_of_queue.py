"""The agent's queue: tabs that follow a question up the tiers, quick views with counts, one
page of rows, a status in words from the viewer's side, and bulk actions that run the ticket
services one ticket at a time.

A tab is either a queue the viewer works (local, central, vendor) or one they follow
read-only: a local admin's "escalated from my school" and central's "with the vendor". Which
tabs a person has is a permission rule (`tickets.view_queue`, `tickets.follow_queue`); what
they may do with each ticket stays with the ticket rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from helpdesk.access import can, scope_of
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.directory.models import School
from helpdesk.errors import HelpdeskError, NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.kept import Kept
from helpdesk.labels import label
from helpdesk.models_base import as_id, utcnow
from helpdesk.tickets import queue_cache
from helpdesk.tickets import queue_keyset as keyset
from helpdesk.tickets import services
from helpdesk.tickets.models import ACTIVE_STATUSES, Ticket, TicketCategory, TicketCount, TicketStatus, Tier

_TAB_TIER = {"local": Tier.LOCAL, "central": Tier.CENTRAL, "vendor": Tier.VENDOR}


@dataclass(frozen=True)
class Tab:
    key: str  # local | escalated | central | vendor: the queue URL's `tier`
    works: bool  # the viewer works this queue (may act); else they follow it read-only

    @property
    def tier(self) -> Tier | None:
        return _TAB_TIER.get(self.key)

    @property
    def title(self) -> str:
        if self.key == "escalated":
            return str(_l("Escalated from my school"))
        if self.key == "vendor" and not self.works:
            return str(_l("With the vendor"))
        return label(self.tier)


def tabs_for(actor) -> list[Tab]:
    """The viewer's tabs, in the order a question travels."""
    tabs = []
    if can(actor, "tickets.view_queue", Tier.LOCAL):
        tabs.append(Tab("local", True))
    if can(actor, "tickets.follow_queue", "escalated"):
        tabs.append(Tab("escalated", False))
    if can(actor, "tickets.view_queue", Tier.CENTRAL):
        tabs.append(Tab("central", True))
    if can(actor, "tickets.view_queue", Tier.VENDOR):
        tabs.append(Tab("vendor", True))
    elif can(actor, "tickets.follow_queue", "vendor"):
        tabs.append(Tab("vendor", False))
    return tabs


def pick_tab(actor, key: str | None) -> tuple[Tab, list[Tab]]:
    """The tab asked for (an unknown word: the viewer's own queue); a tab the viewer does not
    have answers like one that does not exist."""
    tabs = tabs_for(actor)
    if not tabs:
        raise NotFound(_l("That queue could not be found."))
    if key not in ("local", "escalated", "central", "vendor"):
        scope = scope_of(actor)
        key = "vendor" if scope.vendor_id else ("central" if scope.central_org_ids else tabs[0].key)
    tab = next((t for t in tabs if t.key == key), None)
    if tab is None:
        raise NotFound(_l("That queue could not be found."))
    return tab, tabs


def _conditions(actor, tab: Tab, model=Ticket) -> list:
    """The tickets a tab holds, scoped exactly as the ticket rules scope the viewer (on the
    tickets, or on their counters: both have the same key columns)."""
    scope = scope_of(actor)
    schools = scope.local_school_ids or {-1}
    orgs = scope.central_org_ids or {-1}
    if tab.key == "local":
        return [model.tier == Tier.LOCAL, or_(model.school_id.in_(schools), model.organisation_id.in_(orgs))]
    if tab.key == "escalated":
        return [model.tier.in_((Tier.CENTRAL, Tier.VENDOR)), model.school_id.in_(schools)]
    if tab.key == "central":
        return [model.tier == Tier.CENTRAL, model.organisation_id.in_(orgs)]
    if tab.works:
        return [model.tier == Tier.VENDOR, model.vendor_id == scope.vendor_id]
    return [model.tier == Tier.VENDOR, model.organisation_id.in_(orgs)]


def _slices(actor, tab: Tab) -> list[list]:
    """The same tickets as `_conditions`, as ranges of the queue indexes (one place, one tier
    each; they may overlap, the page takes each row once)."""
    scope = scope_of(actor)
    schools, orgs = sorted(scope.local_school_ids or ()), sorted(scope.central_org_ids or ())
    if tab.key == "local":
        return ([[Ticket.organisation_id == o, Ticket.tier == Tier.LOCAL] for o in orgs]
                + [[Ticket.school_id == s, Ticket.tier == Tier.LOCAL] for s in schools])
    if tab.key == "escalated":
        return [[Ticket.school_id == s, Ticket.tier == t] for s in schools for t in (Tier.CENTRAL, Tier.VENDOR)]
    if tab.key == "central":
        return [[Ticket.organisation_id == o, Ticket.tier == Tier.CENTRAL] for o in orgs]
    if tab.works:
        return [[Ticket.vendor_id == scope.vendor_id, Ticket.tier == Tier.VENDOR]]
    return [[Ticket.organisation_id == o, Ticket.tier == Tier.VENDOR] for o in orgs]


# ---------------------------------------------------------------- words from the viewer's side

_WHERE = {Tier.CENTRAL: _l("With the central team"), Tier.VENDOR: _l("With the vendor")}


def status_word(status: TicketStatus, tab: Tab) -> str:
    """A status as the viewer of this tab reads it. "Waiting for the tier above" is the lower
    tier's word: in the queue of the tier above it is a question that just arrived."""
    if status is TicketStatus.WAITING_FOR_TIER_ABOVE:
        if not tab.works:
            return str(_l("Passed on, not taken up yet"))
        if tab.key == "central":
            return str(_l("New from the school"))
        if tab.key == "vendor":
            return str(_l("New from the central team"))
    return label(status)


def status_words(tab: Tab) -> dict[TicketStatus, str]:
    return {s: status_word(s, tab) for s in TicketStatus}


def where_word(tier: Tier) -> str:
    """Who has a question the viewer follows."""
    return str(_WHERE.get(tier, label(tier)))


# ---------------------------------------------------------------- the page and its counts

@dataclass
class QueueFilter:
    status: str = "active"  # active | all | a status value
    school_id: int | None = None
    assigned: str = "any"  # any | me | none
    category: str | None = None
    overdue: bool = False

    @property
    def view(self) -> str | None:
        """Which quick view this filter is, if it is one."""
        if self.school_id or self.category or self.status != "active":
            return None
        if self.overdue:
            return "overdue" if self.assigned == "any" else None
        return {"any": "all", "me": "mine", "none": "unassigned"}[self.assigned]


# "Passed deadline" is counted from the queue index up to this many and then shown as
# "999+": a deadline passes with time, not with a change, so no counter can keep it, and
# counting every passed deadline read 80,000 index rows (43 ms) for one municipality's
# central queue at a million tickets.
OVERDUE_CAP = 999


@dataclass
class QueueCounts:
    by_status: dict[TicketStatus, int]
    tabs: dict[str, int]  # questions in progress per tab
    mine: int
    unassigned: int
    overdue: int  # at most OVERDUE_CAP + 1, which means "more than OVERDUE_CAP"

    @property
    def overdue_text(self) -> str:
        return overdue_text(self.overdue)

    @property
    def active(self) -> int:
        return sum(self.by_status[s] for s in ACTIVE_STATUSES)


def overdue_text(n: int) -> str:
    """A passed-deadline count as shown: "999+" past the cap."""
    return f"{OVERDUE_CAP}+" if n > OVERDUE_CAP else str(n)


def overdue_count(*conds):
    """The passed-deadline count of `conds` (a query), reading at most OVERDUE_CAP + 1 rows."""
    return (select(func.count()).select_from(select(Ticket.id).where(*conds).limit(OVERDUE_CAP + 1).subquery())
            .scalar_subquery())


@dataclass
class QueuePage:
    rows: list
    has_more: bool  # a next page
    counts: QueueCounts
    has_previous: bool = False


def _sum(*conds):
    return (select(func.coalesce(func.sum(TicketCount.n), 0)).select_from(TicketCount).where(*conds)
            .scalar_subquery())


_COUNT_STATEMENTS = Kept(queue_cache.KEPT_STATEMENTS)  # (scope, tab, tabs) -> the two statements


def _count_statements(actor, tab: Tab, tabs: list[Tab]):
    """The page's two count statements for the viewer's scope and tab, built once
    (queue_cache.built_once); the viewer ("me") and the time ("now") are parameters."""
    def build():
        conds = _conditions(actor, tab, TicketCount)
        by_status = select(TicketCount.status, func.sum(TicketCount.n)).where(*conds).group_by(TicketCount.status)
        active = TicketCount.status.in_(ACTIVE_STATUSES)
        here = [active, *conds]
        rest = select(
            *[_sum(active, *_conditions(actor, t, TicketCount)) for t in tabs],
            _sum(*here, TicketCount.assignee_id == bindparam("me")),
            _sum(*here, TicketCount.assignee_id == 0),
            overdue_count(Ticket.status.in_(ACTIVE_STATUSES), *_conditions(actor, tab),
                          Ticket.sla_due_at < bindparam("now")))
        return by_status, rest
    return queue_cache.built_once(_COUNT_STATEMENTS, (queue_cache.scope_key(scope_of(actor)), tab, tuple(tabs)), build)


def counts(actor, tab: Tab, tabs: list[Tab], now: datetime) -> QueueCounts:
    """Every count of the page in two queries whatever the number of tickets: per status,
    per tab, "mine" and "unassigned" from the maintained counters (counters.py), and "passed
    deadline" from the queue index (a range on the deadline of the questions in progress,
    read up to OVERDUE_CAP + 1 rows)."""
    by_status_stmt, rest = _count_statements(actor, tab, tabs)
    by_status = dict(db.session.execute(by_status_stmt).all())
    row = db.session.execute(rest, {"me": actor.id, "now": now}).one()
    n = len(tabs)
    return QueueCounts(by_status={s: int(by_status.get(s) or 0) for s in TicketStatus},
                       tabs={t.key: int(row[i]) for i, t in enumerate(tabs)},
                       mine=int(row[n]), unassigned=int(row[n + 1]), overdue=int(row[n + 2]))


# What a row shows (and its school's name). A kept page (queue_cache.py) is rendered again when
# one of these changes on a ticket of the organisation, or a column the counts or filters read
# (queue_versions.SHOWN): a column shown here must be read here, or a kept page would miss it.
ROW_COLUMNS = (Ticket.id, Ticket.number, Ticket.subject, Ticket.status, Ticket.tier, Ticket.category,
               Ticket.sla_due_at, Ticket.sla_due_kind, Ticket.assignee_name)


def _statuses(flt: QueueFilter) -> list[TicketStatus]:
    if flt.status == "active" or (flt.overdue and flt.status == "all"):
        return list(ACTIVE_STATUSES)
    if flt.status in {s.value for s in TicketStatus}:
        return [TicketStatus(flt.status)]
    return list(TicketStatus)


def queue_page(actor, tab: Tab, tabs: list[Tab], flt: QueueFilter, *, after: keyset.Key | None = None,
               before: keyset.Key | None = None, per_page: int = 25, now: datetime | None = None) -> QueuePage:
    """One page of a tab (passed deadlines and the nearest deadline first) after or before a
    row's key (keyset.py), with its counts: three queries whatever the page size, the page's
    place in the list or the number of tickets."""
    now = now or utcnow()
    found = counts(actor, tab, tabs, now)
    extra = []
    if flt.school_id:
        extra.append(Ticket.school_id == flt.school_id)
    if flt.assigned == "me":
        extra.append(Ticket.assignee_id == actor.id)
    elif flt.assigned == "none":
        extra.append(Ticket.assignee_id.is_(None))
    if flt.category and flt.category in {c.value for c in TicketCategory}:
        extra.append(Ticket.category == TicketCategory(flt.category))
    if flt.overdue:
        extra.append(Ticket.sla_due_at < now)
    backwards = before is not None
    ids = keyset.page_ids(_slices(actor, tab), _statuses(flt), extra, key=before or after, backwards=backwards,
                          limit=per_page + 1)
    if ids is None:
        return QueuePage(rows=[], has_more=False, counts=found)
    order = (Ticket.sla_due_at.is_(None), Ticket.sla_due_at, Ticket.id)
    stmt = (select(*ROW_COLUMNS, School.name.label("school_name"))
            .join(ids, ids.c.id == Ticket.id)
            .join(School, School.id == Ticket.school_id)
            .order_by(*order))
    rows = db.session.execute(stmt).all()
    more = len(rows) > per_page
    if backwards:
        return QueuePage(rows=rows[-per_page:], has_more=True, counts=found, has_previous=more)
    return QueuePage(rows=rows[:per_page], has_more=more, counts=found, has_previous=after is not None)


def filter_schools(actor, tab: Tab) -> list[tuple[int, str]]:
    """The schools the school filter offers: those in the tab's reach."""
    if tab.key == "vendor":
        return []
    scope = scope_of(actor)
    stmt = select(School.id, School.name).order_by(School.name)
    if scope.central_org_ids and tab.key != "escalated":
        stmt = stmt.where(School.organisation_id.in_(scope.central_org_ids) | School.id.in_(scope.local_school_ids))
    else:
        stmt = stmt.where(School.id.in_(scope.local_school_ids or {-1}))
    return [tuple(r) for r in db.session.execute(stmt)]


def colleagues(actor, tab: Tab) -> list[tuple[int, str]]:
    """Whom the viewer may hand this queue's questions to: the other agents of its tier in
    the viewer's reach (the assign service checks each ticket again)."""
    if not tab.works:
        return []
    scope = scope_of(actor)
    in_role = select(RoleAssignment.user_id)
    if tab.key == "local":
        if not scope.local_school_ids:
            return []
        in_role = in_role.where(RoleAssignment.role == Role.LOCAL_ADMIN,
                                RoleAssignment.school_id.in_(scope.local_school_ids))
    elif tab.key == "central":
        in_role = in_role.where(RoleAssignment.role == Role.CENTRAL_ADMIN,
                                RoleAssignment.organisation_id.in_(scope.central_org_ids or {-1}))
    else:
        in_role = in_role.where(RoleAssignment.role == Role.VENDOR_AGENT)
    stmt = (select(User).options(joinedload(User.person))
            .where(User.enabled, User.id != actor.id, User.id.in_(in_role)).order_by(User.email))
    if tab.key == "vendor":
        stmt = stmt.where(User.vendor_id == scope.vendor_id)
    return [(u.id, u.display_name) for u in db.session.scalars(stmt).unique()]


# ---------------------------------------------------------------- bulk actions

BULK_ACTIONS = ("assign", "status", "escalate")
BULK_MAX = 50


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)  # ticket numbers
    refused: dict[str, list[str]] = field(default_factory=dict)  # reason -> ticket numbers
    missing: int = 0  # chosen questions that do not exist or are out of the viewer's reach


def _bulk_step(actor, action: str, *, assignee: int | None, status: TicketStatus | None, note: str | None):
    if action == "assign":
        return lambda t: services.assign(t, actor, assignee)
    if action == "status":
        summary = note if status is TicketStatus.RESOLVED else None
        return lambda t: services.set_status(t, actor, status.value, note=note, resolution_summary=summary)
    return lambda t: services.escalate(t, actor, note)


def bulk(actor, ticket_ids: list, action, *, assignee=None, status=None, note=None) -> BulkResult:
    """Assign, set a status or escalate each chosen ticket through the ticket services, so
    every rule applies per ticket. The input is checked first (nothing changes on bad input);
    then each ticket is its own transaction, committed here and not by the view, so a refusal
    for one leaves the others done. Out-of-reach tickets count as missing, never named."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed(_l("Choose what to do with the chosen questions."), field="action")
    raw = [v for v in ticket_ids if isinstance(v, str) and v.strip()]
    if not raw:
        raise ValidationFailed(_l("Choose at least one question in the list."), field="ticket")
    if len(raw) > BULK_MAX:
        raise ValidationFailed(_l("Choose at most %(n)d questions at a time.", n=BULK_MAX), field="ticket")
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > services.NOTE_MAX:
        raise ValidationFailed(_l("The text is too long (at most %(n)d characters).", n=services.NOTE_MAX),
                               field="note")
    parsed_status, assignee_id = None, None
    if action == "assign":
        assignee_id = actor.id if assignee == "me" else as_id(assignee)
        if assignee_id is None:
            raise ValidationFailed(_l("Choose whom to assign the questions to."), field="assignee")
    elif action == "status":
        parsed_status = next((s for s in services.AGENT_STATUSES if s.value == status), None)
        if parsed_status is None:
            raise ValidationFailed(_l("Choose a status."), field="status")
    elif not note:
        raise ValidationFailed(_l("Write a note saying what has been tried: it goes with every question."),
                               field="note")
    step = _bulk_step(actor, action, assignee=assignee_id, status=parsed_status, note=note or None)
    ids = list(dict.fromkeys(as_id(v.strip()) for v in raw))
    result = BulkResult(missing=sum(1 for i in ids if i is None))
    tickets = []
    for ticket_id in (i for i in ids if i is not None):
        ticket = db.session.get(Ticket, ticket_id)
        if ticket is None or not can(actor, "tickets.view", ticket):
            result.missing += 1
        else:
            tickets.append(ticket)
    if not tickets:
        raise NotFound(_l("None of the chosen questions could be found."), field="ticket")
    for ticket in tickets:
        number = ticket.number
        try:
            step(ticket)
            db.session.commit()
        except HelpdeskError as exc:
            db.session.rollback()
            result.refused.setdefault(str(exc.message), []).append(number)
        else:
            result.done.append(number)
    return result
