"""Admin pages: list, create and edit users, set roles, deactivate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from workshop.accounts import services
from workshop.accounts.access import role_required
from workshop.accounts.forms import UserForm
from workshop.errors import WorkshopError
from workshop.extensions import db
from workshop.forms import show_error

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.get("/users")
@role_required("admin")
def users():
    return render_template("admin/users.html", users=services.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append("Set a first password (at least 10 characters).")
            status = 400
        else:
            try:
                user = services.create_user(form.email.data, form.display_name.data,
                                            form.password.data, form.selected_roles(),
                                            is_active=form.is_active.data)
            except WorkshopError as exc:
                db.session.rollback()
                show_error(form, exc)
                status = 400
            else:
                db.session.commit()
                flash(f"{user.display_name} can now sign in as {user.email}.", "success")
                return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    user = services.get_user(user_id)
    form = UserForm(obj=None)
    status = 200
    if not form.is_submitted():
        form.display_name.data = user.display_name
        form.email.data = user.email
        form.is_active.data = user.is_active
        for role in ("admin", "coach", "trainee"):
            form[f"is_{role}"].data = user.has_role(role)
    elif form.validate():
        try:
            services.update_user(
                user, actor=current_user, email=form.email.data,
                display_name=form.display_name.data, roles=form.selected_roles(),
                is_active=form.is_active.data, new_password=form.password.data or None,
            )
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
            status = 400
        else:
            db.session.commit()
            flash(f"Saved {user.display_name}.", "success")
            return redirect(url_for("admin.users"))
    else:
        status = 400
    return render_template("admin/user_form.html", form=form, user=user), status
