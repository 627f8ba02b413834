"""Cross-cutting web plumbing: security headers, session timeout, errors, home page, probes, metrics."""
from __future__ import annotations


def init_app(app) -> None:
    from helpdesk.core import applog, cli, errorhandlers, metrics, security, templating, views

    applog.init_app(app)  # first: every later hook's log lines carry the request id
    metrics.init_app(app)  # first, so its timer starts before the other hooks run
    security.init_app(app)
    templating.init_app(app)
    errorhandlers.init_app(app)
    app.register_blueprint(views.bp)
    cli.init_app(app)
