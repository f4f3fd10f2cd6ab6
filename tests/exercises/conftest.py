"""Fixtures for the exercise pages: a small bank on disk, a controllable clock, attempts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from workshop.exercises.model import make_id

SETS = {
    "basics": """title = "Basics"
topic = "Foundations"
order = 1
description = "Three quick questions."
questions = ["okr-name", "kr-count", "cycle-steps"]

[rules]
max_attempts = 2
grade_kept = "highest"
pass_mark = 0.5
time_limit_minutes = 10
""",
    "rhythm": """title = "Rhythm"
topic = "Cadence"
order = 2
description = "One question about check-ins."
questions = ["weekly"]

[rules]
max_attempts = 1
grade_kept = "last"
pass_mark = 1.0
""",
}
QUESTIONS = {
    "basics/okr-name": """+++
type = "single_choice"
title = "The name"
source = "001_seed.txt"
explanation = "OKR means **Objectives and Key Results**."

[[options]]
text = "Objectives and Key Results"
correct = true
feedback = "Yes, that is the name."

[[options]]
text = "Outcomes and Key Reports"
feedback = "No: reports are not part of it."
+++
What does OKR stand for?
""",
    "basics/kr-count": """+++
type = "numerical"
title = "How many Key Results"
source = "001_seed.txt"
explanation = "Three to five Key Results keep an Objective focused."
fallback_feedback = "Aim for three to five."

[[answers]]
min = 3
max = 5
feedback = "Right: a focused handful."
+++
How many Key Results should one Objective have?
""",
    "basics/cycle-steps": """+++
type = "ordering"
title = "The cycle"
source = "001_seed.txt"
explanation = "Set, check in, then score."
steps = ["Set the OKRs", "Check in weekly", "Score at the end"]
+++
Put the steps of a cycle in order.
""",
    "rhythm/weekly": """+++
type = "true_false"
title = "Weekly"
source = "002_seed.txt"
explanation = "Check-ins happen every week."
answer = true
feedback_true = "Right: every week."
feedback_false = "No: they are weekly."
+++
Teams check in on their OKRs every week.
""",
}
RIGHT = make_id("Objectives and Key Results")
WRONG = make_id("Outcomes and Key Reports")
STEPS = [make_id(s) for s in ("Set the OKRs", "Check in weekly", "Score at the end")]
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ATTEMPT_RE = re.compile(r"/exercises/attempts/(\d+)")


def write_bank(root: Path, sets=SETS, questions=QUESTIONS) -> Path:
    for slug, text in sets.items():
        (root / slug).mkdir(parents=True, exist_ok=True)
        (root / slug / "set.toml").write_text(text, encoding="utf-8")
    for path, text in questions.items():
        (root / f"{path}.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def bank_dir(tmp_path):
    return write_bank(tmp_path / "bank")


@pytest.fixture
def app_config(app_config, bank_dir):
    return {**app_config, "EXERCISES_PATH": str(bank_dir), "EXERCISES_AUTO_SYNC": False}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """The time the exercise services see; ``clock.advance(minutes=...)`` moves it."""
    fake = Clock()
    monkeypatch.setattr("workshop.exercises.services.utcnow", fake)
    return fake


@pytest.fixture
def synced(runner):
    result = runner.invoke(args=["exercises", "sync"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def trainee(make_user, login, synced):
    user = make_user("trainee")
    login(user)
    return user


@pytest.fixture
def start(client, post_form):
    """Start (or resume) an attempt at a set like a trainee; return the attempt id."""

    def do_start(slug: str = "basics") -> int:
        response = post_form(f"/exercises/sets/{slug}/start", {}, page=f"/exercises/sets/{slug}")
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(ATTEMPT_RE.search(response.headers["Location"]).group(1))

    return do_start


@pytest.fixture
def answer(client, post_form):
    """Post answers to an attempt (``action`` "submit" or "save"); all questions present."""

    def do_answer(attempt_id: int, data: dict, action: str = "submit", positions=(1, 2, 3)):
        url = f"/exercises/attempts/{attempt_id}"
        fields = {f"q{p}-present": "1" for p in positions}
        return post_form(url, {**fields, **data, "action": action},
                         page="/")

    return do_answer


def all_right() -> dict:
    return {"q1": RIGHT, "q2": "4", **{f"q3-{s}": str(i) for i, s in enumerate(STEPS, 1)}}


@pytest.fixture
def db_attempts(app):
    """The attempts stored, as (status, score) pairs in id order."""
    from sqlalchemy import select

    from workshop.exercises.models import Attempt
    from workshop.extensions import db

    def read():
        with app.app_context():
            return [(a.status, a.score) for a in
                    db.session.scalars(select(Attempt).order_by(Attempt.id))]

    return read


@pytest.fixture
def ids():
    """Option ids of the test bank and a full-marks answer set."""
    return SimpleNamespace(right=RIGHT, wrong=WRONG, steps=STEPS, all_right=all_right())
