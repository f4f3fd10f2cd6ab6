"""Domain errors and the HTTP error pages."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request

logger = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """The app cannot start safely with the given settings."""


class WorkshopError(Exception):
    """A business rule refused an action; ``code`` is stable, ``message`` is for people."""

    code = "workshop_error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_ack(self) -> dict:
        return {"ok": False, "error": self.code, "message": self.message}


class NotFound(WorkshopError):
    code = "not_found"
    status = 404


class Forbidden(WorkshopError):
    code = "forbidden"
    status = 403


class Conflict(WorkshopError):
    code = "conflict"
    status = 409


class RateLimited(WorkshopError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    413: "Too large",
    429: "Too many attempts",
    500: "Something went wrong",
}


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _render(status: int, message: str):
    title = _TITLES.get(status, "Error")
    if _wants_json():
        code = title.lower().replace(" ", "_")
        return jsonify({"ok": False, "error": code, "message": message}), status
    return render_template("error.html", title=title, message=message, status=status), status


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(WorkshopError)
    def handle_workshop_error(exc: WorkshopError):
        response = _render(exc.status, exc.message)
        if isinstance(exc, RateLimited):
            response[0].headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(CSRFError)
    def handle_csrf(exc: CSRFError):
        return _render(400, "Your form expired or did not come from this site. "
                            "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        return _render(exc.code or 500, exc.description or "")

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        logger.exception("unhandled error on %s %s", request.method, request.path)
        from workshop.extensions import db

        db.session.rollback()  # the error page must not trip over the failed transaction
        return _render(500, "The error has been logged. Please try again in a moment.")
