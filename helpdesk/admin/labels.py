from flask_babel import lazy_gettext as _l

from helpdesk.admin.guard import Operation
from helpdesk.admin.models import ApprovalStatus
from helpdesk.labels import add_labels

add_labels({
    ApprovalStatus.PENDING: _l("Waiting for central"),
    ApprovalStatus.APPROVED: _l("Approved"),
    ApprovalStatus.DECLINED: _l("Declined"),
    ApprovalStatus.FAILED: _l("Approved, not carried out"),
})
add_labels({
    Operation.CREATE_PERSON: _l("Add a person"),
    Operation.REMOVE_PERSON: _l("Remove a person"),
    Operation.REMOVE_GUARDIAN_RELATION: _l("Remove a guardian relation"),
    Operation.RENAME_GROUP: _l("Rename a group"),
    Operation.DELETE_GROUP: _l("Remove a group"),
    Operation.CREATE_GROUP: _l("Create a group or class"),
    Operation.ADD_MEMBERS: _l("Add members to a group"),
    Operation.REMOVE_MEMBERS: _l("Take members out of a group"),
    Operation.ADD_PERSON_WITHOUT_CIVIC_NO: _l("Add a person without personal identity number"),
    Operation.LINK_STUDENT_MENTOR: _l("Link a student's mentor"),
    Operation.UNLINK_STUDENT_MENTOR: _l("Unlink a student's mentor"),
    Operation.ADD_STAFF_OUTSIDE_REGISTER: _l("Add staff outside the register"),
    Operation.CREATE_STAFF_GROUP: _l("Create a staff group"),
    Operation.CREATE_WORK_TEAM: _l("Create a work team"),
    Operation.CREATE_EMPLOYEE_GROUP: _l("Create an employee group"),
    Operation.RENAME_STAFF_GROUP: _l("Rename a staff group"),
    Operation.ARCHIVE_STAFF_GROUP: _l("Archive a staff group"),
    Operation.ADD_STAFF_GROUP_MEMBERS: _l("Add staff to a staff group"),
    Operation.REMOVE_STAFF_GROUP_MEMBERS: _l("Take staff out of a staff group"),
    Operation.LINK_APPRAISAL_MENTOR: _l("Link an appraisal mentor"),
    Operation.UNLINK_APPRAISAL_MENTOR: _l("Unlink an appraisal mentor"),
    Operation.LINK_TEACHING_GROUP_COURSE: _l("Link a teaching group to a course"),
    Operation.HAND_OUT_LOGIN_DETAILS: _l("Hand out login details"),
})

# ---------------------------------------------------------------- the audit log in words
from helpdesk import audit_phrases as phrases  # noqa: E402
from helpdesk.directory.models import GroupKind, PersonKind  # noqa: E402
from helpdesk.models_base import Source  # noqa: E402


def _facts(entry) -> dict:
    """The recorded names (person, group, mentor ...) of an entry, after over before."""
    return {**(entry.before if isinstance(entry.before, dict) else {}),
            **(entry.after if isinstance(entry.after, dict) else {})}


phrases.register_nouns({
    GroupKind.CLASS: _l("the class"),
    GroupKind.TEACHING_GROUP: _l("the teaching group"),
    GroupKind.STAFF_GROUP: _l("the staff group"),
    GroupKind.WORK_TEAM: _l("the work team"),
    GroupKind.EMPLOYEE_GROUP: _l("the employee group"),
    GroupKind.MENTOR_GROUP: _l("the mentor group"),
    GroupKind.OTHER: _l("the group"),
})
phrases.register("create_person", _l("Added a person"), _l("Added %(object)s"))
phrases.register("remove_person", _l("Removed a person"), _l("Removed %(object)s"))
phrases.register("remove_guardian_relation", _l("Removed a guardian relation"),
                 _l("Removed %(guardian)s as guardian of %(student)s"), fallback=_l("Removed the guardian relation %(object)s"),
                 values=_facts)
phrases.register("create_group", _l("Created a group"), _l("Created %(what)s %(object)s at %(school)s"),
                 fallback=_l("Created the group %(object)s"))
phrases.register("rename_group", _l("Renamed a group"), _l("Renamed %(what)s at %(school)s to %(object)s"),
                 fallback=_l("Renamed the group to %(object)s"))
phrases.register("archive_group", _l("Archived a group"), _l("Archived %(what)s %(object)s at %(school)s"),
                 fallback=_l("Archived the group %(object)s"))
phrases.register("add_member", _l("Added a member to a group"), _l("Added %(person)s to %(group)s"),
                 fallback=_l("Added a member: %(object)s"), values=_facts)
phrases.register("remove_member", _l("Took a member out of a group"), _l("Took %(person)s out of %(group)s"),
                 fallback=_l("Took a member out: %(object)s"), values=_facts)
phrases.register("link_student_mentor", _l("Linked a student's mentor"),
                 _l("Made %(mentor)s mentor of %(student)s"), fallback=_l("Linked a mentor: %(object)s"),
                 values=_facts)
phrases.register("unlink_student_mentor", _l("Unlinked a student's mentor"),
                 _l("Unlinked %(mentor)s as mentor of %(mentee)s"), fallback=_l("Unlinked a mentor: %(object)s"),
                 values=_facts)
phrases.register("link_appraisal_mentor", _l("Linked an appraisal mentor"),
                 _l("Made %(mentor)s appraisal mentor of %(staff)s"),
                 fallback=_l("Linked an appraisal mentor: %(object)s"), values=_facts)
phrases.register("unlink_appraisal_mentor", _l("Unlinked an appraisal mentor"),
                 _l("Unlinked %(mentor)s as appraisal mentor of %(mentee)s"),
                 fallback=_l("Unlinked an appraisal mentor: %(object)s"), values=_facts)
phrases.register("link_teaching_group_course", _l("Linked a teaching group to a course"),
                 _l("Linked the teaching group %(object)s to a course"))
phrases.register(Operation.HAND_OUT_LOGIN_DETAILS, _l("Handed out login details"),
                 _l("Handed out login details for %(what)s %(object)s"),
                 fallback=_l("Handed out login details for %(object)s"))
phrases.register("activate_account", _l("Activated an account"), _l("%(object)s activated their account"))
phrases.register("approval_requested", _l("Asked central for approval"),
                 _l("Asked central to approve: %(object)s"))
phrases.register("approval_declined", _l("Declined a request"), _l("Declined the request: %(object)s"))
phrases.register("approval_not_carried_out", _l("Approved a request that could not be carried out"),
                 _l("Approved, but could not carry out: %(object)s"))

def _enum_label(*enums):
    """A recorded value ("work_team", "sync") by the directory's own labels."""
    from helpdesk.labels import label

    def read(value):
        for enum_cls in enums:
            try:
                return label(enum_cls(value))
            except ValueError:
                continue
        return value
    return read


phrases.register_field("kind", _l("Kind"), _enum_label(GroupKind, PersonKind))
phrases.register_field("source", _l("Source"), _enum_label(Source))
phrases.register_field("group", _l("Group"))
phrases.register_field("person", _l("Person"))
phrases.register_field("mentor", _l("Mentor"))
phrases.register_field("student", _l("Student"))
phrases.register_field("mentee", _l("Mentee"))
phrases.register_field("staff", _l("Staff member"))
phrases.register_field("guardian", _l("Guardian"))
phrases.register_field("course", _l("Course"))
phrases.register_field("role", _l("Role"))
phrases.register_field("role_title", _l("Job title"))
phrases.register_field("people", _l("People"))
phrases.register_field("recipients", _l("Recipients"))
phrases.register_field("format", _l("Format"))
phrases.register_field("expires", _l("Valid until"))
phrases.register_field("operation", _l("Operation"), phrases.title)
