"""Start real ``workshop serve`` processes for end-to-end tests."""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

WORKSHOP = shutil.which("workshop", path=str(Path(sys.executable).parent)) or "workshop"


def require_service(reason: str):
    """Skip locally when a service is missing; fail in CI (WORKSHOP_REQUIRE_SERVICES=1)."""
    if os.environ.get("WORKSHOP_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def redis_url_for_tests() -> str:
    """WORKSHOP_TEST_REDIS_URL if that Redis answers; else skip (or fail in CI)."""
    url = os.environ.get("WORKSHOP_TEST_REDIS_URL")
    if not url:
        require_service("WORKSHOP_TEST_REDIS_URL is not set: Redis tests skipped")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        require_service(f"Redis at {url} is not reachable: {exc}")
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A ``workshop serve`` child process; its output is collected line by line."""

    def __init__(self, env: dict[str, str], port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Server:
        self.proc = subprocess.Popen(
            [WORKSHOP, "serve", "--port", str(self.port)], env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + "".join(self.lines))
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("server did not start:\n" + "".join(self.lines))

    def _pump(self) -> None:
        assert self.proc and self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self._pump_thread.join(timeout=5)
            if self.proc.stdout:
                self.proc.stdout.close()


COACH_EMAIL, COACH_PASSWORD = "coach@example.org", "coach-password-1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def _cli(env: dict, *args: str) -> str:
    result = subprocess.run([WORKSHOP, *args], env={**os.environ, **env}, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def prepare(env: dict, *create_args: str) -> str:
    """Migrate, add a coach, open a workshop; returns its join code."""
    _cli(env, "db", "upgrade")
    _cli(env, "users", "create", "--email", COACH_EMAIL, "--role", "coach", "--password",
         COACH_PASSWORD)
    out = _cli(env, "live", "create", "--coach-email", COACH_EMAIL, "--title", "Q1 planning",
               "--team", "Platform", "--cycle", "2027 Q1", *create_args)
    return re.search(r"join code (\w+)", out).group(1)
