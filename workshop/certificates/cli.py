"""``workshop certificates ...``: tracks, issuing, revoking and verifying from the console."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from workshop.accounts import services as accounts
from workshop.certificates import issuing, services
from workshop.certificates.tracks import read_tracks
from workshop.errors import WorkshopError
from workshop.extensions import db

certificates_cli = AppGroup("certificates", help="Coach-training tracks and certificates.")
CLI_ISSUER = issuing.Issuer(None, "Programme office")


def _settings() -> dict:
    cfg = current_app.config
    return {"public_url": cfg["PUBLIC_URL"] or "http://127.0.0.1:5000",
            "programme": cfg["CERTIFICATE_PROGRAMME"]}


def _fail(exc: WorkshopError):
    db.session.rollback()
    raise click.ClickException(exc.message)


@certificates_cli.command("validate-tracks")
def validate_tracks():
    """Check the tracks file; prints every problem with file and line."""
    from workshop.certificates import known_set_slugs

    _, problems = read_tracks(current_app.config["TRACKS_FILE"], known_set_slugs(current_app))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)
    click.echo("Tracks are valid.")


@certificates_cli.command("sync-tracks")
def sync_tracks():
    """Load the tracks file into the database (by slug; idempotent)."""
    from workshop.certificates import sync_tracks_from_file

    try:
        report = sync_tracks_from_file(current_app)
    except WorkshopError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(", ".join(f"{len(v)} {k}" for k, v in report.items()) + ".")


@certificates_cli.command("issue")
@click.option("--track", "track_slug", required=True)
@click.option("--email", help="Issue to this person.")
@click.option("--all-eligible", is_flag=True, help="Issue to every eligible enrolled trainee.")
@click.option("--override-reason", help="Issue despite missing requirements (recorded).")
def issue(track_slug, email, all_eligible, override_reason):
    """Issue a track's certificate to one person or to everyone eligible."""
    if bool(email) == bool(all_eligible):
        raise click.UsageError("Give either --email or --all-eligible.")
    try:
        track = services.get_track(track_slug)
    except WorkshopError as exc:
        _fail(exc)
    if email:
        user = accounts.find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No user with email {email}.")
        try:
            cert = issuing.issue_certificate(user, track, CLI_ISSUER,
                                             override_reason=override_reason, **_settings())
        except WorkshopError as exc:
            _fail(exc)
        db.session.commit()
        click.echo(f"Issued {cert.verification_code} to {cert.holder_name}.")
        return
    from workshop.accounts.models import User

    people = issuing.bulk_candidates(track)
    issued = 0
    with click.progressbar(people, label=f"Issuing {track.title}") as bar:
        for user_id in bar:
            try:
                issuing.issue_certificate(db.session.get(User, user_id), track, CLI_ISSUER,
                                          **_settings())
                db.session.commit()
                issued += 1
            except WorkshopError as exc:
                db.session.rollback()
                click.echo(f"\n  skipped user {user_id}: {exc.message}", err=True)
    click.echo(f"Issued {issued} certificate(s); {len(people) - issued} skipped.")


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True)
def revoke(code, reason):
    """Revoke a certificate; the verify page shows the date and reason."""
    try:
        issuing.revoke(issuing.get_certificate(code), CLI_ISSUER, reason)
    except WorkshopError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Revoked {code}.")


@certificates_cli.command("verify")
@click.argument("code")
def verify(code):
    """Print what the public verify page says about a code."""
    try:
        record = issuing.public_record(issuing.get_certificate(code))
    except WorkshopError as exc:
        _fail(exc)
    for key, value in record.items():
        click.echo(f"{key:>15}: {value}")
