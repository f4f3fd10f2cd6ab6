"""Dot voting: cast, retract and move dots within the budget and the per-item cap."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.live import phases
from workshop.live.errors import (
    BudgetExhausted,
    InvalidPayload,
    ItemCapReached,
    NoVoteToRetract,
    RecordedRefusal,
    UnknownProposal,
    VotingClosed,
    WorkshopClosed,
)
from workshop.live.models import Participant, Proposal, Vote, VoteOperation, Workshop

logger = logging.getLogger(__name__)


def my_votes(participant: Participant, round_: str) -> dict[int, int]:
    """How many dots this participant has on each proposal of a round."""
    return dict(db.session.execute(
        select(Vote.proposal_id, func.count(Vote.id))
        .where(Vote.participant_id == participant.id, Vote.round == round_)
        .group_by(Vote.proposal_id)).all())


def ballot(workshop: Workshop, participant: Participant) -> dict:
    """The participant's own dots and remaining budget in the current (or last) voting round."""
    round_ = phases.ROUND_OF.get(workshop.phase)
    votes = my_votes(participant, round_) if round_ else {}
    return {"round": round_, "votes": {str(k): v for k, v in votes.items()},
            "budget": workshop.votes_per_participant,
            "remaining": workshop.votes_per_participant - sum(votes.values())}


def _voting_round(workshop: Workshop) -> str:
    if workshop.is_closed:
        raise WorkshopClosed("This workshop has ended; votes can no longer change.")
    round_ = phases.VOTE_PHASES.get(workshop.phase)
    if round_ is None:
        raise VotingClosed("Voting is not open right now.")
    return round_


def _check_op_id(op_id) -> str:
    if not isinstance(op_id, str) or not 1 <= len(op_id) <= 64:
        raise InvalidPayload("op_id must be text of 1 to 64 characters.", field="op_id")
    return op_id


def _earlier(participant: Participant, op_id: str) -> VoteOperation | None:
    return db.session.scalar(select(VoteOperation).where(
        VoteOperation.participant_id == participant.id, VoteOperation.op_id == op_id))


def _votable(workshop: Workshop, proposal_id, round_: str) -> Proposal:
    if not isinstance(proposal_id, int) or isinstance(proposal_id, bool):
        raise InvalidPayload("proposal_id must be a number.", field="proposal_id")
    proposal = db.session.get(Proposal, proposal_id)
    if (proposal is None or proposal.workshop_id != workshop.id or not proposal.is_live
            or proposal.round != round_):
        raise UnknownProposal("That item is not on this ballot.")
    return proposal


def _lock(participant: Participant) -> None:
    # Serialises one participant's concurrent operations on PostgreSQL (SQLite has one writer).
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Participant.id).where(Participant.id == participant.id)
                           .with_for_update())


def _free_slot(used, limit: int) -> int | None:
    taken = set(used)
    return next((slot for slot in range(1, limit + 1) if slot not in taken), None)


def _add_dot(workshop: Workshop, participant: Participant, proposal: Proposal,
             round_: str) -> list[int]:
    """Add one dot; returns the proposal ids of all the participant's dots in the round."""
    # One query for both slot checks and the ballot: a vote is on the hot path of a big room.
    dots = db.session.execute(select(Vote.proposal_id, Vote.budget_slot, Vote.item_slot).where(
        Vote.participant_id == participant.id, Vote.round == round_)).all()
    budget_slot = _free_slot((b for _, b, _ in dots), workshop.votes_per_participant)
    if budget_slot is None:
        raise BudgetExhausted(f"You have used all {workshop.votes_per_participant} of your "
                              "votes. Take one back to move it.")
    # A proposal's dots are all of its own round, so filtering the round's dots is enough.
    item_slot = _free_slot((i for p, _, i in dots if p == proposal.id),
                           workshop.max_votes_per_item)
    if item_slot is None:
        raise ItemCapReached(f"At most {workshop.max_votes_per_item} vote(s) can go on one "
                             "item.")
    db.session.add(Vote(workshop_id=workshop.id, participant_id=participant.id,
                        proposal_id=proposal.id, round=round_, budget_slot=budget_slot,
                        item_slot=item_slot))
    return [p for p, _, _ in dots] + [proposal.id]


def _ballot_of(workshop: Workshop, round_: str, dots: list[int]) -> dict:
    """``ballot()`` computed from the proposal ids of the participant's dots (no query)."""
    votes: dict[int, int] = {}
    for proposal_id in sorted(dots):
        votes[proposal_id] = votes.get(proposal_id, 0) + 1
    return {"round": round_, "votes": {str(k): v for k, v in votes.items()},
            "budget": workshop.votes_per_participant,
            "remaining": workshop.votes_per_participant - len(dots)}


def _remove_dot(participant: Participant, proposal: Proposal) -> None:
    vote = db.session.scalar(select(Vote).where(
        Vote.participant_id == participant.id, Vote.proposal_id == proposal.id)
        .order_by(Vote.item_slot.desc()).limit(1))
    if vote is None:
        raise NoVoteToRetract("You have no vote on that item to take back.")
    db.session.delete(vote)


def _apply(workshop, participant, op_id, kind, proposal_id, change) -> dict:
    round_ = _voting_round(workshop)
    op_id = _check_op_id(op_id)
    _lock(participant)
    earlier = _earlier(participant, op_id)
    if earlier is not None:
        if earlier.refusal_code:
            raise RecordedRefusal(earlier.refusal_code, earlier.refusal_message or "")
        return {**ballot(workshop, participant), "duplicate": True}
    try:
        with db.session.begin_nested():
            dots = change(round_)  # the participant's dots afterwards, if the change knows
    except REMEMBERED as exc:
        db.session.add(VoteOperation(participant_id=participant.id, op_id=op_id, kind=kind,
                                     proposal_id=_plain_id(proposal_id),
                                     refusal_code=exc.code, refusal_message=exc.message[:300]))
        db.session.flush()
        raise RecordedRefusal(exc.code, exc.message) from exc
    db.session.add(VoteOperation(participant_id=participant.id, op_id=op_id, kind=kind,
                                 proposal_id=proposal_id))
    db.session.flush()
    after = ballot(workshop, participant) if dots is None else _ballot_of(workshop, round_, dots)
    return {**after, "duplicate": False}


# Refusals that depend on the participant's own ballot: remembered per op_id. (Phase and
# payload refusals are not: they say nothing about what the operation would do later.)
REMEMBERED = (BudgetExhausted, ItemCapReached, NoVoteToRetract)


def _plain_id(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def cast_vote(workshop: Workshop, participant: Participant, proposal_id, op_id) -> dict:
    """Put one dot on a proposal; a retried ``op_id`` is acknowledged again, counted once.

    Raises VotingClosed, WorkshopClosed, InvalidPayload, UnknownProposal, BudgetExhausted,
    ItemCapReached.
    """
    def change(round_):
        return _add_dot(workshop, participant, _votable(workshop, proposal_id, round_), round_)

    return _apply(workshop, participant, op_id, "cast", proposal_id, change)


def retract_vote(workshop: Workshop, participant: Participant, proposal_id, op_id) -> dict:
    """Take one dot back from a proposal. Raises as cast_vote, or NoVoteToRetract."""
    def change(round_):
        _remove_dot(participant, _votable(workshop, proposal_id, round_))
        db.session.flush()

    return _apply(workshop, participant, op_id, "retract", proposal_id, change)


def move_vote(workshop: Workshop, participant: Participant, from_id, to_id, op_id) -> dict:
    """Move one dot between proposals in one step (all or nothing)."""
    def change(round_):
        source = _votable(workshop, from_id, round_)
        target = _votable(workshop, to_id, round_)
        _remove_dot(participant, source)
        db.session.flush()
        return _add_dot(workshop, participant, target, round_)

    return _apply(workshop, participant, op_id, "move", to_id, change)


def voted_count(workshop: Workshop) -> int:
    """Participants with at least one dot in the current (or last) voting round."""
    round_ = phases.ROUND_OF.get(workshop.phase)
    if round_ is None:
        return 0
    return db.session.scalar(select(func.count(func.distinct(Vote.participant_id))).where(
        Vote.workshop_id == workshop.id, Vote.round == round_)) or 0
