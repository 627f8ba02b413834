import pytest

from helpdesk.auth.models import Role
from tests.support.factories import add_duty, make_group, make_org, make_person, make_school, make_user
from helpdesk.directory.models import GroupKind, PersonKind
from helpdesk.models_base import Source


class World:
    """One organisation with a school, a synced class, a manual work team and four admins."""

    def __init__(self, autosync: bool):
        self.org = make_org(autosync=autosync)
        self.school = make_school(self.org)
        self.other_school = make_school(self.org)
        src = Source.SYNC if autosync else Source.MANUAL
        self.klass = make_group(self.school, "6A", GroupKind.CLASS, source=src)
        self.team = make_group(self.school, "Arbetslag", GroupKind.WORK_TEAM, source=Source.MANUAL)
        self.teacher = make_person(self.org, PersonKind.STAFF, source=src)
        add_duty(self.teacher, self.school)
        self.principal = make_person(self.org, PersonKind.STAFF, source=src)
        add_duty(self.principal, self.school)
        self.student = make_person(self.org, PersonKind.STUDENT, source=src)
        from tests.support.factories import add_member, add_guardian

        add_member(self.student, self.klass)
        self.guardian = make_person(self.org, PersonKind.GUARDIAN, source=src)
        self.relation = add_guardian(self.guardian, self.student)
        self.central = make_user(person=make_person(self.org), roles=[(Role.CENTRAL_ADMIN, self.org)])
        self.local = make_user(person=make_person(self.org), roles=[(Role.LOCAL_ADMIN, self.school)])
        self.local_other = make_user(person=make_person(self.org), roles=[(Role.LOCAL_ADMIN, self.other_school)])
        self.group_admin = make_user(person=make_person(self.org), roles=[(Role.GROUP_ADMIN, self.klass)])


@pytest.fixture
def world(app):
    with app.test_request_context():
        yield World(autosync=True)


@pytest.fixture
def world_no_sync(app):
    with app.test_request_context():
        yield World(autosync=False)
