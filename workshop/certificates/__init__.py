"""Coach-training tracks and verifiable PDF certificates."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask


def known_set_slugs(app: Flask) -> set[str]:
    """Exercise-set slugs of the bank on disk (tracks may only require these)."""
    from workshop.exercises.content import load_bank

    return {s.slug for s in load_bank(app.config["EXERCISES_PATH"]).sets}


def sync_tracks_from_file(app: Flask) -> dict[str, list[str]]:
    """Validate and load the tracks file. Raises InvalidInput listing every problem."""
    from workshop.certificates import services
    from workshop.certificates.errors import InvalidInput
    from workshop.certificates.tracks import read_tracks

    tracks, problems = read_tracks(app.config["TRACKS_FILE"], known_set_slugs(app))
    if problems:
        raise InvalidInput("The tracks file has problems:\n" + "\n".join(map(str, problems)))
    return services.sync_tracks(tracks)


def init_app(app: Flask) -> None:
    from workshop.certificates import models  # noqa: F401  (tables for migrations)
    from workshop.certificates.admin_views import bp as admin_bp
    from workshop.certificates.cli import certificates_cli
    from workshop.certificates.views import bp
    from workshop.commands import add_demo_loader
    from workshop.home import add_card

    app.config.setdefault("TRACKS_FILE",
                          str(Path(app.config["EXERCISES_PATH"]) / "tracks.toml"))
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(certificates_cli)
    add_card(app, "trainee", "certificates.tracks", "Coach tracks",
             "Your progress towards each certificate, and what is still missing.")
    add_card(app, "admin", "certificates_admin.index", "Certificates",
             "Cohort progress, issue and revoke certificates.")

    def ensure_tracks() -> None:
        # First visit on a fresh database: load the shipped ladder.
        from workshop.certificates import services
        from workshop.errors import WorkshopError
        from workshop.extensions import db

        if not app.extensions.get("tracks_checked"):
            app.extensions["tracks_checked"] = True
            if not services.list_tracks():
                try:
                    sync_tracks_from_file(app)
                    db.session.commit()
                except WorkshopError as exc:  # pages still work; the CLI shows the problems
                    db.session.rollback()
                    logging.getLogger(__name__).error(
                        "tracks not loaded (run `workshop certificates validate-tracks`): %s",
                        exc.message)

    app.before_request_funcs.setdefault("certificates", []).append(ensure_tracks)
    app.before_request_funcs.setdefault("certificates_admin", []).append(ensure_tracks)

    def load_demo(echo) -> None:
        report = sync_tracks_from_file(app)
        echo("Tracks: " + ", ".join(f"{len(v)} {k}" for k, v in report.items()) + ".")

    add_demo_loader(app, load_demo)

    def exercise_set_tracks() -> dict[str, list[tuple[str, str, int]]]:
        """Exercise-set slug -> the tracks that require it (slug, title, level)."""
        from workshop.certificates import services

        ensure_tracks()
        found: dict[str, list[tuple[str, str, int]]] = {}
        for track in services.list_tracks():
            for required in track.required_sets:
                found.setdefault(required.set_slug, []).append(
                    (track.slug, track.title, track.level))
        return found

    app.extensions["exercise_set_tracks"] = exercise_set_tracks
