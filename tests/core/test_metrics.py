"""/metrics for Prometheus: off by default; when on, requests per endpoint (never a path or a
query), job runs, and backlogs read from the database; only for the allowed addresses."""
from __future__ import annotations

import pytest

from helpdesk.core import tick
from helpdesk.extensions import db
from helpdesk.notify.services import queue_mail


@pytest.fixture
def app_config():
    return {"METRICS_ENABLED": True, "METRICS_ALLOWED_ADDRESSES": ("127.0.0.1",)}


def _value(text: str, prefix: str) -> float:
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert lines, prefix
    return float(lines[0].rsplit(" ", 1)[1])


def test_metrics_count_requests_jobs_and_backlogs(demo_app):
    client = demo_app.test_client()
    client.get("/search?q=19140101-9995+hemlig")
    client.get("/kb/")
    with demo_app.app_context():
        queue_mail("central@exempelkommun.se", "Rapport", "Text")
        db.session.commit()
        tick.run_tick(keep_going=True)
        queue_mail("central@exempelkommun.se", "Nästa", "Text")
        db.session.commit()
    page = client.get("/metrics")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert _value(text, 'helpdesk_requests_total{endpoint="kb.index",method="GET",status="200"}') >= 1
    assert 'helpdesk_request_seconds_bucket{endpoint="kb.index"' in text
    assert _value(text, 'helpdesk_job_runs_total{job="search index",outcome="ok"}') >= 1
    assert _value(text, "helpdesk_outbox_unsent") >= 1
    assert "helpdesk_search_lag_seconds" in text and "helpdesk_sync_runs" in text
    assert "19140101" not in text and "hemlig" not in text and "/search" not in text


def test_metrics_answer_only_the_allowed_addresses(demo_app):
    outside = demo_app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert outside.status_code == 404


def test_metrics_are_off_unless_asked_for(tmp_path):
    from helpdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}", "TESTING": True},
                     instance_path=str(tmp_path))
    assert app.test_client().get("/metrics").status_code == 404
