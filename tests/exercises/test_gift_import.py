"""Moodle GIFT into the database: CLI and admin upload take a whole file or nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from workshop.exercises.models import ExerciseQuestion, ExerciseSet
from workshop.extensions import db

GOOD = """$CATEGORY: $course$/top/Imported basics

// [id:gift-origin]
::Origin::Which method did OKRs grow out of?{
=Management by Objectives#Right: Grove reworked MBO.
~Scrum#No: OKRs complement Scrum.
####Grove adapted MBO at Intel.}

::Bonus::OKRs should decide bonuses.{F#Tying them to pay invites sandbagging.#Right.}
"""
BROKEN = """// [id:fine-one]
::Fine::A valid question.{T}

::Open::This block never closes.{
=Yes

::Number::How many Key Results?{#three}
"""


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count(ExerciseSet.id))),
                db.session.scalar(select(func.count(ExerciseQuestion.id))))


@pytest.fixture
def gift_file(tmp_path):
    def write(text: str):
        path = tmp_path / "questions.gift"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_cli_import_creates_a_hidden_set_named_after_the_category(app, runner, gift_file):
    result = runner.invoke(args=["exercises", "import-gift", gift_file(GOOD)])
    assert result.exit_code == 0, result.output
    assert "added    set imported-basics" in result.output
    assert "added    question gift-origin" in result.output
    assert "not published yet" in result.output
    again = runner.invoke(args=["exercises", "import-gift", gift_file(GOOD)])
    assert "0 added, 0 updated, 0 retired, 2 unchanged." in again.output
    assert _counts(app) == (1, 2)


def test_cli_import_refuses_the_whole_file_and_lists_each_problem(app, runner, gift_file):
    result = runner.invoke(args=["exercises", "import-gift", gift_file(BROKEN),
                                 "--set", "broken"])
    assert result.exit_code == 1
    assert "questions.gift:4: the answer block opened with { is never closed" in result.output
    assert "questions.gift:7: 'three' is not a number" in result.output
    assert "Nothing was imported" in result.output
    assert _counts(app) == (0, 0)


def test_cli_import_refuses_essays_with_their_line(app, runner, gift_file):
    result = runner.invoke(args=["exercises", "import-gift", gift_file(GOOD + "\n::E::Say.{}\n"),
                                 "--set", "with-essay"])
    assert result.exit_code == 1
    assert "questions.gift:11: essay questions need a human reviewer" in result.output
    assert _counts(app) == (0, 0)


def test_import_cannot_take_over_bank_slugs(app, runner, gift_file, synced):
    text = "// [id:okr-name]\n::Name::Taken id.{T}\n"
    result = runner.invoke(args=["exercises", "import-gift", gift_file(text), "--set", "mine"])
    assert "questions.gift:1: the id 'okr-name' is already used by a question in the set " \
           "'basics'" in result.output
    into_bank = runner.invoke(args=["exercises", "import-gift", gift_file(GOOD),
                                    "--set", "basics"])
    assert "comes from the exercise files" in into_bank.output
    assert _counts(app) == (2, 4)


def test_export_writes_gift_and_skips_types_gift_lacks(runner, synced, tmp_path):
    out = tmp_path / "out.gift"
    result = runner.invoke(args=["exercises", "export-gift", "--set", "basics", "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "// [id:okr-name]" in text and "// [id:kr-count]" in text
    assert "skipped cycle-steps: GIFT has no ordering questions" in result.output
    assert "Exported 2 question(s)." in result.output


def test_exported_gift_imports_back(runner, synced, tmp_path, gift_file):
    out = tmp_path / "rhythm.gift"
    runner.invoke(args=["exercises", "export-gift", "--set", "rhythm", "-o", str(out)])
    text = out.read_text(encoding="utf-8").replace("[id:weekly]", "[id:weekly-copy]")
    result = runner.invoke(args=["exercises", "import-gift", gift_file(text), "--set", "copy",
                                 "--publish"])
    assert result.exit_code == 0, result.output
    assert "Set copy: published." in result.output


def _upload(post_form, text: str, **fields):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "questions.gift"), **fields}
    return post_form("/exercises/manage/import", data, content_type="multipart/form-data")


def test_admin_upload_reports_every_problem_and_imports_nothing(app, make_user, login,
                                                                post_form):
    login(make_user("admin"))
    response = _upload(post_form, BROKEN, set_slug="broken")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported: 2 problem(s) in the file." in html
    assert "Line 4: the answer block opened with { is never closed" in html
    assert "Line 7: &#39;three&#39; is not a number" in html
    assert _counts(app) == (0, 0)


@pytest.mark.parametrize(("fields", "text", "message"), [
    ({"set_slug": "Not A Slug"}, GOOD, "A set slug is lower-case words joined by dashes"),
    ({}, "::T::No category here.{T}\n", "Name the exercise set to import into"),
    ({"set_slug": "x" * 101}, GOOD, "Field cannot be longer than 100 characters."),
])
def test_admin_upload_with_bad_fields_writes_nothing(app, make_user, login, post_form, fields,
                                                     text, message):
    login(make_user("admin"))
    response = _upload(post_form, text, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _counts(app) == (0, 0)


def test_admin_upload_needs_a_file_in_utf8(app, make_user, login, post_form):
    login(make_user("admin"))
    missing = post_form("/exercises/manage/import", {"set_slug": "x"})
    assert "Choose a GIFT file to import." in missing.get_data(as_text=True)
    latin = post_form("/exercises/manage/import", {
        "file": (io.BytesIO("::T::Caf\xe9{T}".encode("latin-1")), "q.gift")},
        content_type="multipart/form-data")
    assert "not UTF-8" in latin.get_data(as_text=True)
    assert _counts(app) == (0, 0)


def test_admin_imports_then_publishes_for_trainees(app, client, make_user, login, post_form,
                                                   csrf_token):
    login(make_user("admin", "trainee"))
    response = _upload(post_form, GOOD, set_slug="okr-history", title="OKR history",
                       topic="History")
    assert response.status_code == 302
    assert "Publish the set when ready" in client.get("/exercises/manage").get_data(as_text=True)
    assert client.get("/exercises/sets/okr-history").status_code == 404
    post_form("/exercises/manage/sets/okr-history/publish", {"publish": "1"},
              page="/exercises/manage")
    html = client.get("/exercises/").get_data(as_text=True)
    assert "History" in html and "OKR history" in html
    page = client.get("/exercises/sets/okr-history").get_data(as_text=True)
    assert "2 questions" in page


def test_admin_upload_with_nul_characters_writes_nothing(app, make_user, login, post_form):
    # PostgreSQL cannot store NUL: the import used to fail with a 500 there (found by fuzzing).
    login(make_user("admin"))
    response = _upload(post_form, "::T\x00::Key results are measurable.{T}\n", set_slug="nul")
    assert response.status_code == 400
    assert "contains NUL characters" in response.get_data(as_text=True)
    assert _counts(app) == (0, 0)
