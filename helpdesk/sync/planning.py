"""Planning a sync run: which organisation each record of the export belongs to, and, per
organisation, how many people and groups the run would create, update and deactivate.

Every organisation is planned exactly once per run. Records that the export does not tie to
a school (a guardian whose only child left, staff without a duty) are placed by what the
database already knows about them, into the same plan as the rest of their organisation:
a second plan for the same organisation would see only those few records and, with
`--full`, take everybody else for missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from helpdesk.directory.models import Organisation, Person, School
from helpdesk.extensions import db
from helpdesk.models_base import Source
from helpdesk.sync.notices import notice
from helpdesk.sync.reader import Export
from helpdesk.sync.report import Report

ROOT_TYPES = ("Huvudman", "Kommun")


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


@dataclass
class Changes:
    """The people and groups one organisation's import would change, before anything is written."""

    organisation: str
    organisation_id: int | None = None
    persons: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "deactivated": 0, "active": 0})
    groups: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "deactivated": 0, "active": 0})

    def removal_share(self, kind: str) -> float:
        counts = getattr(self, kind)
        return counts["deactivated"] / counts["active"] if counts["active"] else 0.0

    def too_destructive(self, max_share: float) -> bool:
        """More than max_share of the synced people or groups that are active now would go."""
        return any(self.removal_share(k) > max_share for k in ("persons", "groups"))

    def as_dict(self) -> dict:
        return {"organisation": self.organisation, "organisation_id": self.organisation_id,
                "persons": dict(self.persons), "groups": dict(self.groups)}


def find_org(ext_id: str | None, name: str) -> Organisation | None:
    """The organisation a huvudman of the export is, without changing anything."""
    org = None
    if ext_id:
        org = db.session.scalar(select(Organisation).where(Organisation.external_id == ext_id))
    if org is None:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name,
                                                           Organisation.autosync.is_(True)))
    return org


def make_code(name: str) -> str:
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


def distribute(export: Export, report: Report) -> list[OrgPlan]:
    """One plan per organisation, each record of the export in at most one of them."""
    orgs = {o.id: o for o in export.organisations}

    def root(oid: str) -> str | None:
        seen = set()
        while oid in orgs and oid not in seen:
            seen.add(oid)
            if orgs[oid].type in ROOT_TYPES:
                return oid
            oid = orgs[oid].parent
        return None

    plans: dict[str, OrgPlan] = {}
    by_org_id: dict[int, OrgPlan] = {}
    for o in export.organisations:
        if o.type in ROOT_TYPES and o.id not in plans:
            plan = plans[o.id] = OrgPlan(o.id, o.name)
            org = find_org(o.id, o.name)
            if org is not None:
                if org.id in by_org_id:  # two huvudman records for one organisation: one plan
                    plans[o.id] = by_org_id[org.id]
                    continue
                plan.org, by_org_id[org.id] = org, plan

    def plan_for_db_org(org_id: int) -> OrgPlan:
        """The plan of an organisation the database knows: the export's own, if it has one."""
        if org_id not in by_org_id:
            org = db.session.get(Organisation, org_id)
            by_org_id[org_id] = plans[f"db:{org_id}"] = OrgPlan(org.external_id, org.name, org=org)
        return by_org_id[org_id]

    # Schools already known tell which organisation an export without huvudman belongs to.
    known_schools = {ext: org_id for ext, org_id in db.session.execute(
        select(School.external_id, School.organisation_id).where(School.source == Source.SYNC,
                                                                 School.external_id.is_not(None)))}
    distinct = {id(p): p for p in plans.values()}
    only = next(iter(distinct.values())) if len(distinct) == 1 else None
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
    distinct = {id(p): p for p in plans.values()}
    single = next(iter(distinct.values())) if len(distinct) == 1 else None

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
    return list({id(p): p for p in plans.values()}.values())
