"""A trainee's way through a set: list, start, answer, save, submit, result, history."""

from __future__ import annotations

import re

import pytest

from workshop.exercises.model import make_id

RIGHT = make_id("Objectives and Key Results")
WRONG = make_id("Outcomes and Key Reports")
STEPS = [make_id(s) for s in ("Set the OKRs", "Check in weekly", "Score at the end")]


def all_right() -> dict:
    return {"q1": RIGHT, "q2": "4", **{f"q3-{s}": str(i) for i, s in enumerate(STEPS, 1)}}


def test_sets_are_listed_by_topic(client, trainee):
    html = client.get("/exercises/").get_data(as_text=True)
    assert html.index("Cadence") < html.index("Rhythm")
    assert html.index("Foundations") < html.index("Basics")
    assert "3 questions · 10 minutes" in html
    assert "2 of 2 attempts left" in html


def test_dashboard_links_trainee_to_exercises(client, trainee):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/exercises/"' in html and 'href="/exercises/history"' in html


def test_full_marks_attempt_shows_score_feedback_and_explanation(client, trainee, start,
                                                                  answer, clock):
    attempt = start()
    page = client.get(f"/exercises/attempts/{attempt}").get_data(as_text=True)
    assert "What does OKR stand for?" in page and "Submit for grading" in page
    response = answer(attempt, all_right())
    assert response.headers["Location"] == f"/exercises/attempts/{attempt}/result"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Score 100%" in html and "Passed" in html
    assert "3 of 3 questions fully right" in html
    assert "Yes, that is the name." in html
    assert "<strong>Objectives and Key Results</strong>" in html  # the explanation, rendered
    assert "Right: a focused handful." in html


def test_wrong_answers_show_what_was_right(client, trainee, start, answer, clock):
    attempt = start()
    reversed_order = {f"q3-{s}": str(i) for i, s in enumerate(reversed(STEPS), 1)}
    answer(attempt, {"q1": WRONG, "q2": "9", **reversed_order})
    html = client.get(f"/exercises/attempts/{attempt}/result").get_data(as_text=True)
    assert "Score 0%" in html and "Not passed" in html
    assert "No: reports are not part of it." in html
    assert "Aim for three to five." in html
    assert re.search(r"Accepted:</strong> 4 \(± 1\)", html)
    assert "should not come right before" in html


def test_unanswered_questions_score_zero(client, trainee, start, answer, clock):
    attempt = start()
    answer(attempt, {"q1": RIGHT})
    html = client.get(f"/exercises/attempts/{attempt}/result").get_data(as_text=True)
    assert "Score 33%" in html
    assert html.count("Not answered") >= 2


def test_options_keep_their_order_within_an_attempt(client, trainee, start):
    attempt = start()
    first = client.get(f"/exercises/attempts/{attempt}").get_data(as_text=True)
    again = client.get(f"/exercises/attempts/{attempt}").get_data(as_text=True)
    steps = [first.index(f'name="q3-{s}"') for s in STEPS]
    assert steps == [again.index(f'name="q3-{s}"') for s in STEPS]
    assert steps != sorted(steps)  # an ordering question is never shown solved


def test_save_without_submitting_keeps_answers_and_attempt_open(client, trainee, start,
                                                                answer, db_attempts):
    attempt = start()
    response = answer(attempt, {"q1": RIGHT, "q2": "3,5"}, action="save")
    assert response.headers["Location"] == f"/exercises/attempts/{attempt}"
    html = client.get(f"/exercises/attempts/{attempt}").get_data(as_text=True)
    assert f'value="{RIGHT}" checked' in html and 'value="3,5"' in html
    assert db_attempts() == [("in_progress", None)]


def test_starting_again_resumes_the_open_attempt(trainee, start, db_attempts):
    assert start() == start()
    assert len(db_attempts()) == 1


def test_attempts_are_limited(client, trainee, start, answer, post_form, db_attempts):
    for _ in range(2):
        answer(start(), all_right())
    response = post_form("/exercises/sets/basics/start", {}, page="/exercises/sets/basics",
                         follow_redirects=True)
    assert "You have used all 2 attempts" in response.get_data(as_text=True)
    assert len(db_attempts()) == 2


def test_highest_grade_is_kept(client, trainee, start, answer):
    answer(start(), all_right())
    answer(start(), {"q1": WRONG})
    html = client.get("/exercises/sets/basics").get_data(as_text=True)
    assert "You have used all 2 attempts. Your grade: 100% (passed)" in html


def test_last_grade_is_kept_when_the_set_says_so(app, client, trainee, start, answer):
    from workshop.exercises.models import ExerciseSet
    from workshop.extensions import db

    with app.app_context():
        exercise_set = db.session.query(ExerciseSet).filter_by(slug="basics").one()
        exercise_set.grade_kept = "last"
        db.session.commit()
    answer(start(), all_right())
    answer(start(), {"q1": WRONG})
    html = client.get("/exercises/sets/basics").get_data(as_text=True)
    assert "Your grade: 0% (not passed)" in html


def test_history_lists_every_attempt(client, trainee, start, answer):
    answer(start(), all_right())
    open_attempt = start()
    html = client.get("/exercises/history").get_data(as_text=True)
    assert "100%" in html and "In progress" in html
    assert f"/exercises/attempts/{open_attempt}/result" in html


def test_finished_attempt_page_sends_to_result(client, trainee, start, answer):
    attempt = start()
    answer(attempt, all_right())
    response = client.get(f"/exercises/attempts/{attempt}")
    assert response.headers["Location"] == f"/exercises/attempts/{attempt}/result"


@pytest.mark.parametrize(("data", "message"), [
    ({"q2": "a few"}, "Question 2: Enter a number, like 0.7 or 12."),
    ({"q1": "not-an-option"}, "Question 1: Choose one of the options shown."),
    ({f"q3-{STEPS[0]}": "1", f"q3-{STEPS[1]}": "1", f"q3-{STEPS[2]}": "2"},
     "Question 3: Use each place only once."),
    ({f"q3-{STEPS[0]}": "1"}, "Question 3: Give every step a place from 1 to 3."),
    ({f"q3-{STEPS[0]}": "7", f"q3-{STEPS[1]}": "1", f"q3-{STEPS[2]}": "2"},
     "Question 3: Give each step a place from 1 to 3."),
])
@pytest.mark.parametrize("action", ["submit", "save"])
def test_bad_answers_give_a_clear_error_and_save_nothing(client, trainee, start, answer,
                                                         db_attempts, data, message, action):
    attempt = start()
    response = answer(attempt, {"q1": RIGHT, **data}, action=action)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    position, text = message.split(": ", 1)
    assert f'">{position}</a>: {text}' in html  # the summary at the top links to the question
    assert f'class="error" id="q{position[-1]}-error">{text}' in html
    assert db_attempts() == [("in_progress", None)]
    html = client.get(f"/exercises/attempts/{attempt}").get_data(as_text=True)
    assert f'value="{RIGHT}" checked' not in html  # not even the valid answer was saved
