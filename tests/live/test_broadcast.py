"""Coalescing: many changes between two ticks become one full-state message per room."""

from __future__ import annotations

import pytest

from workshop.live.broadcast import get_broadcaster, room


@pytest.fixture
def app_config(app_config):
    # The background loop would tick only after an hour: the test flushes by hand.
    return {**app_config, "LIVE_BROADCAST_INTERVAL": 3600}


def test_burst_of_votes_sends_one_tally_per_room(app, make_workshop, join, phone, coach_socket):
    workshop = make_workshop(votes_per_participant=5, is_hiding_results=False)
    coach = coach_socket(workshop)
    phones = [phone(join(workshop)) for _ in range(4)]
    broadcaster = get_broadcaster(app)
    coach.call("change_phase", {"direction": "next"})
    a = phones[0].call("propose", {"text": "Objective A"})["proposal_id"]
    b = phones[1].call("propose", {"text": "Objective B"})["proposal_id"]
    coach.call("change_phase", {"direction": "next"})
    broadcaster.flush()
    for p in phones + [coach]:
        p.received()  # drop what came before the burst
    for p in phones:
        for pid in (a, a, b, a):
            assert p.vote(pid)["ok"]
    assert all(p.events("tally_changed") == [] for p in phones)  # nothing sent per vote
    sent_before = broadcaster.sent
    broadcaster.flush()
    assert broadcaster.sent - sent_before == 2  # one per audience room
    for p in phones:
        messages = p.events("tally_changed")
        assert len(messages) == 1
        assert messages[0]["tallies"] == {str(a): 12, str(b): 4}
        assert messages[0]["counts"] == {"participants": 4, "voted": 4}
    assert coach.events("tally_changed")[0]["tallies"] == {str(a): 12, str(b): 4}
    broadcaster.flush()
    assert phones[0].events("tally_changed") == []  # nothing new, nothing sent


def test_room_names_come_from_one_helper():
    assert room(7, "participant") == "workshop:7:participant"
    assert room(7, "coach") == "workshop:7:coach"


def test_quiet_room_gets_one_settling_message(app, make_workshop, join, phone, coach_socket):
    workshop = make_workshop(is_hiding_results=False)
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    broadcaster = get_broadcaster(app)
    coach.call("change_phase", {"direction": "next"})
    a = ana.call("propose", {"text": "Objective A"})["proposal_id"]
    coach.call("change_phase", {"direction": "next"})
    ana.vote(a)
    broadcaster.flush()
    ana.received()
    broadcaster.flush_settled(now=0)  # not quiet long enough yet: nothing
    assert ana.events("tally_changed") == [] and ana.events("workshop_changed") == []
    broadcaster.flush_settled(now=float("inf"))
    settled = ana.events("workshop_changed")
    assert len(settled) == 1 and settled[0]["tallies"] == {str(a): 1}
    assert settled[0]["resync"] is False
    broadcaster.flush_settled(now=float("inf"))
    assert ana.received() == []  # once only
