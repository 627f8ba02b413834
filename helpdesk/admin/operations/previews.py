"""What the guard says about each action a page could offer, so it offers only those (and
shows the reason where the guard refuses). None: outside the actor's scope."""
from __future__ import annotations

from helpdesk.admin.guard import Decision, Operation, Target, preview
from helpdesk.admin.operations.base import group_target, is_staff_group, person_target
from helpdesk.directory.models import Group, GroupKind, GuardianRelation, MentorKind, Person, PersonKind, School


def group_decisions(actor, group: Group) -> dict[str, Decision | None]:
    staff = is_staff_group(group)
    t = group_target(group, source=group.source)
    return {
        "rename": preview(actor, Operation.RENAME_STAFF_GROUP if staff else Operation.RENAME_GROUP, t),
        "archive": preview(actor, Operation.ARCHIVE_STAFF_GROUP if staff else Operation.DELETE_GROUP, t),
        "add_members": preview(actor, Operation.ADD_STAFF_GROUP_MEMBERS if staff else Operation.ADD_MEMBERS, t),
        "remove_members": preview(actor, Operation.REMOVE_STAFF_GROUP_MEMBERS if staff
                                  else Operation.REMOVE_MEMBERS, t),
        "login_details": preview(actor, Operation.HAND_OUT_LOGIN_DETAILS, group_target(group)),
        "course": (preview(actor, Operation.LINK_TEACHING_GROUP_COURSE, group_target(group))
                   if group.kind is GroupKind.TEACHING_GROUP else None),
        "team_mentor": (preview(actor, Operation.LINK_APPRAISAL_MENTOR, group_target(group))
                        if staff else None),
    }


def person_decisions(actor, person: Person) -> dict[str, Decision | None]:
    t = person_target(person, source=person.source)
    t.person_is_staff = person.kind is PersonKind.STAFF
    out = {"remove": preview(actor, Operation.REMOVE_PERSON, t) if person.active else None,
           "student_mentor": None, "appraisal_mentor": None, "add_guardian": None}
    if person.kind is PersonKind.STUDENT:
        out["student_mentor"] = preview(actor, Operation.LINK_STUDENT_MENTOR, person_target(person))
        out["add_guardian"] = guardian_decision(actor, person)
    if person.kind is PersonKind.STAFF:
        out["appraisal_mentor"] = preview(actor, Operation.LINK_APPRAISAL_MENTOR, person_target(person))
    return out


def guardian_decision(actor, student: Person) -> Decision | None:
    return preview(actor, Operation.ADD_GUARDIAN_RELATION, person_target(student))


def relation_decision(actor, rel) -> Decision | None:
    if isinstance(rel, GuardianRelation):
        return preview(actor, Operation.REMOVE_GUARDIAN_RELATION,
                       person_target(rel.student, source=rel.source))
    op = (Operation.UNLINK_STUDENT_MENTOR if rel.kind is MentorKind.STUDENT_MENTOR
          else Operation.UNLINK_APPRAISAL_MENTOR)
    return preview(actor, op, person_target(rel.mentee, source=rel.source))


def school_decisions(actor, school: School) -> dict[str, Decision | None]:
    t = Target(school.organisation, school_ids={school.id})
    return {
        "create_class": preview(actor, Operation.CREATE_GROUP, t),
        "create_staff_group": preview(actor, Operation.CREATE_WORK_TEAM, t),
        "create_person": preview(actor, Operation.CREATE_PERSON, t),
        "add_without_civic": preview(actor, Operation.ADD_PERSON_WITHOUT_CIVIC_NO, t),
        "add_staff": preview(actor, Operation.ADD_STAFF_OUTSIDE_REGISTER, t),
    }
