"""Programme admin pages: user management."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from workshop.admin.views import bp
    from workshop.home import add_card

    app.register_blueprint(bp)
    add_card(app, "admin", "admin.users", "Users",
             "Add coaches and trainees, set their roles, deactivate accounts.")
