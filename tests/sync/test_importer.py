"""The SS 12000 importer: the sample export, idempotent re-runs, manual data untouched, dry runs
and malformed files change nothing, deletions deactivate and flag."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from helpdesk.admin.models import AuditEntry
from helpdesk.directory.models import (
    Duty,
    DutyRole,
    Group,
    GroupKind,
    GuardianRelation,
    Membership,
    MentorKind,
    MentorRelation,
    Organisation,
    Person,
    PersonKind,
    School,
    SecurityMarking,
)
from helpdesk.extensions import db
from helpdesk.models_base import Source, utcnow
from helpdesk.sync.importer import run_import
from helpdesk.sync.models import SyncFlag, SyncRun, SyncRunStatus
from helpdesk.sync.reader import MalformedExport

P = "00000000-0000-4000-8000-0000000000"


def snapshot():
    """Everything the directory holds, to compare before and after."""
    out = {}
    for model in (Organisation, School, Group, Person, Duty, Membership, GuardianRelation, MentorRelation):
        rows = db.session.execute(select(model.__table__)).all()
        out[model.__name__] = sorted(tuple(str(v) for k, v in r._mapping.items() if k != "updated_at")
                                     for r in rows)
    return out


def by_ext(ext):
    return db.session.scalar(select(Person).where(Person.external_id == ext))


def test_sample_export_imports_with_the_ss12000_mappings(app, sample, write_export):
    path = write_export(sample)
    with app.test_request_context():
        result = run_import(path)
        assert result.run.status is SyncRunStatus.OK
        org = db.session.scalars(select(Organisation)).one()
        assert org.name == "Exempelkommun" and org.autosync and org.source is Source.SYNC
        school = db.session.scalars(select(School)).one()
        assert school.name == "Norrskolan" and school.school_unit_code == "12345678"
        rektor = by_ext(P + "0a")
        assert rektor.kind is PersonKind.STAFF
        assert db.session.scalar(select(Duty.role).where(Duty.person_id == rektor.id)) is DutyRole.PRINCIPAL
        elsa = by_ext(P + "1e")
        assert elsa.kind is PersonKind.STUDENT
        guardians = db.session.scalars(select(GuardianRelation).where(GuardianRelation.student_id == elsa.id)).all()
        assert {g.guardian.given_name for g in guardians} == {"Anna", "Jonas"}
        assert by_ext(P + "14").kind is PersonKind.GUARDIAN
        assert by_ext(P + "1f").civic_no == "20130101TF01"
        protected = by_ext(P + "20")
        assert protected.security_marking is SecurityMarking.PROTECTED and protected.email is None
        klass = db.session.scalar(select(Group).where(Group.name == "6A"))
        assert klass.kind is GroupKind.CLASS and klass.source is Source.SYNC
        assert db.session.scalar(select(Group.kind).where(Group.name == "MA 6A")) is GroupKind.TEACHING_GROUP
        mentor = by_ext(P + "0b")
        mentees = set(db.session.scalars(select(MentorRelation.mentee_id).where(
            MentorRelation.mentor_id == mentor.id, MentorRelation.kind == MentorKind.STUDENT_MENTOR)))
        assert elsa.id in mentees and len(mentees) == 3
        assert result.run.counts["person"]["created"] == 8
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.via == "sync")) > 10


def test_a_rerun_without_changes_changes_nothing(app, sample, write_export):
    path = write_export(sample)
    with app.test_request_context():
        run_import(path)
        before = snapshot()
        audit_rows = db.session.scalar(select(func.count(AuditEntry.id)))
        second = run_import(path)
        assert snapshot() == before
        assert db.session.scalar(select(func.count(AuditEntry.id))) == audit_rows
        assert second.run.counts == {}


def test_a_rerun_does_not_query_per_row(app, sample, write_export):
    # Twenty more students: the number of statements must not grow with them.
    def grow(n):
        doc = json.loads(json.dumps(sample))
        for i in range(n):
            doc["persons"].append({"id": f"extra-{i}", "givenName": "Extra", "familyName": str(i),
                                   "enrolments": [{"enroledAt": {"id": P + "02"}}]})
            doc["groups"][0]["groupMemberships"].append({"person": {"id": f"extra-{i}"}})
        return doc

    counts = []
    for n in (0, 20):
        path = write_export(grow(n), f"export-{n}.json")
        with app.test_request_context():
            run_import(path)
            statements = []
            listener = lambda *a: statements.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            run_import(path)
            event.remove(db.engine, "before_cursor_execute", listener)
            counts.append(len(statements))
    assert counts[1] == counts[0]


def test_manual_data_is_never_touched_and_is_flagged_when_its_person_leaves(app, sample, write_export):
    # The sample is tiny: one person leaving is more than the removal guard's 10 % (tests/sync/test_guard.py).
    app.config["SYNC_MAX_REMOVAL_SHARE"] = 0.5
    with app.test_request_context():
        run_import(write_export(sample))
        org = db.session.scalars(select(Organisation)).one()
        school = db.session.scalars(select(School)).one()
        teacher = by_ext(P + "0b")
        rektor = by_ext(P + "0a")
        team = Group(organisation_id=org.id, school_id=school.id, name="Arbetslag", kind=GroupKind.WORK_TEAM,
                     source=Source.MANUAL)
        db.session.add(team)
        db.session.flush()
        db.session.add(Membership(person_id=teacher.id, group_id=team.id, source=Source.MANUAL))
        db.session.add(MentorRelation(kind=MentorKind.APPRAISAL_MENTOR, mentor_id=rektor.id, mentee_id=teacher.id,
                                      source=Source.MANUAL))
        manual = Person(organisation_id=org.id, kind=PersonKind.STAFF, given_name="Manuell", family_name="Person",
                        civic_no="20130202TF01", source=Source.MANUAL)
        db.session.add(manual)
        db.session.commit()
        manual_before = {m: db.session.execute(select(m.__table__).where(m.source == Source.MANUAL)).all()
                         for m in (Group, Membership, MentorRelation, Person)}

        doc = json.loads(json.dumps(sample))
        doc["deletedEntities"]["persons"].append(P + "0b")
        doc["persons"] = [p for p in doc["persons"] if p["id"] != P + "0b"]
        doc["duties"] = [d for d in doc["duties"] if d["person"]["id"] != P + "0b"]
        run_import(write_export(doc, "second.json"))
        db.session.expire_all()
        assert not by_ext(P + "0b").active  # deactivated, never deleted
        after = {m: db.session.execute(select(m.__table__).where(m.source == Source.MANUAL)).all()
                 for m in (Group, Membership, MentorRelation, Person)}
        assert after == manual_before
        flags = db.session.scalars(select(SyncFlag)).all()
        assert {f.object_type for f in flags} == {"membership", "mentor_relation"}
        assert all(f.organisation_id == org.id for f in flags)
        # The sync's own mentor links for the leaver are ended.
        assert not db.session.scalar(select(func.count(MentorRelation.id)).where(
            MentorRelation.mentor_id == teacher.id, MentorRelation.source == Source.SYNC, MentorRelation.active))
        run_import(write_export(doc, "second.json"))
        assert db.session.scalar(select(func.count(SyncFlag.id))) == len(flags)  # not flagged twice
        from helpdesk.sync.views import describe_flag

        assert {describe_flag(f) for f in flags} == {
            "Per Ek har tagits bort av synken, men ett manuellt gruppmedlemskap pekar fortfarande på personen.",
            "Per Ek har tagits bort av synken, men en manuell mentorskoppling pekar fortfarande på personen."}


def test_dry_run_changes_nothing(app, sample, write_export):
    with app.test_request_context():
        before = snapshot()
        result = run_import(write_export(sample), dry_run=True)
        assert result.report.counts["person"]["created"] == 8
        assert result.report.samples["person created"]
        assert snapshot() == before
        assert db.session.scalar(select(func.count(SyncRun.id))) == 0


@pytest.mark.parametrize("mutate,field", [
    (lambda d: d["persons"][3].update(civicNo={"value": "198009092390"}), "civicNo.value"),
    (lambda d: d["groups"][1].update(groupType="Okänd"), "groupType"),
    (lambda d: d["persons"][2].pop("givenName"), "givenName"),
    (lambda d: d["duties"][0].update(dutyAt="fel"), "dutyAt.id"),
])
def test_a_malformed_record_aborts_naming_record_and_field_and_changes_nothing(app, sample, write_export,
                                                                               mutate, field):
    doc = json.loads(json.dumps(sample))
    mutate(doc)
    with app.test_request_context():
        before = snapshot()
        with pytest.raises(MalformedExport) as exc:
            run_import(write_export(doc))
        assert exc.value.field == field and exc.value.record_id
        assert exc.value.record_id in str(exc.value)
        assert snapshot() == before
        run = db.session.scalars(select(SyncRun)).one()
        assert run.status is SyncRunStatus.FAILED and field in run.error


def test_a_directory_with_one_file_per_entity(app, sample, tmp_path):
    for entity in ("organisations", "persons", "groups", "duties"):
        (tmp_path / f"{entity}.json").write_text(json.dumps({"data": sample[entity], "pageToken": None}))
    (tmp_path / "deletedEntities.json").write_text(json.dumps({"data": sample["deletedEntities"]}))
    with app.test_request_context():
        result = run_import(tmp_path)
        assert result.run.counts["person"]["created"] == 8


def test_sync_into_the_demo_keeps_its_manual_data(demo_app, sample, write_export):
    """The issue's last step: after the manual work, a sync re-run leaves it all intact."""
    from helpdesk.admin import approvals, operations
    from helpdesk.auth.services import find_user_by_email

    with demo_app.test_request_context():
        local = find_user_by_email("lokal.norr@exempelkommun.se")
        central = find_user_by_email("central@exempelkommun.se")
        school = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
        req = operations.perform(local, "create_person", {
            "kind": "staff", "given_name": "Sofia", "family_name": "Spec", "school_id": school,
            "birth_date": "1985-04-03", "role": "special_educator"}, reason="Saknar personnummer").request
        sofia = approvals.approve(central, req)
        team = operations.perform(local, "create_group", {"school_id": school, "name": "Arbetslag F-3",
                                                          "kind": "work_team"}).obj
        rektor = find_user_by_email("rektor.norr@exempelkommun.se").person_id
        operations.perform(local, "add_members", {"group_id": team.id, "person_ids": [sofia.id]})
        operations.perform(local, "assign_team_appraisal_mentor", {"group_id": team.id, "mentor_id": rektor})
        db.session.commit()
        manual = {m: db.session.execute(select(m.__table__).where(m.source == Source.MANUAL)).all()
                  for m in (Group, Membership, MentorRelation, Person, GuardianRelation, Duty)}
        run_import(write_export(sample))
        run_import(write_export(sample))
        again = {m: db.session.execute(select(m.__table__).where(m.source == Source.MANUAL)).all()
                 for m in (Group, Membership, MentorRelation, Person, GuardianRelation, Duty)}
        assert again == manual
        # It matched the demo's Exempelkommun rather than making a second one.
        assert db.session.scalar(select(func.count(Organisation.id)).where(Organisation.name == "Exempelkommun")) == 1


def test_a_second_import_waits_for_a_running_one(app, sample, write_export):
    from helpdesk.leases import Lease
    from helpdesk.sync.importer import IMPORT_LEASE, SyncBusy

    with app.test_request_context():
        # Another process is importing: it holds the lease and its run is marked running.
        db.session.add(SyncRun(source="x", status=SyncRunStatus.RUNNING))
        db.session.add(Lease(name=IMPORT_LEASE, holder="other-host:1", expires_at=utcnow() + timedelta(minutes=5)))
        db.session.commit()
        with pytest.raises(SyncBusy):
            run_import(write_export(sample))
        assert db.session.scalar(select(func.count(Person.id))) == 0


def test_a_run_whose_process_died_does_not_block_the_next(app, sample, write_export):
    """Its lease ran out: the next import starts, and the old run is marked failed."""
    from helpdesk.leases import Lease
    from helpdesk.sync.importer import IMPORT_LEASE

    with app.test_request_context():
        dead = SyncRun(source="x", status=SyncRunStatus.RUNNING)
        db.session.add(dead)
        db.session.add(Lease(name=IMPORT_LEASE, holder="other-host:1", expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        result = run_import(write_export(sample))
        assert result.run.status is SyncRunStatus.OK
        db.session.refresh(dead)
        assert dead.status is SyncRunStatus.FAILED and dead.finished_at is not None
        # The lease is free again for the next night.
        assert db.session.get(Lease, IMPORT_LEASE).expires_at < utcnow()


def test_a_control_character_in_a_name_is_dropped_not_a_failed_import(app, sample, write_export):
    doc = json.loads(json.dumps(sample))
    doc["persons"][0]["givenName"] = "Ka\u0000rin\u0007"
    with app.test_request_context():
        assert run_import(write_export(doc)).run.status is SyncRunStatus.OK
        assert by_ext(P + "0a").given_name == "Karin"
