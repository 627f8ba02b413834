"""The knowledge base: shipped and portal-written help articles, by audience."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk import hooks
    from helpdesk.access import can
    from helpdesk.core.cli import add_setup_step
    from helpdesk.demo import add_demo_step
    from helpdesk.kb import api, labels, models, policies, search_source, services, views  # noqa: F401
    from helpdesk.kb.cli import kb_cli, load_and_report
    from helpdesk.kb.demo import demo_step
    from helpdesk.nav import HomePanel, NavItem, add_home_panel, add_nav
    from helpdesk.search import services as search_services
    from helpdesk.search.sources import register_source

    app.register_blueprint(views.bp)
    from helpdesk.kb import privacy_source

    privacy_source.register()  # what it holds about a person, for privacy
    app.cli.add_command(kb_cli)
    app.add_template_global(labels.category_label, "category_label")
    register_source(search_source.source())
    search_services.on_search(services.log_search)
    hooks.provide("create_draft_article", services.create_draft_article)
    hooks.provide("find_article", services.find_article)
    hooks.provide("article_for", services.article_for)
    hooks.provide("article_from", services.article_from)
    add_nav(NavItem("kb.index", lambda: str(_l("Help articles")), lambda user: True, order=15))
    add_nav(NavItem("kb.manage", lambda: str(_l("Edit articles")), lambda user: can(user, "kb.write"),
                    order=85))
    add_home_panel(HomePanel("kb/_home_panel.html", lambda user: True, order=10))
    add_setup_step(10, "knowledge base articles", lambda: load_and_report(echo=lambda s: None)
                   and None)
    add_demo_step(50, demo_step)
    from helpdesk.kb import demo_history

    add_demo_step(55, demo_history.demo_step, history=True)
