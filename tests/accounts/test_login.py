"""Signing in and out."""

from __future__ import annotations

from workshop.accounts.models import User
from workshop.extensions import db


def test_login_success_lands_on_dashboard(client, make_user, login):
    user = make_user("coach", name="Casey Coach")
    response = login(user)
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Casey Coach" in page


def test_login_with_wrong_password_is_refused(client, make_user, post_form):
    user = make_user("trainee")
    response = post_form("/login", {"email": user["email"], "password": "wrong-password"})
    assert response.status_code == 401
    assert "Email or password is not right." in response.get_data(as_text=True)
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_unknown_email_gets_the_same_message(post_form):
    response = post_form("/login", {"email": "nobody@example.org", "password": "whatever123"})
    assert response.status_code == 401
    assert "Email or password is not right." in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(make_user, post_form):
    user = make_user("coach", is_active=False)
    response = post_form("/login", {"email": user["email"], "password": user["password"]})
    assert response.status_code == 401


def test_empty_login_form_shows_field_errors(post_form):
    response = post_form("/login", {"email": "", "password": ""})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)


def test_login_is_rate_limited_per_account(make_user, post_form):
    user = make_user("coach")
    for _ in range(10):
        attempt = post_form("/login", {"email": user["email"], "password": "nope-nope"})
        assert attempt.status_code == 401
    response = post_form("/login", {"email": user["email"], "password": user["password"]})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.get_data(as_text=True)


def test_login_records_time_and_email_is_case_insensitive(app, make_user, post_form):
    user = make_user("coach", email="mixed@example.org")
    response = post_form("/login", {"email": "  MIXED@Example.org ", "password": user["password"]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user["id"]).last_login_at is not None


def test_next_parameter_cannot_redirect_off_site(make_user, post_form):
    user = make_user("coach")
    response = post_form("/login?next=//evil.example/x",
                         {"email": user["email"], "password": user["password"]})
    assert response.headers["Location"] == "/"


def test_next_parameter_keeps_local_path(make_user, post_form):
    user = make_user("admin")
    response = post_form("/login?next=/admin/users",
                         {"email": user["email"], "password": user["password"]})
    assert response.headers["Location"] == "/admin/users"


def test_logout_needs_post_with_csrf(client, make_user, login, csrf_token):
    login(make_user("coach"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert "Hello" in client.get("/").get_data(as_text=True)
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert "Hello" not in client.get("/").get_data(as_text=True)


def test_deactivation_signs_out_existing_session(app, client, make_user, login):
    user = make_user("coach")
    login(user)
    with app.app_context():
        db.session.get(User, user["id"]).is_active = False
        db.session.commit()
    assert client.get("/account/password").status_code == 302


def test_sign_in_with_nul_in_the_email_is_refused(client, post_form, make_user):
    # PostgreSQL cannot compare text holding NUL: this used to be a 500 there (found by fuzzing).
    user = make_user("trainee")
    response = post_form("/login", {"email": user["email"] + "\x00", "password": "x"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert client.get("/exercises/").status_code == 302  # still signed out
