"""Flask-Migrate, wired in without importing it: Flask-Migrate brings Alembic, Mako and
Pygments (~10 MB and ~300 modules in every web worker), and only `flask db ...`, `flask setup`
and the tests' upgrades need them. Flask-Migrate's functions read
`app.extensions["migrate"]`; what sits there builds the real `Migrate` on first use."""
from __future__ import annotations

from functools import cached_property

import click

# The settings migrations/env.py hands to Alembic (SQLite needs batch mode for ALTER).
OPTIONS = {"render_as_batch": True, "compare_type": True}


class MigrateConfig:
    """What Flask-Migrate's own `_MigrateConfig` offers (`migrate`, `db`, `directory`,
    `configure_args`, `metadata`), with `migrate` made when first asked for."""

    def __init__(self, db, directory: str):
        self.db = db
        self.directory = directory
        self.configure_args = dict(OPTIONS)

    @cached_property
    def migrate(self):
        from flask_migrate import Migrate

        return Migrate(db=self.db, directory=self.directory, **OPTIONS)

    @property
    def metadata(self):
        return self.db.metadata


class _DbGroup(click.Group):
    """`flask db`: Flask-Migrate's command group, imported when the command runs."""

    @staticmethod
    def _real() -> click.Group:
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name, args, parent=None, **extra):
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self._real().list_commands(ctx)

    def get_command(self, ctx, cmd_name):
        return self._real().get_command(ctx, cmd_name)


def init_app(app, db, directory: str) -> None:
    app.extensions["migrate"] = MigrateConfig(db, directory)
    app.cli.add_command(_DbGroup("db", help="Perform database migrations."))
