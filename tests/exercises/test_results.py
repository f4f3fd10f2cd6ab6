"""Coaches and admins: results per trainee and per question, CSV without formula injection."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def staff_client(app, make_user, csrf_token):
    def sign_in(role: str):
        web = app.test_client()
        user = make_user(role)
        token = csrf_token(web.get("/login").get_data(as_text=True))
        web.post("/login", data={"csrf_token": token, "email": user["email"],
                                 "password": user["password"]})
        return web

    return sign_in


@pytest.fixture
def two_trainees(app, make_user, csrf_token, synced, clock, ids):
    """Two trainees, one with full marks and one ("=cmd") who misses question 1 only."""
    for name, q1 in (("Alice", ids.right), ("=cmd|' /C calc'!A0", ids.wrong)):
        web = app.test_client()
        user = make_user("trainee", name=name)
        token = csrf_token(web.get("/login").get_data(as_text=True))
        web.post("/login", data={"csrf_token": token, "email": user["email"],
                                 "password": user["password"]})
        token = csrf_token(web.get("/exercises/sets/basics").get_data(as_text=True))
        location = web.post("/exercises/sets/basics/start",
                            data={"csrf_token": token}).headers["Location"]
        fields = {f"q{p}-present": "1" for p in (1, 2, 3)}
        web.post(location, data={"csrf_token": token, **fields, **ids.all_right, "q1": q1,
                                 "action": "submit"})


@pytest.mark.parametrize("role", ["coach", "admin"])
def test_staff_see_each_trainees_grade(staff_client, two_trainees, role):
    html = staff_client(role).get("/exercises/results").get_data(as_text=True)
    assert "Alice" in html and "100%" in html and "66%" in html
    assert "=cmd|&#39; /C calc&#39;!A0" in html  # escaped, never markup


def test_question_stats_put_the_most_missed_first(staff_client, two_trainees):
    html = staff_client("coach").get("/exercises/results/sets/basics").get_data(as_text=True)
    assert html.index("The name") < html.index("How many Key Results")
    assert "1 (50%)" in html


def test_results_csv_guards_against_formulas(staff_client, two_trainees):
    response = staff_client("coach").get("/exercises/results.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:6] == ["trainee", "email", "set", "attempts", "kept_score", "passed"]
    names = {row[0]: row for row in rows[1:]}
    assert names["Alice"][4:6] == ["1.0", "yes"]
    assert "'=cmd|' /C calc'!A0" in names


def test_question_csv_lists_misses(staff_client, two_trainees):
    text = staff_client("admin").get("/exercises/results/sets/basics/questions.csv").get_data(
        as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["question"] == "okr-name"
    assert (rows[0]["graded_answers"], rows[0]["missed"]) == ("2", "1")


def test_coach_sees_one_trainees_attempts_and_their_result(staff_client, two_trainees):
    coach = staff_client("coach")
    html = coach.get("/exercises/results").get_data(as_text=True)
    link = html[html.index("/exercises/results/trainees/"):].split('"', 1)[0]
    page = coach.get(link).get_data(as_text=True)
    result = page[page.index("/exercises/attempts/"):].split('"', 1)[0]
    review = coach.get(result).get_data(as_text=True)
    assert "Score" in review and "Explanation" in review


def test_unknown_set_results_are_404(staff_client, synced):
    assert staff_client("coach").get("/exercises/results/sets/nope").status_code == 404
