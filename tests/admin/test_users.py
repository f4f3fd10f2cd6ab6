"""Admin user management: roles, CSRF, bad input that writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workshop.accounts.models import User
from workshop.extensions import db


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["trainee", "coach"])
def test_non_admin_gets_403(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403


def test_admin_creates_a_user_who_can_sign_in(app, client, make_user, login, post_form):
    login(make_user("admin"))
    response = post_form("/admin/users/new", {
        "display_name": "Nadia Novak", "email": "nadia@example.org",
        "is_coach": "y", "is_trainee": "y", "is_active": "y", "password": "a-good-password",
    })
    assert response.status_code == 302
    assert "Nadia Novak" in client.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
        assert user.roles == {"coach", "trainee"}


def test_post_without_csrf_token_is_rejected(app, client, make_user, login):
    login(make_user("admin"))
    before = _count(app)
    response = client.post("/admin/users/new", data={
        "display_name": "X", "email": "x@example.org", "password": "a-good-password"})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert _count(app) == before


@pytest.mark.parametrize(("data", "message"), [
    ({"display_name": "", "email": "a@example.org", "password": "a-good-password"},
     "This field is required."),
    ({"display_name": "A", "email": "not-an-email", "password": "a-good-password"},
     "Enter a valid email address"),
    ({"display_name": "A", "email": "a@example.org", "password": "short"},
     "Field must be between 10 and 256 characters long."),
    ({"display_name": "A", "email": "a@example.org", "password": ""},
     "Set a first password"),
    ({"display_name": "A" * 101, "email": "a@example.org", "password": "a-good-password"},
     "Field cannot be longer than 100 characters."),
    ({"display_name": "Bad\u202ename", "email": "a@example.org", "password": "a-good-password"},
     "control characters"),
])
def test_bad_input_on_create_writes_nothing(app, make_user, login, post_form, data, message):
    login(make_user("admin"))
    before = _count(app)
    response = post_form("/admin/users/new", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(app) == before


def test_duplicate_email_is_refused(app, make_user, login, post_form):
    login(make_user("admin"))
    existing = make_user("coach")
    before = _count(app)
    response = post_form("/admin/users/new", {
        "display_name": "Dup", "email": existing["email"].upper(), "password": "a-good-password"})
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert _count(app) == before


def test_admin_edits_roles_and_deactivates(app, client, make_user, login, post_form):
    login(make_user("admin"))
    target = make_user("trainee")
    url = f"/admin/users/{target['id']}"
    response = post_form(url, {"display_name": "Renamed", "email": target["email"],
                               "is_coach": "y"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, target["id"])
        assert user.roles == {"coach"}
        assert user.is_active is False
        assert user.display_name == "Renamed"


def test_admin_cannot_remove_own_admin_role(app, make_user, login, post_form):
    admin = make_user("admin")
    login(admin)
    response = post_form(f"/admin/users/{admin['id']}", {
        "display_name": "Me", "email": admin["email"], "is_coach": "y", "is_active": "y"})
    assert response.status_code == 400
    assert "cannot remove your own admin role" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin["id"]).roles == {"admin"}


def test_edit_with_bad_input_changes_nothing(app, make_user, login, post_form):
    login(make_user("admin"))
    target = make_user("trainee", name="Original")
    response = post_form(f"/admin/users/{target['id']}", {
        "display_name": "New", "email": "broken", "is_admin": "y", "is_active": "y"})
    assert response.status_code == 400
    with app.app_context():
        user = db.session.get(User, target["id"])
        assert user.display_name == "Original" and user.roles == {"trainee"}


def test_unknown_user_is_404(client, make_user, login):
    login(make_user("admin"))
    assert client.get("/admin/users/99999").status_code == 404


def test_dashboard_sends_admin_to_users(client, make_user, login):
    login(make_user("admin"))
    assert 'href="/admin/users"' in client.get("/").get_data(as_text=True)


def test_dashboard_without_role_explains(client, make_user, login):
    login(make_user())
    assert "has no role yet" in client.get("/").get_data(as_text=True)
