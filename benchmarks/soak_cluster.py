"""The processes and the database of a soak run (benchmarks/soak.py).

A private ``redis-server`` on a free 127.0.0.1 port, two ``workshop serve`` processes sharing
it and one PostgreSQL schema, a coach and a workshop made with the CLI. Every process, file
and the schema are removed by ``close()``, which is safe to call twice.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import sqlalchemy as sa
from live_room import WORKSHOP

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
COACH_EMAIL, COACH_PASSWORD = "soak-coach@example.org", "soak-coach-password-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A child process on a fixed port, logging to a file; it can be killed and restarted."""

    def __init__(self, name: str, argv: list[str], port: int, env: dict, logdir: Path) -> None:
        self.name, self.argv, self.port, self.env = name, argv, port, env
        self.log_path = logdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.up = False

    def spawn(self) -> None:
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def wait_ready(self, probe, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            if probe():
                self.up = True
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL: no goodbye to clients, no cleanup."""
        self.up = False
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        self.up = False
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


class RedisServer(Process):
    def __init__(self, logdir: Path) -> None:
        port = free_port()
        super().__init__("redis", [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--daemonize", "no"],
                         port, dict(os.environ), logdir)

    def start(self) -> None:
        self.spawn()
        self.wait_ready(self._pong, timeout=30)

    def _pong(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class WorkshopServer(Process):
    def __init__(self, n: int, env: dict, logdir: Path) -> None:
        port = free_port()
        super().__init__(f"server-{n}", [WORKSHOP, "serve", "--port", str(port), "--no-migrate"],
                         port, env, logdir)
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        self.spawn()
        self.wait_ready(self._healthy)

    def _healthy(self) -> bool:
        try:
            return requests.get(self.url + "/healthz", timeout=1).ok
        except requests.RequestException:
            return False


class Cluster:
    def __init__(self, database_url: str, *, create_schema: bool, log) -> None:
        self.log = log
        self.dir = tempfile.TemporaryDirectory(prefix="soak-")
        self.logdir = Path(self.dir.name)
        self.schema = None
        self.engine: sa.Engine | None = None
        self.redis = RedisServer(self.logdir)
        self.servers: list[WorkshopServer] = []
        self.workshop_id: int | None = None
        self._closed = False
        if create_schema:
            base = database_url
            self.schema = "soak_" + uuid.uuid4().hex[:16]
            admin = sa.create_engine(base)
            try:
                with admin.begin() as conn:
                    conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
            finally:
                admin.dispose()
            sep = "&" if "?" in base else "?"
            database_url = f"{base}{sep}options=-csearch_path%3D{self.schema}"
            self._base_url = base
        self.database_url = database_url
        self.engine = sa.create_engine(database_url)

    def cli(self, *args: str) -> str:
        done = subprocess.run([WORKSHOP, *args], env=self.env, capture_output=True, text=True,
                              timeout=120)
        if done.returncode:
            raise RuntimeError(f"workshop {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self, *, votes: int, cap: int, servers: int = 2) -> None:
        self.redis.start()
        redis_url = f"redis://127.0.0.1:{self.redis.port}/0"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1",
                    "WORKSHOP_INSTANCE_PATH": str(self.logdir / "instance"),
                    "WORKSHOP_SECRET_KEY": uuid.uuid4().hex * 2,
                    "WORKSHOP_DATABASE_URL": self.database_url,
                    "WORKSHOP_SOCKETIO_MESSAGE_QUEUE": redis_url,
                    "WORKSHOP_REDIS_URL": redis_url,
                    "WORKSHOP_SOCKETIO_CHANNEL": f"soak-{uuid.uuid4().hex}"}
        self.cli("db", "upgrade")
        self.cli("users", "create", "--email", COACH_EMAIL, "--role", "coach", "--password",
                 COACH_PASSWORD)
        out = self.cli("live", "create", "--coach-email", COACH_EMAIL, "--title", "Soak",
                       "--team", "Soak", "--cycle", "2027 Q1", "--votes", str(votes),
                       "--cap", str(cap), "--show-results")
        match = re.search(r"Workshop (\d+) created; join code (\w+)", out)
        self.workshop_id, self.code = int(match.group(1)), match.group(2)
        self.servers = [WorkshopServer(n, self.env, self.logdir) for n in range(servers)]
        with ThreadPoolExecutor(max_workers=servers) as pool:
            list(pool.map(lambda s: s.start(), self.servers))
        self.log(f"redis on {self.redis.port}, servers on "
                 f"{', '.join(str(s.port) for s in self.servers)}, workshop {self.code}")

    def join_all(self, count: int) -> list[dict]:
        """Join ``count`` participants over HTTP, alternating between the servers."""
        def join(batch: list[int]) -> list[dict]:
            out = []
            with requests.Session() as web:
                for n in batch:
                    url = self.servers[n % len(self.servers)].url
                    response = web.post(url + "/live/api/join", timeout=30,
                                        json={"code": self.code, "display_name": f"Phone {n}"})
                    response.raise_for_status()
                    out.append(response.json())
            return out

        batches = [list(range(k, count, 8)) for k in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            joined = {n: j for batch, js in zip(batches, pool.map(join, batches), strict=True)
                      for n, j in zip(batch, js, strict=True)}
        return [joined[n] for n in range(count)]

    def coach_cookie(self) -> str:
        url = self.servers[0].url
        with requests.Session() as web:
            page = web.get(url + "/login", timeout=10).text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            response = web.post(url + "/login", timeout=60, allow_redirects=False, data={
                "csrf_token": token, "email": COACH_EMAIL, "password": COACH_PASSWORD})
            if response.status_code != 302:
                raise RuntimeError(f"coach sign-in failed ({response.status_code})")
            return "; ".join(f"{k}={v}" for k, v in web.cookies.items())

    def db_state(self) -> dict:
        """Ballots per participant, tallies, applied (participant, op_id) pairs."""
        w = {"w": self.workshop_id}
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT participant_id, proposal_id, count(*) FROM votes WHERE workshop_id = :w "
                "AND round = 'objective' GROUP BY participant_id, proposal_id"), w).all()
            ops = conn.execute(sa.text(
                "SELECT o.participant_id, o.op_id FROM vote_operations o JOIN participants p "
                "ON p.id = o.participant_id WHERE p.workshop_id = :w "
                "AND o.refusal_code IS NULL"), w).all()
            twice = conn.execute(sa.text(
                "SELECT count(*) FROM (SELECT 1 FROM vote_operations GROUP BY participant_id, "
                "op_id HAVING count(*) > 1) AS d")).scalar_one()
        ballots: dict[int, dict[str, int]] = {}
        tallies: dict[str, int] = {}
        for participant_id, proposal_id, n in rows:
            ballots.setdefault(participant_id, {})[str(proposal_id)] = n
            tallies[str(proposal_id)] = tallies.get(str(proposal_id), 0) + n
        return {"ballots": ballots, "tallies": tallies, "operations": set(map(tuple, ops)),
                "op_ids_applied_twice": twice}

    def server_errors(self) -> dict[str, int]:
        """Failures the servers logged: failed events, HTTP 500s, other tracebacks."""
        text = "".join(s.tail(10**9) for s in self.servers)
        found = {"failed_events": len(re.findall(r"live event \w+ failed", text)),
                 "http_500": len(re.findall(r"Exception on /", text)),
                 "tracebacks": text.count("Traceback (most recent call last)")}
        return {k: v for k, v in found.items() if v}

    def log_tail(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.tail()}" for p in [*self.servers, self.redis])

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for process in [*self.servers, self.redis]:
            try:
                process.stop()
            except Exception as exc:  # keep cleaning up the rest
                self.log(f"could not stop {process.name}: {exc}")
        if self.engine is not None:
            self.engine.dispose()
        if self.schema:
            admin = sa.create_engine(self._base_url)
            try:
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            finally:
                admin.dispose()
        self.dir.cleanup()
