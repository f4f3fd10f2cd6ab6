"""Read models: the full state a phone, a coach or a screen needs, built from the database."""

from __future__ import annotations

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.live import phases, voting
from workshop.live.models import Participant, Proposal, Workshop
from workshop.live.services import vote_counts

COACH = "coach"
PARTICIPANT = "participant"


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def counts(workshop: Workshop) -> dict:
    joined = db.session.scalar(select(func.count(Participant.id)).where(
        Participant.workshop_id == workshop.id)) or 0
    return {"participants": joined, "voted": voting.voted_count(workshop)}


def tallies_visible(workshop: Workshop, audience: str) -> bool:
    return audience == COACH or workshop.results_visible_to_participants


def tallies(workshop: Workshop, audience: str) -> dict | None:
    """Votes per proposal of the current round, or None when hidden from this audience."""
    round_ = phases.ROUND_OF.get(workshop.phase)
    if round_ is None or not tallies_visible(workshop, audience):
        return None
    return {str(k): v for k, v in vote_counts(workshop, round_).items()}


def tally_message(workshop: Workshop, audience: str) -> dict:
    return {"workshop_id": workshop.id, "phase": workshop.phase,
            "round": phases.ROUND_OF.get(workshop.phase),
            "tallies": tallies(workshop, audience), "counts": counts(workshop)}


def workshop_info(workshop: Workshop) -> dict:
    return {
        "id": workshop.id, "title": workshop.title, "team_name": workshop.team_name,
        "cycle_label": workshop.cycle_label, "join_code": workshop.join_code,
        "phase": workshop.phase, "phase_label": phases.LABELS[workshop.phase],
        "round": phases.ROUND_OF.get(workshop.phase),
        "is_anonymous": workshop.is_anonymous,
        "results_revealed": workshop.results_visible_to_participants,
        "timer_ends_at": _iso(workshop.timer_ends_at),
        "settings": {
            "votes_per_participant": workshop.votes_per_participant,
            "max_votes_per_item": workshop.max_votes_per_item,
            "objectives_to_keep": workshop.objectives_to_keep,
            "key_results_to_keep": workshop.key_results_to_keep,
            "hide_results_until_revealed": workshop.is_hiding_results,
        },
    }


def proposals(workshop: Workshop, audience: str) -> list[dict]:
    query = select(Proposal, Participant.display_name).outerjoin(
        Participant, Proposal.author_id == Participant.id).where(
        Proposal.workshop_id == workshop.id, Proposal.merged_into_id.is_(None))
    if audience != COACH:
        query = query.where(Proposal.is_hidden.is_(False))
    all_counts: dict[int, int] = {}
    if tallies_visible(workshop, audience):
        for round_ in (phases.OBJECTIVE, phases.KEY_RESULT):
            all_counts.update(vote_counts(workshop, round_))
    rows = []
    for proposal, author in db.session.execute(query.order_by(Proposal.id)).all():
        row = {"id": proposal.id, "round": proposal.round, "parent_id": proposal.parent_id,
               "text": proposal.text, "is_kept": proposal.is_kept,
               "author": None if workshop.is_anonymous else author,
               "by_coach": proposal.author_id is None}
        if audience == COACH:
            row["is_hidden"] = proposal.is_hidden
        if all_counts or tallies_visible(workshop, audience):
            row["votes"] = all_counts.get(proposal.id, 0)
        rows.append(row)
    return rows


def workshop_state(workshop: Workshop, audience: str) -> dict:
    """Everything shared by one audience; phones add their own part (see ``snapshot``)."""
    state = {
        "workshop": workshop_info(workshop),
        "counts": counts(workshop),
        "proposals": proposals(workshop, audience),
        "tallies": tallies(workshop, audience),
        "final": workshop.final_okr_set if workshop.phase in (phases.FINAL, phases.CLOSED)
        else None,
    }
    if audience == COACH:
        state["participants"] = [
            {"id": p.id, "name": None if workshop.is_anonymous else p.display_name}
            for p in workshop.participants
        ]
    return state


def snapshot(workshop: Workshop, audience: str, participant: Participant | None = None) -> dict:
    """The full authoritative state for one connection (sent on every connect)."""
    state = workshop_state(workshop, audience)
    if participant is not None:
        mine = db.session.scalars(select(Proposal.id).where(
            Proposal.author_id == participant.id)).all()
        state["you"] = {"role": PARTICIPANT, "participant_id": participant.id,
                        "display_name": participant.display_name,
                        "proposal_ids": list(mine), "ballot": voting.ballot(workshop, participant)}
    else:
        state["you"] = {"role": audience}
    return state
