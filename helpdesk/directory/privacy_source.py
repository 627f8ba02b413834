"""What the directory holds about a person, for the privacy capability's export and erasure,
and which people left long enough ago for the retention rule on deactivated people."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select

from helpdesk.directory.models import (
    Duty,
    GuardianRelation,
    Membership,
    MentorRelation,
    Person,
)
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.privacy.registry import ANONYMISED, KEPT, REMOVED, ErasureLine, Holding

# What an erased person's directory entry is called from then on (the id keeps history
# pointing at one row; nothing in it names the person).
ERASED_GIVEN_NAME = "Anonymiserad"
ERASED_FAMILY_NAME = "person"


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def export(person: Person, user_ids: list[int]) -> dict:
    def name(pid):
        p = db.session.get(Person, pid)
        return p.display_name if p is not None else None

    guardians = db.session.scalars(select(GuardianRelation).where(
        or_(GuardianRelation.guardian_id == person.id, GuardianRelation.student_id == person.id)))
    mentors = db.session.scalars(select(MentorRelation).where(
        or_(MentorRelation.mentor_id == person.id, MentorRelation.mentee_id == person.id)))
    return {
        "person": [{
            "id": person.id, "kind": person.kind.value, "given_name": person.given_name,
            "family_name": person.family_name, "email": person.email,
            # Masked even here: the file travels by hand and mail; the full number is in the
            # school administrative system the person can ask.
            "civic_no": person.masked_civic_no if person.civic_no else None,
            "source": person.source.value, "active": person.active,
            "created_at": _day(person.created_at), "deactivated_at": _day(person.deactivated_at),
        }],
        "duties": [{"school": d.school.name, "role": d.role.value, "title": d.role_title,
                    "active": d.active, "source": d.source.value}
                   for d in db.session.scalars(select(Duty).where(Duty.person_id == person.id))],
        "groups": [{"group": m.group.name, "school": m.group.school.name, "role": m.role.value,
                    "active": m.active, "source": m.source.value}
                   for m in db.session.scalars(select(Membership).where(Membership.person_id == person.id))],
        "guardian_relations": [{"guardian": name(r.guardian_id), "student": name(r.student_id),
                                "type": r.relation_type.value, "active": r.active, "source": r.source.value}
                               for r in guardians],
        "mentor_relations": [{"kind": r.kind.value, "mentor": name(r.mentor_id), "mentee": name(r.mentee_id),
                              "active": r.active, "source": r.source.value} for r in mentors],
    }


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def erase(person: Person, user_ids: list[int], *, dry_run: bool, keep_directory: bool) -> list[ErasureLine]:
    links = [
        ("duties", Duty, Duty.person_id == person.id),
        ("group_memberships", Membership, Membership.person_id == person.id),
        ("guardian_relations", GuardianRelation,
         or_(GuardianRelation.guardian_id == person.id, GuardianRelation.student_id == person.id)),
        ("mentor_relations", MentorRelation,
         or_(MentorRelation.mentor_id == person.id, MentorRelation.mentee_id == person.id)),
    ]
    if keep_directory:
        # The school administrative system owns the entry and its links; the sync would
        # bring back anything removed here, so it is erased at the source.
        lines = [ErasureLine("directory", "directory_entry", KEPT, 1, "sync_source")]
        for item, model, where in links:
            n = _count(select(model.id).where(where))
            if n:
                lines.append(ErasureLine("directory", item, KEPT, n, "sync_source"))
        return lines
    lines = [ErasureLine("directory", "directory_entry", ANONYMISED, 1)]
    for item, model, where in links:
        n = _count(select(model.id).where(where))
        if n:
            lines.append(ErasureLine("directory", item, REMOVED, n))
            if not dry_run:
                db.session.execute(delete(model).where(where).execution_options(synchronize_session=False))
    if not dry_run:
        person.given_name = ERASED_GIVEN_NAME
        person.family_name = ERASED_FAMILY_NAME
        person.email = None
        person.civic_no = None
        if person.active:
            person.active = False
            person.deactivated_at = utcnow()
        db.session.expire(person, ["memberships", "duties"])
    return lines


def deactivated_before(organisation_id: int, cutoff: datetime) -> list[int]:
    """People of the organisation deactivated (left) before the cutoff whose names are still
    there: the retention rule erases them."""
    return list(db.session.scalars(select(Person.id).where(
        Person.organisation_id == organisation_id, Person.active.is_(False),
        Person.deactivated_at < cutoff,
        ~((Person.given_name == ERASED_GIVEN_NAME) & (Person.family_name == ERASED_FAMILY_NAME)))))


def register() -> None:
    from helpdesk.privacy import registry

    registry.register_holding(Holding("directory", export, erase, order=10))
    registry.register_deactivated_people(deactivated_before)
