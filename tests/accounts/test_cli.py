"""``workshop users ...`` commands."""

from __future__ import annotations

from sqlalchemy import select

from workshop.accounts import passwords
from workshop.accounts.models import User
from workshop.extensions import db


def test_create_admin_from_cli_with_generated_password(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Boss@Example.org",
                                 "--role", "admin", "--role", "coach"])
    assert result.exit_code == 0, result.output
    assert "Created boss@example.org (admin, coach)." in result.output
    password = result.output.split("Generated password (shown once): ")[1].strip()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
        assert user.roles == {"admin", "coach"}
        assert passwords.verify_password(user.password_hash, password)


def test_create_rejects_duplicate_and_bad_email(app, runner, make_user):
    existing = make_user("coach")
    result = runner.invoke(args=["users", "create", "--email", existing["email"], "--role",
                                 "admin", "--password", "a-good-password"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    result = runner.invoke(args=["users", "create", "--email", "nope", "--role", "admin"])
    assert result.exit_code == 1
    assert "valid email address" in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nope")) is None


def test_create_rejects_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.org", "--role", "boss"])
    assert result.exit_code == 2
    assert "'boss' is not one of" in result.output


def test_list_and_set_roles(runner, make_user):
    user = make_user("trainee", name="Lee", email="lee@example.org")
    assert runner.invoke(args=["users", "set-roles", "--email", user["email"], "--role",
                               "coach"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert user["email"] in listing and "coach" in listing and "trainee" not in listing
