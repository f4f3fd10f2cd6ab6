"""A phone flooding events is slowed, then cut off; the rest of the room carries on."""

from __future__ import annotations

import pytest

from workshop.live.flood import FloodGuard


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LIVE_EVENT_BURST": 5, "LIVE_EVENT_RATE": 0.001,
            "LIVE_FLOOD_STRIKES": 10}


def test_bucket_refills_and_strikes_reset():
    guard = FloodGuard(burst=2, rate=1.0, strikes=3)
    assert [guard.admit("a", now=0.0) for _ in range(3)] == ["ok", "ok", "slow_down"]
    assert guard.admit("a", now=1.0) == "ok"  # one token back after a second
    assert [guard.admit("a", now=1.0) for _ in range(3)] == ["slow_down", "slow_down",
                                                             "disconnect"]
    assert guard.admit("b", now=1.0) == "ok"  # buckets are per connection


def test_flooder_is_slowed_then_disconnected_others_unaffected(make_workshop, join, phone,
                                                               coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    flooder, calm = phone(join(workshop)), phone(join(workshop))
    coach.call("change_phase", {"direction": "next"})
    answers = [flooder.call("get_snapshot") for _ in range(5)]
    assert all(a["ok"] for a in answers)
    refused = flooder.call("propose", {"text": "spam"})
    assert refused["error"] == "slow_down" and "wait a moment" in refused["message"]
    for _ in range(9):
        flooder.call("get_snapshot")
    assert not flooder.client.is_connected("/live")
    ok = calm.call("propose", {"text": "A calm objective"})
    assert ok["ok"]
    assert [p["text"] for p in calm.state()["proposals"]] == ["A calm objective"]
