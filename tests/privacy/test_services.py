"""Retention, export and erasure through the services (no HTTP)."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk import leases
from helpdesk.admin.models import AuditEntry
from helpdesk.errors import Conflict, ValidationFailed
from helpdesk.extensions import db
from helpdesk.kb.models import SearchLog
from helpdesk.models_base import Source, utcnow
from helpdesk.privacy import erasure, exports, retention
from helpdesk.privacy.models import ErasureRecord
from helpdesk.tickets.models import Ticket
from tests.privacy.conftest import (
    CENTRAL,
    DAYS,
    GRANNBY_CENTRAL,
    GRANNBY_GUARDIAN,
    GUARDIAN,
    close_long_ago,
    org,
    person_of,
    tickets_of,
    user,
)


def _audits(operation):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.operation == operation)))


def test_a_proposal_changes_nothing_until_confirmed_after_its_dry_run(ctx):
    exk, central = org("EXK"), user(CENTRAL)
    t = close_long_ago(tickets_of(user(GUARDIAN))[0])
    row = retention.propose(central, exk.id, DAYS)
    assert row.active is None
    assert retention.run(exk.id) == {}  # never confirmed: the job does nothing
    assert t.anonymised_at is None and t.requester_name != "Anonymiserad"
    report = {r.key: r for r in retention.dry_run(exk.id, row.proposed)}
    assert report["closed_ticket_days"].count == 1
    assert report["closed_ticket_days"].examples == [f"{t.number} ({t.closed_at:%Y-%m-%d})"]
    with pytest.raises(Conflict):
        retention.confirm(central, exk.id, "not-what-was-shown")
    retention.confirm(central, exk.id, retention.fingerprint(row.proposed))
    assert row.active["closed_ticket_days"] == 730 and row.proposed is None
    assert _audits("privacy_retention_confirmed")[0].after["closed_ticket_days"] == 730


def test_a_run_anonymises_old_closed_tickets_and_is_audited_with_counts(ctx):
    exk, central, guardian = org("EXK"), user(CENTRAL), user(GUARDIAN)
    old = close_long_ago(tickets_of(guardian)[0])
    subject = old.subject
    retention.confirm(central, exk.id, retention.fingerprint(retention.propose(central, exk.id, DAYS).proposed))
    counts = retention.run(exk.id)
    assert counts["closed_ticket_days"] == 1
    assert old.requester_name == "Anonymiserad" and old.requester_id is None and old.anonymised_at
    assert old.subject == subject  # "mask": the (masked) text stays
    assert all(m.author_name == "Anonymiserad" for m in old.messages if m.author_role.value == "requester")
    run = _audits("privacy_retention_run")[-1]
    assert run.after["closed_ticket_days"] == 1 and run.organisation_id == exk.id
    assert retention.run(exk.id)["closed_ticket_days"] == 0  # done once only


def test_remove_mode_takes_the_text_too(ctx):
    exk, central = org("EXK"), user(CENTRAL)
    old = close_long_ago(tickets_of(user(GUARDIAN))[0])
    retention.confirm(central, exk.id, retention.fingerprint(
        retention.propose(central, exk.id, {**DAYS, "ticket_text": "remove"}).proposed))
    retention.run(exk.id)
    assert old.subject == "[Borttaget]" and all(m.body == "[Borttaget]" for m in old.messages)


def test_recent_tickets_and_other_organisations_are_left_alone(ctx):
    exk, grb, central = org("EXK"), org("GRB"), user(CENTRAL)
    recent = close_long_ago(tickets_of(user(GUARDIAN))[0], days=10)
    retention.confirm(central, exk.id, retention.fingerprint(retention.propose(central, exk.id, DAYS).proposed))
    grb_before = db.session.scalar(select(func.count(Ticket.id)).where(Ticket.organisation_id == grb.id,
                                                                       Ticket.anonymised_at.is_not(None)))
    retention.run(exk.id)
    assert recent.anonymised_at is None
    assert db.session.scalar(select(func.count(Ticket.id)).where(Ticket.organisation_id == grb.id,
                                                                 Ticket.anonymised_at.is_not(None))) == grb_before


def test_old_search_log_and_audit_entries_go(ctx):
    exk, central = org("EXK"), user(CENTRAL)
    old = utcnow() - timedelta(days=2000)
    db.session.add(SearchLog(query="gammal sökning", organisation_id=exk.id, created_at=old))
    db.session.add(AuditEntry(organisation_id=exk.id, actor_label="x", operation="rename_group",
                              object_type="group", created_at=old))
    db.session.flush()
    retention.confirm(central, exk.id, retention.fingerprint(retention.propose(central, exk.id, DAYS).proposed))
    counts = retention.run(exk.id)
    assert counts["search_log_days"] == 1 and counts["audit_days"] == 1
    assert db.session.scalar(select(func.count(SearchLog.id)).where(SearchLog.query == "gammal sökning")) == 0


def test_people_who_left_long_ago_are_erased(ctx):
    exk, central = org("EXK"), user(CENTRAL)
    gone = person_of("larare.ekback@exempelkommun.se")
    gone.active = False
    gone.deactivated_at = utcnow() - timedelta(days=400)
    db.session.flush()
    retention.confirm(central, exk.id, retention.fingerprint(retention.propose(central, exk.id, DAYS).proposed))
    assert {r.key: r.count for r in retention.dry_run(exk.id, retention.settings_row(exk.id).active)}[
        "deactivated_person_days"] == 1
    assert retention.run(exk.id)["deactivated_person_days"] == 1
    assert gone.display_name == "Anonymiserad person" and gone.civic_no is None
    assert db.session.scalar(select(ErasureRecord.cause).where(ErasureRecord.person_id == gone.id)) == "retention"
    assert retention.run(exk.id)["deactivated_person_days"] == 0


@pytest.mark.parametrize("bad", [{"audit_days": "0"}, {"audit_days": "-5"}, {"audit_days": "abc"},
                                 {"audit_days": "99999999999999999999"}, {"audit_days": "²"},
                                 {"ticket_text": "burn"}])
def test_bad_rules_are_refused_and_nothing_is_stored(ctx, bad):
    exk = org("EXK")
    with pytest.raises(ValidationFailed) as err:
        retention.propose(user(CENTRAL), exk.id, {**DAYS, **bad})
    assert err.value.field == next(iter(bad))
    assert retention.settings_row(exk.id) is None


def test_the_job_waits_while_another_run_holds_the_lease(ctx):
    exk, central = org("EXK"), user(CENTRAL)
    old = close_long_ago(tickets_of(user(GUARDIAN))[0])
    retention.confirm(central, exk.id, retention.fingerprint(retention.propose(central, exk.id, DAYS).proposed))
    db.session.add(leases.Lease(name=retention.LEASE, holder="another-host:1", expires_at=utcnow() + timedelta(minutes=5)))
    db.session.commit()
    assert retention.tick_job() == "another run is busy"
    assert old.anonymised_at is None
    db.session.get(leases.Lease, retention.LEASE).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert retention.tick_job().startswith("1 organisations")
    assert db.session.get(Ticket, old.id).anonymised_at is not None
    assert retention.tick_job().startswith("0 organisations")  # once a day


def test_export_holds_every_capabilitys_data_in_json_and_both_languages(ctx):
    central, guardian = user(CENTRAL), user(GUARDIAN)
    person = guardian.person
    export = exports.request_export(central, person)
    name, data = exports.deliver(central, export.id)
    assert str(person.id) not in name and person.family_name not in name
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(zf.namelist()) == ["person.html", "person.json"]
    doc = json.loads(zf.read("person.json"))
    holdings = doc["holdings"]
    assert holdings["directory"]["person"][0]["family_name"] == person.family_name
    assert holdings["auth"]["accounts"][0]["email"] == GUARDIAN
    assert holdings["tickets"]["tickets"][0]["number"] == tickets_of(guardian)[0].number
    assert len(holdings["directory"]["guardian_relations"]) == 2
    assert person.civic_no not in zf.read("person.json").decode()  # masked even here
    html = zf.read("person.html").decode()
    assert "What the support portal holds about you" in html
    assert "Det här har supportportalen om dig" in html
    assert [e.after["export_id"] for e in _audits("privacy_export_requested")] == [export.id]
    assert _audits("privacy_export_delivered")[0].object_id == person.id
    assert export.delivered_at is not None and export.downloads == 1


def test_erasing_a_manual_person_removes_them_everywhere_and_keeps_a_report(ctx):
    central = user(GRANNBY_CENTRAL)
    account = user(GRANNBY_GUARDIAN)
    person = account.person
    assert person.source is Source.MANUAL
    asked = tickets_of(account)
    plan = erasure.plan(person)
    assert not plan.synced
    actions = {(l.item, l.action) for l in plan.lines}
    assert ("directory_entry", "anonymised") in actions and ("accounts", "anonymised") in actions
    with pytest.raises(Conflict):
        erasure.erase(central, person, "stale")
    assert person.given_name == "Kim"  # a stale plan changes nothing
    record = erasure.erase(central, person, plan.fingerprint)
    assert person.display_name == "Anonymiserad person" and person.email is None and person.civic_no is None
    assert account.enabled is False and account.email.endswith("@invalid.example") and account.password_hash is None
    assert not account.roles
    for t in asked:
        assert t.requester_name == "Anonymiserad" and t.requester_id is None
    kept = [l for l in record.report if l["action"] == "kept"]
    assert all(l["reason"] for l in kept)
    entry = _audits("privacy_erasure")[0]
    assert entry.object_label == f"#{person.id}" and "Kim" not in json.dumps(entry.after)
    with pytest.raises(Conflict):
        erasure.erase(central, person, erasure.plan(person).fingerprint)


def test_a_synced_person_keeps_the_directory_entry_and_loses_the_portals_copies(ctx):
    central, account = user(CENTRAL), user(GUARDIAN)
    person = account.person
    name = person.display_name
    plan = erasure.plan(person)
    assert plan.synced
    assert ("directory_entry", "kept", "sync_source") in {(l.item, l.action, l.reason) for l in plan.lines}
    record = erasure.erase(central, person, plan.fingerprint)
    assert record.synced and person.display_name == name and person.active
    assert account.enabled is False and account.email != GUARDIAN
    # What the account wrote no longer leads to the name the directory still holds.
    assert account.person_id is None and name not in account.display_name


def test_erasure_removes_the_requesters_files_once_committed(ctx):
    from pathlib import Path

    from flask import current_app

    from helpdesk.tickets.models import Attachment

    central, account = user(CENTRAL), user(GUARDIAN)
    ticket = tickets_of(account)[0]
    message = next(m for m in ticket.messages if m.author_role.value == "requester")
    folder = Path(current_app.config["UPLOAD_DIR"]) / "tickets"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "privacy-test-file").write_bytes(b"scan of a letter")
    db.session.add(Attachment(ticket_id=ticket.id, message_id=message.id, filename="brev.pdf",
                              content_type="application/pdf", size=16, storage_name="privacy-test-file"))
    ticket.attachment_count += 1
    db.session.commit()
    plan = erasure.plan(account.person)
    assert ("attachments", "removed", 1) in {(l.item, l.action, l.count) for l in plan.lines}
    erasure.erase(central, account.person, plan.fingerprint)
    assert (folder / "privacy-test-file").exists()  # not before the commit
    db.session.commit()
    assert not (folder / "privacy-test-file").exists()
    assert db.session.scalar(select(func.count(Attachment.id)).where(Attachment.ticket_id == ticket.id)) == 0


def test_a_students_export_lists_the_questions_asked_about_them(ctx):
    guardian = user(GUARDIAN)
    ticket = next(t for t in tickets_of(guardian) if t.student_id)
    student = db.session.get(type(guardian.person), ticket.student_id)
    about = exports.gather(student)["holdings"]["tickets"]["tickets_about_person"]
    assert [t["number"] for t in about] == [ticket.number]


def test_the_services_themselves_answer_another_organisation_as_not_found(ctx):
    """The rule lives in the services, so the CLI, the API and any later page meet it too."""
    from helpdesk.errors import NotFound

    exk, outsider, guardian = org("EXK"), user(GRANNBY_CENTRAL), user(GUARDIAN)
    export = exports.request_export(user(CENTRAL), guardian.person)
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    for attempt in (lambda: retention.propose(outsider, exk.id, dict(retention.DEFAULTS)),
                    lambda: retention.confirm(outsider, exk.id, ""),
                    lambda: retention.discard(outsider, exk.id),
                    lambda: retention.run(exk.id, actor=outsider),
                    lambda: exports.request_export(outsider, guardian.person),
                    lambda: exports.deliver(outsider, export.id),
                    lambda: erasure.erase(outsider, guardian.person, erasure.plan(guardian.person).fingerprint)):
        with pytest.raises(NotFound):
            attempt()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before
    assert retention.settings_row(exk.id) is None and guardian.person.active
