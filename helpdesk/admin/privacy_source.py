"""What administration holds about a person (approval requests, activation codes, audit
entries about them or by them), for the privacy capability, and its retention rule for
the audit log."""
from __future__ import annotations

from sqlalchemy import delete, func, or_, select

from helpdesk.admin.models import ActivationCode, ApprovalRequest, AuditEntry
from helpdesk.extensions import db
from helpdesk.privacy.registry import KEPT, REMOVED, ErasureLine, Holding


def _about(person, user_ids: list[int]):
    return or_(AuditEntry.actor_id.in_(user_ids or [-1]),
               (AuditEntry.object_type == "person") & (AuditEntry.object_id == person.id))


def export(person, user_ids: list[int]) -> dict:
    ids = user_ids or [-1]
    return {
        "approval_requests": [{"summary": a.summary, "reason": a.reason, "status": a.status.value,
                               "created_at": a.created_at.isoformat()}
                              for a in db.session.scalars(select(ApprovalRequest).where(
                                  ApprovalRequest.requester_id.in_(ids)).order_by(ApprovalRequest.id))],
        "audit_entries": [{"time": e.created_at.isoformat(), "actor": e.actor_label, "operation": e.operation,
                           "object_type": e.object_type, "object": e.object_label}
                          for e in db.session.scalars(select(AuditEntry).where(_about(person, user_ids))
                                                      .order_by(AuditEntry.id))],
    }


def erase(person, user_ids: list[int], *, dry_run: bool, keep_directory: bool) -> list[ErasureLine]:
    lines = []
    audit = db.session.scalar(select(func.count(AuditEntry.id)).where(_about(person, user_ids))) or 0
    if audit:
        # Administrative decisions are public records the organisation must keep; the
        # retention rule for the audit log removes them in time.
        lines.append(ErasureLine("admin", "audit_entries", KEPT, audit, "law"))
    approvals = db.session.scalar(select(func.count(ApprovalRequest.id)).where(
        ApprovalRequest.requester_id.in_(user_ids or [-1]))) or 0
    if approvals:
        lines.append(ErasureLine("admin", "approval_requests", KEPT, approvals, "law"))
    codes = db.session.scalar(select(func.count(ActivationCode.id)).where(ActivationCode.person_id == person.id)) or 0
    if codes:
        lines.append(ErasureLine("admin", "activation_codes", REMOVED, codes))
        if not dry_run:
            db.session.execute(delete(ActivationCode).where(ActivationCode.person_id == person.id)
                               .execution_options(synchronize_session=False))
    return lines


def register() -> None:
    from helpdesk.privacy import registry

    registry.register_holding(Holding("admin", export, erase, order=60))
    registry.register_retention_rule(registry.deleting_rule(
        "audit_days", AuditEntry, AuditEntry.organisation_id, AuditEntry.created_at))
