"""Fixtures for driving live workshops through the Flask-SocketIO test client."""

from __future__ import annotations

import itertools

import pytest

from workshop.extensions import db, socketio
from workshop.live import services


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LIVE_BROADCAST_INTERVAL": 0}


@pytest.fixture
def coach(app, make_user):
    return make_user("coach")


@pytest.fixture
def coach_client(app, coach, csrf_token):
    """A signed-in coach's HTTP client (its cookie authenticates the socket)."""
    web = app.test_client()
    token = csrf_token(web.get("/login").get_data(as_text=True))
    response = web.post("/login", data={"csrf_token": token, "email": coach["email"],
                                        "password": coach["password"]})
    assert response.status_code == 302
    return web


@pytest.fixture
def make_workshop(app, coach):
    def make(**settings):
        defaults = {"title": "Q1 planning", "team_name": "Platform", "cycle_label": "2027 Q1"}
        with app.app_context():
            workshop = services.create_workshop(coach["id"], **{**defaults, **settings})
            db.session.commit()
            return {"id": workshop.id, "code": workshop.join_code}

    return make


@pytest.fixture
def join(app):
    names = (f"Person {n}" for n in itertools.count(1))

    def do_join(workshop: dict, name: str | None = None):
        web = app.test_client()
        response = web.post("/live/api/join", json={"code": workshop["code"],
                                                    "display_name": name or next(names)})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    return do_join


class Phone:
    """One socket client with helpers: ``call`` an event and get its ack."""

    def __init__(self, client):
        self.client = client
        self.ops = (f"op-{n}" for n in itertools.count(1))
        first = self.events("snapshot")
        self.snapshot = first[-1] if first else None

    def call(self, event: str, data=None):
        return self.client.emit(event, data, namespace="/live", callback=True)

    def events(self, name: str) -> list:
        return [e["args"][0] for e in self.client.get_received("/live") if e["name"] == name]

    def received(self) -> list:
        return self.client.get_received("/live")

    def vote(self, proposal_id: int, op_id: str | None = None):
        op_id = op_id or next(self.ops)
        return self.call("cast_vote", {"proposal_id": proposal_id, "op_id": op_id})

    def state(self) -> dict:
        ack = self.call("get_snapshot")
        assert ack["ok"], ack
        return ack["snapshot"]


@pytest.fixture
def phone(app):
    clients = []

    def connect(token: str) -> Phone:
        client = socketio.test_client(app, namespace="/live", auth={"token": token})
        assert client.is_connected("/live")
        clients.append(client)
        return Phone(client)

    yield connect
    for client in clients:
        if client.is_connected("/live"):
            client.disconnect(namespace="/live")


@pytest.fixture
def coach_socket(app, coach_client):
    clients = []

    def connect(workshop: dict, web=None) -> Phone:
        client = socketio.test_client(app, namespace="/live", auth={"workshop_id": workshop["id"]},
                                      flask_test_client=web or coach_client)
        assert client.is_connected("/live"), "coach socket refused"
        clients.append(client)
        return Phone(client)

    yield connect
    for client in clients:
        if client.is_connected("/live"):
            client.disconnect(namespace="/live")
