"""Who may connect and call what; malformed and oversized payloads."""

from __future__ import annotations

import pytest

from workshop.extensions import socketio

COACH_EVENTS = ["change_phase", "close_workshop", "reveal_results", "moderate_proposal",
                "merge_proposals", "set_kept"]
PARTICIPANT_EVENTS = ["edit_proposal", "withdraw_proposal", "cast_vote", "retract_vote",
                      "move_vote"]


def test_participant_cannot_call_coach_events(make_workshop, join, phone):
    workshop = make_workshop()
    ana = phone(join(workshop))
    for event in COACH_EVENTS:
        ack = ana.call(event, {"direction": "next", "revealed": True})
        assert ack["error"] == "forbidden", event
    assert ana.state()["workshop"]["phase"] == "lobby"


def test_coach_cannot_call_participant_events(make_workshop, coach_socket):
    coach = coach_socket(make_workshop())
    for event in PARTICIPANT_EVENTS:
        assert coach.call(event, {"proposal_id": 1, "op_id": "x"})["error"] == "forbidden"


def test_other_coach_cannot_connect_to_workshop(app, make_workshop, make_user, csrf_token):
    workshop = make_workshop()
    other = make_user("coach")
    web = app.test_client()
    token = csrf_token(web.get("/login").get_data(as_text=True))
    web.post("/login", data={"csrf_token": token, "email": other["email"],
                             "password": other["password"]})
    client = socketio.test_client(app, namespace="/live", auth={"workshop_id": workshop["id"]},
                                  flask_test_client=web)
    assert not client.is_connected("/live")


@pytest.mark.parametrize("auth", [None, {}, {"token": "forged.token"}, {"token": 12},
                                  {"workshop_id": 1}, "a string"])
def test_connect_refused_without_valid_credentials(app, make_workshop, auth):
    make_workshop()
    client = socketio.test_client(app, namespace="/live", auth=auth)
    assert not client.is_connected("/live")


def test_token_of_one_workshop_only_reaches_that_workshop(make_workshop, join, phone):
    first, second = make_workshop(), make_workshop()
    ana = phone(join(first))
    assert ana.snapshot["workshop"]["id"] == first["id"]
    assert ana.snapshot["workshop"]["id"] != second["id"]


@pytest.mark.parametrize(("event", "payload"), [
    ("propose", "just a string"),
    ("propose", ["a", "list"]),
    ("propose", {"text": 42}),
    ("propose", {"text": None}),
    ("propose", {"text": "ok", "client_id": "x" * 65}),
    ("cast_vote", {"proposal_id": "1", "op_id": "a"}),
    ("cast_vote", {"proposal_id": True, "op_id": "a"}),
    ("cast_vote", {"proposal_id": 1}),
    ("cast_vote", {"proposal_id": 1, "op_id": ""}),
    ("move_vote", {"from_id": None, "to_id": 1, "op_id": "a"}),
    ("propose", {"text": "y" * 5000}),
])
def test_malformed_payloads_get_clear_errors(make_workshop, join, phone, coach_socket, event,
                                             payload):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    coach.call("change_phase", {"direction": "next"})
    before = coach.state()["proposals"]
    ack = ana.call(event, payload)
    assert ack["ok"] is False
    assert ack["error"] in {"invalid_payload", "proposal_too_long", "voting_closed"}
    assert isinstance(ack["message"], str) and ack["message"]
    assert coach.state()["proposals"] == before


def test_oversized_payload_is_refused(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    coach.call("change_phase", {"direction": "next"})
    ack = ana.call("propose", {"text": "fine", "padding": "z" * 5000})
    assert ack["error"] == "invalid_payload" and "too large" in ack["message"]


def test_refused_connection_carries_code_and_message():
    # What python-socketio sends in CONNECT_ERROR: the JS client's err.message and err.data,
    # which the phone page reads to send a phone with a dead pass back to the join page.
    from workshop.live.events import _refuse

    refused = _refuse("invalid_token", "Join again.")
    assert refused.error_args == {"message": "Join again.",
                                  "data": {"error": "invalid_token", "message": "Join again."}}


@pytest.mark.parametrize(("event", "payload"), [
    # Found by tests/test_fuzz.py: these reached the database driver and came back as
    # server_error (an id beyond the integer column, NUL which PostgreSQL refuses, a list of
    # objects where ids belong).
    ("moderate_proposal", {"proposal_id": 2**40, "is_hidden": True}),
    ("merge_proposals", {"target_id": 2**70, "source_ids": [1]}),
    ("merge_proposals", {"target_id": 1, "source_ids": [{}, []]}),
    ("propose", {"text": "Grow revenue", "client_id": "c\x00"}),
])
def test_unstorable_values_are_refused_cleanly(make_workshop, join, phone, coach_socket, event,
                                               payload):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    coach.call("change_phase", {"direction": "next"})
    assert ana.call("propose", {"text": "Delight our customers"})["ok"]
    before = coach.state()["proposals"]
    ack = (ana if event == "propose" else coach).call(event, payload)
    assert ack["ok"] is False and ack["error"] == "invalid_payload", ack
    assert ack["message"]
    assert coach.state()["proposals"] == before


def test_vote_with_nul_in_op_id_is_refused(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    coach.call("change_phase", {"direction": "next"})
    proposal_id = ana.call("propose", {"text": "Delight our customers"})["proposal_id"]
    coach.call("change_phase", {"direction": "next"})
    ack = ana.call("cast_vote", {"proposal_id": proposal_id, "op_id": "op\x00"})
    assert ack["error"] == "invalid_payload"
    assert ana.state()["you"]["ballot"]["remaining"] == 3


def test_connect_with_an_impossible_workshop_id_is_refused(app, make_workshop, coach_client):
    make_workshop()
    client = socketio.test_client(app, namespace="/live", auth={"workshop_id": 2**63},
                                  flask_test_client=coach_client)
    assert not client.is_connected("/live")
