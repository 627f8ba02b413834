"""Operations, approvals (incl. a stale target), activation codes and the audit log, without HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.admin import activation, approvals, operations
from helpdesk.admin.models import ActivationCode, ApprovalStatus, AuditEntry, TeachingGroupCourse
from helpdesk.auth.models import User
from helpdesk.directory.models import GroupKind, MentorKind, MentorRelation, Person
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from tests.support.factories import add_guardian, add_member, make_person


def _ask_group(w, name="Språkval tyska"):
    return operations.perform(w.local, "create_group", {"school_id": w.school.id, "name": name,
                                                        "kind": "teaching_group"}, reason="Blandad grupp").request


def test_approving_carries_out_exactly_what_was_asked_and_tells_the_requester(world):
    req = _ask_group(world)
    assert req.status is ApprovalStatus.PENDING and req.params["name"] == "Språkval tyska"
    group = approvals.approve(world.central, req, "OK")
    assert group.name == "Språkval tyska" and group.kind is GroupKind.TEACHING_GROUP
    assert group.source.value == "manual"
    assert req.status is ApprovalStatus.APPROVED and req.decided_by_id == world.central.id
    entries = {e.operation: e for e in db.session.scalars(select(AuditEntry).where(AuditEntry.approval_id == req.id))}
    assert set(entries) == {"approval_requested", "create_group"}
    entry = entries["create_group"]
    assert entry.via == "approval" and entry.rule == 5 and entry.actor_id == world.central.id
    assert entries["approval_requested"].actor_id == world.local.id
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == world.local.email)).one()
    assert "Språkval tyska" in mail.body


def test_only_central_of_the_organisation_decides_and_only_once(world):
    req = _ask_group(world)
    with pytest.raises(PermissionDenied):
        approvals.approve(world.local, req)
    approvals.decline(world.central, req, "Använd grupp 7A i stället")
    assert req.status is ApprovalStatus.DECLINED and req.note.startswith("Använd")
    with pytest.raises(Conflict):
        approvals.approve(world.central, req)


def test_declining_needs_a_note(world):
    req = _ask_group(world)
    with pytest.raises(ValidationFailed) as exc:
        approvals.decline(world.central, req, "")
    assert exc.value.field == "note"


def test_an_approval_whose_target_changed_is_not_carried_out_and_says_why(world):
    result = operations.perform(world.local, "link_student_mentor",
                                {"student_id": world.student.id, "mentor_id": world.teacher.id}, reason="Ny mentor")
    # Meanwhile the sync removed the student.
    world.student.active = False
    db.session.flush()
    assert approvals.approve(world.central, result.request) is None
    assert result.request.status is ApprovalStatus.FAILED
    assert "inte längre aktiv" in result.request.note
    assert not db.session.scalar(select(func.count(MentorRelation.id)).where(
        MentorRelation.kind == MentorKind.STUDENT_MENTOR))


def test_an_approval_for_a_renamed_group_is_not_carried_out(world):
    manual_class = operations.perform(world.central, "create_group", {"school_id": world.school.id, "name": "Ny 7",
                                                                      "kind": "class"}).obj
    req = operations.perform(world.local, "add_members", {"group_id": manual_class.id,
                                                          "person_ids": [world.student.id]}, reason="Flyttar").request
    manual_class.name = "Ny 7 (ändrad)"
    db.session.flush()
    approvals.approve(world.central, req)
    assert req.status is ApprovalStatus.FAILED and "ändrats" in req.note


def test_temporary_numbers_are_unique_within_the_organisation(world):
    params = {"kind": "student", "given_name": "A", "family_name": "B", "school_id": world.school.id,
              "temporary_id": "20130101TF01"}
    operations.perform(world.central, "create_person", dict(params))
    with pytest.raises(ValidationFailed) as exc:
        operations.perform(world.central, "create_person", dict(params))
    assert exc.value.field == "temporary_id"
    made = operations.perform(world.central, "create_person", {**params, "temporary_id": None,
                                                                "birth_date": "2013-01-01"}).obj
    assert made.civic_no == "20130101TF02"
    with pytest.raises(ValidationFailed):
        operations.perform(world.central, "create_person", {**params, "temporary_id": "20131301-TF01"})


def test_manual_staff_get_their_role_and_title(world):
    staff = operations.perform(world.central, "create_person", {
        "kind": "staff", "given_name": "Kim", "family_name": "Kurator", "school_id": world.school.id,
        "civic_no": "198204122389", "role": "other_staff", "role_title": "Kurator"}).obj
    assert staff.duties[0].role_title == "Kurator" and staff.source.value == "manual"


def test_bulk_assignment_links_every_team_member_and_keeps_history(world):
    add_member(world.teacher, world.team)
    other = make_person(world.org)
    add_member(other, world.team)
    first = operations.perform(world.local, "link_appraisal_mentor",
                               {"staff_id": world.teacher.id, "mentor_id": other.id}).obj
    links = operations.perform(world.local, "assign_team_appraisal_mentor",
                               {"group_id": world.team.id, "mentor_id": world.principal.id}).obj
    assert {link.mentee_id for link in links} == {world.teacher.id, other.id}
    assert not first.active and first.deactivated_at is not None
    history = db.session.scalars(select(MentorRelation).where(MentorRelation.mentee_id == world.teacher.id)).all()
    assert len(history) == 2


def test_staff_groups_take_staff_only(world):
    with pytest.raises(ValidationFailed):
        operations.perform(world.local, "add_members", {"group_id": world.team.id, "person_ids": [world.student.id]})


def test_linking_a_teaching_group_to_a_course(world):
    from helpdesk.admin.courses import load_courses
    from helpdesk.admin.models import Course
    from tests.support.factories import make_group

    added, _ = load_courses()
    assert added > 30
    tg = make_group(world.school, "MA 7", GroupKind.TEACHING_GROUP)
    ma = db.session.scalar(select(Course).where(Course.code == "MATMAT01a"))
    operations.perform(world.local, "link_course", {"group_id": tg.id, "course_id": ma.id})
    assert db.session.scalar(select(TeachingGroupCourse.course_id).where(TeachingGroupCourse.group_id == tg.id)) == ma.id
    assert load_courses() == (0, 0)


def test_login_codes_are_hashed_single_use_and_regenerating_revokes_old_ones(world):
    first = activation.hand_out(world.local, world.klass.id)
    assert [letter.person.id for letter in first] == [world.student.id]
    code = first[0].code
    stored = db.session.scalars(select(ActivationCode)).one()
    assert code.replace("-", "") not in stored.code_hash
    second = activation.hand_out(world.local, world.klass.id)
    assert activation.find_code(code) is None
    user = activation.activate(second[0].code, "elev@example.org", "langt-losenord", "langt-losenord")
    assert user.person_id == world.student.id and user.enabled
    with pytest.raises(ValidationFailed):
        activation.activate(second[0].code, "elev2@example.org", "langt-losenord", "langt-losenord")
    ops = [e.operation for e in db.session.scalars(select(AuditEntry))]
    assert ops.count("hand_out_login_details") == 2 and "activate_account" in ops


def test_guardian_letters_name_the_children_and_replace_only_guardians_codes(world):
    from helpdesk.directory.models import PersonKind

    sibling = make_person(world.org, PersonKind.STUDENT, given="Syskon")
    add_member(sibling, world.klass)
    parent = make_person(world.org, PersonKind.GUARDIAN, given="Förälder", family="Ett")
    ended = make_person(world.org, PersonKind.GUARDIAN, given="Före", family="Detta")
    add_guardian(parent, world.student)
    add_guardian(parent, sibling)
    add_guardian(ended, world.student).active = False
    members = activation.hand_out(world.local, world.klass.id)
    letters = activation.hand_out(world.local, world.klass.id, recipients="guardians")
    # One letter per guardian, naming both children; an ended relation gets no letter.
    got = {letter.person.id: {c.id for c in letter.children} for letter in letters}
    assert got == {parent.id: {world.student.id, sibling.id}, world.guardian.id: {world.student.id}}
    # The members' codes still work: a guardian's letter replaces only guardians' codes.
    assert all(activation.find_code(letter.code) for letter in members)
    parent_letter = next(letter for letter in letters if letter.person.id == parent.id)
    user = activation.activate(parent_letter.code, "foralder@example.org", "langt-losenord", "langt-losenord")
    assert user.person_id == parent.id
    handed = db.session.scalars(select(AuditEntry).where(AuditEntry.operation == "hand_out_login_details")
                                .order_by(AuditEntry.id)).all()
    assert [e.after["recipients"] for e in handed] == ["members", "guardians"]


def test_guardian_letters_need_guardians_and_a_known_recipient_choice(world):
    world.relation.active = False
    with pytest.raises(ValidationFailed) as exc:
        activation.hand_out(world.local, world.klass.id, recipients="guardians")
    assert exc.value.field == "recipients"
    with pytest.raises(ValidationFailed):
        activation.hand_out(world.local, world.klass.id, recipients="teachers")
    assert db.session.scalar(select(func.count(ActivationCode.id))) == 0


def test_login_details_outside_scope_are_not_found(world):
    with pytest.raises(NotFound):
        activation.hand_out(world.local_other, world.klass.id)


def test_removing_a_manual_student_asks_under_rule_6_and_manual_staff_under_rule_8(world):
    student = operations.perform(world.central, "create_person", {
        "kind": "student", "given_name": "A", "family_name": "B", "school_id": world.school.id,
        "temporary_id": "20130101TF05"}).obj
    from tests.support.factories import add_member as member

    member(student, world.klass)
    assert operations.perform(world.local, "remove_person", {"person_id": student.id}, reason="Flyttat").request.rule == 6
    staff = operations.perform(world.central, "create_person", {
        "kind": "staff", "given_name": "C", "family_name": "D", "school_id": world.school.id,
        "temporary_id": "19800101TF01"}).obj
    assert operations.perform(world.local, "remove_person", {"person_id": staff.id}, reason="Slutat").request.rule == 8


def test_removing_a_manual_person_keeps_them_as_inactive(world_no_sync):
    w = world_no_sync
    operations.perform(w.local, "remove_person", {"person_id": w.teacher.id})
    assert db.session.get(Person, w.teacher.id) is not None and not w.teacher.active
    assert db.session.scalar(select(func.count(User.id))) >= 4
