"""The database stops and comes back: pages and the API answer 503 with Retry-After while it
is away (never 500, nothing half-written), and serve again by themselves when it returns."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.tickets.models import TicketMessage
from tests.conftest import _base_config
from tests.support.tcp_proxy import TcpProxy


def _login(client) -> None:
    page = client.post("/login", data={"email": "central@exempelkommun.se", "password": "demo"})
    assert page.status_code == 302


def test_pages_and_api_answer_503_while_the_database_is_away_and_recover_by_themselves(backend, tmp_path):
    if backend.kind != "postgresql":
        pytest.skip("a database server that stops and returns is PostgreSQL; SQLite is a file in the process")
    url = make_url(backend.copy("demo", tmp_path))
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    app = create_app({**_base_config(tmp_path), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": url.set(host="127.0.0.1", port=proxy.port)
                      .render_as_string(hide_password=False)},
                     instance_path=str(tmp_path / "instance"))
    try:
        client = app.test_client()
        _login(client)
        assert client.get("/tickets/queue?tier=central").status_code == 200
        with app.app_context():
            before = db.session.scalar(select(func.count(TicketMessage.id)))
            db.session.remove()

        proxy.cut()
        page = client.get("/tickets/queue?tier=central")
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert "når inte sin databas" in page.get_data(as_text=True)
        api = client.get("/api/v1/tickets")
        assert api.status_code == 503 and api.json["error"] == "ServiceUnavailable"
        assert client.get("/readyz").status_code == 503
        assert client.get("/livez").status_code == 200

        proxy.start()
        assert client.get("/readyz").status_code == 200
        assert client.get("/tickets/queue?tier=central").status_code == 200  # the same session, no restart
        with app.app_context():
            assert db.session.scalar(select(func.count(TicketMessage.id))) == before
    finally:
        proxy.cut()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        backend.drop(str(url))
