"""What a central team sets for its desk: canned replies, closed days, SLA targets, and
each user's notification choices."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.access import can, require
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import sla
from helpdesk.tickets.models import (
    ACTIVE_STATUSES,
    CannedReply,
    ClosedDay,
    NotificationKind,
    NotificationPreference,
    SlaTarget,
    Ticket,
    Tier,
)

# The ticket rules' own helpers: this module is part of the ticket service, split off by size.
from helpdesk.tickets.changes import BODY_MAX, _clean_text


def canned_replies(actor, language: str | None = None) -> list[CannedReply]:
    if not can(actor, "tickets.manage_canned"):
        return []
    stmt = select(CannedReply).where(CannedReply.organisation_id == actor.organisation_id)
    if language:
        stmt = stmt.where(CannedReply.language == language)
    return list(db.session.scalars(stmt.order_by(CannedReply.language, CannedReply.title)))


def add_canned_reply(actor, *, title, body, language) -> CannedReply:
    require(actor, "tickets.manage_canned")
    title = _clean_text(title, "title", max_length=120, label=_l("a title"))
    body = _clean_text(body, "body", max_length=BODY_MAX, label=_l("the reply text"))
    if language not in ("sv", "en"):
        raise ValidationFailed(_l("Choose Swedish or English."), field="language")
    reply = CannedReply(organisation_id=actor.organisation_id, title=title, body=body,
                        language=language, created_by_id=actor.id)
    db.session.add(reply)
    db.session.flush()
    return reply


def delete_canned_reply(actor, reply_id: int) -> None:
    require(actor, "tickets.manage_canned")
    reply = db.session.get(CannedReply, reply_id)
    if reply is None or reply.organisation_id != actor.organisation_id:
        raise NotFound()
    db.session.delete(reply)
    db.session.flush()


# ---------------------------------------------------------------- closed days

def closed_days(actor, organisation_id: int | None = None) -> list[ClosedDay]:
    org_id = _managed_org(actor, organisation_id)
    return list(db.session.scalars(select(ClosedDay).where(ClosedDay.organisation_id == org_id)
                                   .order_by(ClosedDay.day)))


def add_closed_day(actor, day, note="", organisation_id: int | None = None) -> ClosedDay:
    """Close support for a day (the SLA clocks skip it); open tickets get new deadlines."""
    org_id = _managed_org(actor, organisation_id)
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            raise ValidationFailed(_l("Write the date as YYYY-MM-DD, e.g. 2026-10-30."), field="day") from None
    if not isinstance(day, date):
        raise ValidationFailed(_l("Write the date as YYYY-MM-DD, e.g. 2026-10-30."), field="day")
    # A past day is allowed: a study day noted late still moves the deadlines of questions
    # open since then. Far-off years are typing mistakes.
    if abs(day.year - utcnow().year) > 5:
        raise ValidationFailed(_l("Choose a day within five years of today."), field="day")
    note = _clean_text(note, "note", max_length=200, label=_l("a note"), required=False)
    if db.session.scalar(select(ClosedDay.id).where(ClosedDay.organisation_id == org_id, ClosedDay.day == day)):
        raise ValidationFailed(_l("That day is already closed."), field="day")
    closed = ClosedDay(organisation_id=org_id, day=day, note=note)
    db.session.add(closed)
    _recompute_open(org_id)
    return closed


def remove_closed_day(actor, day_id: int, organisation_id: int | None = None) -> None:
    org_id = _managed_org(actor, organisation_id)
    closed = db.session.get(ClosedDay, day_id)
    if closed is None or closed.organisation_id != org_id:
        raise NotFound()
    db.session.delete(closed)
    _recompute_open(org_id)


def set_sla_targets(actor, wanted: dict[str, tuple], organisation_id: int | None = None) -> None:
    """The organisation's targets per tier, {"local": (response, resolution), ...} in whole
    business hours; open tickets get new deadlines at once."""
    org_id = _managed_org(actor, organisation_id)
    clean: dict[Tier, tuple[int, int]] = {}
    for tier in Tier:
        response, resolution = wanted.get(tier.value, (None, None))
        try:
            response, resolution = int(str(response).strip()), int(str(resolution).strip())
        except ValueError:
            raise ValidationFailed(_l("Write the hours as whole numbers."), field=f"{tier.value}_response") from None
        if not (1 <= response <= 1000 and 1 <= resolution <= 5000):
            raise ValidationFailed(_l("Choose between 1 and 1,000 hours for a first response and 1 to "
                                      "5,000 for resolving."), field=f"{tier.value}_response")
        if resolution < response:
            raise ValidationFailed(_l("Resolving cannot have a shorter target than the first response."),
                                   field=f"{tier.value}_resolution")
        clean[tier] = (response, resolution)
    existing = {row.tier: row for row in db.session.scalars(select(SlaTarget).where(SlaTarget.organisation_id == org_id))}
    for tier, (response, resolution) in clean.items():
        row = existing.get(tier) or SlaTarget(organisation_id=org_id, tier=tier)
        row.response_hours, row.resolution_hours = response, resolution
        db.session.add(row)
    _recompute_open(org_id)


def sla_targets(actor) -> dict[str, tuple[float, float]]:
    return sla.targets(_managed_org(actor, None))


def _managed_org(actor, organisation_id: int | None) -> int:
    """The actor's own organisation; the command line (actor None) names one."""
    if actor is None and organisation_id is not None:
        return organisation_id
    require(actor, "tickets.manage_service_levels")
    return actor.organisation_id


def _recompute_open(organisation_id: int) -> None:
    db.session.flush()
    cal, goals = sla.calendar_for(organisation_id), sla.targets(organisation_id)
    for ticket in db.session.scalars(select(Ticket).where(Ticket.organisation_id == organisation_id,
                                                          Ticket.status.in_(ACTIVE_STATUSES))):
        sla.recompute(ticket, cal=cal, goals=goals)


def preferences(user) -> dict[NotificationKind, bool]:
    stored = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.enabled)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {kind: stored.get(kind, True) for kind in NotificationKind}


def set_preferences(user, enabled: set[str]) -> None:
    require(user, "tickets.notification_settings")
    existing = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind in NotificationKind:
        on = kind.value in enabled
        if kind in existing:
            existing[kind].enabled = on
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, enabled=on))
    db.session.flush()
