"""check-config names every unsafe production setting, and nothing for a sound one."""
from __future__ import annotations

from helpdesk.core.checkconfig import warnings_for

SOUND = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://app@db/helpdesk", "PUBLIC_URL": "https://support.kommun.se",
         "SESSION_COOKIE_SECURE": True, "RATELIMIT_STORAGE_URI": "redis://cache:6379/0",
         "MAIL_SERVER": "smtp.kommun.se", "MAIL_USE_TLS": True}


def test_a_sound_production_setup_has_no_warnings():
    assert warnings_for(SOUND, debug=False, workers=4, secret_from_env=True) == []


def test_each_unsafe_setting_is_named():
    cases = {
        "Debug mode is on": ({}, {"debug": True}),
        "SECRET_KEY comes from the instance folder": ({}, {"secret_from_env": False}),
        "SQLite with 4 workers": ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/h.sqlite"}, {}),
        "Login limits are counted in each worker's memory": ({"RATELIMIT_STORAGE_URI": "memory://"}, {}),
        "cookies are sent without Secure": ({"SESSION_COOKIE_SECURE": False}, {}),
        "plain http on a public name": ({"PUBLIC_URL": "http://support.kommun.se"}, {}),
        "without TLS": ({"MAIL_USE_TLS": False}, {}),
    }
    for needle, (config, kw) in cases.items():
        args = {"debug": False, "workers": 4, "secret_from_env": True, **kw}
        found = warnings_for({**SOUND, **config}, **args)
        assert len(found) == 1 and needle in found[0], (needle, found)


def test_the_embedded_demo_on_one_machine_is_not_flagged():
    demo = {"SQLALCHEMY_DATABASE_URI": "sqlite:////x/instance/helpdesk.sqlite", "PUBLIC_URL": "http://127.0.0.1:5000",
            "RATELIMIT_STORAGE_URI": "memory://", "MAIL_SERVER": ""}
    assert warnings_for(demo, debug=False, workers=1, secret_from_env=False) == []


def test_the_command_exits_1_when_strict_and_something_is_unsafe(tmp_path, monkeypatch):
    from helpdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.sqlite'}"}, instance_path=str(tmp_path))
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = app.test_cli_runner().invoke(args=["check-config", "--strict"])
    assert result.exit_code == 1
    assert "warning: SQLite with 3 workers" in result.output
    monkeypatch.setenv("WEB_WORKERS", "1")
    calm = app.test_cli_runner().invoke(args=["check-config", "--strict"])
    assert calm.exit_code == 0 and "No unsafe settings found." in calm.output
