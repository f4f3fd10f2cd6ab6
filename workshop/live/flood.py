"""Per-connection flood control: a token bucket per socket; persistent flooders are cut off.

A phone may send ``burst`` events at once and ``rate`` per second after that. Beyond that
its events are refused with ``slow_down`` (the rest of the room is unaffected: nothing reaches
the database); after ``strikes`` refusals in a row the connection is closed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float
    strikes: int = 0


class FloodGuard:
    def __init__(self, *, burst: int, rate: float, strikes: int) -> None:
        self.burst, self.rate, self.max_strikes = burst, rate, strikes
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def admit(self, sid: str, now: float | None = None) -> str:
        """"ok", "slow_down" (refuse this event) or "disconnect" (refuse and cut off)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.setdefault(sid, _Bucket(float(self.burst), now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                bucket.strikes = 0
                return "ok"
            bucket.strikes += 1
            return "disconnect" if bucket.strikes >= self.max_strikes else "slow_down"

    def forget(self, sid: str) -> None:
        with self._lock:
            self._buckets.pop(sid, None)
