"""The sync's relations, replaced per owner present in the export: a group's memberships, a
student's guardians, a mentor duty's students. Owners the export does not mention keep theirs."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select, update

from helpdesk.directory.models import (
    GuardianRelation,
    Membership,
    MembershipRole,
    MentorKind,
    MentorRelation,
)
from helpdesk.extensions import db
from helpdesk.models_base import Source
from helpdesk.sync.applying import WRITE_CHUNK, OrgImport, chunks, insert_rows, rows
from helpdesk.sync.notices import notice


def replace(job: OrgImport, kind: str, model, existing: dict, desired: dict, owners_label: dict, extra_insert):
    """existing: key -> (id, active); desired: key -> extra values. Audits one row per owner."""
    inserts, activate, deactivate = [], [], []
    per_owner: dict = defaultdict(lambda: {"added": [], "removed": []})
    now = job.now
    for key, extra in desired.items():
        old = existing.get(key)
        if old is None:
            inserts.append({**extra_insert(key), **extra})
            per_owner[key[0]]["added"].append(key[1])
        elif not old[1]:
            activate.append({"id": old[0], "active": True, "deactivated_at": None, "updated_at": now, **extra})
            per_owner[key[0]]["added"].append(key[1])
    owners = {k[0] for k in desired} | set(owners_label)
    for key, (rid, active) in existing.items():
        if active and key[0] in owners and key not in desired:
            deactivate.append({"id": rid, "active": False, "deactivated_at": now, "updated_at": now})
            per_owner[key[0]]["removed"].append(key[1])
    insert_rows(model, [{"source": Source.SYNC, "active": True, "created_at": now, "updated_at": now, **r}
                        for r in inserts])
    for rows in (activate, deactivate):
        for chunk in chunks(rows, WRITE_CHUNK):
            db.session.execute(update(model), chunk)
    job.report.count(kind, "added", n=len(inserts) + len(activate))
    job.report.count(kind, "removed", n=len(deactivate))
    for owner, change in per_owner.items():
        job.log(f"sync_{kind}", kind, owner, owners_label.get(owner, ""),
                {"removed": change["removed"]} if change["removed"] else None,
                {"added": change["added"]} if change["added"] else None)


def memberships(job: OrgImport):
    existing = {}
    for chunk in chunks(list(job.group_ids.values())):
        for rid, gid, pid, active in rows(select(
                Membership.id, Membership.group_id, Membership.person_id, Membership.active).where(
                Membership.group_id.in_(chunk), Membership.source == Source.SYNC,
                Membership.role == MembershipRole.MEMBER)):
            existing[(gid, pid)] = (rid, active)
    desired, owners = {}, {}
    for rec in job.plan.groups:
        gid = job.group_ids.get(rec.id)
        if gid is None or rec.members is None or rec.id in job.export.deleted["groups"]:
            continue
        owners[gid] = rec.name
        for ext in rec.members:
            pid = job.person_ids.get(ext)
            if pid is None:
                job.report.warn(notice("member_unknown", id=rec.id, member=ext))
                continue
            desired[(gid, pid)] = {}
    replace(job, "membership", Membership, existing, desired, owners,
            lambda k: {"group_id": k[0], "person_id": k[1], "role": MembershipRole.MEMBER})


def guardians(job: OrgImport):
    students = {}
    for rec in job.plan.persons:
        pid = job.person_ids.get(rec.id)
        if pid is not None and rec.responsibles is not None and rec.id not in job.export.deleted["persons"]:
            students[pid] = rec
    existing = {}
    for chunk in chunks(list(students)):
        for rid, sid, gid, active in rows(select(
                GuardianRelation.id, GuardianRelation.student_id, GuardianRelation.guardian_id,
                GuardianRelation.active).where(GuardianRelation.student_id.in_(chunk),
                                               GuardianRelation.source == Source.SYNC)):
            existing[(sid, gid)] = (rid, active)
    desired, owners = {}, {}
    for sid, rec in students.items():
        owners[sid] = f"{rec.given} {rec.family}"
        for ext, rtype in rec.responsibles:
            gid = job.person_ids.get(ext)
            if gid is None:
                job.report.warn(notice("responsible_unknown", id=rec.id, responsible=ext))
                continue
            desired[(sid, gid)] = {"relation_type": rtype}
    replace(job, "guardian_relation", GuardianRelation, existing, desired, owners,
            lambda k: {"student_id": k[0], "guardian_id": k[1]})


def mentors(job: OrgImport):
    members_of = {job.group_ids.get(g.id): [job.person_ids[m] for m in (g.members or ()) if m in job.person_ids]
                  for g in job.plan.groups}
    desired, owners = {}, {}
    for d in job.plan.duties:
        mentor = job.person_ids.get(d.person)
        if mentor is None or d.id in job.export.deleted["duties"]:
            continue
        owners[mentor] = d.id
        for gext in d.mentor_of:
            for student in members_of.get(job.group_ids.get(gext), ()):
                desired[(mentor, student)] = {}
    existing = {}
    for chunk in chunks(list(owners)):
        for rid, mid, sid, active in rows(select(
                MentorRelation.id, MentorRelation.mentor_id, MentorRelation.mentee_id, MentorRelation.active
        ).where(MentorRelation.mentor_id.in_(chunk), MentorRelation.source == Source.SYNC,
                MentorRelation.kind == MentorKind.STUDENT_MENTOR)):
            existing[(mid, sid)] = (rid, active)
    replace(job, "student_mentor", MentorRelation, existing, desired, owners,
            lambda k: {"mentor_id": k[0], "mentee_id": k[1], "kind": MentorKind.STUDENT_MENTOR})
