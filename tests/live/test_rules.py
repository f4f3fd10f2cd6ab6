"""Engine rules: merges with refunds, phase guards, editing, reconnects, joining."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from workshop.extensions import db
from workshop.live import listing, services
from workshop.live.models import Participant, Vote


def _to_vote(coach, phones, texts):
    coach.call("change_phase", {"direction": "next"})
    ids = [phones[i % len(phones)].call("propose", {"text": t})["proposal_id"]
           for i, t in enumerate(texts)]
    coach.call("change_phase", {"direction": "next"})
    return ids


def test_merge_moves_votes_and_refunds_excess(app, make_workshop, join, phone, coach_socket):
    workshop = make_workshop(votes_per_participant=4, max_votes_per_item=2)
    coach = coach_socket(workshop)
    ana, ben = phone(join(workshop)), phone(join(workshop))
    a, b, c = _to_vote(coach, [ana, ben], ["Happy users", "Delighted users", "Fast releases"])
    for pid in (a, a, b, b):  # Ana: 2 on a, 2 on b (all her budget)
        assert ana.vote(pid)["ok"]
    assert ben.vote(b)["ok"] and ben.vote(c)["ok"]
    ack = coach.call("merge_proposals", {"target_id": a, "source_ids": [b]})
    assert ack["ok"], ack
    ana_state = ana.state()
    assert ana_state["you"]["ballot"]["votes"] == {str(a): 2}  # cap 2: two dots refunded
    assert ana_state["you"]["ballot"]["remaining"] == 2
    assert ben.state()["you"]["ballot"]["votes"] == {str(a): 1, str(c): 1}
    assert coach.state()["tallies"] == {str(a): 3, str(c): 1}
    assert [p["id"] for p in ana_state["proposals"]] == [a, c]
    assert ana.events("workshop_changed")[-1]["resync"] is True
    assert ana.vote(a)["error"] == "item_cap_reached"
    assert ana.vote(c)["ok"]


@pytest.mark.parametrize(("payload", "error"), [
    ({"target_id": 1, "source_ids": []}, "invalid_payload"),
    ({"target_id": 1, "source_ids": "2"}, "invalid_payload"),
    ({"target_id": 999999, "source_ids": [1]}, "unknown_proposal"),
])
def test_bad_merges_change_nothing(make_workshop, join, phone, coach_socket, payload, error):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    _to_vote(coach, [ana], ["One", "Two"])
    before = coach.state()["proposals"]
    assert coach.call("merge_proposals", payload)["error"] == error
    assert coach.state()["proposals"] == before


def test_hiding_refunds_dots_and_hides_from_phones(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    a, b = _to_vote(coach, [ana], ["Keep me", "Hide me"])
    ana.vote(b)
    assert coach.call("moderate_proposal", {"proposal_id": b, "is_hidden": True})["ok"]
    state = ana.state()
    assert [p["id"] for p in state["proposals"]] == [a]
    assert state["you"]["ballot"]["remaining"] == 3
    assert [p["is_hidden"] for p in coach.state()["proposals"]] == [False, True]
    assert ana.vote(b)["error"] == "unknown_proposal"


def test_phase_guards(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    early = ana.call("propose", {"text": "Too early"})
    assert early["error"] == "wrong_phase"
    coach.call("change_phase", {"direction": "next"})
    pid = ana.call("propose", {"text": "Our objective"})["proposal_id"]
    assert ana.vote(pid)["error"] == "voting_closed"
    assert ana.call("edit_proposal", {"proposal_id": pid, "text": "Our better objective"})["ok"]
    coach.call("change_phase", {"direction": "next"})
    assert ana.call("propose", {"text": "Late"})["error"] == "wrong_phase"
    assert ana.call("edit_proposal", {"proposal_id": pid, "text": "x"})["error"] == "wrong_phase"
    assert ana.call("withdraw_proposal", {"proposal_id": pid})["error"] == "wrong_phase"
    assert ana.state()["proposals"][0]["text"] == "Our better objective"
    coach.call("change_phase", {"direction": "next"})  # results: top 3 kept
    coach.call("set_kept", {"proposal_id": pid, "is_kept": False})
    refused = coach.call("change_phase", {"direction": "next"})
    assert refused["error"] == "wrong_phase" and "Keep at least one objective" in refused["message"]


def test_lobby_has_no_previous_phase(make_workshop, coach_socket):
    coach = coach_socket(make_workshop())
    assert coach.call("change_phase", {"direction": "back"})["error"] == "wrong_phase"
    assert coach.call("change_phase", {"direction": "sideways"})["error"] == "invalid_payload"


def test_only_the_author_edits_or_withdraws(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana, ben = phone(join(workshop)), phone(join(workshop))
    coach.call("change_phase", {"direction": "next"})
    pid = ana.call("propose", {"text": "Ana's idea"})["proposal_id"]
    assert ben.call("edit_proposal", {"proposal_id": pid, "text": "Ben's now"})["error"] == \
        "not_yours"
    assert ben.call("withdraw_proposal", {"proposal_id": pid})["error"] == "not_yours"
    assert ana.call("withdraw_proposal", {"proposal_id": pid})["ok"]
    assert ben.state()["proposals"] == []


def test_proposal_length_and_duplicate_client_id(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    coach.call("change_phase", {"direction": "next"})
    long = ana.call("propose", {"text": "x" * 201})
    assert long["error"] == "proposal_too_long"
    assert "at most 200 characters (this one has 201)" in long["message"]
    assert ana.call("propose", {"text": "x" * 200})["ok"]
    first = ana.call("propose", {"text": "Retry me", "client_id": "abc"})
    again = ana.call("propose", {"text": "Retry me", "client_id": "abc"})
    assert again["proposal_id"] == first["proposal_id"] and again["duplicate"] is True
    assert len(ana.state()["proposals"]) == 2


def test_reconnect_restores_votes_and_proposals(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    token = join(workshop, "Dana")
    dana = phone(token)
    a, = _to_vote(coach, [dana], ["Objective A"])
    dana.vote(a)
    dana.client.disconnect(namespace="/live")
    again = phone(token)
    assert again.snapshot["you"]["display_name"] == "Dana"
    assert again.snapshot["you"]["proposal_ids"] == [a]
    assert again.snapshot["you"]["ballot"] == {"round": "objective", "votes": {str(a): 1},
                                               "budget": 3, "remaining": 2}
    assert again.snapshot["workshop"]["phase"] == "objectives_vote"


def test_join_code_shape_and_uniqueness(app, make_workshop):
    codes = {make_workshop()["code"] for _ in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == 6 and not set(code) & set("0O1IL")


def test_join_with_lowercase_code_and_spaces(client, make_workshop):
    workshop = make_workshop()
    typed = " " + workshop["code"][:3].lower() + " " + workshop["code"][3:].lower()
    response = client.post("/live/api/join", json={"code": typed, "display_name": "Eve"})
    assert response.status_code == 200 and response.get_json()["workshop_id"] == workshop["id"]


def test_join_refusals(app, client, make_workshop, join):
    workshop = make_workshop()
    join(workshop, "Sam")
    taken = client.post("/live/api/join", json={"code": workshop["code"], "display_name": "sam"})
    assert taken.status_code == 409 and taken.get_json()["error"] == "name_taken"
    empty = client.post("/live/api/join", json={"code": workshop["code"], "display_name": "  "})
    assert empty.get_json()["error"] == "invalid_payload"
    rtl = client.post("/live/api/join", json={"code": workshop["code"],
                                              "display_name": "evil\u202eman"})
    assert "control characters" in rtl.get_json()["message"]
    not_json = client.post("/live/api/join", data="code=x")
    assert not_json.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Participant.id))) == 1


def test_anonymous_workshop_takes_no_names(make_workshop, join, phone, coach_socket):
    workshop = make_workshop(is_anonymous=True)
    coach = coach_socket(workshop)
    ana = phone(join(workshop, "Ignored"))
    coach.call("change_phase", {"direction": "next"})
    ana.call("propose", {"text": "Anonymous idea"})
    assert ana.snapshot["you"]["display_name"] is None
    assert coach.state()["proposals"][0]["author"] is None
    assert coach.state()["participants"] == [{"id": ana.snapshot["you"]["participant_id"],
                                              "name": None}]


def test_guessing_join_codes_is_rate_limited(client, make_workshop):
    workshop = make_workshop()
    for n in range(60):
        response = client.get(f"/live/api/workshops/ZZZZZ{n % 10}")
        assert response.status_code == 404
    blocked = client.get(f"/live/api/workshops/{workshop['code']}")
    assert blocked.status_code == 429
    assert "Too many wrong join codes" in blocked.get_json()["message"]


def test_database_refuses_a_double_counted_dot(app, make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    a, = _to_vote(coach, [ana], ["Objective A"])
    ana.vote(a)
    with app.app_context():
        vote = db.session.scalar(select(Vote))
        db.session.add(Vote(workshop_id=vote.workshop_id, participant_id=vote.participant_id,
                            proposal_id=vote.proposal_id, round=vote.round,
                            budget_slot=vote.budget_slot, item_slot=2))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_create_workshop_validates_settings(app, coach):
    from workshop.live.errors import InvalidPayload

    with app.app_context():
        for bad in ({"objectives_to_keep": 4}, {"key_results_to_keep": 1},
                    {"votes_per_participant": 0}, {"votes_per_participant": 3,
                                                   "max_votes_per_item": 4}):
            with pytest.raises(InvalidPayload):
                services.create_workshop(coach["id"], title="T", team_name="X",
                                         cycle_label="Q1", **bad)


def test_reveal_lasts_through_results_and_resets_for_the_next_round(
        make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    a, = _to_vote(coach, [ana], ["Objective A"])
    ana.vote(a)
    coach.call("reveal_results", {"revealed": True})
    coach.call("change_phase", {"direction": "next"})
    assert ana.state()["tallies"] == {str(a): 1}
    coach.call("change_phase", {"direction": "next"})
    assert ana.state()["workshop"]["results_revealed"] is False


def test_timer_is_shared_and_validated(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    assert coach.call("start_timer", {"seconds": 0})["error"] == "invalid_payload"
    assert coach.call("start_timer", {"seconds": "60"})["error"] == "invalid_payload"
    ack = coach.call("start_timer", {"seconds": 300})
    assert ack["ok"] and ack["timer_ends_at"].endswith("Z")
    assert ana.state()["workshop"]["timer_ends_at"] == ack["timer_ends_at"]
    assert ana.call("start_timer", {"seconds": 60})["error"] == "forbidden"
    assert coach.call("stop_timer")["ok"]
    assert ana.state()["workshop"]["timer_ends_at"] is None


def test_hints_and_quality_warnings(make_workshop, join, phone, coach_socket):
    workshop = make_workshop(objectives_to_keep=3)
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    hint = ana.call("check_statement", {"text": "Launch the new onboarding flow",
                                        "kind": "key_result"})
    assert "kr.activity" in [f["code"] for f in hint["hint"]["findings"]]
    assert ana.call("check_statement", {"text": "x", "kind": "task"})["error"] == \
        "invalid_payload"
    ids = _to_vote(coach, [ana], ["Roll out the new CRM", "Delight customers", "Be fast"])
    coach.call("change_phase", {"direction": "next"})
    quality = coach.call("get_quality")["quality"]
    assert "obj.task" in [f["code"] for f in quality["proposals"][str(ids[0])]]
    assert ana.call("get_quality")["error"] == "forbidden"


def test_facilitated_workshops_count_only_finished_ones_with_enough_people(
        app, coach, make_workshop, join, phone, coach_socket):
    done = make_workshop()
    unfinished = make_workshop()
    coach_done, coach_open = coach_socket(done), coach_socket(unfinished)
    phones = [phone(join(done)) for _ in range(3)]
    phone(join(unfinished))
    a, = _to_vote(coach_done, phones, ["Objective A"])
    for _ in range(5):
        assert coach_done.call("change_phase", {"direction": "next"})["ok"]
    assert coach_done.state()["workshop"]["phase"] == "final"
    coach_open.call("change_phase", {"direction": "next"})
    with app.app_context():
        assert [w.id for w in listing.facilitated_workshops(coach["id"], 3)] == [done["id"]]
        assert listing.facilitated_workshops(coach["id"], 4) == []


def test_proposals_are_rate_limited_per_person(app, make_workshop, join, phone, coach_socket):
    # The per-connection flood guard (30 events at once) must not answer first on a fast run:
    # this test is about the per-person proposal limit.
    app.config["LIVE_EVENT_BURST"] = 1_000
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana, ben = phone(join(workshop)), phone(join(workshop))
    coach.call("change_phase", {"direction": "next"})
    for n in range(30):
        assert ana.call("propose", {"text": f"Idea {n}"})["ok"]
    refused = ana.call("propose", {"text": "One too many"})
    assert refused["error"] == "rate_limited" and "a lot of proposals" in refused["message"]
    assert ben.call("propose", {"text": "Ben still can"})["ok"]
    assert coach.call("propose", {"text": "So can the coach"})["ok"]
