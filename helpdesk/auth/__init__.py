"""Logging in and out, passwords, API tokens, and the scoped roles behind every permission."""


def init_app(app) -> None:
    from helpdesk.auth import policies, views  # noqa: F401  (policies registers rules)
    from helpdesk.auth.loader import init_login

    from helpdesk import hooks
    from helpdesk.auth import login_sessions, sessions
    from helpdesk.core.tick import add_tick_job

    init_login(app)
    app.register_blueprint(views.bp)
    app.add_template_global(login_sessions.method_name, "login_method_name")
    add_tick_job(40, "auth: ended sessions", login_sessions.prune)
    hooks.provide("end_session", sessions.end)
    from helpdesk.auth import privacy_source

    privacy_source.register()  # what it holds about a person, for privacy
    from helpdesk.auth import oidc

    oidc.init_app(app)  # guardians' e-legitimation

    from helpdesk.auth import saml

    saml.init_app(app)  # staff log in with their school account
