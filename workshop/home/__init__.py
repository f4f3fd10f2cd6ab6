"""The home page: sends each role to its work."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template
from flask_login import current_user

bp = Blueprint("home", __name__, template_folder="templates")


def add_card(app: Flask, role: str, endpoint: str, title: str, text: str) -> None:
    """A feature offers a link on the dashboard of users holding ``role``."""
    app.extensions.setdefault("workshop_home_cards", []).append((role, endpoint, title, text))


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
    cards = [
        card for card in current_app.extensions.get("workshop_home_cards", [])
        if current_user.has_role(card[0])
    ]
    return render_template("home/dashboard.html", cards=cards)


@bp.get("/healthz")
def healthz():
    return {"ok": True}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
