"""/api/v1/admin/...: the same operations, through the same SyncGuard, as JSON.

Refused → 409 {"rule", "reason"}; needs approval → 202 {"id"}; done → 200/201.
"""
from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select

from helpdesk.access import require
from helpdesk.admin import approvals, audit, operations
from helpdesk.admin.models import ApprovalStatus
from helpdesk.api import api
from helpdesk.api.helpers import api_login_required, field, json_body
from helpdesk.directory.models import (
    Duty,
    Group,
    GroupKind,
    Membership,
    Person,
    PersonKind,
    School,
    SchoolPlacement,
)
from helpdesk.directory.services import get_in_reach
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id
from typing import Literal

from pydantic import Field

from helpdesk.api.spec import MAX_ID, Schema, operation


OptionalId = Field(None, ge=1, le=MAX_ID)


class Outcome(Schema):
    """Done (200/201), or waiting for a second person's approval (202, `id` of the request)."""

    status: Literal["done", "needs_approval"]
    rule: int | None
    id: int | None = None
    ids: list[int] | None = None


class Reason(Schema):
    reason: str | None = Field(None, max_length=2000, description="Why; shown to whoever approves.")


class SchoolQuery(Schema):
    school_id: int = Field(ge=1, le=MAX_ID)
    kind: str | None = Field(None, max_length=20)


class PersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    kind: str
    source: str
    active: bool


class PersonList(Schema):
    items: list[PersonOut]


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    source: str
    school_id: int | None


class GroupList(Schema):
    items: list[GroupOut]


class NewPerson(Reason):
    kind: str | None = Field(None, max_length=20)
    given_name: str | None = Field(None, max_length=100)
    family_name: str | None = Field(None, max_length=100)
    school_id: int | None = OptionalId
    civic_no: str | None = Field(None, max_length=20, description="Personnummer; never shown unmasked again.")
    temporary_id: str | None = Field(None, max_length=20)
    birth_date: str | None = Field(None, max_length=10)
    role: str | None = Field(None, max_length=40)
    role_title: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=254)


class NewGroup(Reason):
    kind: str | None = Field(None, max_length=20)
    name: str | None = Field(None, max_length=200)
    school_id: int | None = OptionalId


class GroupName(Reason):
    name: str | None = Field(None, max_length=200)


class Members(Reason):
    person_ids: list[int]


class AppraisalMentor(Reason):
    staff_id: int | None = OptionalId
    mentor_id: int | None = OptionalId


class StudentMentor(Reason):
    student_id: int | None = OptionalId
    mentor_id: int | None = OptionalId


class GuardianRelation(Reason):
    student_id: int | None = OptionalId
    guardian_id: int | None = OptionalId
    relation_type: str | None = Field(None, max_length=40)


class ApprovalsQuery(Schema):
    status: str | None = Field(None, max_length=20, description="pending (default), approved, declined, or all")


class ApprovalOut(Schema):
    id: int
    operation: str
    rule: int | None
    params: dict
    summary: str | None
    reason: str | None
    status: str
    requester_id: int | None
    created_at: str
    decided_by_id: int | None
    note: str | None


class ApprovalList(Schema):
    items: list[ApprovalOut]


class Decision(Schema):
    note: str | None = Field(None, max_length=2000)


class AuditQuery(Schema):
    page: int | None = Field(None, ge=1, le=100_000)


class AuditEntry(Schema):
    id: int
    created_at: str
    operation: str
    summary: str
    changes: list[dict]
    object_type: str | None
    object_id: int | str | None


class AuditPage(Schema):
    total: int
    page: int
    items: list[AuditEntry]



def _respond(result, created: bool = True):
    db.session.commit()
    if not result.done:
        return {"id": result.request.id, "status": "needs_approval", "rule": result.decision.rule}, 202
    obj = result.obj
    body = {"status": "done", "rule": result.decision.rule}
    if isinstance(obj, list):
        body["ids"] = [o.id for o in obj]
    elif obj is not None:
        body["id"] = obj.id
    return body, (201 if created else 200)


def _school_arg() -> School:
    school_id = as_id(request.args.get("school_id", ""))
    if school_id is None:
        raise ValidationFailed(field="school_id")
    return get_in_reach(current_user, "admin.school", School, school_id)


def _person_json(p: Person) -> dict:
    return {"id": p.id, "given_name": p.given_name, "family_name": p.family_name, "kind": p.kind.value,
            "source": p.source.value, "active": p.active}


@api.get("/admin/people")
@api_login_required
@operation("People at a school", tag="admin", scope="admin", query=SchoolQuery, responses={200: PersonList})
def admin_people():
    require(current_user, "admin.access")
    school = _school_arg()
    kind = request.args.get("kind") or None
    try:
        kind = PersonKind(kind) if kind else None
    except ValueError:
        raise ValidationFailed(field="kind") from None
    staff = select(Duty.person_id).where(Duty.school_id == school.id, Duty.active)
    members = (select(Membership.person_id).join(Group, Group.id == Membership.group_id)
               .where(Group.school_id == school.id, Membership.active))
    placed = select(SchoolPlacement.person_id).where(SchoolPlacement.school_id == school.id,
                                                     SchoolPlacement.active)
    stmt = select(Person).where(Person.id.in_(staff.union(members, placed)), Person.active)
    if kind:
        stmt = stmt.where(Person.kind == kind)
    people = db.session.scalars(stmt.order_by(Person.family_name, Person.given_name).limit(5000))
    return {"items": [_person_json(p) for p in people]}


@api.get("/admin/groups")
@api_login_required
@operation("Groups at a school", tag="admin", scope="admin", query=SchoolQuery, responses={200: GroupList})
def admin_groups():
    require(current_user, "admin.access")
    school = _school_arg()
    stmt = select(Group).where(Group.school_id == school.id, Group.active)
    kind = request.args.get("kind") or None
    if kind:
        try:
            stmt = stmt.where(Group.kind == GroupKind(kind))
        except ValueError:
            raise ValidationFailed(field="kind") from None
    return {"items": [{"id": g.id, "name": g.name, "kind": g.kind.value, "source": g.source.value,
                       "school_id": g.school_id} for g in db.session.scalars(stmt.order_by(Group.name))]}


_PERSON_FIELDS = ("kind", "given_name", "family_name", "school_id", "civic_no", "temporary_id", "birth_date",
                  "role", "role_title", "email")


@api.post("/admin/people")
@api_login_required
@operation("Add a person (the sync guard may ask for approval)", tag="admin", scope="admin", body=NewPerson, responses={201: Outcome, 202: Outcome})
def admin_create_person():
    body = json_body()
    params = {k: body.get(k) for k in _PERSON_FIELDS}
    reason = field(body, "reason", required=False, max_length=2000)
    return _respond(operations.perform(current_user, "create_person", params, reason=reason))


def _reason() -> str | None:
    body = request.get_json(silent=True, force=True)
    if isinstance(body, dict):
        value = body.get("reason")
        return value if isinstance(value, str) else None
    return None


@api.delete("/admin/people/<int:person_id>")
@api_login_required
@operation("Remove a person", tag="admin", scope="admin", body=Reason, body_optional=True, responses={200: Outcome, 202: Outcome})
def admin_remove_person(person_id: int):
    return _respond(operations.perform(current_user, "remove_person", {"person_id": person_id},
                                       reason=_reason()), created=False)


@api.post("/admin/groups")
@api_login_required
@operation("Create a group", tag="admin", scope="admin", body=NewGroup, responses={201: Outcome, 202: Outcome})
def admin_create_group():
    body = json_body()
    params = {"kind": body.get("kind"), "name": body.get("name"), "school_id": body.get("school_id")}
    return _respond(operations.perform(current_user, "create_group", params, reason=_reason()))


@api.patch("/admin/groups/<int:group_id>")
@api_login_required
@operation("Rename a group", tag="admin", scope="admin", body=GroupName, responses={200: Outcome, 202: Outcome})
def admin_rename_group(group_id: int):
    body = json_body()
    return _respond(operations.perform(current_user, "rename_group", {"group_id": group_id,
                                                                      "name": body.get("name")},
                                       reason=_reason()), created=False)


@api.delete("/admin/groups/<int:group_id>")
@api_login_required
@operation("Archive a group", tag="admin", scope="admin", body=Reason, body_optional=True, responses={200: Outcome, 202: Outcome})
def admin_archive_group(group_id: int):
    return _respond(operations.perform(current_user, "archive_group", {"group_id": group_id},
                                       reason=_reason()), created=False)


@api.post("/admin/groups/<int:group_id>/members")
@api_login_required
@operation("Add members to a group", tag="admin", scope="admin", body=Members, responses={201: Outcome, 202: Outcome})
def admin_add_members(group_id: int):
    body = json_body()
    return _respond(operations.perform(current_user, "add_members",
                                       {"group_id": group_id, "person_ids": body.get("person_ids")},
                                       reason=_reason()))


@api.post("/admin/appraisal-mentors")
@api_login_required
@operation("Link a member of staff to an appraisal mentor", tag="admin", scope="admin", body=AppraisalMentor, responses={201: Outcome, 202: Outcome})
def admin_link_appraisal_mentor():
    body = json_body()
    return _respond(operations.perform(current_user, "link_appraisal_mentor",
                                       {"staff_id": body.get("staff_id"), "mentor_id": body.get("mentor_id")},
                                       reason=_reason()))


@api.post("/admin/student-mentors")
@api_login_required
@operation("Link a student to a mentor", tag="admin", scope="admin", body=StudentMentor, responses={201: Outcome, 202: Outcome})
def admin_link_student_mentor():
    body = json_body()
    return _respond(operations.perform(current_user, "link_student_mentor",
                                       {"student_id": body.get("student_id"), "mentor_id": body.get("mentor_id")},
                                       reason=_reason()))


@api.post("/admin/guardian-relations")
@api_login_required
@operation("Add a guardian relation", tag="admin", scope="admin", body=GuardianRelation, responses={201: Outcome, 202: Outcome})
def admin_add_guardian_relation():
    body = json_body()
    params = {k: body.get(k) for k in ("student_id", "guardian_id", "relation_type")}
    return _respond(operations.perform(current_user, "add_guardian_relation", params, reason=_reason()))


@api.delete("/admin/guardian-relations/<int:relation_id>")
@api_login_required
@operation("Remove a guardian relation", tag="admin", scope="admin", body=Reason, body_optional=True, responses={200: Outcome, 202: Outcome})
def admin_remove_guardian_relation(relation_id: int):
    return _respond(operations.perform(current_user, "remove_guardian_relation", {"relation_id": relation_id},
                                       reason=_reason()), created=False)


def _masked(params: dict) -> dict:
    """Civic numbers leave the portal masked, also inside a request's parameters."""
    from helpdesk.directory.civic import mask

    return {k: (mask(v) if k in ("civic_no", "temporary_id") and isinstance(v, str) else v)
            for k, v in (params or {}).items()}


def _approval_json(r) -> dict:
    return {"id": r.id, "operation": r.operation, "rule": r.rule, "params": _masked(r.params), "summary": r.summary,
            "reason": r.reason, "status": r.status.value, "requester_id": r.requester_id,
            "created_at": r.created_at.isoformat(), "decided_by_id": r.decided_by_id, "note": r.note}


@api.get("/admin/approvals")
@api_login_required
@operation("Approval requests the caller may decide", tag="admin", scope="admin", query=ApprovalsQuery, responses={200: ApprovalList})
def admin_approvals():
    require(current_user, "admin.access")
    status = request.args.get("status", "pending")
    try:
        st = None if status == "all" else ApprovalStatus(status)
    except ValueError:
        raise ValidationFailed(field="status") from None
    return {"items": [_approval_json(r) for r in approvals.queue_for(current_user, status=st)]}


def _decision(request_id: int, approve: bool):
    require(current_user, "admin.access")
    req = approvals.get_request(current_user, request_id)
    body = request.get_json(silent=True, force=True)
    note = body.get("note") if isinstance(body, dict) else None
    if approve:
        approvals.approve(current_user, req, note)
    else:
        approvals.decline(current_user, req, note)
    db.session.commit()
    return _approval_json(req), 200


@api.post("/admin/approvals/<int:request_id>/approve")
@api_login_required
@operation("Approve a request (not your own)", tag="admin", scope="admin", body=Decision, body_optional=True, responses={200: ApprovalOut})
def admin_approve(request_id: int):
    return _decision(request_id, True)


@api.post("/admin/approvals/<int:request_id>/decline")
@api_login_required
@operation("Decline a request", tag="admin", scope="admin", body=Decision, body_optional=True, responses={200: ApprovalOut})
def admin_decline(request_id: int):
    return _decision(request_id, False)


@api.get("/admin/audit")
@api_login_required
@operation("The audit log, filtered like its page", tag="admin", scope="admin", query=AuditQuery, responses={200: AuditPage})
def admin_audit():
    """The audit log with the page's filters; each item also reads in words (`summary`)."""
    require(current_user, "admin.audit")
    f = audit.filter_for(current_user, request.args)
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    rows, total = audit.search(f, page=page, per_page=100)
    return {"total": total, "page": page, "items": [
        {"id": e.id, "created_at": e.created_at.isoformat(), "actor": e.actor_label, "operation": e.operation,
         "summary": line.text, "changes": [{"field": c.field, "before": c.before, "after": c.after}
                                           for c in line.changes],
         "object_type": e.object_type, "object_id": e.object_id, "object": e.object_label, "before": e.before,
         "after": e.after, "rule": e.rule, "via": e.via, "approval_id": e.approval_id, "person_id": e.person_id,
         "school_id": e.school_id} for line in audit.readable(rows) for e in [line.entry]]}
