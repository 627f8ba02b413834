from flask_babel import lazy_gettext as _l

from helpdesk.auth.models import Role
from helpdesk.directory.models import (
    DutyRole,
    GroupKind,
    GuardianRelationType,
    MembershipRole,
    PersonKind,
    SecurityMarking,
)
from helpdesk.labels import add_labels
from helpdesk.models_base import Source

# One call per enum: members of different str enums with the same value are equal keys.
add_labels({
    GroupKind.CLASS: _l("Class"),
    GroupKind.TEACHING_GROUP: _l("Teaching group"),
    GroupKind.STAFF_GROUP: _l("Staff group"),
    GroupKind.WORK_TEAM: _l("Work team"),
    GroupKind.EMPLOYEE_GROUP: _l("Employee group"),
    GroupKind.MENTOR_GROUP: _l("Mentor group"),
    GroupKind.OTHER: _l("Other group"),
})
add_labels({
    PersonKind.STUDENT: _l("Student"),
    PersonKind.STAFF: _l("Staff"),
    PersonKind.GUARDIAN: _l("Guardian"),
})
add_labels({
    SecurityMarking.NONE: _l("None"),
    SecurityMarking.CONFIDENTIAL: _l("Confidentiality marking"),
    SecurityMarking.PROTECTED: _l("Protected identity"),
})
add_labels({
    DutyRole.PRINCIPAL: _l("Principal"),
    DutyRole.TEACHER: _l("Teacher"),
    DutyRole.PRESCHOOL_TEACHER: _l("Preschool teacher"),
    DutyRole.SPECIAL_EDUCATOR: _l("Special educator"),
    DutyRole.SCHOOL_ADMINISTRATOR: _l("School administrator"),
    DutyRole.OTHER_STAFF: _l("Other staff"),
})
add_labels({
    MembershipRole.MEMBER: _l("Member"),
    MembershipRole.TEACHER: _l("Teacher"),
})
add_labels({
    GuardianRelationType.GUARDIAN: _l("Guardian"),
    GuardianRelationType.OTHER_RESPONSIBLE: _l("Other responsible adult"),
    GuardianRelationType.TRUSTEE: _l("Trustee (god man)"),
    GuardianRelationType.DESIGNATED: _l("Designated person"),
})
add_labels({
    Source.SYNC: _l("From the sync"),
    Source.MANUAL: _l("Manual"),
})
add_labels({
    Role.CENTRAL_ADMIN: _l("Central administrator"),
    Role.LOCAL_ADMIN: _l("Local administrator"),
    Role.GROUP_ADMIN: _l("Group administrator"),
    Role.VENDOR_AGENT: _l("Vendor agent"),
    Role.STAFF: _l("Staff"),
    Role.GUARDIAN: _l("Guardian"),
    Role.OPERATOR: _l("Platform operator"),
})
