"""Top-level commands: ``serve`` and ``demo``; features add their own groups in init_app."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from workshop import create_app
from workshop.backup import backup_command, restore_command
from workshop.extensions import db, socketio

logger = logging.getLogger(__name__)

cli = FlaskGroup(
    create_app=lambda: create_app(),
    help="OKR Workshop: live OKR workshops, practice exercises and certificates.",
)
cli.add_command(backup_command)
cli.add_command(restore_command)


def add_demo_loader(app, loader) -> None:
    """A feature adds sample content to ``workshop demo``; ``loader(echo)`` must be idempotent."""
    app.extensions.setdefault("workshop_demo_loaders", []).append(loader)


def print_setup_link(app, host: str, port: int) -> None:
    """On an empty database, print the one-time link that creates the first admin."""
    from workshop.accounts import services

    token = services.issue_setup_token(app.instance_path, app.config["SETUP_TOKEN_FILE"])
    if token:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        click.echo("\n" + "=" * 72)
        click.echo("No account exists yet. Open this one-time link to create the admin:")
        click.echo(f"  http://{shown_host}:{port}/setup/{token}")
        click.echo("(Or run `workshop demo` for ready-made demo accounts.)")
        click.echo("=" * 72 + "\n", nl=True)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="TCP port.")
@click.option("--no-migrate", is_flag=True, help="Do not apply pending migrations first.")
@with_appcontext
def serve(host: str, port: int, no_migrate: bool) -> None:
    """Apply pending migrations, then serve HTTP and Socket.IO with gevent."""
    from flask_migrate import upgrade

    app = current_app._get_current_object()
    if not no_migrate:
        upgrade()
    print_setup_link(app, host, port)
    click.echo(f"Serving OKR Workshop on http://{host}:{port}/ (Ctrl+C to stop)")
    socketio.run(app, host=host, port=port, use_reloader=False, log_output=False)


@cli.command("demo")
@with_appcontext
def demo() -> None:
    """Load demo accounts and sample content so a newcomer can click through everything."""
    from workshop.accounts import services

    accounts = [
        ("admin@demo.example", "Dana Admin", "demo-admin-pass", ("admin",)),
        ("coach@demo.example", "Chris Coach", "demo-coach-pass", ("coach",)),
        ("trainee@demo.example", "Tara Trainee", "demo-trainee-pass", ("trainee",)),
    ]
    for email, name, password, roles in accounts:
        if services.find_user_by_email(email) is None:
            services.create_user(email, name, password, roles)
    db.session.commit()
    for loader in current_app.extensions.get("workshop_demo_loaders", []):
        loader(click.echo)
        db.session.commit()
    click.echo("Demo accounts (sign in at /login):")
    for email, _, password, roles in accounts:
        click.echo(f"  {roles[0]:<8} {email:<24} password: {password}")
