"""The support organisation: organisations and schools, the platform operator, appointments
of central, local and group admins and vendor agents, invitations, and "Where do I turn?"."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk import hooks
    from helpdesk.access import can
    from helpdesk.demo import add_demo_step
    from helpdesk.nav import HomePanel, NavItem, add_home_panel, add_nav
    from helpdesk.organisation import api, contacts, policies, views  # noqa: F401  (register themselves)
    from helpdesk.organisation.cli import org_cli
    from helpdesk.organisation.demo import demo_step

    app.config.setdefault("INVITATION_DAYS", 7)
    app.register_blueprint(views.bp)
    app.cli.add_command(org_cli)
    hooks.provide("support_contacts", contacts.where_to_turn)
    # The operator has no organisation, so the organisations page is their Administration.
    add_nav(NavItem("organisation.organisations_page", lambda: str(_l("Administration")),
                    lambda user: can(user, "organisation.operate"), order=85))
    add_home_panel(HomePanel("organisation/_home_panel.html",
                             lambda user: contacts.where_to_turn(user) is not None, order=5))
    add_demo_step(5, demo_step)

    @app.context_processor
    def where_to_turn():
        from flask_login import current_user

        return {"support_contacts": lambda school_id=None: hooks.get("support_contacts")(current_user, school_id)}
