"""The removal guard: a run that would deactivate more than SYNC_MAX_REMOVAL_SHARE of an
organisation's synced people or groups changes nothing, is held for review, tells central on
the sync page and by e-mail, and is applied only when central confirms it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.auth.models import Role
from helpdesk.directory.models import Group, Organisation, Person
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.sync.importer import ConfirmRefused, confirm_held_run, run_import
from helpdesk.sync.models import SyncRun, SyncRunStatus
from tests.conftest import login
from tests.support.factories import make_user
from tests.support.municipality import generate, write_pages


def count_active(model):
    return db.session.scalar(select(func.count()).select_from(model).where(model.active))


@pytest.fixture
def two_nights(app, tmp_path):
    """A municipality imported, a central admin, and a next night without 40 % of its students."""
    doc = generate()
    write_pages(doc, tmp_path / "night1")
    students = [p["id"] for p in doc["persons"] if p.get("responsibles")]
    leaving = set(students[: int(len(students) * 0.4)])
    doc["persons"] = [p for p in doc["persons"] if p["id"] not in leaving]
    for g in doc["groups"]:
        g["groupMemberships"] = [m for m in g["groupMemberships"] if m["person"]["id"] not in leaving]
    write_pages(doc, tmp_path / "night2")
    with app.test_request_context():
        run_import(tmp_path / "night1")
        org = db.session.scalars(select(Organisation)).one()
        make_user("chef@kommun.example.se", org=org, roles=[(Role.CENTRAL_ADMIN, org)])
        db.session.commit()
    return tmp_path / "night2", len(leaving)


def test_a_40_percent_removal_is_held_and_changes_nothing(app, two_nights):
    night2, leaving = two_nights
    with app.test_request_context():
        people, groups = count_active(Person), count_active(Group)
        result = run_import(night2, full=True)
        assert result.held and result.run.status is SyncRunStatus.HELD
        assert count_active(Person) == people and count_active(Group) == groups
        [plan] = result.run.plan
        assert plan["persons"]["deactivated"] == leaving and plan["persons"]["active"] == people
        mail = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == "chef@kommun.example.se")).one()
        assert f"synkkörning {result.run.id}" in mail.subject
        assert f"{leaving} av {people}" in mail.body and "/sync/" in mail.body


def test_confirming_applies_the_held_run(app, two_nights):
    night2, leaving = two_nights
    with app.test_request_context():
        people = count_active(Person)
        run_id = run_import(night2, full=True).run.id
        result = confirm_held_run(run_id)
        assert result.run.id == run_id and result.run.status is SyncRunStatus.OK
        assert result.run.counts["person"] == {"deactivated": leaving}
        assert count_active(Person) == people - leaving
        with pytest.raises(ConfirmRefused):  # once only
            confirm_held_run(run_id)


def test_a_held_run_whose_export_changed_is_not_applied(app, two_nights):
    night2, _leaving = two_nights
    with app.test_request_context():
        people = count_active(Person)
        run_id = run_import(night2, full=True).run.id
        (night2 / "deletedEntities.json").write_text('{"data": {"persons": []}, "pageToken": null}')
        with pytest.raises(ConfirmRefused):
            confirm_held_run(run_id)
        assert db.session.get(SyncRun, run_id).status is SyncRunStatus.HELD
        assert count_active(Person) == people


def test_under_the_threshold_nothing_is_held(app, two_nights):
    app.config["SYNC_MAX_REMOVAL_SHARE"] = 0.5
    night2, leaving = two_nights
    with app.test_request_context():
        result = run_import(night2, full=True)
        assert not result.held and result.run.counts["person"] == {"deactivated": leaving}


def test_the_page_tells_central_and_its_button_applies(app, two_nights):
    night2, leaving = two_nights
    with app.test_request_context():
        run_id = run_import(night2, full=True).run.id
        people = count_active(Person)
    client = app.test_client()
    login(client, "chef@kommun.example.se")
    html = client.get("/sync/").get_data(as_text=True)
    assert f"Synkkörning {run_id} väntar på granskning" in html and f"{leaving} av {people}" in html
    stranger = app.test_client()
    with app.test_request_context():
        other = Organisation(name="Annan kommun", code="ANN")
        db.session.add(other)
        db.session.flush()
        make_user("annan@kommun.example.se", org=other, roles=[(Role.CENTRAL_ADMIN, other)])
        db.session.commit()
    login(stranger, "annan@kommun.example.se")
    assert f"Synkkörning {run_id}" not in stranger.get("/sync/").get_data(as_text=True)
    assert stranger.post(f"/sync/runs/{run_id}/confirm").status_code == 404
    r = client.post(f"/sync/runs/{run_id}/confirm", follow_redirects=True)
    assert f"Synkkörning {run_id} är bekräftad" in r.get_data(as_text=True)
    with app.test_request_context():
        assert count_active(Person) == people - leaving
        assert db.session.get(SyncRun, run_id).confirmed_by_id is not None
        from helpdesk.admin.models import AuditEntry

        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.operation == "confirm_sync_run")).one()
        assert entry.actor_label == "chef@kommun.example.se" and entry.object_id == run_id


def test_the_command_holds_confirms_and_dry_runs(app, two_nights):
    night2, leaving = two_nights
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["sync", "import", str(night2), "--full", "--dry-run"])
    assert dry.exit_code == 0 and "Plan:" in dry.output and "would be held for review" in dry.output
    assert f"deactivated {leaving} of" in dry.output
    held = runner.invoke(args=["sync", "import", str(night2), "--full"])
    assert held.exit_code == 3 and "HELD FOR REVIEW" in held.output
    with app.app_context():
        run_id = db.session.scalar(select(SyncRun.id).where(SyncRun.status == SyncRunStatus.HELD))
    done = runner.invoke(args=["sync", "import", "--confirm", str(run_id)])
    assert done.exit_code == 0, done.output
    assert f"Sync run {run_id} done." in done.output and f"deactivated {leaving}" in done.output
    again = runner.invoke(args=["sync", "import", "--confirm", str(run_id)])
    assert again.exit_code == 5
