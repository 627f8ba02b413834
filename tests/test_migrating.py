"""A web worker carries no more than it serves: the factory leaves the heavy libraries that
only some routes or commands use to be imported by them (README: "Running it for real",
worker memory), and `flask db` still works through the lazy wiring of Flask-Migrate."""
from __future__ import annotations

import subprocess
import sys

from helpdesk import create_app

# Each costs megabytes in every worker; each is imported by the code that needs it.
LAZY = {
    "flask_migrate": "migrations (flask db, flask setup)",
    "alembic": "migrations",
    "saml2.client": "a SAML login",
    "saml2.config": "a SAML login",
    "xmlschema": "a SAML login",
    "authlib": "an e-legitimation login",
    "joserfc": "an e-legitimation login",
    "requests": "webhook delivery, OIDC discovery",
    "holidays.countries": "every country of the holidays package: the SLA reads Sweden alone",
}


def test_the_app_factory_leaves_heavy_libraries_to_the_routes_that_use_them(tmp_path):
    code = (
        "import sys\n"
        "from helpdesk import create_app\n"
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path / 'w.sqlite'}', 'SECRET_KEY': 'x'}},"
        f" instance_path={str(tmp_path)!r})\n"
        f"print(' '.join(m for m in {sorted(LAZY)!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == [], {m: LAZY[m] for m in loaded}


def test_the_sla_calendar_reads_swedens_holidays_without_loading_every_country(tmp_path):
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from helpdesk.tickets.sla import _public_holidays\n"
        "days = _public_holidays(2026)\n"
        "print(date(2026, 6, 19) in days, date(2026, 12, 24) in days, date(2026, 6, 18) in days,"
        " 'holidays.countries' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "False", "False"]


def test_flask_db_runs_flask_migrate_when_asked(tmp_path):
    from sqlalchemy import inspect

    from helpdesk.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}", "TESTING": True},
                     instance_path=str(tmp_path))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert inspect(db.engine).has_table("alembic_version")
        assert inspect(db.engine).has_table("board_post")
        db.engine.dispose()
