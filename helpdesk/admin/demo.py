"""Demo content: the course catalogue, a teaching group's course, an employee group and a
pending request from Norrskolan's local admin for the central team to decide."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db


def demo_step(ctx) -> None:
    from helpdesk.admin.courses import load_courses
    from helpdesk.admin.models import Course
    from helpdesk.admin.operations import perform

    load_courses()
    lokal = ctx.users["lokal.norr@exempelkommun.se"]
    central = ctx.users["central@exempelkommun.se"]
    norr = ctx.schools["norr"]
    db.session.flush()
    ma = db.session.scalar(select(Course).where(Course.code == "MA"))
    perform(central, "link_course", {"group_id": ctx.groups["ma6a"].id, "course_id": ma.id})
    perform(central, "create_group", {"school_id": norr.id, "name": "Medarbetargrupp rektor Norr",
                                      "kind": "employee_group"})
    perform(lokal, "create_group", {"school_id": norr.id, "name": "Språkval tyska 7", "kind": "teaching_group"},
            reason="Tyskan läses i en blandad grupp från 7A och 7B som inte finns i elevregistret.")
