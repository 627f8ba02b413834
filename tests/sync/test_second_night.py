"""A generated municipality's second night, where a tenth of the guardians lose their only
child: exactly the children who left and their relations go, with or without --full; nobody
else is touched, and the organisation is handled once."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.directory.models import Group, GuardianRelation, Membership, MentorRelation, Organisation, Person
from helpdesk.extensions import db
from helpdesk.sync.importer import run_import
from helpdesk.sync.models import SyncRun, SyncRunStatus
from tests.support.municipality import generate, second_night, write_pages


def active(model):
    return set(db.session.scalars(select(model.id).where(model.active)))


def count_active(model):
    return db.session.scalar(select(func.count()).select_from(model).where(model.active))


@pytest.mark.parametrize("full, listed_as_deleted", [(True, False), (False, True), (True, True)])
def test_only_the_children_who_left_and_their_relations_go(app, tmp_path, full, listed_as_deleted):
    doc = generate()
    write_pages(doc, tmp_path / "night1")
    departure = second_night(doc, listed_as_deleted=listed_as_deleted)
    write_pages(doc, tmp_path / "night2")
    assert departure.children and len(departure.guardians) >= 0.1 * 35  # the generator did its part
    with app.test_request_context():
        run_import(tmp_path / "night1", full=full)
        org_id = db.session.scalar(select(Organisation.id))
        people, groups = active(Person), active(Group)
        links, members, mentors = count_active(GuardianRelation), count_active(Membership), count_active(
            MentorRelation)
        children = set(db.session.scalars(select(Person.id).where(Person.external_id.in_(departure.children))))

        result = run_import(tmp_path / "night2", full=full)

        assert result.run.status is SyncRunStatus.OK and not result.held
        assert result.run.organisation_ids == [org_id]  # handled once, not [1, 1]
        assert result.run.counts == {
            "person": {"deactivated": len(children)},
            "guardian_relation": {"removed": departure.guardian_links},
            "membership": {"removed": departure.memberships},
            "student_mentor": {"removed": departure.mentor_links},
        }
        db.session.expire_all()
        assert active(Person) == people - children  # every guardian, staff member and other child stays
        assert set(db.session.scalars(select(Person.id).where(
            Person.external_id.in_(departure.guardians), Person.active))) and active(Group) == groups
        assert count_active(GuardianRelation) == links - departure.guardian_links
        assert count_active(Membership) == members - departure.memberships
        assert count_active(MentorRelation) == mentors - departure.mentor_links


def test_an_export_of_changes_without_the_children_listed_changes_nothing(app, tmp_path):
    """Without --full, absent is not gone: the same night as a partial export removes nobody."""
    doc = generate()
    write_pages(doc, tmp_path / "night1")
    second_night(doc)
    write_pages(doc, tmp_path / "night2")
    with app.test_request_context():
        run_import(tmp_path / "night1")
        people = active(Person)
        result = run_import(tmp_path / "night2")
        assert result.run.counts.get("person") is None and active(Person) == people
        # the leaving children's class places are replaced by the export's lists, nothing more
        assert set(result.run.counts) == {"membership", "student_mentor"}


def test_guardians_without_a_child_or_school_are_planned_with_their_organisation(app, tmp_path):
    from helpdesk.sync.planning import distribute
    from helpdesk.sync.reader import read_export
    from helpdesk.sync.report import Report

    doc = generate()
    write_pages(doc, tmp_path / "night1")
    departure = second_night(doc)
    write_pages(doc, tmp_path / "night2")
    with app.test_request_context():
        run_import(tmp_path / "night1")
        plans = distribute(read_export(tmp_path / "night2"), Report())
        assert len(plans) == 1
        assert departure.guardians <= {p.id for p in plans[0].persons}


def test_the_run_record_and_eppn(app, tmp_path):
    doc = generate()
    write_pages(doc, tmp_path / "night1")
    with app.test_request_context():
        run = run_import(tmp_path / "night1", full=True).run
        assert db.session.get(SyncRun, run.id).organisation_ids == [db.session.scalar(select(Organisation.id))]
        student = db.session.scalar(select(Person).where(Person.external_id == doc["persons"][-31]["id"]))
        assert student.eppn == doc["persons"][-31]["eduPersonPrincipalNames"][0]
