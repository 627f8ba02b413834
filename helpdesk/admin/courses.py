"""The catalogue of Swedish school subjects and courses, shipped in data/courses.csv."""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from helpdesk.admin.models import Course, TeachingGroupCourse
from helpdesk.extensions import db

DATA = Path(__file__).parent / "data" / "courses.csv"


def load_courses(path: Path = DATA) -> tuple[int, int]:
    """Insert new codes and update changed names; returns (added, updated). Idempotent."""
    existing = {c.code: c for c in db.session.scalars(select(Course))}
    added = updated = 0
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["code"].strip()
            values = {"name_sv": row["name_sv"].strip(), "name_en": row["name_en"].strip(),
                      "school_type": row["school_type"].strip()}
            course = existing.get(code)
            if course is None:
                db.session.add(Course(code=code, **values))
                added += 1
            elif any(getattr(course, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(course, k, v)
                updated += 1
    db.session.flush()
    return added, updated


def catalogue() -> list[Course]:
    return list(db.session.scalars(select(Course).where(Course.active)
                                   .order_by(Course.school_type, Course.code)))


def course_of(group_id: int) -> Course | None:
    link = db.session.scalar(select(TeachingGroupCourse).where(TeachingGroupCourse.group_id == group_id))
    return link.course if link else None
