"""`flask --app helpdesk kb load [PATH]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

kb_cli = AppGroup("kb", help="The knowledge base.")


def load_and_report(path: Path | None = None, echo=click.echo) -> int:
    from helpdesk.extensions import db
    from helpdesk.kb.loader import default_root, load_articles

    root = path or default_root()
    report = load_articles(root)
    db.session.commit()
    for slug in report.created:
        echo(f"  created   {slug}")
    for slug in report.updated:
        echo(f"  updated   {slug}")
    for error in report.errors:
        echo(f"  skipped   {error}")
    echo(f"kb: {len(report.created)} created, {len(report.updated)} updated, "
         f"{len(report.unchanged)} unchanged, {len(report.errors)} skipped ({root})")
    return len(report.errors)


@kb_cli.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def load_command(path: Path | None):
    """Load the shipped articles (kb_articles/ by default); safe to run again."""
    errors = load_and_report(path)
    if errors:
        raise SystemExit(1)
