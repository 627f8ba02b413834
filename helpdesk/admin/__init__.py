"""Sync-aware manual administration: staff groups, appraisal mentors, student mentors, people
without personnummer, manual staff, new groups, courses and login details, all through the
SyncGuard, with approvals by the central team and an audit log."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk.access import can
    from helpdesk.admin import api, labels, models, policies, views  # noqa: F401  (register themselves)
    from helpdesk.admin.cli import admin_cli
    from helpdesk.core.cli import add_setup_step
    from helpdesk.demo import add_demo_step
    from helpdesk.nav import HomePanel, NavItem, add_home_panel, add_nav

    app.config.setdefault("ADMIN_ACTIVATION_DAYS", 30)
    app.register_blueprint(views.bp)
    from helpdesk.admin import privacy_source

    privacy_source.register()  # what it holds about a person, for privacy
    app.register_blueprint(views.public)

    @app.context_processor
    def admin_globals():
        from flask_login import current_user

        from helpdesk.admin import approvals

        return {"admin_my_requests": lambda: approvals.requests_of(current_user, 5),
                "admin_pending_count": lambda: approvals.pending_count(current_user)}
    app.cli.add_command(admin_cli)
    add_nav(NavItem("admin.index", lambda: str(_l("Schools and groups")),
                    lambda user: can(user, "admin.access"), order=85))
    add_home_panel(HomePanel("admin/_home_panel.html", lambda user: can(user, "admin.access"), order=40))
    add_setup_step(20, "admin: course catalogue", _load_courses)
    from helpdesk.admin.demo import demo_step

    add_demo_step(60, demo_step)


def _load_courses():
    from helpdesk.admin.courses import load_courses

    load_courses()
