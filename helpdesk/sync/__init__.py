"""The nightly SS 12000 sync: an importer command and a status page for the central team."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk.access import can
    from helpdesk.nav import NavItem, add_nav
    from helpdesk.sync import cli, labels, models, policies, views  # noqa: F401
    from helpdesk.sync.notices import count_action, count_kind, wording

    app.register_blueprint(views.bp)
    app.add_template_filter(wording, "sync_warning")
    app.add_template_filter(count_kind, "sync_count_kind")
    app.add_template_filter(count_action, "sync_count_action")
    app.cli.add_command(cli.sync_cli)
    add_nav(NavItem("sync.status", lambda: str(_l("Sync")), lambda user: can(user, "sync.view_status"),
                    order=86))
