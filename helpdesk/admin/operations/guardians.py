"""Who is guardian of whom, by hand: only where no sync owns it (rule 3)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.admin.guard import Operation
from helpdesk.admin.operations.base import (
    Context,
    Plan,
    active_person,
    enum_value,
    get,
    handler,
    person_target,
    snap,
)
from helpdesk.admin.reach import Ref
from helpdesk.directory.models import GuardianRelation, GuardianRelationType, Person, PersonKind
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import Source, utcnow


def _facts(rel: GuardianRelation) -> dict:
    return {"guardian": rel.guardian.display_name, "student": rel.student.display_name,
            "relation_type": rel.relation_type.value, "active": rel.active}


def _label(rel: GuardianRelation) -> str:
    return f"{rel.guardian.display_name} → {rel.student.display_name}"


@handler("add_guardian_relation")
class AddGuardianRelation:
    """Rule 3: with autosync the register says who is guardian of whom, so linking by hand is
    refused; without autosync an administrator of the child's school links them."""

    reach = (Ref("student_id", Person), Ref("guardian_id", Person, party=True))

    @staticmethod
    def plan(params: dict) -> Plan:
        student = active_person(params.get("student_id"), "student_id", PersonKind.STUDENT)
        guardian = active_person(params.get("guardian_id"), "guardian_id", PersonKind.GUARDIAN)
        kind = enum_value(GuardianRelationType, params, "relation_type", required=False,
                          default=GuardianRelationType.GUARDIAN)
        params["relation_type"] = kind.value
        if db.session.scalar(select(GuardianRelation.id).where(
                GuardianRelation.guardian_id == guardian.id, GuardianRelation.student_id == student.id,
                GuardianRelation.active)):
            raise ValidationFailed(_l("%(guardian)s is already linked to %(student)s.",
                                      guardian=guardian.display_name, student=student.display_name),
                                   field="guardian_id")
        summary = str(_l("Link %(guardian)s as guardian of %(student)s",
                         guardian=guardian.display_name, student=student.display_name))
        return Plan(Operation.ADD_GUARDIAN_RELATION, person_target(student), summary,
                    snapshot={"student": snap(student), "guardian": snap(guardian)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> GuardianRelation:
        rel = GuardianRelation(guardian_id=params["guardian_id"], student_id=params["student_id"],
                               relation_type=GuardianRelationType(params["relation_type"]),
                               source=Source.MANUAL)
        db.session.add(rel)
        db.session.flush()
        ctx.audit(actor, "add_guardian_relation", rel, organisation_id=rel.student.organisation_id,
                  after=_facts(rel), label=_label(rel))
        return rel


@handler("remove_guardian_relation")
class RemoveGuardianRelation:
    """Rule 3: guardian relations from the sync are never removed by hand."""

    reach = (Ref("relation_id", GuardianRelation),)

    @staticmethod
    def plan(params: dict) -> Plan:
        rel = get(GuardianRelation, params.get("relation_id"), field_name="relation_id")
        if not rel.active:
            raise ValidationFailed(_l("That relation has already been removed."), field="relation_id")
        summary = str(_l("Remove %(guardian)s as guardian of %(student)s",
                         guardian=rel.guardian.display_name, student=rel.student.display_name))
        return Plan(Operation.REMOVE_GUARDIAN_RELATION, person_target(rel.student, source=rel.source),
                    summary, snapshot={"relation": snap(rel)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> GuardianRelation:
        rel = db.session.get(GuardianRelation, params["relation_id"])
        before = _facts(rel)
        rel.active, rel.deactivated_at = False, utcnow()
        db.session.flush()
        ctx.audit(actor, "remove_guardian_relation", rel, organisation_id=rel.student.organisation_id,
                  before=before, after={"active": False}, label=_label(rel))
        return rel
