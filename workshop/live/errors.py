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


class RecordedRefusal(Conflict):
    """A refusal stored with its operation id, so a resend gets the same answer and never a
    later application; the adapter commits it instead of rolling back."""

    keeps_changes = True

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


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
