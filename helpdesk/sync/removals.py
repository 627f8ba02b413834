"""Deactivating what the export says is gone (the people and groups `prepare()` planned, and
duties), with the sync's own relations of those, each counted in the run's summary. Manual
data pointing at them is kept and flagged for central."""
from __future__ import annotations

from sqlalchemy import select, update

from helpdesk.directory.models import Duty, Group, GuardianRelation, Membership, MentorRelation, Person
from helpdesk.extensions import db
from helpdesk.models_base import Source
from helpdesk.sync.applying import WRITE_CHUNK, OrgImport, chunks, rows

# How a relation that goes with a removed person or group is counted in the summary.
RELATION_COUNT = {Membership: ("membership", "removed"), Duty: ("duty", "deactivated"),
                  GuardianRelation: ("guardian_relation", "removed"),
                  MentorRelation: ("student_mentor", "removed")}


def removals(job: OrgImport):
    deactivate_people(job, job.gone_people)
    deactivate_groups(job, job.gone_groups)
    gone_duties = set(job.export.deleted["duties"])
    if job.full:
        gone_duties |= set(db.session.scalars(select(Duty.external_id).join(Person).where(
            Person.organisation_id == job.org.id, Duty.source == Source.SYNC, Duty.active))) - {
            r.id for r in job.plan.duties}
    if gone_duties:
        duties = [r for r in db.session.execute(select(Duty.id, Duty.external_id).join(Person).where(
            Person.organisation_id == job.org.id, Duty.source == Source.SYNC, Duty.active))
            if r.external_id in gone_duties]
        _deactivate(job, Duty, [r.id for r in duties])
        for r in duties:
            job.report.count("duty", "deactivated", r.external_id)
            job.log("sync_deactivate", "duty", r.id, r.external_id, {"active": True}, {"active": False})


def _deactivate(job: OrgImport, model, ids):
    changes = [{"id": i, "active": False, "deactivated_at": job.now, "updated_at": job.now} for i in ids]
    for chunk in chunks(changes, WRITE_CHUNK):
        db.session.execute(update(model), chunk)


def _active_ids(model, column, ids, **where):
    out = []
    for chunk in chunks(ids):
        stmt = select(model.id, column).where(column.in_(chunk), model.active)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        out.extend(rows(stmt).all())
    return out


def _with_relations(job: OrgImport, relations, live: list[int], names: dict[int, str], reason: str):
    """The sync's own relations go with the person or group; manual ones stay and are flagged."""
    for model, column in relations:
        ids = [r[0] for r in _active_ids(model, column, live, source=Source.SYNC)]
        _deactivate(job, model, ids)
        kind, action = RELATION_COUNT[model]
        job.report.count(kind, action, n=len(ids))
        for rid, owner in _active_ids(model, column, live, source=Source.MANUAL):
            job.flag(model.__tablename__, rid, f"{reason}|{names[owner]}")


def deactivate_people(job: OrgImport, ids: set[int]):
    if not ids:
        return
    people = {}
    for chunk in chunks(list(ids)):
        for pid, given, family, active in db.session.execute(select(
                Person.id, Person.given_name, Person.family_name, Person.active).where(Person.id.in_(chunk))):
            people[pid] = (f"{given} {family}", active)
    live = [pid for pid, (_n, active) in people.items() if active]
    _deactivate(job, Person, live)
    for pid in live:
        job.report.count("person", "deactivated", people[pid][0])
        job.log("sync_deactivate", "person", pid, people[pid][0], {"active": True}, {"active": False})
    # Deactivating by one column first means a relation between two removed people counts once.
    _with_relations(job, ((Membership, Membership.person_id), (Duty, Duty.person_id),
                          (GuardianRelation, GuardianRelation.student_id),
                          (GuardianRelation, GuardianRelation.guardian_id),
                          (MentorRelation, MentorRelation.mentor_id), (MentorRelation, MentorRelation.mentee_id)),
                    live, {pid: name for pid, (name, _a) in people.items()}, "person_removed")


def deactivate_groups(job: OrgImport, ids: set[int]):
    if not ids:
        return
    from helpdesk.admin.models import TeachingGroupCourse

    groups = []
    for chunk in chunks(list(ids)):
        groups.extend(db.session.execute(select(Group.id, Group.name).where(
            Group.id.in_(chunk), Group.active, Group.source == Source.SYNC)).all())
    live = [r.id for r in groups]
    for chunk in chunks([{"id": i, "active": False, "deactivated_at": job.now, "archived_at": job.now,
                          "updated_at": job.now} for i in live], WRITE_CHUNK):
        db.session.execute(update(Group), chunk)
    names = dict(groups)
    for gid in live:
        job.report.count("group", "deactivated", names[gid])
        job.log("sync_deactivate", "group", gid, names[gid], {"active": True}, {"active": False})
    _with_relations(job, ((Membership, Membership.group_id),), live, names, "group_removed")
    for chunk in chunks(live):
        for link_id, gid in db.session.execute(select(TeachingGroupCourse.id, TeachingGroupCourse.group_id)
                                               .where(TeachingGroupCourse.group_id.in_(chunk))):
            job.flag("teaching_group_course", link_id, f"group_removed|{names[gid]}")
