"""One search over articles, forum threads and tickets (Whoosh or PostgreSQL)."""


def init_app(app) -> None:
    import os

    from flask_babel import lazy_gettext as _l

    from helpdesk import hooks
    from helpdesk.core.cli import add_setup_step
    from helpdesk.core.health import add_check
    from helpdesk.core.tick import add_tick_job
    from helpdesk.events import content_changed
    from helpdesk.nav import NavItem, add_nav
    from helpdesk.search import api, labels, models, policies, services, views  # noqa: F401
    from helpdesk.search.cli import search_cli

    app.config.setdefault("SEARCH_BACKEND", os.environ.get("SEARCH_BACKEND", "auto"))
    # Processes that build the Whoosh index in a full reindex (the indexer's own machine):
    # Whoosh indexes in pure Python, so a rebuild takes about half as long on two cores.
    app.config.setdefault("SEARCH_INDEX_PROCS",
                          int(os.environ.get("SEARCH_INDEX_PROCS") or min(4, os.cpu_count() or 1)))
    # Decoded Whoosh posting lists kept in memory per process (12 bytes a posting).
    app.config.setdefault("SEARCH_CACHE_POSTINGS", int(os.environ.get("SEARCH_CACHE_POSTINGS") or 2_000_000))
    app.config.setdefault("SEARCH_KEPT_ANSWERS", int(os.environ.get("SEARCH_KEPT_ANSWERS") or 256))
    app.register_blueprint(views.bp)
    from helpdesk.search.labels import audience_label, kind_label

    app.add_template_global(kind_label, "kind_label")
    app.add_template_global(audience_label, "audience_label")
    app.cli.add_command(search_cli)
    content_changed.connect(services._content_changed, weak=False)
    hooks.provide("suggest_articles", services.suggest_articles)
    add_check("search", services.health, ready=services.ready)
    add_nav(NavItem("search.search", lambda: str(_l("Search")), lambda user: True, order=20))

    def index_job():
        counts = services.process_outbox()
        if counts["skipped"]:
            return "another indexer holds the lease"
        return f"indexed {counts['indexed']}, removed {counts['removed']}"

    # The job runner runs the indexer in a thread of its own every SEARCH_INDEX_INTERVAL
    # seconds (default 1): a new article or ticket is searchable within a few seconds of
    # its commit, whatever the other jobs take. `flask tick` runs it with the others.
    app.config.setdefault("SEARCH_INDEX_INTERVAL", float(os.environ.get("SEARCH_INDEX_INTERVAL") or 1))
    add_tick_job(20, "search index", index_job, interval_setting="SEARCH_INDEX_INTERVAL")

    def setup_step():
        services.ensure_index()
        services.process_outbox()

    add_setup_step(90, "search index", setup_step)
