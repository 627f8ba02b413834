"""`flask backup PATH` and `flask restore PATH` for the embedded shape (SQLite).

A backup is one .tar.gz: the database taken with SQLite's online backup (consistent while the
portal runs), the attachments, and a manifest with the schema revision and every table's row
count. Restoring first prints its plan (what is replaced, with counts) and changes nothing;
with --confirm it moves the current database and attachments aside (never deletes them), puts
the backup's in place and rebuilds the search index from the restored data.

PostgreSQL has its own tools (pg_dump, pg_restore, WAL archiving): the README's "Running it
for real" says how; these commands refuse there and say so.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import make_url

from helpdesk.extensions import db

MANIFEST = "manifest.json"
DATABASE = "helpdesk.sqlite"
UPLOADS = "uploads"


def _sqlite_path() -> Path:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "backup and restore are for the embedded shape (SQLite). On PostgreSQL use pg_dump and "
            "pg_restore, as the README's 'Running it for real' describes.")
    return Path(url.database)


def row_counts() -> dict[str, int]:
    names = sorted(inspect(db.engine).get_table_names())
    return {name: db.session.scalar(select(func.count()).select_from(table(name))) or 0 for name in names}


def _revision() -> str | None:
    try:
        return db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        return None


def make_backup(target: Path) -> dict:
    source = _sqlite_path()
    if target.exists():
        raise click.ClickException(f"{target} exists already; a backup never overwrites a file.")
    manifest = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "revision": _revision(), "tables": row_counts()}
    uploads = Path(current_app.config["UPLOAD_DIR"])
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / DATABASE
        live, out = sqlite3.connect(source), sqlite3.connect(copy)
        try:
            live.backup(out)  # SQLite's online backup: a consistent copy while others write
        finally:
            out.close()  # closed, not only committed: the copy is whole in its one file
            live.close()
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            tar.add(copy, arcname=DATABASE)
            if uploads.is_dir():
                tar.add(uploads, arcname=UPLOADS)
        partial.rename(target)  # a backup that is there is whole
    return manifest


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            names = set(tar.getnames())
            if MANIFEST not in names or DATABASE not in names:
                raise click.ClickException(f"{archive} is not a backup of this portal (no manifest or database).")
            return json.load(tar.extractfile(MANIFEST))
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise click.ClickException(f"{archive} cannot be read as a backup: {exc}") from None


def restore_plan(archive: Path) -> list[str]:
    manifest = read_manifest(archive)
    current = row_counts()
    lines = [f"Backup taken {manifest['created_at']} at schema revision {manifest['revision']}.",
             f"The database {_sqlite_path()} and the attachments in {current_app.config['UPLOAD_DIR']} "
             "are replaced; the current ones are moved aside, not deleted.",
             "table: now -> after restore"]
    for name in sorted(set(current) | set(manifest["tables"])):
        now, after = current.get(name, 0), manifest["tables"].get(name, 0)
        if now != after:
            lines.append(f"  {name}: {now} -> {after}")
    if len(lines) == 3:
        lines.append("  (every table has the same number of rows)")
    lines.append("The search index is rebuilt from the restored data.")
    return lines


def restore(archive: Path) -> Path:
    """Put the backup in place; returns the folder where the replaced files were moved."""
    database = _sqlite_path()
    uploads = Path(current_app.config["UPLOAD_DIR"])
    read_manifest(archive)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = database.parent / f"before-restore-{stamp}"
    with tempfile.TemporaryDirectory(dir=database.parent) as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")  # no absolute paths or links out of the folder
        db.session.remove()
        db.engine.dispose()  # no connection may keep the old file open
        aside.mkdir()
        if database.exists():
            shutil.move(str(database), aside / DATABASE)
        for log in ("-wal", "-shm"):  # the old file's write-ahead log must not meet the new file
            beside = database.with_name(database.name + log)
            if beside.exists():
                shutil.move(str(beside), aside / (DATABASE + log))
        shutil.move(str(Path(tmp) / DATABASE), database)
        if uploads.exists():
            shutil.move(str(uploads), aside / UPLOADS)
        if (Path(tmp) / UPLOADS).is_dir():
            shutil.move(str(Path(tmp) / UPLOADS), uploads)
        else:
            uploads.mkdir(parents=True)
    # Leases belong to the processes running now, not to the data: one taken when the backup
    # was made would block the indexer until it expired.
    from helpdesk.leases import Lease

    db.session.execute(db.delete(Lease))
    db.session.commit()
    from helpdesk.search import services as search

    search.reindex()
    return aside


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Write a backup (database, attachments, manifest) to PATH (.tar.gz)."""
    manifest = make_backup(path)
    click.echo(f"Backup written to {path}: {len(manifest['tables'])} tables, "
               f"{sum(manifest['tables'].values())} rows, schema revision {manifest['revision']}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--confirm", is_flag=True, help="Carry out the plan (without it, only print it).")
@with_appcontext
def restore_command(path: Path, confirm: bool):
    """Restore a backup made by `backup`: prints the plan; --confirm carries it out."""
    for line in restore_plan(path):
        click.echo(line)
    if not confirm:
        click.echo("Nothing changed. Run again with --confirm to restore.")
        return
    aside = restore(path)
    click.echo(f"Restored. The replaced database and attachments are in {aside}.")
