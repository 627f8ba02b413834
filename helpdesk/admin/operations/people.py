"""People added and removed by hand: those without a personnummer (rule 6) and staff outside
the register (rule 8). Each is tied to the school they were added for, by a duty (staff) or a
school placement (everybody else), so that school's lists and administrators see them."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.admin.guard import Operation, Target
from helpdesk.admin.operations.base import (
    Context,
    Plan,
    enum_value,
    get,
    active_person,
    handler,
    kind_word,
    person_facts,
    person_target,
    snap,
    text,
)
from helpdesk.admin.reach import Ref
from helpdesk.directory import civic
from helpdesk.directory.models import (
    Duty,
    DutyRole,
    Membership,
    Person,
    PersonKind,
    School,
    SchoolPlacement,
)
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import Source, utcnow


def temporary_number_taken(organisation_id: int, number: str) -> bool:
    return bool(db.session.scalar(select(func.count(Person.id)).where(
        Person.organisation_id == organisation_id, Person.civic_no == number)))


def next_temporary_number(organisation_id: int, born: date) -> str:
    """The first free YYYYMMDD-TFNN for that birth date within the organisation."""
    prefix = born.strftime("%Y%m%d") + "TF"
    taken = set(db.session.scalars(select(Person.civic_no).where(
        Person.organisation_id == organisation_id, Person.civic_no.like(prefix + "%"))))
    for n in range(1, 100):
        candidate = f"{prefix}{n:02d}"
        if candidate not in taken:
            return candidate
    raise ValidationFailed(_l("Every temporary number for that date is taken."), field="birth_date")


def _number(params: dict, organisation_id: int) -> tuple[str, bool]:
    """The person's number from the parameters, and whether it is a temporary one."""
    raw_civic = text(params, "civic_no", max_length=20, required=False)
    raw_temp = text(params, "temporary_id", max_length=20, required=False)
    if raw_temp or (raw_civic and civic.is_temporary(raw_civic)):
        field_name = "temporary_id" if raw_temp else "civic_no"
        try:
            number = civic.normalise(raw_temp or raw_civic)
        except civic.InvalidCivicNumber:
            number = None
        if number is None or not civic.is_temporary(number):
            raise ValidationFailed(_l("A temporary number is written YYYYMMDD-TFNN, with a real date."),
                                   field=field_name)
        return number, True
    if raw_civic:
        try:
            return civic.normalise(raw_civic), False
        except civic.InvalidCivicNumber:
            raise ValidationFailed(_l("That is not a valid personal identity number."),
                                   field="civic_no") from None
    if params.get("birth_date"):
        try:
            born = date.fromisoformat(str(params["birth_date"]))
        except ValueError:
            raise ValidationFailed(_l("Write the date as YYYY-MM-DD."), field="birth_date") from None
        return next_temporary_number(organisation_id, born), True
    raise ValidationFailed(
        _l("Give a personal identity number, a temporary number, or a birth date to make one."),
        field="civic_no")


@handler("create_person")
class CreatePerson:
    """Rules 1, 6 and 8: people arrive through the sync, except those without a personnummer
    (rule 6) and staff outside the register (rule 8), which need central's agreement."""

    reach = (Ref("school_id", School),)

    @staticmethod
    def plan(params: dict) -> Plan:
        school = get(School, params.get("school_id"), field_name="school_id")
        org = school.organisation
        kind = enum_value(PersonKind, params, "kind")
        given = text(params, "given_name", max_length=100)
        family = text(params, "family_name", max_length=100)
        email = text(params, "email", max_length=254, required=False)
        if email and ("@" not in email or " " in email):
            raise ValidationFailed(_l("Enter a valid e-mail address."), field="email")
        params["email"] = email
        # Asked only now that the school is known to be the actor's: whether a number is
        # taken is a fact about the organisation's people.
        number, temporary = _number(params, org.id)
        if temporary_number_taken(org.id, number):
            raise ValidationFailed(_l("Somebody in the organisation already has that number."),
                                   field="temporary_id" if temporary else "civic_no")
        params["civic_no"], params["temporary_id"] = (None, number) if temporary else (number, None)
        if kind is PersonKind.STAFF:
            role = enum_value(DutyRole, params, "role", required=False, default=DutyRole.OTHER_STAFF)
            params["role"] = role.value
            params["role_title"] = text(params, "role_title", max_length=100, required=False)
            operation = Operation.ADD_STAFF_OUTSIDE_REGISTER
        elif temporary:
            operation = Operation.ADD_PERSON_WITHOUT_CIVIC_NO
        else:
            operation = Operation.CREATE_PERSON
        summary = str(_l("Add %(kind)s %(name)s at %(school)s", kind=kind_word(kind),
                         name=f"{given} {family}", school=school.name))
        return Plan(operation, Target(org, school_ids={school.id}), summary,
                    snapshot={"school": snap(school), "number_free": True})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> Person:
        school = db.session.get(School, params["school_id"])
        person = Person(organisation_id=school.organisation_id, kind=PersonKind(params["kind"]),
                        given_name=" ".join(params["given_name"].split()),
                        family_name=" ".join(params["family_name"].split()),
                        email=params.get("email"),
                        civic_no=params.get("temporary_id") or params.get("civic_no"),
                        source=Source.MANUAL)
        db.session.add(person)
        db.session.flush()
        after = person_facts(person) | {"school": school.name}
        if person.kind is PersonKind.STAFF:
            db.session.add(Duty(person_id=person.id, school_id=school.id, role=DutyRole(params["role"]),
                                role_title=params.get("role_title"), source=Source.MANUAL))
            after |= {"role": params["role"], "role_title": params.get("role_title")}
        else:
            db.session.add(SchoolPlacement(person_id=person.id, school_id=school.id))
        db.session.flush()
        ctx.audit(actor, "create_person", person, organisation_id=person.organisation_id,
                  after=after, label=person.display_name)
        return person


@handler("remove_person")
class RemovePerson:
    """Rule 2: people from the sync are removed in the school administrative system. Manual
    people (rules 6 and 8) are marked inactive, never deleted, so history keeps them."""

    reach = (Ref("person_id", Person),)

    @staticmethod
    def plan(params: dict) -> Plan:
        person = active_person(params.get("person_id"), "person_id")
        summary = str(_l("Remove %(name)s", name=person.display_name))
        return Plan(Operation.REMOVE_PERSON,
                    person_target(person, source=person.source,
                                  person_is_staff=person.kind is PersonKind.STAFF),
                    summary, snapshot={"person": snap(person)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> Person:
        person = db.session.get(Person, params["person_id"])
        before = person_facts(person)
        now = utcnow()
        person.active, person.deactivated_at = False, now
        for model, column in ((Membership, Membership.person_id), (Duty, Duty.person_id)):
            for row in db.session.scalars(select(model).where(column == person.id, model.active,
                                                              model.source == Source.MANUAL)):
                row.active, row.deactivated_at = False, now
        for row in db.session.scalars(select(SchoolPlacement).where(SchoolPlacement.person_id == person.id,
                                                                    SchoolPlacement.active)):
            row.active, row.deactivated_at = False, now
        db.session.flush()
        ctx.audit(actor, "remove_person", person, organisation_id=person.organisation_id,
                  before=before, after=person_facts(person), label=person.display_name)
        return person
