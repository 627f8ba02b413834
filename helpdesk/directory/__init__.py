"""The directory of organisations, schools, groups and people, seen within one's scope."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk.access import can
    from helpdesk.directory import labels, policies, views  # noqa: F401  (they register themselves)
    from helpdesk.nav import NavItem, add_nav

    app.register_blueprint(views.bp)
    from helpdesk.directory import privacy_source

    privacy_source.register()  # what it holds about a person, for privacy
    add_nav(NavItem("directory.index", lambda: str(_l("Directory")),
                    lambda user: can(user, "directory.browse"), order=80))
