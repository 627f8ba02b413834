"""Appointments, invitations, organisations, schools and "Where do I turn?", without HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.access import can
from helpdesk.admin.models import AuditEntry
from helpdesk.auth import accounts
from helpdesk.auth.models import PasswordReset, Role, RoleAssignment, User
from helpdesk.directory.models import Organisation, Person, PersonKind, School
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.notify.models import OutboxMail
from helpdesk.organisation import appointments, contacts, organisations
from helpdesk.organisation.cli import CommandLine
from tests.organisation.conftest import user
from tests.support.factories import add_duty, make_person

CENTRAL = "central@exempelkommun.se"


def _school(name):
    return db.session.scalar(select(School).where(School.name == name))


def _org(code):
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def _roles(role, **where):
    stmt = select(func.count(RoleAssignment.id)).where(RoleAssignment.role == role)
    for k, v in where.items():
        stmt = stmt.where(getattr(RoleAssignment, k) == v)
    return db.session.scalar(stmt)


def _mails(to):
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == to)))


def _token_from(mail) -> str:
    return mail.body.split("/invitation/")[1].split()[0]


def test_appointing_a_local_admin_audits_mails_and_joins_the_support_group(ctx):
    from helpdesk.boards.models import Board, Subscription

    ekback = _school("Ekbackens skola")
    outcome = appointments.appoint(user(CENTRAL), role="local_admin", organisation_id=ekback.organisation_id,
                                   email="larare.ekback@exempelkommun.se", school_id=ekback.id)
    db.session.commit()
    tove = user("larare.ekback@exempelkommun.se")
    assert outcome.user is tove and not outcome.account_created and outcome.warnings == []
    assert {(a.role, a.school_id) for a in tove.roles} >= {(Role.LOCAL_ADMIN, ekback.id), (Role.STAFF, None)}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.operation == "appoint_role")).one()
    assert entry.actor_id == user(CENTRAL).id and "Ekbackens skola" in entry.object_label
    assert any("Ekbackens skola" in m.body for m in _mails(tove.email))
    board = db.session.scalar(select(Board).where(Board.organisation_id == ekback.organisation_id,
                                                  Board.is_default.is_(True)))
    assert db.session.scalar(select(Subscription.id).where(Subscription.user_id == tove.id,
                                                           Subscription.board_id == board.id))
    assert can(tove, "boards.view_board", board)
    # ... and leaving: the follow ends with the role.
    appointments.remove(user(CENTRAL), outcome.assignment.id)
    db.session.commit()
    assert not db.session.scalar(select(Subscription.id).where(Subscription.user_id == tove.id,
                                                               Subscription.board_id == board.id))
    assert _roles(Role.LOCAL_ADMIN, school_id=ekback.id) == 0
    assert any("no longer" in m.body or "inte längre" in m.body for m in _mails(tove.email))


def test_a_directory_person_without_an_account_gets_one_and_an_invitation_used_once(ctx):
    soder = _school("Söderskolan")
    person = make_person(soder.organisation, PersonKind.STAFF, given="Nora", family="Ny", email="nora.ny@exempelkommun.se")
    add_duty(person, soder)
    outcome = appointments.appoint(user(CENTRAL), role="local_admin", organisation_id=soder.organisation_id,
                                   person_id=person.id, school_id=soder.id)
    db.session.commit()
    nora = outcome.user
    assert outcome.account_created and nora.person_id == person.id and nora.password_hash is None
    assert {a.role for a in nora.roles} == {Role.LOCAL_ADMIN, Role.STAFF}
    invitation = [m for m in _mails(nora.email) if m.kind == "invitation"]
    assert len(invitation) == 1
    token = _token_from(invitation[0])
    with pytest.raises(ValidationFailed):
        accounts.accept_invitation(token, "short", "short")
    accounts.accept_invitation(token, "ett bra lösenord", "ett bra lösenord")
    db.session.commit()
    assert nora.password_hash
    with pytest.raises(ValidationFailed, match="(?i)invitation|inbjudan"):
        accounts.accept_invitation(token, "ett annat lösenord", "ett annat lösenord")
    # A password-reset link is not an invitation, nor the other way round.
    with pytest.raises(ValidationFailed):
        accounts.check_invitation("not-a-token")


def test_an_expired_invitation_changes_nothing(ctx):
    grb = _org("GRB")
    outcome = appointments.appoint(CommandLine(), role="central_admin", organisation_id=grb.id,
                                   email="ny.central@grannby.se")
    db.session.commit()
    token = _token_from([m for m in _mails("ny.central@grannby.se") if m.kind == "invitation"][0])
    row = db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == outcome.user.id)).one()
    assert row.purpose == "invitation" and row.expires_at - utcnow() > timedelta(days=6)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        accounts.accept_invitation(token, "ett bra lösenord", "ett bra lösenord")
    db.session.rollback()
    assert db.session.get(User, outcome.user.id).password_hash is None


def test_warnings_outside_the_recommended_numbers_but_allowed(ctx):
    norr = _school("Norrskolan")
    third = appointments.appoint(user(CENTRAL), role="local_admin", organisation_id=norr.organisation_id,
                                 email="larare.norr@exempelkommun.se", school_id=norr.id)
    assert third.warnings and "3" in str(third.warnings[0])
    fourth = appointments.appoint(user(CENTRAL), role="central_admin", organisation_id=norr.organisation_id,
                                  email="rektor.norr@exempelkommun.se")
    assert fourth.warnings == []
    fifth = appointments.appoint(user(CENTRAL), role="central_admin", organisation_id=norr.organisation_id,
                                 email="larare.norr@exempelkommun.se")
    assert fifth.warnings and "5" in str(fifth.warnings[0])
    assert _roles(Role.CENTRAL_ADMIN, organisation_id=norr.organisation_id) == 5


def test_the_last_central_admin_stays_and_below_two_warns(ctx):
    grb = _org("GRB")
    only = db.session.scalars(select(RoleAssignment).where(
        RoleAssignment.role == Role.CENTRAL_ADMIN, RoleAssignment.organisation_id == grb.id)).one()
    with pytest.raises(Conflict):
        appointments.remove(user("central@grannby.se"), only.id)
    db.session.rollback()
    assert _roles(Role.CENTRAL_ADMIN, organisation_id=grb.id) == 1
    exk = _org("EXK")
    ids = list(db.session.scalars(select(RoleAssignment.id).where(
        RoleAssignment.role == Role.CENTRAL_ADMIN, RoleAssignment.organisation_id == exk.id).order_by(RoleAssignment.id)))
    assert appointments.remove(user(CENTRAL), ids[2]) == []
    warnings = appointments.remove(user(CENTRAL), ids[1])
    assert warnings and "1" in str(warnings[0])


@pytest.mark.parametrize("who,kwargs,error", [
    (CENTRAL, {"role": "local_admin", "org": "GRB", "school": "Grannby skola", "email": "larare@grannby.se"}, NotFound),
    (CENTRAL, {"role": "local_admin", "org": "EXK", "school": "Grannby skola",
               "email": "larare.norr@exempelkommun.se"}, NotFound),
    (CENTRAL, {"role": "principal", "org": "EXK", "email": "larare.norr@exempelkommun.se"}, ValidationFailed),
    (CENTRAL, {"role": "local_admin", "org": "EXK", "school": "Norrskolan", "email": "nobody@example.org"}, NotFound),
    (CENTRAL, {"role": "local_admin", "org": "EXK", "school": "Norrskolan", "email": "larare@grannby.se"}, NotFound),
    (CENTRAL, {"role": "local_admin", "org": "EXK", "school": "Norrskolan",
               "email": "lokal.norr@exempelkommun.se"}, Conflict),
    (CENTRAL, {"role": "vendor_agent", "org": "EXK", "email": "ny@leverantor.example"}, PermissionDenied),
    ("lokal.norr@exempelkommun.se", {"role": "local_admin", "org": "EXK", "school": "Norrskolan",
                                     "email": "larare.norr@exempelkommun.se"}, PermissionDenied),
    ("larare.norr@exempelkommun.se", {"role": "central_admin", "org": "EXK",
                                      "email": "larare.norr@exempelkommun.se"}, PermissionDenied),
])
def test_bad_appointments_change_nothing(ctx, who, kwargs, error):
    before = db.session.scalar(select(func.count(RoleAssignment.id)))
    mails = db.session.scalar(select(func.count(OutboxMail.id)))
    school = _school(kwargs["school"]).id if "school" in kwargs else None
    with pytest.raises(error):
        appointments.appoint(user(who), role=kwargs["role"], organisation_id=_org(kwargs["org"]).id,
                             email=kwargs["email"], school_id=school)
    db.session.rollback()
    assert db.session.scalar(select(func.count(RoleAssignment.id))) == before
    assert db.session.scalar(select(func.count(OutboxMail.id))) == mails


def test_an_inactive_person_cannot_be_appointed(ctx):
    person = db.session.scalar(select(Person).where(Person.email == "larare.norr@exempelkommun.se"))
    person.active = False
    with pytest.raises(ValidationFailed, match="active|aktiv"):
        appointments.appoint(user(CENTRAL), role="central_admin", organisation_id=person.organisation_id,
                             person_id=person.id)


def test_removing_a_role_outside_ones_organisation_is_not_found(ctx):
    grb_role = db.session.scalar(select(RoleAssignment.id).where(RoleAssignment.role == Role.CENTRAL_ADMIN,
                                                                 RoleAssignment.organisation_id == _org("GRB").id))
    with pytest.raises(NotFound):
        appointments.remove(user(CENTRAL), grb_role)
    with pytest.raises(NotFound):
        appointments.remove(user(CENTRAL), 2**31 + 5)


def test_the_operator_creates_organisations_and_appoints_vendor_agents(ctx):
    operator = user("drift@helpdesk.example")
    org = organisations.create_organisation(operator, code="nyk", name="Nykommun", autosync=False,
                                            vendor="Leverantören AB", support_email="Support@Nykommun.se")
    assert (org.code, org.autosync, org.vendor.name, org.support_email) == (
        "NYK", False, "Leverantören AB", "support@nykommun.se")
    with pytest.raises(Conflict):
        organisations.create_organisation(operator, code="NYK", name="Igen")
    with pytest.raises(ValidationFailed):
        organisations.create_organisation(operator, code="N1", name="Fel kod")
    with pytest.raises(PermissionDenied):
        organisations.create_organisation(user(CENTRAL), code="ABC", name="Nej")
    outcome = appointments.appoint(operator, role="vendor_agent", vendor_id=org.vendor_id,
                                   email="ny.agent@leverantor.example", name="  Nils   Ny ")
    assert outcome.account_created and outcome.user.vendor_id == org.vendor_id
    # Requesters see the agent's name, never the e-mail address.
    assert outcome.user.display_name == "Nils Ny"
    assert can(outcome.user, "boards.use")
    # The operator invites the first central admin, but does not appoint local admins.
    first = appointments.appoint(operator, role="central_admin", organisation_id=org.id, email="chef@nykommun.se")
    assert first.account_created and first.user.organisation_id == org.id
    school = organisations.add_school(first.user, org, name="Nyskolan", kind="compulsory")
    with pytest.raises(PermissionDenied):
        appointments.appoint(operator, role="local_admin", organisation_id=org.id, email="chef@nykommun.se",
                             school_id=school.id)


def test_schools_by_hand_without_autosync_only(ctx):
    grb, exk = _org("GRB"), _org("EXK")
    central = user("central@grannby.se")
    school = organisations.add_school(central, grb, name="Bygdens förskola", kind="preschool",
                                      school_unit_code="51234599")
    assert (school.school_types, school.source.value, school.active) == ("FS", "manual", True)
    with pytest.raises(ValidationFailed):
        organisations.add_school(central, grb, name="X", kind="university")
    with pytest.raises(ValidationFailed):
        organisations.add_school(central, grb, name="X", kind="preschool", school_unit_code="12")
    with pytest.raises(Conflict):
        organisations.add_school(central, grb, name="bygdens förskola", kind="preschool")
    organisations.rename_school(central, grb, school, name="Bygdens nya förskola")
    organisations.close_school(central, grb, school)
    assert school.name == "Bygdens nya förskola" and not school.active and school.deactivated_at
    with pytest.raises(Conflict):
        organisations.close_school(central, grb, school)
    with pytest.raises(Conflict, match="sync|synk"):
        organisations.add_school(user(CENTRAL), exk, name="Ny", kind="compulsory")
    with pytest.raises(PermissionDenied):
        organisations.add_school(user(CENTRAL), grb, name="Ny", kind="compulsory")
    ops = set(db.session.scalars(select(AuditEntry.operation).where(AuditEntry.object_type == "school")))
    assert ops == {"add_school", "change_school", "close_school"}


def test_where_to_turn_names_the_local_contacts_or_the_central_team(ctx):
    teacher = contacts.where_to_turn(user("larare.norr@exempelkommun.se"))
    assert [s["school"] for s in teacher["schools"]] == ["Norrskolan"]
    assert sorted(teacher["schools"][0]["local_contacts"]) == ["Lena Wik", "Per Holm"]
    assert teacher["central"] == {"organisation": "Exempelkommun", "email": "support@exempelkommun.se"}
    ekback = contacts.where_to_turn(user("larare.ekback@exempelkommun.se"))["schools"][0]
    assert ekback["central_answers"] and ekback["local_contacts"] == []
    guardian = contacts.where_to_turn(user("vardnadshavare.norr@exempelkommun.se"))
    assert {s["school"]: s["local_contacts"] for s in guardian["schools"]} == {
        "Norrskolan": ["Lena Wik", "Per Holm"] if guardian["schools"][0]["local_contacts"][0] == "Lena Wik"
        else ["Per Holm", "Lena Wik"], "Söderskolan": ["Omar Haddad"]}
    assert contacts.where_to_turn(user("leverantor@leverantor.example")) is None
    assert contacts.where_to_turn(user("drift@helpdesk.example")) is None


def test_a_meeting_may_invite_the_vendor_who_then_sees_only_that_meeting(ctx):
    from helpdesk.boards import meetings
    from helpdesk.boards.models import MeetingKind

    central, vendor = user(CENTRAL), user("leverantor@leverantor.example")
    exk = _org("EXK")
    when = utcnow() + timedelta(days=10)
    invited = meetings.plan_meeting(central, organisation_id=exk.id, title="Avstämning med leverantören",
                                    kind=MeetingKind.CHECK_IN, starts_at=when, duration_minutes=60,
                                    school_ids=[_school("Norrskolan").id], invite_vendor=True)
    other = meetings.plan_meeting(central, organisation_id=exk.id, title="Intern workshop",
                                  kind=MeetingKind.WORKSHOP, starts_at=when, duration_minutes=60,
                                  school_ids=[_school("Norrskolan").id])
    assert vendor in meetings.invitee_contacts(invited) and vendor not in meetings.invitee_contacts(other)
    assert can(vendor, "boards.view_meeting", invited) and not can(vendor, "boards.view_meeting", other)
    assert not can(vendor, "boards.edit_meeting", invited)
    assert [m.title for m in meetings.visible_meetings(vendor)] == ["Avstämning med leverantören"]
    assert any("Avstämning" in m.body for m in _mails(vendor.email))
