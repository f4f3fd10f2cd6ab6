"""Practice exercises: question bank, grading that teaches, Moodle GIFT import/export."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

# The bank beside a source checkout; set WORKSHOP_EXERCISES_PATH for an installed package.
DEFAULT_BANK = Path(__file__).resolve().parents[2] / "exercises"


def init_app(app: Flask) -> None:
    from workshop.commands import add_demo_loader
    from workshop.exercises import (
        models,  # noqa: F401  (tables for migrations)
        staff_views,  # noqa: F401  (routes on the same blueprint)
    )
    from workshop.exercises.cli import exercises_cli
    from workshop.exercises.views import bp
    from workshop.home import add_card

    app.config.setdefault("EXERCISES_PATH", str(DEFAULT_BANK))
    # Sync the bank on the first exercises request when the database holds no set yet.
    app.config.setdefault("EXERCISES_AUTO_SYNC", True)
    app.extensions["exercises"] = {"checked": False}
    app.register_blueprint(bp)
    app.cli.add_command(exercises_cli)
    add_card(app, "trainee", "exercises.index", "Practice exercises",
             "Exercise sets on OKRs and coaching, graded with feedback on every answer.")
    add_card(app, "trainee", "exercises.history", "My exercise results",
             "Every attempt you made, with its score and feedback.")
    add_card(app, "coach", "exercises.results", "Exercise results",
             "How trainees score per set, and which questions most people miss.")
    add_card(app, "admin", "exercises.manage", "Exercise sets",
             "Publish sets, import Moodle GIFT questions, export the bank.")

    def load_demo(echo) -> None:
        from workshop.exercises import catalog
        from workshop.exercises.content import load_bank

        report = catalog.sync_bank(load_bank(app.config["EXERCISES_PATH"]))
        echo(f"Exercise bank: {len(report.added)} added, {len(report.updated)} updated, "
             f"{len(report.retired)} retired.")

    add_demo_loader(app, load_demo)
