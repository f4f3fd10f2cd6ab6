"""``workshop live ...``: create and inspect live workshops from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from workshop.accounts import services as accounts
from workshop.errors import WorkshopError
from workshop.extensions import db
from workshop.live import phases, services

live_cli = AppGroup("live", help="Live workshops.")


@live_cli.command("create")
@click.option("--coach-email", required=True)
@click.option("--title", required=True)
@click.option("--team", "team_name", required=True)
@click.option("--cycle", "cycle_label", required=True, help='e.g. "2027 Q1"')
@click.option("--votes", "votes_per_participant", default=3, show_default=True, type=int)
@click.option("--cap", "max_votes_per_item", type=int, help="Most votes on one item.")
@click.option("--anonymous", is_flag=True)
@click.option("--show-results", is_flag=True, help="Show results without a reveal.")
def create(coach_email, title, team_name, cycle_label, votes_per_participant,
           max_votes_per_item, anonymous, show_results):
    """Open a workshop for a coach and print its join code."""
    coach = accounts.find_user_by_email(coach_email)
    if coach is None or not coach.has_role("coach"):
        raise click.ClickException(f"No coach with email {coach_email}.")
    try:
        workshop = services.create_workshop(
            coach.id, title=title, team_name=team_name, cycle_label=cycle_label,
            votes_per_participant=votes_per_participant, max_votes_per_item=max_votes_per_item,
            is_anonymous=anonymous, is_hiding_results=not show_results)
    except WorkshopError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Workshop {workshop.id} created; join code {workshop.join_code}")


@live_cli.command("list")
@click.option("--coach-email", required=True)
def list_workshops(coach_email):
    """List a coach's workshops."""
    coach = accounts.find_user_by_email(coach_email)
    if coach is None:
        raise click.ClickException(f"No user with email {coach_email}.")
    for w in services.list_coach_workshops(coach.id):
        click.echo(f"{w.id:>5}  {w.join_code}  {phases.LABELS[w.phase]:<22} {w.title}")
