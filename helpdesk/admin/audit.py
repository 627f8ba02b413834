"""The audit log: every administrative change, manual, approved or by the sync, and every
reveal of a masked number, export and erasure; read in words (`helpdesk.audit_phrases`)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from helpdesk import audit_phrases as phrases
from helpdesk.access import scope_of
from helpdesk.admin.models import AuditEntry
from helpdesk.extensions import db
from helpdesk.models_base import as_id

SYNC_ACTOR = "sync"


def record(actor, operation, obj=None, *, organisation_id: int | None, object_type: str | None = None,
           object_id: int | None = None, label: str = "", before: dict | None = None,
           after: dict | None = None, rule: int | None = None, via: str = "direct",
           approval_id: int | None = None, person_id: int | None = None,
           school_id: int | None = None) -> AuditEntry:
    """Add one audit row in the caller's transaction.

    The person and school the entry is about are taken from the object when not given (a
    person, a membership's person, a mentor relation's mentee, a guardian relation's child;
    a group's or ticket's school), so the log can be filtered by person and a school's local
    admins see their school's entries. Register how a new operation reads with
    `helpdesk.audit_phrases.register`."""
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = object_id if object_id is not None else obj.id
    about_person, about_school = _about(obj)
    if about_person is None and object_type == "person":
        about_person = object_id
    entry = AuditEntry(
        organisation_id=organisation_id,
        actor_id=getattr(actor, "id", None),
        # Without a person: the sync, or the periodic job (via="job").
        actor_label=getattr(actor, "email", None) or (via if via != "direct" else SYNC_ACTOR),
        operation=getattr(operation, "value", operation),
        object_type=object_type or "",
        object_id=object_id,
        object_label=(label or "")[:300],
        before=before, after=after, rule=rule, via=via, approval_id=approval_id,
        person_id=person_id if person_id is not None else about_person,
        school_id=school_id if school_id is not None else about_school,
    )
    db.session.add(entry)
    return entry


def _about(obj) -> tuple[int | None, int | None]:
    """(person id, school id) an object is about, by the names the directory uses."""
    if obj is None:
        return None, None
    from helpdesk.directory.models import Person

    if isinstance(obj, Person):
        return obj.id, None
    person = next((getattr(obj, a) for a in ("person_id", "mentee_id", "student_id")
                   if isinstance(getattr(obj, a, None), int)), None)
    school = getattr(obj, "school_id", None)
    if school is None and getattr(obj, "group", None) is not None:
        school = getattr(obj.group, "school_id", None)
    return person, school if isinstance(school, int) else None


def bulk_rows(rows: list[dict]) -> None:
    """Insert many sync audit rows at once (the importer's path)."""
    if rows:
        now = datetime.now(timezone.utc)
        for r in rows:
            r.setdefault("created_at", now)
            r.setdefault("actor_label", SYNC_ACTOR)
            r.setdefault("via", "sync")
            r.setdefault("object_label", "")
            r.setdefault("person_id", r.get("object_id") if r.get("object_type") == "person" else None)
            r.setdefault("school_id", None)
        db.session.execute(AuditEntry.__table__.insert(), rows)


# ---------------------------------------------------------------- reading the log


@dataclass
class AuditFilter:
    """Which entries to show. `organisation_ids` are read whole (the central team's);
    `school_ids` add the entries that happened at those schools (a local admin's)."""
    organisation_ids: set[int]
    school_ids: set[int] = field(default_factory=set)
    operation: str | None = None
    actor: str | None = None
    # A name or e-mail: the person who did it, or the person the entry is about.
    person: str | None = None
    person_id: int | None = None
    via: str | None = None
    object_type: str | None = None
    # Words from the object's label ("Lag A").
    object: str | None = None
    since: date | None = None
    until: date | None = None


def filter_for(actor, args) -> AuditFilter:
    """The filter a reader asked for (a dict of strings: page, CSV and API alike), within what
    they may read: central admins their organisations' whole log, local admins the entries
    that happened at their schools. Nobody reads another organisation's."""
    scope = scope_of(actor)

    def text(name: str, limit: int = 100) -> str | None:
        value = " ".join(str(args.get(name) or "").split())[:limit]
        return value or None

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(args.get(name) or "") if args.get(name) else None
        except (TypeError, ValueError):
            return None

    return AuditFilter(
        organisation_ids=set(scope.central_org_ids), school_ids=set(scope.local_school_ids),
        operation=text("operation", 64), actor=text("actor"), person=text("person"),
        person_id=as_id(args.get("person_id")), via=text("via", 16), object_type=text("object_type", 32),
        object=text("object"), since=day("since"), until=day("until"))


def _query(f: AuditFilter):
    from helpdesk.auth.models import User
    from helpdesk.directory.models import Person

    stmt = select(AuditEntry).where(or_(AuditEntry.organisation_id.in_(f.organisation_ids or {-1}),
                                        AuditEntry.school_id.in_(f.school_ids or {-1})))
    if f.operation:
        stmt = stmt.where(AuditEntry.operation == f.operation)
    if f.actor:
        stmt = stmt.where(func.lower(AuditEntry.actor_label).contains(f.actor.lower(), autoescape=True))
    if f.person:
        needle = f.person.lower()
        named = select(Person.id).where(
            func.lower(Person.given_name + " " + Person.family_name).contains(needle, autoescape=True))
        stmt = stmt.where(or_(func.lower(AuditEntry.actor_label).contains(needle, autoescape=True),
                              AuditEntry.person_id.in_(named),
                              AuditEntry.actor_id.in_(select(User.id).where(User.person_id.in_(named)))))
    if f.person_id is not None:
        stmt = stmt.where(or_(AuditEntry.person_id == f.person_id,
                              AuditEntry.actor_id.in_(select(User.id).where(User.person_id == f.person_id))))
    if f.via:
        stmt = stmt.where(AuditEntry.via == f.via)
    if f.object_type:
        stmt = stmt.where(AuditEntry.object_type == f.object_type)
    if f.object:
        stmt = stmt.where(func.lower(AuditEntry.object_label).contains(f.object.lower(), autoescape=True))
    if f.since:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(f.since, time(), timezone.utc))
    if f.until:
        stmt = stmt.where(AuditEntry.created_at < datetime.combine(f.until + timedelta(days=1), time(),
                                                                   timezone.utc))
    return stmt


# Pages past this hold nothing; the bound keeps a typed-in page number within what the
# database's OFFSET accepts.
MAX_PAGE = 1_000_000
PER_PAGE = 50


def search(f: AuditFilter, *, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[AuditEntry], int]:
    page = min(max(page, 1), MAX_PAGE)
    total = db.session.scalar(select(func.count()).select_from(_query(f).subquery())) or 0
    rows = list(db.session.scalars(
        _query(f).order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def operations_in_use(f: AuditFilter) -> list[tuple[str, str]]:
    """(operation, its name in words) of the operations the reader's log holds, by name."""
    scoped = AuditFilter(organisation_ids=f.organisation_ids, school_ids=f.school_ids)
    ops = db.session.scalars(_query(scoped).with_only_columns(AuditEntry.operation).distinct())
    return sorted(((op, phrases.title(op)) for op in ops), key=lambda pair: pair[1].lower())


def object_types_in_use(f: AuditFilter) -> list[str]:
    scoped = AuditFilter(organisation_ids=f.organisation_ids, school_ids=f.school_ids)
    return sorted(t for t in db.session.scalars(
        _query(scoped).with_only_columns(AuditEntry.object_type).distinct()) if t)


def school_names(entries) -> dict[int, str]:
    from helpdesk.directory.models import School

    ids = {e.school_id for e in entries if e.school_id}
    ids |= {e.after.get("school_id") for e in entries
            if isinstance(e.after, dict) and isinstance(e.after.get("school_id"), int)}
    if not ids:
        return {}
    return dict(db.session.execute(select(School.id, School.name).where(School.id.in_(ids))).all())


def _school_of(entry, names: dict[int, str]) -> str | None:
    school = entry.school_id
    if school is None and isinstance(entry.after, dict):
        school = entry.after.get("school_id")
    return names.get(school) if school else None


@dataclass
class Line:
    """One entry as a reader sees it."""
    entry: AuditEntry
    text: str
    changes: list


def readable(entries) -> list[Line]:
    names = school_names(entries)
    return [Line(e, phrases.describe(e, school_name=_school_of(e, names)), phrases.changes(e)) for e in entries]


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(f: AuditFilter) -> str:
    """The filtered log as CSV in the reader's language, each entry in words and its changes
    as "field: before → after"; the machine names follow for those who sort by them. No cell
    can start a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("When"), _("Who"), _("What happened"), _("Changes"), _("Rule"), _("Made by"),
                     "id", "operation", "object_type", "object_id", "object", "approval_id"])
    via_words = {"direct": _("A person, directly"), "approval": _("Approved request"), "sync": _("The sync"),
                 "job": _("The periodic job")}
    query = _query(f).order_by(AuditEntry.id).execution_options(yield_per=500)
    batch: list[AuditEntry] = []

    def flush_batch():
        for line in readable(batch):
            e = line.entry
            writer.writerow([_cell(v) for v in (
                e.created_at.isoformat(), e.actor_label, line.text, phrases.changes_text(e), e.rule or "",
                via_words.get(e.via, e.via), e.id, e.operation, e.object_type, e.object_id or "", e.object_label,
                e.approval_id or "")])
        batch.clear()

    for e in db.session.scalars(query):
        batch.append(e)
        if len(batch) >= 500:
            flush_batch()
    flush_batch()
    return out.getvalue()
