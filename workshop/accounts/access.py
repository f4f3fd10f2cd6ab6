"""Access checks for views: sign-in and roles."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str):
    """The signed-in user must hold one of ``roles``; others get 403, anonymous users sign in."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(current_user.has_role(r) for r in roles):
                abort(403, "Your account does not have access to this page.")
            return view(*args, **kwargs)

        return wrapped

    return decorator
