"""Every admin, activation and admin API route, with the demo roles allowed."""
from sqlalchemy import select

from helpdesk.extensions import db
from tests.matrix import EVERYONE, Case

ADMINS = frozenset({"central", "local", "local_other", "group_admin", "other_org"})
NORR = frozenset({"central", "local"})
NORR_7B = NORR | {"group_admin"}
CENTRALS = frozenset({"central", "other_org"})
# The audit log: central admins their organisation's, local admins their schools' entries.
AUDIT_READERS = CENTRALS | {"local", "local_other"}


def _student(group_name):
    from helpdesk.directory.models import Group, Membership, MembershipRole, Person, PersonKind

    return db.session.scalar(select(Person.id).join(Membership, Membership.person_id == Person.id)
                             .join(Group, Group.id == Membership.group_id)
                             .where(Group.name == group_name, Person.kind == PersonKind.STUDENT,
                                    Membership.role == MembershipRole.MEMBER).order_by(Person.id))


def _guardian_relation(r):
    from helpdesk.directory.models import GuardianRelation

    return db.session.scalar(select(GuardianRelation.id).where(GuardianRelation.student_id == _student("6A")))


def _appraisal(r):
    from helpdesk.directory.models import MentorKind, MentorRelation

    return db.session.scalar(select(MentorRelation.id).where(MentorRelation.kind == MentorKind.APPRAISAL_MENTOR))


def _request(r):
    from helpdesk.admin.models import ApprovalRequest

    return db.session.scalar(select(ApprovalRequest.id).order_by(ApprovalRequest.id))


def _course(code):
    from helpdesk.admin.models import Course

    return db.session.scalar(select(Course.id).where(Course.code == code))


class BodyCase(Case):
    """A case whose JSON body needs demo ids: worked out when the URL is (inside an app context)."""

    _body = None

    @property
    def json(self):
        return self._body

    @json.setter
    def json(self, value):
        self._body = value


def api(endpoint, url_fn, allowed, method, body_fn):
    case = BodyCase(endpoint, None, allowed, method=method)

    def url(r):
        case._body = body_fn(r)
        return url_fn(r)

    case.url = url
    return case


def _person(r, email):
    return r.person_of(email)


TEAM = "Arbetslag 6-9"
TEACHER = "larare.norr@exempelkommun.se"

CASES = [
    Case("admin.index", lambda r: "/admin/", ADMINS),
    Case("admin.school", lambda r: f"/admin/schools/{r.school('Norrskolan')}", NORR),
    Case("admin.create_group", lambda r: f"/admin/schools/{r.school('Norrskolan')}/groups", NORR, method="POST",
         data={"g-name": "Matrislag", "g-kind": "work_team"}),
    Case("admin.create_person", lambda r: f"/admin/schools/{r.school('Norrskolan')}/people", NORR, method="POST",
         data={"p-kind": "staff", "p-given_name": "Ny", "p-family_name": "Kurator", "p-birth_date": "1980-01-01",
               "p-role": "other_staff", "p-reason": "Kurator utan personnummer"}),
    Case("admin.appraisal_report", lambda r: f"/admin/schools/{r.school('Norrskolan')}/appraisal-report", NORR),
    Case("admin.group", lambda r: f"/admin/groups/{r.group(TEAM)}", NORR, name="work team"),
    Case("admin.group", lambda r: f"/admin/groups/{r.group('7B')}", NORR_7B, name="class 7B"),
    Case("admin.rename_group", lambda r: f"/admin/groups/{r.group(TEAM)}/rename", NORR, method="POST",
         data={"r-name": "Arbetslag 7-9"}),
    Case("admin.archive_group", lambda r: f"/admin/groups/{r.group(TEAM)}/archive", NORR, method="POST"),
    Case("admin.add_members", lambda r: f"/admin/groups/{r.group(TEAM)}/members", NORR, method="POST",
         data={"m-person_ids": ["1"]}),
    Case("admin.remove_member",
         lambda r: f"/admin/groups/{r.group(TEAM)}/members/{r.person_of(TEACHER)}/remove", NORR, method="POST"),
    Case("admin.link_course", lambda r: f"/admin/groups/{r.group('Ma 6A')}/course", NORR, method="POST",
         data={"c-course_id": "0"}),
    Case("admin.assign_team_mentor", lambda r: f"/admin/groups/{r.group(TEAM)}/appraisal-mentor", NORR,
         method="POST", data={"t-mentor_id": "0"}),
    Case("admin.login_details", lambda r: f"/admin/groups/{r.group('7B')}/login-details", NORR_7B, method="POST",
         data={"l-format": "csv", "l-lang": "sv"}),
    Case("admin.person", lambda r: f"/admin/people/{r.person_of(TEACHER)}", NORR),
    Case("admin.person", lambda r: f"/admin/people/{_student_without('3A', 'vardnadshavare@grannby.se')}",
         frozenset({"other_org"}), name="student in Grannby (no autosync: the guardian form)"),
    Case("admin.remove_person", lambda r: f"/admin/people/{r.person_of(TEACHER)}/remove", NORR, method="POST"),
    Case("admin.link_student_mentor", lambda r: f"/admin/people/{_student('7B')}/student-mentors", NORR_7B,
         method="POST", data={"s-mentor_id": "0"}),
    Case("admin.link_appraisal_mentor", lambda r: f"/admin/people/{r.person_of(TEACHER)}/appraisal-mentor", NORR,
         method="POST", data={"a-mentor_id": "0"}),
    Case("admin.unlink_mentor", lambda r: f"/admin/mentor-relations/{_appraisal(r)}/unlink", NORR, method="POST"),
    Case("admin.remove_guardian_relation", lambda r: f"/admin/guardian-relations/{_guardian_relation(r)}/remove",
         NORR, method="POST"),
    Case("admin.add_guardian_relation", lambda r: f"/admin/people/{_student('6A')}/guardians", NORR, method="POST",
         data={"v-guardian_id": "0", "v-relation_type": "guardian"}),
    Case("admin.mentor", lambda r: f"/admin/mentors/{r.person_of('rektor.norr@exempelkommun.se')}", NORR),
    Case("admin.approval_queue", lambda r: "/admin/approvals", ADMINS),
    Case("admin.approval", lambda r: f"/admin/approvals/{_request(r)}", NORR),
    Case("admin.approve", lambda r: f"/admin/approvals/{_request(r)}/approve", frozenset({"central"}), method="POST"),
    Case("admin.decline", lambda r: f"/admin/approvals/{_request(r)}/decline", frozenset({"central"}), method="POST",
         data={"note": "Nej"}),
    Case("admin.audit_log", lambda r: "/admin/audit", AUDIT_READERS),
    Case("admin.audit_csv", lambda r: "/admin/audit.csv", AUDIT_READERS),
    Case("activation.activate", lambda r: "/activate", EVERYONE),
    Case("activation.activate", lambda r: "/activate", EVERYONE, method="POST",
         data={"code": "AAAA-BBBB-CCCC", "password": "x", "confirm": "x"}),
    # API
    Case("api.admin_people", lambda r: f"/api/v1/admin/people?school_id={r.school('Norrskolan')}", NORR),
    Case("api.admin_groups", lambda r: f"/api/v1/admin/groups?school_id={r.school('Norrskolan')}", NORR),
    api("api.admin_create_person", lambda r: "/api/v1/admin/people", NORR, "POST",
        lambda r: {"kind": "staff", "given_name": "Api", "family_name": "Spec", "school_id": r.school("Norrskolan"),
                   "birth_date": "1979-03-04", "role": "special_educator", "reason": "Saknar personnummer"}),
    Case("api.admin_remove_person", lambda r: f"/api/v1/admin/people/{r.person_of(TEACHER)}", NORR, method="DELETE"),
    api("api.admin_create_group", lambda r: "/api/v1/admin/groups", NORR, "POST",
        lambda r: {"kind": "work_team", "name": "API-lag", "school_id": r.school("Norrskolan")}),
    Case("api.admin_rename_group", lambda r: f"/api/v1/admin/groups/{r.group(TEAM)}", NORR, method="PATCH",
         json={"name": "Arbetslaget"}),
    Case("api.admin_archive_group", lambda r: f"/api/v1/admin/groups/{r.group(TEAM)}", NORR, method="DELETE"),
    api("api.admin_add_members", lambda r: f"/api/v1/admin/groups/{r.group(TEAM)}/members", NORR, "POST",
        lambda r: {"person_ids": [r.person_of("rektor.norr@exempelkommun.se")]}),
    api("api.admin_link_appraisal_mentor", lambda r: "/api/v1/admin/appraisal-mentors", NORR, "POST",
        lambda r: {"staff_id": r.person_of(TEACHER), "mentor_id": r.person_of("rektor.norr@exempelkommun.se")}),
    api("api.admin_link_student_mentor", lambda r: "/api/v1/admin/student-mentors", NORR_7B, "POST",
        lambda r: {"student_id": _student("7B"), "mentor_id": r.person_of(TEACHER), "reason": "Ny mentor"}),
    api("api.admin_add_guardian_relation", lambda r: "/api/v1/admin/guardian-relations", NORR, "POST",
        lambda r: {"student_id": _student("6A"), "guardian_id": r.person_of("vardnadshavare.norr@exempelkommun.se")}),
    Case("api.admin_remove_guardian_relation",
         lambda r: f"/api/v1/admin/guardian-relations/{_guardian_relation(r)}", NORR, method="DELETE"),
    Case("api.admin_approvals", lambda r: "/api/v1/admin/approvals", ADMINS),
    Case("api.admin_approve", lambda r: f"/api/v1/admin/approvals/{_request(r)}/approve", frozenset({"central"}),
         method="POST", json={}),
    Case("api.admin_decline", lambda r: f"/api/v1/admin/approvals/{_request(r)}/decline", frozenset({"central"}),
         method="POST", json={"note": "Nej"}),
    Case("api.admin_audit", lambda r: "/api/v1/admin/audit", AUDIT_READERS),
]


def _student_without(group_name, guardian_email):
    """A student of the group who is not the demo guardian's child."""
    from helpdesk.auth.models import User
    from helpdesk.directory.models import Group, GuardianRelation, Membership, MembershipRole, Person, PersonKind

    guardian = db.session.scalar(select(User.person_id).where(User.email == guardian_email))
    children = select(GuardianRelation.student_id).where(GuardianRelation.guardian_id == guardian)
    return db.session.scalar(select(Person.id).join(Membership, Membership.person_id == Person.id)
                             .join(Group, Group.id == Membership.group_id)
                             .where(Group.name == group_name, Person.kind == PersonKind.STUDENT,
                                    Membership.role == MembershipRole.MEMBER, Person.id.not_in(children))
                             .order_by(Person.id))
