"""``workshop exercises ...``: validate and sync the bank, import and export Moodle GIFT."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from workshop.errors import WorkshopError
from workshop.exercises import catalog
from workshop.exercises.content import BankError, load_bank, validate_bank
from workshop.exercises.errors import ImportProblems
from workshop.exercises.gift import GIFT_TYPES, export_gift
from workshop.extensions import db

exercises_cli = AppGroup("exercises", help="Practice exercises: the bank and Moodle GIFT.")

_PATH = click.option("--path", type=click.Path(file_okay=False, path_type=Path),
                     help="Bank folder (default: the EXERCISES_PATH setting).")


def _bank_path(path: Path | None) -> Path:
    return path or Path(current_app.config["EXERCISES_PATH"])


def _echo_report(report: catalog.SyncReport) -> None:
    for label, entries in (("added", report.added), ("updated", report.updated),
                           ("retired", report.retired)):
        for entry in entries:
            click.echo(f"  {label:<8} {entry}")
    click.echo(f"{len(report.added)} added, {len(report.updated)} updated, "
               f"{len(report.retired)} retired, {report.unchanged} unchanged.")


@exercises_cli.command("validate")
@_PATH
def validate(path: Path | None) -> None:
    """Check every set and question file; print each problem as file:line: message."""
    root = _bank_path(path)
    problems = validate_bank(root)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {root}.")
    bank = load_bank(root)
    click.echo(f"{root}: {len(bank.sets)} sets, {len(bank.questions)} questions, all valid.")


@exercises_cli.command("sync")
@_PATH
def sync(path: Path | None) -> None:
    """Load the bank into the database by slug: add, update, retire (safe to repeat)."""
    root = _bank_path(path)
    try:
        report = catalog.sync_bank(load_bank(root))
    except BankError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"Nothing synced: {len(exc.problems)} problem(s) in "
                                   f"{root}.") from None
    except WorkshopError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    _echo_report(report)


@exercises_cli.command("import-gift")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--set", "set_slug", help="Set to import into (created unpublished if new).")
@click.option("--category", help="Category for every question; names the set without --set.")
@click.option("--title", help="Title of a new set.")
@click.option("--topic", help="Topic of a new set.")
@click.option("--publish", is_flag=True, help="Show the set to trainees right away.")
def import_gift(file, set_slug, category, title, topic, publish) -> None:
    """Import a Moodle GIFT file: every question, or nothing if any has a problem."""
    try:
        text = file.read()
    except UnicodeDecodeError:
        raise click.ClickException(f"{file.name} is not UTF-8 text.") from None
    try:
        exercise_set, report = catalog.import_gift(
            text, set_slug=set_slug, category=category, title=title, topic=topic)
        if publish:
            catalog.set_published(exercise_set, True, actor_id=None)
    except ImportProblems as exc:
        db.session.rollback()
        for line, message in exc.problems:
            click.echo(f"{file.name}:{line}: {message}" if line else f"{file.name}: {message}",
                       err=True)
        raise click.ClickException(exc.message) from None
    except WorkshopError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    _echo_report(report)
    state = "published" if exercise_set.is_published else "not published yet (admin page or "
    state += "" if exercise_set.is_published else "--publish)"
    click.echo(f"Set {exercise_set.slug}: {state}.")


@exercises_cli.command("export-gift")
@click.option("--set", "set_slug", help="Only this set (default: every set not retired).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
def export(set_slug, output) -> None:
    """Write questions as Moodle GIFT; types GIFT cannot express are listed and skipped."""
    try:
        questions = catalog.questions_for_export(set_slug)
    except WorkshopError as exc:
        raise click.ClickException(exc.message) from None
    skipped = [q for q in questions if q.type not in GIFT_TYPES]
    output.write(export_gift([q for q in questions if q.type in GIFT_TYPES]))
    for question in skipped:
        click.echo(f"skipped {question.slug}: GIFT has no {question.type} questions", err=True)
    click.echo(f"Exported {len(questions) - len(skipped)} question(s).", err=True)
