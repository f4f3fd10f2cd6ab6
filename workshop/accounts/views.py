"""Sign-in, sign-out, first-run setup and password change pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from workshop.accounts import services
from workshop.accounts.forms import ChangePasswordForm, LoginForm, SetupForm
from workshop.errors import RateLimited, WorkshopError
from workshop.extensions import db
from workshop.forms import show_error

bp = Blueprint("accounts", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    # Only local paths: an absolute or protocol-relative URL would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         client_ip=request.remote_addr or "unknown")
        except RateLimited as exc:
            db.session.rollback()
            show_error(form, exc)
            status = 429
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
            status = 401
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("home.index"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    cfg = current_app.config
    if not services.setup_token_valid(current_app.instance_path, cfg["SETUP_TOKEN_FILE"], token):
        abort(404, "This setup link is not valid (it is used once, and only while no account "
                   "exists). Restart the server to print a new one, or sign in.")
    form = SetupForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.complete_setup(
                current_app.instance_path, cfg["SETUP_TOKEN_FILE"], token,
                email=form.email.data, display_name=form.display_name.data,
                password=form.password.data,
            )
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
            status = 400
        else:
            db.session.commit()
            services.discard_setup_token(current_app.instance_path, cfg["SETUP_TOKEN_FILE"])
            login_user(user)
            flash("Your admin account is ready. Add coaches and trainees under Users.", "success")
            return redirect(url_for("home.index"))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/setup.html", form=form), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.new_password.data)
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
            status = 400
        else:
            db.session.commit()
            flash("Your password has been changed.", "success")
            return redirect(url_for("home.index"))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/password.html", form=form), status
