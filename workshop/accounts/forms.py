"""Account forms: shape only; the rules live in services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Sign in")


class SetupForm(FlaskForm):
    display_name = StringField("Your name", validators=[DataRequired(), Length(max=100)],
                               render_kw={"autocomplete": "name"})
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField("Password (at least 10 characters)",
                             validators=[DataRequired(), Length(min=10, max=256)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(),
                                        EqualTo("password", "The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Create the admin account")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password (at least 10 characters)",
                                 validators=[DataRequired(), Length(min=10, max=256)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(),
                                        EqualTo("new_password", "The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")


class UserForm(FlaskForm):
    """Admin create/edit form; the password is required only when creating."""

    display_name = StringField("Display name", validators=[DataRequired(), Length(max=100)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    is_admin = BooleanField("Programme admin")
    is_coach = BooleanField("Coach")
    is_trainee = BooleanField("Trainee")
    is_active = BooleanField("Active (may sign in)", default=True)
    password = PasswordField("Password", validators=[Optional(), Length(min=10, max=256)],
                             render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Save")

    def selected_roles(self) -> list[str]:
        return [role for role in ("admin", "coach", "trainee") if self[f"is_{role}"].data]
