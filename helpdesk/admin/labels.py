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
