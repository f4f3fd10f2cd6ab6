"""Fixed-window rate limits, kept in Redis when configured so every worker shares them."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app

from workshop.errors import RateLimited

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int


class MemoryCounter:
    """Per-process counters: right for one worker, and what tests use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, window: int) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            started, count = self._windows.get(key, (now, 0))
            if now - started >= window:
                started, count = now, 0
            count += 1
            self._windows[key] = (started, count)
            if len(self._windows) > 100_000:
                self._evict(now, window)
            return count, max(1, int(window - (now - started)))

    def peek(self, key: str, window: int) -> int:
        with self._lock:
            started, count = self._windows.get(key, (0.0, 0))
            return count if time.monotonic() - started < window else 0

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def _evict(self, now: float, window: int) -> None:
        for key, (started, _) in list(self._windows.items()):
            if now - started >= window:
                del self._windows[key]


class RedisCounter:
    """Shared counters: INCR plus an expiry set on the first hit of a window."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def hit(self, key: str, window: int) -> tuple[int, int]:
        pipe = self._redis.pipeline()
        pipe.incr(f"workshop:rl:{key}")
        pipe.expire(f"workshop:rl:{key}", window, nx=True)
        pipe.ttl(f"workshop:rl:{key}")
        count, _, ttl = pipe.execute()
        return int(count), max(1, int(ttl))

    def peek(self, key: str, window: int) -> int:
        return int(self._redis.get(f"workshop:rl:{key}") or 0)

    def reset(self, key: str) -> None:
        self._redis.delete(f"workshop:rl:{key}")


def _counter():
    return current_app.extensions["workshop_ratelimit"]


def check(limit: Limit, subject: str, message: str) -> None:
    """Count one attempt; raises RateLimited once ``subject`` is over ``limit``."""
    count, retry_after = _counter().hit(f"{limit.name}:{subject}", limit.window_seconds)
    if count > limit.max_hits:
        logger.warning("rate limit %s hit by %s", limit.name, subject)
        minutes = max(1, round(retry_after / 60))
        raise RateLimited(f"{message} Try again in about {minutes} minute(s).",
                          retry_after=retry_after)


def is_blocked(limit: Limit, subject: str) -> bool:
    """Whether ``subject`` is already over ``limit`` (without counting an attempt)."""
    return _counter().peek(f"{limit.name}:{subject}", limit.window_seconds) >= limit.max_hits


def reset(limit: Limit, subject: str) -> None:
    _counter().reset(f"{limit.name}:{subject}")


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"] or (
        app.config["SOCKETIO_MESSAGE_QUEUE"]
        if str(app.config["SOCKETIO_MESSAGE_QUEUE"] or "").startswith("redis")
        else None
    )
    app.extensions["workshop_ratelimit"] = RedisCounter(url) if url else MemoryCounter()
