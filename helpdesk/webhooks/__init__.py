"""Webhooks: the central team's own systems hear of questions, articles and approvals as
they happen, signed the Standard Webhooks way and retried until they answer."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk.access import can
    from helpdesk.core.tick import add_tick_job
    from helpdesk.events import domain_event
    from helpdesk.nav import NavItem, add_nav
    from helpdesk.webhooks import delivery, models, policies, services, views  # noqa: F401  (register themselves)

    app.register_blueprint(views.bp)
    # weak=False: the receiver is a module function, kept for the life of the process.
    domain_event.connect(services.on_domain_event, weak=False)
    add_nav(NavItem("webhooks.index", lambda: str(_l("Webhooks")),
                    lambda user: can(user, "webhooks.manage"), order=89))
    add_tick_job(40, "webhooks: delivery", delivery.deliver_due)
