"""Out of the box: the shipped bank appears on first use and with ``workshop demo``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workshop.commands import demo
from workshop.exercises.content import load_bank

REAL_BANK = Path(__file__).parents[2] / "exercises"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "EXERCISES_PATH": str(REAL_BANK), "EXERCISES_AUTO_SYNC": True}


def test_first_visit_shows_the_shipped_bank(client, make_user, login):
    login(make_user("trainee"))
    html = client.get("/exercises/").get_data(as_text=True)
    bank = load_bank(REAL_BANK)
    for exercise_set in bank.sets:
        assert exercise_set.title.replace("&", "&amp;") in html


def test_demo_loads_the_bank_and_stays_idempotent(runner):
    first = runner.invoke(demo)
    assert first.exit_code == 0, first.output
    assert "Exercise bank: 86 added, 0 updated, 0 retired." in first.output
    second = runner.invoke(demo)
    assert "Exercise bank: 0 added, 0 updated, 0 retired." in second.output


def test_text_answers_are_shown_as_text_never_markup(client, make_user, login, post_form):
    bank = load_bank(REAL_BANK)
    exercise_set, position = next(
        (s, i) for s in bank.sets for i, q in enumerate(s.questions, 1)
        if q.type == "short_answer")
    login(make_user("trainee"))
    response = post_form(f"/exercises/sets/{exercise_set.slug}/start", {},
                         page=f"/exercises/sets/{exercise_set.slug}")
    attempt = re.search(r"/exercises/attempts/(\d+)", response.headers["Location"]).group(1)
    post_form(f"/exercises/attempts/{attempt}", {
        f"q{position}-present": "1", f"q{position}": "<img src=x onerror=alert(1)>",
        "action": "submit"}, page="/")
    html = client.get(f"/exercises/attempts/{attempt}/result").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html
