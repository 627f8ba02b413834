"""Personal data: retention rules per organisation, a person's export, erasure on request.

Every capability registers what it holds about a person in `helpdesk.privacy.registry`;
this package walks the registry and never reads their tables itself."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk import hooks
    from helpdesk.access import can
    from helpdesk.core.tick import add_tick_job
    from helpdesk.nav import NavItem, add_nav
    from helpdesk.privacy import models, policies, retention, views  # noqa: F401  (register themselves)
    from helpdesk.privacy.cli import privacy_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(privacy_cli)
    hooks.provide("person_privacy_url", _person_url)
    hooks.provide("retention_summary", retention.summary)
    add_nav(NavItem("privacy.retention_page", lambda: str(_l("Personal data")),
                    lambda user: can(user, "privacy.manage"), order=88))
    # Before the search indexer (20), so anonymised questions leave the index in the same tick.
    add_tick_job(15, "privacy: retention", retention.tick_job)


def _person_url(actor, person):
    from flask import url_for

    from helpdesk.access import can

    return url_for("privacy.person_page", person_id=person.id) if can(actor, "privacy.person", person) else None
