"""Rate limits: in memory for one process, in Redis so every worker shares them."""

from __future__ import annotations

import uuid

import pytest
from servers import redis_url_for_tests

from workshop import create_app, ratelimit
from workshop.errors import RateLimited

LIMIT = ratelimit.Limit("test-limit", 3, 60)


def _app(tmp_path, name, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path / name),
                       "DATABASE_URL": f"sqlite:///{tmp_path / name}.db", **config})


def test_memory_counter_limits_and_resets(tmp_path):
    app = _app(tmp_path, "one")
    with app.app_context():
        for _ in range(3):
            ratelimit.check(LIMIT, "alice", "Slow down.")
        with pytest.raises(RateLimited, match="Slow down. Try again in about 1 minute"):
            ratelimit.check(LIMIT, "alice", "Slow down.")
        assert ratelimit.is_blocked(LIMIT, "alice")
        ratelimit.check(LIMIT, "bob", "Slow down.")  # other subjects are not affected
        ratelimit.reset(LIMIT, "alice")
        ratelimit.check(LIMIT, "alice", "Slow down.")


def test_two_workers_share_counters_in_redis(tmp_path):
    url = redis_url_for_tests()
    first, second = _app(tmp_path, "a", REDIS_URL=url), _app(tmp_path, "b", REDIS_URL=url)
    subject = uuid.uuid4().hex
    with first.app_context():
        ratelimit.check(LIMIT, subject, "Slow down.")
        ratelimit.check(LIMIT, subject, "Slow down.")
    with second.app_context():
        ratelimit.check(LIMIT, subject, "Slow down.")
        with pytest.raises(RateLimited):
            ratelimit.check(LIMIT, subject, "Slow down.")
    with first.app_context():
        assert ratelimit.is_blocked(LIMIT, subject)
        ratelimit.reset(LIMIT, subject)
        assert not ratelimit.is_blocked(LIMIT, subject)
