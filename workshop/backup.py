"""``workshop backup`` / ``workshop restore`` for the embedded SQLite database.

SQLite's online backup API copies a consistent snapshot while the app keeps serving
(readers and the writer carry on; the copy restarts pages that change under it).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from workshop.extensions import db


def _sqlite_path() -> Path:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "backup/restore handle the embedded SQLite database; for PostgreSQL use pg_dump "
            "and pg_restore (see docs/deployment.md).")
    return Path(url.database)


def backup_to(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def check_backup(path: Path) -> str:
    """Raise ClickException unless ``path`` is an intact OKR Workshop database; returns its
    schema revision."""
    if not path.is_file():
        raise click.ClickException(f"{path} does not exist.")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise click.ClickException(f"{path} is damaged (integrity check failed).")
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{path} is not an OKR Workshop database: {exc}") from exc
    if not row:
        raise click.ClickException(f"{path} has no schema version.")
    return row[0]


@click.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the copy (default: instance/backups/workshop-<time>.db).")
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Copy the SQLite database consistently while the app runs."""
    source = _sqlite_path()
    if output is None:
        folder = Path(current_app.instance_path) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / f"workshop-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.db"
    if output.exists():
        raise click.ClickException(f"{output} exists already; choose another file.")
    backup_to(source, output)
    revision = check_backup(output)
    click.echo(f"Backed up {source} to {output} (schema {revision}, "
               f"{output.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(backup_file: Path, yes: bool) -> None:
    """Replace the SQLite database with a backup (stop the server first)."""
    target = _sqlite_path()
    revision = check_backup(backup_file)
    if not yes:
        click.confirm(f"Replace {target} with {backup_file} (schema {revision})? Everything "
                      "since that backup is lost.", abort=True)
    db.engine.dispose()
    backup_to(backup_file, target)
    click.echo(f"Restored {backup_file} into {target}. Run `workshop db upgrade` if the "
               "backup is older than this version of the app.")
