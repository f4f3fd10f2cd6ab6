"""Proposals: put forward, edit, withdraw, and the coach's moderation and merges."""

from __future__ import annotations

import logging

from sqlalchemy import delete, func, select, update

from workshop import ratelimit
from workshop.db import utcnow
from workshop.extensions import db
from workshop.live import phases
from workshop.live.errors import InvalidPayload, NotYours, WrongPhase
from workshop.live.models import Participant, Proposal, Vote, Workshop
from workshop.live.services import (
    MAX_PROPOSAL_LENGTH,
    clean_text,
    load_proposal,
    require_open,
)

logger = logging.getLogger(__name__)
# Enough for a real brainstorm, not for a script filling the board.
PROPOSALS_PER_PERSON = ratelimit.Limit("proposals", 30, 10 * 60)


def propose(workshop: Workshop, author: Participant | None, text, *, parent_id=None,
            client_id=None) -> tuple[Proposal, bool]:
    """Put forward an objective or (under a kept objective) a key result.

    Returns (proposal, created); a retry with the same client_id returns the first one.
    Raises WorkshopClosed, WrongPhase, ProposalTooLong, InvalidPayload, UnknownProposal.
    """
    require_open(workshop)
    round_ = phases.PROPOSE_PHASES.get(workshop.phase)
    if round_ is None:
        raise WrongPhase("Proposals are open only in the propose phases.")
    if client_id is not None and (not isinstance(client_id, str) or not 1 <= len(client_id) <= 64):
        raise InvalidPayload("client_id must be text of 1 to 64 characters.", field="client_id")
    clean = clean_text(text, field="text", max_length=MAX_PROPOSAL_LENGTH, label="A proposal")
    if author is not None and client_id is not None:
        earlier = db.session.scalar(select(Proposal).where(
            Proposal.author_id == author.id, Proposal.client_id == client_id))
        if earlier is not None:
            return earlier, False
    if author is not None:
        ratelimit.check(PROPOSALS_PER_PERSON, str(author.id),
                        "You have made a lot of proposals in a short time.")
    parent = None
    if round_ == phases.KEY_RESULT:
        if parent_id is None:
            raise InvalidPayload("Choose the objective this key result belongs to.",
                                 field="parent_id")
        parent = load_proposal(workshop, parent_id)
        if parent.round != phases.OBJECTIVE or not parent.is_kept or not parent.is_live:
            raise InvalidPayload("Key results can only be added to a kept objective.",
                                 field="parent_id")
    proposal = Proposal(workshop_id=workshop.id, round=round_, text=clean,
                        parent_id=parent.id if parent else None,
                        author_id=author.id if author else None,
                        client_id=client_id if author else None)
    db.session.add(proposal)
    db.session.flush()
    return proposal, True


def edit_own_proposal(workshop: Workshop, author: Participant, proposal_id, text) -> Proposal:
    """An author rewords their proposal while its round still takes proposals."""
    require_open(workshop)
    proposal = load_proposal(workshop, proposal_id)
    if proposal.author_id != author.id:
        raise NotYours("You can only change your own proposals.")
    if not phases.round_is_editable(workshop.phase, proposal.round):
        raise WrongPhase("Voting has started: proposals can no longer be changed.")
    proposal.text = clean_text(text, field="text", max_length=MAX_PROPOSAL_LENGTH,
                                label="A proposal")
    proposal.updated_at = utcnow()
    db.session.flush()
    return proposal


def withdraw_own_proposal(workshop: Workshop, author: Participant, proposal_id) -> None:
    """An author takes back their proposal while its round still takes proposals."""
    require_open(workshop)
    proposal = load_proposal(workshop, proposal_id)
    if proposal.author_id != author.id:
        raise NotYours("You can only withdraw your own proposals.")
    if not phases.round_is_editable(workshop.phase, proposal.round):
        raise WrongPhase("Voting has started: proposals can no longer be withdrawn.")
    db.session.delete(proposal)
    db.session.flush()


def moderate_proposal(workshop: Workshop, proposal_id, *, text=None, is_hidden=None) -> Proposal:
    """The coach rewords or hides/unhides a proposal (hidden ones drop out of the tally)."""
    require_open(workshop)
    proposal = load_proposal(workshop, proposal_id)
    if text is not None:
        proposal.text = clean_text(text, field="text", max_length=MAX_PROPOSAL_LENGTH,
                                    label="A proposal")
    if is_hidden is not None:
        if not isinstance(is_hidden, bool):
            raise InvalidPayload("is_hidden must be true or false.", field="is_hidden")
        proposal.is_hidden = is_hidden
        if is_hidden:
            # Dots on a hidden item go back to their owners' budgets.
            proposal.is_kept = False
            db.session.execute(delete(Vote).where(Vote.proposal_id == proposal.id))
    proposal.updated_at = utcnow()
    db.session.flush()
    return proposal


def merge_proposals(workshop: Workshop, target_id, source_ids) -> Proposal:
    """Fold duplicates into ``target``; their dots move to it, never past the per-item cap.

    A participant's dots beyond the cap are removed, which refunds them to their budget.
    Raises InvalidPayload for an empty/mixed selection, UnknownProposal, WorkshopClosed.
    """
    require_open(workshop)
    if (not isinstance(source_ids, list) or not source_ids or len(source_ids) > 50):
        raise InvalidPayload("Select 1 to 50 proposals to merge.", field="source_ids")
    if not all(isinstance(sid, int) and not isinstance(sid, bool) for sid in source_ids):
        raise InvalidPayload("source_ids must be a list of proposal numbers.", field="source_ids")
    target = load_proposal(workshop, target_id)
    sources = [load_proposal(workshop, sid) for sid in dict.fromkeys(source_ids)]
    if any(s.id == target.id for s in sources):
        raise InvalidPayload("A proposal cannot be merged into itself.", field="source_ids")
    if any(s.round != target.round or s.merged_into_id is not None for s in sources):
        raise InvalidPayload("Only live proposals of the same round can be merged.",
                             field="source_ids")
    if not target.is_live:
        raise InvalidPayload("Merge into a visible proposal.", field="target_id")
    source_set = [s.id for s in sources]
    cap = workshop.max_votes_per_item
    moving = db.session.scalars(select(Vote).where(Vote.proposal_id.in_(source_set))
                                .order_by(Vote.participant_id, Vote.id)).all()
    held: dict[int, int] = dict(db.session.execute(
        select(Vote.participant_id, func.count(Vote.id)).where(Vote.proposal_id == target.id)
        .group_by(Vote.participant_id)).all())
    refunded = 0
    for vote in moving:
        already = held.get(vote.participant_id, 0)
        if already >= cap:
            db.session.delete(vote)
            refunded += 1
        else:
            held[vote.participant_id] = already + 1
            vote.proposal_id = target.id
            vote.item_slot = cap + 1000 + vote.id  # temporary, renumbered below
    db.session.flush()
    for participant_id in {v.participant_id for v in moving}:
        _renumber_item_slots(participant_id, target.id)
    for source in sources:
        source.merged_into_id = target.id
        source.is_kept = False
        db.session.execute(update(Proposal).where(Proposal.parent_id == source.id)
                           .values(parent_id=target.id))
    target.is_kept = target.is_kept or any(s.is_kept for s in sources)
    db.session.flush()
    logger.info("workshop %s: merged %s into %s (%s dots refunded)", workshop.id, source_set,
                target.id, refunded)
    return target


def _renumber_item_slots(participant_id: int, proposal_id: int) -> None:
    votes = db.session.scalars(select(Vote).where(
        Vote.participant_id == participant_id, Vote.proposal_id == proposal_id)
        .order_by(Vote.item_slot)).all()
    for vote in votes:  # move out of the way first: slots are unique
        vote.item_slot += 10_000
    db.session.flush()
    for index, vote in enumerate(votes, start=1):
        vote.item_slot = index
    db.session.flush()
