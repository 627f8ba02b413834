"""The demo municipality: Exempelkommun (with autosync) and Grannby (without).

Every demo account has the password `demo`. Capabilities add their own demo content
(tickets, articles, boards ...) with `add_demo_step`, run after the directory is built.
A step marked `history=True` adds the months of past activity (thousands of questions,
board threads, searches) that `flask setup` loads by default and the test suite's demo
template leaves out: tests assert on the demo's few hand-made objects, and a template
with thousands of rows would slow every test that copies it.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from helpdesk.auth.models import Role, User
from helpdesk.auth.services import hash_password, new_session_key, role_assignment
from helpdesk.directory.models import (
    Duty,
    DutyRole,
    Group,
    GroupKind,
    GuardianRelation,
    Membership,
    MembershipRole,
    MentorKind,
    MentorRelation,
    Organisation,
    Person,
    PersonKind,
    School,
    SecurityMarking,
    Vendor,
)
from helpdesk.extensions import db
from helpdesk.models_base import Source

DEMO_PASSWORD = "demo"


@dataclass
class DemoContext:
    vendor: Vendor | None = None
    orgs: dict[str, Organisation] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


_STEPS: list[tuple[int, Callable[[DemoContext], None], bool]] = []


def add_demo_step(order: int, step: Callable[[DemoContext], None], *, history: bool = False) -> None:
    """Run `step` (in `order`) when the demo is built; a `history` step only when the
    demo is built with its history."""
    if all(s is not step for _, s, _h in _STEPS):
        _STEPS.append((order, step, history))


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organisation.id)))


def luhn_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def civic_no(born: date, serial: int) -> str:
    """A made-up personnummer with a valid check digit (serial 1..999)."""
    body = born.strftime("%y%m%d") + f"{serial:03d}"
    return born.strftime("%Y%m%d") + f"{serial:03d}{luhn_digit(body)}"


_GIVEN = ["Alva", "Elias", "Maja", "Hugo", "Saga", "Liam", "Ella", "Noah", "Wilma", "Oscar",
          "Astrid", "Viggo", "Freja", "Nils", "Ebba", "Sixten", "Alice", "Melker", "Tyra", "Otto"]
_FAMILY = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
           "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Berg", "Lindqvist"]


class _Builder:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.names = itertools.cycle(itertools.product(_FAMILY, _GIVEN))
        self.serial = itertools.count(101, 7)

    def person(self, org, kind, given=None, family=None, *, born=None, source=Source.SYNC,
               email=None, marking=SecurityMarking.NONE, civic=True, key=None):
        if given is None:
            family, given = next(self.names)
        born = born or (date(2014, 3, 1) if kind is PersonKind.STUDENT else date(1982, 5, 17))
        p = Person(organisation_id=org.id, kind=kind, given_name=given, family_name=family,
                   email=email, source=source, security_marking=marking,
                   civic_no=civic_no(born, next(self.serial) % 999 or 1) if civic else None,
                   external_id=None if source is Source.MANUAL else f"{org.code.lower()}-p-{next(self.serial)}")
        db.session.add(p)
        db.session.flush()
        if key:
            self.ctx.people[key] = p
        return p

    def user(self, email, org, person=None, roles=(), vendor=None):
        u = User(email=email, password_hash=self.password_hash, person_id=person.id if person else None,
                 organisation_id=org.id if org else None, vendor_id=vendor.id if vendor else None,
                 session_key=new_session_key())
        for role, scope in roles:
            u.roles.append(role_assignment(role, scope, org.id if org else None))
        db.session.add(u)
        self.ctx.users[email] = u
        return u

    def school(self, org, name, code, types, key):
        s = School(organisation_id=org.id, name=name, school_unit_code=code, school_types=types,
                   source=Source.SYNC if org.autosync else Source.MANUAL,
                   external_id=f"{org.code.lower()}-s-{code}" if org.autosync else None)
        db.session.add(s)
        db.session.flush()
        self.ctx.schools[key] = s
        return s

    def group(self, school, name, kind, key=None, source=None):
        org_sync = self.ctx_org(school).autosync
        source = source or (Source.SYNC if org_sync else Source.MANUAL)
        g = Group(organisation_id=school.organisation_id, school_id=school.id, name=name, kind=kind,
                  source=source,
                  external_id=f"g-{school.id}-{name}" if source is Source.SYNC else None,
                  start_date=date(2026, 8, 17) if kind is GroupKind.CLASS else None)
        db.session.add(g)
        db.session.flush()
        if key:
            self.ctx.groups[key] = g
        return g

    def ctx_org(self, school):
        return db.session.get(Organisation, school.organisation_id)

    def member(self, person, group, role=MembershipRole.MEMBER, source=None):
        db.session.add(Membership(person_id=person.id, group_id=group.id, role=role,
                                  source=source or group.source))

    def duty(self, person, school, role):
        db.session.add(Duty(person_id=person.id, school_id=school.id, role=role,
                            source=person.source, external_id=f"d-{person.id}-{school.id}"
                            if person.source is Source.SYNC else None))

    def guardian(self, guardian, student, source=None):
        db.session.add(GuardianRelation(guardian_id=guardian.id, student_id=student.id,
                                        source=source or student.source))

    def staff(self, org, school, role, given=None, family=None, email=None, key=None, source=None):
        source = source or (Source.SYNC if org.autosync else Source.MANUAL)
        p = self.person(org, PersonKind.STAFF, given, family, email=email, source=source, key=key)
        # The school account's eduPersonPrincipalName, as the sync brings it: single sign-on
        # (the test IdP's users, tests/support/saml_idp) matches on it.
        p.eppn = email
        self.duty(p, school, role)
        return p

    def class_with_students(self, org, school, name, size, teacher, key):
        group = self.group(school, name, GroupKind.CLASS, key=key)
        self.member(teacher, group, MembershipRole.TEACHER)
        students = []
        for i in range(size):
            source = Source.SYNC if org.autosync else Source.MANUAL
            student = self.person(org, PersonKind.STUDENT, born=date(2014, 1 + i % 12, 1 + i), source=source)
            self.member(student, group)
            guardian = self.person(org, PersonKind.GUARDIAN, family=student.family_name,
                                   given=_GIVEN[(i * 3 + 5) % len(_GIVEN)], source=source,
                                   email=f"{student.given_name.lower()}.{student.family_name.lower()}.vh@example.org".replace("ö", "o").replace("å", "a").replace("ä", "a"))
            self.guardian(guardian, student)
            students.append(student)
        return group, students


def build_demo(history: bool = False) -> DemoContext:
    """Build the whole demo in the current transaction (the caller commits); with `history`,
    also about six months of past activity (see the history steps)."""
    ctx = DemoContext()
    b = _Builder(ctx)
    b.password_hash = hash_password(DEMO_PASSWORD)

    ctx.vendor = vendor = Vendor(name="Leverantören AB")
    db.session.add(vendor)
    db.session.flush()
    exk = Organisation(name="Exempelkommun", code="EXK", autosync=True, vendor_id=vendor.id,
                       source=Source.SYNC, external_id="exk-org")
    grb = Organisation(name="Grannby", code="GRB", autosync=False, vendor_id=vendor.id)
    db.session.add_all([exk, grb])
    db.session.flush()
    ctx.orgs.update(exk=exk, grb=grb)

    b.user("leverantor@leverantor.example", None, roles=[(Role.VENDOR_AGENT, None)], vendor=vendor).name = \
        "Vera Lind (Leverantören AB)"

    norr = b.school(exk, "Norrskolan", "41234567", "GR", "norr")
    soder = b.school(exk, "Söderskolan", "42345678", "GR", "soder")
    vaster = b.school(exk, "Västerängens förskola", "43456789", "FS", "vaster")
    ekback = b.school(exk, "Ekbackens skola", "44567890", "GR", "ekback")

    # The central team: three kommunadministratörer who also work at schools.
    for i, (given, family, email) in enumerate([
        ("Karin", "Ståhl", "central@exempelkommun.se"),
        ("Jonas", "Ek", "central2@exempelkommun.se"),
        ("Sara", "Lund", "central3@exempelkommun.se"),
    ]):
        p = b.staff(exk, norr if i == 0 else soder, DutyRole.SCHOOL_ADMINISTRATOR, given, family, email=email)
        b.user(email, exk, p, roles=[(Role.CENTRAL_ADMIN, exk), (Role.STAFF, exk)])

    # Norrskolan: principal, two local contacts, a teacher, classes 6A and 7B, a teaching group.
    rektor = b.staff(exk, norr, DutyRole.PRINCIPAL, "Helena", "Rydberg", email="rektor.norr@exempelkommun.se", key="rektor_norr")
    b.user("rektor.norr@exempelkommun.se", exk, rektor, roles=[(Role.STAFF, exk)])
    lokal = b.staff(exk, norr, DutyRole.TEACHER, "Per", "Holm", email="lokal.norr@exempelkommun.se", key="lokal_norr")
    b.user("lokal.norr@exempelkommun.se", exk, lokal, roles=[(Role.LOCAL_ADMIN, norr), (Role.STAFF, exk)])
    lokal2 = b.staff(exk, norr, DutyRole.TEACHER, "Lena", "Wik", email="lokal2.norr@exempelkommun.se")
    b.user("lokal2.norr@exempelkommun.se", exk, lokal2, roles=[(Role.LOCAL_ADMIN, norr), (Role.STAFF, exk)])
    larare = b.staff(exk, norr, DutyRole.TEACHER, "Anna", "Berglund", email="larare.norr@exempelkommun.se", key="larare_norr")
    b.user("larare.norr@exempelkommun.se", exk, larare, roles=[(Role.STAFF, exk)])
    spec = b.staff(exk, norr, DutyRole.SPECIAL_EDUCATOR, "Mikael", "Sand", key="spec_norr")

    class6a, students6a = b.class_with_students(exk, norr, "6A", 6, larare, "6a")
    class7b, students7b = b.class_with_students(exk, norr, "7B", 5, lokal, "7b")
    gadmin = b.staff(exk, norr, DutyRole.TEACHER, "Karl", "Dahl", email="gruppadmin.norr@exempelkommun.se")
    b.member(gadmin, class7b, MembershipRole.TEACHER)
    b.user("gruppadmin.norr@exempelkommun.se", exk, gadmin, roles=[(Role.GROUP_ADMIN, class7b), (Role.STAFF, exk)])
    ma6 = b.group(norr, "Ma 6A", GroupKind.TEACHING_GROUP, key="ma6a")
    b.member(larare, ma6, MembershipRole.TEACHER)
    for s in students6a[:4]:
        b.member(s, ma6)
    for s in students6a[:3]:
        db.session.add(MentorRelation(kind=MentorKind.STUDENT_MENTOR, mentor_id=larare.id,
                                      mentee_id=s.id, source=Source.SYNC, external_id=f"m-{s.id}"))

    # The demo guardian: parent of a 6A student at Norrskolan and of a younger child at Söderskolan.
    vh = b.person(exk, PersonKind.GUARDIAN, "Emma", "Lindgren", email="vardnadshavare.norr@exempelkommun.se", key="vh_norr")
    child_norr = students6a[0]
    b.guardian(vh, child_norr)
    b.user("vardnadshavare.norr@exempelkommun.se", exk, vh, roles=[(Role.GUARDIAN, exk)])

    # A student with protected identity: contact details are never shown.
    protected = b.person(exk, PersonKind.STUDENT, "Skyddad", "Identitet", marking=SecurityMarking.PROTECTED)
    b.member(protected, class7b)

    # A work team and an appraisal mentor: manual data the sync never touches.
    team = b.group(norr, "Arbetslag 6-9", GroupKind.WORK_TEAM, key="team_norr", source=Source.MANUAL)
    for staff_member in (larare, lokal, lokal2, spec):
        b.member(staff_member, team, source=Source.MANUAL)
    db.session.add(MentorRelation(kind=MentorKind.APPRAISAL_MENTOR, mentor_id=rektor.id,
                                  mentee_id=larare.id, source=Source.MANUAL))

    # Söderskolan: one local contact, a class; the guardian's second child goes here.
    lokal_s = b.staff(exk, soder, DutyRole.TEACHER, "Omar", "Haddad", email="lokal.soder@exempelkommun.se", key="lokal_soder")
    b.user("lokal.soder@exempelkommun.se", exk, lokal_s, roles=[(Role.LOCAL_ADMIN, soder), (Role.STAFF, exk)])
    larare_s = b.staff(exk, soder, DutyRole.TEACHER, "Ida", "Fors", email="larare.soder@exempelkommun.se")
    b.user("larare.soder@exempelkommun.se", exk, larare_s, roles=[(Role.STAFF, exk)])
    b.staff(exk, soder, DutyRole.PRINCIPAL, "Göran", "Blom")
    class4a, students4a = b.class_with_students(exk, soder, "4A", 5, larare_s, "4a")
    younger = b.person(exk, PersonKind.STUDENT, "Leo", "Lindgren", born=date(2017, 9, 2))
    b.member(younger, class4a)
    b.guardian(vh, younger)

    # Västerängens förskola: a preschool with a department and one local contact.
    lokal_v = b.staff(exk, vaster, DutyRole.PRESCHOOL_TEACHER, "Fatima", "Ali", email="lokal.vaster@exempelkommun.se")
    b.user("lokal.vaster@exempelkommun.se", exk, lokal_v, roles=[(Role.LOCAL_ADMIN, vaster), (Role.STAFF, exk)])
    b.class_with_students(exk, vaster, "Avdelning Blåklockan", 4, lokal_v, "blaklockan")

    # Ekbackens skola is new and has no local contact yet: its questions go straight to central.
    larare_e = b.staff(exk, ekback, DutyRole.TEACHER, "Tove", "Ahl", email="larare.ekback@exempelkommun.se")
    b.user("larare.ekback@exempelkommun.se", exk, larare_e, roles=[(Role.STAFF, exk)])
    b.class_with_students(exk, ekback, "5C", 4, larare_e, "5c")

    # Grannby: no autosync, everything is manual.
    grannby_skola = b.school(grb, "Grannby skola", "51234567", "GR", "grannby")
    cg = b.staff(grb, grannby_skola, DutyRole.SCHOOL_ADMINISTRATOR, "Ulla", "Grann", email="central@grannby.se")
    b.user("central@grannby.se", grb, cg, roles=[(Role.CENTRAL_ADMIN, grb), (Role.STAFF, grb)])
    lg = b.staff(grb, grannby_skola, DutyRole.TEACHER, "Bo", "Bygd", email="larare@grannby.se")
    b.user("larare@grannby.se", grb, lg, roles=[(Role.STAFF, grb)])
    _cls, grb_students = b.class_with_students(grb, grannby_skola, "3A", 4, lg, "3a_grb")
    vg = b.person(grb, PersonKind.GUARDIAN, "Kim", "Grannlund", email="vardnadshavare@grannby.se", source=Source.MANUAL)
    b.guardian(vg, grb_students[0], source=Source.MANUAL)
    b.user("vardnadshavare@grannby.se", grb, vg, roles=[(Role.GUARDIAN, grb)])

    db.session.flush()
    for _order, step, is_history in sorted(_STEPS, key=lambda s: s[0]):
        if history or not is_history:
            step(ctx)
    db.session.flush()
    return ctx


DEMO_ACCOUNTS = [
    ("central@exempelkommun.se", "central admin, Exempelkommun"),
    ("central2@exempelkommun.se", "central admin, Exempelkommun"),
    ("central3@exempelkommun.se", "central admin, Exempelkommun"),
    ("lokal.norr@exempelkommun.se", "local admin, Norrskolan"),
    ("lokal2.norr@exempelkommun.se", "local admin, Norrskolan"),
    ("lokal.soder@exempelkommun.se", "local admin, Söderskolan"),
    ("lokal.vaster@exempelkommun.se", "local admin, Västerängens förskola"),
    ("larare.norr@exempelkommun.se", "teacher, Norrskolan (class 6A)"),
    ("rektor.norr@exempelkommun.se", "principal, Norrskolan"),
    ("gruppadmin.norr@exempelkommun.se", "group admin of class 7B, Norrskolan"),
    ("larare.soder@exempelkommun.se", "teacher, Söderskolan"),
    ("larare.ekback@exempelkommun.se", "teacher, Ekbackens skola (no local admin)"),
    ("vardnadshavare.norr@exempelkommun.se", "guardian, children at Norrskolan and Söderskolan"),
    ("leverantor@leverantor.example", "vendor agent"),
    ("central@grannby.se", "central admin, Grannby (no autosync)"),
    ("larare@grannby.se", "teacher, Grannby skola"),
    ("vardnadshavare@grannby.se", "guardian, Grannby"),
    ("drift@helpdesk.example", "platform operator (organisations, vendor agents)"),
]
