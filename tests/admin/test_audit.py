"""The audit log read in words: phrases, field changes, filters, scope and the CSV file."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select

from helpdesk import audit_phrases
from helpdesk.admin import audit, operations
from helpdesk.admin.models import AuditEntry
from helpdesk.auth.models import Role
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from tests.support.factories import make_org, make_person, make_school, make_user


def _entry(operation):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.operation == operation)
                              .order_by(AuditEntry.id.desc())).first()


def _lines(f):
    rows, _total = audit.search(f)
    return audit.readable(rows)


def test_an_operation_reads_as_a_sentence_in_the_readers_language(world):
    operations.perform(world.central, "create_group", {"school_id": world.school.id, "name": "Lag A",
                                                       "kind": "work_team"})
    db.session.flush()
    f = audit.AuditFilter(organisation_ids={world.org.id}, operation="create_group")
    with force_locale("sv"):
        assert _lines(f)[0].text == f"Skapade arbetslaget Lag A på {world.school.name}"
    with force_locale("en"):
        assert _lines(f)[0].text == f"Created the work team Lag A at {world.school.name}"


def test_before_and_after_read_as_field_changes(world):
    operations.perform(world.central, "rename_group", {"group_id": world.team.id, "name": "Lag B"})
    db.session.flush()
    with force_locale("en"):
        line = _lines(audit.AuditFilter(organisation_ids={world.org.id}, operation="rename_group"))[0]
        assert [(c.field, c.before, c.after) for c in line.changes] == [("Name", "Arbetslag", "Lag B")]
        assert line.text == f"Renamed the work team at {world.school.name} to Lag B"
    with force_locale("sv"):
        line = _lines(audit.AuditFilter(organisation_ids={world.org.id}, operation="rename_group"))[0]
        assert line.changes[0].field == "Namn"
    operations.perform(world.central, "archive_group", {"group_id": world.team.id})
    db.session.flush()
    with force_locale("sv"):
        line = _lines(audit.AuditFilter(organisation_ids={world.org.id}, operation="archive_group"))[0]
        assert ("Aktiv", "ja", "nej") in [(c.field, c.before, c.after) for c in line.changes]
        created = audit.readable([AuditEntry(operation="create_group", object_label="X", after={
            "kind": "work_team", "source": "manual"}, before=None)])[0]
        assert {(c.field, c.after) for c in created.changes} >= {("Typ", "Arbetslag"), ("Källa", "Manuell")}


def test_an_unknown_operation_falls_back_to_words_never_a_crash(world):
    audit.record(world.central, "erase_person_data", organisation_id=world.org.id, object_type="person",
                 object_id=1, label="Kim Ek", before={"weird": {"nested": [1, 2]}}, after=None)
    db.session.flush()
    line = _lines(audit.AuditFilter(organisation_ids={world.org.id}, operation="erase_person_data"))[0]
    assert line.text == "Erase person data: Kim Ek"
    # Named by type and id only, a person is still whom the entry is about.
    assert line.entry.person_id == 1
    assert line.changes[0].field == "Weird"


def test_a_registered_phrase_with_a_missing_value_uses_its_fallback(world):
    audit.record(None, "create_group", organisation_id=world.org.id, object_type="group", label="Gamla gruppen",
                 after={"name": "Gamla gruppen"}, via="sync")
    db.session.flush()
    with force_locale("en"):
        assert _lines(audit.AuditFilter(organisation_ids={world.org.id}))[0].text == "Created the group Gamla gruppen"


def test_a_job_without_a_person_is_named_as_the_job(world):
    audit.record(None, "privacy_retention_run", organisation_id=world.org.id, object_type="organisation",
                 object_id=world.org.id, after={"tickets": 3}, via="job")
    db.session.flush()
    line = _lines(audit.AuditFilter(organisation_ids={world.org.id}, via="job"))[0]
    assert line.entry.actor_label == "job"
    with force_locale("sv"):
        assert audit.readable([line.entry])[0].text == "Körde gallringen"


def test_every_operation_recorded_today_has_a_phrase():
    import helpdesk.admin.labels  # noqa: F401
    import helpdesk.sync.labels  # noqa: F401
    import helpdesk.tickets.labels  # noqa: F401
    from helpdesk.admin.guard import Operation

    known = set(audit_phrases.known_operations())
    recorded = {"create_person", "remove_person", "remove_guardian_relation", "create_group", "rename_group",
                "archive_group", "add_member", "remove_member", "link_student_mentor", "unlink_student_mentor",
                "link_appraisal_mentor", "unlink_appraisal_mentor", "link_teaching_group_course",
                Operation.HAND_OUT_LOGIN_DETAILS.value, "activate_account", "approval_requested",
                "approval_declined", "approval_not_carried_out", "sync_create", "sync_update", "sync_deactivate",
                "resolve_sync_flag", "reveal_civic_number"}
    assert recorded <= known, recorded - known


def test_entries_name_the_person_and_school_they_are_about(world):
    operations.perform(world.central, "add_members", {"group_id": world.team.id, "person_ids": [world.teacher.id]})
    db.session.flush()
    entry = _entry("add_member")
    assert entry.person_id == world.teacher.id and entry.school_id == world.school.id


def test_filters_by_person_object_and_period(world):
    operations.perform(world.central, "add_members", {"group_id": world.team.id, "person_ids": [world.teacher.id]})
    operations.perform(world.central, "create_group", {"school_id": world.school.id, "name": "Lag Z",
                                                       "kind": "work_team"})
    db.session.flush()
    org = {world.org.id}
    # The person the entry is about, by name; the person who did it, by e-mail or name.
    about = audit.search(audit.AuditFilter(organisation_ids=org, person=world.teacher.family_name))[0]
    assert [e.operation for e in about] == ["add_member"]
    by = audit.search(audit.AuditFilter(organisation_ids=org, person=world.central.email))[0]
    assert {e.operation for e in by} == {"add_member", "create_group"}
    assert audit.search(audit.AuditFilter(organisation_ids=org, person_id=world.teacher.id))[1] == 1
    assert [e.object_label for e in audit.search(audit.AuditFilter(organisation_ids=org, object="lag z"))[0]] \
        == ["Lag Z"]
    today = utcnow().date()
    assert audit.search(audit.AuditFilter(organisation_ids=org, since=today, until=today))[1] == 2
    assert audit.search(audit.AuditFilter(organisation_ids=org, since=today + timedelta(days=1)))[1] == 0
    # LIKE wildcards in the typed text are only text.
    assert audit.search(audit.AuditFilter(organisation_ids=org, object="%"))[1] == 0


def test_local_admins_read_their_schools_entries_and_nobody_another_organisations(world):
    operations.perform(world.central, "create_group", {"school_id": world.school.id, "name": "Här",
                                                       "kind": "work_team"})
    operations.perform(world.central, "create_group", {"school_id": world.other_school.id, "name": "Där",
                                                       "kind": "work_team"})
    other_org = make_org()
    other_school = make_school(other_org)
    stranger = make_user(person=make_person(other_org), roles=[(Role.CENTRAL_ADMIN, other_org)])
    stranger_local = make_user(person=make_person(other_org), roles=[(Role.LOCAL_ADMIN, other_school)])
    db.session.flush()

    def labels(user):
        return {e.object_label for e in audit.search(audit.filter_for(user, {}))[0]}

    assert {"Här", "Där"} <= labels(world.central)
    assert labels(world.local) == {"Här"}
    assert labels(world.local_other) == {"Där"}
    assert labels(stranger) == set() and labels(stranger_local) == set()
    # A filter asking for another organisation's person finds nothing either.
    assert audit.search(audit.filter_for(stranger, {"person_id": str(world.teacher.id)}))[1] == 0


def test_the_csv_is_in_words_with_the_same_filters_and_no_formulas(world):
    operations.perform(world.central, "create_group", {"school_id": world.school.id, "name": "=HYPERLINK(1)",
                                                       "kind": "work_team"})
    operations.perform(world.central, "create_group", {"school_id": world.school.id, "name": "Lag Q",
                                                       "kind": "work_team"})
    db.session.flush()
    with force_locale("en"):
        text = audit.to_csv(audit.filter_for(world.central, {"object": "hyperlink"}))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["When", "Who", "What happened"] and len(rows) == 2
    assert rows[1][2] == f"Created the work team =HYPERLINK(1) at {world.school.name}"
    assert rows[1][10] == "'=HYPERLINK(1)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_bad_filter_values_are_ignored_not_errors(world):
    f = audit.filter_for(world.central, {"since": "2026-13-45", "person_id": "99999999999999", "page": "x"})
    assert f.since is None and f.person_id is None
    assert audit.search(f)[1] >= 0


def test_person_entries_are_about_that_person(world):
    person = operations.perform(world.central, "create_person", {
        "kind": "staff", "given_name": "Kim", "family_name": "Kurator", "school_id": world.school.id,
        "civic_no": "198204122389", "role": "other_staff", "role_title": "Kurator"}).obj
    db.session.flush()
    assert _entry("create_person").person_id == person.id
