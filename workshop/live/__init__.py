"""Live OKR planning workshops: phases, proposals, dot voting, realtime broadcasts."""

from __future__ import annotations

from flask import Flask

from workshop.extensions import socketio


def init_app(app: Flask) -> None:
    from workshop.commands import add_demo_loader
    from workshop.home import add_card
    from workshop.live import models  # noqa: F401  (tables for migrations)
    from workshop.live.broadcast import Broadcaster
    from workshop.live.cli import live_cli
    from workshop.live.demo import load_demo_workshop
    from workshop.live.events import live_namespace
    from workshop.live.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(live_cli)
    add_card(app, "coach", "live.workshops", "Live workshops",
             "Run an OKR planning session: the room joins from their phones and dot-votes.")
    add_demo_loader(app, load_demo_workshop)
    app.extensions["live_broadcaster"] = Broadcaster(app)
    if live_namespace not in socketio.namespace_handlers:
        socketio.on_namespace(live_namespace)
