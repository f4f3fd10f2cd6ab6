"""Real servers and real python-socketio clients over WebSocket."""

from __future__ import annotations

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import socketio as sio_client
from servers import COACH_EMAIL, COACH_PASSWORD, Server, prepare, redis_url_for_tests

pytestmark = pytest.mark.server
class RealPhone:
    """A python-socketio client that keeps the latest state it was sent."""

    def __init__(self, url: str, *, token: str | None = None, cookie: str | None = None,
                 workshop_id: int | None = None) -> None:
        self.sio = sio_client.Client(reconnection=False)
        self.snapshot: dict | None = None
        self.tallies: dict | None = None
        self.tally_messages = 0
        self.changed = threading.Event()
        self.sio.on("snapshot", self._on_snapshot, namespace="/live")
        self.sio.on("tally_changed", self._on_tally, namespace="/live")
        self.sio.on("workshop_changed", self._on_state, namespace="/live")
        auth = {"token": token} if token else {"workshop_id": workshop_id}
        self.sio.connect(url, namespaces=["/live"], transports=["websocket"], auth=auth,
                         headers={"Cookie": cookie} if cookie else {}, wait_timeout=10)

    def _on_snapshot(self, data):
        self.snapshot, self.tallies = data, data["tallies"]
        self.changed.set()

    def _on_tally(self, data):
        self.tallies = data["tallies"]
        self.tally_messages += 1
        self.changed.set()

    def _on_state(self, data):
        self.tallies = data["tallies"]
        self.changed.set()

    def call(self, event: str, data=None):
        return self.sio.call(event, data, namespace="/live", timeout=20)

    def close(self):
        self.sio.disconnect()


def close_all(clients) -> None:
    # Each websocket close waits up to 3 s for the closing handshake: do them side by side.
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda c: c.close(), clients))


def join(url: str, code: str, name: str) -> str:
    response = requests.post(url + "/live/api/join", json={"code": code, "display_name": name},
                             timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def coach_cookie(url: str) -> str:
    web = requests.Session()
    page = web.get(url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    web.post(url + "/login", data={"csrf_token": token, "email": COACH_EMAIL,
                                   "password": COACH_PASSWORD}, timeout=20)
    return "; ".join(f"{k}={v}" for k, v in web.cookies.items())


def wait_until(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def run_vote_round(urls: list[str], code: str, phones_per_url: int):
    """Join phones spread over the servers, move to voting, cast, return (phones, coach, ids)."""
    cookie = coach_cookie(urls[0])
    phones = [RealPhone(urls[n % len(urls)], token=join(urls[n % len(urls)], code, f"P{n}"))
              for n in range(phones_per_url * len(urls))]
    workshop_id = phones[0].snapshot["workshop"]["id"]
    coach = RealPhone(urls[-1], cookie=cookie, workshop_id=workshop_id)
    assert coach.call("change_phase", {"direction": "next"})["ok"]
    ids = [phones[n].call("propose", {"text": f"Objective {n}"})["proposal_id"] for n in range(3)]
    assert coach.call("change_phase", {"direction": "next"})["ok"]
    acked = 0
    for n, phone in enumerate(phones):
        for k in range(3):
            ack = phone.call("cast_vote", {"proposal_id": ids[(n + k) % 3] if k < 2 else ids[0],
                                           "op_id": f"{n}-{k}"})
            assert ack["ok"], ack
            acked += 1
        retry = phone.call("cast_vote", {"proposal_id": ids[0], "op_id": f"{n}-0"})
        assert retry["ok"] and retry["ballot"]["duplicate"] is True
    return phones, coach, ids, acked


def test_phones_converge_on_the_exact_tally(tmp_path):
    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
           "WORKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"}
    code = prepare(env, "--show-results")
    server = Server(env).start()
    phones = []
    try:
        phones, coach, ids, acked = run_vote_round([server.url], code, 12)
        truth = coach.call("get_snapshot")["snapshot"]["tallies"]
        assert sum(truth.values()) == acked == 36
        assert wait_until(lambda: all(p.tallies == truth for p in phones)), \
            [p.tallies for p in phones]
        # Reconnect: a fresh connection gets the same full state.
        again = RealPhone(server.url, token=join(server.url, code, "Late"))
        assert again.snapshot["tallies"] == truth
        close_all([again, coach])
    finally:
        close_all(phones)
        server.stop()


def test_two_workers_share_rooms_through_redis(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        pytest.skip("two workers need a shared PostgreSQL database")
    redis_url = redis_url_for_tests()
    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
           "WORKSHOP_SECRET_KEY": uuid.uuid4().hex * 2,
           "WORKSHOP_DATABASE_URL": database_url,
           "WORKSHOP_SOCKETIO_MESSAGE_QUEUE": redis_url,
           "WORKSHOP_SOCKETIO_CHANNEL": f"test-{uuid.uuid4().hex}"}
    code = prepare(env, "--show-results")
    servers = [Server(env).start(), Server(env).start()]
    phones = []
    try:
        phones, coach, ids, acked = run_vote_round([s.url for s in servers], code, 6)
        truth = coach.call("get_snapshot")["snapshot"]["tallies"]
        assert sum(truth.values()) == acked == 36
        assert wait_until(lambda: all(p.tallies == truth for p in phones)), \
            [p.tallies for p in phones]
        coach.close()
    finally:
        close_all(phones)
        for server in servers:
            server.stop()


def test_slow_database_call_does_not_stall_the_worker(database_url, tmp_path):
    """While one phone's vote waits on a PostgreSQL row lock, another phone of the same
    worker is served: psycopg waits cooperatively under gevent."""
    if database_url.startswith("sqlite"):
        pytest.skip("row locks that block a writer: PostgreSQL only")
    import sqlalchemy as sa

    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
           "WORKSHOP_DATABASE_URL": database_url}
    code = prepare(env, "--show-results")
    server = Server(env).start()
    phones = []
    engine = sa.create_engine(database_url)
    try:
        cookie = coach_cookie(server.url)
        phones = [RealPhone(server.url, token=join(server.url, code, n)) for n in ("A", "B")]
        coach = RealPhone(server.url, cookie=cookie,
                          workshop_id=phones[0].snapshot["workshop"]["id"])
        coach.call("change_phase", {"direction": "next"})
        item = phones[0].call("propose", {"text": "Objective A"})["proposal_id"]
        coach.call("change_phase", {"direction": "next"})
        blocked_id = phones[0].snapshot["you"]["participant_id"]
        answered = threading.Event()
        acks = []
        with engine.connect() as conn:
            tx = conn.begin()
            conn.execute(sa.text("SELECT id FROM participants WHERE id = :id FOR UPDATE"),
                         {"id": blocked_id})
            phones[0].sio.emit("cast_vote", {"proposal_id": item, "op_id": "slow"},
                               namespace="/live",
                               callback=lambda ack: (acks.append(ack), answered.set()))
            time.sleep(0.5)  # let the server reach the lock (not a timing assertion)
            other = phones[1].call("cast_vote", {"proposal_id": item, "op_id": "fast"})
            assert other["ok"], other
            assert not answered.is_set(), "the locked vote should still be waiting"
            tx.commit()
        assert answered.wait(20) and acks[0]["ok"]
        close_all([coach])
    finally:
        close_all(phones)
        engine.dispose()
        server.stop()


def test_sqlite_concurrent_writes_never_hit_a_lock(tmp_path):
    """The embedded default under concurrent joins, proposals and votes on one process:
    every write acknowledged, none refused with "database is locked"."""
    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
           "WORKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'busy.db'}"}
    code = prepare(env, "--show-results", "--votes", "4")
    server = Server(env).start()
    phones = []
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            tokens = list(pool.map(lambda n: join(server.url, code, f"P{n}"), range(30)))
            phones = list(pool.map(lambda t: RealPhone(server.url, token=t), tokens))
        coach = RealPhone(server.url, cookie=coach_cookie(server.url),
                          workshop_id=phones[0].snapshot["workshop"]["id"])
        coach.call("change_phase", {"direction": "next"})
        with ThreadPoolExecutor(max_workers=16) as pool:
            proposed = list(pool.map(
                lambda p: p[1].call("propose", {"text": f"Objective {p[0]}"}),
                enumerate(phones)))
        assert all(a["ok"] for a in proposed), proposed
        ids = [a["proposal_id"] for a in proposed]
        coach.call("change_phase", {"direction": "next"})

        def vote(n: int) -> list[dict]:
            return [phones[n].call("cast_vote", {"proposal_id": ids[(n + k) % len(ids)],
                                                 "op_id": f"{n}-{k}"}) for k in range(4)]

        with ThreadPoolExecutor(max_workers=30) as pool:
            acks = [a for batch in pool.map(vote, range(30)) for a in batch]
        assert [a for a in acks if not a["ok"]] == []
        truth = coach.call("get_snapshot")["snapshot"]["tallies"]
        assert sum(truth.values()) == 120
        assert wait_until(lambda: all(p.tallies == truth for p in phones))
        assert "database is locked" not in server.output
        close_all([coach])
    finally:
        close_all(phones)
        server.stop()


def test_socket_from_another_origin_is_refused(tmp_path):
    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
           "WORKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'origin.db'}"}
    code = prepare(env)
    server = Server(env).start()
    try:
        token = join(server.url, code, "Ana")
        foreign = sio_client.Client(reconnection=False)
        with pytest.raises(sio_client.exceptions.ConnectionError):
            foreign.connect(server.url, namespaces=["/live"], transports=["websocket"],
                            auth={"token": token}, headers={"Origin": "http://evil.example"},
                            wait_timeout=10)
        assert wait_until(lambda: "http://evil.example is not an accepted origin" in
                          server.output, timeout=10), server.output
        own = sio_client.Client(reconnection=False)
        # websocket-client sends the server's own URL as Origin: welcome.
        own.connect(server.url, namespaces=["/live"], transports=["websocket"],
                    auth={"token": token}, wait_timeout=10)
        assert own.connected
        own.disconnect()
    finally:
        server.stop()
