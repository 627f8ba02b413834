"""E-mail in: replies to notifications, new questions to an organisation's address and the
vendor's desk answering by mail, read from IMAP mailboxes with loop, size and rate guards."""
import os


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk.access import can
    from helpdesk.core.tick import add_tick_job
    from helpdesk.mailin import cli, imap, models, policies, views  # noqa: F401  (they register themselves)
    from helpdesk.nav import NavItem, add_nav

    env = os.environ.get
    app.config.setdefault("MAILIN_MAX_BYTES", int(env("MAILIN_MAX_BYTES", str(25 * 1024 * 1024))))
    app.config.setdefault("MAILIN_SENDER_LIMIT_PER_HOUR", int(env("MAILIN_SENDER_LIMIT_PER_HOUR", "30")))
    app.config.setdefault("MAIL_IMAP_MAILBOXES", imap.mailboxes_from_environment())
    app.register_blueprint(views.bp)
    cli.init_app(app)
    add_tick_job(5, "mail: fetch", lambda: imap.summary(imap.fetch_all()))
    add_nav(NavItem("mailin.quarantine", lambda: str(_l("Mail quarantine")),
                    lambda user: can(user, "mailin.manage"), order=88))
