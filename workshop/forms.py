"""Shared form helpers."""

from __future__ import annotations

from flask_wtf import FlaskForm

from workshop.errors import WorkshopError


def show_error(form: FlaskForm, exc: WorkshopError) -> None:
    """Put a service's refusal on the field it concerns, or on the form as a whole."""
    field = form._fields.get(exc.field) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)
