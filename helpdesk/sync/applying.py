"""Applying one organisation's part of an export: first `prepare()` works out the people and
groups to create, update and deactivate without writing anything (the run's plan, which the
removal guard reads), then `apply()` writes it all in bulk, with the relations, removals,
flags and audit rows.

- Upserts sync-owned objects by their SS 12000 id (`external_id`); never creates, changes
  or removes anything whose source is manual.
- Removed things (deletedEntities, personStatus other than Aktiv, or anything missing
  from a `--full` export) are marked inactive, never deleted, so tickets keep their people.
  Only those: nothing is deactivated because of how another record was processed.
- Manual data that points at something removed is kept and flagged (SyncFlag) for central.
- Relations are replaced per owner present in the export: a group's memberships, a
  student's guardians, a mentor duty's students.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update

from helpdesk.admin.audit import bulk_rows
from helpdesk.directory.models import (
    Duty,
    Group,
    Organisation,
    Person,
    PersonKind,
    School,
)
from helpdesk.extensions import db
from helpdesk.models_base import Source
from helpdesk.sync.models import SyncFlag
from helpdesk.sync.notices import notice
from helpdesk.sync.planning import Changes, OrgPlan, find_org, make_code
from helpdesk.sync.reader import Export
from helpdesk.sync.report import Report, jsonable

CHUNK = 900  # stay below SQLite's bound-parameter limit in IN (...) lists
WRITE_CHUNK = 5000
AUDIT_CHUNK = 10000
PERSON_FIELDS = ("kind", "given_name", "family_name", "email", "civic_no", "security_marking", "eppn")


def rows(stmt):
    """Run a select on the session's connection, past the ORM's row handling: the importer
    reads hundreds of thousands of plain column rows, and that handling was most of a re-run."""
    return db.session.connection().execute(stmt)


def insert_rows(model, rows_: list[dict]) -> None:
    """Many rows in one executemany per chunk, as Core (the ORM's bulk insert per-row work
    was the larger part of a first import)."""
    for chunk in chunks(rows_, WRITE_CHUNK):
        db.session.execute(model.__table__.insert(), chunk)


def chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def kinds_in(export: Export) -> dict[str, PersonKind]:
    """What each person of the export is, from the roles the export gives them."""
    kinds: dict[str, PersonKind] = {}
    for d in export.duties:
        kinds[d.person] = PersonKind.STAFF
    for p in export.persons:
        for gid, _t in p.responsibles or ():
            kinds.setdefault(gid, PersonKind.GUARDIAN)
    for p in export.persons:
        if p.enrolled_at or p.responsibles:
            kinds.setdefault(p.id, PersonKind.STUDENT)
    for g in export.groups:
        if g.kind.value not in ("staff_group",):
            for pid in g.members or ():
                kinds.setdefault(pid, PersonKind.STUDENT)
    return kinds


class OrgImport:
    def __init__(self, plan: OrgPlan, export: Export, report: Report, run_id: int | None, full: bool,
                 kinds: dict | None = None):
        self.plan, self.export, self.report, self.run_id, self.full = plan, export, report, run_id, full
        self.kinds = kinds if kinds is not None else kinds_in(export)
        self.now = datetime.now(timezone.utc)
        self.audit: list[dict] = []
        self.flagged: set[tuple[str, int]] = set()
        self.pending_flags: list[tuple[str, int, str]] = []
        self.new_flags: list[dict] = []
        self.open_flags: set = set()
        # What planning found, added to the run's report only when it is applied.
        self.planned = Report()
        self.org: Organisation | None = None
        self.org_known = False  # until applying: a new organisation has no id to audit under

    # -- helpers
    def log(self, operation, object_type, object_id, label, before=None, after=None):
        # The organisation is filled in when applied: a new organisation has no id while planning.
        self.audit.append({"operation": operation, "object_type": object_type, "object_id": object_id,
                           "object_label": (label or "")[:300], "before": before, "after": after,
                           "created_at": self.now})
        if self.org_known and len(self.audit) >= AUDIT_CHUNK:
            self.write_audit()

    def write_audit(self):
        """Written as they come while applying, so a first import never holds them all."""
        for row in self.audit:
            row["organisation_id"] = self.org.id
        bulk_rows(self.audit)
        self.audit = []

    def flag(self, object_type: str, object_id: int, reason: str):
        key = (object_type, object_id)
        if key in self.flagged or key in self.open_flags:
            return
        self.flagged.add(key)
        self.report.flags += 1
        self.report.count("flag", "raised", reason)
        self.new_flags.append({"organisation_id": self.org.id, "run_id": self.run_id,
                               "object_type": object_type, "object_id": object_id, "reason": reason[:500],
                               "created_at": self.now})

    # ------------------------------------------------------------ planning (reads only)
    def prepare(self) -> Changes:
        self.org = self.plan.org or find_org(self.plan.ext_id, self.plan.name)
        org_id = self.org.id if self.org is not None else None
        self.changes = Changes(self.plan.name, org_id)
        self._prepare_schools(org_id)
        self._prepare_persons(org_id)
        self._prepare_groups(org_id)
        self._prepare_removals()
        return self.changes

    def _prepare_schools(self, org_id):
        self.existing_schools = {} if org_id is None else {s.external_id: s for s in db.session.scalars(
            select(School).where(School.organisation_id == org_id, School.external_id.is_not(None)))}
        # external id -> school id; None for a school this run creates.
        self.school_ids: dict[str, int | None] = {ext: s.id for ext, s in self.existing_schools.items()
                                                  if s.source is Source.SYNC}
        for rec in self.plan.schools:
            old = self.existing_schools.get(rec.id)
            self.school_ids[rec.id] = old.id if old is not None else None

    def _prepare_persons(self, org_id):
        # id, external id, then PERSON_FIELDS in their order (compared as a tuple), then active.
        cols = (Person.id, Person.external_id, *(getattr(Person, f) for f in PERSON_FIELDS), Person.active)
        existing = {} if org_id is None else {r.external_id: r for r in rows(select(*cols).where(
            Person.organisation_id == org_id, Person.source == Source.SYNC))}
        civic_owner, manual_civic = {}, set()
        if org_id is not None:
            for civic_no, pid, source in rows(select(Person.civic_no, Person.id, Person.source).where(
                    Person.organisation_id == org_id, Person.civic_no.is_not(None))):
                civic_owner[civic_no] = pid
                if source is Source.MANUAL:
                    manual_civic.add(civic_no)
        self.person_inserts, self.person_updates = [], []
        self.existing_persons = {ext: (r.id, r.active) for ext, r in existing.items()}
        self.inactive_persons: set[str] = set()
        deleted = self.export.deleted["persons"]
        counts = self.changes.persons
        counts["active"] = sum(1 for r in existing.values() if r.active)
        for rec in self.plan.persons:
            if rec.id in deleted:
                continue
            old = existing.get(rec.id)
            if not rec.active:
                # Leaving: deactivated with the removals, not updated first.
                self.inactive_persons.add(rec.id)
                continue
            kind = self.kinds.get(rec.id)
            if kind is None:
                kind = old.kind if old is not None else PersonKind.GUARDIAN
            new = (kind, rec.given, rec.family, rec.email, rec.civic_no, rec.marking, rec.eppn)
            if old is not None and old.active and tuple(old[2:9]) == new:
                continue  # unchanged: most of a night's people, so nothing more is built for them
            values = dict(zip(PERSON_FIELDS, new))
            label = f"{rec.given} {rec.family}"
            if old is None:
                if rec.civic_no and rec.civic_no in civic_owner:
                    if rec.civic_no in manual_civic:
                        self.pending_flags.append(("person", civic_owner[rec.civic_no], f"now_synced|{label}"))
                    self.planned.warn(notice("civic_number_taken", id=rec.id))
                    continue
                civic_owner[rec.civic_no] = -1
                self.person_inserts.append({"source": Source.SYNC, "external_id": rec.id, "active": True,
                                            "created_at": self.now, "updated_at": self.now, **values})
                self.planned.count("person", "created", label)
                counts["created"] += 1
            else:
                before = {k: getattr(old, k) for k in values}
                if before != values or not old.active:
                    if values["civic_no"] != old.civic_no and values["civic_no"] in civic_owner:
                        self.planned.warn(notice("new_civic_number_taken", id=rec.id))
                        values["civic_no"] = old.civic_no
                    changed = {k: v for k, v in values.items() if before[k] != v}
                    self.person_updates.append({"id": old.id, "active": True, "deactivated_at": None,
                                                "updated_at": self.now, **values})
                    self.planned.count("person", "updated" if old.active else "reactivated", label)
                    counts["updated"] += 1
                    self.log("sync_update", "person", old.id, label, jsonable({k: before[k] for k in changed}),
                             jsonable(changed) | ({"active": True} if not old.active else {}))

    def _prepare_groups(self, org_id):
        cols = (Group.id, Group.external_id, Group.name, Group.kind, Group.school_id, Group.start_date,
                Group.end_date, Group.active)
        existing = {} if org_id is None else {r.external_id: r for r in rows(select(*cols).where(
            Group.organisation_id == org_id, Group.source == Source.SYNC))}
        self.existing_groups = {ext: (r.id, r.active) for ext, r in existing.items()}
        self.group_inserts, self.group_updates = [], []
        counts = self.changes.groups
        counts["active"] = sum(1 for r in existing.values() if r.active)
        deleted = self.export.deleted["groups"]
        for rec in self.plan.groups:
            if rec.id in deleted:
                continue
            if rec.org not in self.school_ids:
                self.planned.warn(notice("group_unknown_unit", id=rec.id, name=rec.name, unit=rec.org))
                continue
            # school_id is None for a school this run creates; filled in when applied.
            values = {"name": rec.name, "kind": rec.kind, "school_id": self.school_ids[rec.org],
                      "start_date": rec.start, "end_date": rec.end}
            old = existing.get(rec.id)
            if old is None:
                self.group_inserts.append({"source": Source.SYNC, "external_id": rec.id, "active": True,
                                           "created_at": self.now, "updated_at": self.now, "_school": rec.org,
                                           **values})
                self.planned.count("group", "created", rec.name)
                counts["created"] += 1
            else:
                before = {k: getattr(old, k) for k in values}
                if before != values or not old.active:
                    self.group_updates.append({"id": old.id, "active": True, "deactivated_at": None,
                                               "archived_at": None, "updated_at": self.now, "_school": rec.org,
                                               **values})
                    self.planned.count("group", "updated" if old.active else "reactivated", rec.name)
                    counts["updated"] += 1
                    changed = {k: v for k, v in values.items() if before[k] != v}
                    self.log("sync_update", "group", old.id, rec.name, jsonable({k: before[k] for k in changed}),
                             jsonable(changed))

    def _prepare_removals(self):
        """Exactly what the export says is gone: deleted, no longer active, or (with --full) absent."""
        gone_people = self.export.deleted["persons"] | self.inactive_persons
        gone_groups = set(self.export.deleted["groups"])
        if self.full:
            seen_p = {r.id for r in self.plan.persons}
            seen_g = {r.id for r in self.plan.groups}
            gone_people |= self.existing_persons.keys() - seen_p
            gone_groups |= self.existing_groups.keys() - seen_g
        self.gone_people = {self.existing_persons[e][0] for e in gone_people
                            if e in self.existing_persons and self.existing_persons[e][1]}
        self.gone_groups = {self.existing_groups[e][0] for e in gone_groups
                            if e in self.existing_groups and self.existing_groups[e][1]}
        self.changes.persons["deactivated"] = len(self.gone_people)
        self.changes.groups["deactivated"] = len(self.gone_groups)

    # ------------------------------------------------------------ applying (writes)
    def apply(self):
        self.organisation()
        self.org_known = True
        self.open_flags = set(db.session.execute(select(SyncFlag.object_type, SyncFlag.object_id).where(
            SyncFlag.organisation_id == self.org.id, SyncFlag.resolved_at.is_(None))).all())
        self._merge_planned()
        self.schools()
        self.persons()
        self.groups()
        self.duties()
        from helpdesk.sync.relations import guardians, memberships, mentors
        from helpdesk.sync.removals import removals

        memberships(self)
        guardians(self)
        mentors(self)
        removals(self)
        insert_rows(SyncFlag, self.new_flags)
        self.write_audit()

    def _merge_planned(self):
        for kind, actions in self.planned.counts.items():
            for action, n in actions.items():
                samples = self.planned.samples.get(f"{kind} {action}", [])
                for label in samples:
                    self.report.count(kind, action, label)
                self.report.count(kind, action, n=n - len(samples))
        for w in self.planned.warnings:
            self.report.warn(w)
        for object_type, object_id, reason in self.pending_flags:
            self.flag(object_type, object_id, reason)

    def organisation(self):
        p = self.plan
        org = self.org
        if org is not None and org.external_id != p.ext_id and org.source is Source.SYNC and p.ext_id:
            org.external_id = p.ext_id
        if org is None:
            org = Organisation(name=p.name, code=make_code(p.name), autosync=True, source=Source.SYNC,
                               external_id=p.ext_id)
            db.session.add(org)
            db.session.flush()
            self.report.count("organisation", "created", p.name)
            self.org = org
            self.log("sync_create", "organisation", org.id, org.name, after={"name": org.name})
        elif org.source is Source.SYNC and org.name != p.name:
            self.log("sync_update", "organisation", org.id, p.name, {"name": org.name}, {"name": p.name})
            org.name = p.name
            self.report.count("organisation", "updated", p.name)
        if not org.autosync:
            self.report.warn(notice("org_without_autosync", name=org.name))

    def schools(self):
        existing = self.existing_schools
        for rec in self.plan.schools:
            s = existing.get(rec.id)
            values = {"name": rec.name, "school_unit_code": rec.school_unit_code, "school_types": rec.school_types}
            if s is None:
                s = School(organisation_id=self.org.id, source=Source.SYNC, external_id=rec.id, **values)
                db.session.add(s)
                db.session.flush()
                self.report.count("school", "created", rec.name)
                self.log("sync_create", "school", s.id, rec.name, after=values)
            elif s.source is Source.SYNC:
                before = {k: getattr(s, k) for k in values}
                if before != values or not s.active:
                    for k, v in values.items():
                        setattr(s, k, v)
                    s.active, s.deactivated_at = True, None
                    self.report.count("school", "updated", rec.name)
                    self.log("sync_update", "school", s.id, rec.name, before, values)
            self.school_ids[rec.id] = s.id
        db.session.flush()

    def persons(self):
        for row in self.person_inserts:
            row["organisation_id"] = self.org.id
        insert_rows(Person, self.person_inserts)
        for chunk in chunks(self.person_updates, WRITE_CHUNK):
            db.session.execute(update(Person), chunk)
        if self.person_inserts:
            self.person_ids: dict[str, int] = dict(rows(select(Person.external_id, Person.id).where(
                Person.organisation_id == self.org.id, Person.source == Source.SYNC)).all())
        else:
            self.person_ids = {ext: pid for ext, (pid, _a) in self.existing_persons.items()}
        for row in self.person_inserts:
            pid = self.person_ids[row["external_id"]]
            self.log("sync_create", "person", pid, f"{row['given_name']} {row['family_name']}",
                     after={"kind": row["kind"].value, "external_id": row["external_id"]})
        self.person_inserts = self.person_updates = []  # written: no need to hold them

    def groups(self):
        for row in (*self.group_inserts, *self.group_updates):
            row["school_id"] = self.school_ids[row.pop("_school")]
        for row in self.group_inserts:
            row["organisation_id"] = self.org.id
        insert_rows(Group, self.group_inserts)
        if self.group_updates:
            db.session.execute(update(Group), self.group_updates)
        if self.group_inserts:
            self.group_ids: dict[str, int] = dict(rows(select(Group.external_id, Group.id).where(
                Group.organisation_id == self.org.id, Group.source == Source.SYNC)).all())
        else:
            self.group_ids = {ext: gid for ext, (gid, _a) in self.existing_groups.items()}
        for row in self.group_inserts:
            self.log("sync_create", "group", self.group_ids[row["external_id"]], row["name"],
                     after={"kind": row["kind"].value, "external_id": row["external_id"]})

    def duties(self):
        cols = (Duty.id, Duty.external_id, Duty.person_id, Duty.school_id, Duty.role, Duty.active)
        existing = {r.external_id: r for r in rows(
            select(*cols).join(Person, Person.id == Duty.person_id).where(
                Person.organisation_id == self.org.id, Duty.source == Source.SYNC))}
        inserts, updates = [], []
        deleted = self.export.deleted["duties"]
        for rec in self.plan.duties:
            if rec.id in deleted:
                continue
            person_id, school_id = self.person_ids.get(rec.person), self.school_ids.get(rec.org)
            if person_id is None or school_id is None:
                self.report.warn(notice("duty_unknown_person_or_unit", id=rec.id))
                continue
            values = {"person_id": person_id, "school_id": school_id, "role": rec.role}
            old = existing.get(rec.id)
            if old is None:
                inserts.append({"source": Source.SYNC, "external_id": rec.id, "active": True,
                                "created_at": self.now, "updated_at": self.now, **values})
                self.report.count("duty", "created", rec.role.value)
            else:
                before = {k: getattr(old, k) for k in values}
                if before != values or not old.active:
                    updates.append({"id": old.id, "active": True, "deactivated_at": None, "updated_at": self.now,
                                    **values})
                    self.report.count("duty", "updated", rec.role.value)
                    self.log("sync_update", "duty", old.id, rec.id, jsonable(before), jsonable(values))
        insert_rows(Duty, inserts)
        if updates:
            db.session.execute(update(Duty), updates)
        for row in inserts:
            self.log("sync_create", "duty", None, row["external_id"],
                     after={"person_id": row["person_id"], "school_id": row["school_id"],
                            "role": row["role"].value})
