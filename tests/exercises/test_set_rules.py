"""Admins edit an imported set's details and attempt rules; bank sets stay owned by their files."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from workshop.exercises.models import Attempt, ExerciseSet, ExerciseSetEvent
from workshop.extensions import db

GIFT = """// [id:rules-one]
::One::Key Results are measurable.{T#Right: a number tells you whether you got there.}

// [id:rules-two]
::Two::An Objective is a number.{F#Right: the Objective says where to go, in words.}
"""
GOOD = {"title": "Imported basics", "topic": "Foundations", "description": "Two **quick** ones.",
        "max_attempts": "5", "grade_kept": "last", "pass_mark": "80", "time_limit_minutes": "15"}


def _events(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e.actor_label, e.action, e.detail) for e in db.session.scalars(
            select(ExerciseSetEvent).order_by(ExerciseSetEvent.id))]


def _set(app, slug: str) -> dict:
    with app.app_context():
        row = db.session.scalar(select(ExerciseSet).where(ExerciseSet.slug == slug))
        return {k: getattr(row, k) for k in ("title", "topic", "description", "max_attempts",
                                             "grade_kept", "pass_mark", "time_limit_minutes",
                                             "updated_at")}


@pytest.fixture
def imported(app, client, make_user, login, post_form, synced):
    """An admin (who is also a trainee) and a published GIFT set ``imported``."""
    login(make_user("admin", "trainee", name="Ada Admin"))
    response = post_form("/exercises/manage/import", {
        "file": (io.BytesIO(GIFT.encode()), "q.gift"), "set_slug": "imported"},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    post_form("/exercises/manage/sets/imported/publish", {"publish": "1"},
              page="/exercises/manage")
    return "imported"


def test_the_form_shows_the_current_values(client, imported):
    html = client.get("/exercises/manage/sets/imported/edit").get_data(as_text=True)
    assert 'name="max_attempts"' in html and 'value="3"' in html  # the import defaults
    assert 'value="70"' in html and '<option selected value="highest">' in html
    manage = client.get("/exercises/manage").get_data(as_text=True)
    assert 'href="/exercises/manage/sets/imported/edit"' in manage


def test_admin_changes_rules_and_new_attempts_follow_them(app, client, post_form, imported,
                                                          start):
    before = start("imported")  # started under the import defaults: 70%, no time limit
    response = post_form("/exercises/manage/sets/imported/edit", GOOD,
                         page="/exercises/manage/sets/imported/edit")
    assert response.status_code == 302
    assert "Saved Imported basics." in client.get("/exercises/manage").get_data(as_text=True)
    saved = _set(app, "imported")
    assert (saved["title"], saved["topic"], saved["description"]) == (
        "Imported basics", "Foundations", "Two **quick** ones.")
    assert (saved["max_attempts"], saved["grade_kept"], saved["pass_mark"],
            saved["time_limit_minutes"]) == (5, "last", 0.8, 15)

    assert _events(app)[-1] == ("Ada Admin", "edited", (
        "title: imported → Imported basics; topic: Imported questions → Foundations; "
        "attempts: 3 → 5; grade kept: highest → last; pass mark: 70% → 80%; "
        "time limit: none → 15 min; description changed"))
    history = client.get("/exercises/manage/sets/imported/edit").get_data(as_text=True)
    assert "Ada Admin: changed (title: imported → Imported basics;" in history
    assert "Ada Admin: published it" in history
    assert "Ada Admin: imported (GIFT: 2 questions added, 0 updated, 0 unchanged)" in history
    assert history.index("changed (") < history.index("published it")  # newest first

    page = client.get("/exercises/sets/imported").get_data(as_text=True)
    assert "Pass mark 80%" in page and "Time limit 15 minutes" in page
    assert "<strong>quick</strong>" in page
    with app.app_context():
        running = db.session.get(Attempt, before)
        # keeps the rules it started with
        assert running.pass_mark == 0.7 and running.deadline_at is None


def test_saving_unchanged_values_says_so(app, client, post_form, imported):
    stamp = _set(app, "imported")["updated_at"]
    same = {"title": "imported", "topic": "Imported questions",
            "description": "Imported from a Moodle GIFT file.", "max_attempts": "3",
            "grade_kept": "highest", "pass_mark": "70", "time_limit_minutes": ""}
    response = post_form("/exercises/manage/sets/imported/edit", same,
                         page="/exercises/manage/sets/imported/edit")
    assert response.status_code == 302
    assert "Nothing to change." in client.get("/exercises/manage").get_data(as_text=True)
    assert _set(app, "imported")["updated_at"] == stamp
    assert [action for _, action, _ in _events(app)] == ["imported", "published"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("max_attempts", "0", "Allow between 1 and 100 attempts."),
    ("max_attempts", "many", "Not a valid integer value."),
    ("pass_mark", "150", "The pass mark is between 0 and 100."),
    ("pass_mark", "", "Give a pass mark between 0 and 100."),
    ("time_limit_minutes", "0", "A time limit is between 1 and 600 minutes"),
    ("grade_kept", "average", "Not a valid choice."),
    ("title", "   ", "Give the set a title"),
    ("topic", "x" * 201, "Field cannot be longer than 200 characters."),
])
def test_bad_values_are_refused_and_change_nothing(app, post_form, imported, field, value,
                                                   message):
    before, events = _set(app, "imported"), _events(app)
    response = post_form("/exercises/manage/sets/imported/edit", {**GOOD, field: value},
                         page="/exercises/manage/sets/imported/edit")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert _set(app, "imported") == before and _events(app) == events


def test_bank_sets_are_owned_by_their_files(app, client, post_form, imported):
    before = _set(app, "basics")
    html = client.get("/exercises/manage/sets/basics/edit").get_data(as_text=True)
    assert "exercises/basics/set.toml" in html and 'name="pass_mark"' not in html
    response = post_form("/exercises/manage/sets/basics/edit", GOOD,
                         page="/exercises/manage/sets/imported/edit")
    assert response.status_code == 400
    assert "run `workshop exercises sync`" in response.get_data(as_text=True)
    assert _set(app, "basics") == before


def test_only_admins_edit_sets(app, client, make_user, login, post_form, imported):
    client.post("/logout", data={})
    client.delete_cookie("session")
    login(make_user("coach"))
    assert client.get("/exercises/manage/sets/imported/edit").status_code == 403
    assert client.get("/exercises/manage/sets/no-such-set/edit").status_code == 403


def test_hostile_text_is_kept_as_text_and_huge_text_refused(app, client, post_form, imported):
    title = "<script>alert(1)</script> \u202eevil"
    description = "<img src=x onerror=alert(1)> [link](javascript:alert(1)) <para>x</para>"
    response = post_form("/exercises/manage/sets/imported/edit",
                         {**GOOD, "title": title, "description": description},
                         page="/exercises/manage/sets/imported/edit")
    assert response.status_code == 302
    assert _set(app, "imported")["title"] == title  # stored intact
    page = client.get("/exercises/sets/imported").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page and "<para>" not in page

    before = _set(app, "imported")
    huge = post_form("/exercises/manage/sets/imported/edit",
                     {**GOOD, "description": "x" * 100_000},
                     page="/exercises/manage/sets/imported/edit")
    assert huge.status_code == 400
    assert "Field cannot be longer than 5000 characters." in huge.get_data(as_text=True)
    assert _set(app, "imported") == before


def test_command_line_imports_are_in_the_history(app, runner, tmp_path):
    path = tmp_path / "q.gift"
    path.write_text(GIFT, encoding="utf-8")
    result = runner.invoke(args=["exercises", "import-gift", str(path), "--set", "from-cli",
                                 "--publish"])
    assert result.exit_code == 0, result.output
    assert _events(app) == [
        ("command line", "imported", "GIFT: 2 questions added, 0 updated, 0 unchanged"),
        ("command line", "published", "")]
