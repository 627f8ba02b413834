"""Linking a teaching group to its course or subject: manual data the sync never touches."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.admin.guard import Operation
from helpdesk.admin.models import Course, TeachingGroupCourse
from helpdesk.admin.operations.base import Context, Plan, active_group, get, group_target, handler, snap
from helpdesk.admin.reach import Ref
from helpdesk.directory.models import Group, GroupKind
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db


@handler("link_course")
class LinkCourse:
    """Any course of the shared catalogue may be linked; None unlinks."""

    reach = (Ref("group_id", Group), Ref("course_id", Course, optional=True))

    @staticmethod
    def plan(params: dict) -> Plan:
        group = active_group(params.get("group_id"))
        if group.kind is not GroupKind.TEACHING_GROUP:
            raise ValidationFailed(_l("Only teaching groups are linked to a course or subject."),
                                   field="group_id")
        course_id = params.get("course_id")
        if course_id is None:
            summary = str(_l("Unlink %(group)s from its course", group=group.name))
        else:
            course = get(Course, course_id, field_name="course_id")
            summary = str(_l("Link %(group)s to %(course)s", group=group.name,
                             course=f"{course.code} {course.name_sv}"))
        return Plan(Operation.LINK_TEACHING_GROUP_COURSE, group_target(group), summary,
                    snapshot={"group": snap(group)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> TeachingGroupCourse | None:
        group = db.session.get(Group, params["group_id"])
        link = db.session.scalar(select(TeachingGroupCourse).where(TeachingGroupCourse.group_id == group.id))
        before = {"course": link.course.code} if link else None
        if params.get("course_id") is None:
            if link is not None:
                db.session.delete(link)
            link = None
        elif link is None:
            link = TeachingGroupCourse(group_id=group.id, course_id=params["course_id"],
                                       linked_by_id=getattr(actor, "id", None))
            db.session.add(link)
        else:
            link.course_id = params["course_id"]
            link.linked_by_id = getattr(actor, "id", None)
        db.session.flush()
        after = {"course": db.session.get(Course, params["course_id"]).code} if link else None
        ctx.audit(actor, "link_teaching_group_course", group, organisation_id=group.organisation_id,
                  before=before, after=after, label=group.name)
        return link
