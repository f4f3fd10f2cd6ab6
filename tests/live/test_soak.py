"""A short soak: phones vote and reconnect while a server process and Redis crash.

The engine is benchmarks/soak.py (the full run: 300 phones for 5 minutes); here 40 phones for
about 40 seconds, with one SIGKILL and restart of a server process and one Redis restart.
Only correctness is asserted, never timing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from servers import require_service

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import soak  # noqa: E402  (benchmarks/ is not a package)
from soak_cluster import REDIS_SERVER  # noqa: E402

pytestmark = pytest.mark.server


def test_no_vote_is_lost_or_counted_twice_through_crashes(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("two server processes need a shared PostgreSQL database")
    if not Path(REDIS_SERVER).exists():
        require_service("redis-server is not installed: the soak starts its own private Redis")
    result = soak.run_soak(database_url, create_schema=False, participants=40, minutes=0.7,
                           seed=20270112, think=(0.3, 1.5), reconnect_chance=0.05,
                           tunnel_chance=0.05)
    figures = result["figures"]
    failed = [name for name, passed in result["checks"].items() if not passed]
    assert not failed, (failed, result["details"], figures, result.get("server_log_tail"))
    # The run exercised what it claims to: crashes, reconnects and resent operations.
    assert figures["server_restarts"] == 1 and figures["redis_restarts"] == 1
    assert figures["reconnects"] > 0 and figures["retried"] > 0
    assert figures["acked_ok"] == figures["db_operations"] > 0
