"""Refusals of the live engine; each ``code`` is part of the realtime protocol."""

from __future__ import annotations

from workshop.errors import Conflict, Forbidden, NotFound, WorkshopError


class InvalidPayload(WorkshopError):
    code = "invalid_payload"


class ProposalTooLong(WorkshopError):
    code = "proposal_too_long"


class WrongPhase(Conflict):
    code = "wrong_phase"


class VotingClosed(Conflict):
    code = "voting_closed"


class BudgetExhausted(Conflict):
    code = "budget_exhausted"


class ItemCapReached(Conflict):
    code = "item_cap_reached"


class NoVoteToRetract(Conflict):
    code = "no_vote_to_retract"


class WorkshopClosed(Conflict):
    code = "workshop_closed"


class NameTaken(Conflict):
    code = "name_taken"


class UnknownCode(NotFound):
    code = "unknown_code"


class UnknownProposal(NotFound):
    code = "unknown_proposal"


class NotYours(Forbidden):
    code = "not_yours"


class InvalidToken(Forbidden):
    code = "invalid_token"
