"""``workshop users ...``: manage accounts from the command line."""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup

from workshop.accounts import services
from workshop.accounts.models import ROLES
from workshop.errors import WorkshopError
from workshop.extensions import db

users_cli = AppGroup("users", help="Create and manage user accounts.")


def _fail(exc: WorkshopError) -> None:
    db.session.rollback()
    raise click.ClickException(exc.message)


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email.")
@click.option("--name", "display_name", help="Display name (defaults to the part before @).")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), required=True,
              help="Role to grant; repeat for several.")
@click.option("--password", envvar="WORKSHOP_NEW_USER_PASSWORD",
              help="Password; if omitted, a strong one is generated and printed once.")
def create_user(email: str, display_name: str | None, roles: tuple[str, ...],
                password: str | None) -> None:
    """Create a user, e.g. ``workshop users create --email E --role admin``."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    name = display_name or email.split("@")[0]
    try:
        user = services.create_user(email, name, password, roles)
    except WorkshopError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")
    if generated:
        click.echo(f"Generated password (shown once): {password}")


@users_cli.command("list")
def list_users() -> None:
    """List every user with roles and status."""
    for user in services.list_users():
        state = "active" if user.is_active else "deactivated"
        click.echo(f"{user.id:>4}  {user.email:<40} {','.join(sorted(user.roles)) or '-':<22} "
                   f"{state}  {user.display_name}")


@users_cli.command("set-roles")
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES))
def set_roles(email: str, roles: tuple[str, ...]) -> None:
    """Replace a user's roles."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    try:
        services.set_roles(user, roles)
    except WorkshopError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"{user.email}: {', '.join(sorted(user.roles)) or 'no roles'}.")
