"""The support portal: a Flask application factory."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

# Each capability is a subpackage with an `init_app(app)` that registers its blueprint,
# its permission rules and its CLI commands. The JSON API blueprint goes last, once every
# capability has added its routes to it.
CAPABILITIES = (
    "helpdesk.core",
    "helpdesk.auth",
    "helpdesk.directory",
    "helpdesk.organisation",
    "helpdesk.notify",
    "helpdesk.tickets",
    "helpdesk.mailin",
    "helpdesk.admin",
    "helpdesk.sync",
    "helpdesk.boards",
    "helpdesk.search",
    "helpdesk.kb",
    "helpdesk.privacy",
    "helpdesk.insight",
    "helpdesk.webhooks",
)


def create_app(config: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
        instance_path=instance_path,
    )
    from helpdesk import config as config_module
    from helpdesk.core.input import CleanRequest

    app.request_class = CleanRequest

    app.config.update(config_module.load(Path(app.instance_path)))
    if config:
        app.config.update(config)

    from helpdesk import migrating
    from helpdesk.extensions import babel, csrf, db, limiter, login_manager
    from helpdesk.i18n import select_locale, translation_directories

    from helpdesk.core import sqlite_journal

    sqlite_journal.install()
    db.init_app(app)
    import_module("helpdesk.leases")  # a table every capability may use
    migrating.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories()
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)

    for name in CAPABILITIES:
        import_module(name).init_app(app)

    from helpdesk.api import init_app as init_api

    init_api(app)

    from helpdesk.core import accesslog

    accesslog.install(app)  # after every route exists: it learns the token routes
    if app.config["TRUSTED_PROXIES"]:
        # Behind a reverse proxy the client's address, scheme and host come from the proxy's
        # X-Forwarded-* headers; trusted only when configured, or any client could claim any
        # address (and so escape the login limits).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
