"""The directory's missing relations: a guardian linked by hand (rule 3 under autosync), and a
person added by hand tied to the school they were added for."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.access import can
from helpdesk.admin import approvals, operations, queries
from helpdesk.admin.guard import GUARDIANS_FROM_SYNC, Refused
from helpdesk.admin.models import AuditEntry
from helpdesk.directory.models import GuardianRelation, PersonKind, SchoolPlacement
from helpdesk.directory.services import school_ids_of_person
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import Source
from tests.support.factories import make_person


def _guardian_at(w, school, **kw):
    """A guardian added by hand at a school (as create_person makes one)."""
    return operations.perform(w.central, "create_person", {
        "kind": "guardian", "given_name": "Vera", "family_name": "Vårdnad", "school_id": school.id,
        "birth_date": "1980-05-06", **kw}).obj


def _relations(student):
    return list(db.session.scalars(select(GuardianRelation).where(GuardianRelation.student_id == student.id,
                                                                  GuardianRelation.active)))


def test_linking_a_guardian_under_autosync_is_refused_with_rule_3(world):
    guardian = make_person(world.org, PersonKind.GUARDIAN)
    before = len(_relations(world.student))
    with pytest.raises(Refused) as exc:
        operations.perform(world.central, "add_guardian_relation",
                           {"student_id": world.student.id, "guardian_id": guardian.id})
    assert exc.value.rule_number == 3 and exc.value.reason is GUARDIANS_FROM_SYNC
    assert len(_relations(world.student)) == before


def test_without_autosync_the_local_admin_links_a_guardian_and_it_is_audited(world_no_sync):
    w = world_no_sync
    guardian = _guardian_at(w, w.school)
    result = operations.perform(w.local, "add_guardian_relation",
                                {"student_id": w.student.id, "guardian_id": guardian.id,
                                 "relation_type": "trustee"})
    rel = result.obj
    assert result.done and rel.source is Source.MANUAL and rel.relation_type.value == "trustee"
    assert rel in _relations(w.student)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.operation == "add_guardian_relation")).one()
    assert entry.actor_id == w.local.id and entry.after["guardian"] == guardian.display_name
    with pytest.raises(ValidationFailed) as again:
        operations.perform(w.local, "add_guardian_relation",
                           {"student_id": w.student.id, "guardian_id": guardian.id})
    assert again.value.field == "guardian_id"
    # The relation can be removed again by hand: the sync does not own it.
    assert operations.perform(w.local, "remove_guardian_relation", {"relation_id": rel.id}).done
    assert rel not in _relations(w.student)


def test_a_guardian_at_another_school_is_out_of_the_local_admins_reach(world_no_sync):
    w = world_no_sync
    elsewhere = _guardian_at(w, w.other_school)
    with pytest.raises(NotFound) as exc:
        operations.perform(w.local, "add_guardian_relation",
                           {"student_id": w.student.id, "guardian_id": elsewhere.id})
    assert exc.value.field == "guardian_id" and elsewhere.display_name not in str(exc.value.message)
    with pytest.raises(ValidationFailed):  # somebody who is not a guardian, within reach
        operations.perform(w.local, "add_guardian_relation",
                           {"student_id": w.student.id, "guardian_id": w.teacher.id})


def test_a_person_added_by_hand_belongs_to_the_school_the_local_admin_asked_for(world):
    req = operations.perform(world.local, "create_person", {
        "kind": "student", "given_name": "Nils", "family_name": "Nyanländ", "school_id": world.school.id,
        "birth_date": "2014-02-03"}, reason="Nyanländ, inget personnummer än").request
    student = approvals.approve(world.central, req)
    placement = db.session.scalars(select(SchoolPlacement).where(SchoolPlacement.person_id == student.id)).one()
    assert placement.school_id == world.school.id and placement.active
    assert school_ids_of_person(student.id) == {world.school.id}
    assert can(world.local, "directory.view_person", student)
    assert not can(world.local_other, "directory.view_person", student)
    assert student in [p.person for p in queries.school_placed(world.school)]
    assert student in queries.member_candidates(world.klass)
    # Removing the person ends the placement too; history keeps both.
    operations.perform(world.central, "remove_person", {"person_id": student.id})
    assert not placement.active and student not in [p.person for p in queries.school_placed(world.school)]


def test_a_manual_person_joining_a_synced_class_is_rule_5_not_refused(world):
    student = operations.perform(world.central, "create_person", {
        "kind": "student", "given_name": "Nora", "family_name": "Ny", "school_id": world.school.id,
        "birth_date": "2014-04-05"}).obj
    asked = operations.perform(world.local, "add_members", {"group_id": world.klass.id,
                                                            "person_ids": [student.id]}, reason="Börjar i 6A")
    assert not asked.done and asked.request.rule == 5
    members = approvals.approve(world.central, asked.request)
    assert [m.person_id for m in members] == [student.id] and members[0].source is Source.MANUAL
    # Leaving again is also rule 5: the membership is manual, the sync never made it.
    out = operations.perform(world.central, "remove_member", {"group_id": world.klass.id, "person_id": student.id})
    assert out.done and out.decision.rule == 5
    # Somebody from the sync still comes and goes only through the register (rule 4).
    synced = make_person(world.org, PersonKind.STUDENT, source=Source.SYNC)
    with pytest.raises(Refused) as exc:
        operations.perform(world.central, "add_members", {"group_id": world.klass.id, "person_ids": [synced.id]})
    assert exc.value.rule_number == 4
