"""Tiered tickets: questions routed local → central → vendor, with queues, SLA clocks,
guest intake and e-mail."""


import os


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk.access import can
    from helpdesk.core.tick import add_tick_job
    from helpdesk.demo import add_demo_step
    from helpdesk.nav import HomePanel, NavItem, add_home_panel, add_nav
    from helpdesk.tickets import api, labels, policies, views  # noqa: F401  (they register themselves)
    from helpdesk.tickets import accessibility_views, queue_views, workspace_views  # noqa: F401  (routes on views.bp)
    from helpdesk.tickets import periodic, services
    from helpdesk.tickets.demo import demo_tickets

    app.config.setdefault("TICKET_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    app.config.setdefault("TICKET_AUTO_CLOSE_DAYS", 7)
    app.config.setdefault("TICKET_BUSINESS_HOURS", os.environ.get("TICKET_BUSINESS_HOURS", "08:00-17:00"))
    app.config.setdefault("GUEST_RATE_LIMIT", "5 per hour")

    app.register_blueprint(views.bp)
    from helpdesk.tickets import privacy_source

    privacy_source.register()  # what it holds about a person, for privacy
    from helpdesk.search.sources import register_source
    from helpdesk.tickets import search_source

    register_source(search_source.source())
    from helpdesk.tickets.cli import tickets_cli

    app.cli.add_command(tickets_cli)
    from helpdesk import hooks

    hooks.provide("filing_deflection", services.filing_deflection)
    hooks.provide("ask_for_help", views.ask_links)
    hooks.provide("accessibility_report_url", accessibility_views.report_url)
    add_nav(NavItem("tickets.new", lambda: str(_l("Ask a question")),
                    lambda user: can(user, "tickets.file"), order=20))
    add_nav(NavItem("tickets.mine", lambda: str(_l("My questions")),
                    lambda user: can(user, "tickets.file"), order=21))
    add_nav(NavItem("tickets.queue", lambda: str(_l("Queue")),
                    lambda user: can(user, "tickets.view_queue"), order=22))
    add_home_panel(HomePanel(
        "tickets/_home_panel.html",
        lambda user: not user.is_authenticated or can(user, "tickets.file") or can(user, "tickets.view_queue"),
        order=10))

    add_tick_job(10, "tickets: auto-escalate", lambda: f"{periodic.auto_escalate_overdue()} escalated")
    add_tick_job(11, "tickets: breaches", lambda: f"{periodic.notify_breaches()} notified")
    add_tick_job(12, "tickets: auto-close", lambda: f"{periodic.auto_close_resolved()} closed")
    add_demo_step(30, demo_tickets)
    from helpdesk.tickets import counters

    counters.listen()
    from helpdesk.tickets import queue_versions

    queue_versions.listen()  # after the counters (see there)
    # After every step that files tickets (the history is written in bulk, around the session).
    add_demo_step(98, counters.demo_step)
    from helpdesk.tickets import demo_history

    # Before the hand-made demo tickets, so the past questions have the lower numbers.
    add_demo_step(25, demo_history.demo_step, history=True)
