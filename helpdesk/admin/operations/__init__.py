"""The administrative operations. Pages, the API, the CLI and approvals all call `perform`
(approvals `plan`), which in this order:

1. loads every object the parameters name and checks the actor reaches it (`reach.py`): an
   object outside the actor's scope answers exactly like a missing id, before anything about
   it is validated or named;
2. lets the operation's handler validate and plan (no writes);
3. asks the SyncGuard, then refuses (Refused), queues an approval request, or carries the
   change out and writes the audit log. Services flush, never commit.

Each operation is a Handler (`base.py`) registered by name, one module per sub-capability:
people, guardians, groups, mentors, course links. An approval stores the params and runs the
same handler later, so the change is exactly the one asked for.
"""
from __future__ import annotations

from flask import has_request_context
from flask_babel import force_locale

from helpdesk.admin.approval_requests import create_request
from helpdesk.admin.guard import Refused, decide
from helpdesk.admin.operations import course_links, groups, guardians, mentors, people  # noqa: F401 (register)
from helpdesk.admin.operations.base import HANDLERS, Context, Handler, Plan, Result
from helpdesk.admin.operations.people import next_temporary_number, temporary_number_taken
from helpdesk.admin.operations.previews import (
    group_decisions,
    guardian_decision,
    person_decisions,
    relation_decision,
    school_decisions,
)
from helpdesk.admin.reach import load_in_reach
from helpdesk.errors import NotFound

__all__ = ["HANDLERS", "Context", "Handler", "Plan", "Result", "perform", "plan", "group_decisions",
           "guardian_decision", "person_decisions", "relation_decision", "school_decisions",
           "next_temporary_number", "temporary_number_taken"]


def plan(actor, name: str, params: dict) -> Plan:
    """Scope first, then validation: the plan of an operation on objects the actor reaches."""
    try:
        h = HANDLERS[name]
    except KeyError:
        raise NotFound() from None
    load_in_reach(actor, h.reach, params)
    if has_request_context():
        return h.plan(params)
    # From the CLI or a demo step there is no reader: summaries are written in Swedish.
    with force_locale("sv"):
        return h.plan(params)


def perform(actor, name: str, params: dict, *, reason: str | None = None) -> Result:
    """Ask the guard, then refuse, queue for central's approval, or carry the change out.

    Raises NotFound for an object outside the actor's reach (as for a missing one), Refused
    for rules 1-4 and PermissionDenied for an operation the actor's role does not include.
    """
    params = dict(params)
    p = plan(actor, name, params)
    decision = decide(actor, p.operation, p.target)
    if decision.refused:
        raise Refused(decision.rule, decision.reason)
    if decision.needs_approval:
        return Result(decision, request=create_request(actor, name, params, p, decision, reason))
    obj = HANDLERS[name].apply(actor, params, Context(rule=decision.rule))
    return Result(decision, obj=obj)
