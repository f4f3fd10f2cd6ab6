"""A whole workshop through the Socket.IO test client: phases, proposals, votes, results."""

from __future__ import annotations

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.live.models import Vote, Workshop


def _advance(coach, times=1):
    for _ in range(times):
        ack = coach.call("change_phase", {"direction": "next"})
        assert ack["ok"], ack
    return ack["phase"]


def test_whole_workshop(app, make_workshop, join, phone, coach_socket):
    workshop = make_workshop(objectives_to_keep=2, key_results_to_keep=2)
    coach = coach_socket(workshop)
    assert coach.snapshot["workshop"]["phase"] == "lobby"
    phones = [phone(join(workshop, name)) for name in ("Ana", "Ben", "Chen")]
    assert phones[0].snapshot["you"]["display_name"] == "Ana"
    assert coach.state()["counts"]["participants"] == 3

    assert _advance(coach) == "objectives_propose"
    texts = ["Delight our first-time users", "Become the team others copy",
             "Ship faster without breaking things"]
    ids = []
    for p, text in zip(phones, texts, strict=True):
        ack = p.call("propose", {"text": text, "client_id": "c1"})
        assert ack["ok"], ack
        ids.append(ack["proposal_id"])
    assert [x["text"] for x in phones[0].state()["proposals"]] == texts

    assert _advance(coach) == "objectives_vote"
    # Ana and Ben put dots on 0 and 1; Chen on 1 and 2. Results hidden from phones meanwhile.
    for p, targets in zip(phones, ([0, 0, 1], [1, 1, 0], [1, 2, 2]), strict=True):
        for t in targets:
            assert p.vote(ids[t])["ok"]
    phone_tally = phones[0].events("tally_changed")[-1]
    assert phone_tally["tallies"] is None and phone_tally["counts"]["voted"] == 3
    assert coach.events("tally_changed")[-1]["tallies"] == {str(ids[0]): 3, str(ids[1]): 4,
                                                            str(ids[2]): 2}

    assert _advance(coach) == "objectives_results"
    assert phones[1].state()["tallies"] is None
    assert coach.call("reveal_results", {"revealed": True})["ok"]
    revealed = phones[1].state()
    assert revealed["tallies"] == {str(ids[0]): 3, str(ids[1]): 4, str(ids[2]): 2}
    kept = [p["id"] for p in revealed["proposals"] if p["is_kept"]]
    assert kept == [ids[0], ids[1]]  # top 2 by default

    assert _advance(coach) == "key_results_propose"
    krs = {}
    for n, (parent, text) in enumerate([
        (ids[0], "Raise activation from 40% to 60%"),
        (ids[0], "Cut time-to-value from 14 to 5 days"),
        (ids[0], "Lift NPS from 30 to 45"), (ids[1], "Lead time from 9 days to 2 days"),
        (ids[1], "Change failure rate under 5%"),
    ]):
        ack = phones[n % 3].call("propose", {"text": text, "parent_id": parent})
        assert ack["ok"], ack
        krs[text] = ack["proposal_id"]
    bad_parent = phones[0].call("propose", {"text": "Orphan KR", "parent_id": ids[2]})
    assert bad_parent["error"] == "invalid_payload"

    assert _advance(coach) == "key_results_vote"
    for p in phones:
        assert p.vote(krs["Raise activation from 40% to 60%"])["ok"]
        assert p.vote(krs["Lead time from 9 days to 2 days"])["ok"]
    assert phones[0].vote(krs["Lift NPS from 30 to 45"])["ok"]
    assert _advance(coach, 2) == "final"
    final = phones[2].state()["final"]
    assert [o["text"] for o in final["objectives"]] == texts[:2]
    assert [k["text"] for k in final["objectives"][0]["key_results"]] == [
        "Raise activation from 40% to 60%", "Lift NPS from 30 to 45"]

    closed = coach.call("close_workshop")
    assert closed["ok"] and closed["final"] == final
    late = phones[0].vote(krs["Change failure rate under 5%"])
    assert late == {"ok": False, "error": "workshop_closed",
                    "message": "This workshop has ended; votes can no longer change."}
    assert coach.call("change_phase", {"direction": "back"})["error"] == "workshop_closed"
    with app.app_context():
        stored = db.session.get(Workshop, workshop["id"])
        assert stored.final_okr_set == final and stored.closed_at is not None


def test_results_shown_without_reveal_when_setting_off(make_workshop, join, phone, coach_socket):
    workshop = make_workshop(is_hiding_results=False)
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    _advance(coach)
    pid = ana.call("propose", {"text": "Be the calmest on-call rota"})["proposal_id"]
    _advance(coach)
    ana.vote(pid)
    assert ana.events("tally_changed")[-1]["tallies"] == {str(pid): 1}


def test_budget_and_cap_are_enforced(app, make_workshop, join, phone, coach_socket):
    workshop = make_workshop(votes_per_participant=3, max_votes_per_item=2)
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    _advance(coach)
    a = ana.call("propose", {"text": "Objective A"})["proposal_id"]
    b = ana.call("propose", {"text": "Objective B"})["proposal_id"]
    _advance(coach)
    assert ana.vote(a)["ballot"]["remaining"] == 2
    assert ana.vote(a)["ballot"]["votes"] == {str(a): 2}
    capped = ana.vote(a)
    assert capped["error"] == "item_cap_reached" and "At most 2" in capped["message"]
    assert ana.vote(b)["ballot"]["remaining"] == 0
    spent = ana.vote(b)
    assert spent["error"] == "budget_exhausted"
    with app.app_context():
        assert db.session.scalar(select(func.count(Vote.id))) == 3


def test_retried_cast_counts_once(app, make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    _advance(coach)
    a = ana.call("propose", {"text": "Objective A"})["proposal_id"]
    _advance(coach)
    first = ana.vote(a, op_id="same-id")
    again = ana.vote(a, op_id="same-id")
    assert first["ok"] and again["ok"]
    assert first["ballot"]["duplicate"] is False and again["ballot"]["duplicate"] is True
    assert again["ballot"]["votes"] == {str(a): 1}
    with app.app_context():
        assert db.session.scalar(select(func.count(Vote.id))) == 1


def test_move_and_retract(make_workshop, join, phone, coach_socket):
    workshop = make_workshop(votes_per_participant=2)
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    _advance(coach)
    a = ana.call("propose", {"text": "Objective A"})["proposal_id"]
    b = ana.call("propose", {"text": "Objective B"})["proposal_id"]
    _advance(coach)
    ana.vote(a)
    ana.vote(a)
    moved = ana.call("move_vote", {"from_id": a, "to_id": b, "op_id": "m1"})
    assert moved["ballot"]["votes"] == {str(a): 1, str(b): 1}
    back = ana.call("retract_vote", {"proposal_id": b, "op_id": "r1"})
    assert back["ballot"]["votes"] == {str(a): 1} and back["ballot"]["remaining"] == 1
    nothing = ana.call("retract_vote", {"proposal_id": b, "op_id": "r2"})
    assert nothing["error"] == "no_vote_to_retract"
    failed_move = ana.call("move_vote", {"from_id": b, "to_id": a, "op_id": "m2"})
    assert failed_move["error"] == "no_vote_to_retract"
    assert ana.state()["you"]["ballot"]["votes"] == {str(a): 1}


def test_coach_reopens_voting(make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    _advance(coach)
    a = ana.call("propose", {"text": "Objective A"})["proposal_id"]
    _advance(coach, 2)
    assert ana.vote(a)["error"] == "voting_closed"
    assert coach.call("change_phase", {"direction": "back"})["phase"] == "objectives_vote"
    assert ana.vote(a)["ok"]
    assert ana.events("workshop_changed")[-1]["resync"] is True


def test_refused_operation_stays_refused_when_resent(app, make_workshop, join, phone,
                                                     coach_socket):
    workshop = make_workshop(votes_per_participant=1)
    coach = coach_socket(workshop)
    ana = phone(join(workshop))
    _advance(coach)
    a = ana.call("propose", {"text": "Objective A"})["proposal_id"]
    b = ana.call("propose", {"text": "Objective B"})["proposal_id"]
    _advance(coach)
    assert ana.vote(a, op_id="first")["ok"]
    refused = ana.vote(b, op_id="late")
    assert refused["error"] == "budget_exhausted"
    assert ana.call("retract_vote", {"proposal_id": a, "op_id": "free-one"})["ok"]
    # A delayed copy of the refused operation must not apply now that budget is free.
    again = ana.vote(b, op_id="late")
    assert again == refused
    assert ana.state()["you"]["ballot"]["votes"] == {}
    assert ana.vote(b, op_id="new")["ballot"]["votes"] == {str(b): 1}
    with app.app_context():
        assert db.session.scalar(select(func.count(Vote.id))) == 1
