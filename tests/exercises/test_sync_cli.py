"""``workshop exercises validate / sync``: problems with file and line, idempotent sync,
and versioned attempts that an edit of the files never regrades."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from workshop.exercises.models import ExerciseSet, QuestionVersion
from workshop.extensions import db

REAL_BANK = Path(__file__).parents[2] / "exercises"


def test_validate_accepts_the_bank(runner, bank_dir):
    result = runner.invoke(args=["exercises", "validate"])
    assert result.exit_code == 0
    assert "2 sets, 4 questions, all valid" in result.output


def test_validate_accepts_the_shipped_bank(runner):
    result = runner.invoke(args=["exercises", "validate", "--path", str(REAL_BANK)])
    assert result.exit_code == 0, result.output
    assert "6 sets, 80 questions, all valid" in result.output


def test_validate_reports_every_problem_with_file_and_line(runner, bank_dir):
    name = bank_dir / "basics" / "okr-name.md"
    name.write_text(name.read_text().replace('type = "single_choice"', 'type = "single-choice"'))
    count = bank_dir / "basics" / "kr-count.md"
    count.write_text(count.read_text().replace("min = 3", "min = 3\nmax = 5\nmax = 6"))
    rules = bank_dir / "rhythm" / "set.toml"
    rules.write_text(rules.read_text().replace('grade_kept = "last"', 'grade_kept = "best"'))
    (bank_dir / "basics" / "stray.md").write_text("+++\n+++\n")
    result = runner.invoke(args=["exercises", "validate"])
    assert result.exit_code == 1
    output = result.output
    assert "bank/basics/okr-name.md:2: unknown question type 'single-choice'" in output
    assert "bank/basics/kr-count.md:11: invalid TOML: Cannot overwrite a value" in output
    assert "bank/rhythm/set.toml:9: grade_kept must be highest or last" in output
    assert "bank/basics/stray.md:1: not listed in set.toml questions" in output
    assert "problem(s) in" in output


def test_sync_refuses_an_invalid_bank_and_writes_nothing(app, runner, bank_dir):
    (bank_dir / "rhythm" / "weekly.md").write_text("no front matter")
    result = runner.invoke(args=["exercises", "sync"])
    assert result.exit_code == 1
    assert "bank/rhythm/weekly.md:1: a question file starts with a +++ line" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ExerciseSet.id))) == 0


def test_sync_is_idempotent_and_reports_changes(runner, bank_dir):
    first = runner.invoke(args=["exercises", "sync"])
    assert first.exit_code == 0
    assert "added    set basics" in first.output and "added    question weekly" in first.output
    assert "6 added, 0 updated, 0 retired" in first.output
    again = runner.invoke(args=["exercises", "sync"])
    assert "0 added, 0 updated, 0 retired, 6 unchanged." in again.output
    weekly = bank_dir / "rhythm" / "weekly.md"
    weekly.write_text(weekly.read_text().replace("every week.\n", "every single week.\n"))
    shutil.rmtree(bank_dir / "basics")
    changed = runner.invoke(args=["exercises", "sync"])
    assert "updated  question weekly" in changed.output
    assert "retired  set basics" in changed.output
    assert "retired  question okr-name" in changed.output


def test_retired_sets_disappear_for_trainees(client, runner, bank_dir, trainee):
    shutil.rmtree(bank_dir / "rhythm")
    runner.invoke(args=["exercises", "sync"])
    assert "Rhythm" not in client.get("/exercises/").get_data(as_text=True)
    assert client.get("/exercises/sets/rhythm").status_code == 404


def test_editing_a_question_never_changes_a_submitted_grade(app, client, runner, bank_dir,
                                                            trainee, start, answer, ids):
    attempt = start()
    answer(attempt, ids.all_right)
    # The author swaps which option is right, and edits the feedback.
    name = bank_dir / "basics" / "okr-name.md"
    name.write_text(name.read_text()
                    .replace("correct = true\n", "")
                    .replace('feedback = "No: reports', 'correct = true\nfeedback = "No: reports')
                    .replace("Yes, that is the name.", "Edited feedback."))
    result = runner.invoke(args=["exercises", "sync"])
    assert "updated  question okr-name" in result.output
    html = client.get(f"/exercises/attempts/{attempt}/result").get_data(as_text=True)
    assert "Score 100%" in html and "Yes, that is the name." in html
    assert "Edited feedback." not in html
    again = start()  # a new attempt gets the new version
    answer(again, ids.all_right)
    html = client.get(f"/exercises/attempts/{again}/result").get_data(as_text=True)
    assert "Score 66%" in html and "Edited feedback." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 5


def test_attempt_open_during_an_edit_is_graded_as_it_was_shown(client, runner, bank_dir,
                                                               trainee, start, answer, ids):
    attempt = start()
    count = bank_dir / "basics" / "kr-count.md"
    count.write_text(count.read_text().replace("min = 3\nmax = 5", "min = 7\nmax = 9"))
    assert "updated  question kr-count" in runner.invoke(args=["exercises", "sync"]).output
    answer(attempt, ids.all_right)
    html = client.get(f"/exercises/attempts/{attempt}/result").get_data(as_text=True)
    assert "Score 100%" in html and "4 (± 1)" in html
