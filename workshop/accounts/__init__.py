"""Accounts: users, roles, sign-in and the first-run setup."""

from __future__ import annotations

from flask import Flask

from workshop.extensions import db, login_manager


def init_app(app: Flask) -> None:
    from workshop.accounts.cli import users_cli
    from workshop.accounts.models import User
    from workshop.accounts.views import bp

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A deactivated account is signed out on its next request.
        return user if user is not None and user.is_active else None

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
