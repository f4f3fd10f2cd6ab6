"""Double submits count once; the time limit is enforced by the server with a short grace."""

from __future__ import annotations

from sqlalchemy import select

from workshop.exercises import services
from workshop.exercises.models import Attempt
from workshop.extensions import db


def test_second_submit_shows_the_already_graded_result(client, trainee, start, answer, ids,
                                                       db_attempts, clock):
    attempt = start()
    first = answer(attempt, ids.all_right)
    second = answer(attempt, {"q1": ids.wrong})  # another tab, or a retried request
    assert first.headers["Location"] == second.headers["Location"]
    html = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already been submitted" in html
    assert "Score 100%" in html
    assert db_attempts() == [("submitted", 1.0)]


def test_racing_submit_with_a_stale_copy_is_graded_once(app, trainee, start, ids, clock):
    attempt_id = start()
    with app.app_context():
        stale = db.session.get(Attempt, attempt_id)
        assert stale.is_open
        with app.app_context():  # a second request, committing first
            other = db.session.get(Attempt, attempt_id)
            assert services.submit_attempt(other, {1: ids.right}) == services.GRADED
            db.session.commit()
        assert services.submit_attempt(stale, {1: ids.wrong}) == services.ALREADY_GRADED
        db.session.commit()
    with app.app_context():
        graded = db.session.scalars(select(Attempt)).all()
        assert [(a.status, round(a.score, 3)) for a in graded] == [("submitted", 0.333)]


def test_submit_within_the_grace_period_is_accepted(client, trainee, start, answer, ids,
                                                    clock, db_attempts):
    attempt = start()
    clock.advance(minutes=10, seconds=25)
    response = answer(attempt, ids.all_right)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Score 100%" in html and "time was up" not in html
    assert db_attempts() == [("submitted", 1.0)]


def test_late_submit_is_graded_with_the_answers_saved_in_time(client, trainee, start, answer,
                                                              ids, clock, db_attempts):
    attempt = start()
    answer(attempt, {"q1": ids.right}, action="save", positions=(1,))
    clock.advance(minutes=10, seconds=31)
    response = answer(attempt, ids.all_right)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The time was up" in html
    assert "Score 33%" in html and "Closed at the time limit" in html
    assert db_attempts() == [("expired", 0.333333)]


def test_expired_attempt_is_closed_when_anyone_next_looks(client, trainee, start, answer,
                                                          ids, clock, db_attempts):
    attempt = start()
    answer(attempt, {"q1": ids.right}, action="save", positions=(1,))
    clock.advance(hours=2)
    assert db_attempts() == [("in_progress", None)]  # nothing runs in the background
    html = client.get("/exercises/history").get_data(as_text=True)
    assert "Closed at the time limit" in html and "33%" in html
    assert db_attempts() == [("expired", 0.333333)]
    response = client.get(f"/exercises/attempts/{attempt}")
    assert response.headers["Location"] == f"/exercises/attempts/{attempt}/result"


def test_coach_report_closes_expired_attempts(app, make_user, trainee, start, answer, ids,
                                              clock, csrf_token, db_attempts):
    answer(start(), {"q1": ids.right}, action="save", positions=(1,))
    clock.advance(minutes=11)
    coach_client = app.test_client()
    token = csrf_token(coach_client.get("/login").get_data(as_text=True))
    coach = make_user("coach")
    coach_client.post("/login", data={"csrf_token": token, "email": coach["email"],
                                      "password": coach["password"]})
    html = coach_client.get("/exercises/results").get_data(as_text=True)
    assert "33%" in html
    assert db_attempts() == [("expired", 0.333333)]


def test_autosave_after_the_deadline_is_refused_and_closes(client, trainee, start, ids, clock,
                                                            csrf_token, db_attempts):
    attempt = start()
    token = csrf_token(client.get("/").get_data(as_text=True))
    clock.advance(minutes=11)
    response = client.post(f"/exercises/attempts/{attempt}/answers.json",
                           data={"csrf_token": token, "q1-present": "1", "q1": ids.right})
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "attempt_closed" and "time is up" in body["message"]
    assert body["result_url"] == f"/exercises/attempts/{attempt}/result"
    assert db_attempts() == [("expired", 0.0)]


def test_untimed_set_never_expires(client, trainee, start, clock, db_attempts):
    attempt = start("rhythm")
    clock.advance(days=30)
    assert client.get(f"/exercises/attempts/{attempt}").status_code == 200
    assert db_attempts() == [("in_progress", None)]
