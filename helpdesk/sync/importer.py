"""The nightly SS 12000 import: bring the directory up to date from an export.

- Upserts sync-owned objects by their SS 12000 id (`external_id`); never creates, changes
  or removes anything whose source is manual.
- Removed things (deletedEntities, personStatus other than Aktiv, or anything missing
  from a `--full` export) are marked inactive, never deleted, so tickets keep their people.
- Manual data that points at something removed is kept and flagged (SyncFlag) for central.
- Relations are replaced per owner present in the export: a group's memberships, a
  student's guardians, a mentor duty's students.
- One transaction per organisation; everything is read and checked first, so a malformed
  export changes nothing. Existing rows are loaded once into dicts and written in bulk.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select, update

from helpdesk import leases
from helpdesk.admin.audit import bulk_rows
from helpdesk.directory.models import (
    Duty,
    Group,
    GuardianRelation,
    Membership,
    MembershipRole,
    MentorKind,
    MentorRelation,
    Organisation,
    Person,
    PersonKind,
    School,
)
from helpdesk.extensions import db
from helpdesk.models_base import Source
from helpdesk.sync.models import SyncFlag, SyncRun, SyncRunStatus
from helpdesk.sync.notices import notice
from helpdesk.sync.reader import Export, read_export

SAMPLE = 3
CHUNK = 900  # stay below SQLite's bound-parameter limit in IN (...) lists
# One import at a time. The lease is renewed after each organisation; should the process
# die, the next import may start once it has run out.
IMPORT_LEASE = "sync-import"
LEASE_TIME = timedelta(minutes=15)


@dataclass
class Report:
    counts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    samples: dict = field(default_factory=lambda: defaultdict(list))
    warnings: list = field(default_factory=list)
    flags: int = 0

    def count(self, kind: str, action: str, label: str = "", n: int = 1) -> None:
        self.counts[kind][action] += n
        key = f"{kind} {action}"
        if label and len(self.samples[key]) < SAMPLE:
            self.samples[key].append(label)

    def warn(self, warning: dict) -> None:
        """Keep a warning (notices.notice(...)); it is worded when shown."""
        if len(self.warnings) < 500:
            self.warnings.append(warning)

    def plain_counts(self) -> dict:
        return {k: dict(v) for k, v in sorted(self.counts.items())}


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _now():
    return datetime.now(timezone.utc)


# ---------------------------------------------------------------- organisation tree


@dataclass
class OrgPlan:
    """What belongs to one organisation (huvudman) in this export."""

    ext_id: str | None
    name: str
    org: Organisation | None = None
    schools: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    duties: list = field(default_factory=list)


def _make_code(name: str) -> str:
    letters = re.sub(r"[^A-Z]", "", name.upper().replace("Å", "A").replace("Ä", "A").replace("Ö", "O"))
    base = (letters or "ORG")[:3]
    taken = set(db.session.scalars(select(Organisation.code)))
    if base not in taken:
        return base
    for n in range(2, 10000):
        code = f"{base}{n}"[:8]
        if code not in taken:
            return code
    raise RuntimeError("no free organisation code")


def _distribute(export: Export, report: Report) -> list[OrgPlan]:
    orgs = {o.id: o for o in export.organisations}

    def root(oid: str) -> str | None:
        seen = set()
        while oid in orgs and oid not in seen:
            seen.add(oid)
            if orgs[oid].type in ("Huvudman", "Kommun"):
                return oid
            oid = orgs[oid].parent
        return None

    plans: dict[str, OrgPlan] = {}
    for o in export.organisations:
        if o.type in ("Huvudman", "Kommun"):
            plans[o.id] = OrgPlan(o.id, o.name)
    # Schools already known tell which organisation an export without huvudman belongs to.
    known_schools = {ext: org_id for ext, org_id in db.session.execute(
        select(School.external_id, School.organisation_id).where(School.source == Source.SYNC,
                                                                 School.external_id.is_not(None)))}
    db_orgs = {}

    def plan_for_db_org(org_id: int) -> OrgPlan:
        if org_id not in db_orgs:
            org = db.session.get(Organisation, org_id)
            key = f"db:{org_id}"
            plans[key] = db_orgs[org_id] = OrgPlan(org.external_id, org.name, org=org)
        return db_orgs[org_id]

    only = next(iter(plans.values())) if len(plans) == 1 else None
    school_plan: dict[str, OrgPlan] = {}
    for o in export.organisations:
        if o.type != "Skolenhet":
            continue
        r = root(o.id)
        if r is not None:
            target = plans[r]
        elif o.id in known_schools:
            target = plan_for_db_org(known_schools[o.id])
        elif only is not None:
            target = only
        else:
            report.warn(notice("unit_without_org", id=o.id, name=o.name))
            continue
        target.schools.append(o)
        school_plan[o.id] = target
    for ext, org_id in known_schools.items():
        if ext not in school_plan:
            school_plan[ext] = plan_for_db_org(org_id)
    single = next(iter(plans.values())) if len(plans) == 1 else None

    group_plan: dict[str, OrgPlan] = {}
    for g in export.groups:
        target = school_plan.get(g.org)
        if target is None:
            report.warn(notice("group_unknown_unit", id=g.id, name=g.name, unit=g.org))
            continue
        target.groups.append(g)
        group_plan[g.id] = target
    person_plan: dict[str, OrgPlan] = {}
    for d in export.duties:
        target = school_plan.get(d.org)
        if target is None:
            report.warn(notice("duty_unknown_unit", id=d.id, unit=d.org))
            continue
        target.duties.append(d)
        person_plan.setdefault(d.person, target)
    for g in export.groups:
        target = group_plan.get(g.id)
        if target is not None:
            for pid in g.members or ():
                person_plan.setdefault(pid, target)
    for p in export.persons:
        for school_ext in p.enrolled_at:
            if school_ext in school_plan:
                person_plan.setdefault(p.id, school_plan[school_ext])
    for p in export.persons:  # guardians follow their children
        if p.id in person_plan:
            for gid, _t in p.responsibles or ():
                person_plan.setdefault(gid, person_plan[p.id])
    known_people = None
    for p in export.persons:
        target = person_plan.get(p.id)
        if target is None:
            if known_people is None:
                known_people = dict(db.session.execute(
                    select(Person.external_id, Person.organisation_id).where(
                        Person.source == Source.SYNC, Person.external_id.is_not(None))).all())
            if p.id in known_people:
                target = plan_for_db_org(known_people[p.id])
            elif single is not None:
                target = single
            else:
                report.warn(notice("person_without_org", id=p.id))
                continue
        target.persons.append(p)
    return list(plans.values())


# ---------------------------------------------------------------- one organisation


class OrgImport:
    def __init__(self, plan: OrgPlan, export: Export, report: Report, run_id: int | None, full: bool):
        self.plan, self.export, self.report, self.run_id, self.full = plan, export, report, run_id, full
        self.now = _now()
        self.audit: list[dict] = []
        self.flagged: set[tuple[str, int]] = set()

    # -- helpers
    def log(self, operation, object_type, object_id, label, before=None, after=None):
        self.audit.append({"organisation_id": self.org.id, "operation": operation, "object_type": object_type,
                           "object_id": object_id, "object_label": (label or "")[:300], "before": before,
                           "after": after, "created_at": self.now})

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

    def run(self):
        self.organisation()
        self.open_flags = set(db.session.execute(select(SyncFlag.object_type, SyncFlag.object_id).where(
            SyncFlag.organisation_id == self.org.id, SyncFlag.resolved_at.is_(None))).all())
        self.new_flags: list[dict] = []
        self.schools()
        self.persons()
        self.groups()
        self.duties()
        self.memberships()
        self.guardians()
        self.mentors()
        self.removals()
        if self.new_flags:
            db.session.execute(insert(SyncFlag), self.new_flags)
        bulk_rows(self.audit)

    # -- organisation and schools
    def organisation(self):
        p = self.plan
        org = p.org
        if org is None and p.ext_id:
            org = db.session.scalar(select(Organisation).where(Organisation.external_id == p.ext_id))
        if org is None:
            org = db.session.scalar(select(Organisation).where(Organisation.name == p.name,
                                                               Organisation.autosync.is_(True)))
            if org is not None and org.source is Source.SYNC:
                org.external_id = p.ext_id
        if org is None:
            org = Organisation(name=p.name, code=_make_code(p.name), autosync=True, source=Source.SYNC,
                               external_id=p.ext_id)
            db.session.add(org)
            db.session.flush()
            self.report.count("organisation", "created", p.name)
            self.org = org
            self.log("sync_create", "organisation", org.id, org.name, after={"name": org.name})
        else:
            self.org = org
            if org.source is Source.SYNC and org.name != p.name:
                self.log("sync_update", "organisation", org.id, p.name, {"name": org.name}, {"name": p.name})
                org.name = p.name
                self.report.count("organisation", "updated", p.name)
        if not org.autosync:
            self.report.warn(notice("org_without_autosync", name=org.name))

    def schools(self):
        existing = {s.external_id: s for s in db.session.scalars(
            select(School).where(School.organisation_id == self.org.id, School.external_id.is_not(None)))}
        self.school_ids: dict[str, int] = {ext: s.id for ext, s in existing.items() if s.source is Source.SYNC}
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

    # -- persons
    def _kind_of(self) -> dict[str, PersonKind]:
        e = self.export
        kinds: dict[str, PersonKind] = {}
        for d in e.duties:
            kinds[d.person] = PersonKind.STAFF
        for p in e.persons:
            for gid, _t in p.responsibles or ():
                kinds.setdefault(gid, PersonKind.GUARDIAN)
        for p in e.persons:
            if p.enrolled_at or p.responsibles:
                kinds.setdefault(p.id, PersonKind.STUDENT)
        for g in e.groups:
            if g.kind.value not in ("staff_group",):
                for pid in g.members or ():
                    kinds.setdefault(pid, PersonKind.STUDENT)
        return kinds

    def persons(self):
        kinds = self._kind_of()
        cols = (Person.id, Person.external_id, Person.kind, Person.given_name, Person.family_name, Person.email,
                Person.civic_no, Person.security_marking, Person.active)
        existing = {r.external_id: r for r in db.session.execute(select(*cols).where(
            Person.organisation_id == self.org.id, Person.source == Source.SYNC))}
        civic_owner = dict(db.session.execute(select(Person.civic_no, Person.id).where(
            Person.organisation_id == self.org.id, Person.civic_no.is_not(None))).all())
        manual_civic = set(db.session.scalars(select(Person.civic_no).where(
            Person.organisation_id == self.org.id, Person.source == Source.MANUAL,
            Person.civic_no.is_not(None))))
        inserts, updates = [], []
        self.inactive_persons: set[str] = set()
        deleted = self.export.deleted["persons"]
        for rec in self.plan.persons:
            if rec.id in deleted:
                continue
            kind = kinds.get(rec.id)
            old = existing.get(rec.id)
            if kind is None:
                kind = old.kind if old is not None else PersonKind.GUARDIAN
            values = {"kind": kind, "given_name": rec.given, "family_name": rec.family, "email": rec.email,
                      "civic_no": rec.civic_no, "security_marking": rec.marking}
            label = f"{rec.given} {rec.family}"
            if not rec.active:
                self.inactive_persons.add(rec.id)
            if old is None:
                if not rec.active:
                    continue
                if rec.civic_no and rec.civic_no in civic_owner:
                    if rec.civic_no in manual_civic:
                        self.flag("person", civic_owner[rec.civic_no], f"now_synced|{label}")
                    self.report.warn(notice("civic_number_taken", id=rec.id))
                    continue
                civic_owner[rec.civic_no] = -1
                inserts.append({"organisation_id": self.org.id, "source": Source.SYNC, "external_id": rec.id,
                                "active": True, "created_at": self.now, "updated_at": self.now, **values})
                self.report.count("person", "created", label)
            else:
                before = {k: getattr(old, k) for k in values}
                if before != values or (rec.active and not old.active):
                    if values["civic_no"] != old.civic_no and values["civic_no"] in civic_owner:
                        self.report.warn(notice("new_civic_number_taken", id=rec.id))
                        values["civic_no"] = old.civic_no
                    changed = {k: v for k, v in values.items() if before[k] != v}
                    updates.append({"id": old.id, "active": True, "deactivated_at": None,
                                    "updated_at": self.now, **values})
                    self.report.count("person", "updated" if old.active else "reactivated", label)
                    self.log("sync_update", "person", old.id, label, _jsonable({k: before[k] for k in changed}),
                             _jsonable(changed) | ({"active": True} if not old.active else {}))
        for chunk in _chunks(inserts, 5000):
            db.session.execute(insert(Person), chunk)
        for chunk in _chunks(updates, 5000):
            db.session.execute(update(Person), chunk)
        self.person_ids: dict[str, int] = dict(db.session.execute(select(Person.external_id, Person.id).where(
            Person.organisation_id == self.org.id, Person.source == Source.SYNC)).all())
        for row in inserts:
            pid = self.person_ids[row["external_id"]]
            self.log("sync_create", "person", pid, f"{row['given_name']} {row['family_name']}",
                     after={"kind": row["kind"].value, "external_id": row["external_id"]})

    # -- groups
    def groups(self):
        cols = (Group.id, Group.external_id, Group.name, Group.kind, Group.school_id, Group.start_date,
                Group.end_date, Group.active)
        existing = {r.external_id: r for r in db.session.execute(select(*cols).where(
            Group.organisation_id == self.org.id, Group.source == Source.SYNC))}
        inserts, updates = [], []
        deleted = self.export.deleted["groups"]
        for rec in self.plan.groups:
            if rec.id in deleted:
                continue
            school_id = self.school_ids.get(rec.org)
            if school_id is None:
                self.report.warn(notice("group_unknown_unit", id=rec.id, name=rec.name, unit=rec.org))
                continue
            values = {"name": rec.name, "kind": rec.kind, "school_id": school_id, "start_date": rec.start,
                      "end_date": rec.end}
            old = existing.get(rec.id)
            if old is None:
                inserts.append({"organisation_id": self.org.id, "source": Source.SYNC, "external_id": rec.id,
                                "active": True, "created_at": self.now, "updated_at": self.now, **values})
                self.report.count("group", "created", rec.name)
            else:
                before = {k: getattr(old, k) for k in values}
                if before != values or not old.active:
                    updates.append({"id": old.id, "active": True, "deactivated_at": None, "archived_at": None,
                                    "updated_at": self.now, **values})
                    self.report.count("group", "updated" if old.active else "reactivated", rec.name)
                    changed = {k: v for k, v in values.items() if before[k] != v}
                    self.log("sync_update", "group", old.id, rec.name, _jsonable({k: before[k] for k in changed}),
                             _jsonable(changed))
        if inserts:
            db.session.execute(insert(Group), inserts)
        if updates:
            db.session.execute(update(Group), updates)
        self.group_ids: dict[str, int] = dict(db.session.execute(select(Group.external_id, Group.id).where(
            Group.organisation_id == self.org.id, Group.source == Source.SYNC)).all())
        for row in inserts:
            self.log("sync_create", "group", self.group_ids[row["external_id"]], row["name"],
                     after={"kind": row["kind"].value, "external_id": row["external_id"]})

    # -- duties
    def duties(self):
        cols = (Duty.id, Duty.external_id, Duty.person_id, Duty.school_id, Duty.role, Duty.active)
        existing = {r.external_id: r for r in db.session.execute(
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
                    self.log("sync_update", "duty", old.id, rec.id, _jsonable(before), _jsonable(values))
        if inserts:
            db.session.execute(insert(Duty), inserts)
        if updates:
            db.session.execute(update(Duty), updates)
        for row in inserts:
            self.log("sync_create", "duty", None, row["external_id"],
                     after={"person_id": row["person_id"], "school_id": row["school_id"],
                            "role": row["role"].value})

    # -- relations, replaced per owner present in the export
    def _replace(self, kind: str, model, existing: dict, desired: dict, owners_label: dict, extra_insert):
        """existing: key -> (id, active); desired: key -> extra values. Audits one row per owner."""
        inserts, activate, deactivate = [], [], []
        per_owner: dict = defaultdict(lambda: {"added": [], "removed": []})
        for key, extra in desired.items():
            old = existing.get(key)
            if old is None:
                inserts.append({**extra_insert(key), **extra})
                per_owner[key[0]]["added"].append(key[1])
            elif not old[1]:
                activate.append({"id": old[0], "active": True, "deactivated_at": None, "updated_at": self.now,
                                 **extra})
                per_owner[key[0]]["added"].append(key[1])
        owners = {k[0] for k in desired} | set(owners_label)
        for key, (rid, active) in existing.items():
            if active and key[0] in owners and key not in desired:
                deactivate.append({"id": rid, "active": False, "deactivated_at": self.now, "updated_at": self.now})
                per_owner[key[0]]["removed"].append(key[1])
        for chunk in _chunks(inserts, 5000):
            db.session.execute(insert(model), [{"source": Source.SYNC, "active": True, "created_at": self.now,
                                                "updated_at": self.now, **r} for r in chunk])
        for rows in (activate, deactivate):
            for chunk in _chunks(rows, 5000):
                db.session.execute(update(model), chunk)
        for owner, change in per_owner.items():
            if change["added"]:
                self.report.count(kind, "added", n=len(change["added"]))
            if change["removed"]:
                self.report.count(kind, "removed", n=len(change["removed"]))
            self.log(f"sync_{kind}", kind, owner, owners_label.get(owner, ""),
                     {"removed": change["removed"]} if change["removed"] else None,
                     {"added": change["added"]} if change["added"] else None)

    def memberships(self):
        group_ids = list(self.group_ids.values())
        existing = {}
        for chunk in _chunks(group_ids):
            for rid, gid, pid, active in db.session.execute(select(
                    Membership.id, Membership.group_id, Membership.person_id, Membership.active).where(
                    Membership.group_id.in_(chunk), Membership.source == Source.SYNC,
                    Membership.role == MembershipRole.MEMBER)):
                existing[(gid, pid)] = (rid, active)
        desired, owners = {}, {}
        for rec in self.plan.groups:
            gid = self.group_ids.get(rec.id)
            if gid is None or rec.members is None or rec.id in self.export.deleted["groups"]:
                continue
            owners[gid] = rec.name
            for ext in rec.members:
                pid = self.person_ids.get(ext)
                if pid is None:
                    self.report.warn(notice("member_unknown", id=rec.id, member=ext))
                    continue
                desired[(gid, pid)] = {}
        self._replace("membership", Membership, existing, desired, owners,
                      lambda k: {"group_id": k[0], "person_id": k[1], "role": MembershipRole.MEMBER})

    def guardians(self):
        students = {}
        for rec in self.plan.persons:
            pid = self.person_ids.get(rec.id)
            if pid is not None and rec.responsibles is not None and rec.id not in self.export.deleted["persons"]:
                students[pid] = rec
        existing = {}
        for chunk in _chunks(list(students)):
            for rid, sid, gid, active in db.session.execute(select(
                    GuardianRelation.id, GuardianRelation.student_id, GuardianRelation.guardian_id,
                    GuardianRelation.active).where(GuardianRelation.student_id.in_(chunk),
                                                   GuardianRelation.source == Source.SYNC)):
                existing[(sid, gid)] = (rid, active)
        desired, owners = {}, {}
        for sid, rec in students.items():
            owners[sid] = f"{rec.given} {rec.family}"
            for ext, rtype in rec.responsibles:
                gid = self.person_ids.get(ext)
                if gid is None:
                    self.report.warn(notice("responsible_unknown", id=rec.id, responsible=ext))
                    continue
                desired[(sid, gid)] = {"relation_type": rtype}
        self._replace("guardian_relation", GuardianRelation, existing, desired, owners,
                      lambda k: {"student_id": k[0], "guardian_id": k[1]})

    def mentors(self):
        members_of = {self.group_ids.get(g.id): [self.person_ids[m] for m in (g.members or ())
                                                 if m in self.person_ids]
                      for g in self.plan.groups}
        desired, owners = {}, {}
        for d in self.plan.duties:
            mentor = self.person_ids.get(d.person)
            if mentor is None or d.id in self.export.deleted["duties"]:
                continue
            owners[mentor] = d.id
            for gext in d.mentor_of:
                for student in members_of.get(self.group_ids.get(gext), ()):
                    desired[(mentor, student)] = {}
        existing = {}
        for chunk in _chunks(list(owners)):
            for rid, mid, sid, active in db.session.execute(select(
                    MentorRelation.id, MentorRelation.mentor_id, MentorRelation.mentee_id, MentorRelation.active
            ).where(MentorRelation.mentor_id.in_(chunk), MentorRelation.source == Source.SYNC,
                    MentorRelation.kind == MentorKind.STUDENT_MENTOR)):
                existing[(mid, sid)] = (rid, active)
        self._replace("student_mentor", MentorRelation, existing, desired, owners,
                      lambda k: {"mentor_id": k[0], "mentee_id": k[1], "kind": MentorKind.STUDENT_MENTOR})

    # -- removals
    def removals(self):
        gone_people = {self.person_ids[e] for e in self.export.deleted["persons"] | self.inactive_persons
                       if e in self.person_ids}
        gone_groups = {self.group_ids[e] for e in self.export.deleted["groups"] if e in self.group_ids}
        gone_duties = set(self.export.deleted["duties"])
        if self.full:
            seen_p = {r.id for r in self.plan.persons}
            seen_g = {r.id for r in self.plan.groups}
            seen_d = {r.id for r in self.plan.duties}
            gone_people |= {pid for ext, pid in self.person_ids.items() if ext not in seen_p}
            gone_groups |= {gid for ext, gid in self.group_ids.items() if ext not in seen_g}
            gone_duties |= set(db.session.scalars(select(Duty.external_id).join(Person).where(
                Person.organisation_id == self.org.id, Duty.source == Source.SYNC, Duty.active))) - seen_d
        self._deactivate_people(gone_people)
        self._deactivate_groups(gone_groups)
        if gone_duties:
            rows = [r for r in db.session.execute(select(Duty.id, Duty.external_id).join(Person).where(
                Person.organisation_id == self.org.id, Duty.source == Source.SYNC, Duty.active))
                if r.external_id in gone_duties]
            self._deactivate(Duty, [r.id for r in rows])
            for r in rows:
                self.report.count("duty", "deactivated", r.external_id)
                self.log("sync_deactivate", "duty", r.id, r.external_id, {"active": True}, {"active": False})

    def _deactivate(self, model, ids):
        rows = [{"id": i, "active": False, "deactivated_at": self.now, "updated_at": self.now} for i in ids]
        for chunk in _chunks(rows, 5000):
            db.session.execute(update(model), chunk)

    def _active_ids(self, model, column, ids, **where):
        out = []
        for chunk in _chunks(ids):
            stmt = select(model.id, column).where(column.in_(chunk), model.active)
            for k, v in where.items():
                stmt = stmt.where(getattr(model, k) == v)
            out.extend(db.session.execute(stmt).all())
        return out

    def _deactivate_people(self, ids: set[int]):
        if not ids:
            return
        ids = list(ids)
        people = {}
        for chunk in _chunks(ids):
            for pid, given, family, active in db.session.execute(select(
                    Person.id, Person.given_name, Person.family_name, Person.active).where(Person.id.in_(chunk))):
                people[pid] = (f"{given} {family}", active)
        live = [pid for pid, (_n, active) in people.items() if active]
        self._deactivate(Person, live)
        for pid in live:
            self.report.count("person", "deactivated", people[pid][0])
            self.log("sync_deactivate", "person", pid, people[pid][0], {"active": True}, {"active": False})
        # The sync's own relations go with the person; manual ones stay and are flagged.
        for model, columns in ((Membership, [Membership.person_id]), (Duty, [Duty.person_id]),
                               (GuardianRelation, [GuardianRelation.student_id, GuardianRelation.guardian_id]),
                               (MentorRelation, [MentorRelation.mentor_id, MentorRelation.mentee_id])):
            for column in columns:
                self._deactivate(model, [r[0] for r in self._active_ids(model, column, live, source=Source.SYNC)])
                for rid, pid in self._active_ids(model, column, live, source=Source.MANUAL):
                    self.flag(model.__tablename__, rid, f"person_removed|{people[pid][0]}")

    def _deactivate_groups(self, ids: set[int]):
        if not ids:
            return
        from helpdesk.admin.models import TeachingGroupCourse

        rows = []
        for chunk in _chunks(list(ids)):
            rows.extend(db.session.execute(select(Group.id, Group.name).where(
                Group.id.in_(chunk), Group.active, Group.source == Source.SYNC)).all())
        live = [r.id for r in rows]
        for chunk in _chunks([{"id": i, "active": False, "deactivated_at": self.now, "archived_at": self.now,
                               "updated_at": self.now} for i in live], 5000):
            db.session.execute(update(Group), chunk)
        names = dict(rows)
        for gid in live:
            self.report.count("group", "deactivated", names[gid])
            self.log("sync_deactivate", "group", gid, names[gid], {"active": True}, {"active": False})
        self._deactivate(Membership, [r[0] for r in self._active_ids(Membership, Membership.group_id, live,
                                                                        source=Source.SYNC)])
        for rid, gid in self._active_ids(Membership, Membership.group_id, live, source=Source.MANUAL):
            self.flag("membership", rid, f"group_removed|{names[gid]}")
        for chunk in _chunks(live):
            for link_id, gid in db.session.execute(select(TeachingGroupCourse.id, TeachingGroupCourse.group_id)
                                                   .where(TeachingGroupCourse.group_id.in_(chunk))):
                self.flag("teaching_group_course", link_id, f"group_removed|{names[gid]}")


def _jsonable(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if hasattr(v, "value"):
            v = v.value
        elif hasattr(v, "isoformat"):
            v = v.isoformat()
        if k == "civic_no" and v:
            v = f"{v[:8]}-XXXX"
        out[k] = v
    return out


# ---------------------------------------------------------------- the command's entry point


class SyncBusy(RuntimeError):
    """Another import is running: two at once would race on the same rows."""


@dataclass
class ImportResult:
    report: Report
    run: SyncRun | None
    dry_run: bool


def run_import(path, *, dry_run: bool = False, full: bool = False) -> ImportResult:
    """Read, check, and apply an export; one committed transaction per organisation.

    With dry_run everything is worked out and rolled back, and no run is recorded.
    Raises MalformedExport (after recording a failed run) when the export is malformed.
    """
    report = Report()
    run = None
    if not dry_run:
        if not leases.acquire(IMPORT_LEASE, LEASE_TIME):
            busy = db.session.scalar(select(SyncRun.id).where(SyncRun.status == SyncRunStatus.RUNNING)
                                     .order_by(SyncRun.id.desc()))
            raise SyncBusy(f"sync run {busy} is still running; try again when it has finished")
        _close_abandoned_runs()
        run = SyncRun(source=str(path)[:500], status=SyncRunStatus.RUNNING)
        db.session.add(run)
        db.session.commit()
    try:
        return _import(path, dry_run, full, report, run)
    finally:
        if not dry_run:
            db.session.rollback()
            leases.release(IMPORT_LEASE)


def _close_abandoned_runs() -> None:
    """Runs still marked running when the lease is free were left by a process that died."""
    for stale in db.session.scalars(select(SyncRun).where(SyncRun.status == SyncRunStatus.RUNNING)):
        stale.status, stale.finished_at = SyncRunStatus.FAILED, _now()
        stale.error = "the import stopped without finishing (its process ended)"


def _import(path, dry_run: bool, full: bool, report: Report, run: SyncRun | None) -> ImportResult:
    from helpdesk.sync.reader import MalformedExport

    try:
        export = read_export(path)
        plans = _distribute(export, report)
        org_ids = []
        for plan in plans:
            job = OrgImport(plan, export, report, run.id if run else None, full)
            job.run()
            org_ids.append(job.org.id)
            if dry_run:
                db.session.flush()
            else:
                db.session.commit()
                leases.acquire(IMPORT_LEASE, LEASE_TIME)  # still working: renew
        if dry_run:
            db.session.rollback()
    except (MalformedExport, FileNotFoundError) as exc:
        db.session.rollback()
        if run is not None:
            run = db.session.get(SyncRun, run.id)
            run.status, run.error, run.finished_at = SyncRunStatus.FAILED, str(exc)[:2000], _now()
            run.counts, run.warnings = report.plain_counts(), report.warnings
            db.session.commit()
        raise
    except Exception as exc:
        db.session.rollback()
        if run is not None:
            run = db.session.get(SyncRun, run.id)
            run.status, run.error, run.finished_at = SyncRunStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000], _now()
            db.session.commit()
        raise
    if run is not None:
        run.organisation_ids = org_ids
        run.status, run.finished_at = SyncRunStatus.OK, _now()
        run.counts, run.warnings = report.plain_counts(), report.warnings
        db.session.commit()
    return ImportResult(report, run, dry_run)
