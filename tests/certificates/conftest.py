"""Fixtures: the shipped bank and tracks loaded, and trainees who passed sets or ran workshops."""

from __future__ import annotations

import pytest

from workshop.db import utcnow
from workshop.extensions import db


@pytest.fixture
def tracks(app):
    """Sync the real exercise bank and tracks file into the test database."""
    from workshop.certificates import sync_tracks_from_file
    from workshop.exercises import catalog
    from workshop.exercises.content import load_bank

    with app.app_context():
        catalog.sync_bank(load_bank(app.config["EXERCISES_PATH"]))
        sync_tracks_from_file(app)
        db.session.commit()


@pytest.fixture
def pass_set(app):
    """Record a graded attempt for a user on a set (as the exercises feature would)."""
    from workshop.exercises import catalog
    from workshop.exercises.models import Attempt

    def record(user_id: int, set_slug: str, score: float):
        with app.app_context():
            exercise_set = catalog.get_set(set_slug)
            now = utcnow()
            db.session.add(Attempt(user_id=user_id, set_id=exercise_set.id, number=1, seed=1,
                                   status="submitted", started_at=now, finished_at=now,
                                   score=score, pass_mark=exercise_set.pass_mark,
                                   is_passed=score >= exercise_set.pass_mark))
            db.session.commit()

    return record


@pytest.fixture
def practitioner(app, tracks, make_user, pass_set):
    """A trainee enrolled in the first track with both its sets passed."""
    from workshop.certificates import services

    user = make_user("trainee", name="Zoë Łukasiewicz")
    pass_set(user["id"], "okr-foundations", 0.9)
    pass_set(user["id"], "objectives-key-results-tasks", 0.75)
    with app.app_context():
        services.enrol(user["id"], services.get_track("practitioner"))
        db.session.commit()
    return user
