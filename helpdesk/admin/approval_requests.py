"""Approval requests as records: asking (create_request), finding and counting them.

Split from approvals.py (which decides requests and so runs the operations) so that the
operations can queue a request without importing the module that imports them: the two used
to import one another in a cycle.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.access import scope_of
from helpdesk.admin import audit
from helpdesk.admin.models import ApprovalRequest, ApprovalStatus
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.events import domain_event
from helpdesk.extensions import db

MAX_REASON = 2000


def create_request(actor, name: str, params: dict, plan, decision, reason: str | None) -> ApprovalRequest:
    """Queue an operation for central; the reason tells them why it is needed."""
    reason = " ".join((reason or "").split()) if reason else ""
    if not reason:
        raise ValidationFailed(_l("Say why this is needed: the central team decides from it."),
                               field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(_l("The reason is too long (at most %(n)d characters).", n=MAX_REASON),
                               field="reason")
    school_ids = sorted(plan.target.school_ids)
    req = ApprovalRequest(organisation_id=plan.target.organisation.id,
                          school_id=school_ids[0] if school_ids else None,
                          operation=name, rule=decision.rule, params=params, snapshot=plan.snapshot,
                          summary=plan.summary[:300], reason=reason, requester_id=actor.id)
    db.session.add(req)
    db.session.flush()
    audit.record(actor, "approval_requested", req, organisation_id=req.organisation_id, label=req.summary,
                 after={"operation": name, "reason": reason}, rule=decision.rule, via="approval",
                 approval_id=req.id)
    announce(req, "approval.requested")
    return req


def announce(req: ApprovalRequest, event_type: str) -> None:
    """Tell listeners (webhooks) in the request's transaction: ids and the status only."""
    domain_event.send(event_type, organisation_id=req.organisation_id,
                      data={"approval_id": req.id, "operation": req.operation, "school_id": req.school_id,
                            "status": getattr(req.status, "value", req.status)})


def get_request(actor, request_id: int) -> ApprovalRequest:
    req = db.session.get(ApprovalRequest, request_id)
    if req is None:
        raise NotFound()
    scope = scope_of(actor)
    if not (scope.is_central_for(req.organisation_id) or req.requester_id == getattr(actor, "id", None)):
        raise NotFound()
    return req


def queue_for(actor, *, status: ApprovalStatus | None = ApprovalStatus.PENDING) -> list[ApprovalRequest]:
    """Central sees their organisations' requests; everybody else their own."""
    scope = scope_of(actor)
    stmt = select(ApprovalRequest).order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc())
    if scope.central_org_ids:
        stmt = stmt.where(ApprovalRequest.organisation_id.in_(scope.central_org_ids))
    else:
        stmt = stmt.where(ApprovalRequest.requester_id == actor.id)
    if status is not None:
        stmt = stmt.where(ApprovalRequest.status == status)
    return list(db.session.scalars(stmt.limit(200)))


def requests_of(actor, limit: int = 10) -> list[ApprovalRequest]:
    return list(db.session.scalars(
        select(ApprovalRequest).where(ApprovalRequest.requester_id == actor.id)
        .order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc()).limit(limit)))


def pending_count(actor) -> int:
    scope = scope_of(actor)
    if not scope.central_org_ids:
        return 0
    return db.session.scalar(select(func.count(ApprovalRequest.id)).where(
        ApprovalRequest.organisation_id.in_(scope.central_org_ids),
        ApprovalRequest.status == ApprovalStatus.PENDING)) or 0
