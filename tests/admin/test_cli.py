"""The commands go through the same guard and importer."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from helpdesk.extensions import db
from tests.matrix import Refs


def test_admin_run_is_refused_queued_or_done_like_the_pages(demo_app):
    runner = demo_app.test_cli_runner()
    with demo_app.app_context():
        klass, team = Refs().group("6A"), Refs().group("Arbetslag 6-9")
    r = runner.invoke(args=["admin", "run", "rename_group", "--as", "lokal.norr@exempelkommun.se",
                            "--params", json.dumps({"group_id": klass, "name": "6X"})])
    assert r.exit_code == 3 and "rule 4" in r.output
    r = runner.invoke(args=["admin", "run", "rename_group", "--as", "lokal.norr@exempelkommun.se",
                            "--params", json.dumps({"group_id": team, "name": "Arbetslag 7-9"})])
    assert r.exit_code == 0 and "done" in r.output
    r = runner.invoke(args=["admin", "run", "create_group", "--as", "lokal.norr@exempelkommun.se",
                            "--params", json.dumps({"school_id": 1, "name": "Ny klass", "kind": "class"}),
                            "--reason", "Behövs"])
    assert r.exit_code == 0 and "sent for approval" in r.output
    r = runner.invoke(args=["admin", "run", "nonsense", "--as", "x@example.org"])
    assert r.exit_code != 0


def test_sync_import_command_dry_run_and_malformed(demo_app, tmp_path):
    from helpdesk.directory.models import Person

    doc = json.loads((Path(__file__).parent.parent / "sync" / "data" / "export.json").read_text())
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc))
    runner = demo_app.test_cli_runner()
    with demo_app.app_context():
        before = db.session.scalar(select(func.count(Person.id)))
    r = runner.invoke(args=["sync", "import", str(good), "--dry-run"])
    assert r.exit_code == 0 and "Dry run" in r.output and "person: created 8" in r.output
    assert "19780315" not in r.output  # no civic numbers in the output
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Person.id))) == before
    doc["persons"][0]["civicNo"]["value"] = "123"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    r = runner.invoke(args=["sync", "import", str(bad)])
    assert r.exit_code == 2 and "00000000-0000-4000-8000-00000000000a" in r.output and "civicNo.value" in r.output
    r = runner.invoke(args=["sync", "import", str(good)])
    assert r.exit_code == 0 and "Sync run" in r.output
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Person.id))) == before + 8
