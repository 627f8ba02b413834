"""Scope before validation: every admin operation, asked about Exempelkommun's real objects by
somebody who does not administer them (another organisation's central admin, a guardian, the
vendor), answers exactly as it does for ids that do not exist, and changes nothing.

The walks iterate HANDLERS and the admin permission-matrix cases, so a new operation or a new
admin route is covered without touching this file.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from helpdesk.admin.models import ApprovalRequest, AuditEntry, Course
from helpdesk.admin.operations import HANDLERS, perform
from helpdesk.auth.models import User
from helpdesk.directory.models import (
    Group,
    GuardianRelation,
    Membership,
    MentorRelation,
    Person,
    School,
    SchoolPlacement,
)
from helpdesk.errors import HelpdeskError
from helpdesk.extensions import db
from tests.admin import matrix as admin_matrix
from tests.conftest import login
from tests.matrix import ROLES, Refs
from tests.support.answers import answer, with_missing_ids

OUTSIDERS = ["central@grannby.se", "vardnadshavare.norr@exempelkommun.se", "leverantor@leverantor.example"]
MISSING = 999999


def _student_6a() -> Person:
    """The demo guardian's child in 6A, with a guardian relation and a student mentor."""
    return db.session.get(Person, admin_matrix._student("6A"))


def _real_ids() -> dict[type, int]:
    """One real Exempelkommun object of every kind an operation can name."""
    student = _student_6a()
    return {
        School: Refs().school("Norrskolan"),
        Group: Refs().group("6A"),
        Person: student.id,
        GuardianRelation: db.session.scalar(select(GuardianRelation.id)
                                            .where(GuardianRelation.student_id == student.id)),
        MentorRelation: db.session.scalar(select(MentorRelation.id).order_by(MentorRelation.id)),
        Course: db.session.scalar(select(Course.id).order_by(Course.id)),
    }


def _params(handler, ids: dict[type, int] | None) -> dict:
    """Parameters that would pass validation for the real objects, so a validation message
    (a name, "already has that number") would show if scope were checked second."""
    student = _student_6a()
    params = {"kind": "student", "given_name": "Ny", "family_name": "Elev", "civic_no": student.civic_no,
              "name": "6A", "relation_type": "guardian", "role": "teacher"}
    for ref in handler.reach:
        value = ids[ref.model] if ids else MISSING
        params[ref.param] = [value] if ref.many else value
    return params


def _fingerprint() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in
                 (AuditEntry, ApprovalRequest, Person, Group, GuardianRelation, MentorRelation, Membership,
                  SchoolPlacement)) + tuple(db.session.scalars(select(Group.name).order_by(Group.id)))


def _outcome(actor, name: str, params: dict) -> tuple:
    try:
        perform(actor, name, dict(params), reason="Prov")
    except HelpdeskError as exc:
        db.session.rollback()
        return type(exc).__name__, exc.status_code, exc.to_dict()
    db.session.rollback()
    return ("done",)


@pytest.mark.parametrize("email", OUTSIDERS)
def test_every_operation_answers_an_outsider_as_for_a_missing_id(demo_app, email):
    with demo_app.test_request_context():
        actor = db.session.scalar(select(User).where(User.email == email))
        ids = _real_ids()
        before = _fingerprint()
        for name, handler in sorted(HANDLERS.items()):
            real = _outcome(actor, name, _params(handler, ids))
            missing = _outcome(actor, name, _params(handler, None))
            assert real == missing, name
            assert real[:2] == ("NotFound", 404), name
            assert _student_6a().family_name not in json.dumps(real), name
        assert _fingerprint() == before


def test_an_administrator_of_the_school_gets_past_the_reach_check(demo_app):
    """The same parameters from Norrskolan's central admin reach validation: the walk above
    would prove nothing if every answer were 404 anyway."""
    with demo_app.test_request_context():
        actor = db.session.scalar(select(User).where(User.email == "central@exempelkommun.se"))
        ids = _real_ids()
        answers = {name: _outcome(actor, name, _params(h, ids)) for name, h in HANDLERS.items()}
        assert all(a[:2] != ("NotFound", 404) for a in answers.values()), answers
        assert answers["create_person"][:2] == ("ValidationFailed", 400)
        assert answers["create_person"][2]["message"] == "Någon i organisationen har redan det numret."


def test_the_cli_answers_an_outsider_as_for_a_missing_id(demo_app):
    runner = demo_app.test_cli_runner()
    with demo_app.app_context():
        ids = _real_ids()
        params = {name: (_params(h, ids), _params(h, None)) for name, h in HANDLERS.items()}
    for name, (real, missing) in sorted(params.items()):
        out = [runner.invoke(args=["admin", "run", name, "--as", "central@grannby.se", "--params", json.dumps(p),
                                   "--reason", "Prov"]) for p in (real, missing)]
        assert (out[0].exit_code, out[0].output) == (out[1].exit_code, out[1].output) == (1, out[0].output), name
        assert "Prov" not in out[0].output and "6A" not in out[0].output


def _admin_cases():
    return [c for c in admin_matrix.CASES if c.endpoint != "activation.activate"]


def _missing_body(body):
    if isinstance(body, dict):
        return {k: _missing_body(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_missing_body(v) for v in body]
    return MISSING if isinstance(body, int) and not isinstance(body, bool) else body


@pytest.mark.parametrize("email", OUTSIDERS)
def test_every_admin_page_and_api_route_answers_an_outsider_as_for_a_missing_id(demo_app, email):
    client = demo_app.test_client()
    login(client, email)
    with demo_app.app_context():
        before = _fingerprint()
        student_name = _student_6a().display_name.encode()
    role = next(r for r, e in ROLES.items() if e == email)
    for case in _admin_cases():
        if role in case.allowed:
            continue  # Grannby's own pages
        with demo_app.app_context():
            path = case.url(Refs())
        body = case.json
        missing = with_missing_ids(path.split("?")[0]) + ("?" + path.split("?")[1] if "?" in path else "")
        missing = missing.replace(f"school_id={path.rpartition('school_id=')[2]}", f"school_id={MISSING}") \
            if "school_id=" in path else missing
        if missing == path and _missing_body(body) == body:
            continue  # about no object (a list of one's own, the audit log)
        real_answer = answer(client.open(path, method=case.method, data=case.data or None, json=body), path)
        missing_answer = answer(client.open(missing, method=case.method, data=case.data or None,
                                            json=_missing_body(body)), missing)
        assert real_answer[0] in (403, 404), case.id
        assert real_answer == missing_answer, case.id
        assert student_name not in real_answer[1], case.id
    with demo_app.app_context():
        assert _fingerprint() == before


def test_an_operation_that_declares_no_reach_cannot_be_registered():
    from helpdesk.admin.operations.base import handler

    with pytest.raises(TypeError):
        @handler("scope_forgotten")
        class ScopeForgotten:
            @staticmethod
            def plan(params):
                raise AssertionError

            @staticmethod
            def apply(actor, params, ctx):
                raise AssertionError
    assert "scope_forgotten" not in HANDLERS
