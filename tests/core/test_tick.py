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
    assert tick._worth_saying("indexed 3, removed 0")
    assert tick._worth_saying("failed: OperationalError")
