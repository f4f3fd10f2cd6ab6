"""Response headers and rate limiting wired into the app."""

from __future__ import annotations

from flask import Flask, abort, request

from workshop import ratelimit

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    ratelimit.init_app(app)

    @app.before_request
    def refuse_nul_characters():
        # Nobody types NUL, and PostgreSQL cannot store or even compare text holding it:
        # refuse it at the door instead of failing deep inside a query.
        sent = (request.path, *(v for _, v in request.args.items(multi=True)),
                *(v for _, v in request.form.items(multi=True)))
        if any("\x00" in value for value in sent):
            abort(400, "The request contains a NUL character, which no text may hold.")

    @app.after_request
    def set_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure or app.config["SECURE_COOKIES"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
