"""The periodic work: `flask tick` once, and the job runner (`flask jobs`) that `make run`
starts beside the web server, through a real SMTP server on loopback."""
from __future__ import annotations

from sqlalchemy import func, select

from helpdesk.core import tick
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.notify.services import queue_mail
from helpdesk.search.models import IndexOutbox
from tests.support.smtp import smtp_server


def _pending(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_the_job_runner_indexes_and_sends_mail_without_another_command(demo_app):
    with smtp_server() as inbox:
        demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
        with demo_app.app_context():
            queue_mail("larare.norr@exempelkommun.se", "Svar på din fråga", "Hej!")
            db.session.add(IndexOutbox(kind="article", object_id=1))
            db.session.commit()
        result = demo_app.test_cli_runner().invoke(args=["jobs", "--rounds", "2", "--interval", "1"])
        assert result.exit_code == 0, result.output
        assert "Job runner: the periodic jobs run every 1 s" in result.output
        assert "Job runner stopped." in result.output
        assert any(m["Subject"] == "Svar på din fråga" for m in inbox.messages)
        with demo_app.app_context():
            assert _pending(OutboxMail, OutboxMail.sent_at.is_(None)) == 0
            assert _pending(IndexOutbox) == 0


def test_one_failing_job_does_not_stop_the_others_or_the_mail(demo_app, monkeypatch):
    def broken():
        raise RuntimeError("the job's own bug")

    monkeypatch.setattr(tick, "_JOBS", [*tick._JOBS, (15, "broken job", broken)])
    said: list[str] = []
    with smtp_server() as inbox:
        demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
        with demo_app.app_context():
            queue_mail("central@exempelkommun.se", "Veckorapport", "Allt lugnt.")
            db.session.commit()
            rounds = tick.run_jobs(0, stop=tick.threading.Event(), rounds=1, echo=said.append)
        assert rounds == 1
        assert "broken job: failed: RuntimeError" in said
        assert [m["Subject"] for m in inbox.messages] == ["Veckorapport"]


def test_tick_once_still_stops_at_a_failing_job_so_cron_sees_the_error(demo_app, monkeypatch):
    def broken():
        raise RuntimeError("the job's own bug")

    monkeypatch.setattr(tick, "_JOBS", [(1, "broken job", broken)])
    result = demo_app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError) and str(result.exception) == "the job's own bug"


def test_quiet_rounds_print_nothing():
    assert not tick._worth_saying("indexed 0, removed 0")
    assert not tick._worth_saying("sent 0, left for retry 0")
    assert not tick._worth_saying("another indexer holds the lease")
    assert not tick._worth_saying("refreshed 0, failed 0")
    assert tick._worth_saying("indexed 3, removed 0")
    assert tick._worth_saying("failed: OperationalError")


def test_two_job_runners_on_one_postgresql_do_each_piece_of_work_once(demo_app, tmp_path):
    """Two `flask jobs` processes (as on two hosts) against one database: an overdue question
    is escalated once and a mail leaves once."""
    import os
    import subprocess
    import sys
    from datetime import timedelta

    import pytest
    from sqlalchemy import update

    from helpdesk.models_base import utcnow
    from helpdesk.tickets.models import EventKind, Ticket, TicketEvent, Tier

    if demo_app.test_database_kind != "postgresql":
        pytest.skip("two job runners on two hosts share a PostgreSQL server; SQLite is one machine's file")
    with demo_app.app_context():
        overdue = db.session.scalar(select(Ticket.id).where(Ticket.tier == Tier.LOCAL,
                                                            Ticket.local_responded_at.is_(None)))
        db.session.execute(update(Ticket).where(Ticket.id == overdue)
                           .values(local_response_due=utcnow() - timedelta(hours=1)))
        queue_mail("central@exempelkommun.se", "Bara en gång", "Text")
        db.session.commit()
    with smtp_server() as inbox:
        env = {**os.environ, "DATABASE_URL": demo_app.config["SQLALCHEMY_DATABASE_URI"],
               "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(inbox.port), "SECRET_KEY": "two-runners",
               "SEARCH_INDEX_DIR": str(tmp_path / "index"), "UPLOAD_DIR": str(tmp_path / "uploads")}
        runners = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "helpdesk", "jobs", "--rounds", "3",
                                     "--interval", "1"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        outputs = [r.communicate(timeout=180)[0] for r in runners]
        assert [r.returncode for r in runners] == [0, 0], outputs
        assert [m["Subject"] for m in inbox.messages].count("Bara en gång") == 1
    with demo_app.app_context():
        escalations = db.session.scalar(select(func.count(TicketEvent.id)).where(
            TicketEvent.ticket_id == overdue, TicketEvent.kind == EventKind.AUTO_ESCALATED))
        assert escalations == 1
        assert db.session.get(Ticket, overdue).tier is Tier.CENTRAL


def test_the_indexer_keeps_its_own_pace_while_another_job_hangs(demo_app, monkeypatch):
    """The job runner runs the search indexer in a thread of its own: a new document is
    indexed while the round's other jobs are still busy (here one waits until it is)."""
    import threading

    indexed = threading.Event()

    def stuck():
        # Waits, as a slow job would, until the indexer has drained the outbox beside it.
        with demo_app.app_context():
            for _ in range(1200):  # a bound, so a broken indexer fails the test, not hangs it
                if indexed.wait(0.05):
                    break
                db.session.rollback()
                if _pending(IndexOutbox) == 0:
                    indexed.set()
        return "done"

    monkeypatch.setattr(tick, "_JOBS", [*tick._JOBS, (5, "slow job", stuck)])
    with demo_app.app_context():
        db.session.add(IndexOutbox(kind="article", object_id=1))
        db.session.commit()
        # The round's interval is far longer than the test: only the indexer's own pace
        # (SEARCH_INDEX_INTERVAL) can drain the outbox while "slow job" waits.
        demo_app.config["SEARCH_INDEX_INTERVAL"] = 0.1
        done = tick.run_jobs(3600, stop=threading.Event(), rounds=1, echo=lambda line: None)
    assert done == 1
    assert indexed.is_set()
