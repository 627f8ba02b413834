"""The SyncGuard, rule by rule: refused (1-4), queued for approval (5-8), allowed (9-10), and
everything allowed without autosync; always within scope."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from helpdesk.admin import operations
from helpdesk.admin.guard import Operation, Outcome, Refused, Target, decide
from helpdesk.admin.models import ApprovalRequest, AuditEntry
from helpdesk.directory.models import Group, Person
from helpdesk.errors import NotFound, PermissionDenied
from helpdesk.extensions import db


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def perform(actor, name, params, reason="Behövs för schemat"):
    with force_locale("en"):
        return operations.perform(actor, name, params, reason=reason)


# ------------------------------------------------------------------ rules 1-4: refused


def test_rule_1_adding_a_person_with_personnummer_is_refused(world):
    with pytest.raises(Refused) as exc:
        perform(world.central, "create_person", {"kind": "student", "given_name": "Ny", "family_name": "Elev",
                                                 "school_id": world.school.id, "civic_no": "201405062389"})
    assert exc.value.rule_number == 1
    assert "synk" in str(exc.value.reason)
    assert count(ApprovalRequest) == 0


def test_rule_2_removing_a_synced_student_is_refused_even_for_central(world):
    for actor in (world.central, world.local):
        with pytest.raises(Refused) as exc:
            perform(actor, "remove_person", {"person_id": world.student.id})
        assert exc.value.rule_number == 2
    assert db.session.get(Person, world.student.id).active


def test_rule_3_removing_a_synced_guardian_relation_is_refused(world):
    with pytest.raises(Refused) as exc:
        perform(world.local, "remove_guardian_relation", {"relation_id": world.relation.id})
    assert exc.value.rule_number == 3
    assert world.relation.active


def test_rule_4_renaming_or_deleting_a_synced_class_is_refused_with_the_class_reason(world):
    with pytest.raises(Refused) as exc:
        perform(world.local, "rename_group", {"group_id": world.klass.id, "name": "6X"})
    assert exc.value.rule_number == 4
    with force_locale("sv"):
        assert "Nattsynken äger den här klassen" in str(exc.value.reason)
    with pytest.raises(Refused):
        perform(world.central, "archive_group", {"group_id": world.klass.id})
    assert db.session.get(Group, world.klass.id).name == "6A"


# ------------------------------------------------------------------ rules 5-8: approval


@pytest.mark.parametrize("name,params,rule", [
    ("create_group", lambda w: {"school_id": w.school.id, "name": "Språkval", "kind": "teaching_group"}, 5),
    ("create_person", lambda w: {"kind": "student", "given_name": "Ali", "family_name": "Ny",
                                 "school_id": w.school.id, "temporary_id": "20130101-TF01"}, 6),
    ("link_student_mentor", lambda w: {"student_id": w.student.id, "mentor_id": w.teacher.id}, 7),
    ("create_person", lambda w: {"kind": "staff", "given_name": "Sara", "family_name": "Spec",
                                 "school_id": w.school.id, "birth_date": "1980-02-03",
                                 "role": "special_educator"}, 8),
])
def test_rules_5_to_8_are_queued_for_local_admins_and_done_directly_by_central(world, name, params, rule):
    before_people, before_groups = count(Person), count(Group)
    result = perform(world.local, name, params(world))
    assert not result.done and result.decision.outcome is Outcome.NEEDS_APPROVAL
    assert result.request.rule == rule and result.request.operation == name
    assert (count(Person), count(Group)) == (before_people, before_groups)
    direct = perform(world.central, name, params(world))
    assert direct.done and direct.decision.rule == rule
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.rule == rule and entry.actor_id == world.central.id and entry.via == "direct"


def test_a_request_for_approval_needs_a_reason(world):
    from helpdesk.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        perform(world.local, "create_group", {"school_id": world.school.id, "name": "X", "kind": "class"},
                reason="  ")
    assert exc.value.field == "reason"


# ------------------------------------------------------------------ rules 9-10: allowed


def test_rule_9_staff_groups_are_allowed_for_local_admins(world):
    result = perform(world.local, "create_group", {"school_id": world.school.id, "name": "Arbetslag F-3",
                                                   "kind": "work_team"}, reason=None)
    assert result.done and result.decision.rule == 9
    team = result.obj
    perform(world.local, "add_members", {"group_id": team.id, "person_ids": [world.teacher.id]}, reason=None)
    perform(world.local, "rename_group", {"group_id": team.id, "name": "Arbetslag F-6"}, reason=None)
    perform(world.local, "archive_group", {"group_id": team.id}, reason=None)
    assert team.name == "Arbetslag F-6" and not team.active and team.archived_at is not None


def test_rule_10_appraisal_mentors_are_allowed(world):
    result = perform(world.local, "link_appraisal_mentor", {"staff_id": world.teacher.id,
                                                            "mentor_id": world.principal.id}, reason=None)
    assert result.done and result.decision.rule == 10
    assert result.obj.mentor_id == world.principal.id


# ------------------------------------------------------------------ no autosync, scope


def test_without_autosync_everything_is_allowed_within_scope(world_no_sync):
    w = world_no_sync
    assert perform(w.local, "remove_person", {"person_id": w.student.id}).done
    assert perform(w.local, "rename_group", {"group_id": w.klass.id, "name": "6B"}).done
    assert perform(w.local, "create_person", {"kind": "student", "given_name": "A", "family_name": "B",
                                              "school_id": w.school.id, "civic_no": "201405062389"}).done
    assert perform(w.central, "remove_guardian_relation", {"relation_id": w.relation.id}).done


def test_outside_scope_is_not_found_whatever_the_rule(world):
    # Out of reach answers like a missing id (see test_reach.py); the guard itself says 403.
    with pytest.raises(NotFound):
        perform(world.local_other, "create_group", {"school_id": world.school.id, "name": "Lag",
                                                    "kind": "work_team"})
    with pytest.raises(PermissionDenied):
        decide(world.local_other, Operation.REMOVE_PERSON, Target(world.org, school_ids={world.school.id}))
    # A group admin may ask for things about their own group, but not create groups: the
    # school is not theirs; and not rename their group: the role does not include it.
    with pytest.raises(NotFound):
        perform(world.group_admin, "create_group", {"school_id": world.school.id, "name": "Lag",
                                                    "kind": "work_team"})
    with pytest.raises(PermissionDenied):
        perform(world.group_admin, "rename_group", {"group_id": world.klass.id, "name": "6X"})
    assert not perform(world.group_admin, "link_student_mentor",
                       {"student_id": world.student.id, "mentor_id": world.teacher.id}).done
