"""The application factory proper (``workshop.create_app`` delegates here)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from workshop import errors
from workshop.config import load_config
from workshop.db import MAX_INTEGER
from workshop.extensions import csrf, db, login_manager, migrate, socketio

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number no id can reach is a 404, not a driver error."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


def build_app(config: dict[str, Any] | None = None) -> Flask:
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get(
        "WORKSHOP_INSTANCE_PATH"
    )
    # Flask's default: ./instance beside an editable checkout, <prefix>/var otherwise.
    app = Flask("workshop", instance_path=instance_path or None)
    app.url_map.converters["int"] = IdConverter
    if config and config.get("TESTING"):
        app.testing = True
    load_config(app, config)
    if app.config["PROXY_COUNT"]:
        # Trust exactly that many proxies: rate limits then see the real client address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"] or str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    errors.init_app(app)

    from workshop import accounts, admin, certificates, exercises, home, live, security
    from workshop.okr.cli import okr_cli

    security.init_app(app)
    home.init_app(app)
    accounts.init_app(app)
    admin.init_app(app)
    live.init_app(app)
    exercises.init_app(app)
    certificates.init_app(app)  # after exercises: tracks need the bank
    app.cli.add_command(okr_cli)

    # Every Socket.IO namespace must be registered before socketio.init_app.
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=_allowed_origins(app.config["SOCKETIO_ALLOWED_ORIGINS"]),
        max_http_buffer_size=app.config["SOCKETIO_MAX_MESSAGE_BYTES"],
    )
    return app


def _allowed_origins(extra: str | None) -> list[str] | None:
    # None: python-engineio accepts only the origin the request was sent to. Never "*".
    origins = [o.strip() for o in (extra or "").split(",") if o.strip() and o.strip() != "*"]
    return origins or None
