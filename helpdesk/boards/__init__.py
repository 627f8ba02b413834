"""Support-group boards: local and central contacts learn from each other's questions;
workshops and check-in meetings with agendas built from what was asked."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk.boards import api, labels, policies, views  # noqa: F401  (they register themselves)
    from helpdesk.boards.demo import add_demo_content
    from helpdesk.demo import add_demo_step
    from helpdesk.nav import HomePanel, NavItem, add_home_panel, add_nav

    app.register_blueprint(views.bp)
    from helpdesk.boards import membership, privacy_source, search_source

    membership.init_app()
    privacy_source.register()  # what it holds about a person, for privacy
    from helpdesk.search.sources import register_source

    register_source(search_source.source())
    from helpdesk import hooks
    from helpdesk.boards.services import ticket_discussion

    hooks.provide("ticket_discussion", ticket_discussion)
    app.context_processor(_template_globals)
    from helpdesk.boards.reach import offers_boards

    # Offered only to whom a board is there for: not a teacher the forum has nothing for.
    add_nav(NavItem("boards.index", lambda: str(_l("Support group")), offers_boards, order=40))
    add_home_panel(HomePanel("boards/_home_panel.html", offers_boards, order=40))
    add_demo_step(40, add_demo_content)
    from helpdesk.boards import demo_history

    add_demo_step(45, demo_history.demo_step, history=True)

    from helpdesk.boards.cli import boards_cli, setup_step
    from helpdesk.core.cli import add_setup_step

    app.cli.add_command(boards_cli)
    add_setup_step(40, "boards: default boards for every organisation", setup_step)


def _template_globals():
    from flask import has_request_context, request

    if not has_request_context() or not (request.blueprint == "boards" or request.endpoint == "core.home"):
        return {}
    from flask_babel import gettext as _

    from helpdesk.boards import attachments

    def unread_total():
        from flask_login import current_user

        from helpdesk.boards.services import unread_total as total

        return total(current_user)

    return {
        "attachment_hint": _("At most %(n)d files of at most %(mb)d MB each: %(kinds)s.", n=attachments.MAX_FILES,
                             mb=attachments.max_bytes() // (1024 * 1024),
                             kinds=", ".join(sorted(attachments.ALLOWED))),
        "boards_unread_total": unread_total,
    }
