"""Logging in and out, passwords, API tokens, and the scoped roles behind every permission."""


def init_app(app) -> None:
    from helpdesk.auth import policies, views  # noqa: F401  (policies registers rules)
    from helpdesk.auth.loader import init_login

    init_login(app)
    app.register_blueprint(views.bp)
    from helpdesk.auth import privacy_source

    privacy_source.register()  # what it holds about a person, for privacy
    from helpdesk.auth import saml

    saml.init_app(app)  # staff log in with their school account
