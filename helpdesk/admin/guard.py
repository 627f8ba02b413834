"""The SyncGuard: one function that decides whether an administrative operation may happen.

The autosync rules 1-10 (listed in the README, "Administration and the sync") are the
specification. For an organisation with autosync:
rules 1-4 are refused (with the rule's reason), rules 5-8 need the central team's approval
unless a central admin does them (then they are done directly, and audited with the rule),
rules 9-10 are allowed. Without autosync everything is allowed. Always within the actor's
scope: an operation outside it raises PermissionDenied, whatever the rule says.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from helpdesk.access import scope_of
from helpdesk.directory.models import GroupKind
from helpdesk.errors import Conflict, PermissionDenied
from helpdesk.models_base import Source


class Operation(str, enum.Enum):
    CREATE_PERSON = "create_person"
    REMOVE_PERSON = "remove_person"
    REMOVE_GUARDIAN_RELATION = "remove_guardian_relation"
    ADD_GUARDIAN_RELATION = "add_guardian_relation"
    RENAME_GROUP = "rename_group"
    DELETE_GROUP = "delete_group"
    CREATE_GROUP = "create_group"
    ADD_MEMBERS = "add_members"
    REMOVE_MEMBERS = "remove_members"
    ADD_PERSON_WITHOUT_CIVIC_NO = "add_person_without_civic_no"
    LINK_STUDENT_MENTOR = "link_student_mentor"
    UNLINK_STUDENT_MENTOR = "unlink_student_mentor"
    ADD_STAFF_OUTSIDE_REGISTER = "add_staff_outside_register"
    CREATE_STAFF_GROUP = "create_staff_group"
    CREATE_WORK_TEAM = "create_work_team"
    CREATE_EMPLOYEE_GROUP = "create_employee_group"
    RENAME_STAFF_GROUP = "rename_staff_group"
    ARCHIVE_STAFF_GROUP = "archive_staff_group"
    ADD_STAFF_GROUP_MEMBERS = "add_staff_group_members"
    REMOVE_STAFF_GROUP_MEMBERS = "remove_staff_group_members"
    LINK_APPRAISAL_MENTOR = "link_appraisal_mentor"
    UNLINK_APPRAISAL_MENTOR = "unlink_appraisal_mentor"
    LINK_TEACHING_GROUP_COURSE = "link_teaching_group_course"
    HAND_OUT_LOGIN_DETAILS = "hand_out_login_details"


STAFF_GROUP_KINDS = frozenset({GroupKind.STAFF_GROUP, GroupKind.WORK_TEAM, GroupKind.EMPLOYEE_GROUP})

# Operations a group admin may ask for within their own groups.
_GROUP_LEVEL = frozenset({
    Operation.ADD_MEMBERS, Operation.REMOVE_MEMBERS, Operation.LINK_STUDENT_MENTOR,
    Operation.UNLINK_STUDENT_MENTOR, Operation.LINK_TEACHING_GROUP_COURSE,
    Operation.HAND_OUT_LOGIN_DETAILS,
})

# The rule that governs each operation on an organisation with autosync.
_REFUSED_ON_SYNC = {  # refused when the target belongs to the sync
    Operation.REMOVE_PERSON: 2,
    Operation.REMOVE_GUARDIAN_RELATION: 3,
    Operation.RENAME_GROUP: 4,
    Operation.DELETE_GROUP: 4,
    Operation.ADD_MEMBERS: 4,
    Operation.REMOVE_MEMBERS: 4,
    Operation.RENAME_STAFF_GROUP: 4,
    Operation.ARCHIVE_STAFF_GROUP: 4,
    Operation.ADD_STAFF_GROUP_MEMBERS: 4,
    Operation.REMOVE_STAFF_GROUP_MEMBERS: 4,
}
# Rule 3 also covers adding: with autosync, who is guardian of whom comes from the register.
_ALWAYS_REFUSED = {Operation.CREATE_PERSON: 1, Operation.ADD_GUARDIAN_RELATION: 3}
_NEEDS_APPROVAL = {
    Operation.CREATE_GROUP: 5,
    Operation.ADD_MEMBERS: 5,
    Operation.REMOVE_MEMBERS: 5,
    Operation.RENAME_GROUP: 5,
    Operation.DELETE_GROUP: 5,
    Operation.ADD_PERSON_WITHOUT_CIVIC_NO: 6,
    Operation.REMOVE_GUARDIAN_RELATION: 6,
    Operation.LINK_STUDENT_MENTOR: 7,
    Operation.UNLINK_STUDENT_MENTOR: 7,
    Operation.ADD_STAFF_OUTSIDE_REGISTER: 8,
    Operation.REMOVE_PERSON: 8,
}
_ALLOWED = {
    Operation.CREATE_STAFF_GROUP: 9,
    Operation.CREATE_WORK_TEAM: 9,
    Operation.CREATE_EMPLOYEE_GROUP: 9,
    Operation.RENAME_STAFF_GROUP: 9,
    Operation.ARCHIVE_STAFF_GROUP: 9,
    Operation.ADD_STAFF_GROUP_MEMBERS: 9,
    Operation.REMOVE_STAFF_GROUP_MEMBERS: 9,
    Operation.LINK_APPRAISAL_MENTOR: 10,
    Operation.UNLINK_APPRAISAL_MENTOR: 10,
    # The sync never links courses nor hands out login details: always manual.
    Operation.LINK_TEACHING_GROUP_COURSE: None,
    Operation.HAND_OUT_LOGIN_DETAILS: None,
}

RULE_TEXT = {
    # Rules 1-4 refuse: each says what the rule means and what to do instead.
    1: _l("The nightly sync brings students, staff and guardians from the school's administrative "
          "system: add the person there, and they arrive here the next morning."),
    2: _l("The nightly sync owns this person: remove them in the school's administrative system, "
          "and the sync removes them here overnight."),
    3: _l("The nightly sync owns this guardian relation: remove it in the school's administrative "
          "system, and the sync removes it here overnight."),
    4: _l("The nightly sync owns this group: rename it, remove it or change who is in it in the "
          "school's administrative system, and the sync brings the change here overnight."),
    5: _l("New groups and classes, and who is in them, need the central team's agreement."),
    6: _l("Adding a person without a Swedish personal identity number needs the central "
          "team's agreement."),
    7: _l("Linking or unlinking a student's mentor needs the central team's agreement."),
    8: _l("Adding principals, special educators and other staff who are not in the student "
          "register needs the central team's agreement."),
    9: _l("Staff groups and work teams are always kept by hand: the sync never makes them."),
    10: _l("Appraisal mentors are always linked by hand: the sync knows nothing about them."),
}
GUARDIANS_FROM_SYNC = _l("With autosync, who is guardian of whom comes from the school "
                         "administrative system through the nightly sync; a guardian is linked "
                         "to a child there, not here.")
_REASON = {Operation.ADD_GUARDIAN_RELATION: GUARDIANS_FROM_SYNC}
CLASS_FROM_SYNC = _l("The nightly sync owns this class: rename it, remove it or change its students in "
                     "the school's administrative system, and the sync brings the change here overnight.")


class Outcome(str, enum.Enum):
    ALLOWED = "allowed"
    NEEDS_APPROVAL = "needs_approval"
    REFUSED = "refused"


@dataclass
class Target:
    """What an operation is about, as far as the guard needs to know.

    `school_ids`/`group_ids` place the target in the scope tree; `source` is the owner of the
    object changed (None for something new); `kind` is the group's kind where it matters.
    """

    organisation: object
    source: Source | None = None
    school_ids: set[int] = field(default_factory=set)
    group_ids: set[int] = field(default_factory=set)
    kind: GroupKind | None = None
    # For operations on a manual person: staff fall under rule 8, everybody else under rule 6.
    person_is_staff: bool | None = None


@dataclass
class Decision:
    outcome: Outcome
    rule: int | None
    reason: object = None  # lazy string

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED

    @property
    def refused(self) -> bool:
        return self.outcome is Outcome.REFUSED

    @property
    def needs_approval(self) -> bool:
        return self.outcome is Outcome.NEEDS_APPROVAL


class Refused(Conflict):
    """The guard said no (rules 1-4); carries the rule number and the reason."""

    def __init__(self, rule: int, reason):
        super().__init__(reason, rule=str(rule))
        self.rule_number = rule
        self.reason = reason

    def to_dict(self) -> dict:
        return {"error": "Refused", "message": str(self.reason), "rule": self.rule_number,
                "reason": str(self.reason)}


def in_scope(actor, operation: Operation, target: Target) -> bool:
    from helpdesk.admin.reach import Place, reaches

    place = Place(target.organisation.id, set(target.school_ids), set(target.group_ids))
    return reaches(scope_of(actor), place, group_level=operation in _GROUP_LEVEL)


def decide(actor, operation: Operation, target: Target) -> Decision:
    """Refused, needs approval or allowed; raises PermissionDenied outside the actor's scope."""
    if not in_scope(actor, operation, target):
        raise PermissionDenied()
    org = target.organisation
    if not org.autosync:
        return Decision(Outcome.ALLOWED, None)
    if operation in _ALWAYS_REFUSED:
        rule = _ALWAYS_REFUSED[operation]
        return Decision(Outcome.REFUSED, rule, _REASON.get(operation, RULE_TEXT[rule]))
    if target.source is Source.SYNC and operation in _REFUSED_ON_SYNC:
        rule = _REFUSED_ON_SYNC[operation]
        reason = CLASS_FROM_SYNC if (rule == 4 and target.kind is GroupKind.CLASS) else RULE_TEXT[rule]
        return Decision(Outcome.REFUSED, rule, reason)
    if operation in _NEEDS_APPROVAL:
        rule = _NEEDS_APPROVAL[operation]
        if operation is Operation.REMOVE_PERSON and target.person_is_staff is False:
            rule = 6
        if scope_of(actor).is_central_for(org.id):
            return Decision(Outcome.ALLOWED, rule, RULE_TEXT[rule])
        return Decision(Outcome.NEEDS_APPROVAL, rule, RULE_TEXT[rule])
    rule = _ALLOWED[operation]
    return Decision(Outcome.ALLOWED, rule, RULE_TEXT.get(rule))


def preview(actor, operation: Operation, target: Target) -> Decision | None:
    """The decision for showing a page: None when the action is outside the actor's scope."""
    try:
        return decide(actor, operation, target)
    except PermissionDenied:
        return None
