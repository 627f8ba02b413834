"""Cross-cutting web plumbing: security headers, session timeout, errors, home page, health."""
from __future__ import annotations


def init_app(app) -> None:
    from helpdesk.core import cli, errorhandlers, security, templating, views

    security.init_app(app)
    templating.init_app(app)
    errorhandlers.init_app(app)
    app.register_blueprint(views.bp)
    cli.init_app(app)
