"""Mentors: a student's mentor (rule 7) and a staff member's appraisal mentor (rule 10)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.admin.guard import Operation
from helpdesk.admin.operations.base import (
    Context,
    Plan,
    active_group,
    active_person,
    get,
    group_target,
    handler,
    is_staff_group,
    person_target,
    snap,
)
from helpdesk.admin.reach import Ref
from helpdesk.directory.models import Group, Membership, MentorKind, MentorRelation, Person, PersonKind
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import Source, utcnow


def _existing_link(kind: MentorKind, mentor_id: int, mentee_id: int) -> MentorRelation | None:
    return db.session.scalar(select(MentorRelation).where(
        MentorRelation.kind == kind, MentorRelation.mentor_id == mentor_id,
        MentorRelation.mentee_id == mentee_id, MentorRelation.active))


def _same_organisation(mentor: Person, organisation_id: int) -> None:
    if mentor.organisation_id != organisation_id:
        raise ValidationFailed(_l("The mentor must work in the same organisation."), field="mentor_id")


@handler("link_student_mentor")
class LinkStudentMentor:
    """Rule 7: linking a student's mentor needs central's agreement."""

    reach = (Ref("student_id", Person), Ref("mentor_id", Person, party=True))

    @staticmethod
    def plan(params: dict) -> Plan:
        student = active_person(params.get("student_id"), "student_id", PersonKind.STUDENT)
        mentor = active_person(params.get("mentor_id"), "mentor_id", PersonKind.STAFF)
        _same_organisation(mentor, student.organisation_id)
        if _existing_link(MentorKind.STUDENT_MENTOR, mentor.id, student.id):
            raise ValidationFailed(_l("%(mentor)s is already mentor of %(student)s.",
                                      mentor=mentor.display_name, student=student.display_name),
                                   field="mentor_id")
        summary = str(_l("Link %(mentor)s as mentor of %(student)s", mentor=mentor.display_name,
                         student=student.display_name))
        return Plan(Operation.LINK_STUDENT_MENTOR, person_target(student), summary,
                    snapshot={"student": snap(student), "mentor": snap(mentor)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> MentorRelation:
        rel = MentorRelation(kind=MentorKind.STUDENT_MENTOR, mentor_id=params["mentor_id"],
                             mentee_id=params["student_id"], source=Source.MANUAL)
        db.session.add(rel)
        db.session.flush()
        ctx.audit(actor, "link_student_mentor", rel, organisation_id=rel.mentee.organisation_id,
                  after={"mentor": rel.mentor.display_name, "student": rel.mentee.display_name},
                  label=f"{rel.mentor.display_name} → {rel.mentee.display_name}")
        return rel


@handler("unlink_mentor")
class UnlinkMentor:
    """Rule 7 for a student's mentor (central's agreement); rule 10 for appraisal mentors."""

    reach = (Ref("relation_id", MentorRelation),)

    @staticmethod
    def plan(params: dict) -> Plan:
        rel = get(MentorRelation, params.get("relation_id"), field_name="relation_id")
        if not rel.active:
            raise ValidationFailed(_l("That link has already ended."), field="relation_id")
        if rel.kind is MentorKind.STUDENT_MENTOR:
            op = Operation.UNLINK_STUDENT_MENTOR
            summary = str(_l("Unlink %(mentor)s as mentor of %(student)s", mentor=rel.mentor.display_name,
                             student=rel.mentee.display_name))
        else:
            op = Operation.UNLINK_APPRAISAL_MENTOR
            summary = str(_l("Unlink %(mentor)s as appraisal mentor of %(staff)s",
                             mentor=rel.mentor.display_name, staff=rel.mentee.display_name))
        return Plan(op, person_target(rel.mentee), summary, snapshot={"relation": snap(rel)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> MentorRelation:
        rel = db.session.get(MentorRelation, params["relation_id"])
        rel.active, rel.deactivated_at = False, utcnow()
        db.session.flush()
        ctx.audit(actor, f"unlink_{rel.kind.value}", rel, organisation_id=rel.mentee.organisation_id,
                  before={"mentor": rel.mentor.display_name, "mentee": rel.mentee.display_name,
                          "active": True},
                  after={"active": False}, label=f"{rel.mentor.display_name} → {rel.mentee.display_name}")
        return rel


def _link_appraisal(actor, staff: Person, mentor: Person, ctx: Context) -> MentorRelation:
    existing = list(db.session.scalars(select(MentorRelation).where(
        MentorRelation.kind == MentorKind.APPRAISAL_MENTOR, MentorRelation.mentee_id == staff.id,
        MentorRelation.active)))
    for rel in existing:
        if rel.mentor_id == mentor.id:
            return rel
    before = {"mentors": [r.mentor.display_name for r in existing]} if existing else None
    now = utcnow()
    for rel in existing:  # one appraisal mentor at a time; the old link stays as history
        rel.active, rel.deactivated_at = False, now
    rel = MentorRelation(kind=MentorKind.APPRAISAL_MENTOR, mentor_id=mentor.id, mentee_id=staff.id,
                         source=Source.MANUAL)
    db.session.add(rel)
    db.session.flush()
    ctx.audit(actor, "link_appraisal_mentor", rel, organisation_id=staff.organisation_id, before=before,
              after={"mentor": mentor.display_name, "staff": staff.display_name},
              label=f"{mentor.display_name} → {staff.display_name}")
    return rel


@handler("link_appraisal_mentor")
class LinkAppraisalMentor:
    """Rule 10: appraisal mentors are always linked by hand."""

    reach = (Ref("staff_id", Person), Ref("mentor_id", Person, party=True))

    @staticmethod
    def plan(params: dict) -> Plan:
        staff = active_person(params.get("staff_id"), "staff_id", PersonKind.STAFF)
        mentor = active_person(params.get("mentor_id"), "mentor_id", PersonKind.STAFF)
        if staff.id == mentor.id:
            raise ValidationFailed(_l("Nobody is their own appraisal mentor."), field="mentor_id")
        _same_organisation(mentor, staff.organisation_id)
        summary = str(_l("Link %(mentor)s as appraisal mentor of %(staff)s", mentor=mentor.display_name,
                         staff=staff.display_name))
        return Plan(Operation.LINK_APPRAISAL_MENTOR, person_target(staff), summary,
                    snapshot={"staff": snap(staff), "mentor": snap(mentor)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> MentorRelation:
        return _link_appraisal(actor, db.session.get(Person, params["staff_id"]),
                               db.session.get(Person, params["mentor_id"]), ctx)


@handler("assign_team_appraisal_mentor")
class AssignTeamAppraisalMentor:
    """Rule 10, in bulk: every staff member of a work team gets the same appraisal mentor."""

    reach = (Ref("group_id", Group), Ref("mentor_id", Person, party=True))

    @staticmethod
    def plan(params: dict) -> Plan:
        group = active_group(params.get("group_id"))
        if not is_staff_group(group):
            raise ValidationFailed(_l("Only staff groups and work teams can be assigned at once."),
                                   field="group_id")
        mentor = active_person(params.get("mentor_id"), "mentor_id", PersonKind.STAFF)
        _same_organisation(mentor, group.organisation_id)
        summary = str(_l("Link %(mentor)s as appraisal mentor of everybody in %(group)s",
                         mentor=mentor.display_name, group=group.name))
        return Plan(Operation.LINK_APPRAISAL_MENTOR, group_target(group), summary,
                    snapshot={"group": snap(group), "mentor": snap(mentor)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> list[MentorRelation]:
        mentor = db.session.get(Person, params["mentor_id"])
        staff = db.session.scalars(
            select(Person).join(Membership, Membership.person_id == Person.id)
            .where(Membership.group_id == params["group_id"], Membership.active, Person.active,
                   Person.kind == PersonKind.STAFF, Person.id != mentor.id)
            .order_by(Person.family_name, Person.given_name))
        return [_link_appraisal(actor, p, mentor, ctx) for p in staff]
