"""Who may see what: trainee pages, other trainees' attempts, coach and admin pages."""

from __future__ import annotations

import pytest

TRAINEE_PAGES = ["/exercises/", "/exercises/sets/basics", "/exercises/history"]
STAFF_PAGES = ["/exercises/results", "/exercises/results.csv", "/exercises/results/sets/basics",
               "/exercises/results/sets/basics/questions.csv"]
ADMIN_PAGES = ["/exercises/manage", "/exercises/manage/import", "/exercises/manage/export.gift"]


@pytest.mark.parametrize("url", TRAINEE_PAGES + STAFF_PAGES + ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, synced, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("url", TRAINEE_PAGES)
@pytest.mark.parametrize("role", ["coach", "admin"])
def test_trainee_pages_need_the_trainee_role(client, make_user, login, synced, url, role):
    login(make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", STAFF_PAGES + ADMIN_PAGES)
def test_staff_pages_are_forbidden_to_trainees(client, trainee, url):
    response = client.get(url)
    assert response.status_code == 403
    assert "does not have access" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_forbidden_to_coaches(client, make_user, login, synced, url):
    login(make_user("coach"))
    assert client.get(url).status_code == 403


def test_another_trainees_attempt_is_not_found(app, client, make_user, trainee, start, answer,
                                               ids, csrf_token):
    attempt = start()
    answer(attempt, ids.all_right)
    open_attempt = start()
    other = app.test_client()
    token = csrf_token(other.get("/login").get_data(as_text=True))
    intruder = make_user("trainee")
    other.post("/login", data={"csrf_token": token, "email": intruder["email"],
                               "password": intruder["password"]})
    assert other.get(f"/exercises/attempts/{attempt}/result").status_code == 404
    assert other.get(f"/exercises/attempts/{open_attempt}").status_code == 404
    token = csrf_token(other.get("/").get_data(as_text=True))
    response = other.post(f"/exercises/attempts/{open_attempt}", data={
        "csrf_token": token, "q1-present": "1", "q1": ids.wrong, "action": "submit"})
    assert response.status_code == 404
    saved = other.post(f"/exercises/attempts/{open_attempt}/answers.json", data={
        "csrf_token": token, "q1-present": "1", "q1": ids.wrong})
    assert saved.status_code == 404 and saved.get_json()["ok"] is False
    assert f'value="{ids.wrong}" checked' not in client.get(
        f"/exercises/attempts/{open_attempt}").get_data(as_text=True)


def test_hidden_and_unknown_sets_are_not_found(app, client, trainee):
    from workshop.exercises.models import ExerciseSet
    from workshop.extensions import db

    with app.app_context():
        db.session.query(ExerciseSet).filter_by(slug="rhythm").one().is_published = False
        db.session.commit()
    assert client.get("/exercises/sets/rhythm").status_code == 404
    assert client.get("/exercises/sets/nothing-here").status_code == 404
    assert "Rhythm" not in client.get("/exercises/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/exercises/attempts/99999999999999999999/result",
                                 "/exercises/attempts/2147483648"])
def test_an_id_beyond_any_row_is_not_found(client, trainee, url):
    # It used to reach the database driver and come back as a 500 (found by fuzzing).
    assert client.get(url).status_code == 404
