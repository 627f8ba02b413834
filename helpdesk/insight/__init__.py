"""Insight: how support is going, in figures and charts per tier, school and category, with
CSV downloads, a monthly report for the check-in meeting and the same figures in the API."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk import hooks
    from helpdesk.demo import add_demo_step
    from helpdesk.insight import api, models, rollup, views  # noqa: F401  (they register themselves)
    from helpdesk.insight.cli import insight_cli
    from helpdesk.insight.reach import Reach
    from helpdesk.nav import NavItem, add_nav

    def sees_insight(user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and Reach.of_or_none(user) is not None

    app.register_blueprint(views.bp)
    app.cli.add_command(insight_cli)
    rollup.listen()
    # Last of the demo's steps: the history is written in bulk, around the ticket service.
    add_demo_step(99, rollup.demo_step)
    hooks.provide("insight_report_url", views.report_url)
    # Beside the directory in the "Administration" disclosure: a top-level entry pushed the
    # central admin's menu to a fourth line at 320 px; the start page's numbers link here too.
    add_nav(NavItem("insight.index", lambda: str(_l("Overview")), sees_insight, order=81))
