"""Guardians log in with e-legitimation (BankID, Freja) through an OpenID Connect provider."""


def init_app(app) -> None:
    from helpdesk.auth.oidc import labels, models, policies, views  # noqa: F401  (register rules, phrases)

    app.register_blueprint(views.bp)
