"""Live OKR planning workshops: phases, proposals, dot voting, realtime broadcasts."""

from __future__ import annotations

from flask import Flask

from workshop.extensions import socketio


def init_app(app: Flask) -> None:
    from workshop.live import models  # noqa: F401  (tables for migrations)
    from workshop.live.broadcast import Broadcaster
    from workshop.live.cli import live_cli
    from workshop.live.events import live_namespace
    from workshop.live.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(live_cli)
    app.extensions["live_broadcaster"] = Broadcaster(app)
    if live_namespace not in socketio.namespace_handlers:
        socketio.on_namespace(live_namespace)
