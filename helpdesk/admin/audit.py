"""The audit log: every administrative change, manual, approved or by the sync."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from helpdesk.admin.models import AuditEntry
from helpdesk.extensions import db

SYNC_ACTOR = "sync"


def record(actor, operation, obj=None, *, organisation_id: int | None, object_type: str | None = None,
           object_id: int | None = None, label: str = "", before: dict | None = None,
           after: dict | None = None, rule: int | None = None, via: str = "direct",
           approval_id: int | None = None) -> AuditEntry:
    """Add one audit row in the caller's transaction."""
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = object_id if object_id is not None else obj.id
    entry = AuditEntry(
        organisation_id=organisation_id,
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or SYNC_ACTOR,
        operation=getattr(operation, "value", operation),
        object_type=object_type or "",
        object_id=object_id,
        object_label=(label or "")[:300],
        before=before, after=after, rule=rule, via=via, approval_id=approval_id,
    )
    db.session.add(entry)
    return entry


def bulk_rows(rows: list[dict]) -> None:
    """Insert many sync audit rows at once (the importer's path)."""
    if rows:
        now = datetime.now(timezone.utc)
        for r in rows:
            r.setdefault("created_at", now)
            r.setdefault("actor_label", SYNC_ACTOR)
            r.setdefault("via", "sync")
            r.setdefault("object_label", "")
        db.session.execute(AuditEntry.__table__.insert(), rows)


@dataclass
class AuditFilter:
    organisation_ids: set[int]
    operation: str | None = None
    actor: str | None = None
    via: str | None = None
    object_type: str | None = None
    since: date | None = None
    until: date | None = None


def _query(f: AuditFilter):
    stmt = select(AuditEntry).where(AuditEntry.organisation_id.in_(f.organisation_ids))
    if f.operation:
        stmt = stmt.where(AuditEntry.operation == f.operation)
    if f.actor:
        stmt = stmt.where(func.lower(AuditEntry.actor_label).contains(f.actor.lower()))
    if f.via:
        stmt = stmt.where(AuditEntry.via == f.via)
    if f.object_type:
        stmt = stmt.where(AuditEntry.object_type == f.object_type)
    if f.since:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(f.since, time(), timezone.utc))
    if f.until:
        stmt = stmt.where(AuditEntry.created_at < datetime.combine(f.until + timedelta(days=1), time(),
                                                                   timezone.utc))
    return stmt


# Pages past this hold nothing; the bound keeps a typed-in page number within what the
# database's OFFSET accepts.
MAX_PAGE = 1_000_000


def search(f: AuditFilter, *, page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    page = min(max(page, 1), MAX_PAGE)
    total = db.session.scalar(select(func.count()).select_from(_query(f).subquery())) or 0
    rows = list(db.session.scalars(
        _query(f).order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def operations_in_use(organisation_ids: set[int]) -> list[str]:
    return sorted(db.session.scalars(
        select(AuditEntry.operation).where(AuditEntry.organisation_id.in_(organisation_ids)).distinct()))


def to_csv(f: AuditFilter) -> str:
    import json

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "time", "actor", "operation", "object_type", "object_id", "object",
                     "rule", "via", "approval_id", "before", "after"])
    for e in db.session.scalars(_query(f).order_by(AuditEntry.id).execution_options(yield_per=1000)):
        writer.writerow([e.id, e.created_at.isoformat(), e.actor_label, e.operation, e.object_type,
                         e.object_id or "", e.object_label, e.rule or "", e.via, e.approval_id or "",
                         json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                         json.dumps(e.after, ensure_ascii=False) if e.after is not None else ""])
    return out.getvalue()
